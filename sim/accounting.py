"""Accounting invariants: what every agent holds, checked against the ledger of named flows.

`check_accounts` asserts that no stock is negative, that every stock held equals its opening amount
plus the flows booked by named processes, and that the population equals the initial population plus
births less deaths. The model calls it after every step when `check_invariants=True`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from sim.state import GRAIN, IMPORTS

if TYPE_CHECKING:
    from sim.model import JangmadangModel

STOCKS = ("won", "yuan", "grain_kg", "import_units", "persons")


class AccountingError(AssertionError):
    """A stock is negative or differs from what its recorded flows explain."""


def holdings(model: JangmadangModel, stocks: Iterable[str] = STOCKS) -> dict[str, float]:
    """Total of each of `stocks` held by all agents and markets, in model units."""
    h, t, s, o, m = model.households, model.traders, model.smugglers, model.officials, model.markets
    total = {
        "won": lambda: h.won.sum() + t.won.sum() + s.won.sum() + o.won.sum() + model.state_trade_won,
        "yuan": lambda: h.yuan.sum() + s.yuan.sum(),
        "grain_kg": lambda: h.food_kg.sum() + (t.stock * (t.good == GRAIN)).sum(),
        "import_units": lambda: (t.stock * (t.good == IMPORTS)).sum() + s.stock.sum() + m.state_stock.sum(),
        "persons": lambda: float(h.members.sum(where=h.active, dtype=np.int64)),  # members is int16: sum wide
    }
    return {stock: total[stock]() for stock in stocks}


def _negatives(model: JangmadangModel, tolerance: float) -> list[str]:
    columns = {
        "households": ("won", "yuan", "food_kg", "members"),
        "traders": ("won", "stock"),
        "smugglers": ("won", "yuan", "stock"),
        "officials": ("won",),
        "markets": ("state_stock",),
    }
    problems = []
    for table_name, names in columns.items():
        table = getattr(model, table_name)
        for name in names:
            values = getattr(table, name)
            if len(values) and values.min() < -tolerance:
                problems.append(f"{table_name}.{name} has a negative value {values.min():.6g}")
    return problems


def check_accounts(model: JangmadangModel, rtol: float = 1e-9) -> None:
    """Raise `AccountingError` if any stock is negative or not explained by the ledger."""
    held = holdings(model)
    problems = _negatives(model, tolerance=1e-6)
    for stock in STOCKS:
        expected = model.ledger.expected(stock)
        scale = max(abs(expected), abs(held[stock]), 1.0)
        if not np.isfinite(held[stock]) or abs(held[stock] - expected) > rtol * scale:
            flows = dict(model.ledger.total[stock])
            problems.append(f"{stock}: held {held[stock]:.12g}, ledger explains {expected:.12g} (flows {flows})")
    if problems:
        raise AccountingError(f"month {model.date}: " + "; ".join(problems))
