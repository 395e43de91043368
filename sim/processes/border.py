"""The border: remittances, legal imports and smuggling (ODD 7.5)."""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.core import fmath
from sim.core.groupby import count_where, group_sum, happens
from sim.processes.money import share_in_town
from sim.processes.trade import state_company_price
from sim.world import GRAIN, IMPORTS, World


def border_passage(world: World) -> float:
    """Share of legal trade and remittances that gets through the border this month.

    Enforcement bites hardest near closure: the blocked share is `border_block_at_closure` times
    enforcement to the power `border_block_exponent`.
    """
    p = world.p
    return 1.0 - p.border_block_at_closure * fmath.power(world.now.border_enforcement, p.border_block_exponent)


def smuggled_unit_cost_yuan(world: World) -> float:
    """Chinese cost of one unit of smuggled goods: world price plus the sanctions premium."""
    p = world.p
    return p.import_unit_price_yuan * (1.0 + p.sanctions_import_premium * world.now.sanctions)


def seizure_risk(world: World) -> float:
    """Chance a crossing is seized without a bribe: `base_seizure_prob` x enforcement x
    (1 + `sanctions_risk_multiplier` x sanctions), at most 0.95."""
    p, now = world.p, world.now
    return min(
        p.base_seizure_prob * now.border_enforcement * (1.0 + p.sanctions_risk_multiplier * now.sanctions),
        0.95,
    )


def smuggling_margin(world: World) -> np.ndarray:
    """Per town: wholesale price of imported goods over their smuggled cost in won."""
    return world.wholesale_prices(IMPORTS) / (smuggled_unit_cost_yuan(world) * world.money.won_per_yuan)


def deliver_remittances(world: World) -> None:
    """Remittances (ODD 7.5.1): defectors abroad send yuan home through brokers.

    The number of receiving families follows the defectors abroad times the share who send; new
    families are drawn with a preference for towns near the border, where defectors come from. Each
    family receives `remittance_yuan_per_sender_year` / 12 times the border passage, less the broker's
    `broker_fee_share`, which goes to the smugglers working as brokers (or stays abroad if there are none).
    """
    h, now, rng = world.households, world.now, world.rng("deliver_remittances")
    wanted = round(now.defectors_abroad * now.remitter_share / world.weight)
    families = h.remittance_family & h.active
    change = wanted - int(families.sum())
    if change > 0:
        h.remittance_family[np.unique(_draw_near_border(world, change, rng))] = True
    elif change < 0:
        h.remittance_family[rng.choice(np.flatnonzero(families), -change, replace=False)] = False
    families = h.remittance_family & h.active
    if not families.any():
        return
    gross = now.remittance_yuan_per_sender_year / 12.0 * border_passage(world)
    net = gross * (1.0 - now.broker_fee_share)
    _pay_families(
        family=families,
        yuan=h.yuan,
        income_informal_won=h.income_informal_won,
        net_yuan=net,
        net_won=net * world.money.won_per_yuan,
    )
    brokers = world.smugglers.active & (world.smugglers.arrested_until <= world.month)
    fee_total = families.sum() * (gross - net) if brokers.any() else 0.0
    world.smugglers.yuan += brokers * (fee_total / max(brokers.sum(), 1))
    world.ledger.record("yuan", "remittances", families.sum() * net + fee_total)
    world.tally.remittances_yuan += families.sum() * gross


def _draw_near_border(world: World, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` draws, with replacement, of active households not yet receiving remittances, each with weight
    1 / (1 + rows from the border / 5).

    By rejection: households drawn uniformly are kept with their weight (at most 1), so only a few times
    `count` households are looked at, not all. Gives fewer draws only if hardly any household is eligible.
    """
    h = world.households
    nearness = 1.0 / (1.0 + world.geo.y / 5.0)
    kept: list[np.ndarray] = []
    wanted = count
    for _ in range(MAX_DRAW_ROUNDS):
        tries = rng.integers(0, len(h), 8 * wanted)
        eligible = h.active[tries] & ~h.remittance_family[tries]
        chosen = tries[eligible & (rng.random(len(tries)) < nearness[h.town[tries]])][:wanted]
        kept.append(chosen)
        wanted -= len(chosen)
        if wanted <= 0:
            break
    return np.concatenate(kept)


MAX_DRAW_ROUNDS = 20  # each keeps about a third of its tries while most households are eligible


@njit(cache=True)
def _pay_families(family, yuan, income_informal_won, net_yuan, net_won):
    for i in range(len(family)):
        yuan[i] += family[i] * net_yuan
        income_informal_won[i] += family[i] * net_won


def export_state_goods(world: World) -> None:
    """State exports (ODD 7.5.2): the state's trading companies sell coal, ores, seafood and textiles abroad.

    What they sell is `state_exports_usd_per_year` (the country's, at the world cross rate, per model
    household's weight), cut by sanctions (x (1 - `sanctions_export_cut` x sanctions)) and by the border
    passage. The earnings join what buyers paid the companies in foreign cash: they pay for the goods the
    companies import for the markets, and the rest buys imports for the state's own use, outside the
    model's markets (`exchange_currency`). The goods are made by state enterprises, whose wages are in the
    state's budget already.
    """
    p, now = world.p, world.now
    sold_abroad_yuan = (
        now.state_exports_usd_per_year * now.yuan_per_dollar / 12.0 / world.weight
        * (1.0 - p.sanctions_export_cut * now.sanctions) * border_passage(world)
    )  # fmt: skip
    world.money.state_trade_yuan += sold_abroad_yuan
    world.ledger.record("yuan", "state_exports", sold_abroad_yuan)
    world.tally.state_exports_yuan += sold_abroad_yuan


def import_legally(world: World) -> None:
    """Legal imports (ODD 7.5.2): state trading companies keep border markets stocked with Chinese goods,
    and bring in Chinese grain where it pays.

    Consumer goods: their capacity is `legal_import_yuan_per_household_month` per household. Grain: where
    a border town's wholesale grain price is above its landed cost (`china_grain_price_yuan_per_kg` at the
    going exchange rate) plus `state_import_markup`, up to `grain_import_kg_per_person_month` per person.
    Both are cut by sanctions (`sanctions_legal_trade_cut`) and by the border passage, and shared equally
    among border towns. Each month they import what was sold from their stock, up to capacity: they import
    what sells.
    """
    p, now, m, h = world.p, world.now, world.markets, world.households
    border = world.geo.border
    let_through = (1.0 - p.sanctions_legal_trade_cut * now.sanctions) * border_passage(world) / border.sum()
    goods_capacity = p.legal_import_yuan_per_household_month * h.n_active / p.import_unit_price_yuan
    units = np.maximum(border * goods_capacity * let_through - m.state_imports, 0.0)
    m.state_imports += units
    world.ledger.record("import_units", "legal_imports", units.sum())

    pays = border & (world.wholesale_prices(GRAIN) > state_company_price(world, GRAIN))
    persons = count_where(h.members, h.active)
    grain_capacity = p.grain_import_kg_per_person_month * persons
    grain = np.maximum(pays * grain_capacity * let_through - m.state_grain_kg, 0.0)
    m.state_grain_kg += grain
    world.ledger.record("grain_kg", "legal_imports", grain.sum())


def smuggle(world: World) -> None:
    """Smuggling (ODD 7.5.3): free smugglers cross when the expected margin beats the risk of seizure.

    A crossing sells up to `export_value_yuan_per_trip` of goods in China (cut by sanctions), bought
    beforehand from households of the smuggler's town (seafood, herbs, scrap) at `export_cost_ratio` of
    their yuan value in won, as far as the smuggler's cash allows; it buys up to
    `smuggler_trip_load_yuan` of Chinese goods at world price plus the sanctions premium. The border
    guard (the town's official) is paid `smuggler_bribe_share_of_load` of the load when the smuggler
    can pay, which cuts the seizure risk (`seizure_risk`) by `bribe_protection`. A smuggler
    crosses only if (1 - risk) x (border wholesale price / cost in won) > 1, only once it has sold the
    goods of its last trip (less than a trip's load left in stock), and only with something to trade.
    A seizure takes the load and arrests the smuggler for `arrest_months`; some give up.
    """
    s, p, now, rng = world.smugglers, world.p, world.now, world.rng("smuggle")
    free = s.active & (s.arrested_until <= world.month) & ~s.closing
    if not free.any():
        return
    unit_cost_yuan = smuggled_unit_cost_yuan(world)
    load_yuan = np.minimum(s.yuan, p.smuggler_trip_load_yuan)
    bribe_won = p.smuggler_bribe_share_of_load * p.smuggler_trip_load_yuan * world.money.won_per_yuan
    bribing = s.won >= bribe_won
    risk = seizure_risk(world) * (1.0 - p.bribe_protection * bribing)
    sold_last_trip = s.stock < p.smuggler_trip_load_yuan / unit_cost_yuan
    has_cargo = (load_yuan > 0) | (s.won > 0)  # yuan to buy with, or won to buy goods to sell in China
    crossing = free & sold_last_trip & has_cargo & ((1.0 - risk) * smuggling_margin(world)[s.town] > 1.0)
    if not crossing.any():
        return

    paid_bribe = crossing * bribing * bribe_won
    s.won -= paid_bribe
    world.officials.won += group_sum(paid_bribe, s.town, world.n_towns)
    world.tally.bribes_won += paid_bribe.sum()

    export_cost_won = p.export_cost_ratio * world.money.won_per_yuan
    exports_yuan = crossing * np.minimum(
        p.export_value_yuan_per_trip * (1.0 - p.sanctions_export_cut * now.sanctions), s.won / export_cost_won
    )
    s.won -= exports_yuan * export_cost_won
    share_in_town(world, group_sum(exports_yuan * export_cost_won, s.town, world.n_towns))
    spent_yuan = crossing * load_yuan
    units = spent_yuan / unit_cost_yuan
    seized = happens(rng, crossing, risk)
    s.yuan += exports_yuan - spent_yuan
    s.stock += units * ~seized
    s.arrested_until = np.where(seized, world.month + p.arrest_months, s.arrested_until)
    s.closing |= happens(rng, seized, p.arrest_exit_prob)

    world.ledger.record("yuan", "exports", exports_yuan.sum())
    world.ledger.record("yuan", "imports_paid", -spent_yuan.sum())
    world.ledger.record("import_units", "smuggled_in", units.sum())
    world.ledger.record("import_units", "seized", -(units * seized).sum())
    world.tally.smuggled_yuan += spent_yuan.sum()
    world.tally.crossings += crossing.sum()
    world.tally.seizures += seized.sum()
