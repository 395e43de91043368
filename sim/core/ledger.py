"""Stock-flow accounting: every unit of money, goods and people is created, moved or destroyed by a
named process.

Transfers between agents leave totals unchanged and need no entry. A process that creates or destroys
a stock (wages create won, eating destroys grain) records the amount under its own name, so that at
any time `held == opening + sum of recorded flows` for each stock; `sim.accounting` checks it.
Amounts are in model units (one agent = one representative household); multiply by the model's weight
for real-world totals.
"""

from __future__ import annotations

from collections import defaultdict


class Ledger:
    """Cumulative and current-month flows per stock and process."""

    def __init__(self, opening: dict[str, float]) -> None:
        self.opening = dict(opening)
        self.total: dict[str, defaultdict[str, float]] = {s: defaultdict(float) for s in opening}
        self.month: dict[str, defaultdict[str, float]] = {s: defaultdict(float) for s in opening}

    def record(self, stock: str, process: str, amount: float) -> None:
        """Book `amount` of `stock` created (positive) or destroyed (negative) by `process`."""
        amount = float(amount)
        self.total[stock][process] += amount
        self.month[stock][process] += amount

    def expected(self, stock: str) -> float:
        """What should be held now: the opening stock plus everything created less everything destroyed."""
        return self.opening[stock] + sum(self.total[stock].values())

    def this_month(self, stock: str, process: str) -> float:
        return self.month[stock].get(process, 0.0)

    def new_month(self) -> None:
        for flows in self.month.values():
            flows.clear()

    def rebase(self, stock: str, factor: float) -> None:
        """Express a stock's history in a new unit (the currency redenomination divides won by 100)."""
        self.opening[stock] *= factor
        for flows in (self.total[stock], self.month[stock]):
            for process in flows:
                flows[process] *= factor
