"""Entry to and exit from trade and smuggling (ODD 7.8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.core.groupby import group_mean_or_overall, happens, scatter_add
from sim.processes.border import seizure_risk, smuggling_margin
from sim.processes.trade import smuggler_worth, trader_worth
from sim.state import DAYS_PER_MONTH, GRAIN, IMPORTS, NOBODY

if TYPE_CHECKING:
    from sim.model import JangmadangModel


def close_businesses(model: JangmadangModel, table_name: str, rows: np.ndarray, to_household: bool) -> None:
    """End the traders or smugglers in `rows`.

    With `to_household`, cash and yuan go back to the household and grain to its store; imported goods
    left over are consumed. Otherwise (the household itself has ended) everything is lost to the model.
    Officials' stakes in them are lost.
    """
    table, h = getattr(model, table_name), model.households
    rows = rows[table.active[rows]]
    if len(rows) == 0:
        return
    homes = table.household[rows]
    won, stock = table.won[rows], table.stock[rows]
    yuan = table.yuan[rows] if table_name == "smugglers" else np.zeros(len(rows))
    grain = (table.good[rows] == GRAIN) if table_name == "traders" else np.zeros(len(rows), bool)
    if to_household:
        scatter_add(h.won, homes, won)
        scatter_add(h.yuan, homes, yuan)
        scatter_add(h.food_kg, homes, stock * grain)
        model.ledger.record("import_units", "consumed", -(stock * ~grain).sum())
    else:
        model.ledger.record("won", "estates_lost", -won.sum())
        model.ledger.record("yuan", "estates_lost", -yuan.sum())
        model.ledger.record("grain_kg", "estates_lost", -(stock * grain).sum())
        model.ledger.record("import_units", "estates_lost", -(stock * ~grain).sum())
    table.won[rows] = 0.0
    table.stock[rows] = 0.0
    if table_name == "smugglers":
        table.yuan[rows] = 0.0
        h.smuggler[homes] = NOBODY
    else:
        table.official_stake_won[rows] = 0.0
        h.trader[homes] = NOBODY
    table.active[rows] = False


def exit_trade(model: JangmadangModel) -> None:
    """Exit (ODD 7.8.1): a trader or smuggler leaves when it decided to give up (after a crackdown or an
    arrest), or when its worth has stayed below `min_trader_capital_kg` of grain at local prices for
    `months_failing_before_exit` months. What is left goes back to the household."""
    p = model.p
    floor = p.min_trader_capital_kg * model.prices[GRAIN]
    for table_name, worth in (("traders", trader_worth(model)), ("smugglers", smuggler_worth(model))):
        table = getattr(model, table_name)
        failing = table.active & (worth < floor[table.town])
        table.months_failing = np.where(failing, table.months_failing + 1, 0)
        leaving = table.active & (table.closing | (table.months_failing >= p.months_failing_before_exit))
        close_businesses(model, table_name, np.flatnonzero(leaving), to_household=True)
        model.tally[f"{table_name}_exits"] += leaving.sum()


def start_trading(model: JangmadangModel, homes: np.ndarray) -> None:
    """A member of each household in `homes` opens a trade (used by every entry route).

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
    h, t, p, rng = model.households, model.traders, model.p, model.rng
    town = h.town[homes]
    capital = p.startup_capital_share * h.won[homes]
    h.won[homes] -= capital

    explore = rng.random(len(homes)) < p.entry_exploration_share
    good = rng.integers(0, 2, len(homes))
    if not explore.all():  # by default every new trader explores, and the towns' profits go unread
        mean_profit = [
            group_mean_or_overall(t.profit_won, t.town, t.active & (t.good == kind), model.n_towns)
            for kind in (GRAIN, IMPORTS)
        ]
        preferred = np.where(mean_profit[IMPORTS][town] > mean_profit[GRAIN][town], IMPORTS, GRAIN)
        good = np.where(explore, good, preferred)
    market_open = model.markets.closed_until[town] <= model.month
    stall = market_open & (capital >= model.now.stall_fee_won_per_day * DAYS_PER_MONTH)

    rows = t.add(
        len(homes), household=homes, town=town, woman=h.free_woman[homes], good=good, won=capital,
        phone_rank=rng.random(len(homes)), stall=stall,
    )  # fmt: skip
    h.trader[homes] = rows
    model.tally["trader_entries"] += len(rows)


def take_stalls(model: JangmadangModel) -> None:
    """Stalls (ODD 7.8.5): a cart or alley trader in a town with an open official market takes a stall
    when its cash covers two months of fees, with probability equal to the state's tolerance (a stall
    is registered, so it is only worth having where trade is safe)."""
    t = model.traders
    open_market = (model.markets.closed_until <= model.month)[t.town]
    can_pay = t.won >= 2 * model.now.stall_fee_won_per_day * DAYS_PER_MONTH
    candidates = t.active & ~t.stall & ~t.closing & open_market & can_pay
    t.stall |= happens(model.rng, candidates, model.now.market_tolerance)


def enter_trade(model: JangmadangModel) -> None:
    """Entry into trade (ODD 7.8.2): households decide, out of need or for gain, to send a member to market.

    A household with no trading or smuggling member starts trading in a month with probability
    (`base_entry_rate_per_month` + `necessity_entry_rate_per_month` if it went hungry last month
    + `opportunity_entry_rate_per_month` if the country's traders handed their households more, on
    average, than its formal income last month) x the state's tolerance of markets. Women, free of state
    work, can go for either reason; where no woman is free, a man leaves his state job only for gain.

    The country's traders, not the town's: news of what trade pays travels with the traders. Judged by
    its own town's traders, a town at 1:100 reads a few agents standing for a hundred traders each, and
    markets grew faster in 1990-1992 than at full scale (docs/ODD.md, "Known gaps").
    """
    h, t, p = model.households, model.traders, model.p
    country_draw = t.draw_won[t.active].mean() if t.active.any() else 0.0
    homes = np.empty(len(h), dtype=np.int64)
    entering = _draw_entrants(
        model.rng, h.active, h.trader, h.smuggler, h.free_woman, h.hungry_months, h.income_formal_won,
        country_draw, p.base_entry_rate_per_month, p.necessity_entry_rate_per_month,
        p.opportunity_entry_rate_per_month, model.now.market_tolerance, homes,
    )  # fmt: skip
    start_trading(model, homes[:entering])


@njit(cache=True)
def _draw_entrants(rng, active, trader, smuggler, free_woman, hungry_months, income_formal_won, country_draw,
                   base, necessity, opportunity, tolerance, homes):  # fmt: skip
    """`enter_trade` without a draw for every household: candidates come at `ceiling`, the highest rate any
    household can have, by jumping a geometric number of rows from one candidate to the next, and a
    candidate enters with probability its own rate / `ceiling` (thinning), so each household enters with
    its own rate. Few households enter in a month, so this visits a few in a hundred instead of all. The
    entrants are written to the front of `homes`, and their number returned."""
    ceiling = min((base + necessity + opportunity) * tolerance, 1.0)
    if ceiling <= 0.0:
        return 0
    log_stay = np.log1p(-ceiling) if ceiling < 1.0 else -np.inf
    count, i, n = 0, -1, len(active)
    while True:
        passed_over = np.log(1.0 - rng.random()) / log_stay  # rows before the next candidate, Geometric(ceiling)
        if passed_over >= n - 1 - i:
            return count
        i += 1 + int(passed_over)
        gain = country_draw > income_formal_won[i]
        can_enter = active[i] & (trader[i] == NOBODY) & (smuggler[i] == NOBODY) & (free_woman[i] | gain)
        rate = (base + necessity * (hungry_months[i] >= 1) + opportunity * gain) * tolerance
        if can_enter and rng.random() * ceiling < rate:
            homes[count] = i
            count += 1


def start_trained_businesses(model: JangmadangModel) -> None:
    """Training intervention (ODD 7.8.3): workshop graduates open businesses at
    `training_startups_per_year` (real), drawn from households with no trader or smuggler."""
    expected = model.now.training_startups_per_year / 12.0 / model.weight
    if expected <= 0:
        return
    h = model.households
    candidates = np.flatnonzero(h.active & (h.trader == NOBODY) & (h.smuggler == NOBODY))
    count = min(model.rng.poisson(expected), len(candidates))
    start_trading(model, model.rng.choice(candidates, count, replace=False))
    model.tally["trained_startups"] += count


def enter_smuggling(model: JangmadangModel) -> None:
    """Entry into smuggling (ODD 7.8.4): border-town households take it up where it pays.

    Where a crossing would pay at the going risk (as in `smuggle`, without a bribe), each border
    household with no trader or smuggler starts with probability `smuggler_entry_rate_per_month` x
    (1 - border enforcement), putting `startup_capital_share` of its cash into it.
    """
    h, s, p, now = model.households, model.smugglers, model.p, model.now
    pays = (1.0 - seizure_risk(model)) * smuggling_margin(model) > 1.0
    border_homes = np.flatnonzero(model.at_home(model.geo.border & pays))  # few: look at them only
    free = h.active[border_homes] & (h.trader[border_homes] == NOBODY) & (h.smuggler[border_homes] == NOBODY)
    candidates = border_homes[free]
    rate = p.smuggler_entry_rate_per_month * (1.0 - now.border_enforcement)
    homes = candidates[model.rng.random(len(candidates)) < rate]
    if len(homes) == 0:
        return
    capital = p.startup_capital_share * h.won[homes]
    h.won[homes] -= capital
    rows = s.add(len(homes), household=homes, town=h.town[homes], won=capital)
    h.smuggler[homes] = rows
    model.tally["smuggler_entries"] += len(rows)
