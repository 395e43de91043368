"""Monthly outputs in real-world units (ODD 7.10): one value per indicator per month.

`INDICATORS` names each output with its unit; `measure` computes them all from the world's state and
the month's flows, and changes nothing (measuring twice gives the same values). Counts of agents are
multiplied by the weight, so a 1:100 run and a full-scale run report the same units.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.accounting import holdings
from sim.core.groupby import group_count
from sim.world import GRAIN, IMPORTS, World

INDICATORS: dict[str, str] = {
    "population": "persons",
    "households": "households",
    "market_reliant_persons": "persons in households with a trader or smuggler",
    "market_reliance_share": "share of the population",
    "traders": "traders",
    "traders_women": "traders",
    "women_share_of_traders": "share of traders",
    "traders_with_phone_share": "share of traders",
    "smugglers": "smugglers",
    "markets": "official markets (towns with an open market of at least min_stalls_per_market stalls)",
    "stalls": "stalls in open official markets",
    "grain_price_won_per_kg": "won per kg, household-weighted mean over towns",
    "grain_price_dispersion": "coefficient of variation of grain prices across towns with traders",
    "grain_price_gap_three_cities": "(highest - lowest) / mean grain price in the capital and the two largest "
    "border towns (the three cities of Daily NK's surveys)",
    "import_price_won_per_unit": "won per unit, household-weighted mean over towns",
    "import_price_dispersion": "coefficient of variation of import prices across towns with traders",
    "import_price_border_won": "won per unit, mean over border towns",
    "import_price_interior_won": "won per unit, mean over interior towns",
    "won_per_yuan": "won per yuan",
    "won_per_dollar": "won per US dollar (via the world yuan-dollar rate)",
    "hunger_rate": "share of persons in households eating below the hunger line",
    "starvation_rate": "share of persons in households eating below the starvation line (where famine deaths begin)",
    "famine_deaths": "persons this month",
    "excess_deaths_cumulative": "famine deaths since the start, persons",
    "births": "persons this month",
    "smuggling_volume_yuan": "yuan of goods carried in this month",
    "crossings": "smuggling crossings this month",
    "seizures": "crossings seized this month",
    "remittances_yuan": "yuan sent this month (before broker fees)",
    "remittances_dollar": "US dollars sent this month (before broker fees)",
    "state_exports_dollar": "US dollars of goods the state's trading companies sold abroad this month",
    "fees_to_state_won": "stall fees paid this month, won",
    "bribes_won": "bribes paid to officials this month, won",
    "official_investment_won": "officials' new stakes in traders this month, won",
    "stake_returns_won": "returns traders paid on officials' stakes this month, won",
    "grain_sold_retail_kg": "grain bought by households in markets this month, kg",
    "imports_sold_retail_units": "imported goods bought by households this month, units",
    "grain_wholesale_kg": "grain bought by traders at wholesale this month, kg",
    "imports_wholesale_units": "imported goods bought by traders at wholesale this month, units",
    "fx_traded_yuan": "yuan changed for won on the currency market this month",
    "fx_wanted_yuan": "yuan asked for with won on the currency market this month, at the going rate (the market is "
    "rationed: the smaller side is served)",
    "trader_entries": "traders starting this month",
    "trader_exits": "traders quitting this month",
    "trader_moves": "traders taking their trade to another town this month",
    "smuggler_entries": "smugglers starting this month",
    "smuggler_exits": "smugglers quitting this month",
    "traders_caught": "traders caught in crackdowns this month",
    "towns_raided": "market towns with a crackdown this month (towns, not weighted)",
    "trained_startups": "start-ups from training this month",
    "households_ended": "households that died out this month",
    "informal_income_share": "informal over total household income, last 12 months (the rations' worth formal)",
    "informal_cash_income_share": "the same over cash incomes only: farms' grain and the rations' worth left out",
    "market_income_share": "informal income over it plus pay from official jobs (wages, the farms' distribution "
    "and procurement pay), last 12 months: the surveys' measure, with the rations' worth on neither side",
    "wealth_gini": "Gini coefficient of household worth (won, yuan, dollars, grain), sampled",
    "money_won": "won held by households, traders, smugglers and officials (not the state)",
    "treasury_won": "won in the state's treasury",
    "money_issued_won": "new won the state issued this month",
    "state_revenue_won": "the state's revenue this month: shops, rations, fees, fines, loyalty, trade",
    "state_spending_won": "the state's spending this month: wages and procurement",
    "yuan_held": "yuan held by households and smugglers",
    "dollars_held": "US dollars held by households",
    "foreign_share_of_household_cash": "yuan and dollars over households' won, yuan and dollars (value)",
    "inflation_monthly": "log change of the national grain price this month",
    "expected_inflation_monthly": "households' expected monthly log change of grain prices",
    "wage_in_grain_kg": "kg of grain the monthly state wage buys at the national market price",
    "won_trust": "households' trust in the won (1 before the redenomination)",
    "grain_imports_kg": "grain state trading companies brought in from China this month, kg",
    "carriage_won": "paid to carriers for bringing goods to market this month (yuan at the going rate)",
    "services_won": "spent by households on local services and crafts this month",
}


def _gini(values: np.ndarray) -> float:
    values = np.sort(values)
    total = values.sum()
    if len(values) == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, len(values) + 1)
    return float((2 * (ranks * values).sum() / (len(values) * total)) - (len(values) + 1) / len(values))


def _price_summary(world: World, good: int, traders_in: np.ndarray) -> tuple[float, float]:
    """The national price and the coefficient of variation of prices across towns with traders."""
    traded = world.prices[good][traders_in > 0]
    dispersion = float(traded.std() / traded.mean()) if len(traded) > 1 else 0.0
    return world.national_price(good), dispersion


def _share(part: float, rest: float) -> float:
    """part / (part + rest), or 0 where both are nothing."""
    whole = part + rest
    return part / whole if whole > 0 else 0.0


def _relative_gap(prices: np.ndarray) -> float:
    """(highest - lowest) / mean of a few prices."""
    return float((prices.max() - prices.min()) / prices.mean()) if len(prices) and prices.mean() > 0 else 0.0


@njit(cache=True)
def _household_counts(active, members, trader, smuggler, intake_share, hungry_below, starving_below):
    """Persons in active households; of them, in households with a trader or smuggler; hungry ones; and
    starving ones."""
    persons = reliant = hungry = starving = 0.0
    for i in range(len(active)):  # without branches: their outcomes are random, so mispredicted
        counted = members[i] * active[i]
        persons += counted
        reliant += counted * ((trader[i] >= 0) | (smuggler[i] >= 0))
        hungry += counted * (intake_share[i] < hungry_below)
        starving += counted * (intake_share[i] < starving_below)
    return persons, reliant, hungry, starving


def measure(world: World) -> dict[str, float]:
    """All indicators for the month just simulated."""
    h, t, s, w = world.households, world.traders, world.smugglers, world.weight
    tally, ledger = world.tally, world.ledger
    persons, reliant, hungry, starving = _household_counts(
        active=h.active,
        members=h.members,
        trader=h.trader,
        smuggler=h.smuggler,
        intake_share=h.intake_share,
        hungry_below=world.p.hungry_below_need_share,
        starving_below=world.p.starvation_below_need_share,
    )
    population, reliant = persons * w, reliant * w
    active_traders = t.active
    n_traders = active_traders.sum()

    stalls = world.stalls_per_town()
    grain_traders = group_count(t.town[active_traders & (t.good == GRAIN)], world.n_towns)
    import_traders = group_count(t.town[active_traders & (t.good == IMPORTS)], world.n_towns)
    grain_price, grain_dispersion = _price_summary(world, GRAIN, grain_traders)
    import_price, import_dispersion = _price_summary(world, IMPORTS, import_traders)
    border = world.geo.border

    formal, informal, formal_in_kind, informal_in_kind, rations_worth = np.sum(world.incomes, axis=0)
    # cash is what is left once the in-kind parts are taken out (at least 0: the sums round differently)
    formal_cash, informal_cash = max(formal - formal_in_kind, 0.0), max(informal - informal_in_kind, 0.0)
    from_jobs = max(formal - rations_worth, 0.0)

    sample = world.gini_sample[h.active[world.gini_sample]]
    worth = (
        h.won[sample]
        + (h.yuan[sample] + h.dollars[sample] * world.now.yuan_per_dollar) * world.money.won_per_yuan
        + h.food_kg[sample] * world.prices[GRAIN][h.town[sample]]
    )

    yuan_per_dollar = world.now.yuan_per_dollar
    foreign = (h.yuan.sum() + h.dollars.sum() * yuan_per_dollar) * world.money.won_per_yuan
    return {
        "population": population,
        "households": h.active.sum() * w,
        "market_reliant_persons": reliant,
        "market_reliance_share": reliant / population if population else 0.0,
        "traders": n_traders * w,
        "traders_women": (active_traders & t.woman).sum() * w,
        "women_share_of_traders": (active_traders & t.woman).sum() / n_traders if n_traders else 0.0,
        "traders_with_phone_share": (
            (active_traders & (t.phone_rank < world.trader_phone_share)).sum() / n_traders if n_traders else 0.0
        ),
        "smugglers": s.active.sum() * w,
        "markets": float(world.official_markets(stalls).sum()),
        "stalls": float((stalls * world.market_open()).sum()),  # in open markets
        "grain_price_won_per_kg": grain_price,
        "grain_price_dispersion": grain_dispersion,
        "grain_price_gap_three_cities": _relative_gap(world.prices[GRAIN][world.geo.survey_towns]),
        "import_price_won_per_unit": import_price,
        "import_price_dispersion": import_dispersion,
        "import_price_border_won": float(world.prices[IMPORTS][border].mean()),
        "import_price_interior_won": float(world.prices[IMPORTS][~border].mean()) if (~border).any() else np.nan,
        "won_per_yuan": world.money.won_per_yuan,
        "won_per_dollar": world.money.won_per_yuan * yuan_per_dollar,
        "hunger_rate": hungry / persons if persons else 0.0,
        "starvation_rate": starving / persons if persons else 0.0,
        "famine_deaths": abs(ledger.this_month("persons", "famine_deaths")) * w,
        "excess_deaths_cumulative": abs(ledger.total["persons"]["famine_deaths"]) * w,
        "births": ledger.this_month("persons", "births") * w,
        "smuggling_volume_yuan": tally.smuggled_yuan * w,
        "crossings": tally.crossings * w,
        "seizures": tally.seizures * w,
        "remittances_yuan": tally.remittances_yuan * w,
        "remittances_dollar": tally.remittances_yuan * w / yuan_per_dollar,
        "state_exports_dollar": tally.state_exports_yuan * w / yuan_per_dollar,
        "fees_to_state_won": tally.fees_won * w,
        "bribes_won": tally.bribes_won * w,
        "official_investment_won": tally.official_investment_won * w,
        "stake_returns_won": tally.stake_returns_won * w,
        "grain_sold_retail_kg": tally.retail_grain * w,
        "imports_sold_retail_units": tally.retail_imports * w,
        "grain_wholesale_kg": tally.wholesale_grain * w,
        "imports_wholesale_units": tally.wholesale_imports * w,
        "fx_traded_yuan": tally.fx_traded_yuan * w,
        "fx_wanted_yuan": tally.fx_wanted_yuan * w,
        "trader_entries": tally.trader_entries * w,
        "trader_exits": tally.trader_exits * w,
        "trader_moves": tally.trader_moves * w,
        "smuggler_entries": tally.smuggler_entries * w,
        "smuggler_exits": tally.smuggler_exits * w,
        "traders_caught": tally.traders_caught * w,
        "towns_raided": tally.towns_raided,
        "trained_startups": tally.trained_startups * w,
        "households_ended": tally.households_ended * w,
        "informal_income_share": _share(informal, formal),
        "informal_cash_income_share": _share(informal_cash, formal_cash),
        "market_income_share": _share(informal, from_jobs),
        "wealth_gini": _gini(worth),
        "money_won": (holdings(world, ["won"])["won"] - world.money.treasury_won - world.money.state_trade_won) * w,
        "treasury_won": world.money.treasury_won * w,
        "money_issued_won": tally.money_issued_won * w,
        "state_revenue_won": tally.state_revenue_won * w,
        "state_spending_won": tally.state_spending_won * w,
        "yuan_held": holdings(world, ["yuan"])["yuan"] * w,
        "dollars_held": holdings(world, ["dollars"])["dollars"] * w,
        "foreign_share_of_household_cash": _share(foreign, h.won.sum()),
        "inflation_monthly": world.money.inflation,
        "expected_inflation_monthly": world.money.expected_inflation,
        "wage_in_grain_kg": world.now.wage_won_per_worker_month / grain_price if grain_price > 0 else 0.0,
        "won_trust": world.money.won_trust,
        "grain_imports_kg": ledger.this_month("grain_kg", "legal_imports") * w,
        "carriage_won": tally.carriage_won * w,
        "services_won": tally.services_won * w,
    }


def market_snapshot(world: World) -> dict[str, np.ndarray]:
    """Per-town state for the month: prices, what was asked for and offered, what traders sold and how much
    of it traders from other towns carried in, traders, stalls, whether the market is open and whether it
    counts as an official market (`World.official_markets`)."""
    t = world.traders
    stalls = world.stalls_per_town()
    return {
        "town": np.arange(world.n_towns),
        "border": world.geo.border,
        "distance_to_border": world.geo.y,
        "grain_price_won_per_kg": world.prices[GRAIN].copy(),
        "import_price_won_per_unit": world.prices[IMPORTS].copy(),
        "grain_demand_kg": world.book.demand[GRAIN] * world.weight,
        "grain_supply_kg": world.book.supply[GRAIN] * world.weight,
        "grain_sold_by_traders_kg": world.book.traders_sold[GRAIN] * world.weight,
        "grain_carried_in_kg": world.book.carried_in[GRAIN] * world.weight,
        "traders": group_count(t.town[t.active], world.n_towns) * world.weight,
        "stalls": stalls,
        "market_open": world.market_open(),
        "official_market": world.official_markets(stalls),
    }
