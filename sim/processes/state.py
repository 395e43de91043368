"""The state: drivers, public distribution, wages, state shops and the 2009 redenomination (ODD 7.1-7.2)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.core.schedule import Schedule, to_month
from sim.state import DAYS_PER_MONTH, GRAIN

if TYPE_CHECKING:
    from sim.model import JangmadangModel


def read_drivers(model: JangmadangModel) -> None:
    """Drivers (ODD 7.1): every scheduled driver takes its value for the current month.

    The values are in `model.now` for the other processes to read; nothing else in the model
    depends on the calendar except the harvest month and the redenomination date.
    """
    p = model.p
    model.now = SimpleNamespace(
        **{name: value.at(model.month) for name, value in vars(p).items() if isinstance(value, Schedule)}
    )


def redenominate_currency(model: JangmadangModel) -> None:
    """Currency redenomination (ODD 7.1), in the month of `redenomination_date` only.

    Every holder's won is exchanged at `redenomination_ratio` old won per new won up to
    `redenomination_cap_old_won`; cash above the cap is exchanged at the punitive
    `redenomination_excess_ratio`. The difference is destroyed. The state trading companies' won, prices
    and the exchange rate are re-expressed in new won; wages are already scheduled in new won.
    """
    p = model.p
    if model.month != to_month(p.redenomination_date):
        return
    held_before = model.holdings()["won"]
    for table in (model.households, model.traders, model.smugglers, model.officials):
        old = table.won
        table.won = (
            np.minimum(old, p.redenomination_cap_old_won) / p.redenomination_ratio
            + np.maximum(old - p.redenomination_cap_old_won, 0.0) / p.redenomination_excess_ratio
        )
    model.traders.official_stake_won /= p.redenomination_ratio
    model.state_trade_won /= p.redenomination_ratio  # the state's own accounts convert without a cap
    model.prices /= p.redenomination_ratio
    model.won_per_yuan /= p.redenomination_ratio
    model.ledger.rebase("won", 1.0 / p.redenomination_ratio)
    model.ledger.record("won", "redenomination", model.holdings()["won"] - held_before / p.redenomination_ratio)


def distribute_rations(model: JangmadangModel) -> None:
    """Public distribution (ODD 7.2): non-farm households at the head of the queue get their ration.

    A household is served when its `pds_priority` is below the month's coverage, so coverage cuts
    fall on the back of the queue (the capital is at the front). It receives
    `ration_g_per_person_day` for each member for the month. Rations enter as grain created by the
    state; their market value counts as formal income.
    """
    h, now = model.households, model.now
    ration_kg_per_member = now.ration_g_per_person_day / 1000.0 * DAYS_PER_MONTH
    rations_kg = _serve_rations(
        h.active, h.farm, h.pds_priority, now.pds_coverage, h.members, ration_kg_per_member, h.town,
        model.prices[GRAIN], h.food_kg, h.income_formal_won,
    )  # fmt: skip
    model.ledger.record("grain_kg", "rations", rations_kg)


@njit(cache=True)
def _serve_rations(active, farm, priority, coverage, members, ration_kg_per_member, town, grain_price, food_kg,
                   income_formal_won):  # fmt: skip
    """`distribute_rations` in one pass; returns the grain handed out."""
    total = 0.0
    for i in range(len(active)):
        ration_kg = members[i] * ration_kg_per_member * (active[i] & ~farm[i] & (priority[i] < coverage))
        food_kg[i] += ration_kg
        income_formal_won[i] += ration_kg * grain_price[town[i]]
        total += ration_kg
    return total


def deliver_food_aid(model: JangmadangModel) -> None:
    """Food aid (ODD 7.2): `food_aid_mt` a year reaches the households that went hungry last month,
    in proportion to their members. Aid is grain created from outside the country."""
    h = model.households
    if model.now.food_aid_mt <= 0:
        return
    hungry = _hungry_members(h.active, h.members, h.hungry_months)
    if hungry <= 0:
        return
    kg_per_member = model.now.food_aid_mt * 1e9 / 12 / model.weight / hungry
    aid_kg = _hand_out_aid(h.active, h.members, h.hungry_months, kg_per_member, h.food_kg)
    model.ledger.record("grain_kg", "food_aid", aid_kg)


@njit(cache=True)
def _hungry_members(active, members, hungry_months):
    total = 0.0
    for i in range(len(active)):
        total += members[i] * (active[i] & (hungry_months[i] > 0))
    return total


@njit(cache=True)
def _hand_out_aid(active, members, hungry_months, kg_per_member, food_kg):
    """Each hungry household gets `kg_per_member` for each member; returns the grain handed out."""
    total = 0.0
    for i in range(len(active)):
        aid = kg_per_member * members[i] * (active[i] & (hungry_months[i] > 0))
        food_kg[i] += aid
        total += aid
    return total


def pay_wages(model: JangmadangModel) -> None:
    """State wages (ODD 7.2): each state worker is paid the scheduled wage times the state economy index.

    Idle factories pay little or nothing, which the index (0-1) stands for. Wages are new money.
    """
    h, now = model.households, model.now
    wage = now.wage_won_per_worker_month * now.state_economy_index
    model.ledger.record("won", "state_wages", _pay(h.active, h.state_workers, wage, h.won, h.income_formal_won))


@njit(cache=True)
def _pay(active, workers, wage, won, income_formal_won):
    """`pay_wages` in one pass; returns the wages paid."""
    total = 0.0
    for i in range(len(active)):
        paid = workers[i] * wage * active[i]
        won[i] += paid
        income_formal_won[i] += paid
        total += paid
    return total


def sell_in_state_shops(model: JangmadangModel) -> None:
    """State shops (ODD 7.2): households spend `state_shop_spend_share` of their cash, times the state
    economy index, on what state shops still supply. The cash returns to the state (destroyed)."""
    h = model.households
    share = model.p.state_shop_spend_share * model.now.state_economy_index
    spent = h.won.sum() * share
    h.won *= 1.0 - share
    model.ledger.record("won", "state_shops", -spent)
