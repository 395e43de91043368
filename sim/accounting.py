"""Accounting invariants: what every agent holds, checked against the ledger of named flows.

`check_accounts` asserts that no stock is negative, that departed agents' rows hold nothing, that every
stock held equals its opening amount plus the flows booked by named processes, and that the population
equals the initial population plus births less deaths. The model calls it after every step when
`check_invariants=True`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sim.core.groupby import count_where
from sim.core.table import AgentTable
from sim.world import GRAIN, IMPORTS, World

STOCKS = ("won", "yuan", "dollars", "grain_kg", "import_units", "persons")


class AccountingError(AssertionError):
    """A stock is negative, held by a departed agent, or differs from what its recorded flows explain."""


def won_holders(world: World) -> tuple[AgentTable, ...]:
    """The tables whose rows hold won."""
    return world.households, world.traders, world.smugglers, world.officials


def holdings(world: World, stocks: Iterable[str] = STOCKS) -> dict[str, float]:
    """Total of each of `stocks` held by all agents, markets and the state, in model units."""
    h, t, s, m = world.households, world.traders, world.smugglers, world.markets
    total = {
        "won": lambda: (
            sum(table.won.sum() for table in won_holders(world))
            + world.money.state_trade_won
            + world.money.treasury_won
        ),
        "yuan": lambda: h.yuan.sum() + t.yuan.sum() + s.yuan.sum() + world.money.state_trade_yuan,
        "dollars": lambda: h.dollars.sum(),
        "grain_kg": lambda: h.food_kg.sum() + (t.stock * (t.good == GRAIN)).sum() + m.state_grain_kg.sum(),
        "import_units": lambda: (t.stock * (t.good == IMPORTS)).sum() + s.stock.sum() + m.state_imports.sum(),
        "persons": lambda: float(count_where(h.members, h.active)),
    }
    return {stock: total[stock]() for stock in stocks}


HELD = {  # the columns that hold a stock, per table
    "households": ("won", "yuan", "dollars", "food_kg", "members"),
    "traders": ("won", "yuan", "stock"),
    "smugglers": ("won", "yuan", "stock"),
    "officials": ("won",),
    "markets": ("state_imports", "state_grain_kg"),
}


def _problems_with_rows(world: World, tolerance: float) -> list[str]:
    """Negative holdings anywhere, and holdings in the rows of agents that have left."""
    problems = []
    for table_name, names in HELD.items():
        table = getattr(world, table_name)
        departed = ~table.active
        for name in names:
            values = getattr(table, name)
            if len(values) and values.min() < -tolerance:
                problems.append(f"{table_name}.{name} has a negative value {values.min():.6g}")
            if departed.any() and np.abs(values[departed]).max() > 0:
                problems.append(f"{table_name}.{name} is held by agents that have left ({values[departed].sum():.6g})")
    return problems


def check_accounts(world: World, rtol: float = 1e-9) -> None:
    """Raise `AccountingError` if any stock is negative, left with a departed agent, or not explained by
    the ledger."""
    held = holdings(world)
    problems = _problems_with_rows(world, tolerance=1e-6)
    for stock in STOCKS:
        expected = world.ledger.expected(stock)
        # Rounding grows with the amounts that flowed, not only with what is held now (which may be nothing).
        scale = max(abs(expected), abs(held[stock]), *map(abs, world.ledger.total[stock].values()), 1.0)
        if not np.isfinite(held[stock]) or abs(held[stock] - expected) > rtol * scale:
            flows = dict(world.ledger.total[stock])
            problems.append(f"{stock}: held {held[stock]:.12g}, ledger explains {expected:.12g} (flows {flows})")
    if problems:
        raise AccountingError(f"month {world.date}: " + "; ".join(problems))
