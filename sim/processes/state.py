"""The state: drivers, public distribution, wages, state shops and the 2009 redenomination (ODD 7.1-7.2)."""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.accounting import holdings, won_holders
from sim.core.schedule import to_month
from sim.drivers import Drivers
from sim.world import DAYS_PER_MONTH, GRAIN, World


def read_drivers(world: World) -> None:
    """Drivers (ODD 7.1): every scheduled driver takes its value for the current month (`world.now`), and
    the share of traders with a phone follows from the subscriptions.

    A trader is `trader_phone_adoption_multiplier` times as likely as the average person to hold a phone
    (a subscription per person, capped at 1). Nothing else in the model depends on the calendar except the
    harvest month and the redenomination date.
    """
    world.now = Drivers.at(world.p, world.month)
    population = max(holdings(world, ["persons"])["persons"] * world.weight, 1.0)
    world.trader_phone_share = min(
        1.0, world.p.trader_phone_adoption_multiplier * world.now.phone_subscriptions / population
    )


def redenominate_currency(world: World) -> None:
    """Currency redenomination (ODD 7.1), in the month of `redenomination_date` only.

    Every holder's won is exchanged at `redenomination_ratio` old won per new won up to
    `redenomination_cap_old_won`; cash above the cap is exchanged at the punitive
    `redenomination_excess_ratio`. The difference is destroyed. The state trading companies' won, prices
    and the exchange rate are re-expressed in new won; wages are already scheduled in new won.
    """
    p = world.p
    if world.month != to_month(p.redenomination_date):
        return
    held_before = holdings(world, ["won"])["won"]
    for table in won_holders(world):
        old = table.won
        table.won = (
            np.minimum(old, p.redenomination_cap_old_won) / p.redenomination_ratio
            + np.maximum(old - p.redenomination_cap_old_won, 0.0) / p.redenomination_excess_ratio
        )
    world.traders.official_stake_won /= p.redenomination_ratio
    world.money.state_trade_won /= p.redenomination_ratio  # the state's own accounts convert without a cap
    world.prices /= p.redenomination_ratio
    world.money.won_per_yuan /= p.redenomination_ratio
    world.ledger.rebase("won", 1.0 / p.redenomination_ratio)
    exchanged = holdings(world, ["won"])["won"]
    world.ledger.record("won", "redenomination", exchanged - held_before / p.redenomination_ratio)


def distribute_rations(world: World) -> None:
    """Public distribution (ODD 7.2): non-farm households at the head of the queue get their ration.

    A household is served when its `pds_priority` is below the month's coverage, so coverage cuts
    fall on the back of the queue (the capital is at the front). It receives
    `ration_g_per_person_day` for each member for the month. Rations enter as grain created by the
    state; their market value counts as formal income.
    """
    h, now = world.households, world.now
    rations_kg = _serve_rations(
        active=h.active,
        farm=h.farm,
        priority=h.pds_priority,
        coverage=now.pds_coverage,
        members=h.members,
        ration_kg_per_member=now.ration_g_per_person_day / 1000.0 * DAYS_PER_MONTH,
        town=h.town,
        grain_price=world.prices[GRAIN],
        food_kg=h.food_kg,
        income_formal_won=h.income_formal_won,
    )
    world.ledger.record("grain_kg", "rations", rations_kg)


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


def deliver_food_aid(world: World) -> None:
    """Food aid (ODD 7.2): `food_aid_mt` a year reaches the households that went hungry last month,
    in proportion to their members. Aid is grain created from outside the country."""
    h = world.households
    if world.now.food_aid_mt <= 0:
        return
    hungry = h.active & (h.hungry_months > 0)
    hungry_members = h.members.sum(where=hungry, dtype=np.int64)
    if hungry_members <= 0:
        return
    kg_per_member = world.now.food_aid_mt * 1e9 / 12 / world.weight / hungry_members
    aid = hungry * (kg_per_member * h.members)
    h.food_kg += aid
    world.ledger.record("grain_kg", "food_aid", aid.sum())


def pay_wages(world: World) -> None:
    """State wages (ODD 7.2): each state worker is paid the scheduled wage times the state economy index.

    Idle factories pay little or nothing, which the index (0-1) stands for. Wages are new money.
    """
    h, now = world.households, world.now
    wage = now.wage_won_per_worker_month * now.state_economy_index
    paid = _pay(active=h.active, workers=h.state_workers, wage=wage, won=h.won, income_formal_won=h.income_formal_won)
    world.ledger.record("won", "state_wages", paid)


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


def sell_in_state_shops(world: World) -> None:
    """State shops (ODD 7.2): households spend `state_shop_spend_share` of their cash, times the state
    economy index, on what state shops still supply. The cash returns to the state (destroyed)."""
    h = world.households
    share = world.p.state_shop_spend_share * world.now.state_economy_index
    spent = h.won.sum() * share
    h.won *= 1.0 - share
    world.ledger.record("won", "state_shops", -spent)
