"""Worlds built by hand, without a model: a row of towns and households whose columns a test sets."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.accounting import holdings
from sim.core.groupby import SortedGroups
from sim.core.ledger import Ledger
from sim.core.schedule import to_month
from sim.core.streams import RandomStreams
from sim.drivers import Drivers
from sim.initialization import opening_prices
from sim.parameters import Parameters
from sim.space import geography
from sim.world import (
    HOUSEHOLD_COLUMNS,
    MARKET_COLUMNS,
    NOBODY,
    OFFICIAL_COLUMNS,
    SMUGGLER_COLUMNS,
    TRADER_COLUMNS,
    Money,
    World,
    new_table,
)


def hand_built_world(
    households: int = 30, towns: int = 3, month: str = "1995-01", seed: int = 1, **parameters
) -> World:
    """`towns` towns in a row, one cell apart, town 0 on the border; `households` households of 2 members,
    each with one state worker and nothing else, spread evenly over the towns (in town order)."""
    p = Parameters.build(
        households=households, market_towns=towns, grid_width=max(towns, 2), grid_height=2, **parameters
    )
    geo = geography(
        x=np.arange(towns),
        y=np.r_[0, np.ones(towns - 1, int)],
        size=np.ones(towns),
        capital=min(1, towns - 1),
        known_without_phone=p.known_markets_without_phone,
        transport_cost_share_per_cell=p.transport_cost_share_per_cell,
    )
    markets, officials = new_table(MARKET_COLUMNS, towns), new_table(OFFICIAL_COLUMNS, towns)
    markets.add(towns, town=np.arange(towns))
    officials.add(towns, town=np.arange(towns))
    hh = new_table(HOUSEHOLD_COLUMNS, households)
    hh.add(
        households,
        town=np.arange(households) * towns // households,
        members=2,
        state_workers=1,
        intake_share=1.0,
        trader=NOBODY,
        smuggler=NOBODY,
        pds_priority=np.linspace(0, 0.99, households),
    )
    start = to_month(month)
    world = World(
        p=p,
        geo=geo,
        streams=RandomStreams(seed),
        month=start,
        now=Drivers.at(p, start),
        households=hh,
        traders=new_table(TRADER_COLUMNS, 16),
        smugglers=new_table(SMUGGLER_COLUMNS, 16),
        officials=officials,
        markets=markets,
        prices=opening_prices(p, geo),
        money=Money.opening(p),
        ledger=Ledger({}),
        home_towns=SortedGroups(hh.town, towns),
        gini_sample=np.arange(households),
    )
    world.ledger = Ledger(holdings(world))
    return world


def set_drivers(world: World, **values: float) -> None:
    """Change this month's driver values (a market tolerance is then the tolerance, with no hunger to add)."""
    world.now = replace(world.now, **values)
    if "market_tolerance" in values:
        world.tolerance = values["market_tolerance"]


def everyone_in_town(world: World, town=1, **columns) -> None:
    """Move the households to `town` (a town each, if an array) and give them the same state."""
    h = world.households
    h.town = town
    world.home_towns = SortedGroups(h.town, world.n_towns)  # households never move in a run; here they do
    world.count_residents()
    for name, value in columns.items():
        setattr(h, name, value)
    world.ledger = Ledger(holdings(world))
