"""The state: drivers, public distribution, wages and state shops (ODD 7.1-7.2)."""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.accounting import holdings
from sim.core.groupby import count_where
from sim.drivers import Drivers
from sim.processes.money import pay_from_treasury, to_treasury
from sim.world import DAYS_PER_MONTH, GRAIN, World


def read_drivers(world: World) -> None:
    """Drivers (ODD 7.1): every scheduled driver takes its value for the current month (`world.now`); the
    share of traders with a phone follows from the subscriptions, and the state's tolerance of markets
    from its policy and the hunger it cannot relieve.

    A trader is `trader_phone_adoption_multiplier` times as likely as the average person to hold a phone
    (a subscription per person, capped at 1). The tolerance is the scheduled policy (`market_tolerance`)
    plus `tolerance_forced_by_hunger` x last month's share of hungry persons of the rest of the way to 1:
    a state unable to feed its people is forced to tolerate their markets (seed 000), and one that feeds
    them is not. Nothing else in the model depends on the calendar except the harvest month and the
    redenomination date.
    """
    world.now = Drivers.at(world.p, world.month)
    policy = world.now.market_tolerance
    forced = min(1.0, world.p.tolerance_forced_by_hunger * world.hunger_share)
    world.tolerance = policy + (1.0 - policy) * forced
    population = max(holdings(world, ["persons"])["persons"] * world.weight, 1.0)
    world.trader_phone_share = min(
        1.0, world.p.trader_phone_adoption_multiplier * world.now.phone_subscriptions / population
    )


def distribute_rations(world: World) -> None:
    """Public distribution (ODD 7.2.1): non-farm households at the head of the queue buy their ration at
    the state price.

    A household is served when its `pds_priority` is below the month's coverage, so coverage cuts fall on
    the back of the queue (the capital is at the front). It may buy `ration_g_per_person_day` for each
    member for the month at `state_grain_price_won_per_kg`, as far as its cash allows, and does so only
    where that is below its town's market price (after the 2009 redenomination the state price kept its
    number and for a time cost more than the market's grain). The grain comes from the state's stores
    (created here); the money goes to the treasury; what the ration is worth at the local market price
    beyond what was paid counts as formal income.
    """
    h, now = world.households, world.now
    rations_kg, paid_won, worth_won = _serve_rations(
        active=h.active,
        farm=h.farm,
        priority=h.pds_priority,
        coverage=now.pds_coverage,
        members=h.members,
        ration_kg_per_member=now.ration_g_per_person_day / 1000.0 * DAYS_PER_MONTH,
        state_price=now.state_grain_price_won_per_kg,
        town=h.town,
        grain_price=world.prices[GRAIN],
        food_kg=h.food_kg,
        won=h.won,
        income_formal_won=h.income_formal_won,
    )
    world.ledger.record("grain_kg", "rations", rations_kg)
    world.tally.in_kind_formal_won += worth_won
    world.tally.rations_worth_won += worth_won
    to_treasury(world, paid_won)


@njit(cache=True)
def _serve_rations(active, farm, priority, coverage, members, ration_kg_per_member, state_price, town, grain_price,
                   food_kg, won, income_formal_won):  # fmt: skip
    """`distribute_rations` in one pass; returns the grain handed out, the won paid for it and its worth beyond
    that at the market's price."""
    total_kg = total_won = total_worth = 0.0
    for i in range(len(active)):
        worth_it = grain_price[town[i]] > state_price
        entitled = members[i] * ration_kg_per_member * (active[i] & ~farm[i] & (priority[i] < coverage) & worth_it)
        ration_kg = min(entitled, won[i] / state_price) if state_price > 0.0 else entitled
        paid = ration_kg * state_price
        won[i] -= paid
        food_kg[i] += ration_kg
        worth = ration_kg * (grain_price[town[i]] - state_price)
        income_formal_won[i] += worth
        total_kg += ration_kg
        total_won += paid
        total_worth += worth
    return total_kg, total_won, total_worth


def deliver_food_aid(world: World) -> None:
    """Food aid (ODD 7.2.2): `food_aid_mt` a year reaches the households that cannot feed themselves this
    month (after rations), in proportion to what they lack of a month's need. Aid is grain created from
    outside the country.

    Shared by what households lack now, not by last month's hunger: given to those hungry last month, it
    fed them into the next month, when they got none and went hungry again, so that in 2000-2004 the
    country's hunger swung between 5% and 31% every other month.
    """
    h = world.households
    if world.now.food_aid_mt <= 0:
        return
    lacking = h.active * np.maximum(world.need_kg() * h.members - h.food_kg, 0.0)
    total_lacking = lacking.sum()
    if total_lacking <= 0:
        return
    aid = world.now.food_aid_mt * 1e9 / 12 / world.weight * lacking / total_lacking
    h.food_kg += aid
    world.ledger.record("grain_kg", "food_aid", aid.sum())


def pay_wages(world: World) -> None:
    """State wages (ODD 7.2.3): each state worker is paid the scheduled wage times the state economy index,
    out of the treasury (`pay_from_treasury`: what it lacks is issued).

    Idle factories pay little or nothing, which the index (0-1) stands for.
    """
    h, now = world.households, world.now
    wage = now.wage_won_per_worker_month * now.state_economy_index
    paid = _pay(active=h.active, workers=h.state_workers, wage=wage, won=h.won, income_formal_won=h.income_formal_won)
    pay_from_treasury(world, paid)


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
    """State shops (ODD 7.2.4): state enterprises sell consumer goods at state prices, the money going to
    the treasury.

    What they have to sell is worth `state_shop_supply_share_of_wages` of the wage bill at full pay (the
    wage times the state workers), times the state economy index: state prices move with wages (the 2002
    reform raised both), and idle factories make little. Households would spend `state_shop_spend_share`
    of their cash there, but only where state prices are below the market's: where the state price of
    grain is below the town's market price (state prices moved together, and after the 2009 redenomination
    kept their number). Where they would spend more than the shops have, each gets its share pro rata.
    """
    h, now, p = world.households, world.now, world.p
    workers = count_where(h.state_workers, h.active)
    supply = p.state_shop_supply_share_of_wages * now.wage_won_per_worker_month * workers * now.state_economy_index
    cheaper = world.prices[GRAIN] > now.state_grain_price_won_per_kg
    buyers_won = world.town_sum(h, h.won * h.active) * cheaper
    wanted = p.state_shop_spend_share * buyers_won.sum()
    if wanted <= 0 or supply <= 0:
        return
    share = p.state_shop_spend_share * min(1.0, supply / wanted)
    spent = share * buyers_won.sum()
    h.won -= h.won * world.at_town(h, share * cheaper)
    to_treasury(world, spent)
