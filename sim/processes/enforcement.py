"""Fees, bribes, crackdowns and officials' side businesses (ODD 7.7)."""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.core.groupby import allocate, group_sum, happens
from sim.processes.money import to_treasury
from sim.processes.trade import trader_worth
from sim.world import DAYS_PER_MONTH, GRAIN, World


def collect_stall_fees(world: World) -> None:
    """Stall fees (ODD 7.7.1): stall holders in open official markets pay `stall_fee_won_per_day` for
    the month to the state. One that cannot pay gives up its stall and trades from a cart or an alley."""
    t = world.traders
    paid = _pay_stall_fees(
        active=t.active,
        stall=t.stall,
        town=t.town,
        market_open=world.market_open(),
        fee_won=world.now.stall_fee_won_per_day * DAYS_PER_MONTH,
        won=t.won,
    )
    to_treasury(world, paid)
    world.tally.fees_won += paid


@njit(cache=True)
def _pay_stall_fees(active, stall, town, market_open, fee_won, won):
    """`collect_stall_fees` for every trader in one pass; returns the fees paid."""
    total = 0.0
    for i in range(len(active)):
        if not (active[i] and stall[i] and market_open[town[i]]):
            continue
        if fee_won <= won[i]:
            won[i] -= fee_won
            total += fee_won
        elif fee_won > 0:
            stall[i] = False
    return total


def take_bribes(world: World) -> None:
    """Bribes and stakes (ODD 7.7.2): traders pay the town's official protection and returns on stakes.

    The protection bribe is `bribe_share_of_sales` of the month's sales; a trader who pays it in full
    is protected in crackdowns. A trader in which the official holds a stake also pays
    `official_stake_return_per_month` of the stake. Both go to the official, as far as the cash allows.
    """
    t, p = world.traders, world.p
    to_officials = np.zeros(world.n_towns)
    bribes, stake_returns = _pay_officials(
        active=t.active,
        town=t.town,
        sales_won=t.sales_won,
        official_stake_won=t.official_stake_won,
        bribe_share=p.bribe_share_of_sales,
        stake_return_share=p.official_stake_return_per_month,
        won=t.won,
        bribe_paid=t.bribe_paid,
        to_officials=to_officials,
    )
    world.officials.won += to_officials
    world.tally.bribes_won += bribes
    world.tally.stake_returns_won += stake_returns


@njit(cache=True)
def _pay_officials(active, town, sales_won, official_stake_won, bribe_share, stake_return_share, won, bribe_paid,
                   to_officials):  # fmt: skip
    """`take_bribes` for every trader in one pass, summing what each town's official gets; returns the
    bribes and the stake returns paid."""
    bribes = stake_returns = 0.0
    for i in range(len(active)):
        bribe_due = active[i] * (bribe_share * sales_won[i])
        bribe = min(bribe_due, won[i])
        won[i] -= bribe
        bribe_paid[i] = (bribe_due > 0) & (bribe >= bribe_due)
        stake_return = min(active[i] * (stake_return_share * official_stake_won[i]), won[i])
        won[i] -= stake_return
        to_officials[town[i]] += bribe + stake_return
        bribes += bribe
        stake_returns += stake_return
    return bribes, stake_returns


def crack_down(world: World) -> None:
    """Crackdowns (ODD 7.7.3): where tolerance is low, officials raid markets.

    Each town has a crackdown with probability `crackdown_rate_per_month` x (1 - tolerance). Each of its
    traders is caught with probability `crackdown_catch_share`, lowered by `stall_protection` for stall
    holders and by `bribe_protection` for those who paid their bribe. A caught trader loses its stock
    (confiscated) and `fine_share_of_capital` of its cash (to the state), and gives up with probability
    `caught_exit_prob`. Below `market_closure_tolerance` a raid also closes the official market for
    `market_closure_months`.
    """
    t, p, m, rng = world.traders, world.p, world.markets, world.rng("crack_down")
    tolerance = world.tolerance
    raided = rng.random(world.n_towns) < p.crackdown_rate_per_month * (1.0 - tolerance)
    if tolerance < p.market_closure_tolerance:
        m.closed_until = np.where(raided, world.month + p.market_closure_months, m.closed_until)
    exposed = t.active & raided[t.town]
    if not exposed.any():
        return
    catch = p.crackdown_catch_share * (1.0 - p.stall_protection * t.stall) * (1.0 - p.bribe_protection * t.bribe_paid)
    caught = happens(rng, exposed, catch)
    confiscated = caught * t.stock
    fine = caught * (p.fine_share_of_capital * t.won)
    t.stock -= confiscated
    t.won -= fine
    t.closing |= happens(rng, caught, p.caught_exit_prob)
    grain = t.good == GRAIN
    world.ledger.record("grain_kg", "confiscated", -(confiscated * grain).sum())
    world.ledger.record("import_units", "confiscated", -(confiscated * ~grain).sum())
    to_treasury(world, fine.sum())
    world.tally.traders_caught += caught.sum()
    world.tally.towns_raided += raided.sum()


def invest_official_funds(world: World) -> None:
    """Officials' side businesses (ODD 7.7.4): the hybrid private-state economy.

    Each official invests `official_investment_share_per_month` of its cash in the traders of its town
    that are not closing, in proportion to their worth, and holds the amount as a stake. It then pays
    `official_loyalty_share_per_month` of what remains up to the state.
    """
    t, o, p = world.traders, world.officials, world.p
    eligible_worth = (t.active & ~t.closing) * np.maximum(trader_worth(world), 0.0)
    has_traders = group_sum(eligible_worth, t.town, world.n_towns) > 0
    invested = has_traders * (p.official_investment_share_per_month * o.won)
    o.won -= invested
    stake = allocate(invested, eligible_worth, t.town)
    t.won += stake
    t.official_stake_won += stake
    loyalty = p.official_loyalty_share_per_month * o.won
    o.won -= loyalty
    to_treasury(world, loyalty.sum())
    world.tally.official_investment_won += invested.sum()
