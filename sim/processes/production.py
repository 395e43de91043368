"""Production: the harvest (ODD 7.3)."""

from __future__ import annotations

from numba import njit

from sim.core.groupby import count_where
from sim.processes.money import pay_from_treasury
from sim.world import GRAIN, World


def harvest(world: World) -> None:
    """Harvest (ODD 7.3): a crop year's harvest (`harvest_mt`, the figure in force in `harvest_month`) comes
    in two parts, each shared among farm members: the main season's, 1 - `early_harvest_share` of it, in
    `harvest_month` (October), and the early crops' (winter wheat and barley, spring potatoes), the rest,
    in the next `early_harvest_month` (June).

    A farm household's share of a part is the part, less the `harvest_non_food_share` that goes to seed,
    feed and losses, divided by the real number of farm persons, times its members. The state procures the
    rest of `farm_retention_share` only as far as it still works (the state economy index): a household
    keeps 1 - (1 - farm_retention_share) x index of its share, and never less than the part's share of a
    year of its own grain need (farmers feed themselves first; all of it if less). The state pays the
    procurement price for what it takes (`pay_from_treasury`), and the grain leaves the model's markets
    (the army, state stores). What is kept is grain created, valued at the market price: the official
    distribution (`farm_retention_share` of the share) as formal income, what farmers keep beyond it as
    informal (diverted) income; the procurement pay is formal.
    """
    p, h = world.p, world.households
    calendar_month = world.month % 12 + 1
    if calendar_month == p.harvest_month:
        crop_mt, part = world.now.harvest_mt, 1.0 - p.early_harvest_share
    elif calendar_month == p.early_harvest_month:
        crop_mt = p.harvest_mt.at(world.month - (calendar_month - p.harvest_month) % 12)  # the crop year's
        part = p.early_harvest_share
    else:
        return
    farm_persons_real = count_where(h.members, h.active & h.farm) * world.weight
    if farm_persons_real <= 0 or part <= 0:
        return
    kept_total, procured_total, official_won, diverted_won = _share_harvest(
        town=h.town,
        active=h.active,
        farm=h.farm,
        members=h.members,
        grain_price=world.prices[GRAIN],
        gross_kg_per_member=part * crop_mt * (1.0 - p.harvest_non_food_share) * 1e9 / farm_persons_real,
        year_need_kg_per_member=part * world.need_kg() * 12,
        retention=1.0 - (1.0 - p.farm_retention_share) * world.now.state_economy_index,
        official_share=p.farm_retention_share,
        procurement_price=world.now.procurement_price_won_per_kg,
        food_kg=h.food_kg,
        won=h.won,
        income_formal_won=h.income_formal_won,
        income_informal_won=h.income_informal_won,
    )
    world.ledger.record("grain_kg", "harvest", kept_total)
    world.tally.in_kind_formal_won += official_won
    world.tally.in_kind_informal_won += diverted_won
    pay_from_treasury(world, procured_total * world.now.procurement_price_won_per_kg)


@njit(cache=True)
def _share_harvest(town, active, farm, members, grain_price, gross_kg_per_member, year_need_kg_per_member,
                   retention, official_share, procurement_price, food_kg, won, income_formal_won,
                   income_informal_won):  # fmt: skip
    """`harvest` for every farm household in one pass; returns the grain kept and procured, and the worth of
    the official distribution and of what was kept beyond it."""
    kept_total = procured_total = official_won = diverted_won = 0.0
    for i in range(len(town)):
        farm_members = members[i] * (active[i] & farm[i])
        gross = farm_members * gross_kg_per_member
        kept = min(gross, max(retention * gross, farm_members * year_need_kg_per_member))
        official = min(kept, official_share * gross)
        procured = gross - kept
        food_kg[i] += kept
        won[i] += procured * procurement_price
        official_worth = official * grain_price[town[i]]
        diverted_worth = (kept - official) * grain_price[town[i]]
        income_formal_won[i] += official_worth + procured * procurement_price
        income_informal_won[i] += diverted_worth
        kept_total += kept
        procured_total += procured
        official_won += official_worth
        diverted_won += diverted_worth
    return kept_total, procured_total, official_won, diverted_won
