"""Entry to and exit from trade and smuggling (ODD 7.9)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.core.groupby import group_mean_or_overall, happens, scatter_add
from sim.core.table import AgentTable
from sim.processes.border import seizure_risk, smuggling_margin
from sim.processes.trade import restocking_price, smuggler_worth, sold_out, trader_worth
from sim.world import DAYS_PER_MONTH, GRAIN, IMPORTS, NOBODY, World


def _hand_back(
    world: World,
    homes: np.ndarray,
    won: np.ndarray,
    yuan: np.ndarray,
    grain_kg: np.ndarray,
    import_units: np.ndarray,
    to_household: bool,
) -> None:
    """What closing businesses held: to their households (imported goods left over are consumed), or, when
    the household itself has ended, lost to the model."""
    h, ledger = world.households, world.ledger
    if to_household:
        scatter_add(h.won, homes, won)
        scatter_add(h.yuan, homes, yuan)
        scatter_add(h.food_kg, homes, grain_kg)
        ledger.record("import_units", "consumed", -import_units.sum())
    else:
        ledger.record("won", "estates_lost", -won.sum())
        ledger.record("yuan", "estates_lost", -yuan.sum())
        ledger.record("grain_kg", "estates_lost", -grain_kg.sum())
        ledger.record("import_units", "estates_lost", -import_units.sum())


def close_traders(world: World, rows: np.ndarray, to_household: bool) -> None:
    """End the traders in `rows`: won and yuan back to the household and grain to its store (`_hand_back`);
    officials' stakes in them are lost."""
    t = world.traders
    rows = rows[t.active[rows]]
    if len(rows) == 0:
        return
    homes, stock, grain = t.household[rows], t.stock[rows], t.good[rows] == GRAIN
    _hand_back(world, homes, t.won[rows], t.yuan[rows], stock * grain, stock * ~grain, to_household)
    t.won[rows] = t.yuan[rows] = t.stock[rows] = t.official_stake_won[rows] = 0.0
    world.households.trader[homes] = NOBODY
    t.active[rows] = False


def close_smugglers(world: World, rows: np.ndarray, to_household: bool) -> None:
    """End the smugglers in `rows`: won and yuan back to the household, goods left over consumed
    (`_hand_back`)."""
    s = world.smugglers
    rows = rows[s.active[rows]]
    if len(rows) == 0:
        return
    homes = s.household[rows]
    _hand_back(world, homes, s.won[rows], s.yuan[rows], np.zeros(len(rows)), s.stock[rows], to_household)
    s.won[rows] = s.yuan[rows] = s.stock[rows] = 0.0
    world.households.smuggler[homes] = NOBODY
    s.active[rows] = False


def _leaving(world: World, table: AgentTable, worth: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Rows that give up this month: closing, or failing for `months_failing_before_exit` months."""
    failing = table.active & (worth < floor[table.town])
    table.months_failing = np.where(failing, table.months_failing + 1, 0)
    leaving = table.active & (table.closing | (table.months_failing >= world.p.months_failing_before_exit))
    return np.flatnonzero(leaving)


def exit_trade(world: World) -> None:
    """Exit (ODD 7.9.1): a trader or smuggler leaves when it decided to give up (after a crackdown or an
    arrest), or when its worth has stayed below `min_trader_capital_kg` of grain at the national price for
    `months_failing_before_exit` months. What is left goes back to the household.

    The national price, not the town's: at the town's, the floor rises where grain is dear, so the towns
    short of grain lose the traders who would bring it in (the capital's price stayed several times the
    country's)."""
    floor = np.full(world.n_towns, world.p.min_trader_capital_kg * world.national_price(GRAIN))
    leaving = _leaving(world, world.traders, trader_worth(world), floor)
    close_traders(world, leaving, to_household=True)
    world.tally.trader_exits += len(leaving)
    leaving = _leaving(world, world.smugglers, smuggler_worth(world), floor)
    close_smugglers(world, leaving, to_household=True)
    world.tally.smuggler_exits += len(leaving)


def start_trading(world: World, homes: np.ndarray, rng: np.random.Generator) -> None:
    """A member of each household in `homes` opens a trade (used by every entry route, with its stream).

    The trader is a woman where the household has a woman free of state work. It takes
    `startup_capital_share` of the household's cash. It deals in the good whose traders earned more in
    its town last month (across the country, for a good nobody in town deals in), or, with probability
    `entry_exploration_share`, in either at random; by default always at random, since choosing by a
    town's few trader agents makes the early markets depend on scale (docs/ODD.md). It takes a stall in
    the official market if the market is open and it can pay a month of fees; otherwise it trades from a
    cart or an alley (see `take_stalls`).
    """
    if len(homes) == 0:
        return
    h, t, p = world.households, world.traders, world.p
    town = h.town[homes]
    capital = p.startup_capital_share * h.won[homes]
    h.won[homes] -= capital

    explore = rng.random(len(homes)) < p.entry_exploration_share
    good = rng.integers(0, 2, len(homes))
    if not explore.all():  # by default every new trader explores, and the towns' profits go unread
        mean_profit = [
            group_mean_or_overall(t.profit_won, t.town, t.active & (t.good == kind), world.n_towns)
            for kind in (GRAIN, IMPORTS)
        ]
        preferred = np.where(mean_profit[IMPORTS][town] > mean_profit[GRAIN][town], IMPORTS, GRAIN)
        good = np.where(explore, good, preferred)
    stall = world.market_open()[town] & (capital >= world.now.stall_fee_won_per_day * DAYS_PER_MONTH)

    rows = t.add(
        len(homes),
        household=homes,
        town=town,
        woman=h.free_woman[homes],
        good=good,
        won=capital,
        phone_rank=rng.random(len(homes)),
        stall=stall,
    )
    h.trader[homes] = rows
    world.tally.trader_entries += len(rows)


def take_stalls(world: World) -> None:
    """Stalls (ODD 7.9.5): a cart or alley trader in a town with an open official market takes a stall
    when its cash covers two months of fees, with probability equal to the state's tolerance (a stall
    is registered, so it is only worth having where trade is safe)."""
    t = world.traders
    open_market = world.market_open()[t.town]
    can_pay = t.won >= 2 * world.now.stall_fee_won_per_day * DAYS_PER_MONTH
    candidates = t.active & ~t.stall & ~t.closing & open_market & can_pay
    t.stall |= happens(world.rng("take_stalls"), candidates, world.tolerance)


def enter_trade(world: World) -> None:
    """Entry into trade (ODD 7.9.2): households decide, out of need or for gain, to send a member to market.

    A household with no trading or smuggling member starts trading in a month with probability
    (`base_entry_rate_per_month` + `necessity_entry_rate_per_month` if it went hungry last month
    + `opportunity_entry_rate_per_month` if the country's traders handed their households more, on
    average, than its usual formal income, a moving average over a year: a farm household paid in kind at
    harvest would otherwise see a gain in any draw for eleven months in twelve) x the state's tolerance.
    Women, free of state work, can go for either reason; where no woman is free, a man leaves his state
    job only for gain.

    The country's traders, not the town's: news of what trade pays travels with the traders. Judged by
    its own town's traders, a town at 1:100 reads a few agents standing for a hundred traders each, and
    markets grew faster in 1990-1992 than at full scale (docs/ODD.md, "Known gaps").
    """
    h, t, p, rng = world.households, world.traders, world.p, world.rng("enter_trade")
    country_draw = t.draw_won[t.active].mean() if t.active.any() else 0.0
    homes = np.empty(len(h), dtype=np.int64)
    entering = _draw_entrants(
        rng=rng,
        active=h.active,
        trader=h.trader,
        smuggler=h.smuggler,
        free_woman=h.free_woman,
        hungry_months=h.hungry_months,
        usual_formal_income_won=h.usual_formal_income_won,
        country_draw=country_draw,
        base=p.base_entry_rate_per_month,
        necessity=p.necessity_entry_rate_per_month,
        opportunity=p.opportunity_entry_rate_per_month,
        tolerance=world.tolerance,
        homes=homes,
    )
    start_trading(world, homes[:entering], rng)


@njit(cache=True)
def _draw_entrants(rng, active, trader, smuggler, free_woman, hungry_months, usual_formal_income_won, country_draw,
                   base, necessity, opportunity, tolerance, homes):  # fmt: skip
    """`enter_trade` without a draw for every household: candidates come at `ceiling`, the highest rate any
    household can have, by jumping a geometric number of rows from one candidate to the next, and a
    candidate enters with probability its own rate / `ceiling` (thinning), so each household enters with
    its own rate. Few households enter in a month, so this visits a few in a hundred instead of all. The
    entrants are written to the front of `homes`, and their number returned."""
    ceiling = min((base + necessity + opportunity) * tolerance, 1.0)
    if ceiling <= 0.0:
        return 0
    log_stay = math.log1p(-ceiling) if ceiling < 1.0 else -math.inf
    count, i, n = 0, -1, len(active)
    while True:
        passed_over = math.log(1.0 - rng.random()) / log_stay  # rows before the next candidate, Geometric(ceiling)
        if passed_over >= n - 1 - i:
            return count
        i += 1 + int(passed_over)
        gain = country_draw > usual_formal_income_won[i]
        can_enter = active[i] & (trader[i] == NOBODY) & (smuggler[i] == NOBODY) & (free_woman[i] | gain)
        rate = (base + necessity * (hungry_months[i] >= 1) + opportunity * gain) * tolerance
        if can_enter and rng.random() * ceiling < rate:
            homes[count] = i
            count += 1


def move_to_dearer_markets(world: World) -> None:
    """Travelling traders (ODD 7.9.6): traders with a phone take their trade to markets where it pays more.

    A trader with a phone knows every market's price. Each month, with probability
    `trader_move_rate_per_month`, one with cash that has sold its stock (`SOLD_OUT_SHARE_OF_SALES` of the
    month's sales or less left) hears of one other market, drawn in proportion to its residents (where the
    buyers are), and moves its trade there if its markup there (the town's price over the cheapest
    delivered wholesale price, `cheapest_with_phone`) is more than `trader_move_threshold` above its own
    town's: the threshold stands for the travel permit, the bribes and a place to stay. Its household stays
    at home and gets its profits; it gives up its stall and trades from a cart until it can take one there
    (`take_stalls`).

    Without it, a town's goods came only from its own traders, and a town whose households seldom took up
    trade (the capital, first in the ration queue) stayed several times dearer than the rest (docs/ODD.md).
    """
    t, p = world.traders, world.p
    rng = world.rng("move_to_dearer_markets")
    eligible = t.active & ~t.closing & (t.phone_rank < world.trader_phone_share) & sold_out(t) & (t.won > 0)
    rows = np.flatnonzero(eligible)
    rows = rows[rng.random(len(rows)) < p.trader_move_rate_per_month]
    residents = world.residents_per_town
    if len(rows) == 0 or residents.sum() <= 0:
        return
    heard = rng.choice(world.n_towns, size=len(rows), p=residents / residents.sum())
    cheapest = world.book.cheapest_with_phone
    with np.errstate(divide="ignore", invalid="ignore"):
        markup = np.where(np.isfinite(cheapest) & (cheapest > 0), world.prices / cheapest, 0.0)
    good, here = t.good[rows], t.town[rows]
    moving = (heard != here) & (markup[good, heard] > (1.0 + p.trader_move_threshold) * markup[good, here])
    movers = rows[moving]
    t.town[movers] = heard[moving]
    t.stall[movers] = False
    world.tally.trader_moves += len(movers)


def put_savings_into_trade(world: World) -> None:
    """Capital follows the margin (ODD 7.9.7): a trader that sold its stock in a market that pays more than
    its margin takes `expansion_capital_share` of its household's won into the trade.

    A market pays more than the margin where its price is above what restocking costs there (the cheapest
    delivered wholesale price a trader without a phone knows, `replacement_cost`) plus the trader's margin.
    Without it a trader's capital grew only by the share of profit it did not hand home, whatever the
    market paid: in the towns where grain was dearest, traders spent all their cash every month and sold
    out while the sources they knew still had grain left, and the three surveyed cities' prices stayed a
    third apart for months (docs/ODD.md, "Known gaps").
    """
    t, h, p = world.traders, world.households, world.p
    restocked_at = restocking_price(world)
    pays = np.isfinite(restocked_at) & (world.prices > restocked_at)
    rows = np.flatnonzero(t.active & ~t.closing & (t.sold_units > 0) & sold_out(t) & pays[t.good, t.town])
    homes = t.household[rows]
    savings = p.expansion_capital_share * np.maximum(h.won[homes], 0.0)
    h.won[homes] -= savings
    t.won[rows] += savings


def start_trained_businesses(world: World) -> None:
    """Training intervention (ODD 7.9.3): workshop graduates open businesses at
    `training_startups_per_year` (real), drawn from households with no trader or smuggler."""
    expected = world.now.training_startups_per_year / 12.0 / world.weight
    if expected <= 0:
        return
    h, rng = world.households, world.rng("start_trained_businesses")
    candidates = np.flatnonzero(h.active & (h.trader == NOBODY) & (h.smuggler == NOBODY))
    count = min(rng.poisson(expected), len(candidates))
    start_trading(world, rng.choice(candidates, count, replace=False), rng)
    world.tally.trained_startups += count


def enter_smuggling(world: World) -> None:
    """Entry into smuggling (ODD 7.9.4): border-town households take it up where it pays.

    Where a crossing would pay at the going risk (as in `smuggle`, without a bribe), each border
    household with no trader or smuggler starts with probability `smuggler_entry_rate_per_month` x
    (1 - border enforcement), putting `startup_capital_share` of its cash into it.
    """
    h, s, p, now = world.households, world.smugglers, world.p, world.now
    pays = (1.0 - seizure_risk(world)) * smuggling_margin(world) > 1.0
    border_homes = np.flatnonzero(world.at_town(h, world.geo.border & pays))  # few: look at them only
    free = h.active[border_homes] & (h.trader[border_homes] == NOBODY) & (h.smuggler[border_homes] == NOBODY)
    candidates = border_homes[free]
    rate = p.smuggler_entry_rate_per_month * (1.0 - now.border_enforcement)
    homes = candidates[world.rng("enter_smuggling").random(len(candidates)) < rate]
    if len(homes) == 0:
        return
    capital = p.startup_capital_share * h.won[homes]
    h.won[homes] -= capital
    rows = s.add(len(homes), household=homes, town=h.town[homes], won=capital)
    h.smuggler[homes] = rows
    world.tally.smuggler_entries += len(rows)
