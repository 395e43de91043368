"""Columnar agent state: one numpy array per attribute, one row per agent.

An `AgentTable` holds the state of one agent type. Processes read and write whole columns
(`table.won += income`); Mesa agent objects in `sim.agents` are thin handles on one row.
An agent that leaves keeps its row with `active` set to False until `compact` drops the rows of
departed agents and renumbers the rest, in order; the owner of the table remaps references to rows.
"""

from __future__ import annotations

import numpy as np

Columns = dict[str, np.dtype | type]


class AgentTable:
    """State columns of one agent type, grown by doubling when rows are added.

    Attribute access returns a view of the rows in use, so in-place updates write through:
    `table.won += x` updates the stored column. The views are kept as plain attributes, renewed whenever
    the rows in use change (`add`, `compact`): processes read columns hundreds of thousands of times a run.
    """

    def __init__(self, columns: Columns, capacity: int = 16) -> None:
        columns = {"active": np.bool_, **columns}
        object.__setattr__(self, "_columns", {name: np.dtype(dt) for name, dt in columns.items()})
        object.__setattr__(self, "_data", {name: np.zeros(max(capacity, 1), dt) for name, dt in columns.items()})
        self._use_rows(0)

    def _use_rows(self, n: int) -> None:
        """Set the number of rows in use and renew the column views to it."""
        object.__setattr__(self, "n", n)
        for name, data in self._data.items():
            object.__setattr__(self, name, data[:n])

    def __getstate__(self) -> dict[str, object]:
        # without the views: copies of them would not write through, so unpickling rebuilds them
        return {name: value for name, value in self.__dict__.items() if name not in self._data}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._use_rows(state["n"])

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def __getattr__(self, name: str) -> np.ndarray:  # only reached when `name` is not a column
        raise AttributeError(f"no column {name!r}; columns are {sorted(object.__getattribute__(self, '_data'))}")

    def __setattr__(self, name: str, value: object) -> None:
        if name in self._data:
            column = self.__dict__[name]
            if value is not column:
                column[...] = value
        else:
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return self.n

    @property
    def n_active(self) -> int:
        return int(np.count_nonzero(self.active))

    def add(self, count: int, **values: np.ndarray | float | int | bool) -> np.ndarray:
        """Append `count` active rows with the given column values (others zero); return their rows."""
        unknown = set(values) - set(self._columns)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        start, stop = self.n, self.n + count
        capacity = len(self._data["active"])
        if stop > capacity:
            new_capacity = max(stop, 2 * capacity)
            for name, old in self._data.items():
                grown = np.zeros(new_capacity, old.dtype)
                grown[:start] = old[:start]
                self._data[name] = grown
        self._data["active"][start:stop] = True
        for name, value in values.items():
            self._data[name][start:stop] = value
        self._use_rows(stop)
        return np.arange(start, stop)

    def compact(self) -> np.ndarray:
        """Drop the inactive rows, keeping the order of the rest; return each old row's new row (-1 if dropped).

        Tables of agents that come and go (traders, smugglers) would otherwise grow with every entry
        ever made, and every whole-column operation with them.
        """
        keep = np.flatnonzero(self.active)
        new_row = np.full(self.n, -1, np.int32)
        new_row[keep] = np.arange(len(keep), dtype=np.int32)
        for data in self._data.values():
            data[: len(keep)] = data[keep]
            data[len(keep) : self.n] = 0
        self._use_rows(len(keep))
        return new_row
