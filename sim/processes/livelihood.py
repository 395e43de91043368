"""Consumption, hunger, mortality and births (ODD 7.7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.groupby import draw_members
from sim.processes.entry_exit import close_businesses

if TYPE_CHECKING:
    from sim.model import JangmadangModel


def eat(model: JangmadangModel) -> None:
    """Eating (ODD 7.7.1): each household eats its month's grain need, or all it has.

    A household whose intake is below `hungry_below_need_share` of need is hungry; the count of
    consecutive hungry months drives famine mortality and the push into trade. Stored grain then
    loses `grain_spoilage_per_month`.
    """
    h, p = model.households, model.p
    need = h.active * h.members * model.monthly_need_kg()
    eaten = np.minimum(need, h.food_kg)
    h.food_kg -= eaten
    with np.errstate(divide="ignore", invalid="ignore"):
        h.intake_share = np.where(need > 0, eaten / need, 1.0)
    hungry = h.active & (h.intake_share < p.hungry_below_need_share)
    h.hungry_months = np.where(hungry, h.hungry_months + 1, 0)
    spoiled = h.food_kg * p.grain_spoilage_per_month
    h.food_kg -= spoiled
    model.ledger.record("grain_kg", "eaten", -eaten.sum())
    model.ledger.record("grain_kg", "spoiled", -spoiled.sum())


def famine_deaths(model: JangmadangModel) -> None:
    """Famine mortality (ODD 7.7.2): members of households hungry for `hunger_months_before_deaths`
    months or more die with monthly probability `famine_death_rate_per_month` x the intake shortfall
    (1 at zero intake, 0 at the hunger line). Only those households are drawn for."""
    h, p = model.households, model.p
    at_risk = np.flatnonzero(h.active & (h.hungry_months >= p.hunger_months_before_deaths))
    if len(at_risk) == 0:
        return
    shortfall = np.clip(1.0 - h.intake_share[at_risk] / p.hungry_below_need_share, 0.0, 1.0)
    deaths = model.rng.binomial(h.members[at_risk], p.famine_death_rate_per_month * shortfall)
    h.members[at_risk] -= deaths.astype(h.members.dtype)
    model.ledger.record("persons", "famine_deaths", -deaths.sum())


def births_and_deaths(model: JangmadangModel) -> None:
    """Population turnover (ODD 7.7.3): births at `birth_rate_per_person_year` to households not in
    hunger, background deaths at `death_rate_per_person_year` to any household, in proportion to members.

    The number of events is drawn for the whole population and only the affected households picked.
    """
    h, p, rng = model.households, model.p, model.rng
    members = h.members * h.active
    fed = members * (h.hungry_months == 0)
    births = draw_members(rng, fed, rng.binomial(int(fed.sum()), p.birth_rate_per_person_year / 12))
    np.add.at(h.members, births, 1)
    dying = draw_members(rng, members, rng.binomial(int(members.sum()), p.death_rate_per_person_year / 12))
    died = np.bincount(dying, minlength=len(h))[: len(h)]
    died = np.minimum(died, h.members)
    h.members -= died.astype(h.members.dtype)
    model.ledger.record("persons", "births", len(births))
    model.ledger.record("persons", "background_deaths", -died.sum())


def dissolve_empty_households(model: JangmadangModel) -> None:
    """Dissolution (ODD 7.7.4): a household with no members left ends, with its trade and smuggling.

    Its cash, yuan and grain, and those of its businesses, are lost to the model (taken by neighbours
    and officials outside the accounts).
    """
    h = model.households
    ended = np.flatnonzero(h.active & (h.members <= 0))
    if len(ended) == 0:
        return
    for table_name, link in (("traders", h.trader[ended]), ("smugglers", h.smuggler[ended])):
        rows = link[link >= 0]
        close_businesses(model, table_name, rows, to_household=False)
    model.ledger.record("won", "estates_lost", -h.won[ended].sum())
    model.ledger.record("yuan", "estates_lost", -h.yuan[ended].sum())
    model.ledger.record("grain_kg", "estates_lost", -h.food_kg[ended].sum())
    h.won[ended] = h.yuan[ended] = h.food_kg[ended] = 0.0
    h.hungry_months[ended] = 0
    h.active[ended] = False
    model.retire("households", ended)
    model.tally["households_ended"] += len(ended)
