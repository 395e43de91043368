"""Book-keeping at the month's start and end: worth noted, flows reset, incomes into their window (ODD 7.6.3, 7.10)."""

from __future__ import annotations

import numpy as np

from sim.processes.trade import smuggler_worth, trader_worth
from sim.world import INCOME_MONTHS, World


def open_books(world: World) -> None:
    """The month's books open: traders and smugglers note their worth, and the month's sales, purchases
    and household incomes start from zero."""
    t = world.traders
    world.households.income_formal_won = 0.0
    world.households.income_informal_won = 0.0
    t.worth_at_start_won = trader_worth(world)
    t.sold_units_last_month = t.sold_units
    t.sold_units = t.sales_won = t.bought_won = 0.0
    t.bribe_paid = False
    world.smugglers.worth_at_start_won = smuggler_worth(world)


def close_books(world: World) -> None:
    """The month's books close: the households' formal and informal incomes, and what of each came in kind,
    join the last months' window, from which the informal income share is measured, and each household's
    usual formal income moves a twelfth of the way to this month's (so a farm household's harvest counts
    for the whole year)."""
    h, tally = world.households, world.tally
    h.usual_formal_income_won += (h.income_formal_won - h.usual_formal_income_won) / INCOME_MONTHS
    formal, informal = h.income_formal_won.sum(dtype=np.float64), h.income_informal_won.sum(dtype=np.float64)
    month = [[formal, informal, tally.in_kind_formal_won, tally.in_kind_informal_won, tally.rations_worth_won]]
    world.incomes = np.concatenate([world.incomes, month])[-INCOME_MONTHS:]
