"""The agents: Mesa agent objects that are handles on one row of their type's state arrays.

All behaviour is in `sim.processes`, which work on whole columns at once; these classes exist so
that `model.agents`, `agents_by_type`, `AgentSet` queries, data collectors and visualizations work as
Mesa users expect. Each class has a property for every column declared for its table in `sim.world`
(with the column's description as its docstring): reading or setting it reads or writes the agent's row.
"""

from __future__ import annotations

import weakref
from itertools import count, repeat
from typing import TYPE_CHECKING, Any

import mesa
from mesa.discrete_space import FixedAgent

from sim.world import HOUSEHOLD_COLUMNS, OFFICIAL_COLUMNS, SMUGGLER_COLUMNS, TRADER_COLUMNS, Column

if TYPE_CHECKING:
    from mesa.discrete_space import Cell

    from sim.core.table import AgentTable


def column_property(name: str, doc: str) -> property:
    """A property reading and writing column `name` of the agent's row."""

    def get(self: RowAgent) -> Any:
        return getattr(self.table, name)[self.row].item()

    def set_(self: RowAgent, value: Any) -> None:
        getattr(self.table, name)[self.row] = value

    return property(get, set_, doc=doc)


class AgentNumbers(weakref.WeakKeyDictionary):
    """The counter that numbers each model's agents (`unique_id`), made on first use; unlike Mesa 3.3's
    `Agent._ids`, a plain dict on the class, it does not keep the models alive."""

    def __getitem__(self, model: mesa.Model) -> count:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = count(1)
            return counter


class RowAgent:
    """Mixin: an agent whose state is row `row` of the world's table named `table_name`, with a property
    for each of that table's `columns`."""

    table_name: str = ""
    columns: dict[str, Column] = {}
    # Mesa 3.3's `Agent._ids` holds every model ever made, so none is freed (mesa/mesa#3179): a worker's
    # third full-scale run in a sweep was killed for memory. The fix (mesa/mesa#3180, January 2026) is in
    # releases that need Python 3.12; 3.3 is the last Mesa for the Python 3.11 we run on.
    # `Agent.__init__` reads the counter through `self._ids`, so this one, shared by all our agent types,
    # takes its place.
    _ids = AgentNumbers()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, column in cls.columns.items():
            setattr(cls, name, column_property(name, column.doc))

    def __init__(self, model: mesa.Model, row: int, **kwargs: Any) -> None:
        self.row = int(row)
        super().__init__(model, **kwargs)

    @property
    def table(self) -> AgentTable:
        return getattr(self.model.world, self.table_name)

    @property
    def town_cell(self) -> Cell:
        """The grid cell of the agent's market town."""
        return self.model.town_cells[self.town]


class Household(RowAgent, mesa.Agent):
    """A household: members, food, cash; rations, wages, farming, remittances, eating, deciding to trade."""

    table_name, columns = "households", HOUSEHOLD_COLUMNS


class Trader(RowAgent, mesa.Agent):
    """A household member with a stall or cart who buys wholesale and sells retail in one good."""

    table_name, columns = "traders", TRADER_COLUMNS


class Smuggler(RowAgent, mesa.Agent):
    """A border-town trader who carries Chinese goods and remittances across the border."""

    table_name, columns = "smugglers", SMUGGLER_COLUMNS


class Official(RowAgent, FixedAgent):
    """The official in charge of a market town: fees, bribes, crackdowns and stakes in traders."""

    table_name, columns = "officials", OFFICIAL_COLUMNS

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model, row)
        self.cell = self.town_cell


def make_handles(model: mesa.Model, agent_type: type[RowAgent], rows: list[int]) -> list[RowAgent]:
    """Handles on `rows`, registered with the model as `Agent.__init__` registers one agent, but in bulk.

    One agent at a time costs about 3 microseconds, 20 seconds for the 5.9 million households at full
    scale; this sets the same attributes and fills the same registries (Mesa 3.3's `Model._agents`,
    `_agents_by_type` and `_all_agents`) in a few C-level passes. Officials, which sit in grid cells, and
    small batches go through `Agent.__init__`.
    """
    if issubclass(agent_type, FixedAgent) or len(rows) < BULK_AT_LEAST:
        return [agent_type(model, row) for row in rows]
    ids = RowAgent._ids[model]
    handles = [object.__new__(agent_type) for _ in rows]
    for handle, row in zip(handles, rows, strict=True):
        handle.__dict__.update(model=model, unique_id=next(ids), pos=None, row=row)
    model._agents.update(zip(handles, repeat(None)))
    if agent_type not in model._agents_by_type:
        model._agents_by_type[agent_type] = mesa.agent.AgentSet([], random=model.random)
    for agent_set in (model._agents_by_type[agent_type], model._all_agents):
        # An AgentSet holds its agents in a WeakKeyDictionary, whose update() makes the weak references
        # one at a time in Python; making them with map() is a third faster.
        registry = agent_set._agents
        registry.data.update(zip(map(weakref.ref, handles, repeat(registry._remove)), repeat(None)))
    return handles


BULK_AT_LEAST = 10_000  # below this, creating handles one by one costs little

AGENT_TYPES = {"households": Household, "traders": Trader, "smugglers": Smuggler, "officials": Official}
