"""The free parameters: behavioural rates with no documented value, which calibration may set.

Each has bounds and the reason it is free. Everything else is either a documented figure (see
sim/parameters.py and sim/drivers.py) or a structural choice, and stays fixed.
"""

from __future__ import annotations

from typing import NamedTuple


class Free(NamedTuple):
    low: float
    high: float
    reason: str


FREE_PARAMETERS: dict[str, Free] = {
    # entry, exit and the trader's household
    "necessity_entry_rate_per_month": Free(0.02, 0.6, "how fast hunger pushes households into trade: not measured"),
    "opportunity_entry_rate_per_month": Free(0.0, 0.1, "how fast better earnings pull households into trade"),
    "min_trader_capital_kg": Free(5.0, 150.0, "the worth below which a trader is failing"),
    "household_draw_share": Free(0.2, 1.0, "how much of its profit a business hands to the household"),
    "free_woman_share": Free(0.5, 0.95, "households with a woman free of state work"),
    # hunger and famine
    "famine_death_rate_per_month": Free(0.001, 0.03, "death risk in starvation; excess deaths are targets"),
    "famine_death_shortfall_exponent": Free(1.0, 6.0, "how steeply death risk rises as intake falls: not measured"),
    "hunger_months_before_deaths": Free(1, 8, "how long hunger lasts before it kills (integer)"),
    "starvation_below_need_share": Free(0.3, 0.65, "the intake below which hunger kills: not measured"),
    # food and goods markets
    "farm_retention_share": Free(0.15, 0.5, "how much of the harvest farms keep when the state procures in full"),
    "farm_sale_share_per_month": Free(0.05, 0.6, "how much spare grain farmers bring to market"),
    "farm_price_elasticity": Free(0.0, 3.0, "how far farmers hold back grain where it sells below the national price"),
    "grain_saving_share": Free(0.0, 0.5, "how much spare cash goes into stored grain"),
    "closed_market_trade_share": Free(0.1, 0.6, "how much trade goes on where the state does not tolerate it"),
    "tolerance_forced_by_hunger": Free(0.0, 2.0, "how far hunger forces the state to tolerate markets"),
    "services_spend_share": Free(0.0, 0.8, "how much households spend on local services and crafts"),
    "side_work_share": Free(0.23, 1.0, "households doing side work; at least the 23% of state workers with a business"),
    "legal_import_yuan_per_household_month": Free(1.0, 30.0, "state trading companies' consumer imports"),
    "grain_import_kg_per_person_month": Free(0.0, 3.0, "state trading companies' grain imports at most"),
    "sourcing_rounds_with_phone": Free(3, 20, "how many sources a trader with a phone calls in a month (integer)"),
    "shipping_market_draws": Free(1, 10, "how many other markets' prices a trader with a phone hears (integer)"),
    "trader_move_rate_per_month": Free(0.0, 0.6, "how often traders with a phone look for a dearer market"),
    "expansion_capital_share": Free(0.0, 0.8, "how much household cash follows a market that pays"),
    "source_price_spread": Free(0.0, 0.5, "how close to the cheapest a source must be for traders to buy there"),
    # money
    "state_shop_spend_share": Free(0.05, 0.5, "how much of their cash households would spend in state shops"),
    "state_shop_supply_share_of_wages": Free(0.2, 1.0, "what state shops have to sell, per won of wages"),
    "state_spending_floor_won_per_person_month": Free(0.0, 8000.0, "what the state printed after the redenomination"),
    "state_spending_floor_years": Free(0.5, 10.0, "how long it printed: the record has prices stable from 2013"),
    "won_holding_months": Free(0.3, 4.0, "how much won households keep at stable prices: not measured"),
    "won_flight_per_inflation": Free(0.0, 20.0, "how fast households leave the won as inflation is expected"),
    "expectation_adjustment_per_month": Free(0.03, 0.5, "how fast expectations follow inflation"),
    "won_trust_recovery_per_month": Free(0.002, 0.1, "how fast trust in the won returns after the redenomination"),
    "portfolio_adjustment_share": Free(0.02, 0.5, "how fast households move their savings toward their target"),
    "foreign_share_of_savings_at_stable_prices": Free(0.0, 0.5, "savings kept in foreign cash while prices are stable"),
    "fx_arbitrage_pull": Free(0.0, 0.5, "how fast grain carried across the border pulls the won to parity"),
    "fx_adjustment_rate": Free(0.0, 1.0, "how fast the won's rate follows excess demand for foreign cash"),
    "price_adjustment_rate": Free(0.03, 1.0, "how fast a town's prices follow its excess demand"),
    "max_price_change_per_month": Free(0.1, 2.0, "how far prices can move in a month (496% a month at the 2010 peak)"),
}
INTEGER_PARAMETERS = {"hunger_months_before_deaths", "shipping_market_draws", "sourcing_rounds_with_phone"}
