"""Sourcing, trading and price formation (ODD 7.6).

Each good has one price per market town. Producers and importers (farmers with grain to spare;
smugglers and state trading companies with imported goods in border towns) sell in their own town's
market, to households directly and to traders at the price less the traders' margin. Traders carry
goods from the cheapest source they know to their own town. A town's price moves with its excess
demand, a side of its market with no agent on it counting as the town's share of the country's; where
nothing is on offer even so, it rises toward what bringing the good in would cost (the replacement cost)
times `max_markup_over_cost`, and stays put where nobody knows a source.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from sim.core import fmath
from sim.core.groupby import fill_ratio, group_count, group_sum, pick_member, scatter_add
from sim.core.table import AgentTable
from sim.parameters import Parameters
from sim.processes.money import pay_by_town, share_in_town, spare_cash_of, won_kept_per_member
from sim.world import GOOD_NAMES, GRAIN, IMPORTS, World

SOLD_OUT_SHARE_OF_SALES = 0.1  # a trader with less stock left than this share of a month's sales has sold out


def sold_out(traders: AgentTable) -> np.ndarray:
    """Whether each trader has sold out this month: less stock left than `SOLD_OUT_SHARE_OF_SALES` of its sales."""
    return traders.stock <= SOLD_OUT_SHARE_OF_SALES * traders.sold_units


def restocking_price(world: World) -> np.ndarray:
    """Per good and town, the price at which a trader restocking at the cheapest source it knows without a
    phone (`replacement_cost`, delivered) keeps its margin; infinite where no source is known."""
    return world.book.replacement_cost / (1.0 - world.p.trader_margin_share)


def trader_worth(world: World) -> np.ndarray:
    """Each trader's won, yuan at the going rate, and stock at its town's wholesale price, in won."""
    t = world.traders
    wholesale = np.stack([world.wholesale_prices(GRAIN), world.wholesale_prices(IMPORTS)])
    worth = np.empty(len(t))
    _trader_worth(won=t.won, yuan=t.yuan, won_per_yuan=world.money.won_per_yuan, stock=t.stock, good=t.good,
                  town=t.town, wholesale=wholesale, worth=worth)  # fmt: skip
    return worth


@njit(cache=True)
def _trader_worth(won, yuan, won_per_yuan, stock, good, town, wholesale, worth):
    for i in range(len(won)):
        worth[i] = won[i] + yuan[i] * won_per_yuan + stock[i] * wholesale[good[i], town[i]]


def smuggler_worth(world: World) -> np.ndarray:
    """Each smuggler's won, yuan at the going rate, and stock at its town's wholesale price, in won."""
    s = world.smugglers
    return s.won + s.yuan * world.money.won_per_yuan + s.stock * world.wholesale_prices(IMPORTS)[s.town]


class Offers(NamedTuple):
    """What producers and importers offer of one good this month, per row of their table."""

    good: int
    farmers: np.ndarray | None  # households (grain)
    smugglers: np.ndarray | None  # imported goods
    state_companies: np.ndarray  # per town: the state trading companies' stock of the good

    def per_town(self, world: World) -> np.ndarray:
        """The offers summed per town."""
        total = np.zeros(world.n_towns)
        for table, offer in self.by_table(world):
            total += world.town_sum(table, offer)
        return total

    def agents_total(self) -> float:
        """What the country's agents offer: all but the state companies, which are institutions of the
        border towns, not a sample of households (see `fill_empty_sides`)."""
        return float(sum(offer.sum() for offer in (self.farmers, self.smugglers) if offer is not None))

    def agents_offering(self) -> int:
        """How many of the country's agents offer the good (the state companies aside, as in `agents_total`)."""
        return sum(np.count_nonzero(offer) for offer in (self.farmers, self.smugglers) if offer is not None)

    def by_table(self, world: World) -> list[tuple[AgentTable, np.ndarray]]:
        offers = (self.farmers, self.smugglers, self.state_companies)
        tables = (world.households, world.smugglers, world.markets)
        return [(table, offer) for table, offer in zip(tables, offers, strict=True) if offer is not None]


def tolerated_share(world: World) -> float:
    """The share of the trade it would do that the state's tolerance of markets lets through: all of it
    at full tolerance, and `closed_market_trade_share` (in alleys and homes) at none."""
    floor = world.p.closed_market_trade_share
    return floor + (1.0 - floor) * world.tolerance


def producer_offers(world: World, good: int) -> Offers:
    """What producers and importers offer this month in their own town's market.

    Grain: a farm household keeps what feeds it until the next harvest plus `food_buffer_months`, and
    brings `farm_sale_share_per_month` of the rest to market, scaled by the state's tolerance of the
    grain trade; even where it is not tolerated, `closed_market_trade_share` of it is sold in alleys and
    homes. Where the local price is below the national price, it holds back: the share is
    multiplied by (local / national price) ** `farm_price_elasticity`. Imported goods: smugglers offer
    their stock. State trading companies offer what they imported of either good.
    """
    p = world.p
    if good == GRAIN:
        h = world.households
        months_left = (p.harvest_month - 1 - world.month % 12) % 12 or 12
        with np.errstate(divide="ignore"):  # no households left anywhere: no national price, no holding back
            relative = fmath.power(
                np.minimum(world.prices[GRAIN] / world.national_price(GRAIN), 1.0), p.farm_price_elasticity
            )
        offer = np.empty(len(h))
        _farm_offers(
            town=h.town,
            share=p.farm_sale_share_per_month * tolerated_share(world) * relative,
            active=h.active,
            farm=h.farm,
            members=h.members,
            food_kg=h.food_kg,
            keep_kg_per_member=world.need_kg() * (months_left + p.food_buffer_months),
            offer=offer,
        )
        return Offers(GRAIN, farmers=offer, smugglers=None, state_companies=world.markets.state_grain_kg.copy())
    s, m = world.smugglers, world.markets
    return Offers(IMPORTS, farmers=None, smugglers=s.active * s.stock, state_companies=m.state_imports.copy())


@njit(cache=True)
def _farm_offers(town, share, active, farm, members, food_kg, keep_kg_per_member, offer):
    """`producer_offers` for farm households: their town's `share` of the grain beyond what they keep."""
    for i in range(len(town)):
        surplus = max(food_kg[i] - members[i] * keep_kg_per_member, 0.0)
        offer[i] = surplus * share[town[i]] * (active[i] and farm[i])


def _pay_sellers(world: World, offers: Offers, fill: np.ndarray, price: np.ndarray, foreign_share: np.ndarray) -> None:
    """Sellers in each town sell `fill` of their offer at `price`: goods out, money in, `foreign_share` of it
    (per town) in foreign cash, as the buyers paid.

    Farmers' sales are not income: their grain counted as income when it was harvested (`harvest`), and
    selling it turns one asset into another. State trading companies keep their revenue to pay for their
    goods abroad (see `exchange_currency`).
    """
    rate = world.money.won_per_yuan
    if offers.farmers is not None:
        h = world.households
        _farmers_sell(
            town=h.town,
            fill=fill,
            price=price,
            foreign_share=foreign_share,
            won_per_yuan=rate,
            offer=offers.farmers,
            food_kg=h.food_kg,
            won=h.won,
            yuan=h.yuan,
        )
    if offers.smugglers is not None:
        s = world.smugglers
        sold = offers.smugglers * fill[s.town]
        value = sold * price[s.town]
        s.stock -= sold
        s.won += value * (1.0 - foreign_share[s.town])
        s.yuan += value * foreign_share[s.town] / rate
    sold = offers.state_companies * fill
    if offers.good == GRAIN:
        world.markets.state_grain_kg -= sold
        unit_cost_yuan = world.now.china_grain_price_yuan_per_kg
    else:
        world.markets.state_imports -= sold
        unit_cost_yuan = world.p.import_unit_price_yuan
    value = sold * price
    world.money.state_trade_won += (value * (1.0 - foreign_share)).sum()
    world.money.state_trade_yuan += (value * foreign_share).sum() / rate
    world.money.state_import_bill_yuan += sold.sum() * unit_cost_yuan


@njit(cache=True)
def _farmers_sell(town, fill, price, foreign_share, won_per_yuan, offer, food_kg, won, yuan):
    """`_pay_sellers` for farm households, in one pass."""
    for i in range(len(town)):
        sold = offer[i] * fill[town[i]]
        value = sold * price[town[i]]
        food_kg[i] -= sold
        won[i] += value * (1.0 - foreign_share[town[i]])
        yuan[i] += value * foreign_share[town[i]] / won_per_yuan


@njit(cache=True)
def _cheapest_delivered(price, left, transport_factor, towns, cheapest):
    """For each of `towns`, the cheapest delivered price (price x transport factor) of any source with goods
    left: what a trader with a phone knows (inf where no source has goods)."""
    for town in towns:
        lowest = np.inf
        for source in range(len(price)):
            if left[source] > 0.0:
                lowest = min(lowest, price[source] * transport_factor[town, source])
        cheapest[town] = lowest


@njit(cache=True)
def _source_choices(price, left, transport_factor, known_without_phone, spread, phone_towns, phone_best, cum_phone,
                    cum_local, local_best):  # fmt: skip
    """For each town, the sources its traders choose among: those with goods left whose delivered price
    (price x transport factor) is within `spread` of the cheapest, weighted by what they have left, as
    running totals: over every town (traders with a phone, `cum_phone`, against `phone_best` from
    `_cheapest_delivered`) and over the towns known without one (`known_without_phone`, -1 padded;
    `cum_local`). `local_best` is the cheapest delivered price a trader without a phone knows (inf where
    none of its towns has goods). `cum_phone` is filled only for the `phone_towns`, where traders with a
    phone are still looking for goods."""
    n, k_known = len(price), known_without_phone.shape[1]
    for town in phone_towns:
        total, dearest = 0.0, (1.0 + spread) * phone_best[town]
        for source in range(n):
            if left[source] > 0.0 and price[source] * transport_factor[town, source] <= dearest:
                total += left[source]
            cum_phone[town, source] = total
    for town in range(n):
        lowest = np.inf
        for k in range(k_known):
            source = known_without_phone[town, k]
            if source >= 0 and left[source] > 0.0:
                lowest = min(lowest, price[source] * transport_factor[town, source])
        local_best[town] = lowest
        total = 0.0
        for k in range(k_known):
            source = known_without_phone[town, k]
            near = source >= 0 and price[source] * transport_factor[town, source] <= (1.0 + spread) * lowest
            if near and left[source] > 0.0:
                total += left[source]
            cum_local[town, k] = total


def source_wholesale(world: World, good: int) -> None:
    """Sourcing (ODD 7.6.1): traders restock `good` at the cheapest delivered wholesale prices they know.

    The wholesale price is a town's price less `trader_margin_share`, wherever producers or importers
    offer the good. A trader with a phone knows every market's price; without one, only the nearest
    markets and the nearest border market. Delivered price = source price x (1 +
    `transport_cost_share_per_cell` x distance). A trader that sold out (or has not sold yet) spends up
    to `restock_share` of its cash; one with stock left restocks only to `inventory_months` of last
    month's sales. It orders at one of the sources it knows whose delivered price is within
    `source_price_spread` of the cheapest, chosen at random in proportion to what each has on offer (so
    that traders do not all crowd the one cheapest market); at each source the smaller of orders and
    offers is traded, the larger side served pro rata; a trader whose order was not filled tries again
    among the sources with goods left, up to `sourcing_rounds` times a month, or up to
    `sourcing_rounds_with_phone` with a phone (a call, not a journey, finds out that a source has sold
    out). The transport
    part of the delivered price is paid to carriers: the households of the trader's town share it, as
    informal income. The cheapest delivered price a trader without a phone knows is the town's
    replacement cost.
    """
    t, p, geo = world.traders, world.p, world.geo
    price = world.wholesale_prices(good)
    offers = producer_offers(world, good)
    supply = offers.per_town(world)
    budget, still_wanted = np.empty(len(t)), np.empty(len(t))
    rate = world.money.won_per_yuan
    _restock_needs(active=t.active, good_of=t.good, good=good, closing=t.closing, won=t.won, yuan=t.yuan,
                   won_per_yuan=rate, stock=t.stock, sold_last_month=t.sold_units_last_month,
                   restock_share=p.restock_share, inventory_months=p.inventory_months, budget=budget,
                   still_wanted=still_wanted)  # fmt: skip
    left = supply.copy()
    orders, sold = np.zeros(world.n_towns), np.zeros(world.n_towns)
    # what was paid, per source town for the goods and per traders' town for the carriers: won, and yuan
    paid = {name: np.zeros(world.n_towns) for name in ("goods_won", "goods_yuan", "carried_won", "carried_yuan")}
    known = geo.known_without_phone
    cum_phone, cum_local = np.empty((world.n_towns, world.n_towns)), np.empty(known.shape)
    local_best, phone_best = np.empty(world.n_towns), np.empty(world.n_towns)
    source, unit_cost, wanted = np.empty(len(t), dtype=np.int32), np.empty(len(t)), np.empty(len(t))
    rng, bought = world.rng(f"source_wholesale_{GOOD_NAMES[good]}"), 0.0
    shopping = np.arange(len(t))  # budgets and wants only shrink, so each round's shoppers are among the last's
    for sourcing_round in range(max(p.sourcing_rounds, p.sourcing_rounds_with_phone)):
        shopping = shopping[(budget[shopping] > 0) & (still_wanted[shopping] > 0)]
        with_phone = t.phone_rank[shopping] < world.trader_phone_share
        if sourcing_round >= p.sourcing_rounds:  # only traders with a phone are still calling
            shopping, with_phone = shopping[with_phone], with_phone[with_phone]
        elif sourcing_round >= p.sourcing_rounds_with_phone:
            shopping, with_phone = shopping[~with_phone], with_phone[~with_phone]
        pick = rng.random(len(shopping))  # draws by active row, so compaction changes none
        looking = shopping[with_phone]
        phone_towns = np.flatnonzero(group_count(t.town[looking], world.n_towns))  # sorted, without a sort
        # in the first round for every town: traders who move compare markets by it (`cheapest_with_phone`)
        _cheapest_delivered(price=price, left=left, transport_factor=geo.transport_factor,
                            towns=np.arange(world.n_towns) if sourcing_round == 0 else phone_towns,
                            cheapest=phone_best)  # fmt: skip
        _source_choices(price=price, left=left, transport_factor=geo.transport_factor, known_without_phone=known,
                        spread=p.source_price_spread, phone_towns=phone_towns, phone_best=phone_best,
                        cum_phone=cum_phone, cum_local=cum_local, local_best=local_best)  # fmt: skip
        if sourcing_round == 0:
            world.book.replacement_cost[good], world.book.cheapest_with_phone[good] = local_best, phone_best
        _restock_orders(
            rows=shopping,
            phone_rank=t.phone_rank,
            phone_share=world.trader_phone_share,
            town=t.town,
            cum_phone=cum_phone,
            cum_local=cum_local,
            known_without_phone=known,
            pick=pick,
            price=price,
            transport_factor=geo.transport_factor,
            budget=budget,
            still_wanted=still_wanted,
            source=source,
            unit_cost=unit_cost,
            wanted=wanted,
        )
        demand = group_sum(wanted[shopping], source[shopping], world.n_towns)
        if not demand.any():
            break
        bought += _receive_stock(
            rows=shopping,
            fill=fill_ratio(demand, left),
            price=price,
            source=source,
            wanted=wanted,
            unit_cost=unit_cost,
            won_per_yuan=rate,
            won=t.won,
            yuan=t.yuan,
            bought_won=t.bought_won,
            stock=t.stock,
            budget=budget,
            still_wanted=still_wanted,
            town=t.town,
            **paid,
        )
        traded = np.minimum(demand, left)
        orders += demand
        sold += traded
        left -= traded
    pay_carriers(world, paid["carried_won"], paid["carried_yuan"])
    goods_value = paid["goods_won"] + paid["goods_yuan"] * rate
    with np.errstate(divide="ignore", invalid="ignore"):
        foreign_share = np.where(goods_value > 0, paid["goods_yuan"] * rate / goods_value, 0.0)
        _pay_sellers(world, offers, np.where(supply > 0, sold / supply, 0.0), price, foreign_share)
    world.book.wholesale_orders[good], world.book.wholesale_sold[good] = orders, sold
    world.tally.add(f"wholesale_{GOOD_NAMES[good]}", bought)


def pay_carriers(world: World, won_per_town: np.ndarray, yuan_per_town: np.ndarray) -> None:
    """Carriage (ODD 7.6.1) is day work: what traders pay for it, per carriers' town, goes to that town's
    households with hands to spare, the non-farm households outside side work (`side_workers`), shared
    equally, or to all its households where it has none (`share_in_town`); and into the month's transport
    tally, at the going rate.

    Hauling and portering are the work of those with no other. Shared by every household alike, carriage
    went mostly to households that had food, while those with no work beyond a state wage that buys next to
    nothing went hungry for years and died (docs/ODD.md, "The scorecard", eighteenth session).
    """
    h = world.households
    spare_hands = h.active & ~h.farm & ~side_workers(world)
    carriers = np.where(world.at_town(h, world.town_sum(h, spare_hands) > 0), spare_hands, h.active)
    share_in_town(world, won_per_town, yuan_per_town, among=carriers)
    world.tally.carriage_won += (won_per_town + yuan_per_town * world.money.won_per_yuan).sum()


# The traders' side of `source_wholesale`, one pass each over traders.


@njit(cache=True)
def _restock_needs(active, good_of, good, closing, won, yuan, won_per_yuan, stock, sold_last_month, restock_share,
                   inventory_months, budget, still_wanted):  # fmt: skip
    """What each trader of `good` may spend this month (a share of its won and yuan), and how much it wants
    (infinite when sold out)."""
    for i in range(len(active)):
        trades = active[i] and good_of[i] == good and not closing[i]
        budget[i] = restock_share * (won[i] + yuan[i] * won_per_yuan) if trades else 0.0
        sold_out = stock[i] <= SOLD_OUT_SHARE_OF_SALES * sold_last_month[i]
        still_wanted[i] = np.inf if sold_out else max(inventory_months * sold_last_month[i] - stock[i], 0.0)


@njit(cache=True)
def _restock_orders(rows, phone_rank, phone_share, town, cum_phone, cum_local, known_without_phone, pick, price,
                    transport_factor, budget, still_wanted, source, unit_cost, wanted):  # fmt: skip
    """The order of each trader in `rows` (those still shopping) at a source chosen (with its uniform `pick`)
    among those it would buy from (`_source_choices`): what it still wants, as far as its budget goes."""
    for j in range(len(rows)):
        i, chosen = rows[j], -1
        if phone_rank[i] < phone_share:
            row = cum_phone[town[i]]
            if row[-1] > 0.0:
                chosen = pick_member(row, pick[j])
        else:
            row = cum_local[town[i]]
            if row[-1] > 0.0:
                chosen = known_without_phone[town[i], pick_member(row, pick[j])]
        if chosen < 0:
            source[i], unit_cost[i], wanted[i] = 0, 0.0, 0.0
            continue
        source[i], unit_cost[i] = chosen, price[chosen] * transport_factor[town[i], chosen]
        wanted[i] = min(still_wanted[i], budget[i] / unit_cost[i])


@njit(cache=True)
def _receive_stock(rows, fill, price, source, wanted, unit_cost, won_per_yuan, won, yuan, bought_won, stock, budget,
                   still_wanted, town, goods_won, goods_yuan, carried_won, carried_yuan):  # fmt: skip
    """The traders in `rows` get `fill` of their orders at their source town and pay the delivered price, in
    won as far as it goes and then in yuan; the goods' part is summed per source town and the transport part
    per trader's town, each in won and in yuan, for the sellers and the carriers. Returns the amount bought."""
    total = 0.0
    for i in rows:
        bought = wanted[i] * fill[source[i]]
        if bought <= 0.0:
            continue
        cost = bought * unit_cost[i]
        in_won = min(cost, won[i])
        in_yuan = min((cost - in_won) / won_per_yuan, yuan[i])
        won[i] -= in_won
        yuan[i] -= in_yuan
        bought_won[i] += cost
        budget[i] -= cost
        still_wanted[i] -= bought
        stock[i] += bought
        goods = bought * price[source[i]] / cost  # the share of the payment that is the goods'
        goods_won[source[i]] += in_won * goods
        goods_yuan[source[i]] += in_yuan * goods
        carried_won[town[i]] += in_won * (1.0 - goods)
        carried_yuan[town[i]] += in_yuan * (1.0 - goods)
        total += bought
    return total


def excess_demand_step(p: Parameters, demand: np.ndarray, supply: np.ndarray, residents: np.ndarray) -> np.ndarray:
    """Log price change per town: `price_adjustment_rate` x log(demand / supply), at most
    `max_price_change_per_month` either way. Where there is demand and nothing offered the price rises by the
    cap, and where goods are offered and nobody asks it falls by the cap: the limits of the rule as one side
    goes to zero. Treating the two alike matters in small towns, where a month with no buyer is common;
    leaving the price alone then would hold small towns' prices above large towns'. Where there is
    neither, there is no trade and no quote of the town's own, and its price moves as the other towns'
    do (their mean step, weighted by `residents`): left alone, it would fall behind the country's
    inflation year after year."""
    cap = p.max_price_change_per_month
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.clip(np.nan_to_num(fmath.log(demand / supply)), -50.0, 50.0)
    step = np.clip(p.price_adjustment_rate * ratio, -cap, cap)
    step = np.where((supply <= 0) & (demand > 0), cap, step)
    step = np.where((demand <= 0) & (supply > 0), -cap, step)
    quoted = (demand > 0) | (supply > 0)
    weights = residents * quoted
    total = weights.sum()
    country = float((step * weights).sum() / total) if total > 0 else 0.0
    return np.where(quoted, step, country)


def fill_empty_sides(
    residents_per_town: np.ndarray,
    prices: np.ndarray,
    demand: np.ndarray,
    supply: np.ndarray,
    agents_supply: float,
    buyers_per_household: float,
    sellers_per_household: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Thin markets (ODD 7.6.2): for price formation, a side of a town's market that no agent is on this
    month counts as the town's share (by residents) of what is on that side across the country, times
    the chance that a town of its size has nobody on that side by chance: exp(-residents x the country's
    agents on that side per household, `buyers_per_household` or `sellers_per_household`). Demand is
    stood in as the country's spending (its demand at each town's `prices`) bought at the town's own
    price, so that a town whose price runs above the others' gets less of it; supply as the quantity the
    country's agents offer (`agents_supply`; state trading companies are institutions of the border
    towns, not a sample of households, so their stocks are not spread).

    A town is a few dozen household agents at 1:100. In a month it often has no trader or no buyer of a
    good where the same town at full scale has a few, and its price would stay put, or be held to the
    replacement cost, while the full-scale town's price moves with its thin market. Standing in what the
    town would have on the empty side, on average, keeps the price moving as at full scale, where this
    rarely applies. In a large town an empty side is no accident (the capital's households all fed by
    rations want no grain) and nothing stands in: without the weight, the capital's grain price rose 60% a
    month for a year on a stand-in demand nobody had. A stand-in demand in kilograms whatever the town's
    price let the price of a town of one household run to 10^12 won/kg. Where both sides are empty
    nothing stands in (the town has no market this month; `excess_demand_step` moves its price with the
    country's): two stand-ins weighted differently would move the price by the ratio of their weights,
    month after month. Where the country has nothing on a side either, the side stays empty.
    """
    share = residents_per_town / max(residents_per_town.sum(), 1.0)
    market = (demand > 0) | (supply > 0)
    alone_demand = fmath.exp(-buyers_per_household * residents_per_town)  # chance of no buyer in town
    alone_supply = fmath.exp(-sellers_per_household * residents_per_town)  # chance of no seller in town
    with np.errstate(divide="ignore", invalid="ignore"):
        bought_here = np.where(prices > 0, (demand * prices).sum() / prices, 0.0)
    demand = np.where(demand > 0, demand, share * bought_here * alone_demand * market)
    supply = np.where(supply > 0, supply, share * agents_supply * alone_supply * market)
    return demand, supply


def markets_to_sell_in(world: World, good: int) -> np.ndarray:
    """Where each trader sells `good` this month (ODD 7.6.2): in its own town, unless it has a phone and
    stock. Then it hears the prices of `shipping_market_draws` other markets (drawn by their residents),
    takes the one whose price over the carriage factor from its town (that of sourcing) is highest, and
    sells there if that is above its own town's price: the price there beats its own plus the carriage,
    which it pays its home town's carriers (`sell_retail`). Phones tell traders what other markets pay,
    so stock goes where it fetches most, as well as coming from where it costs least (`source_wholesale`)."""
    t = world.traders
    market = t.town.copy()
    residents = np.cumsum(world.residents_per_town)
    if world.trader_phone_share <= 0 or world.p.shipping_market_draws == 0 or residents[-1] <= 0:
        return market
    # a draw for every trader, so that who may ship this month does not change what the others hear
    picks = world.rng(f"shipping_{GOOD_NAMES[good]}").random((len(t), world.p.shipping_market_draws))
    shipping = np.flatnonzero(t.active & (t.good == good) & (t.stock > 0) & (t.phone_rank < world.trader_phone_share))
    _best_markets(rows=shipping, picks=picks, cumulative_residents=residents, price=world.prices[good],
                  transport_factor=world.geo.transport_factor, market=market)  # fmt: skip
    return market


@njit(cache=True)
def _best_markets(rows, picks, cumulative_residents, price, transport_factor, market):
    """`markets_to_sell_in` for the traders in `rows`, in one pass: each pick (uniform) is a market drawn by
    its residents; a trader sells in the one whose price over the carriage factor is highest, if that
    beats its own town's price."""
    for i in rows:
        home = market[i]
        best, fetches_most = home, price[home]
        for pick in picks[i]:
            heard = pick_member(cumulative_residents, pick)
            fetches = price[heard] / transport_factor[heard, home]
            if fetches > fetches_most:
                best, fetches_most = heard, fetches
        market[i] = best


def sell_retail(world: World, good: int) -> None:
    """Retail trade and prices (ODD 7.6.2): households buy `good` in their town's market.

    Sellers are the traders selling there this month (`markets_to_sell_in`: their own town's, and traders
    with a phone who carried their stock in from a cheaper town, paying the carriers of their home town;
    a closed official market keeps `closed_market_trade_share` of their trade) and the producers and
    importers of the town with goods still on offer. Grain: a household
    wants enough to hold `food_buffer_months` of its need, and puts `grain_saving_share` of its spare
    cash into stored grain (grain is a store of value when money is not); it spends up to all its cash
    on grain. Imported goods: it spends `consumer_goods_spend_share` of the cash left, less in proportion
    as a unit costs more than `import_unit_value_kg_grain` kg of grain. The smaller side of each town's
    market is served in full, the larger pro rata. Bought grain goes to the household's store; imported
    goods are consumed.

    The price then moves with the town's excess demand (`excess_demand_step`; traders' wholesale orders
    there count as demand, and what producers offered them as supply; an empty side counts as the town's
    share of the country's, `fill_empty_sides`). Where nothing is on offer even so, it rises toward the
    replacement cost plus margin times `max_markup_over_cost`, and stays where no source is known. In
    border towns imported goods never sell below the state companies' price (`state_company_price`), and,
    where they have Chinese grain left, grain never sells above theirs: arbitrage across the border.
    """
    t, h, p = world.traders, world.households, world.p
    price = world.prices[good]
    open_share = np.where(world.market_open(), 1.0, p.closed_market_trade_share)
    market = markets_to_sell_in(world, good)
    carriage = price[t.town] * (world.geo.transport_factor[market, t.town] - 1.0)  # won a unit; none at home
    trader_offer = np.empty(len(t))
    traders_supply = _trader_offers(
        active=t.active,
        good_of=t.good,
        good=good,
        stock=t.stock,
        town=market,
        open_share=open_share,
        offer=trader_offer,
    )
    producers = producer_offers(world, good)
    supply = traders_supply + producers.per_town(world)

    wanted = np.empty(len(h))
    if good == GRAIN:
        _grain_orders(
            town=h.town,
            price=price,
            active=h.active,
            won=h.won,
            foreign_won=(h.yuan + h.dollars * world.now.yuan_per_dollar) * world.money.won_per_yuan,
            members=h.members,
            food_kg=h.food_kg,
            kept_per_member=won_kept_per_member(world),
            buffer_kg_per_member=p.food_buffer_months * world.need_kg(),
            saving_share=p.grain_saving_share,
            wanted=wanted,
        )
    else:
        _import_orders(
            town=h.town,
            price=price,
            grain_price=world.prices[GRAIN],
            active=h.active,
            won=h.won,
            spend_share=p.consumer_goods_spend_share,
            unit_value_kg=p.import_unit_value_kg_grain,
            wanted=wanted,
        )
    demand = world.town_sum(h, wanted)
    rate, yuan_per_dollar = world.money.won_per_yuan, world.now.yuan_per_dollar
    paid, paid_foreign = np.empty(len(h)), np.empty(len(h))
    bought, dollars_paid = _buy(
        town=h.town,
        price=price,
        fill=fill_ratio(demand, supply),
        wanted=wanted,
        won_per_yuan=rate,
        yuan_per_dollar=yuan_per_dollar,
        won=h.won,
        yuan=h.yuan,
        dollars=h.dollars,
        food_kg=h.food_kg,
        is_grain=good == GRAIN,
        paid=paid,
        paid_foreign=paid_foreign,
    )
    # sellers get dollars as yuan: money changers swap them abroad at the world rate
    world.ledger.record("dollars", "changed_abroad", -dollars_paid)
    world.ledger.record("yuan", "changed_abroad", dollars_paid * yuan_per_dollar)
    paid_value = world.town_sum(h, paid)
    with np.errstate(divide="ignore", invalid="ignore"):
        foreign_share = np.where(paid_value > 0, world.town_sum(h, paid_foreign) / paid_value, 0.0)
    sell_fill = fill_ratio(supply, demand)
    carried_won, carried_yuan = np.zeros(world.n_towns), np.zeros(world.n_towns)
    sold_here, carried_in = np.zeros(world.n_towns), np.zeros(world.n_towns)
    _traders_sell(
        market=market,
        home=t.town,
        fill=sell_fill,
        price=price,
        carriage=carriage,
        foreign_share=foreign_share,
        won_per_yuan=rate,
        offer=trader_offer,
        stock=t.stock,
        won=t.won,
        yuan=t.yuan,
        sales_won=t.sales_won,
        sold_units=t.sold_units,
        carried_won=carried_won,
        carried_yuan=carried_yuan,
        sold_here=sold_here,
        carried_in=carried_in,
    )
    pay_carriers(world, carried_won, carried_yuan)
    world.book.traders_sold[good], world.book.carried_in[good] = sold_here, carried_in
    _pay_sellers(world, producers, sell_fill, price, foreign_share)
    if good == IMPORTS:
        world.ledger.record("import_units", "consumed", -bought)
    world.tally.add(f"retail_{GOOD_NAMES[good]}", bought)

    households = max(np.count_nonzero(h.active), 1)
    sellers = np.count_nonzero(trader_offer) + producers.agents_offering()
    all_demand, all_supply = fill_empty_sides(
        world.residents_per_town,
        price,
        demand + world.book.wholesale_orders[good],
        supply + world.book.wholesale_sold[good],
        traders_supply.sum() + producers.agents_total(),
        buyers_per_household=np.count_nonzero(wanted) / households,
        sellers_per_household=sellers / households,
    )
    moved = price * fmath.exp(excess_demand_step(p, all_demand, all_supply, world.residents_per_town))
    # With nothing on offer in town or among the country's agents, the quote rises toward what bringing
    # the good in would cost, if anyone knows a source; if nobody does, there is no quote and it stays.
    bring_in = restocking_price(world)[good] * p.max_markup_over_cost
    nothing_offered = np.where(np.isfinite(bring_in), np.minimum(moved, np.maximum(bring_in, price)), price)
    price[:] = np.where(all_supply <= 0, nothing_offered, moved)
    if good == IMPORTS:  # state companies never sell below their price, landed cost plus markup
        price[:] = np.where(world.geo.border, np.maximum(price, state_company_price(world, IMPORTS)), price)
    else:  # where they still have Chinese grain, no border market pays more than their price for it
        selling = world.geo.border & (world.markets.state_grain_kg > 0)
        price[:] = np.where(selling, np.minimum(price, state_company_price(world, GRAIN)), price)
    world.book.demand[good], world.book.supply[good] = demand, supply


def state_company_price(world: World, good: int) -> float:
    """What state trading companies charge for a good from China: its cost in yuan (the world price of
    grain, `import_unit_price_yuan` a unit of goods) at the going exchange rate, plus `state_import_markup`."""
    p = world.p
    cost_yuan = world.now.china_grain_price_yuan_per_kg if good == GRAIN else p.import_unit_price_yuan
    return cost_yuan * world.money.won_per_yuan * (1.0 + p.state_import_markup)


@njit(cache=True)
def _trader_offers(active, good_of, good, stock, town, open_share, offer):
    """Each trader of `good` offers its stock, cut where its market is closed; returns the offer per town."""
    per_town = np.zeros(len(open_share))
    for i in range(len(active)):
        offer[i] = stock[i] * open_share[town[i]] * (active[i] and good_of[i] == good)
        per_town[town[i]] += offer[i]
    return per_town


@njit(cache=True)
def _traders_sell(market, home, fill, price, carriage, foreign_share, won_per_yuan, offer, stock, won, yuan,
                  sales_won, sold_units, carried_won, carried_yuan, sold_here, carried_in):  # fmt: skip
    """Each trader sells `fill` of its offer in its market, paid `foreign_share` in yuan as that market's
    buyers paid; `carriage` a unit sold goes to the carriers of its home town, in the same currencies. Sums
    per market what traders sold there (`sold_here`) and what of it came from other towns (`carried_in`)."""
    for i in range(len(market)):
        sold = offer[i] * fill[market[i]]
        share = foreign_share[market[i]]
        kept = sold * (price[market[i]] - carriage[i])
        carried = sold * carriage[i]
        stock[i] -= sold
        won[i] += kept * (1.0 - share)
        yuan[i] += kept * share / won_per_yuan
        carried_won[home[i]] += carried * (1.0 - share)
        carried_yuan[home[i]] += carried * share / won_per_yuan
        sales_won[i] += kept
        sold_units[i] += sold
        sold_here[market[i]] += sold
        carried_in[market[i]] += sold * (market[i] != home[i])


# The households' side of `sell_retail`, one pass over households each: the orders (filled into
# `wanted`), then the purchases. Per-town sums are left to numpy's reduceat (`World.town_sum`):
# accumulating them in the loop chains every household's addition to the last, several times slower.


@njit(cache=True)
def _grain_orders(town, price, active, won, foreign_won, members, food_kg, kept_per_member, buffer_kg_per_member,
                  saving_share, wanted):  # fmt: skip
    """Grain orders: what a household lacks of its buffer, plus a share of its spare won, as far as its
    won and foreign cash (`foreign_won`, valued in won) go: for food, households dip into their savings."""
    for i in range(len(town)):
        here = price[town[i]]
        shortfall = max(buffer_kg_per_member * members[i] - food_kg[i], 0.0)
        spare_won = spare_cash_of(won[i], members[i], kept_per_member[town[i]])
        wanted[i] = min(shortfall + saving_share * spare_won / here, (won[i] + foreign_won[i]) / here) * active[i]


@njit(cache=True)
def _import_orders(town, price, grain_price, active, won, spend_share, unit_value_kg, wanted):
    for i in range(len(town)):
        here = price[town[i]]
        value_share = min(1.0, unit_value_kg * grain_price[town[i]] / here)
        wanted[i] = spend_share * won[i] / here * value_share * active[i]


@njit(cache=True)
def _buy(town, price, fill, wanted, won_per_yuan, yuan_per_dollar, won, yuan, dollars, food_kg, is_grain, paid,
         paid_foreign):  # fmt: skip
    """Each household gets `fill` of its order and pays for it in won as far as its won goes, then in yuan,
    then in dollars, at the going rates (`paid`, and `paid_foreign` of it in foreign cash, in won); grain
    goes to its store. Returns the total bought and the dollars paid."""
    total = dollars_paid = 0.0
    for i in range(len(town)):
        bought = wanted[i] * fill[town[i]]
        cost = bought * price[town[i]]
        in_won = min(cost, won[i])
        in_yuan = min((cost - in_won) / won_per_yuan, yuan[i])
        in_dollars = min(
            max(cost - in_won - in_yuan * won_per_yuan, 0.0) / (won_per_yuan * yuan_per_dollar), dollars[i]
        )
        won[i] -= in_won
        yuan[i] -= in_yuan
        dollars[i] -= in_dollars
        paid_foreign[i] = (in_yuan + in_dollars * yuan_per_dollar) * won_per_yuan
        paid[i] = in_won + paid_foreign[i]
        if is_grain:
            food_kg[i] += bought
        total += bought
        dollars_paid += in_dollars
    return total, dollars_paid


def buy_local_services(world: World) -> None:
    """Local services and crafts (ODD 7.6.4): tailoring, repairs, food processing, haircuts, carrying.

    Each household spends `services_spend_share` of its cash left after food and goods on services made in
    its town. What a town spends is shared equally among its households that do side work: non-farm
    households, `side_work_share` of them (those whose `side_work_rank` is below it) times the state's
    tolerance of private work, whether or not a member also trades or smuggles (one member goes to market;
    the others keep their side work). Their earnings are informal income; where a town has nobody doing
    side work, nothing is bought.
    """
    h, p = world.households, world.p
    workers = side_workers(world)
    workers_per_town = world.town_sum(h, workers)
    spending = np.empty(len(h))
    _spend(town=h.town, won=h.won, share=p.services_spend_share, can_buy=workers_per_town > 0, spending=spending)
    earned = world.town_sum(h, spending)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_worker = np.where(workers_per_town > 0, earned / workers_per_town, 0.0)
    pay_by_town(town=h.town, active=workers, per_household=per_worker, won=h.won,
                    income_informal_won=h.income_informal_won)  # fmt: skip
    world.tally.services_won += earned.sum()


def side_workers(world: World) -> np.ndarray:
    """The households doing side work this month (ODD 7.6.4): non-farm households whose `side_work_rank` is
    below `side_work_share` x the state's tolerance of private work."""
    h = world.households
    return h.active & ~h.farm & (h.side_work_rank < world.p.side_work_share * world.tolerance)


@njit(cache=True)
def _spend(town, won, share, can_buy, spending):
    """Each household spends `share` of its won where its town has something to buy."""
    for i in range(len(won)):
        spending[i] = share * won[i] * can_buy[town[i]]
        won[i] -= spending[i]


def _pay_draws(
    world: World, table: AgentTable, worth: np.ndarray, working_capital: np.ndarray, yuan: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Hand the household `household_draw_share` of the month's profit, or all cash beyond
    `working_capital`, whichever is more, as informal income: in won as far as it goes, then in `yuan`
    (for traders, whose buyers pay in both; smugglers keep their yuan for trips). Returns each row's profit
    and draw."""
    h, rate = world.households, world.money.won_per_yuan
    cash = table.won + (yuan * rate if yuan is not None else 0.0)
    profit = table.active * (worth - table.worth_at_start_won)
    share = world.p.household_draw_share * np.maximum(profit, 0.0)
    draw = table.active * np.minimum(np.maximum(share, cash - working_capital), cash)
    in_won = np.minimum(draw, table.won)
    table.won -= in_won
    scatter_add(h.won, table.household, in_won)
    if yuan is not None:
        in_yuan = (draw - in_won) / rate
        yuan -= in_yuan
        scatter_add(h.yuan, table.household, in_yuan)
    scatter_add(h.income_informal_won, table.household, draw)
    return profit, draw


def settle_accounts(world: World) -> None:
    """Settlement (ODD 7.6.3): traders and smugglers hand part of the month's profit to their households.

    Profit is the change in worth (cash plus stock at wholesale, yuan at the going rate) since the
    books were opened, after fees and bribes. Losses are carried by the business's capital. A trader
    keeps as working capital `working_capital_months` of the month's purchases or sales, whichever is
    larger; a smuggler, that many trips' loads.
    """
    t, s, p = world.traders, world.smugglers, world.p
    t.profit_won, t.draw_won = _pay_draws(
        world, t, trader_worth(world), p.working_capital_months * np.maximum(t.sales_won, t.bought_won), t.yuan
    )
    trip_won = p.smuggler_trip_load_yuan * world.money.won_per_yuan
    _pay_draws(world, s, smuggler_worth(world), np.full(len(s), p.working_capital_months * trip_won))
