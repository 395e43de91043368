"""Model parameters, with units and sources, in one place.

Scalar parameters are fields of `Parameters`; drivers (values that change over the history) are
schedules defined in `sim.drivers` and also fields here, so any of them can be overridden by keyword:
`JangmadangModel(households=5_000, sanctions=0.8)` runs with sanctions held at 0.8 throughout.

Where a value comes from a documented figure, the comment names it (see ../shared/FACTS.md);
"assumed" marks a behavioural parameter that calibration may change.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from typing import Any

from sim import drivers
from sim.core.schedule import Schedule, to_month


def _schedule(default: dict) -> Any:
    return field(default_factory=lambda: Schedule.of(default))


@dataclass(frozen=True)
class Parameters:
    # --- scale, calendar and space -------------------------------------------------------------
    households: int = 58_875  # modelled households; default 1:100 of the 2008 census count
    real_households: float = 5_887_471  # 2008 census (UNFPA)
    persons_per_household: float = 3.5  # 1990: census 24.05M in 2008 back-projected at 0.85%/yr, over 5.89M
    start: str = "1990-01"
    end: str = "2020-12"
    grid_width: int = 36  # cells of about 10 km, west to east
    grid_height: int = 40  # cells of about 10 km; row 0 is the border with China
    market_towns: int = 500  # places that can hold a market (387-468 official markets counted 2014-2018)
    border_town_share: float = 0.08  # share of market towns on the border row (assumed)
    farm_household_share: float = 0.37  # cooperative farm households (2008 census: ~39% rural)
    free_woman_share: float = 0.8  # households with a woman not assigned to a state workplace (assumed)

    # --- food and population -------------------------------------------------------------------
    grain_need_kg_per_person_day: float = 0.5  # food use; FAO/WFP's 5.3-5.5 Mt need adds feed, seed, losses
    hungry_below_need_share: float = 0.7  # intake below this share of need counts as hunger (assumed)
    food_buffer_months: float = 1.5  # grain households try to hold, in months of need (assumed)
    grain_spoilage_per_month: float = 0.01  # share of stored grain lost per month (assumed)
    farm_retention_share: float = 0.35  # harvest share farmers keep when the state procures in full
    farm_sale_share_per_month: float = 0.25  # share of their spare grain farmers bring to market (assumed)
    farm_price_elasticity: float = 2.0  # farmers hold back grain where it sells below the national price
    harvest_month: int = 10  # October
    birth_rate_per_person_year: float = 0.0175  # with deaths, ~0.85%/yr growth (2008 census)
    death_rate_per_person_year: float = 0.009  # background mortality
    hunger_months_before_deaths: int = 3  # months of hunger before famine deaths begin (assumed)
    famine_death_rate_per_month: float = 0.004  # monthly death risk of a member at zero intake (assumed)

    # --- money and prices ----------------------------------------------------------------------
    initial_grain_price_won_per_kg: float = 15.0  # early-1990s market grain (rice ~20-25, maize ~10 won/kg)
    initial_won_per_yuan: float = 20.0  # early-1990s unofficial rate, ~100 won per dollar
    import_unit_price_yuan: float = 10.0  # one unit = a bundle of Chinese consumer goods at Chinese wholesale
    initial_cash_months_of_wage: float = 2.0  # household cash at the start, in months of wages (assumed)
    price_adjustment_rate: float = 0.3  # log price change per unit of log excess demand, per month (assumed)
    max_price_change_per_month: float = 0.25  # cap on the monthly log price change (assumed)
    max_markup_over_cost: float = 1.5  # a town's price stays below this times replacement cost plus margin
    fx_adjustment_rate: float = 0.2  # the same for the won-yuan rate (assumed)
    fx_arbitrage_pull: float = 0.3  # pull toward grain price parity with China, per month (assumed)
    trader_margin_share: float = 0.15  # retail price over wholesale, as a share of retail (assumed)
    transport_cost_share_per_cell: float = 0.01  # carrying goods one 10 km cell adds this share of its price
    consumer_goods_spend_share: float = 0.2  # share of cash left after food spent on imported goods a month
    import_unit_value_kg_grain: float = 20.0  # households pay up to this much grain for a unit of imports
    state_shop_spend_share: float = 0.3  # share of cash spent in state shops a month at full state supply
    yuan_sale_share_per_month: float = 0.5  # share of a household's yuan sold for won each month (assumed)
    spare_cash_threshold_months: float = 3.0  # won beyond this many months of food needs is spare (assumed)
    fx_saving_share: float = 0.05  # share of spare won converted to yuan each month (assumed)
    grain_saving_share: float = 0.2  # share of spare won put into stored grain each month (assumed)

    # --- trading ------------------------------------------------------------------------------
    restock_share: float = 0.8  # share of its cash a trader may spend on stock in a month (assumed)
    inventory_months: float = 1.5  # stock a trader restocks to, in months of last month's sales (assumed)
    working_capital_months: float = 2.0  # cash a business keeps, in months of sales (assumed)
    household_draw_share: float = 0.5  # share of a trader's profit handed to the household (assumed)
    startup_capital_share: float = 0.5  # share of household cash put into a new trade (assumed)
    min_trader_capital_kg: float = 20.0  # a trader worth less than this much grain is failing (assumed)
    months_failing_before_exit: int = 3
    base_entry_rate_per_month: float = 0.0003  # households starting to trade with no push or pull (assumed)
    necessity_entry_rate_per_month: float = 0.15  # extra rate for hungry households (assumed)
    opportunity_entry_rate_per_month: float = 0.03  # extra rate where traders out-earn state jobs (assumed)
    entry_exploration_share: float = 0.25  # new traders picking their good at random, not by profit
    known_markets_without_phone: int = 5  # markets a trader without a phone knows prices of (assumed)
    trader_phone_adoption_multiplier: float = 3.0  # traders adopt phones this many times the national rate

    # --- fees, bribes and crackdowns -------------------------------------------------------------
    bribe_share_of_sales: float = 0.03  # monthly protection paid to the market official (assumed)
    bribe_protection: float = 0.6  # a paid bribe cuts the risk of being caught or seized by this share
    crackdown_rate_per_month: float = 0.3  # chance of a crackdown in a town per month at zero tolerance
    crackdown_catch_share: float = 0.3  # share of traders caught in a crackdown, before protection
    stall_protection: float = 0.5  # stall holders in an official market are caught less by this share
    fine_share_of_capital: float = 0.3  # share of a caught trader's cash taken as a fine
    caught_exit_prob: float = 0.5  # chance a caught trader gives up
    market_closure_tolerance: float = 0.3  # crackdowns below this tolerance close the official market
    market_closure_months: int = 3
    closed_market_trade_share: float = 0.3  # trade a closed market keeps, in alleys and homes
    min_stalls_per_market: float = 100.0  # stalls (real) for a town's market to count as an official market
    official_investment_share_per_month: float = 0.05  # share of an official's cash invested in traders
    official_stake_return_per_month: float = 0.03  # return on an official's stake, paid by the trader
    official_loyalty_share_per_month: float = 0.2  # share of an official's cash paid to the state (assumed)

    # --- border ------------------------------------------------------------------------------
    smuggler_entry_rate_per_month: float = 0.01  # border households taking up smuggling, at an open border
    smuggler_trip_load_yuan: float = 3_000.0  # goods bought in China per crossing (assumed)
    export_value_yuan_per_trip: float = 1_500.0  # goods sold in China per crossing (assumed)
    export_cost_ratio: float = 0.6  # smugglers pay producers this share of the goods' yuan value, in won
    base_seizure_prob: float = 0.2  # per crossing at full enforcement, no sanctions, no bribe (assumed)
    sanctions_risk_multiplier: float = 1.0  # seizure risk x (1 + this x sanctions)
    sanctions_import_premium: float = 0.5  # Chinese cost of smuggled goods x (1 + this x sanctions)
    sanctions_export_cut: float = 0.8  # exports x (1 - this x sanctions)
    sanctions_legal_trade_cut: float = 0.9  # legal imports x (1 - this x sanctions)
    smuggler_bribe_share_of_load: float = 0.1  # bribe to the border guard per crossing (assumed)
    arrest_months: int = 6
    arrest_exit_prob: float = 0.5
    legal_import_yuan_per_household_month: float = 20.0  # state trading companies' consumer imports (assumed)
    state_import_markup: float = 0.3  # state trading companies sell at landed cost plus this share (assumed)
    border_block_at_closure: float = 0.9  # share of legal trade and remittances stopped by a closed border
    border_block_exponent: float = 3.0  # enforcement blocks little until it nears closure (assumed)

    # --- the 2009 currency redenomination --------------------------------------------------------
    redenomination_date: str = "2009-12"  # 30 November 2009
    redenomination_ratio: float = 100.0  # 100 old won to 1 new won
    redenomination_cap_old_won: float = 150_000.0  # old won exchanged at the full rate per holder (reported)
    redenomination_excess_ratio: float = 1_000.0  # old won per new won above the cap (assumed)

    # --- drivers: schedules over the history (sim.drivers) ---------------------------------------
    harvest_mt: Schedule = _schedule(drivers.HARVEST_MT)
    ration_g_per_person_day: Schedule = _schedule(drivers.RATION_G_PER_PERSON_DAY)
    pds_coverage: Schedule = _schedule(drivers.PDS_COVERAGE)
    food_aid_mt: Schedule = _schedule(drivers.FOOD_AID_MT)
    wage_won_per_worker_month: Schedule = _schedule(drivers.WAGE_WON_PER_WORKER_MONTH)
    state_economy_index: Schedule = _schedule(drivers.STATE_ECONOMY_INDEX)
    sanctions: Schedule = _schedule(drivers.SANCTIONS)
    border_enforcement: Schedule = _schedule(drivers.BORDER_ENFORCEMENT)
    market_tolerance: Schedule = _schedule(drivers.MARKET_TOLERANCE)
    stall_fee_won_per_day: Schedule = _schedule(drivers.STALL_FEE_WON_PER_DAY)
    phone_subscriptions: Schedule = _schedule(drivers.PHONE_SUBSCRIPTIONS)
    defectors_abroad: Schedule = _schedule(drivers.DEFECTORS_ABROAD)
    remitter_share: Schedule = _schedule(drivers.REMITTER_SHARE)
    remittance_yuan_per_sender_year: Schedule = _schedule(drivers.REMITTANCE_YUAN_PER_SENDER_YEAR)
    broker_fee_share: Schedule = _schedule(drivers.BROKER_FEE_SHARE)
    yuan_per_dollar: Schedule = _schedule(drivers.YUAN_PER_DOLLAR)
    china_grain_price_yuan_per_kg: Schedule = _schedule(drivers.CHINA_GRAIN_PRICE_YUAN_PER_KG)
    training_startups_per_year: Schedule = _schedule(drivers.TRAINING_STARTUPS_PER_YEAR)

    # --- run options -------------------------------------------------------------------------
    check_invariants: bool = False  # check the stock-flow accounts after every step (slower)

    @classmethod
    def build(cls, **overrides: Any) -> Parameters:
        """Parameters with `overrides` applied; schedules accept a number or a `{date: value}` mapping.

        Raises TypeError for an unknown name (suggesting the nearest one) and ValueError naming the
        parameter for a bad value.
        """
        names = {f.name: f for f in fields(cls)}
        values = {}
        for key, value in overrides.items():
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise TypeError(f"unknown model parameter {key!r}.{hint}")
            try:
                values[key] = Schedule.of(value) if names[key].type == "Schedule" else value
            except ValueError as error:
                raise ValueError(f"{key}: {error}") from None
        params = cls(**values)
        params.validate()
        return params

    def validate(self) -> None:
        """Check values the model cannot run with; the message names the parameter."""
        if self.households < 1:
            raise ValueError(f"households must be at least 1, not {self.households}")
        if self.grid_width < 1 or self.grid_height < 2:
            raise ValueError("grid_width and grid_height: the grid needs at least 1 column and 2 rows")
        if not 2 <= self.market_towns <= self.grid_width * self.grid_height:
            raise ValueError(
                "market_towns must be from 2 (a border and an interior town) to the grid's cell count"
            )
        for name in ("start", "end", "redenomination_date"):
            try:
                to_month(getattr(self, name))
            except ValueError as error:
                raise ValueError(f"{name}: {error}") from None
        if to_month(self.end) < to_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")

    @property
    def weight(self) -> float:
        """Real households (or traders, smugglers) one modelled agent stands for; officials are one a town."""
        return self.real_households / self.households
