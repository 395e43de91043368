"""Jangmadang: informal markets in a command economy, North Korea 1990-2020.

A Mesa model of households, traders, smugglers and officials in a grid of market towns, stepped
monthly through famine, sanctions, border closure and shifting state tolerance. Agent state lives in
numpy arrays (`sim.state`), behaviour in whole-array processes (`sim.processes`); Mesa agent objects
are handles on their rows (`sim.agents`). See docs/ODD.md for the model description.
"""

from __future__ import annotations

import gc
import warnings
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import OrthogonalMooreGrid
from numba import njit

from sim import accounting
from sim.agents import AGENT_TYPES, make_handles
from sim.core.groupby import SortedGroups, group_sum
from sim.core.ledger import Ledger
from sim.core.memory import reuse_freed_memory_for
from sim.core.schedule import month_label, month_start, to_month
from sim.core.table import AgentTable
from sim.indicators import INDICATORS, market_snapshot, measure
from sim.parameters import Parameters
from sim.processes.border import deliver_remittances, exchange_currency, import_legally, smuggle
from sim.processes.enforcement import collect_stall_fees, crack_down, invest_official_funds, take_bribes
from sim.processes.entry_exit import (
    enter_smuggling,
    enter_trade,
    exit_trade,
    start_trained_businesses,
    take_stalls,
)
from sim.processes.livelihood import births_and_deaths, dissolve_empty_households, eat, famine_deaths
from sim.processes.production import harvest
from sim.processes.state import (
    deliver_food_aid,
    distribute_rations,
    pay_wages,
    read_drivers,
    redenominate_currency,
    sell_in_state_shops,
)
from sim.processes.trade import open_books, sell_retail, settle_accounts, source_wholesale, spare_cash_of
from sim.space import place_towns
from sim.state import (
    DAYS_PER_MONTH,
    GOODS,
    GRAIN,
    HOUSEHOLD_COLUMNS,
    IMPORTS,
    MARKET_COLUMNS,
    NOBODY,
    OFFICIAL_COLUMNS,
    SMUGGLER_COLUMNS,
    TRADER_COLUMNS,
)

MIN_HOUSEHOLDS_PER_TOWN = 20  # below this, town markets are too thin to behave like the default scale's
COMPACT_AT_LEAST_ROWS = 4_096  # departed agents' rows kept before a table is compacted


# Numba kernels. Their large outputs are allocated by numpy, which asks the kernel for huge pages: page
# faults on memory numba allocates itself cost more than the kernel's work at full scale.


@njit(cache=True)
def _spare_cash(town, threshold_won_per_member, members, won, spare):
    """`JangmadangModel.spare_cash` in one pass over households, into `spare`."""
    for i in range(len(won)):
        spare[i] = spare_cash_of(won[i], members[i], threshold_won_per_member[town[i]])


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
    """

    def __init__(self, seed: int | None = None, **parameters: Any) -> None:
        super().__init__(seed=seed)
        self.p = p = Parameters.build(**parameters)
        reuse_freed_memory_for(array_bytes=8 * p.households)
        if p.households < MIN_HOUSEHOLDS_PER_TOWN * p.market_towns:
            warnings.warn(
                f"few households per market town ({p.households / p.market_towns:.1f}); small towns swing between "
                f"glut and shortage and results differ from larger runs. Reduce market_towns with households "
                f"(at least {MIN_HOUSEHOLDS_PER_TOWN} households a town).",
                UserWarning,
                stacklevel=2,
            )
        self.weight = p.weight
        self.start_month, self.end_month = to_month(p.start), to_month(p.end)
        self.month = self.start_month
        read_drivers(self)

        self.geo = place_towns(
            self.rng,
            p.grid_width,
            p.grid_height,
            p.market_towns,
            p.border_town_share,
            p.known_markets_without_phone,
        )
        self.grid = OrthogonalMooreGrid((p.grid_width, p.grid_height), torus=False, random=self.random)
        self.town_cells = [self.grid[(int(x), int(y))] for x, y in zip(self.geo.x, self.geo.y, strict=True)]
        self.markets = AgentTable(MARKET_COLUMNS, p.market_towns)
        self.markets.add(p.market_towns)
        self.won_per_yuan = p.initial_won_per_yuan
        self.state_trade_won = 0.0  # state trading companies' won revenue, spent on yuan the next month
        self.state_import_bill_yuan = 0.0  # what the goods they sold cost abroad
        self.prices = self._opening_prices()  # won per kg or unit, (good, town)

        self.households = AgentTable(HOUSEHOLD_COLUMNS, p.households)
        self._populate_households()
        self.home_towns = SortedGroups(self.households.town, p.market_towns)  # households never move
        self.count_residents()
        self._phone_share = (-1, 0.0)  # (step counted, share)
        self.officials = AgentTable(OFFICIAL_COLUMNS, p.market_towns)
        self.officials.add(p.market_towns, town=np.arange(p.market_towns))
        self.traders = AgentTable(TRADER_COLUMNS, max(16, p.households // 8))
        self.smugglers = AgentTable(SMUGGLER_COLUMNS, max(16, p.households // 100))

        self._handles: dict[str, dict[int, mesa.Agent]] = {name: {} for name in AGENT_TYPES}
        self.sync_handles()

        self.ledger = Ledger(accounting.holdings(self))
        self.tally: defaultdict[str, float] = defaultdict(float)
        self.income_window: deque[tuple[float, float]] = deque(maxlen=12)
        self.gini_sample = np.sort(self.rng.permutation(p.households)[: min(p.households, 20_000)])
        self.market_demand = np.zeros((len(GOODS), p.market_towns))
        self.market_supply = np.zeros((len(GOODS), p.market_towns))
        self.replacement_cost = np.full((len(GOODS), p.market_towns), np.inf)
        self.wholesale_orders = np.zeros((len(GOODS), p.market_towns))  # this month's, at each source town
        self.wholesale_sold = np.zeros((len(GOODS), p.market_towns))
        self.indicators: dict[str, float] = {}
        self.market_history: list[dict[str, np.ndarray]] = []
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(read_indicator, name) for name in INDICATORS}
        )

    # --- set-up (ODD 5: initialization) ----------------------------------------------------------

    def _opening_prices(self) -> np.ndarray:
        """Grain at the early-1990s market price everywhere; imported goods at their cost in won plus the
        traders' margin, dearer with distance from the border."""
        p = self.p
        border_towns = np.flatnonzero(self.geo.border)
        to_border = self.geo.distance[:, border_towns].min(axis=1)
        import_cost = p.import_unit_price_yuan * p.initial_won_per_yuan / (1.0 - p.trader_margin_share)
        prices = np.empty((len(GOODS), p.market_towns))
        prices[GRAIN] = p.initial_grain_price_won_per_kg
        prices[IMPORTS] = import_cost * (1.0 + p.transport_cost_share_per_cell * to_border)
        return prices

    def _populate_households(self) -> None:
        """Households are spread over towns by town size and sorted by town; small towns are more rural.

        Members are 1 + Poisson; non-farm households have one state worker; farm households hold grain
        until the next harvest; everyone holds `initial_cash_months_of_wage` months of wages, lognormal.
        """
        p, rng, n = self.p, self.rng, self.p.households
        town = np.sort(rng.choice(p.market_towns, size=n, p=self.geo.size_weight)).astype(np.int16)
        rurality = 1.0 / np.sqrt(self.geo.size_weight)
        farm_prob = rurality * p.farm_household_share / (rurality * self.geo.size_weight).sum()
        farm = rng.random(n) < np.minimum(farm_prob, 0.95)[town]
        members = 1 + rng.poisson(p.persons_per_household - 1.0, n)
        need = members * p.grain_need_kg_per_person_day * DAYS_PER_MONTH
        months_to_harvest = (p.harvest_month - 1 - self.month % 12) % 12
        wage = self.now.wage_won_per_worker_month
        priority = rng.random(n) * np.where(town == self.geo.capital, 0.2, 1.0)
        self.households.add(
            n,
            town=town,
            farm=farm,
            members=members,
            state_workers=~farm,
            free_woman=(members >= 2) & (rng.random(n) < p.free_woman_share),
            pds_priority=priority,
            food_kg=need * np.where(farm, months_to_harvest + 1.0, rng.uniform(0.5, 1.5, n)),
            won=wage * p.initial_cash_months_of_wage * rng.lognormal(0.0, 0.8, n),
            intake_share=1.0,
            trader=NOBODY,
            smuggler=NOBODY,
        )

    # --- agent handles ----------------------------------------------------------------------
    # Mesa agent objects mirror the active rows of the tables. Households and officials get theirs at
    # set-up; traders and smugglers come and go by the hundred thousand a year at full scale, so theirs
    # are made (and departed agents' removed) when Mesa's agent API is used, not in every step.

    def sync_handles(self) -> None:
        """Bring the Mesa agent handles up to date with the tables: one handle per active row, no others."""
        with gc_paused():
            for table_name, agent_type in AGENT_TYPES.items():
                table, handles = getattr(self, table_name), self._handles[table_name]
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
        table, handles, row = getattr(self, table_name), self._handles[table_name], int(row)
        if not 0 <= row < len(table) or not table.active[row]:
            raise KeyError(f"row {row} of {table_name} is not an active agent")
        if row not in handles:
            handles[row] = make_handles(self, AGENT_TYPES[table_name], [row])[0]
        return handles[row]

    def compact(self, table_name: str, reference: str) -> None:
        """Drop the rows of departed traders or smugglers once they reach a quarter of the active ones,
        renumbering the households' `reference` column and the handles (amortized O(1) per departure)."""
        table = getattr(self, table_name)
        if len(table) - table.n_active < max(table.n_active // 4, COMPACT_AT_LEAST_ROWS):
            return
        new_row = table.compact()
        column = getattr(self.households, reference)
        linked = column != NOBODY
        column[linked] = new_row[column[linked]]
        renumbered = {}
        for old, handle in self._handles[table_name].items():
            if new_row[old] == NOBODY:
                handle.remove()
            else:
                handle.row = int(new_row[old])
                renumbered[handle.row] = handle
        self._handles[table_name] = renumbered

    # --- quantities the processes share ------------------------------------------------------

    @property
    def n_towns(self) -> int:
        return self.p.market_towns

    @property
    def date(self) -> str:
        return month_label(self.month)

    def monthly_need_kg(self) -> float:
        """Grain one person needs in a month, kg."""
        return self.p.grain_need_kg_per_person_day * DAYS_PER_MONTH

    def at_home(self, per_town: np.ndarray) -> np.ndarray:
        """Each household's value of a per-town quantity (its town's price, say)."""
        return self.home_towns.spread(per_town)

    def town_sum(self, table_name: str, values: np.ndarray) -> np.ndarray:
        """Per town: the sum of `values` over the rows of a table (households, traders, smugglers, markets)."""
        if table_name == "households":
            return self.home_towns.sum(values)
        if table_name == "markets":
            return np.asarray(values, dtype=np.float64)
        return group_sum(values, getattr(self, table_name).town, self.n_towns)

    def at_town(self, table_name: str, per_town: np.ndarray) -> np.ndarray:
        """Each row's value of a per-town quantity, for the rows of a table (see `town_sum`)."""
        if table_name == "households":
            return self.at_home(per_town)
        if table_name == "markets":
            return per_town
        return per_town[getattr(self, table_name).town]

    def grain_price_at_home(self) -> np.ndarray:
        """Each household's local grain price, won per kg."""
        return self.at_home(self.prices[GRAIN])

    def national_price(self, good: int) -> float:
        """The mean of the towns' prices of `good`, weighted by the households living in each town now."""
        residents = self.residents_per_town
        return float((self.prices[good] * residents).sum() / max(residents.sum(), 1.0))

    def count_residents(self) -> None:
        """Recount `residents_per_town`, the active households of each town (after households end)."""
        self.residents_per_town = self.home_towns.sum(self.households.active)

    def spare_cash_threshold(self) -> np.ndarray:
        """Per town: won a member keeps before a household has spare cash, `spare_cash_threshold_months` of
        food needs at local prices."""
        return self.p.spare_cash_threshold_months * self.monthly_need_kg() * self.prices[GRAIN]

    def spare_cash(self) -> np.ndarray:
        """Each household's won beyond its spare-cash threshold (`spare_cash_threshold`)."""
        h = self.households
        spare = np.empty(len(h))
        _spare_cash(h.town, self.spare_cash_threshold(), h.members, h.won, spare)
        return spare

    def wholesale_prices(self, good: int) -> np.ndarray:
        """Per town: the price of `good` less the traders' margin, at which traders buy and value stock."""
        return self.prices[good] * (1.0 - self.p.trader_margin_share)

    def trader_phone_share(self) -> float:
        """Share of traders with a phone: subscriptions per person times the traders' adoption multiplier.

        Counted once a month (the population is a pass over all households).
        """
        if self._phone_share[0] != self.steps:
            population = max(accounting.holdings(self, ["persons"])["persons"] * self.weight, 1.0)
            share = min(1.0, self.p.trader_phone_adoption_multiplier * self.now.phone_subscriptions / population)
            self._phone_share = (self.steps, share)
        return self._phone_share[1]

    def holdings(self, stocks: Iterable[str] = accounting.STOCKS) -> dict[str, float]:
        return accounting.holdings(self, stocks)

    # --- the monthly step (ODD 3: process overview and scheduling) -----------------------------

    def step(self) -> None:
        """One month, processes in the documented order."""
        self.month = self.start_month + self.steps - 1
        self.ledger.new_month()
        self.tally.clear()

        # Drivers, and the books opened for the month
        read_drivers(self)
        redenominate_currency(self)
        open_books(self)
        # Rations and wages
        distribute_rations(self)
        deliver_food_aid(self)
        pay_wages(self)
        sell_in_state_shops(self)
        # Production
        harvest(self)
        # Smuggling and remittances
        deliver_remittances(self)
        exchange_currency(self)
        import_legally(self)
        smuggle(self)
        # Sourcing, trading and price formation
        for good in GOODS:
            source_wholesale(self, good)
            sell_retail(self, good)
        # Fees, bribes and crackdowns; profits to households; officials' stakes
        collect_stall_fees(self)
        take_bribes(self)
        crack_down(self)
        settle_accounts(self)
        invest_official_funds(self)
        # Consumption, hunger and mortality
        eat(self)
        famine_deaths(self)
        births_and_deaths(self)
        dissolve_empty_households(self)
        # Entry to and exit from trade
        exit_trade(self)
        take_stalls(self)
        enter_trade(self)
        start_trained_businesses(self)
        enter_smuggling(self)
        self.compact("traders", reference="trader")
        self.compact("smugglers", reference="smuggler")
        # Data collection
        self.indicators = measure(self)
        self.market_history.append(market_snapshot(self))
        self.datacollector.collect(self)

        if self.p.check_invariants:
            accounting.check_accounts(self)
        if self.month >= self.end_month:
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
        frames = []
        for i, snapshot in enumerate(self.market_history):
            frame = pd.DataFrame(snapshot)
            frame.insert(0, "date", pd.Timestamp(month_start(self.start_month + i)))
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
