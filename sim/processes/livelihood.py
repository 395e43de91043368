"""Consumption, hunger, mortality and births (ODD 7.8)."""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.core import fmath
from sim.core.groupby import count_where, draw_members, scatter_add
from sim.processes.entry_exit import close_smugglers, close_traders
from sim.world import World


def eat(world: World) -> None:
    """Eating (ODD 7.8.1): each household eats its month's grain need, or all it has.

    A household whose intake is below `hungry_below_need_share` of need is hungry; the count of
    consecutive hungry months drives famine mortality and the push into trade, and the share of hungry
    persons the state's tolerance of markets (`read_drivers`). Stored grain then loses
    `grain_spoilage_per_month`.
    """
    h, p = world.households, world.p
    eaten, spoiled = _eat(
        active=h.active,
        members=h.members,
        need_kg_per_member=world.need_kg(),
        hungry_share=p.hungry_below_need_share,
        spoilage_share=p.grain_spoilage_per_month,
        food_kg=h.food_kg,
        intake_share=h.intake_share,
        hungry_months=h.hungry_months,
    )
    persons = count_where(h.members, h.active)
    hungry = count_where(h.members, h.active & (h.intake_share < p.hungry_below_need_share))
    world.hunger_share = hungry / max(persons, 1)
    world.ledger.record("grain_kg", "eaten", -eaten)
    world.ledger.record("grain_kg", "spoiled", -spoiled)


@njit(cache=True)
def _eat(active, members, need_kg_per_member, hungry_share, spoilage_share, food_kg, intake_share, hungry_months):
    """`eat` for every household; returns the grain eaten and spoiled.

    Two loops: the intake (with its division) and the totals (with their running sums) are each fast,
    but several times slower fused, as the compiler cannot then vectorize either.
    """
    for i in range(len(active)):  # few branches: hunger is patchy, and mispredicted branches are slow
        need = need_kg_per_member * members[i] * active[i]
        intake_share[i] = min(need, food_kg[i]) / need if need > 0.0 else 1.0
        hungry_months[i] = (hungry_months[i] + 1) * (active[i] & (intake_share[i] < hungry_share))
    eaten_total = spoiled_total = 0.0
    for i in range(len(active)):
        eaten = min(need_kg_per_member * members[i] * active[i], food_kg[i])
        spoiled = (food_kg[i] - eaten) * spoilage_share
        food_kg[i] -= eaten + spoiled
        eaten_total += eaten
        spoiled_total += spoiled
    return eaten_total, spoiled_total


def famine_deaths(world: World) -> None:
    """Famine mortality (ODD 7.8.2): members of households hungry for `hunger_months_before_deaths`
    months or more die with monthly probability `famine_death_rate_per_month` x (how far their intake falls
    below the starvation line, `starvation_below_need_share` of need: 1 at zero intake, 0 at the line)
    raised to `famine_death_shortfall_exponent`.

    Hunger (below `hungry_below_need_share`) and starvation are not the same: chronic undernourishment was
    widespread after 2000 without the mass deaths of the 1990s (FACTS: none documented for 2001-2020). The
    risk rises steeply with the depth of the shortfall, as the risk of dying rises with the severity of
    wasting: those with no grain at all die far more often than those with a little. Intake is grain
    only (vegetables, potatoes and wild food are not in the model), so no grain is not no food.
    Only the households at risk are drawn for."""
    h, p = world.households, world.p
    at_risk = np.flatnonzero(h.hungry_months >= p.hunger_months_before_deaths)  # few: filter them only
    at_risk = at_risk[h.active[at_risk]]
    if len(at_risk) == 0:
        return
    shortfall = np.clip(1.0 - h.intake_share[at_risk] / p.starvation_below_need_share, 0.0, 1.0)
    risk = p.famine_death_rate_per_month * fmath.power(shortfall, p.famine_death_shortfall_exponent)
    deaths = world.rng("famine_deaths").binomial(h.members[at_risk], risk)
    h.members[at_risk] -= deaths.astype(h.members.dtype)
    world.ledger.record("persons", "famine_deaths", -deaths.sum())


def births_and_deaths(world: World) -> None:
    """Population turnover (ODD 7.8.3): births at `birth_rate_per_person_year` to households not starving
    (intake at least `starvation_below_need_share` of need: the famine cut births, chronic undernourishment
    did not stop the population's growth), background deaths at `death_rate_per_person_year` to any
    household, in proportion to members.

    The number of events is drawn for the whole population and only the affected households picked.
    """
    h, p, rng = world.households, world.p, world.rng("births_and_deaths")
    fed, everyone = np.empty(len(h)), np.empty(len(h))
    _cumulative_members(active=h.active, members=h.members, intake_share=h.intake_share,
                        starving_below=p.starvation_below_need_share, fed=fed, everyone=everyone)  # fmt: skip
    births = draw_members(rng, fed, rng.binomial(int(fed[-1]), p.birth_rate_per_person_year / 12))
    scatter_add(h.members, births, np.ones(len(births), dtype=h.members.dtype))
    dying = draw_members(rng, everyone, rng.binomial(int(everyone[-1]), p.death_rate_per_person_year / 12))
    rows, deaths = np.unique(dying, return_counts=True)
    died = np.minimum(deaths, h.members[rows])  # a household cannot lose more members than it has
    h.members[rows] -= died.astype(h.members.dtype)
    world.ledger.record("persons", "births", len(births))
    world.ledger.record("persons", "background_deaths", -died.sum())


@njit(cache=True)
def _cumulative_members(active, members, intake_share, starving_below, fed, everyone):
    """Running totals of the members of households not starving and of all households (active ones only)."""
    fed_total = everyone_total = 0.0
    for i in range(len(active)):
        counted = members[i] * active[i]
        everyone_total += counted
        fed_total += counted * (intake_share[i] >= starving_below)
        fed[i], everyone[i] = fed_total, everyone_total


def dissolve_empty_households(world: World) -> None:
    """Dissolution (ODD 7.8.4): a household with no members left ends, with its trade and smuggling.

    Its won, yuan, dollars and grain, and those of its businesses, are lost to the model (taken by neighbours
    and officials outside the accounts).
    """
    h = world.households
    ended = np.flatnonzero(h.members <= 0)  # few: filter them only
    ended = ended[h.active[ended]]
    if len(ended) == 0:
        return
    traders, smugglers = h.trader[ended], h.smuggler[ended]
    close_traders(world, traders[traders >= 0], to_household=False)
    close_smugglers(world, smugglers[smugglers >= 0], to_household=False)
    world.ledger.record("won", "estates_lost", -h.won[ended].sum())
    world.ledger.record("yuan", "estates_lost", -h.yuan[ended].sum())
    world.ledger.record("dollars", "estates_lost", -h.dollars[ended].sum())
    world.ledger.record("grain_kg", "estates_lost", -h.food_kg[ended].sum())
    h.won[ended] = h.yuan[ended] = h.dollars[ended] = h.food_kg[ended] = 0.0
    h.hungry_months[ended] = 0
    h.active[ended] = False
    world.count_residents()
    world.tally.households_ended += len(ended)
