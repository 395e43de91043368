"""The world: every state variable of the model, declared in one place (ODD 2: entities, state variables and scales).

Agent types are `AgentTable`s with the columns declared below, one row per agent; amounts are per
modelled agent, that is per representative household, and real-world totals multiply by `weight`.
Market towns are the `markets` table (one row per town) with their prices; the state's money and this
month's flows between processes are small declared records. Processes, indicators and the accounts take
a `World` and nothing else; the model (`sim.model`) owns it and runs the month.

Columns are sized to their data, so that a pass over 5.9 million households touches fewer bytes: small
counts are int16, a month's flows float32 (sum them with a wide dtype); the stocks the ledger accounts
for (cash, grain, goods) stay float64 so that their books balance to the won.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import NamedTuple

import numpy as np

from sim.core.groupby import SortedGroups, group_count, group_sum
from sim.core.ledger import Ledger
from sim.core.schedule import month_label
from sim.core.streams import RandomStreams
from sim.core.table import AgentTable
from sim.drivers import Drivers
from sim.parameters import Parameters
from sim.space import Geography

GRAIN, IMPORTS = 0, 1
GOODS = (GRAIN, IMPORTS)
GOOD_NAMES = ("grain", "imports")
DAYS_PER_MONTH = 365.25 / 12
PRICE_MEMORY_MONTHS = 12  # the window of grain prices households judge inflation by
NOBODY = -1  # row reference meaning "none"


class Column(NamedTuple):
    """One state variable of an agent type: its storage type and what it means (with its unit)."""

    dtype: type
    doc: str


HOUSEHOLD_COLUMNS = {
    "town": Column(np.int16, "market town the household lives in and buys at"),
    "farm": Column(np.bool_, "cooperative farm household (paid in kind at harvest), else a state worker household"),
    "members": Column(np.int16, "persons"),
    "state_workers": Column(np.int16, "members with a state job and wage"),
    "free_woman": Column(np.bool_, "has a woman not assigned to a state workplace, free to trade"),
    "pds_priority": Column(np.float32, "rank in the public distribution queue (lower is served first)"),
    "side_work_rank": Column(np.float32, "does side work (services, crafts) while the side-work share exceeds this"),
    "food_kg": Column(np.float64, "grain in store, kg"),
    "won": Column(np.float64, "cash in won"),
    "yuan": Column(np.float64, "foreign cash, yuan"),
    "dollars": Column(np.float64, "foreign cash, US dollars"),
    "intake_share": Column(np.float32, "last month's grain eaten over need"),
    "hungry_months": Column(np.int16, "consecutive months below the hunger line"),
    "remittance_family": Column(np.bool_, "has a defector abroad who sends money"),
    "trader": Column(np.int32, "row of its trading member in the trader table, or NOBODY"),
    "smuggler": Column(np.int32, "row of its smuggling member in the smuggler table, or NOBODY"),
    "income_formal_won": Column(
        np.float32,
        "this month: wages, procurement pay, ration subsidy, farm distribution at market value, won",
    ),
    "income_informal_won": Column(
        np.float32,
        "this month: trade draws, side work, carriage, grain kept beyond the official distribution, remittances, won",
    ),
    "usual_formal_income_won": Column(np.float32, "formal income in a usual month (a moving average over a year)"),
}

TRADER_COLUMNS = {
    "household": Column(np.int32, "row of the trader's household"),
    "town": Column(np.int32, "market town it trades in"),
    "woman": Column(np.bool_, "the trading member is a woman"),
    "good": Column(np.int8, "GRAIN (0) or IMPORTS (1)"),
    "won": Column(np.float64, "working capital in cash, won"),
    "yuan": Column(np.float64, "working capital in foreign cash (buyers pay in it too), yuan"),
    "stock": Column(np.float64, "goods held, kg or units"),
    "phone_rank": Column(np.float32, "has a phone while the traders' phone share exceeds this"),
    "stall": Column(np.bool_, "holds a stall in the town's official market (pays fees); else a cart or alley"),
    "official_stake_won": Column(np.float64, "capital invested by the town's official, won"),
    "worth_at_start_won": Column(np.float64, "cash (foreign at the rate) and stock at wholesale when the month began"),
    "sales_won": Column(np.float64, "this month's retail revenue, won"),
    "bought_won": Column(np.float64, "this month's wholesale purchases, transport included, won"),
    "sold_units": Column(np.float64, "this month's retail sales, kg or units"),
    "sold_units_last_month": Column(np.float64, "last month's retail sales, kg or units"),
    "profit_won": Column(np.float64, "last month's change in worth, before the household's draw, won"),
    "draw_won": Column(np.float64, "last month's payment to the household, won"),
    "bribe_paid": Column(np.bool_, "paid the full protection bribe this month"),
    "months_failing": Column(np.int32, "consecutive months worth less than the exit floor"),
    "closing": Column(np.bool_, "leaving at the end of the month (caught in a crackdown and gave up)"),
}

SMUGGLER_COLUMNS = {
    "household": Column(np.int32, "row of the smuggler's household"),
    "town": Column(np.int32, "border town it crosses from"),
    "won": Column(np.float64, "cash, won"),
    "yuan": Column(np.float64, "cash, yuan"),
    "stock": Column(np.float64, "imported units waiting for wholesale buyers"),
    "arrested_until": Column(np.int32, "month number its arrest ends"),
    "months_failing": Column(np.int32, "consecutive months worth less than the exit floor"),
    "closing": Column(np.bool_, "leaving at the end of the month (arrested and gave up)"),
    "worth_at_start_won": Column(np.float64, "won, yuan and stock valued when the month began, won"),
}

OFFICIAL_COLUMNS = {
    "town": Column(np.int32, "the market (and border post, in border towns) it is in charge of"),
    "won": Column(np.float64, "cash from bribes and returns on stakes, won"),
}

MARKET_COLUMNS = {  # what changes in a town; where it is and whether it is on the border is in `geo`
    "town": Column(np.int32, "the town (row number)"),
    "closed_until": Column(np.int32, "month number the official market reopens after a closure"),
    "state_imports": Column(np.float64, "consumer goods imported by state trading companies, for sale, units"),
    "state_grain_kg": Column(np.float64, "grain imported by state trading companies, for sale, kg"),
}


def new_table(columns: dict[str, Column], capacity: int) -> AgentTable:
    return AgentTable({name: column.dtype for name, column in columns.items()}, capacity)


@dataclass(eq=False)
class Money:
    """Money outside the agent tables: the won's market rate, the state's accounts and what households
    expect of prices."""

    won_per_yuan: float  # market exchange rate
    national_grain_prices: np.ndarray  # of the last 12 months, won per kg, oldest first: what inflation is judged by
    treasury_won: float = 0.0  # the state budget's cash: revenue comes in, spending goes out
    state_trade_won: float = 0.0  # the state companies' won revenue: next month it buys what yuan the earnings lack
    state_trade_yuan: float = 0.0  # this month's foreign cash: what buyers paid them, and the export earnings
    state_import_bill_yuan: float = 0.0  # what the goods they sold cost abroad
    expected_inflation: float = 0.0  # households' expectation of the monthly rise of grain prices (log)
    inflation: float = 0.0  # last month's rise of the national grain price (log)
    won_trust: float = 1.0  # how far households trust the won not to be taken from them (1: fully)

    @classmethod
    def opening(cls, p: Parameters) -> Money:
        """Money at the start of a run: the opening rate, and grain at its opening price for a year."""
        return cls(
            won_per_yuan=p.initial_won_per_yuan,
            national_grain_prices=np.full(PRICE_MEMORY_MONTHS, p.initial_grain_price_won_per_kg),
        )


@dataclass(eq=False)
class MarketBook:
    """This month's per-town quantities that one process leaves for the next, (good, town) arrays."""

    demand: np.ndarray  # households' retail orders
    supply: np.ndarray  # what was on offer at retail
    replacement_cost: np.ndarray  # cheapest delivered wholesale price a trader without a phone knows
    cheapest_with_phone: np.ndarray  # cheapest delivered wholesale price of any source with goods
    wholesale_orders: np.ndarray  # traders' orders at each source town
    wholesale_sold: np.ndarray  # what they got there
    traders_sold: np.ndarray  # what traders sold at retail in each town
    carried_in: np.ndarray  # of it, what traders from other towns carried in

    @classmethod
    def empty(cls, n_towns: int) -> MarketBook:
        shape = (len(GOODS), n_towns)
        return cls(np.zeros(shape), np.zeros(shape), np.full(shape, np.inf), np.full(shape, np.inf), np.zeros(shape),
                   np.zeros(shape), np.zeros(shape), np.zeros(shape))  # fmt: skip


@dataclass(slots=True)
class Tally:
    """The month's counts and flows that are not stocks of the ledger, in model units (reset every month).

    A field per quantity: a mistyped name is an error, not a silent zero.
    """

    money_issued_won: float = 0.0  # new money the state issued to cover what its revenue did not
    state_revenue_won: float = 0.0  # shops, rations, fees, fines, loyalty payments, state trade
    state_spending_won: float = 0.0  # wages and procurement
    carriage_won: float = 0.0  # paid to carriers (yuan at the going rate)
    services_won: float = 0.0  # spent on local services and crafts
    in_kind_formal_won: float = 0.0  # of households' formal income, what came as grain: farms' official
    # distribution and the rations' worth beyond their price, at the local market price
    in_kind_informal_won: float = 0.0  # of their informal income, the grain farmers kept beyond that distribution
    rations_worth_won: float = 0.0  # of the in-kind formal income, the rations' worth beyond their price
    remittances_yuan: float = 0.0  # sent by defectors, before broker fees
    fx_traded_yuan: float = 0.0  # changed for won on the currency market
    fx_wanted_yuan: float = 0.0  # asked for with won on the currency market, at the going rate
    smuggled_yuan: float = 0.0  # goods bought in China by smugglers
    state_exports_yuan: float = 0.0  # sold abroad by the state's trading companies
    crossings: float = 0.0
    seizures: float = 0.0
    bribes_won: float = 0.0  # to market officials and border guards
    fees_won: float = 0.0  # stall fees
    stake_returns_won: float = 0.0
    official_investment_won: float = 0.0
    traders_caught: float = 0.0
    towns_raided: float = 0.0  # towns, not weighted
    wholesale_grain: float = 0.0
    wholesale_imports: float = 0.0
    retail_grain: float = 0.0
    retail_imports: float = 0.0
    trader_entries: float = 0.0
    trader_exits: float = 0.0
    trader_moves: float = 0.0  # traders taking their trade to another town
    smuggler_entries: float = 0.0
    smuggler_exits: float = 0.0
    trained_startups: float = 0.0
    households_ended: float = 0.0

    def add(self, name: str, amount: float) -> None:
        """Add to the field `name` (for a quantity chosen at run time, such as a good's sales)."""
        setattr(self, name, getattr(self, name) + float(amount))


TALLIES = tuple(f.name for f in fields(Tally))
INCOME_MONTHS = 12  # the window of the informal income share


@dataclass(eq=False)
class World:
    """The state of the country, as the processes see it."""

    p: Parameters
    geo: Geography
    streams: RandomStreams
    month: int  # calendar month number (`sim.core.schedule`)
    now: Drivers  # this month's driver values
    households: AgentTable
    traders: AgentTable
    smugglers: AgentTable
    officials: AgentTable
    markets: AgentTable  # one row per town
    prices: np.ndarray  # won per kg or unit, (good, town)
    money: Money
    ledger: Ledger
    home_towns: SortedGroups  # households never move: their towns, sorted
    gini_sample: np.ndarray  # households whose worth measures inequality
    book: MarketBook = field(init=False)
    tally: Tally = field(default_factory=Tally)
    trader_phone_share: float = 0.0  # share of traders with a phone this month
    tolerance: float = 0.0  # the state's tolerance of markets this month: its policy, and what hunger forces
    hunger_share: float = 0.0  # share of persons eating below the hunger line last month
    residents_per_town: np.ndarray = field(init=False)  # active households per town
    incomes: np.ndarray = field(init=False)  # of the last months, oldest first: households' formal and
    # informal income, of each what came in kind (`Tally.in_kind_formal_won`, `in_kind_informal_won`), and the
    # rations' worth (`Tally.rations_worth_won`)

    def __post_init__(self) -> None:
        self.book = MarketBook.empty(self.n_towns)
        self.incomes = np.empty((0, 5))
        self.count_residents()

    # --- scale and time -----------------------------------------------------------------------

    @property
    def n_towns(self) -> int:
        return len(self.markets)

    @property
    def weight(self) -> float:
        """Real households (or traders, smugglers) one modelled agent stands for."""
        return self.p.weight

    @property
    def date(self) -> str:
        return month_label(self.month)

    def rng(self, stream: str) -> np.random.Generator:
        """This month's random generator for one process (see `sim.core.streams`)."""
        return self.streams.generator(stream, self.month)

    def need_kg(self) -> float:
        """Grain one person needs in a month, kg."""
        return self.p.grain_need_kg_per_person_day * DAYS_PER_MONTH

    # --- towns ----------------------------------------------------------------------------

    def count_residents(self) -> None:
        """Recount the active households of each town (after households end)."""
        self.residents_per_town = self.home_towns.sum(self.households.active)

    def town_sum(self, table: AgentTable, values: np.ndarray) -> np.ndarray:
        """Per town: the sum of `values` over the rows of `table`."""
        if table is self.households:
            return self.home_towns.sum(values)
        if table is self.markets:
            return np.asarray(values, dtype=np.float64)
        return group_sum(values, table.town, self.n_towns)

    def at_town(self, table: AgentTable, per_town: np.ndarray) -> np.ndarray:
        """Each row's value of a per-town quantity (its town's price, say), for the rows of `table`."""
        if table is self.households:
            return self.home_towns.spread(per_town)
        if table is self.markets:
            return per_town
        return per_town[table.town]

    def national_price(self, good: int) -> float:
        """The mean of the towns' prices of `good`, weighted by the households living in each town now."""
        residents = self.residents_per_town
        return float((self.prices[good] * residents).sum() / max(residents.sum(), 1.0))

    def wholesale_prices(self, good: int) -> np.ndarray:
        """Per town: the price of `good` less the traders' margin, at which traders buy and value stock."""
        return self.prices[good] * (1.0 - self.p.trader_margin_share)

    def market_open(self) -> np.ndarray:
        """Per town: whether its official market is open this month (not closed by a crackdown)."""
        return self.markets.closed_until <= self.month

    def stalls_per_town(self) -> np.ndarray:
        """Per town: its stalls (real: model stall holders x weight), open market or not."""
        t = self.traders
        return group_count(t.town[t.active & t.stall], self.n_towns) * self.weight

    def official_markets(self, stalls: np.ndarray) -> np.ndarray:
        """Per town, given its `stalls` (`stalls_per_town`): whether it has an official market this month, an
        open one of at least `min_stalls_per_market` stalls."""
        return self.market_open() & (stalls >= self.p.min_stalls_per_market)

    # --- departed agents ------------------------------------------------------------------------

    def compact(self, table: AgentTable, link: str) -> np.ndarray | None:
        """Drop the rows of departed traders or smugglers once they reach a quarter of the active ones,
        renumbering the households' `link` column (amortized O(1) per departure). Returns each old row's
        new row (NOBODY if dropped), or None if nothing was dropped."""
        if len(table) - table.n_active < max(table.n_active // 4, COMPACT_AT_LEAST_ROWS):
            return None
        new_row = table.compact()
        column = getattr(self.households, link)
        linked = column != NOBODY
        column[linked] = new_row[column[linked]]
        return new_row


COMPACT_AT_LEAST_ROWS = 4_096  # departed agents' rows kept before a table is compacted
