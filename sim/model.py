"""Jangmadang: informal markets in a command economy, North Korea 1990-2020.

A Mesa model of households, traders, smugglers and officials in a grid of market towns, stepped
monthly through famine, sanctions, border closure and shifting state tolerance. The state of the
country is a `World` of numpy tables (`sim.world`); behaviour is in whole-array processes
(`sim.processes`), each a function of the world, which the model runs in the documented order; Mesa
agent objects are handles on the tables' rows (`sim.agents`). See docs/ODD.md for the model description.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import OrthogonalMooreGrid

from sim import accounting
from sim.agents import AGENT_TYPES, make_handles
from sim.core.memory import reuse_freed_memory_for, too_large_for_this_machine
from sim.core.schedule import month_label, month_start, to_month
from sim.indicators import INDICATORS, market_snapshot, measure
from sim.initialization import build_world
from sim.parameters import ParameterError, Parameters
from sim.processes.books import close_books, open_books
from sim.processes.border import deliver_remittances, export_state_goods, import_legally, smuggle
from sim.processes.enforcement import collect_stall_fees, crack_down, invest_official_funds, take_bribes
from sim.processes.entry_exit import (
    enter_smuggling,
    enter_trade,
    exit_trade,
    move_to_dearer_markets,
    put_savings_into_trade,
    start_trained_businesses,
    take_stalls,
)
from sim.processes.livelihood import births_and_deaths, dissolve_empty_households, eat, famine_deaths
from sim.processes.money import exchange_currency, form_expectations, redenominate_currency, spend_state_budget
from sim.processes.production import harvest
from sim.processes.state import (
    deliver_food_aid,
    distribute_rations,
    pay_wages,
    read_drivers,
    sell_in_state_shops,
)
from sim.processes.trade import buy_local_services, sell_retail, settle_accounts, source_wholesale
from sim.world import GOODS, Tally, World

MIN_HOUSEHOLDS_PER_TOWN = 20  # below this, town markets are too thin to behave like the default scale's


class HistoryWarning(UserWarning):
    """A run reaches before or after the documented history, where the drivers hold their end values."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of lasting objects are made: it would rescan
    them all again and again, doubling the cost of making them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_indicator(name: str, model: JangmadangModel) -> float:
    """Mesa model reporter for one of the month's indicators (bound with `partial`, which pickles)."""
    return model.indicators[name]


class JangmadangModel(mesa.Model):
    """The country's households, traders, smugglers and officials, one step a month.

    Keyword arguments are the fields of `sim.parameters.Parameters` (scalars or driver schedules).
    `seed` seeds every random stream of the run (`sim.core.streams`); without one, a seed is drawn and
    kept in `seed`.
    """

    def __init__(self, seed: int | None = None, **parameters: Any) -> None:
        super().__init__(seed=seed)
        self.p = p = Parameters.build(**parameters)
        self.seed = int(seed) if seed is not None else int(self.rng.integers(2**63))
        if reason := too_large_for_this_machine(p.households):
            raise ParameterError({"households": reason})
        for message in p.beyond_history():
            warnings.warn(message, HistoryWarning, stacklevel=2)
        reuse_freed_memory_for(array_bytes=8 * p.households)
        if p.households < MIN_HOUSEHOLDS_PER_TOWN * p.market_towns:
            warnings.warn(
                f"few households per market town ({p.households / p.market_towns:.1f}); small towns swing between "
                f"glut and shortage and results differ from larger runs. Reduce market_towns with households "
                f"(at least {MIN_HOUSEHOLDS_PER_TOWN} households a town).",
                UserWarning,
                stacklevel=2,
            )
        self.start_month, self.end_month = to_month(p.start), to_month(p.end)
        self.world: World = build_world(p, self.seed)
        geo = self.world.geo
        self.grid = OrthogonalMooreGrid((p.grid_width, p.grid_height), torus=False, random=self.random)
        self.town_cells = [self.grid[(int(x), int(y))] for x, y in zip(geo.x, geo.y, strict=True)]
        self._handles: dict[str, dict[int, mesa.Agent]] = {name: {} for name in AGENT_TYPES}
        self.sync_handles()
        self.indicators: dict[str, float] = {}
        self.market_history: list[dict[str, np.ndarray]] = []
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(read_indicator, name) for name in INDICATORS}
        )

    # --- agent handles ----------------------------------------------------------------------
    # Mesa agent objects mirror the active rows of the tables. Households and officials get theirs at
    # set-up; traders and smugglers come and go by the hundred thousand a year at full scale, so theirs
    # are made (and departed agents' removed) when Mesa's agent API is used, not in every step.

    def sync_handles(self) -> None:
        """Bring the Mesa agent handles up to date with the tables: one handle per active row, no others."""
        with gc_paused():
            for table_name, agent_type in AGENT_TYPES.items():
                table, handles = getattr(self.world, table_name), self._handles[table_name]
                has_handle = np.zeros(len(table), dtype=bool)
                has_handle[np.fromiter(handles, dtype=np.int64, count=len(handles))] = True
                for row in np.flatnonzero(has_handle & ~table.active).tolist():
                    handles.pop(row).remove()
                rows = np.flatnonzero(table.active & ~has_handle).tolist()
                handles.update(zip(rows, make_handles(self, agent_type, rows), strict=True))

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All agents (Mesa's API), brought up to date with the tables first."""
        self.sync_handles()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """The agents of each type (Mesa's API), brought up to date with the tables first."""
        self.sync_handles()
        return super().agents_by_type

    def handle(self, table_name: str, row: int) -> mesa.Agent:
        """The Mesa agent object of one active row."""
        table, handles, row = getattr(self.world, table_name), self._handles[table_name], int(row)
        if not 0 <= row < len(table) or not table.active[row]:
            raise KeyError(f"row {row} of {table_name} is not an active agent")
        if row not in handles:
            handles[row] = make_handles(self, AGENT_TYPES[table_name], [row])[0]
        return handles[row]

    def _compact(self, table_name: str, link: str) -> None:
        """Drop departed agents' rows from a table (`World.compact`) and renumber their handles."""
        new_row = self.world.compact(getattr(self.world, table_name), link)
        if new_row is None:
            return
        renumbered = {}
        for old, handle in self._handles[table_name].items():
            if new_row[old] < 0:
                handle.remove()
            else:
                handle.row = int(new_row[old])
                renumbered[handle.row] = handle
        self._handles[table_name] = renumbered

    # --- the monthly step (ODD 3: process overview and scheduling) -----------------------------

    @property
    def date(self) -> str:
        return month_label(self.world.month)

    @property
    def weight(self) -> float:
        return self.p.weight

    def step(self) -> None:
        """One month, processes in the documented order."""
        w = self.world
        w.month = self.start_month + self.steps - 1
        w.ledger.new_month()
        w.tally = Tally()

        # Drivers, and the books opened for the month
        read_drivers(w)
        redenominate_currency(w)
        open_books(w)
        # Rations, state shops and wages: the month's takings are in the treasury before the wages are paid
        distribute_rations(w)
        deliver_food_aid(w)
        sell_in_state_shops(w)
        pay_wages(w)
        # Production, and the rest of the state's budget spent
        harvest(w)
        spend_state_budget(w)
        # Smuggling, remittances and the currency market
        deliver_remittances(w)
        export_state_goods(w)
        exchange_currency(w)
        import_legally(w)
        smuggle(w)
        # Sourcing, trading and price formation
        for good in GOODS:
            source_wholesale(w, good)
            sell_retail(w, good)
        buy_local_services(w)
        form_expectations(w)
        # Fees, bribes and crackdowns; profits to households; officials' stakes
        collect_stall_fees(w)
        take_bribes(w)
        crack_down(w)
        settle_accounts(w)
        invest_official_funds(w)
        # Consumption, hunger and mortality
        eat(w)
        famine_deaths(w)
        births_and_deaths(w)
        dissolve_empty_households(w)
        # Entry to and exit from trade
        exit_trade(w)
        move_to_dearer_markets(w)
        put_savings_into_trade(w)
        take_stalls(w)
        enter_trade(w)
        start_trained_businesses(w)
        enter_smuggling(w)
        self._compact("traders", link="trader")
        self._compact("smugglers", link="smuggler")
        # Data collection
        close_books(w)
        self.indicators = measure(w)
        self.market_history.append(market_snapshot(w))
        self.datacollector.collect(self)

        if self.p.check_invariants:
            accounting.check_accounts(w)
        if w.month >= self.end_month:
            self.running = False

    def run(self) -> pd.DataFrame:
        """Run to the end month and return the monthly time series."""
        while self.running:
            self.step()
        return self.timeseries()

    # --- outputs ------------------------------------------------------------------------------

    def timeseries(self) -> pd.DataFrame:
        """One row per simulated month: a `date` column (month start) and one column per indicator."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        dates = [month_start(self.start_month + i) for i in range(len(frame))]
        frame.insert(0, "date", pd.to_datetime(dates))
        return frame

    def market_timeseries(self) -> pd.DataFrame:
        """One row per town per simulated month: prices, traders, stalls, demand and supply."""
        if not self.market_history:
            return pd.DataFrame()
        towns = len(self.market_history[0]["town"])
        dates = pd.to_datetime([month_start(self.start_month + i) for i in range(len(self.market_history))])
        columns = {"date": np.repeat(dates.to_numpy(), towns)}
        for name in self.market_history[0]:
            columns[name] = np.concatenate([snapshot[name] for snapshot in self.market_history])
        return pd.DataFrame(columns)
