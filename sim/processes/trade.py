"""Sourcing, trading and price formation (ODD 7.5).

Each good has one price per market town. Producers and importers (farmers with grain to spare;
smugglers and state trading companies with imported goods in border towns) sell in their own town's
market, to households directly and to traders at the price less the traders' margin. Traders carry
goods from the cheapest source they know to their own town. A town's price moves with its excess
demand; where nothing is on offer, it rises toward what bringing the good in would cost (the replacement
cost) times `max_markup_over_cost`, and stays put where nobody knows a source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.groupby import fill_ratio, group_sum
from sim.state import GOOD_NAMES, GRAIN, IMPORTS

if TYPE_CHECKING:
    from sim.core.table import AgentTable
    from sim.model import JangmadangModel

Offers = list[tuple[str, np.ndarray, np.ndarray]]  # (seller table, amount offered per row, town per row)


def trader_worth(model: JangmadangModel) -> np.ndarray:
    """Each trader's cash plus stock at its town's wholesale price, in won."""
    t = model.traders
    wholesale = np.stack([model.wholesale_prices(GRAIN), model.wholesale_prices(IMPORTS)])
    return t.won + t.stock * wholesale[t.good, t.town]


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
        monthly_need = h.members * model.monthly_need_kg()
        surplus = np.maximum(h.food_kg - monthly_need * (months_left + p.food_buffer_months), 0.0)
        with np.errstate(divide="ignore"):  # no households left anywhere: no national price, no holding back
            relative = np.minimum(model.prices[GRAIN] / model.national_price(GRAIN), 1.0) ** p.farm_price_elasticity
        share = p.farm_sale_share_per_month * model.now.market_tolerance * relative[h.town]
        offer = (h.active & h.farm) * surplus * share
        return [("households", offer, h.town)]
    s, m = model.smugglers, model.markets
    return [("smugglers", s.active * s.stock, s.town), ("markets", m.state_stock.copy(), np.arange(len(m)))]


def _pay_sellers(model: JangmadangModel, offers: Offers, fill: np.ndarray, price: np.ndarray) -> None:
    """Sellers in each town sell `fill` of their offer at `price`: goods out, money in.

    Farmers' sales are informal income; state trading companies keep their revenue to buy the yuan their
    goods cost abroad (see `exchange_currency`).
    """
    for table_name, offer, town in offers:
        sold = offer * fill[town]
        revenue = sold * price[town]
        if table_name == "households":
            h = model.households
            h.food_kg -= sold
            h.won += revenue
            h.income_informal_won += revenue
        elif table_name == "smugglers":
            model.smugglers.stock -= sold
            model.smugglers.won += revenue
        else:
            model.markets.state_stock -= sold
            model.state_trade_won += revenue.sum()
            model.state_import_bill_yuan += sold.sum() * model.p.import_unit_price_yuan


def _total_offer(model: JangmadangModel, offers: Offers) -> np.ndarray:
    return sum(group_sum(offer, town, model.n_towns) for _, offer, town in offers)


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

    buying = t.active & (t.good == good) & ~t.closing
    source = np.where(t.phone_rank < model.trader_phone_share(), best_phone[t.town], best_local[t.town])
    buying &= source >= 0
    source = np.where(buying, source, 0)
    unit_cost = np.where(buying, delivered[t.town, source], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        affordable = np.where(buying, p.restock_share * t.won / unit_cost, 0.0)
    restock = np.maximum(p.inventory_months * t.sold_units_last_month - t.stock, 0.0)
    sold_out = t.stock <= 0.1 * t.sold_units_last_month
    wanted = np.where(sold_out, affordable, np.minimum(affordable, restock))
    demand = group_sum(wanted, source, model.n_towns)
    bought = wanted * fill_ratio(demand, supply)[source]
    cost = np.minimum(bought * unit_cost, t.won)
    t.won -= cost
    t.bought_won += cost
    t.stock += bought
    model.ledger.record("won", "transport", -(bought * (unit_cost - price[source])).sum())
    _pay_sellers(model, offers, fill_ratio(supply, demand), price)
    model.wholesale_orders[good], model.wholesale_sold[good] = demand, np.minimum(demand, supply)
    model.tally[f"wholesale_{GOOD_NAMES[good]}"] += bought.sum()


def excess_demand_step(model: JangmadangModel, demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Log price change per town: `price_adjustment_rate` x log(demand / supply), capped at
    `max_price_change_per_month`; up by the cap where there is demand and nothing offered; no change
    where nobody asks (no trade, no quote)."""
    p = model.p
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.clip(np.nan_to_num(np.log(demand / supply)), -50.0, 50.0)
    step = np.clip(p.price_adjustment_rate * ratio, -1.0, 1.0) * p.max_price_change_per_month
    step = np.where((supply <= 0) & (demand > 0), p.max_price_change_per_month, step)
    return np.where(demand > 0, step, 0.0)


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
    there count as demand, and what producers offered them as supply). Where nothing at all is on offer
    it rises toward the replacement cost plus margin times `max_markup_over_cost`, and stays where no
    source is known. In border
    towns imported goods never sell below the state companies' price, their landed cost at the going
    exchange rate plus `state_import_markup`.
    """
    t, h, p, m = model.traders, model.households, model.p, model.markets
    price = model.prices[good]
    selling = t.active & (t.good == good)
    open_share = np.where(m.closed_until > model.month, p.closed_market_trade_share, 1.0)
    trader_offer = selling * t.stock * open_share[t.town]
    producers = producer_offers(model, good)
    supply = group_sum(trader_offer, t.town, model.n_towns) + _total_offer(model, producers)

    home_price = price[h.town]
    affordable = h.active * h.won / home_price
    if good == GRAIN:
        shortfall = np.maximum(p.food_buffer_months * h.members * model.monthly_need_kg() - h.food_kg, 0.0)
        wanted = np.minimum(shortfall + p.grain_saving_share * model.spare_cash() / home_price, affordable)
    else:
        worth_to_buyer = p.import_unit_value_kg_grain * model.grain_price_at_home()
        wanted = p.consumer_goods_spend_share * affordable * np.minimum(1.0, worth_to_buyer / home_price)
    demand = group_sum(wanted, h.town, model.n_towns)

    bought = wanted * fill_ratio(demand, supply)[h.town]
    h.won -= np.minimum(bought * home_price, h.won)
    sell_fill = fill_ratio(supply, demand)
    sold = trader_offer * sell_fill[t.town]
    t.stock -= sold
    t.won += sold * price[t.town]
    t.sales_won += sold * price[t.town]
    t.sold_units += sold
    _pay_sellers(model, producers, sell_fill, price)
    if good == GRAIN:
        h.food_kg += bought
    else:
        model.ledger.record("import_units", "consumed", -bought.sum())
    model.tally[f"retail_{GOOD_NAMES[good]}"] += bought.sum()

    all_demand = demand + model.wholesale_orders[good]
    all_supply = supply + model.wholesale_sold[good]
    moved = price * np.exp(excess_demand_step(model, all_demand, all_supply))
    # With nothing at all on offer, the quote rises toward what bringing the good in would cost, if
    # anyone knows a source; if nobody does, there is no quote and the price stays.
    bring_in = model.replacement_cost[good] / (1.0 - p.trader_margin_share) * p.max_markup_over_cost
    nothing_offered = np.where(np.isfinite(bring_in), np.minimum(moved, np.maximum(bring_in, price)), price)
    price[:] = np.where(all_supply <= 0, nothing_offered, moved)
    if good == IMPORTS:
        state_price = p.import_unit_price_yuan * model.won_per_yuan * (1.0 + p.state_import_markup)
        price[:] = np.where(model.geo.border, np.maximum(price, state_price), price)
    model.market_demand[good], model.market_supply[good] = demand, supply


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
    np.add.at(h.won, table.household, draw)
    np.add.at(h.income_informal_won, table.household, draw)
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
