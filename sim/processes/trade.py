"""Sourcing, trading and price formation (ODD 7.5).

Each good has one retail price per market town. Traders buy wholesale at the retail price less their
margin, from farmers (grain), smugglers and state trading companies (imported goods), in their own
town or wherever they know the delivered price is lowest; households buy retail from the traders of
their town; prices then move with each town's excess demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.groupby import fill_ratio, group_count, group_sum
from sim.state import GOOD_NAMES, GRAIN, IMPORTS

if TYPE_CHECKING:
    from sim.core.table import AgentTable
    from sim.model import JangmadangModel


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
    model.households.income_formal_won = 0.0
    model.households.income_informal_won = 0.0
    model.traders.worth_at_start_won = trader_worth(model)
    model.traders.sold_units_last_month = model.traders.sold_units
    model.traders.sold_units = 0.0
    model.traders.sales_won = 0.0
    model.traders.bought_won = 0.0
    model.traders.bribe_paid = False
    model.smugglers.worth_at_start_won = smuggler_worth(model)


def _wholesale_offers(model: JangmadangModel, good: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Who sells `good` wholesale: (seller table, amount offered per row, town per row)."""
    p, h = model.p, model.households
    if good == GRAIN:
        # Farmers keep what feeds them until the next harvest, plus a buffer, and offer the rest.
        months_left = (p.harvest_month - 1 - model.month % 12) % 12 or 12
        reserve = h.members * model.monthly_need_kg() * (months_left + p.food_buffer_months)
        offer = (h.active & h.farm) * np.maximum(h.food_kg - reserve, 0.0)
        return [("households", offer, h.town)]
    s, m = model.smugglers, model.markets
    return [("smugglers", s.active * s.stock, s.town), ("markets", m.state_stock.copy(), np.arange(len(m)))]


def _best_sources(
    model: JangmadangModel, price: np.ndarray, has_supply: np.ndarray
) -> tuple[np.ndarray, ...]:
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

    A trader with a phone knows every market's price; without one, only the nearest markets and the
    nearest border market. A trader that sold out (or has not sold yet) buys for `restock_share` of its
    cash; one with stock left restocks only to `inventory_months` of last month's sales. At each source
    town the smaller of demand and supply is traded, the larger side served pro rata. Sellers receive the
    source's wholesale price; the transport part of the delivered price is paid out of the model
    (carriers' fuel and fees). Farmers' sales count as informal income; state trading companies keep
    their revenue to buy yuan for the next imports.
    """
    t, p = model.traders, model.p
    price = model.wholesale_prices(good)
    offers = _wholesale_offers(model, good)
    supply = sum(group_sum(offer, town, model.n_towns) for _, offer, town in offers)
    best_phone, best_local, delivered = _best_sources(model, price, supply > 0)
    model.replacement_cost[good] = np.where(
        best_local >= 0, delivered[np.arange(model.n_towns), np.maximum(best_local, 0)], np.inf
    )

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

    sell_fill = fill_ratio(supply, demand)
    for table_name, offer, town in offers:
        sold = offer * sell_fill[town]
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
    model.tally[f"wholesale_{GOOD_NAMES[good]}"] += bought.sum()


def sell_retail(model: JangmadangModel, good: int) -> None:
    """Retail trade and price formation (ODD 7.5.2): households buy `good` from their town's traders.

    Grain: a household wants enough to hold `food_buffer_months` of its need, and puts
    `grain_saving_share` of its spare cash into stored grain (grain is a store of value when money is
    not); it spends up to all its cash on grain. Imported goods: it spends `consumer_goods_spend_share`
    of the cash left. A closed official market keeps `closed_market_trade_share` of its trade. The
    smaller side of each town's market is served in full, the larger pro rata. Bought grain goes to the
    household's store; imported goods are consumed. The price then moves by `price_adjustment_rate` x
    log(demand / supply), capped at `max_price_change_per_month`. Where traders have no stock to meet
    demand, it moves toward the replacement cost (the cheapest delivered wholesale price known without a
    phone, plus the margin); with no source known there is no quote and it stays. Where stock meets no
    demand it falls by the cap.
    """
    t, h, p, m = model.traders, model.households, model.p, model.markets
    price = model.prices[good]
    selling = t.active & (t.good == good)
    open_share = np.where(m.closed_until > model.month, p.closed_market_trade_share, 1.0)
    offer = selling * t.stock * open_share[t.town]
    supply = group_sum(offer, t.town, model.n_towns)

    home_price = price[h.town]
    affordable = h.active * h.won / home_price
    if good == GRAIN:
        shortfall = np.maximum(p.food_buffer_months * h.members * model.monthly_need_kg() - h.food_kg, 0.0)
        wanted = np.minimum(shortfall + p.grain_saving_share * model.spare_cash() / home_price, affordable)
    else:
        wanted = p.consumer_goods_spend_share * affordable
    demand = group_sum(wanted, h.town, model.n_towns)

    bought = wanted * fill_ratio(demand, supply)[h.town]
    h.won -= np.minimum(bought * home_price, h.won)
    sold = offer * fill_ratio(supply, demand)[t.town]
    t.stock -= sold
    t.won += sold * price[t.town]
    t.sales_won += sold * price[t.town]
    t.sold_units += sold
    if good == GRAIN:
        h.food_kg += bought
    else:
        model.ledger.record("import_units", "consumed", -bought.sum())
    model.tally[f"retail_{GOOD_NAMES[good]}"] += bought.sum()
    model.tally[f"retail_{GOOD_NAMES[good]}_won"] += (sold * price[t.town]).sum()

    traders_present = group_count(t.town[selling], model.n_towns) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        step = (
            np.clip(p.price_adjustment_rate * np.log(demand / supply), -1.0, 1.0)
            * p.max_price_change_per_month
        )
    step = np.where((supply > 0) & (demand > 0), step, 0.0)
    with np.errstate(divide="ignore"):
        toward_cost = np.log(model.replacement_cost[good] / (1.0 - p.trader_margin_share) / price)
    toward_cost = np.clip(np.nan_to_num(toward_cost, posinf=0.0), -1.0, 1.0) * p.max_price_change_per_month
    step = np.where((supply <= 0) & (demand > 0) & traders_present, toward_cost, step)
    step = np.where((demand <= 0) & (supply > 0), -p.max_price_change_per_month, step)
    price *= np.exp(step)
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
