"""The world at the start of a run (ODD 5: initialization).

Towns are placed, households spread over them, officials appointed one per town; there are no traders
or smugglers yet. Prices open at the early-1990s level.
"""

from __future__ import annotations

import numpy as np

from sim.accounting import holdings
from sim.core.groupby import SortedGroups
from sim.core.ledger import Ledger
from sim.core.schedule import to_month
from sim.core.streams import RandomStreams
from sim.drivers import Drivers
from sim.parameters import Parameters
from sim.space import Geography, place_towns
from sim.world import (
    DAYS_PER_MONTH,
    GOODS,
    GRAIN,
    HOUSEHOLD_COLUMNS,
    IMPORTS,
    MARKET_COLUMNS,
    NOBODY,
    OFFICIAL_COLUMNS,
    SMUGGLER_COLUMNS,
    TRADER_COLUMNS,
    Money,
    World,
    new_table,
)

GINI_SAMPLE = 20_000  # households whose worth measures inequality


def opening_prices(p: Parameters, geo: Geography) -> np.ndarray:
    """Grain at the early-1990s market price everywhere; imported goods at their cost in won plus the
    traders' margin, dearer with distance from the border."""
    border_towns = np.flatnonzero(geo.border)
    to_border = geo.distance[:, border_towns].min(axis=1)
    import_cost = p.import_unit_price_yuan * p.initial_won_per_yuan / (1.0 - p.trader_margin_share)
    prices = np.empty((len(GOODS), p.market_towns))
    prices[GRAIN] = p.initial_grain_price_won_per_kg
    prices[IMPORTS] = import_cost * (1.0 + p.transport_cost_share_per_cell * to_border)
    return prices


def populate_households(world: World, rng: np.random.Generator) -> None:
    """Households are spread over towns by town size and sorted by town; small towns are more rural.

    Members are 1 + Poisson; non-farm households have one state worker; farm households hold grain
    until the next harvest; everyone holds `initial_cash_months_of_wage` months of wages, lognormal.
    """
    p, geo, n = world.p, world.geo, world.p.households
    town = np.sort(rng.choice(p.market_towns, size=n, p=geo.size_weight)).astype(np.int16)
    rurality = 1.0 / np.sqrt(geo.size_weight)
    farm_prob = rurality * p.farm_household_share / (rurality * geo.size_weight).sum()
    farm = rng.random(n) < np.minimum(farm_prob, 0.95)[town]
    members = 1 + rng.poisson(p.persons_per_household - 1.0, n)
    need = members * p.grain_need_kg_per_person_day * DAYS_PER_MONTH
    months_to_harvest = (p.harvest_month - 1 - world.month % 12) % 12
    wage = world.now.wage_won_per_worker_month
    priority = rng.random(n) * np.where(town == geo.capital, 0.2, 1.0)
    world.households.add(
        n,
        town=town,
        farm=farm,
        members=members,
        state_workers=~farm,
        free_woman=(members >= 2) & (rng.random(n) < p.free_woman_share),
        pds_priority=priority,
        side_work_rank=rng.random(n),
        food_kg=need * np.where(farm, months_to_harvest + 1.0, rng.uniform(0.5, 1.5, n)),
        won=wage * p.initial_cash_months_of_wage * rng.lognormal(0.0, 0.8, n),
        intake_share=1.0,
        # farm households are paid in kind at harvest: their usual month is a twelfth of a year's grain
        usual_formal_income_won=np.where(farm, need * p.initial_grain_price_won_per_kg, wage),
        trader=NOBODY,
        smuggler=NOBODY,
    )
    world.home_towns = SortedGroups(world.households.town, p.market_towns)
    world.count_residents()


def build_world(p: Parameters, seed: int) -> World:
    """The world of a run with parameters `p` and random streams seeded by `seed`."""
    streams = RandomStreams(seed)
    month = to_month(p.start)
    rng = streams.generator("initialization", month)
    geo = place_towns(
        rng,
        p.grid_width,
        p.grid_height,
        p.market_towns,
        p.border_town_share,
        p.known_markets_without_phone,
        p.transport_cost_share_per_cell,
    )
    markets = new_table(MARKET_COLUMNS, p.market_towns)
    markets.add(p.market_towns, town=np.arange(p.market_towns))
    officials = new_table(OFFICIAL_COLUMNS, p.market_towns)
    officials.add(p.market_towns, town=np.arange(p.market_towns))
    world = World(
        p=p,
        geo=geo,
        streams=streams,
        month=month,
        now=Drivers.at(p, month),
        households=new_table(HOUSEHOLD_COLUMNS, p.households),
        traders=new_table(TRADER_COLUMNS, max(16, p.households // 8)),
        smugglers=new_table(SMUGGLER_COLUMNS, max(16, p.households // 100)),
        officials=officials,
        markets=markets,
        prices=opening_prices(p, geo),
        money=Money.opening(p),
        ledger=Ledger({}),  # opened below, once the households are in
        home_towns=SortedGroups(np.zeros(0, np.int16), p.market_towns),
        gini_sample=np.zeros(0, np.int64),
    )
    populate_households(world, rng)
    world.gini_sample = np.sort(rng.permutation(p.households)[: min(p.households, GINI_SAMPLE)])
    world.ledger = Ledger(holdings(world))
    return world
