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
    "necessity_entry_rate_per_month": Free(0.02, 0.4, "how fast hunger pushes households into trade: not measured"),
    "opportunity_entry_rate_per_month": Free(0.0, 0.1, "how fast better earnings pull households into trade"),
    "famine_death_rate_per_month": Free(0.001, 0.02, "death risk in prolonged hunger; excess deaths are the target"),
    "hunger_months_before_deaths": Free(1, 8, "how long hunger lasts before it kills (integer)"),
    "farm_sale_share_per_month": Free(0.05, 0.6, "how much spare grain farmers bring to market"),
    "grain_saving_share": Free(0.0, 0.5, "how much spare cash goes into stored grain"),
    "min_trader_capital_kg": Free(5.0, 60.0, "the worth below which a trader is failing"),
    "household_draw_share": Free(0.2, 0.9, "how much of its profit a business hands to the household"),
    "state_shop_spend_share": Free(0.05, 0.5, "how much cash state shops absorb while supplied"),
    "free_woman_share": Free(0.5, 0.95, "households with a woman free of state work"),
}
INTEGER_PARAMETERS = {"hunger_months_before_deaths"}
