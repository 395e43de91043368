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

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.core.groupby import fill_ratio, group_sum, scatter_add
from sim.state import GOOD_NAMES, GRAIN, IMPORTS

if TYPE_CHECKING:
    from sim.core.table import AgentTable
    from sim.model import JangmadangModel

Offers = list[tuple[str, np.ndarray]]  # (seller table, amount offered per row)


def trader_worth(model: JangmadangModel) -> np.ndarray:
    """Each trader's cash plus stock at its town's wholesale price, in won."""
    t = model.traders
    wholesale = np.stack([model.wholesale_prices(GRAIN), model.wholesale_prices(IMPORTS)])
    worth = np.empty(len(t))
    _trader_worth(t.won, t.stock, t.good, t.town, wholesale, worth)
    return worth


@njit(cache=True)
def _trader_worth(won, stock, good, town, wholesale, worth):
    for i in range(len(won)):
        worth[i] = won[i] + stock[i] * wholesale[good[i], town[i]]


def smuggler_worth(model: JangmadangModel) -> np.ndarray:
    """Each smuggler's won, yuan at the going rate, and stock at its town's wholesale price, in won."""
    s = model.smugglers
    return s.won + s.yuan * model.won_per_yuan + s.stock * model.wholesale_prices(IMPORTS)[s.town]


def open_books(model: JangmadangModel) -> None:
    """Book-keeping at the start of the month: traders and smugglers note their worth, and the month's
    sales and household incomes start from zero."""
    t = model.traders
    model.households.income_formal_won = 0.0
    model.households.income_informal_won = 0.0
    t.worth_at_start_won = trader_worth(model)
    t.sold_units_last_month = t.sold_units
    t.sold_units = t.sales_won = t.bought_won = 0.0
    t.bribe_paid = False
    model.smugglers.worth_at_start_won = smuggler_worth(model)


def producer_offers(model: JangmadangModel, good: int) -> Offers:
    """What producers and importers offer this month in their own town's market.

    Grain: a farm household keeps what feeds it until the next harvest plus `food_buffer_months`, and
    brings `farm_sale_share_per_month` of the rest to market, scaled by the state's tolerance of the
    grain trade. Where the local price is below the national price, it holds back: the share is
    multiplied by (local / national price) ** `farm_price_elasticity`. Imported goods: smugglers offer
    their stock, state trading companies theirs.
    """
    p = model.p
    if good == GRAIN:
        h = model.households
        months_left = (p.harvest_month - 1 - model.month % 12) % 12 or 12
        keep_kg_per_member = model.monthly_need_kg() * (months_left + p.food_buffer_months)
        with np.errstate(divide="ignore"):  # no households left anywhere: no national price, no holding back
            relative = np.minimum(model.prices[GRAIN] / model.national_price(GRAIN), 1.0) ** p.farm_price_elasticity
        share = p.farm_sale_share_per_month * model.now.market_tolerance * relative
        offer = np.empty(len(h))
        _farm_offers(h.town, share, h.active, h.farm, h.members, h.food_kg, keep_kg_per_member, offer)
        return [("households", offer)]
    s, m = model.smugglers, model.markets
    return [("smugglers", s.active * s.stock), ("markets", m.state_stock.copy())]


@njit(cache=True)
def _farm_offers(town, share, active, farm, members, food_kg, keep_kg_per_member, offer):
    """`producer_offers` for farm households: their town's `share` of the grain beyond what they keep."""
    for i in range(len(town)):
        surplus = max(food_kg[i] - members[i] * keep_kg_per_member, 0.0)
        offer[i] = surplus * share[town[i]] * (active[i] and farm[i])


def _pay_sellers(model: JangmadangModel, offers: Offers, fill: np.ndarray, price: np.ndarray) -> None:
    """Sellers in each town sell `fill` of their offer at `price`: goods out, money in.

    Farmers' sales are informal income; state trading companies keep their revenue to buy the yuan their
    goods cost abroad (see `exchange_currency`).
    """
    for table_name, offer in offers:
        if table_name == "households":
            h = model.households
            _farmers_sell(h.town, fill, price, offer, h.food_kg, h.won, h.income_informal_won)
            continue
        sold = offer * model.at_town(table_name, fill)
        revenue = sold * model.at_town(table_name, price)
        if table_name == "smugglers":
            model.smugglers.stock -= sold
            model.smugglers.won += revenue
        else:
            model.markets.state_stock -= sold
            model.state_trade_won += revenue.sum()
            model.state_import_bill_yuan += sold.sum() * model.p.import_unit_price_yuan


@njit(cache=True)
def _farmers_sell(town, fill, price, offer, food_kg, won, income_informal_won):
    """`_pay_sellers` for farm households, in one pass."""
    for i in range(len(town)):
        sold = offer[i] * fill[town[i]]
        food_kg[i] -= sold
        won[i] += sold * price[town[i]]
        income_informal_won[i] += sold * price[town[i]]


def _total_offer(model: JangmadangModel, offers: Offers) -> np.ndarray:
    return sum(model.town_sum(table_name, offer) for table_name, offer in offers)


def _best_sources(
    model: JangmadangModel, price: np.ndarray, has_supply: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each town, the source town with the lowest delivered price, for traders with and without phones.

    Delivered price = source price x (1 + `transport_cost_share_per_cell` x distance). -1 where no known
    town has supply.
    """
    delivered = price[None, :] * (1.0 + model.p.transport_cost_share_per_cell * model.geo.distance)
    delivered = np.where(has_supply[None, :], delivered, np.inf)
    local = np.where(model.geo.known_without_phone, delivered, np.inf)
    best_phone, best_local = delivered.argmin(axis=1), local.argmin(axis=1)
    rows = np.arange(len(price))
    best_phone[~np.isfinite(delivered[rows, best_phone])] = -1
    best_local[~np.isfinite(local[rows, best_local])] = -1
    return best_phone, best_local, delivered


def source_wholesale(model: JangmadangModel, good: int) -> None:
    """Sourcing (ODD 7.5.1): traders restock `good` at the cheapest delivered wholesale price they know.

    The wholesale price is a town's price less `trader_margin_share`, wherever producers or importers
    offer the good. A trader with a phone knows every market's price; without one, only the nearest
    markets and the nearest border market. A trader that sold out (or has not sold yet) orders for
    `restock_share` of its cash; one with stock left restocks only to `inventory_months` of last month's
    sales. At each source town the smaller of orders and offers is traded, the larger side served pro
    rata. The transport part of the delivered price is paid out of the model (carriers' fuel and fees).
    The cheapest delivered price a trader without a phone knows is the town's replacement cost.
    """
    t, p = model.traders, model.p
    price = model.wholesale_prices(good)
    offers = producer_offers(model, good)
    supply = _total_offer(model, offers)
    best_phone, best_local, delivered = _best_sources(model, price, supply > 0)
    towns = np.arange(model.n_towns)
    model.replacement_cost[good] = np.where(best_local >= 0, delivered[towns, np.maximum(best_local, 0)], np.inf)

    source, unit_cost, wanted = np.empty(len(t), dtype=np.int32), np.empty(len(t)), np.empty(len(t))
    _restock_orders(
        t.active, t.good, good, t.closing, t.phone_rank, model.trader_phone_share(), t.town, best_phone, best_local,
        delivered, t.won, t.stock, t.sold_units_last_month, p.restock_share, p.inventory_months, source, unit_cost,
        wanted,
    )  # fmt: skip
    demand = group_sum(wanted, source, model.n_towns)
    transport, bought = _receive_stock(
        fill_ratio(demand, supply), price, source, wanted, unit_cost, t.won, t.bought_won, t.stock
    )
    model.ledger.record("won", "transport", -transport)
    _pay_sellers(model, offers, fill_ratio(supply, demand), price)
    model.wholesale_orders[good], model.wholesale_sold[good] = demand, np.minimum(demand, supply)
    model.tally[f"wholesale_{GOOD_NAMES[good]}"] += bought


# The traders' side of `source_wholesale`, one pass each over traders.


@njit(cache=True)
def _restock_orders(active, good_of, good, closing, phone_rank, phone_share, town, best_phone, best_local,
                    delivered, won, stock, sold_last_month, restock_share, inventory_months, source, unit_cost,
                    wanted):  # fmt: skip
    for i in range(len(active)):
        known = best_phone[town[i]] if phone_rank[i] < phone_share else best_local[town[i]]
        if not (active[i] and good_of[i] == good and not closing[i] and known >= 0):
            source[i], unit_cost[i], wanted[i] = 0, 0.0, 0.0
            continue
        source[i], unit_cost[i] = known, delivered[town[i], known]
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


def excess_demand_step(model: JangmadangModel, demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Log price change per town: `price_adjustment_rate` x log(demand / supply), capped at
    `max_price_change_per_month`. Where there is demand and nothing offered the price rises by the cap,
    and where goods are offered and nobody asks it falls by the cap: the limits of the rule as one side
    goes to zero. Treating the two alike matters in small towns, where a month with no buyer is common;
    leaving the price alone then would hold small towns' prices above large towns'. Where there is
    neither, there is no trade and no quote, and the price stays."""
    p = model.p
    cap = p.max_price_change_per_month
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.clip(np.nan_to_num(np.log(demand / supply)), -50.0, 50.0)
    step = np.clip(p.price_adjustment_rate * ratio, -1.0, 1.0) * cap
    step = np.where((supply <= 0) & (demand > 0), cap, step)
    step = np.where((demand <= 0) & (supply > 0), -cap, step)
    return np.where((demand > 0) | (supply > 0), step, 0.0)


def fill_empty_sides(
    model: JangmadangModel, demand: np.ndarray, supply: np.ndarray, agents_supply: float
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
    share = model.residents_per_town / max(model.residents_per_town.sum(), 1.0)
    demand = np.where(demand > 0, demand, share * demand.sum())
    supply = np.where(supply > 0, supply, share * agents_supply)
    return demand, supply


def sell_retail(model: JangmadangModel, good: int) -> None:
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
    t, h, p, m = model.traders, model.households, model.p, model.markets
    price = model.prices[good]
    open_share = np.where(m.closed_until > model.month, p.closed_market_trade_share, 1.0)
    trader_offer = np.empty(len(t))
    traders_supply = _trader_offers(t.active, t.good, good, t.stock, t.town, open_share, trader_offer)
    producers = producer_offers(model, good)
    supply = traders_supply + _total_offer(model, producers)

    wanted = np.empty(len(h))
    if good == GRAIN:
        buffer_kg_per_member = p.food_buffer_months * model.monthly_need_kg()
        _grain_orders(
            h.town, price, h.active, h.won, h.members, h.food_kg, model.spare_cash_threshold(),
            buffer_kg_per_member, p.grain_saving_share, wanted,
        )  # fmt: skip
    else:
        _import_orders(
            h.town, price, model.prices[GRAIN], h.active, h.won, p.consumer_goods_spend_share,
            p.import_unit_value_kg_grain, wanted,
        )  # fmt: skip
    demand = model.town_sum("households", wanted)
    bought = _buy(h.town, price, fill_ratio(demand, supply), wanted, h.won, h.food_kg, good == GRAIN)
    sell_fill = fill_ratio(supply, demand)
    _traders_sell(t.town, sell_fill, price, trader_offer, t.stock, t.won, t.sales_won, t.sold_units)
    _pay_sellers(model, producers, sell_fill, price)
    if good == IMPORTS:
        model.ledger.record("import_units", "consumed", -bought)
    model.tally[f"retail_{GOOD_NAMES[good]}"] += bought

    agents_supply = traders_supply.sum() + sum(offer.sum() for name, offer in producers if name != "markets")
    all_demand, all_supply = fill_empty_sides(
        model, demand + model.wholesale_orders[good], supply + model.wholesale_sold[good], agents_supply
    )
    moved = price * np.exp(excess_demand_step(model, all_demand, all_supply))
    # With nothing on offer in town or among the country's agents, the quote rises toward what bringing
    # the good in would cost, if anyone knows a source; if nobody does, there is no quote and it stays.
    bring_in = model.replacement_cost[good] / (1.0 - p.trader_margin_share) * p.max_markup_over_cost
    nothing_offered = np.where(np.isfinite(bring_in), np.minimum(moved, np.maximum(bring_in, price)), price)
    price[:] = np.where(all_supply <= 0, nothing_offered, moved)
    if good == IMPORTS:
        state_price = p.import_unit_price_yuan * model.won_per_yuan * (1.0 + p.state_import_markup)
        price[:] = np.where(model.geo.border, np.maximum(price, state_price), price)
    model.market_demand[good], model.market_supply[good] = demand, supply


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


@njit(cache=True)
def spare_cash_of(won: float, members: int, threshold_won_per_member: float) -> float:
    """A household's won beyond its spare-cash threshold (`JangmadangModel.spare_cash`), inside kernels."""
    return max(won - members * threshold_won_per_member, 0.0)


# The households' side of `sell_retail`, one pass over households each: the orders (filled into
# `wanted`), then the purchases. Per-town sums are left to numpy's reduceat (`JangmadangModel.town_sum`):
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
    model: JangmadangModel, table: AgentTable, worth: np.ndarray, working_capital: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hand the household `household_draw_share` of the month's profit, or all cash beyond
    `working_capital`, whichever is more, as informal income. Returns each row's profit and draw."""
    h = model.households
    profit = table.active * (worth - table.worth_at_start_won)
    share = model.p.household_draw_share * np.maximum(profit, 0.0)
    draw = table.active * np.minimum(np.maximum(share, table.won - working_capital), table.won)
    table.won -= draw
    scatter_add(h.won, table.household, draw)
    scatter_add(h.income_informal_won, table.household, draw)
    return profit, draw


def settle_accounts(model: JangmadangModel) -> None:
    """Settlement (ODD 7.5.3): traders and smugglers hand part of the month's profit to their households.

    Profit is the change in worth (cash plus stock at wholesale, yuan at the going rate) since the
    books were opened, after fees and bribes. Losses are carried by the business's capital. A trader
    keeps as working capital `working_capital_months` of the month's purchases or sales, whichever is
    larger; a smuggler, that many trips' loads.
    """
    t, s, p = model.traders, model.smugglers, model.p
    t.profit_won, t.draw_won = _pay_draws(
        model, t, trader_worth(model), p.working_capital_months * np.maximum(t.sales_won, t.bought_won)
    )
    trip_won = p.smuggler_trip_load_yuan * model.won_per_yuan
    _pay_draws(model, s, smuggler_worth(model), np.full(len(s), p.working_capital_months * trip_won))
