"""Money (ODD 7.4): the state's budget and the money it issues, what households keep in each currency,
the currency market, the 2009 redenomination, and what households expect of prices.

The won is created only by the state, when its spending (wages, procurement) exceeds what its treasury
holds, and destroyed only by the redenomination and lost estates; everything else moves it. Households
keep won for a few months of food needs, fewer as they expect prices to rise; what they hold beyond it
they move, a share a month, into yuan and dollars (and grain, at the market), and they sell foreign cash
when they run short of won. The won's rate comes from the currency market and from arbitrage of grain
across the border. No price, rate or money quantity is set from outside.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.accounting import holdings, won_holders
from sim.core import fmath
from sim.core.groupby import count_where
from sim.core.schedule import to_month
from sim.world import GRAIN, World

# --- the state's budget ------------------------------------------------------------------------


def pay_from_treasury(world: World, amount_won: float) -> None:
    """The state pays `amount_won` (already handed to the payees) out of its treasury; what the treasury
    lacks is issued as new money (ODD 7.4.1)."""
    _issue_what_the_treasury_lacks(world, amount_won)
    world.money.treasury_won -= amount_won
    world.tally.state_spending_won += amount_won


def _issue_what_the_treasury_lacks(world: World, amount_won: float) -> None:
    m = world.money
    issued = max(amount_won - m.treasury_won, 0.0)
    m.treasury_won += issued
    world.ledger.record("won", "money_issued", issued)
    world.tally.money_issued_won += issued


def spend_state_budget(world: World) -> None:
    """The rest of the state's budget (ODD 7.4.1): once this month's wages (and, at harvest, procurement)
    are paid, what is left in the treasury (the month's takings from rations and state shops, which come in
    before the wages, and what came in after last month's spending: fees, fines, currency sales) is spent on
    the rest of the state (the army, the party and state apparatus, construction), whose pay reaches
    households in proportion to their members, as formal income. The state keeps no reserve: it spends
    what it takes in, and issues money only when that falls short of its wages and procurement, or, for
    `state_spending_floor_years` from the redenomination, of `state_spending_floor_won_per_person_month`
    (new won) a person. Without the floor, prices after 2009 settled where revenue covered the nominal
    wage bill, with the wage worth 4-5 kg of grain against the record's 2 at most; a floor without end kept
    prices rising after 2013, when the record has them stable. The floor is a sum of money, not a quantity
    of grain at the going price: a floor that rose with prices printed more wherever prices had run ahead,
    so each run's price level after 2012 kept its own noise of 2010-2012 (across ten seeds, grain in 2016
    spanned a factor of five). How much the state printed, and until when, is not documented, so both are
    free parameters (ODD 7.4.1)."""
    h, m, p = world.households, world.money, world.p
    members = h.members * h.active
    total_members = count_where(h.members, h.active)
    if total_members <= 0:
        return
    if 0 <= world.month - to_month(p.redenomination_date) < 12 * p.state_spending_floor_years:
        _issue_what_the_treasury_lacks(world, p.state_spending_floor_won_per_person_month * total_members)
    if m.treasury_won <= 0:
        return
    paid = members * (m.treasury_won / total_members)
    h.won += paid
    h.income_formal_won += paid
    world.tally.state_spending_won += m.treasury_won
    m.treasury_won = 0.0


def to_treasury(world: World, amount_won: float) -> None:
    """Revenue (already taken from the payers) into the state's treasury (ODD 7.4.1)."""
    world.money.treasury_won += amount_won
    world.tally.state_revenue_won += amount_won


def share_in_town(
    world: World,
    won_per_town: np.ndarray,
    yuan_per_town: np.ndarray | None = None,
    among: np.ndarray | None = None,
) -> None:
    """The households of each town marked in `among` (by default every active one) share its `won_per_town`
    (and `yuan_per_town`) equally, as informal income (carriers' pay, producers' sales to smugglers); a town
    with none of them pays no one, and the money is lost."""
    h = world.households
    if among is None:
        among, sharing = h.active, world.residents_per_town
    else:
        sharing = world.town_sum(h, among)
    nobody = sharing <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        won_each = np.where(nobody, 0.0, won_per_town / sharing)
        yuan_each = np.where(nobody, 0.0, yuan_per_town / sharing) if yuan_per_town is not None else None
    world.ledger.record("won", "unclaimed", -won_per_town[nobody].sum())
    pay_by_town(town=h.town, active=among, per_household=won_each, won=h.won,
                income_informal_won=h.income_informal_won)  # fmt: skip
    if yuan_each is not None:
        world.ledger.record("yuan", "unclaimed", -yuan_per_town[nobody].sum())
        _pay_yuan_by_town(town=h.town, active=among, per_household=yuan_each, won_per_yuan=world.money.won_per_yuan,
                          yuan=h.yuan, income_informal_won=h.income_informal_won)  # fmt: skip


@njit(cache=True)
def pay_by_town(town, active, per_household, won, income_informal_won):
    """Each household marked in `active` gets its town's `per_household` won, as informal income."""
    for i in range(len(town)):
        paid = per_household[town[i]] * active[i]
        won[i] += paid
        income_informal_won[i] += paid


@njit(cache=True)
def _pay_yuan_by_town(town, active, per_household, won_per_yuan, yuan, income_informal_won):
    for i in range(len(town)):
        paid = per_household[town[i]] * active[i]
        yuan[i] += paid
        income_informal_won[i] += paid * won_per_yuan


# --- what households keep in won ----------------------------------------------------------------


def won_kept_per_member(world: World) -> np.ndarray:
    """Per town: the won a household keeps per member before it has cash to spare (ODD 7.4.2).

    `won_holding_months` of food needs at the town's grain price, times `won_confidence`: as the won is
    expected to lose value, or to be taken, they hold less of it.
    """
    return world.p.won_holding_months * won_confidence(world) * world.need_kg() * world.prices[GRAIN]


def won_confidence(world: World) -> float:
    """How far households still want won (1 at stable prices and full trust): exp(-`won_flight_per_inflation`
    x the inflation they expect, if any) times their trust in the won."""
    p, m = world.p, world.money
    return math.exp(-p.won_flight_per_inflation * max(m.expected_inflation, 0.0)) * m.won_trust


def foreign_share_of_savings(world: World) -> float:
    """The share of their savings (cash beyond what they keep in won, `won_kept_per_member`) that households
    want in foreign cash (ODD 7.4.2).

    `foreign_share_of_savings_at_stable_prices` while prices are stable and the won is trusted; the rest,
    the won's share, shrinks with `won_confidence`, as `won_kept_per_member` does.
    """
    return 1.0 - (1.0 - world.p.foreign_share_of_savings_at_stable_prices) * won_confidence(world)


@njit(cache=True)
def spare_cash_of(won: float, members: int, kept_per_member: float) -> float:
    """A household's won beyond what it keeps, inside kernels."""
    return max(won - members * kept_per_member, 0.0)


# --- the currency market ------------------------------------------------------------------------


def exchange_currency(world: World) -> None:
    """Currency market (ODD 7.4.3): one national market trades foreign cash (yuan, and dollars at the world
    cross rate) for won at the going rate.

    Households rebalance their savings: each wants `foreign_share_of_savings` of its cash beyond what it
    keeps in won (`won_kept_per_member`; none if it has no more than that) in foreign cash, and closes
    `portfolio_adjustment_share` of the gap a month, buying foreign cash with won (`dollar_share_of_foreign_
    savings` of it in dollars) or selling it, yuan and dollars alike in proportion to their value. As the
    won weakens, the foreign cash households hold is worth more won and they want less of it: demand
    responds to the rate. Smugglers sell the yuan they hold beyond one trip's load and top up to one load.
    State trading companies pay what the goods they sold cost abroad with the foreign cash buyers gave them
    and then with the state's export earnings; the rest of the earnings buys the state's own imports (fuel,
    machinery), outside the model's markets, and only what the earnings lack is bought on the market with
    last month's won revenue. The state sells no foreign cash for won; the won left over is its profit and
    goes to the treasury. The smaller side is served in full, the larger pro rata;
    dollars bought or sold are changed for yuan abroad by money changers at the world rate. The rate then
    moves by `fx_adjustment_rate` x the log excess demand for foreign cash (bounded at +-1; no quote where
    a side is missing), plus `fx_arbitrage_pull` x the log gap to the rate at which grain costs the same in
    border markets as in China (goods carried across the border tie the won to what it buys), at most
    `max_price_change_per_month` either way.
    """
    h, s, p, m = world.households, world.smugglers, world.p, world.money
    rate, yuan_per_dollar = m.won_per_yuan, world.now.yuan_per_dollar
    free = s.active & (s.arrested_until <= world.month)
    smugglers_sell_yuan = free * np.maximum(s.yuan - p.smuggler_trip_load_yuan, 0.0)
    smugglers_buy_won = free * np.minimum(np.maximum(p.smuggler_trip_load_yuan - s.yuan, 0.0) * rate, s.won)
    # Foreign cash pays the goods abroad before won is changed for it; what is left leaves the markets.
    paid_in_yuan = min(m.state_trade_yuan, m.state_import_bill_yuan)
    world.ledger.record("yuan", "state_imports_paid", -paid_in_yuan)
    world.ledger.record("yuan", "state_own_imports", paid_in_yuan - m.state_trade_yuan)
    m.state_import_bill_yuan -= paid_in_yuan
    m.state_trade_yuan = 0.0
    state_buy_won = min(m.state_trade_won, m.state_import_bill_yuan * rate)

    buy_won, sell_yuan = np.empty(len(h)), np.empty(len(h))
    _household_orders(
        town=h.town,
        members=h.members,
        won=h.won,
        yuan=h.yuan,
        dollars=h.dollars,
        kept_per_member=won_kept_per_member(world),
        foreign_share=foreign_share_of_savings(world),
        adjustment_share=p.portfolio_adjustment_share,
        won_per_yuan=rate,
        yuan_per_dollar=yuan_per_dollar,
        buy_won=buy_won,
        sell_yuan=sell_yuan,
    )
    supply_yuan = sell_yuan.sum() + smugglers_sell_yuan.sum()
    demand_won = buy_won.sum() + smugglers_buy_won.sum() + state_buy_won
    traded_yuan = min(supply_yuan, demand_won / rate)
    world.tally.fx_wanted_yuan += demand_won / rate
    sell_fill = traded_yuan / supply_yuan if supply_yuan > 0 else 0.0
    buy_fill = traded_yuan * rate / demand_won if demand_won > 0 else 0.0

    world.ledger.record("yuan", "state_imports_paid", -state_buy_won * buy_fill / rate)
    to_treasury(world, m.state_trade_won - state_buy_won * buy_fill)
    m.state_trade_won = m.state_import_bill_yuan = 0.0

    border_grain_price = float(world.prices[GRAIN][world.geo.border].mean())
    step = p.fx_arbitrage_pull * math.log(border_grain_price / world.now.china_grain_price_yuan_per_kg / rate)
    if traded_yuan > 0:
        dollars_in, dollars_out = _households_change(
            won=h.won,
            yuan=h.yuan,
            dollars=h.dollars,
            buy_won=buy_won,
            sell_yuan=sell_yuan,
            buy_fill=buy_fill,
            sell_fill=sell_fill,
            dollar_share=p.dollar_share_of_foreign_savings,
            won_per_yuan=rate,
            yuan_per_dollar=yuan_per_dollar,
        )
        world.ledger.record("dollars", "changed_abroad", dollars_in - dollars_out)
        world.ledger.record("yuan", "changed_abroad", (dollars_out - dollars_in) * yuan_per_dollar)
        s.yuan += smugglers_buy_won * buy_fill / rate - smugglers_sell_yuan * sell_fill
        s.won += smugglers_sell_yuan * sell_fill * rate - smugglers_buy_won * buy_fill
        excess = math.log(demand_won) - math.log(rate) - math.log(supply_yuan)  # in logs: no overflow at odd rates
        step += p.fx_adjustment_rate * min(max(excess, -1.0), 1.0)
        world.tally.fx_traded_yuan += traded_yuan
    cap = p.max_price_change_per_month
    m.won_per_yuan = rate * math.exp(min(max(step, -cap), cap))


@njit(cache=True)
def _household_orders(town, members, won, yuan, dollars, kept_per_member, foreign_share, adjustment_share,
                      won_per_yuan, yuan_per_dollar, buy_won, sell_yuan):  # fmt: skip
    """Each household's order: won offered for foreign cash, or foreign cash (in yuan) offered for won, to
    close `adjustment_share` of the gap between the foreign cash it holds and `foreign_share` of its
    savings (cash beyond what it keeps in won)."""
    for i in range(len(won)):
        foreign_won = (yuan[i] + dollars[i] * yuan_per_dollar) * won_per_yuan
        savings = max(won[i] + foreign_won - members[i] * kept_per_member[town[i]], 0.0)
        order = adjustment_share * (foreign_share * savings - foreign_won)
        buy_won[i] = min(order, won[i]) if order > 0.0 else 0.0
        sell_yuan[i] = -order / won_per_yuan if order < 0.0 else 0.0


@njit(cache=True)
def _households_change(won, yuan, dollars, buy_won, sell_yuan, buy_fill, sell_fill, dollar_share, won_per_yuan,
                       yuan_per_dollar):  # fmt: skip
    """The households' side of the market: `buy_fill` of each purchase, `sell_fill` of each sale, sales taken
    from yuan and dollars in proportion to their value. Returns the dollars bought and sold."""
    dollars_in = dollars_out = 0.0
    for i in range(len(won)):
        bought_yuan = buy_won[i] * buy_fill / won_per_yuan
        sold_yuan = sell_yuan[i] * sell_fill
        foreign_yuan = yuan[i] + dollars[i] * yuan_per_dollar
        from_dollars = sold_yuan * (dollars[i] * yuan_per_dollar / foreign_yuan) if foreign_yuan > 0.0 else 0.0
        new_dollars = bought_yuan * dollar_share / yuan_per_dollar
        sold_dollars = min(from_dollars / yuan_per_dollar, dollars[i])
        won[i] += sold_yuan * won_per_yuan - buy_won[i] * buy_fill
        yuan[i] += bought_yuan * (1.0 - dollar_share) - (sold_yuan - from_dollars)
        dollars[i] += new_dollars - sold_dollars
        dollars_in += new_dollars
        dollars_out += sold_dollars
    return dollars_in, dollars_out


# --- the redenomination and expectations ----------------------------------------------------------


def redenominate_currency(world: World) -> None:
    """Currency redenomination (ODD 7.4.4), in the month of `redenomination_date` only.

    Every holder's won is exchanged at `redenomination_ratio` old won per new won up to
    `redenomination_cap_old_won` per person (a household's members; one for a business or an official);
    cash above the cap is exchanged at the punitive `redenomination_excess_ratio`. The difference is
    destroyed. The treasury and the state trading companies convert without a cap; prices, the exchange
    rate and last month's price are re-expressed in new won. Wages and state prices are scheduled in the
    won of the day, so they keep their number: a hundred times more in real terms. Households' trust in
    the won falls by the share of the value of private won (households', traders', smugglers' and
    officials') the exchange took (see `won_kept_per_member`).
    """
    p, m = world.p, world.money
    if world.month != to_month(p.redenomination_date):
        return
    held_before = holdings(world, ["won"])["won"]
    private_before = sum(table.won.sum() for table in won_holders(world)) / p.redenomination_ratio
    for table in won_holders(world):
        persons = np.maximum(table.members, 1) if table is world.households else 1.0
        cap = p.redenomination_cap_old_won * persons
        old = table.won
        table.won = np.minimum(old, cap) / p.redenomination_ratio + np.maximum(old - cap, 0.0) / (
            p.redenomination_excess_ratio
        )
    world.traders.official_stake_won /= p.redenomination_ratio
    m.state_trade_won /= p.redenomination_ratio
    m.treasury_won /= p.redenomination_ratio
    world.prices /= p.redenomination_ratio
    m.won_per_yuan /= p.redenomination_ratio
    m.national_grain_prices /= p.redenomination_ratio
    if private_before > 0:
        m.won_trust *= sum(table.won.sum() for table in won_holders(world)) / private_before
    world.ledger.rebase("won", 1.0 / p.redenomination_ratio)
    exchanged = holdings(world, ["won"])["won"]
    world.ledger.record("won", "redenomination", exchanged - held_before / p.redenomination_ratio)


def form_expectations(world: World) -> None:
    """Expectations (ODD 7.4.5): households see how much the national grain price rose over the last
    twelve months, a month's worth of it, and close `expectation_adjustment_per_month` of the gap between
    that and the monthly inflation they expected; they regain `won_trust_recovery_per_month` of the trust
    in the won they lost. Grain is dear before the harvest every year, and people who live by it know
    that: judged by the month's rise instead, the lean season's passed for inflation, and households moved
    their savings into foreign cash and back each year, swinging the won's rate 2.4-fold within the
    year, which the record does not show (ODD Known gaps, "the exchange rate")."""
    m = world.money
    m.won_trust += world.p.won_trust_recovery_per_month * (1.0 - m.won_trust)
    price, past = world.national_price(GRAIN), m.national_grain_prices
    m.inflation = _log_rise(price, past[-1])
    m.expected_inflation += world.p.expectation_adjustment_per_month * (
        _log_rise(price, past[0]) / len(past) - m.expected_inflation
    )
    m.national_grain_prices = np.append(past[1:], price)


def _log_rise(price: float, before: float) -> float:
    return float(fmath.log(price / before)) if price > 0 and before > 0 else 0.0
