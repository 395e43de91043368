"""Sourcing, trading and price formation (ODD 7.5).

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
from sim.core.groupby import fill_ratio, group_sum, scatter_add
from sim.core.table import AgentTable
from sim.parameters import Parameters
from sim.processes.budgets import spare_cash_of, spare_cash_threshold
from sim.world import GOOD_NAMES, GRAIN, IMPORTS, World


def trader_worth(world: World) -> np.ndarray:
    """Each trader's cash plus stock at its town's wholesale price, in won."""
    t = world.traders
    wholesale = np.stack([world.wholesale_prices(GRAIN), world.wholesale_prices(IMPORTS)])
    return t.won + t.stock * wholesale[t.good, t.town]


def smuggler_worth(world: World) -> np.ndarray:
    """Each smuggler's won, yuan at the going rate, and stock at its town's wholesale price, in won."""
    s = world.smugglers
    return s.won + s.yuan * world.money.won_per_yuan + s.stock * world.wholesale_prices(IMPORTS)[s.town]


class Offers(NamedTuple):
    """What producers and importers offer of one good this month, per row of their table."""

    farmers: np.ndarray | None  # households (grain)
    smugglers: np.ndarray | None  # imported goods
    state_companies: np.ndarray | None  # per town: the state trading companies' stock (imported goods)

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

    def by_table(self, world: World) -> list[tuple[AgentTable, np.ndarray]]:
        tables = (world.households, world.smugglers, world.markets)
        return [(table, offer) for table, offer in zip(tables, self, strict=True) if offer is not None]


def producer_offers(world: World, good: int) -> Offers:
    """What producers and importers offer this month in their own town's market.

    Grain: a farm household keeps what feeds it until the next harvest plus `food_buffer_months`, and
    brings `farm_sale_share_per_month` of the rest to market, scaled by the state's tolerance of the
    grain trade. Where the local price is below the national price, it holds back: the share is
    multiplied by (local / national price) ** `farm_price_elasticity`. Imported goods: smugglers offer
    their stock, state trading companies theirs.
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
            share=p.farm_sale_share_per_month * world.now.market_tolerance * relative,
            active=h.active,
            farm=h.farm,
            members=h.members,
            food_kg=h.food_kg,
            keep_kg_per_member=world.need_kg() * (months_left + p.food_buffer_months),
            offer=offer,
        )
        return Offers(farmers=offer, smugglers=None, state_companies=None)
    s, m = world.smugglers, world.markets
    return Offers(farmers=None, smugglers=s.active * s.stock, state_companies=m.state_stock.copy())


@njit(cache=True)
def _farm_offers(town, share, active, farm, members, food_kg, keep_kg_per_member, offer):
    """`producer_offers` for farm households: their town's `share` of the grain beyond what they keep."""
    for i in range(len(town)):
        surplus = max(food_kg[i] - members[i] * keep_kg_per_member, 0.0)
        offer[i] = surplus * share[town[i]] * (active[i] and farm[i])


def _pay_sellers(world: World, offers: Offers, fill: np.ndarray, price: np.ndarray) -> None:
    """Sellers in each town sell `fill` of their offer at `price`: goods out, money in.

    Farmers' sales are informal income; state trading companies keep their revenue to buy the yuan their
    goods cost abroad (see `exchange_currency`).
    """
    if offers.farmers is not None:
        h = world.households
        _farmers_sell(
            town=h.town,
            fill=fill,
            price=price,
            offer=offers.farmers,
            food_kg=h.food_kg,
            won=h.won,
            income_informal_won=h.income_informal_won,
        )
    if offers.smugglers is not None:
        s = world.smugglers
        sold = offers.smugglers * fill[s.town]
        s.stock -= sold
        s.won += sold * price[s.town]
    if offers.state_companies is not None:
        sold = offers.state_companies * fill
        world.markets.state_stock -= sold
        world.money.state_trade_won += (sold * price).sum()
        world.money.state_import_bill_yuan += sold.sum() * world.p.import_unit_price_yuan


@njit(cache=True)
def _farmers_sell(town, fill, price, offer, food_kg, won, income_informal_won):
    """`_pay_sellers` for farm households, in one pass."""
    for i in range(len(town)):
        sold = offer[i] * fill[town[i]]
        food_kg[i] -= sold
        won[i] += sold * price[town[i]]
        income_informal_won[i] += sold * price[town[i]]


@njit(cache=True)
def _best_sources(price, has_supply, transport_factor, known_without_phone, best_phone, best_local):
    """For each town, the source town with the lowest delivered price (price x transport factor), over every
    town with supply (a trader with a phone) and over the towns it knows without one (listed in
    `known_without_phone`, -1 padded); -1 where no such town has supply. Ties go to the lower town number."""
    n = len(price)
    for town in range(n):
        best, lowest = -1, np.inf
        for source in range(n):
            if has_supply[source]:
                delivered = price[source] * transport_factor[town, source]
                if delivered < lowest:
                    best, lowest = source, delivered
        best_phone[town] = best
        best, lowest = -1, np.inf
        for k in range(known_without_phone.shape[1]):
            source = known_without_phone[town, k]
            if source >= 0 and has_supply[source]:
                delivered = price[source] * transport_factor[town, source]
                if delivered < lowest or (delivered == lowest and source < best):
                    best, lowest = source, delivered
        best_local[town] = best


def source_wholesale(world: World, good: int) -> None:
    """Sourcing (ODD 7.5.1): traders restock `good` at the cheapest delivered wholesale price they know.

    The wholesale price is a town's price less `trader_margin_share`, wherever producers or importers
    offer the good. A trader with a phone knows every market's price; without one, only the nearest
    markets and the nearest border market. Delivered price = source price x (1 +
    `transport_cost_share_per_cell` x distance). A trader that sold out (or has not sold yet) orders for
    `restock_share` of its cash; one with stock left restocks only to `inventory_months` of last month's
    sales. At each source town the smaller of orders and offers is traded, the larger side served pro
    rata. The transport part of the delivered price is paid out of the model (carriers' fuel and fees).
    The cheapest delivered price a trader without a phone knows is the town's replacement cost.
    """
    t, p, geo = world.traders, world.p, world.geo
    price = world.wholesale_prices(good)
    offers = producer_offers(world, good)
    supply = offers.per_town(world)
    best_phone, best_local = np.empty(world.n_towns, np.int64), np.empty(world.n_towns, np.int64)
    _best_sources(
        price=price,
        has_supply=supply > 0,
        transport_factor=geo.transport_factor,
        known_without_phone=geo.known_without_phone,
        best_phone=best_phone,
        best_local=best_local,
    )
    towns = np.arange(world.n_towns)
    local = np.maximum(best_local, 0)
    world.book.replacement_cost[good] = np.where(
        best_local >= 0, price[local] * geo.transport_factor[towns, local], np.inf
    )

    source, unit_cost, wanted = np.empty(len(t), dtype=np.int32), np.empty(len(t)), np.empty(len(t))
    _restock_orders(
        active=t.active,
        good_of=t.good,
        good=good,
        closing=t.closing,
        phone_rank=t.phone_rank,
        phone_share=world.trader_phone_share,
        town=t.town,
        best_phone=best_phone,
        best_local=best_local,
        price=price,
        transport_factor=geo.transport_factor,
        won=t.won,
        stock=t.stock,
        sold_last_month=t.sold_units_last_month,
        restock_share=p.restock_share,
        inventory_months=p.inventory_months,
        source=source,
        unit_cost=unit_cost,
        wanted=wanted,
    )
    demand = group_sum(wanted, source, world.n_towns)
    transport, bought = _receive_stock(
        fill=fill_ratio(demand, supply),
        price=price,
        source=source,
        wanted=wanted,
        unit_cost=unit_cost,
        won=t.won,
        bought_won=t.bought_won,
        stock=t.stock,
    )
    world.ledger.record("won", "transport", -transport)
    _pay_sellers(world, offers, fill_ratio(supply, demand), price)
    world.book.wholesale_orders[good], world.book.wholesale_sold[good] = demand, np.minimum(demand, supply)
    world.tally.add(f"wholesale_{GOOD_NAMES[good]}", bought)


# The traders' side of `source_wholesale`, one pass each over traders.


@njit(cache=True)
def _restock_orders(active, good_of, good, closing, phone_rank, phone_share, town, best_phone, best_local, price,
                    transport_factor, won, stock, sold_last_month, restock_share, inventory_months, source, unit_cost,
                    wanted):  # fmt: skip
    for i in range(len(active)):
        known = best_phone[town[i]] if phone_rank[i] < phone_share else best_local[town[i]]
        if not (active[i] and good_of[i] == good and not closing[i] and known >= 0):
            source[i], unit_cost[i], wanted[i] = 0, 0.0, 0.0
            continue
        source[i], unit_cost[i] = known, price[known] * transport_factor[town[i], known]
        affordable = restock_share * won[i] / unit_cost[i]
        restock = max(inventory_months * sold_last_month[i] - stock[i], 0.0)
        wanted[i] = affordable if stock[i] <= 0.1 * sold_last_month[i] else min(affordable, restock)


@njit(cache=True)
def _receive_stock(fill, price, source, wanted, unit_cost, won, bought_won, stock):
    """Traders get `fill` of their orders at their source town and pay the delivered price. Returns the
    transport paid out and the amount bought."""
    transport = total = 0.0
    for i in range(len(source)):
        bought = wanted[i] * fill[source[i]]
        cost = min(bought * unit_cost[i], won[i])
        won[i] -= cost
        bought_won[i] += cost
        stock[i] += bought
        transport += bought * (unit_cost[i] - price[source[i]])
        total += bought
    return transport, total


def excess_demand_step(p: Parameters, demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Log price change per town: `price_adjustment_rate` x log(demand / supply), capped at
    `max_price_change_per_month`. Where there is demand and nothing offered the price rises by the
    cap, and where goods are offered and nobody asks it falls by the cap: the limits of the rule as one side
    goes to zero. Treating the two alike matters in small towns, where a month with no buyer is common;
    leaving the price alone then would hold small towns' prices above large towns'. Where there is
    neither, there is no trade and no quote, and the price stays."""
    cap = p.max_price_change_per_month
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.clip(np.nan_to_num(fmath.log(demand / supply)), -50.0, 50.0)
    step = np.clip(p.price_adjustment_rate * ratio, -1.0, 1.0) * cap
    step = np.where((supply <= 0) & (demand > 0), cap, step)
    step = np.where((demand <= 0) & (supply > 0), -cap, step)
    return np.where((demand > 0) | (supply > 0), step, 0.0)


def fill_empty_sides(
    residents_per_town: np.ndarray, demand: np.ndarray, supply: np.ndarray, agents_supply: float
) -> tuple[np.ndarray, np.ndarray]:
    """Thin markets (ODD 7.5.2): for price formation, a side of a town's market that no agent is on this
    month counts as the town's share (by residents) of what is on that side across the country: all
    demand, and the supply of agents (`agents_supply`; state trading companies are institutions of the
    border towns, not a sample of households, so their stocks are not spread).

    A town is a few dozen household agents at 1:100. In a month it often has no trader or no buyer of a
    good where the same town at full scale has a few, and its price would stay put, or be held to the
    replacement cost, while the full-scale town's price moves with its thin market. Standing in what the
    town would have on the empty side, on average, keeps the price moving as at full scale, where this
    rarely applies. Where the country has nothing on that side either, the side stays empty.
    """
    share = residents_per_town / max(residents_per_town.sum(), 1.0)
    demand = np.where(demand > 0, demand, share * demand.sum())
    supply = np.where(supply > 0, supply, share * agents_supply)
    return demand, supply


def sell_retail(world: World, good: int) -> None:
    """Retail trade and prices (ODD 7.5.2): households buy `good` in their town's market.

    Sellers are the town's traders (a closed official market keeps `closed_market_trade_share` of their
    trade) and the producers and importers of the town with goods still on offer. Grain: a household
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
    border towns imported goods never sell below the state companies' price, their landed cost at the
    going exchange rate plus `state_import_markup`.
    """
    t, h, p = world.traders, world.households, world.p
    price = world.prices[good]
    open_share = np.where(world.market_open(), 1.0, p.closed_market_trade_share)
    trader_offer = np.empty(len(t))
    traders_supply = _trader_offers(
        active=t.active,
        good_of=t.good,
        good=good,
        stock=t.stock,
        town=t.town,
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
            members=h.members,
            food_kg=h.food_kg,
            spare_threshold=spare_cash_threshold(world),
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
    bought = _buy(
        town=h.town,
        price=price,
        fill=fill_ratio(demand, supply),
        wanted=wanted,
        won=h.won,
        food_kg=h.food_kg,
        is_grain=good == GRAIN,
    )
    sell_fill = fill_ratio(supply, demand)
    _traders_sell(
        town=t.town,
        fill=sell_fill,
        price=price,
        offer=trader_offer,
        stock=t.stock,
        won=t.won,
        sales_won=t.sales_won,
        sold_units=t.sold_units,
    )
    _pay_sellers(world, producers, sell_fill, price)
    if good == IMPORTS:
        world.ledger.record("import_units", "consumed", -bought)
    world.tally.add(f"retail_{GOOD_NAMES[good]}", bought)

    all_demand, all_supply = fill_empty_sides(
        world.residents_per_town,
        demand + world.book.wholesale_orders[good],
        supply + world.book.wholesale_sold[good],
        traders_supply.sum() + producers.agents_total(),
    )
    moved = price * fmath.exp(excess_demand_step(p, all_demand, all_supply))
    # With nothing on offer in town or among the country's agents, the quote rises toward what bringing
    # the good in would cost, if anyone knows a source; if nobody does, there is no quote and it stays.
    bring_in = world.book.replacement_cost[good] / (1.0 - p.trader_margin_share) * p.max_markup_over_cost
    nothing_offered = np.where(np.isfinite(bring_in), np.minimum(moved, np.maximum(bring_in, price)), price)
    price[:] = np.where(all_supply <= 0, nothing_offered, moved)
    if good == IMPORTS:
        state_price = p.import_unit_price_yuan * world.money.won_per_yuan * (1.0 + p.state_import_markup)
        price[:] = np.where(world.geo.border, np.maximum(price, state_price), price)
    world.book.demand[good], world.book.supply[good] = demand, supply


@njit(cache=True)
def _trader_offers(active, good_of, good, stock, town, open_share, offer):
    """Each trader of `good` offers its stock, cut where its market is closed; returns the offer per town."""
    per_town = np.zeros(len(open_share))
    for i in range(len(active)):
        offer[i] = stock[i] * open_share[town[i]] * (active[i] and good_of[i] == good)
        per_town[town[i]] += offer[i]
    return per_town


@njit(cache=True)
def _traders_sell(town, fill, price, offer, stock, won, sales_won, sold_units):
    for i in range(len(town)):
        sold = offer[i] * fill[town[i]]
        stock[i] -= sold
        won[i] += sold * price[town[i]]
        sales_won[i] += sold * price[town[i]]
        sold_units[i] += sold


# The households' side of `sell_retail`, one pass over households each: the orders (filled into
# `wanted`), then the purchases. Per-town sums are left to numpy's reduceat (`World.town_sum`):
# accumulating them in the loop chains every household's addition to the last, several times slower.


@njit(cache=True)
def _grain_orders(town, price, active, won, members, food_kg, spare_threshold, buffer_kg_per_member, saving_share,
                  wanted):  # fmt: skip
    for i in range(len(town)):
        here = price[town[i]]
        shortfall = max(buffer_kg_per_member * members[i] - food_kg[i], 0.0)
        spare_won = spare_cash_of(won[i], members[i], spare_threshold[town[i]])
        wanted[i] = min(shortfall + saving_share * spare_won / here, won[i] / here) * active[i]


@njit(cache=True)
def _import_orders(town, price, grain_price, active, won, spend_share, unit_value_kg, wanted):
    for i in range(len(town)):
        here = price[town[i]]
        value_share = min(1.0, unit_value_kg * grain_price[town[i]] / here)
        wanted[i] = spend_share * won[i] / here * value_share * active[i]


@njit(cache=True)
def _buy(town, price, fill, wanted, won, food_kg, is_grain):
    """Each household gets `fill` of its order and pays for it (never more than its cash); grain goes to
    its store. Returns the total bought."""
    total = 0.0
    for i in range(len(town)):
        bought = wanted[i] * fill[town[i]]
        won[i] -= min(bought * price[town[i]], won[i])
        if is_grain:
            food_kg[i] += bought
        total += bought
    return total


def _pay_draws(
    world: World, table: AgentTable, worth: np.ndarray, working_capital: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hand the household `household_draw_share` of the month's profit, or all cash beyond
    `working_capital`, whichever is more, as informal income. Returns each row's profit and draw."""
    h = world.households
    profit = table.active * (worth - table.worth_at_start_won)
    share = world.p.household_draw_share * np.maximum(profit, 0.0)
    draw = table.active * np.minimum(np.maximum(share, table.won - working_capital), table.won)
    table.won -= draw
    scatter_add(h.won, table.household, draw)
    scatter_add(h.income_informal_won, table.household, draw)
    return profit, draw


def settle_accounts(world: World) -> None:
    """Settlement (ODD 7.5.3): traders and smugglers hand part of the month's profit to their households.

    Profit is the change in worth (cash plus stock at wholesale, yuan at the going rate) since the
    books were opened, after fees and bribes. Losses are carried by the business's capital. A trader
    keeps as working capital `working_capital_months` of the month's purchases or sales, whichever is
    larger; a smuggler, that many trips' loads.
    """
    t, s, p = world.traders, world.smugglers, world.p
    t.profit_won, t.draw_won = _pay_draws(
        world, t, trader_worth(world), p.working_capital_months * np.maximum(t.sales_won, t.bought_won)
    )
    trip_won = p.smuggler_trip_load_yuan * world.money.won_per_yuan
    _pay_draws(world, s, smuggler_worth(world), np.full(len(s), p.working_capital_months * trip_won))
