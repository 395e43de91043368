"""Production: the harvest (ODD 7.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.state import DAYS_PER_MONTH

if TYPE_CHECKING:
    from sim.model import JangmadangModel


def harvest(model: JangmadangModel) -> None:
    """Harvest (ODD 7.3), in `harvest_month` only: the national harvest is shared among farm members.

    Each farm household's share is `harvest_mt` divided by the real number of farm persons, times its
    members. The state procures the rest of `farm_retention_share` only as far as it still works (the
    state economy index): a household keeps 1 - (1 - farm_retention_share) x index of its share, and
    never less than a year of its own grain need (farmers feed themselves first; all of it if the
    share is smaller). Procured grain leaves the model's markets. What is kept is grain created, valued
    at the market price: the official distribution (`farm_retention_share` of the share) as formal
    income, what farmers keep beyond it as informal (diverted) income.
    """
    p, h = model.p, model.households
    if model.month % 12 + 1 != p.harvest_month:
        return
    farm_members = h.members * (h.active & h.farm)
    farm_persons_real = farm_members.sum() * model.weight
    if farm_persons_real <= 0:
        return
    gross_kg = farm_members * (model.now.harvest_mt * 1e9 / farm_persons_real)
    year_need_kg = farm_members * (p.grain_need_kg_per_person_day * DAYS_PER_MONTH * 12)
    retention = 1.0 - (1.0 - p.farm_retention_share) * model.now.state_economy_index
    kept_kg = np.minimum(gross_kg, np.maximum(retention * gross_kg, year_need_kg))
    h.food_kg += kept_kg
    official_kg = np.minimum(kept_kg, p.farm_retention_share * gross_kg)
    price = model.grain_price_at_home()
    h.income_formal_won += official_kg * price
    h.income_informal_won += (kept_kg - official_kg) * price
    model.ledger.record("grain_kg", "harvest", kept_kg.sum())
