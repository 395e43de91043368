"""What a household keeps and what it can spare: the rule the currency market and the grain market share."""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.world import GRAIN, World


def spare_cash_threshold(world: World) -> np.ndarray:
    """Per town: won a member keeps before a household has spare cash, `spare_cash_threshold_months` of
    food needs at local prices."""
    return world.p.spare_cash_threshold_months * world.need_kg() * world.prices[GRAIN]


def spare_cash(world: World) -> np.ndarray:
    """Each household's won beyond its spare-cash threshold (`spare_cash_threshold`)."""
    h = world.households
    spare = np.empty(len(h))
    _spare_cash(
        town=h.town, threshold_won_per_member=spare_cash_threshold(world), members=h.members, won=h.won, spare=spare
    )
    return spare


@njit(cache=True)
def spare_cash_of(won: float, members: int, threshold_won_per_member: float) -> float:
    """A household's won beyond its spare-cash threshold, inside kernels."""
    return max(won - members * threshold_won_per_member, 0.0)


@njit(cache=True)
def _spare_cash(town, threshold_won_per_member, members, won, spare):
    for i in range(len(won)):
        spare[i] = spare_cash_of(won[i], members[i], threshold_won_per_member[town[i]])
