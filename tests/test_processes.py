"""Each process's rule, checked on a world built by hand (no model): arrays set by hand, then one process runs."""

import math
from dataclasses import replace

import numpy as np
import pytest
from conftest import small_model
from worlds import everyone_in_town, hand_built_world, set_drivers

import sim.model
from sim import Parameters
from sim.accounting import check_accounts, holdings
from sim.core.groupby import SortedGroups
from sim.core.schedule import to_month
from sim.indicators import market_snapshot, measure
from sim.parameters import ParameterError
from sim.processes.books import close_books, open_books
from sim.processes.border import (
    _draw_near_border,
    deliver_remittances,
    export_state_goods,
    import_legally,
    smuggle,
)
from sim.processes.enforcement import collect_stall_fees, crack_down, invest_official_funds, take_bribes
from sim.processes.entry_exit import (
    enter_smuggling,
    enter_trade,
    exit_trade,
    move_to_dearer_markets,
    put_savings_into_trade,
    start_trading,
    start_trained_businesses,
    take_stalls,
)
from sim.processes.livelihood import births_and_deaths, dissolve_empty_households, eat, famine_deaths
from sim.processes.money import (
    exchange_currency,
    foreign_share_of_savings,
    form_expectations,
    redenominate_currency,
    share_in_town,
    spend_state_budget,
    won_kept_per_member,
)
from sim.processes.production import harvest
from sim.processes.state import (
    deliver_food_aid,
    distribute_rations,
    pay_wages,
    read_drivers,
    sell_in_state_shops,
)
from sim.processes.trade import (
    buy_local_services,
    excess_demand_step,
    fill_empty_sides,
    markets_to_sell_in,
    pay_carriers,
    sell_retail,
    settle_accounts,
    source_wholesale,
)
from sim.world import DAYS_PER_MONTH, GRAIN, IMPORTS


@pytest.fixture
def world():
    return hand_built_world()


def add_traders(world, homes, good=GRAIN, **columns):
    start_trading(world, np.asarray(homes), world.rng("test"))
    t = world.traders
    rows = t.household.tolist()
    t.good = good
    for name, value in columns.items():
        setattr(t, name, value)
    return rows


def add_smugglers(world, count, town=0, **columns):
    rows = world.smugglers.add(count, household=0, town=town, **columns)
    return rows


def test_rations_reach_the_front_of_the_queue(world):
    everyone_in_town(world, farm=False, members=4, food_kg=0.0, won=1_000.0)
    h = world.households
    h.pds_priority = np.linspace(0.0, 0.99, len(h))
    set_drivers(world, pds_coverage=0.5, ration_g_per_person_day=500.0)
    distribute_rations(world)
    served = h.pds_priority < 0.5
    assert np.allclose(h.food_kg[served], 4 * 0.5 * DAYS_PER_MONTH)
    assert np.all(h.food_kg[~served] == 0.0)


def test_rations_are_not_bought_where_the_market_sells_grain_for_less(world):
    spread = world.households.town.copy()  # a third of the households in each town
    everyone_in_town(world, town=spread, farm=False, members=2, food_kg=0.0, won=1_000.0, pds_priority=0.0)
    h, price = world.households, world.prices[GRAIN]
    price[:] = 40.0
    price[0] = 10.0  # in town 0 the state's 20 won/kg is dearer than the market's grain
    set_drivers(world, pds_coverage=1.0, ration_g_per_person_day=500.0, state_grain_price_won_per_kg=20.0)
    distribute_rations(world)
    in_town_0 = h.town == 0
    assert (h.food_kg[in_town_0] == 0.0).all() and (h.won[in_town_0] == 1_000.0).all()
    assert np.allclose(h.food_kg[~in_town_0], 2 * 0.5 * DAYS_PER_MONTH)
    assert world.money.treasury_won == pytest.approx(20.0 * h.food_kg.sum())
    check_accounts(world)


@pytest.mark.parametrize("farm", [True, False])
def test_a_ration_cut_lowers_food_intake(farm):
    intake = {}
    for ration in (600.0, 200.0):
        world = hand_built_world()
        everyone_in_town(world, farm=farm, members=3, food_kg=0.0, pds_priority=0.0, won=1_000.0)
        set_drivers(world, pds_coverage=1.0, ration_g_per_person_day=ration)
        distribute_rations(world)
        eat(world)
        intake[ration] = world.households.intake_share.mean()
    if farm:  # farm households are fed from the harvest, not rations
        assert intake[600.0] == intake[200.0] == 0.0
    else:
        assert intake[200.0] < intake[600.0] and intake[200.0] == pytest.approx(200 / 500, rel=1e-5)


def test_wages_come_from_the_treasury_and_what_it_lacks_is_issued(world):
    n = len(world.households)
    world.money.treasury_won = 10.0 * n
    everyone_in_town(world, won=0.0, farm=False, state_workers=1)
    set_drivers(world, wage_won_per_worker_month=100.0, state_economy_index=0.25)
    pay_wages(world)
    assert np.allclose(world.households.won, 25.0)
    assert world.money.treasury_won == 0.0
    assert world.ledger.this_month("won", "money_issued") == pytest.approx(15.0 * n)
    check_accounts(world)


def test_the_state_pays_wages_out_of_the_months_shop_takings_and_prints_only_what_they_lack(monkeypatch):
    """In a model's month the shops' takings are in the treasury when wages are paid: the state prints the
    wage bill less what it took in, not the whole bill with the takings spent elsewhere (ODD 7.4.1)."""
    model, seen = small_model(end="1990-01", state_shop_supply_share_of_wages=0.3), {}

    def spy(name, process):
        def run(w):
            treasury, issued, spent = w.money.treasury_won, w.tally.money_issued_won, w.tally.state_spending_won
            process(w)
            seen[name] = {
                "treasury_before": treasury,
                "took_in": w.money.treasury_won - treasury,
                "issued": w.tally.money_issued_won - issued,
                "paid": w.tally.state_spending_won - spent,
            }

        return run

    for name in ("sell_in_state_shops", "pay_wages"):
        monkeypatch.setattr(sim.model, name, spy(name, getattr(sim.model, name)))
    model.step()
    shops, wages = seen["sell_in_state_shops"], seen["pay_wages"]
    assert shops["took_in"] > 0 and wages["paid"] > shops["took_in"]  # the shops cover part of the wage bill
    assert wages["treasury_before"] >= shops["treasury_before"] + shops["took_in"]
    assert wages["issued"] == pytest.approx(wages["paid"] - wages["treasury_before"]) and wages["issued"] > 0


def test_for_its_years_from_the_redenomination_the_state_spends_at_least_its_floor_printing_what_it_lacks(world):
    everyone_in_town(world, won=0.0, members=2)
    h, p, n = world.households, world.p, len(world.households)
    half_floor = 0.5 * p.state_spending_floor_won_per_person_month * 2 * n
    start = to_month(p.redenomination_date)
    # the month before it, its first and last months, and the first month after its years (which need not
    # be whole months); revenue is half the floor
    after = start + math.ceil(12 * p.state_spending_floor_years)
    for month, printed in ((start - 1, 0.0), (start, half_floor), (after - 1, half_floor), (after, 0.0)):
        world.ledger.new_month()
        h.won[:], h.income_formal_won[:] = 0.0, 0.0
        world.money.treasury_won = half_floor
        world.month = month
        spend_state_budget(world)
        assert np.allclose(h.won, (half_floor + printed) / n) and np.allclose(h.income_formal_won, h.won)
        assert world.ledger.this_month("won", "money_issued") == pytest.approx(printed)
        assert world.money.treasury_won == 0.0


def test_harvest_comes_in_october_and_feeds_farmers_first(world):
    everyone_in_town(world, farm=True, members=2, food_kg=0.0)
    set_drivers(world, harvest_mt=0.001, state_economy_index=1.0)  # far too little to go round
    world.month = to_month("1995-09")
    harvest(world)
    assert world.households.food_kg.sum() == 0.0
    world.month = to_month("1995-10")
    harvest(world)
    main_season = 0.001e9 * (1 - world.p.early_harvest_share) * (1 - world.p.harvest_non_food_share)  # eaten
    share = main_season / (2 * len(world.households) * world.weight)  # each member's share of the harvest
    assert np.allclose(world.households.food_kg, 2 * share)  # all of it is kept: it is below a year's need


def test_the_early_crops_come_in_june_as_the_rest_of_the_last_octobers_crop_year():
    world = hand_built_world(
        harvest_mt={1990: 4.0, "1995-10": 2.0, "1996-03": 9.0}, early_harvest_share=0.25, state_economy_index=0.0
    )
    everyone_in_town(world, farm=True, members=2, food_kg=0.0)
    gross_kg = {}
    for month in ("1995-10", "1996-06", "1996-10"):
        world.month = to_month(month)
        read_drivers(world)
        before = holdings(world)["grain_kg"]
        harvest(world)
        gross_kg[month] = (holdings(world)["grain_kg"] - before) * world.weight / (1 - world.p.harvest_non_food_share)
    # the 1995/96 crop year's 2.0 Mt: three quarters in October 1995, a quarter in June 1996 (not the figure in
    # force in June, the next crop year's, nor the last one's)
    assert gross_kg["1995-10"] == pytest.approx(0.75 * 2.0e9) and gross_kg["1996-06"] == pytest.approx(0.25 * 2.0e9)
    assert gross_kg["1996-10"] == pytest.approx(0.75 * 9.0e9)


def test_the_early_harvest_cannot_share_the_main_harvests_month():
    with pytest.raises(ParameterError, match="early_harvest_month: must differ from harvest_month"):
        Parameters.build(early_harvest_month=10)


def test_grain_counts_as_income_when_harvested_and_not_again_when_sold(world):
    farm = np.arange(len(world.households)) % 2 == 0
    everyone_in_town(world, farm=farm, members=2, food_kg=0.0, won=np.where(farm, 0.0, 50_000.0))
    set_drivers(world, harvest_mt=20.0, state_economy_index=0.0)  # plenty, and nothing procured
    world.month = to_month("1995-10")
    harvest(world)
    h = world.households
    harvested = h.food_kg[farm].sum()
    income = h.income_formal_won + h.income_informal_won
    assert harvested > 0 and np.allclose(income[farm], h.food_kg[farm] * world.prices[GRAIN][1], rtol=1e-6)
    sell_retail(world, GRAIN)
    assert h.food_kg[farm].sum() < harvested and h.won[farm].sum() > 0  # the farms sold grain for cash
    assert np.array_equal(h.income_formal_won + h.income_informal_won, income)  # and earned nothing more


def test_the_income_shares_leave_out_what_each_measure_does_not_count(world):
    farm = np.arange(len(world.households)) % 2 == 0
    everyone_in_town(world, farm=farm, members=2, food_kg=0.0, won=1_000.0, pds_priority=0.0)
    set_drivers(world, harvest_mt=20.0, state_economy_index=0.5, pds_coverage=1.0, ration_g_per_person_day=400.0)
    world.month = to_month("2005-10")
    h = world.households
    harvest(world)  # farms: the official distribution (formal) and grain kept beyond it (informal), in kind;
    procurement_pay = h.won[farm].sum() - 1_000.0 * farm.sum()  # and the state's pay for the rest, in cash
    from_farm_jobs = h.income_formal_won.sum()
    distribute_rations(world)  # others: the rations' worth beyond their price (formal), in kind
    rations_worth = h.income_formal_won.sum() - from_farm_jobs
    in_kind_informal = h.income_informal_won.sum()
    in_kind_formal = h.income_formal_won.sum() - procurement_pay
    side_work = np.where(world.residents_per_town > 0, 3.0e6, 0.0)  # to the town where everyone lives
    share_in_town(world, side_work)  # informal, in cash
    close_books(world)
    indicators = measure(world)
    assert procurement_pay > 0 and in_kind_formal > 0 and in_kind_informal > 0 and rations_worth > 0
    assert world.tally.in_kind_formal_won == pytest.approx(in_kind_formal)
    assert world.tally.rations_worth_won == pytest.approx(rations_worth, rel=1e-5)  # float32 incomes
    assert world.tally.in_kind_informal_won == pytest.approx(in_kind_informal)
    paid = side_work.sum()
    assert indicators["informal_cash_income_share"] == pytest.approx(paid / (paid + procurement_pay))
    total = h.income_formal_won.sum() + h.income_informal_won.sum()
    assert indicators["informal_income_share"] == pytest.approx((in_kind_informal + paid) / total)
    # the surveys' measure: markets and private work against pay from official jobs (the farms' distribution
    # and procurement pay here), the rations' worth on neither side
    counted = total - rations_worth
    assert indicators["market_income_share"] == pytest.approx((in_kind_informal + paid) / counted, rel=1e-5)


def test_a_trader_with_no_capital_cannot_buy(world):
    everyone_in_town(world, farm=True, members=1, food_kg=10_000.0)
    world.month = to_month("1995-11")
    poor, rich = add_traders(world, [0, 1], won=0.0)
    world.traders.won[1] = 5_000.0
    world.households.farm[[0, 1]] = False
    before = holdings(world)
    source_wholesale(world, GRAIN)
    assert world.traders.stock[0] == 0.0 and world.traders.won[0] == 0.0
    assert world.traders.stock[1] > 0.0
    after = holdings(world)
    assert after["grain_kg"] == pytest.approx(before["grain_kg"])  # grain moved from farmers to the trader
    transport = world.ledger.this_month("won", "transport")
    assert after["won"] == pytest.approx(before["won"] + transport)  # only the carriers' part left the world


def test_a_trader_with_a_phone_keeps_calling_sources_after_one_without_has_stopped():
    stock = {}
    for rounds in (1, 4):
        world = hand_built_world(households=60, towns=6, sourcing_rounds=1, sourcing_rounds_with_phone=rounds)
        everyone_in_town(world, town=np.arange(60) // 10, farm=True, members=1, food_kg=400.0)
        world.month = to_month("1995-11")
        rows = add_traders(world, [0, 1], won=1e9, stock=0.0)  # both in town 0, each wanting all there is
        world.households.farm[[0, 1]] = False
        world.traders.phone_rank[:] = [0.1, 0.9]  # the first has a phone
        world.trader_phone_share = 0.5
        grain_before = holdings(world)["grain_kg"]
        source_wholesale(world, GRAIN)
        stock[rounds] = world.traders.stock[rows].copy()
        assert holdings(world)["grain_kg"] == pytest.approx(grain_before)  # moved, not made
    assert stock[4][0] > stock[1][0] > 0.0  # the phone finds the sources the first round left with goods
    assert stock[4][1] == stock[1][1] > 0.0  # without one, a single round either way


def test_traders_with_a_phone_carry_their_stock_to_a_market_that_pays_more_after_carriage():
    # Two towns a cell apart (carriage 1% of the price): grain fetches 50 in town 1 and 100 in town 2.
    world = hand_built_world(households=40, towns=3, shipping_market_draws=2)
    everyone_in_town(world, town=1 + (np.arange(40) >= 20), won=1e6, food_kg=0.0)
    world.month = to_month("2012-06")
    world.prices[GRAIN][:] = [50.0, 50.0, 100.0]
    rows = add_traders(world, [0, 1], stock=100.0, won=0.0)  # both in town 1
    world.traders.phone_rank[:] = [0.1, 0.9]  # the first has a phone
    world.trader_phone_share = 0.5
    assert markets_to_sell_in(world, GRAIN)[rows].tolist() == [2, 1]
    won_before = holdings(world)["won"]
    sell_retail(world, GRAIN)
    t = world.traders
    assert t.sold_units[rows].tolist() == pytest.approx([100.0, 100.0])  # buyers want more than is offered
    carriage = 50.0 * (world.geo.transport_factor[2, 1] - 1.0)
    assert t.won[rows[0]] == pytest.approx(100.0 * (100.0 - carriage))  # sold at town 2's price, less carriage
    assert t.won[rows[1]] == pytest.approx(100.0 * 50.0)
    assert world.tally.carriage_won == pytest.approx(100.0 * carriage)  # paid to town 1's carriers
    assert measure(world)["carriage_won"] == pytest.approx(100.0 * carriage * world.weight)
    towns = market_snapshot(world)
    assert towns["grain_sold_by_traders_kg"] == pytest.approx(np.array([0.0, 100.0, 100.0]) * world.weight)
    assert towns["grain_carried_in_kg"] == pytest.approx(np.array([0.0, 0.0, 100.0]) * world.weight)
    assert holdings(world)["won"] == pytest.approx(won_before)


def test_carriage_is_day_work_for_the_households_with_hands_to_spare():
    # Town 1: five households doing side work, three non-farm households outside it and two farms: the three
    # carry. Town 2: every household does side work, so nobody has hands to spare and all ten share.
    world = hand_built_world(households=20, towns=3, side_work_share=0.5)
    everyone_in_town(world, town=1 + (np.arange(20) >= 10), farm=np.isin(np.arange(20), [8, 9]))
    h = world.households
    h.side_work_rank = np.where((np.arange(20) < 5) | (np.arange(20) >= 10), 0.2, 0.9)
    world.tolerance = 1.0
    rate = world.money.won_per_yuan
    pay_carriers(world, won_per_town=np.array([0.0, 300.0, 1_000.0]), yuan_per_town=np.array([0.0, 30.0, 0.0]))
    carried = 100.0 + 10.0 * rate
    assert h.income_informal_won[5:8] == pytest.approx(carried)
    assert h.yuan[5:8] == pytest.approx(10.0)
    assert not h.income_informal_won[:5].any() and not h.income_informal_won[8:10].any()  # side work; farms
    assert h.income_informal_won[10:] == pytest.approx(100.0)
    assert world.tally.carriage_won == pytest.approx(1_300.0 + 30.0 * rate)
    world.tolerance = 0.0  # no side work tolerated: every non-farm household has hands to spare
    h.income_informal_won = 0.0
    pay_carriers(world, won_per_town=np.array([0.0, 800.0, 0.0]), yuan_per_town=np.zeros(3))
    assert h.income_informal_won[:8] == pytest.approx(100.0)
    assert not h.income_informal_won[8:].any()


def test_households_spend_on_services_that_their_towns_side_workers_earn():
    # Town 1: ten households with 1,000 won, half of them doing side work. Town 2: nobody does side work, so
    # its households have nothing to buy and keep their cash.
    world = hand_built_world(households=20, towns=3, side_work_share=0.5, services_spend_share=0.1)
    everyone_in_town(world, town=1 + (np.arange(20) >= 10), won=1000.0)
    h = world.households
    h.side_work_rank = np.where(np.arange(20) < 5, 0.2, 0.9)
    world.tolerance = 1.0
    buy_local_services(world)
    assert h.won[:5] == pytest.approx(900.0 + 10 * 100.0 / 5)  # spent 100, earned a fifth of the town's 1,000
    assert h.won[5:10] == pytest.approx(900.0)
    assert h.won[10:] == pytest.approx(1000.0)
    assert h.income_informal_won[:5] == pytest.approx(200.0)
    assert measure(world)["services_won"] == pytest.approx(1000.0 * world.weight)
    assert holdings(world)["won"] == pytest.approx(20 * 1000.0)


def test_higher_border_enforcement_means_more_seizures():
    seizures = {}
    for enforcement in (0.2, 0.9):
        world = hand_built_world(seed=3)
        add_smugglers(world, 2_000, yuan=3_000.0, won=0.0)  # no cash for bribes
        world.prices[IMPORTS] *= 10  # a wide margin: everyone crosses
        set_drivers(world, border_enforcement=enforcement, sanctions=0.0)
        smuggle(world)
        assert world.tally.crossings == 2_000
        seizures[enforcement] = world.tally.seizures
    assert seizures[0.9] > 3 * seizures[0.2]
    assert seizures[0.2] == pytest.approx(2_000 * 0.2 * 0.2, rel=0.3)


def test_sanctions_raise_the_risk_of_each_crossing():
    seizures = {}
    for sanctions in (0.0, 1.0):
        world = hand_built_world(seed=5)
        add_smugglers(world, 4_000, yuan=3_000.0, won=0.0)
        world.prices[IMPORTS] *= 10
        set_drivers(world, border_enforcement=0.5, sanctions=sanctions)
        smuggle(world)
        seizures[sanctions] = world.tally.seizures / world.tally.crossings
    assert seizures[0.0] == pytest.approx(0.2 * 0.5, rel=0.15)
    assert seizures[1.0] == pytest.approx(0.2 * 0.5 * 2, rel=0.15)


def test_smugglers_stay_home_when_imports_do_not_pay(world):
    add_smugglers(world, 50, yuan=3_000.0, won=1e6)
    world.prices[IMPORTS] *= 0.1
    smuggle(world)
    assert world.tally.crossings == 0 and world.smugglers.stock.sum() == 0.0


@pytest.mark.parametrize("stock, expected", [(1.0, "up"), (1e6, "down")])
def test_price_moves_with_excess_demand_and_moves_goods_exactly(world, stock, expected):
    everyone_in_town(world, won=10_000.0, food_kg=0.0, members=3)
    add_traders(world, [0, 1], stock=stock)
    before, price = holdings(world), world.prices[GRAIN][1]
    sell_retail(world, GRAIN)
    after = holdings(world)
    assert after["won"] == pytest.approx(before["won"]) and after["grain_kg"] == pytest.approx(before["grain_kg"])
    new_price = world.prices[GRAIN][1]
    assert new_price > price if expected == "up" else new_price < price


def test_a_glut_with_no_buyer_lowers_the_price_as_a_shortage_with_no_seller_raises_it(world):
    # Towns: balanced, offered but unasked, asked but unoffered, neither, and a glut with a few buyers.
    demand = np.array([5.0, 0.0, 5.0, 0.0, 1e-9])
    supply = np.array([5.0, 5.0, 0.0, 0.0, 5.0])
    residents = np.array([1.0, 3.0, 1.0, 5.0, 0.0])
    cap = world.p.max_price_change_per_month
    step = excess_demand_step(world.p, demand, supply, residents)
    # the town with no market moves with the others, weighted by residents: (0 - 3 cap + cap) / 5
    assert step.tolist() == pytest.approx([0.0, -cap, cap, -0.4 * cap, -cap])


def test_a_town_with_no_trader_prices_with_its_share_of_the_countrys_traders_discounted_by_chance():
    """Towns 1 and 2 have the same households; 4 traders of grain sit all in town 1, or 2 in each town.
    Without traders, town 2's empty side counts as its share of the country's (the 2 traders' stock it has
    in the other case) times the chance of a town of 15 households having none of 4 in 30: exp(-2)."""
    moves = []
    for homes in ([0, 1, 2, 3], [0, 1, 15, 16]):
        world = hand_built_world(price_adjustment_rate=0.05, max_price_change_per_month=0.5)  # a move inside the cap
        everyone_in_town(world, town=np.repeat([1, 2], 15), won=10_000.0, food_kg=0.0, members=3, farm=False)
        add_traders(world, homes, stock=40.0)
        world.households.won = 10_000.0  # the traders' households as rich as the others
        before = world.prices[GRAIN][2]
        sell_retail(world, GRAIN)
        moves.append(np.log(world.prices[GRAIN][2] / before))
    cap = world.p.max_price_change_per_month
    assert moves[0] - moves[1] == pytest.approx(0.05 * 2.0) and 0.0 < abs(moves[0]) < cap  # rate x log(e^2)


def stand_ins(world, demand, supply, agents_supply, buyers=0.0, sellers=0.0, prices=(1.0, 1.0, 1.0)):
    """`fill_empty_sides` for the three towns of `world`, the same price in each unless given."""
    return fill_empty_sides(world.residents_per_town, np.array(prices), np.array(demand), np.array(supply),
                            agents_supply, buyers_per_household=buyers, sellers_per_household=sellers)  # fmt: skip


def test_an_empty_side_is_the_towns_share_of_the_countrys_but_state_stocks_stay_where_they_are(world):
    everyone_in_town(world, town=np.repeat([1, 2], [10, 20]))
    demand, supply = stand_ins(world, [0.0, 0.0, 6.0], [0.0, 9.0, 0.0], agents_supply=3.0)
    assert demand.tolist() == pytest.approx([0.0, 2.0, 6.0])  # no residents in town 0: nothing stands in
    assert supply.tolist() == pytest.approx([0.0, 9.0, 2.0])  # 2/3 of the agents' 3, not of all 9


def test_an_empty_side_of_a_large_market_is_no_accident_and_nothing_stands_in(world):
    everyone_in_town(world, town=np.repeat([1, 2], [10, 20]))
    demand, _ = stand_ins(world, [0.0, 0.0, 0.0], [0.0, 1.0, 1.0], agents_supply=2.0, buyers=0.1, sellers=0.1)
    assert demand.tolist() == pytest.approx([0.0, 0.0, 0.0])  # no demand anywhere: nothing to stand in
    # one buyer in ten households: 10 households have none with chance exp(-1), 20 with chance exp(-2)
    demand, _ = stand_ins(world, [3.0, 0.0, 0.0], [0.0, 1.0, 1.0], agents_supply=2.0, buyers=0.1, sellers=0.1)
    assert demand[1:].tolist() == pytest.approx([3.0 / 3 * np.exp(-1.0), 3.0 * 2 / 3 * np.exp(-2.0)])
    _, supply = stand_ins(world, [1.0, 1.0, 1.0], [5.0, 0.0, 0.0], agents_supply=5.0, buyers=0.1, sellers=5.0)
    assert supply[1:] == pytest.approx([0.0, 0.0], abs=1e-20)  # five sellers a household: an empty side is real
    demand, supply = stand_ins(world, [0.0, 0.0, 4.0], [0.0, 0.0, 4.0], agents_supply=4.0)
    assert demand[1] == 0.0 and supply[1] == 0.0  # no market in town 1 at all: nothing stands in on either side


def test_a_stand_in_demand_is_the_countrys_spending_at_the_towns_price(world):
    """Town 2 asks 6 kg at 10 won: 60 won of spending. Town 1, with half its residents and no buyer, stands
    in a third of it, 20 won, bought at its own price: 2 kg at 10 won, 0.02 kg at 1,000 won."""
    everyone_in_town(world, town=np.repeat([1, 2], [10, 20]))
    for price, kg in ((10.0, 2.0), (1_000.0, 0.02)):
        demand, _ = stand_ins(world, [0.0, 0.0, 6.0], [0.0, 9.0, 0.0], agents_supply=3.0, prices=(10.0, price, 10.0))
        assert demand[1] == pytest.approx(kg)


def test_households_short_of_won_sell_foreign_cash_and_the_won_falls_when_yuan_are_scarce():
    world = hand_built_world(fx_arbitrage_pull=0.0)  # the currency market alone, no pull toward grain parity
    everyone_in_town(world, won=0.0, yuan=10.0, dollars=1.0)
    add_smugglers(world, 5, won=1e7, yuan=0.0)
    before, rate = holdings(world), world.money.won_per_yuan
    exchange_currency(world)
    after = holdings(world)
    assert after["won"] == pytest.approx(before["won"])
    # the dollars households sold were changed into yuan abroad, at the world rate
    cross = world.now.yuan_per_dollar
    assert after["yuan"] + cross * after["dollars"] == pytest.approx(before["yuan"] + cross * before["dollars"])
    assert world.money.won_per_yuan > rate
    h = world.households
    assert (h.won > 0).all() and (h.yuan < 10.0).all() and (h.dollars < 1.0).all()
    assert h.yuan[0] / 10.0 == pytest.approx(h.dollars[0] / 1.0)  # yuan and dollars sold alike


def test_households_move_a_share_of_their_savings_gap_into_yuan_and_dollars(world):
    add_smugglers(world, 5, won=0.0, yuan=1e9)  # plenty of yuan on offer
    everyone_in_town(world, won=1e6, yuan=0.0, dollars=0.0)
    h, p = world.households, world.p
    savings = 1e6 - h.members * won_kept_per_member(world)[h.town]
    target = foreign_share_of_savings(world) * savings
    exchange_currency(world)
    assert h.won == pytest.approx(1e6 - p.portfolio_adjustment_share * target)
    dollar_share = p.dollar_share_of_foreign_savings
    assert h.dollars * world.now.yuan_per_dollar == pytest.approx(dollar_share / (1 - dollar_share) * h.yuan)
    check_accounts(world)


def test_a_weaker_won_makes_the_foreign_cash_households_hold_enough_so_they_sell(world):
    sold = {}
    for rate in (20.0, 200.0):
        world = hand_built_world(fx_arbitrage_pull=0.0)
        add_smugglers(world, 5, won=1e9, yuan=0.0)  # won on offer for yuan
        add_smugglers(world, 5, won=0.0, yuan=1e9)  # and yuan for won
        everyone_in_town(world, won=1e5, yuan=100.0, dollars=0.0)
        world.money.won_per_yuan = rate
        exchange_currency(world)
        sold[rate] = 100.0 - world.households.yuan.mean()
    assert sold[20.0] < 0.0 < sold[200.0]  # at 20 won a yuan they buy more; at 200 their 100 yuan are too many


def test_households_keep_less_won_when_they_expect_inflation_or_distrust_the_won(world):
    calm, calm_share = won_kept_per_member(world).copy(), foreign_share_of_savings(world)
    assert calm_share == pytest.approx(world.p.foreign_share_of_savings_at_stable_prices)
    world.money.expected_inflation = 0.1
    flight = won_kept_per_member(world)
    assert flight == pytest.approx(calm * np.exp(-world.p.won_flight_per_inflation * 0.1))
    assert 1 - foreign_share_of_savings(world) == pytest.approx((1 - calm_share) * flight[0] / calm[0])
    world.money.expected_inflation, world.money.won_trust = 0.0, 0.5
    assert won_kept_per_member(world) == pytest.approx(0.5 * calm)
    assert 1 - foreign_share_of_savings(world) == pytest.approx(0.5 * (1 - calm_share))


def test_households_expect_inflation_from_a_steady_rise_of_prices_but_not_from_the_lean_season(world):
    """Grain 30% dearer before each harvest and back after it, year after year, is no inflation;
    prices rising 5% a month every month are."""
    expected = {}
    for name, monthly_rise in (("seasons", lambda month: 0.3 * (month % 12 == 6) - 0.3 * (month % 12 == 10)),
                               ("inflation", lambda month: 0.05)):  # fmt: skip
        world.money.expected_inflation = 0.0
        for month in range(60):
            world.prices[GRAIN] *= np.exp(monthly_rise(month))
            form_expectations(world)
            assert world.money.inflation == pytest.approx(monthly_rise(month))
        expected[name] = world.money.expected_inflation
    assert expected["seasons"] == pytest.approx(0.0, abs=1e-9)
    assert expected["inflation"] == pytest.approx(0.05, rel=1e-6)


def test_stall_fees_are_paid_by_stall_holders_in_open_markets_only(world):
    everyone_in_town(world, won=0.0)
    add_traders(world, [0, 1, 2], won=[1_000.0, 1_000.0, 10.0], stall=[True, False, True])
    set_drivers(world, stall_fee_won_per_day=5.0)
    collect_stall_fees(world)
    fee = 5.0 * DAYS_PER_MONTH
    assert world.traders.won.tolist() == pytest.approx([1_000.0 - fee, 1_000.0, 10.0])
    assert world.traders.stall.tolist() == [True, False, False]  # could not pay: back to a cart
    world.markets.closed_until[1] = world.month + 1
    collect_stall_fees(world)
    assert world.traders.won[0] == pytest.approx(1_000.0 - fee)


def test_an_official_market_is_an_open_one_with_enough_stalls_and_the_indicator_the_map_and_snapshot_agree():
    world = hand_built_world(real_households=300, min_stalls_per_market=15.0)  # weight 10: a stall holder is 10
    add_traders(world, [0, 1, 10, 20, 21], stall=True)  # towns 0, 1, 2: 2, 1 and 2 stall holders
    world.markets.closed_until[2] = world.month + 1  # town 2's market closed by a crackdown
    stalls = world.stalls_per_town()
    assert stalls.tolist() == [20.0, 10.0, 20.0]
    assert world.official_markets(stalls).tolist() == [True, False, False]
    assert market_snapshot(world)["official_market"].tolist() == [True, False, False]
    indicators = measure(world)
    assert indicators["markets"] == 1 and indicators["stalls"] == 30.0  # stalls in open markets
    world.p = replace(world.p, min_stalls_per_market=0.0)  # even with no floor, a closed market is none
    assert world.official_markets(stalls).tolist() == [True, True, False]


def test_crackdowns_need_low_tolerance_and_spare_those_who_paid():
    for tolerance in (1.0, 0.0):
        world = hand_built_world(crackdown_rate_per_month=1.0, crackdown_catch_share=1.0, bribe_protection=1.0)
        everyone_in_town(world)
        add_traders(world, range(10), won=100.0, stock=50.0, stall=False)
        world.traders.bribe_paid = np.arange(10) < 5
        set_drivers(world, market_tolerance=tolerance)
        crack_down(world)
        caught = world.traders.stock == 0.0
        if tolerance == 1.0:
            assert not caught.any()
        else:
            assert caught.tolist() == [False] * 5 + [True] * 5
            assert world.traders.won[5:] == pytest.approx(70.0)  # fined 30%


def test_bribes_go_to_the_towns_official(world):
    everyone_in_town(world)
    add_traders(world, [0, 1], won=100.0, sales_won=[1_000.0, 0.0])
    take_bribes(world)
    assert world.officials.won[1] == pytest.approx(0.03 * 1_000.0)
    assert world.traders.bribe_paid.tolist() == [True, False]


def test_officials_invest_in_their_towns_traders(world):
    everyone_in_town(world)
    add_traders(world, [0, 1], won=[100.0, 300.0])
    world.officials.won[1] = 1_000.0
    before = holdings(world)["won"]
    invest_official_funds(world)
    assert world.traders.official_stake_won.tolist() == pytest.approx([12.5, 37.5])
    loyalty = world.ledger.this_month("won", "loyalty_payments")
    assert holdings(world)["won"] == pytest.approx(before + loyalty)


def test_famine_deaths_only_after_months_of_hunger():
    world = hand_built_world(famine_death_rate_per_month=0.1, hunger_months_before_deaths=6)
    everyone_in_town(world, members=100, intake_share=0.0)
    h = world.households
    h.hungry_months = np.where(np.arange(len(h)) < 10, 12, 5)
    famine_deaths(world)
    assert (h.members[10:] == 100).all()
    assert (h.members[:10] < 100).any()


def test_famine_deaths_rise_steeply_with_the_depth_of_the_shortfall():
    # Half the households eat nothing, half eat half the starvation line (shortfall 0.5). With the
    # exponent at 2 the second group's risk is a quarter of the first's; with 1 it would be half.
    world = hand_built_world(
        households=400, famine_death_rate_per_month=0.4, famine_death_shortfall_exponent=2.0,
        starvation_below_need_share=0.4, hunger_months_before_deaths=1,
    )  # fmt: skip
    everyone_in_town(world, members=100, hungry_months=3)
    h = world.households
    h.intake_share = np.where(np.arange(len(h)) < 200, 0.0, 0.2).astype(h.intake_share.dtype)
    famine_deaths(world)
    died = 100 - h.members
    assert died[:200].mean() / 100 == pytest.approx(0.4, abs=0.02)
    assert died[200:].mean() / 100 == pytest.approx(0.1, abs=0.01)
    assert world.ledger.this_month("persons", "famine_deaths") == -died.sum()


def test_the_starving_are_counted_apart_from_the_hungry():
    # Persons under the starvation line are a part of the hungry, counted by members.
    world = hand_built_world(households=4, hungry_below_need_share=0.7, starvation_below_need_share=0.3)
    everyone_in_town(world, members=np.array([1, 2, 3, 4], dtype=np.int16))
    world.households.intake_share = np.array([1.0, 0.5, 0.2, 0.0], dtype=np.float32)
    indicators = measure(world)
    assert indicators["hunger_rate"] == pytest.approx(9 / 10)
    assert indicators["starvation_rate"] == pytest.approx(7 / 10)


def test_an_empty_household_ends_with_its_trade(world):
    everyone_in_town(world)
    add_traders(world, [0], won=50.0)
    world.households.members[0] = 0
    dissolve_empty_households(world)
    assert not world.households.active[0] and not world.traders.active[0]
    assert world.traders.won[0] == 0.0 and world.households.trader[0] == -1
    assert world.residents_per_town[1] == len(world.households) - 1
    assert world.ledger.this_month("won", "estates_lost") == -50.0  # its trade's cash, booked as lost


def test_hunger_pushes_households_into_trade_unless_the_state_forbids_it():
    for tolerance in (1.0, 0.0):
        world = hand_built_world(households=2_000, necessity_entry_rate_per_month=0.5, base_entry_rate_per_month=0.0)
        everyone_in_town(world, free_woman=True, won=100.0, hungry_months=0)
        world.households.hungry_months[:1_000] = 2
        set_drivers(world, market_tolerance=tolerance)
        enter_trade(world)
        homes = world.traders.household
        if tolerance == 0.0:
            assert len(homes) == 0
        else:
            assert (homes < 1_000).sum() == pytest.approx(500, abs=80)
            assert (homes >= 1_000).sum() == 0
            assert world.traders.woman.all()


def test_gain_is_judged_by_the_countrys_traders_in_every_town():
    # Men (no woman free of state work) enter only for gain: traders' mean draw above their formal income.
    # Town 1's traders draw a lot, town 2's nothing: the country's mean is what both towns see.
    for draws, enter in (([50.0, 50.0, 0.0], True), ([50.0, 0.0, 0.0], False)):
        world = hand_built_world(households=2_000, base_entry_rate_per_month=0.0, opportunity_entry_rate_per_month=0.5)
        everyone_in_town(world, town=1, free_woman=False, won=100.0, hungry_months=0, usual_formal_income_won=20.0)
        world.households.town[1_000:] = 2
        world.home_towns = SortedGroups(world.households.town, world.n_towns)
        set_drivers(world, market_tolerance=1.0)
        add_traders(world, [0, 1, 1_000], draw_won=draws)
        enter_trade(world)
        entrants = world.traders.household[3:]
        if enter:  # mean 33 > 20
            assert (entrants >= 1_000).sum() == pytest.approx(500, abs=80)
            assert (entrants < 1_000).sum() == pytest.approx(499, abs=80)
        else:  # mean 17 < 20, though town 1's own traders (mean 25) would pass
            assert len(entrants) == 0


def test_each_household_enters_at_its_own_rate():
    # Four classes of 10,000 women: hungry and seeing a gain, hungry only, gain only, neither. The entry
    # draw jumps between candidates at the highest rate and thins them, so each class must keep its rate.
    rates = {"base_entry_rate_per_month": 0.01, "necessity_entry_rate_per_month": 0.05}
    world = hand_built_world(households=40_001, opportunity_entry_rate_per_month=0.02, **rates)
    everyone_in_town(world, free_woman=True, won=100.0, hungry_months=0, usual_formal_income_won=100.0)
    add_traders(world, [0], draw_won=[50.0])
    h = world.households
    h.hungry_months[1:20_001] = 1
    h.usual_formal_income_won[1:10_001] = h.usual_formal_income_won[20_001:30_001] = 10.0  # below the traders' draw
    set_drivers(world, market_tolerance=0.5)
    enter_trade(world)
    entered = np.zeros(len(h), dtype=bool)
    entered[world.traders.household[1:]] = True
    expected = 0.5 * np.array([0.01 + 0.05 + 0.02, 0.01 + 0.05, 0.01 + 0.02, 0.01]) * 10_000
    counts = entered[1:].reshape(4, 10_000).sum(axis=1)
    assert (np.abs(counts - expected) < 4 * np.sqrt(expected)).all(), counts


def test_new_traders_take_the_good_that_pays_in_town_or_else_in_the_country():
    world = hand_built_world(entry_exploration_share=0.0)
    everyone_in_town(world, won=100.0)
    add_traders(world, [0], good=IMPORTS, profit_won=[40.0])
    world.traders.good[0], world.traders.town[0] = IMPORTS, 2  # the only trader, imports in town 2
    start_trading(world, np.array([1, 2]), world.rng("test"))  # in town 1: no traders of either good
    assert world.traders.good[1:].tolist() == [IMPORTS, IMPORTS]


def test_traders_with_a_phone_take_their_trade_where_the_markup_is_higher():
    moved = {}
    for threshold in (0.25, 10.0):
        world = hand_built_world(households=300, trader_move_rate_per_month=1.0, trader_move_threshold=threshold)
        homes = np.flatnonzero(world.households.town == 0)
        rows = add_traders(world, homes, won=1_000.0, stock=0.0, stall=True)
        t = world.traders
        t.phone_rank[:] = np.where(np.arange(len(t)) % 2 == 0, 0.1, 0.9)  # half of them have a phone
        world.trader_phone_share = 0.5
        world.book.cheapest_with_phone[GRAIN] = 100.0
        world.prices[GRAIN] = [120.0, 120.0, 400.0]  # town 2 pays a markup of 4 on delivered cost, the others 1.2
        move_to_dearer_markets(world)
        moved[threshold] = t.town[rows] != 0
        assert (t.town[rows][moved[threshold]] == 2).all()  # only to the dearer town, not to town 1
        assert not (moved[threshold] & (t.phone_rank[rows] >= 0.5)).any()  # never without a phone
        assert not t.stall[rows][moved[threshold]].any()  # the stall stays behind
        assert (t.household[rows] == homes).all()  # the household stays at home
    assert moved[0.25].sum() > 0.2 * len(rows) / 2  # about a third of the phone traders hear of town 2
    assert not moved[10.0].any()  # a gain that does not pay for the move


def test_a_trader_that_sold_out_where_the_market_pays_more_than_its_margin_takes_household_savings_into_trade():
    world = hand_built_world(expansion_capital_share=0.3, trader_margin_share=0.15)
    h = world.households
    everyone_in_town(world, town=h.town.copy(), won=1_000.0)
    homes = [0, 1, 10, 11]  # towns 0, 0, 1, 1
    add_traders(world, homes, won=0.0, sold_units=50.0, stock=[0.0, 40.0, 0.0, 0.0])
    world.traders.closing[3] = True
    h.won[homes] = 1_000.0  # as before they opened their trades
    world.book.replacement_cost[:] = 100.0  # restocking costs 100, 117.6 with the margin
    world.prices[GRAIN] = [200.0, 110.0, 200.0]  # town 0 pays more than the margin, town 1 less
    before = holdings(world)["won"]
    put_savings_into_trade(world)
    assert world.traders.won.tolist() == pytest.approx([300.0, 0.0, 0.0, 0.0])  # sold out, where it pays
    assert h.won[homes].tolist() == pytest.approx([700.0, 1_000.0, 1_000.0, 1_000.0])
    assert holdings(world)["won"] == pytest.approx(before)  # moved, not made


def test_a_failing_trader_leaves_after_its_grace_months(world):
    everyone_in_town(world, won=0.0)
    add_traders(world, [0, 1], won=[0.0, 1e6])
    for month in range(3):
        exit_trade(world)
        assert world.traders.active[0] == (month < 2)
    assert world.traders.active[1]


def test_redenomination_divides_by_100_up_to_a_cap_per_person_and_costs_trust():
    world = hand_built_world(redenomination_date="1995-01")
    won = np.zeros(len(world.households))
    won[:2] = [50_000.0, 1_150_000.0]  # households of two: capped at 300,000 each
    everyone_in_town(world, won=won, members=2)
    redenominate_currency(world)
    assert world.households.won[:2].tolist() == pytest.approx([500.0, 3_000.0 + 850.0])
    assert world.money.won_trust == pytest.approx(4_350.0 / 12_000.0)  # what households' won kept of its value
    check_accounts(world)


def test_open_books_clears_the_month(world):
    everyone_in_town(world, income_formal_won=5.0)
    add_traders(world, [0], sales_won=5.0, won=20.0)
    open_books(world)
    assert world.households.income_formal_won.sum() == 0.0 and world.traders.sales_won[0] == 0.0
    assert world.traders.worth_at_start_won[0] == 20.0


def test_read_drivers_takes_each_schedule_at_the_month():
    world = hand_built_world(sanctions={1990: 0.0, "2016-03": 0.6}, border_enforcement=0.25)
    world.month = to_month("2016-02")
    read_drivers(world)
    assert world.now.sanctions == 0.0 and world.now.border_enforcement == 0.25
    world.month = to_month("2016-03")
    read_drivers(world)
    assert world.now.sanctions == 0.6


def test_each_october_harvest_is_its_crop_years_documented_figure():
    world = hand_built_world()  # the baseline's harvest schedule
    for crop_year, documented_mt in ((1996, 2.8), (1997, 2.7), (2007, 4.0), (2008, 3.3)):  # FACTS: 3.3 in 2008/09
        world.month = to_month(f"{crop_year}-{world.p.harvest_month:02d}")
        read_drivers(world)
        assert world.now.harvest_mt == pytest.approx(documented_mt)


def test_food_aid_goes_to_households_by_what_they_lack_of_a_months_need(world):
    everyone_in_town(world, food_kg=0.0, members=2, hungry_months=0)
    h, need = world.households, world.need_kg()
    h.members[0] = 4
    h.food_kg[1] = need  # half of its month's need (two members)
    h.food_kg[3:] = 2 * need  # a month's food: no aid, whether or not hungry last month
    h.hungry_months[3] = 5
    set_drivers(world, food_aid_mt=0.001)
    deliver_food_aid(world)
    assert (h.food_kg[3:] == 2 * need).all()
    aid = h.food_kg[:3] - np.array([0.0, need, 0.0])
    assert aid[0] == pytest.approx(2 * aid[2])  # lacks 4 months' need of a member against 2
    assert aid[1] == pytest.approx(aid[2] / 2)  # lacks 1 against 2
    assert aid.sum() * world.weight == pytest.approx(0.001e9 / 12)


def test_state_shops_sell_what_state_enterprises_make_and_the_money_goes_to_the_treasury(world):
    everyone_in_town(world, won=100.0, state_workers=1)
    set_drivers(world, state_economy_index=0.5, wage_won_per_worker_month=100.0)
    p, n = world.p, len(world.households)
    sell_in_state_shops(world)  # households would spend 30; the shops have 0.7 x 100 x 0.5 = 35 a household
    assert np.allclose(world.households.won, 100.0 * (1 - p.state_shop_spend_share))
    assert world.money.treasury_won == pytest.approx(100.0 * p.state_shop_spend_share * n)
    world.money.treasury_won = 0.0
    everyone_in_town(world, won=1_000.0, state_workers=1)
    sell_in_state_shops(world)  # now they would spend 300 and the shops have 35
    assert world.money.treasury_won == pytest.approx(p.state_shop_supply_share_of_wages * 100.0 * 0.5 * n)
    check_accounts(world)


def test_nobody_buys_in_state_shops_where_state_prices_are_above_the_markets(world):
    everyone_in_town(world, town=world.households.town.copy(), won=100.0, state_workers=1)
    set_drivers(world, state_economy_index=0.5, wage_won_per_worker_month=100.0, state_grain_price_won_per_kg=20.0)
    h, price = world.households, world.prices[GRAIN]
    price[:] = 40.0
    price[0] = 10.0  # town 0's market is cheaper than the state
    sell_in_state_shops(world)
    in_town_0 = h.town == 0
    assert (h.won[in_town_0] == 100.0).all()
    assert np.allclose(h.won[~in_town_0], 100.0 * (1 - world.p.state_shop_spend_share))
    assert world.money.treasury_won == pytest.approx((100.0 - h.won).sum())
    check_accounts(world)


def test_remittances_reach_families_through_brokers_and_stop_at_a_closed_border():
    received = {}
    for enforcement in (0.0, 1.0):
        world = hand_built_world(households=500)
        add_smugglers(world, 2, yuan=0.0)
        set_drivers(world, defectors_abroad=20 * world.weight, remitter_share=0.5)
        set_drivers(world, remittance_yuan_per_sender_year=1_200.0, broker_fee_share=0.25)
        set_drivers(world, border_enforcement=enforcement)
        deliver_remittances(world)
        families = world.households.remittance_family
        assert families.sum() == 10
        gross = 100.0 * (1 - 0.9 * enforcement**3)
        assert np.allclose(world.households.yuan[families], 0.75 * gross)
        assert world.smugglers.yuan.sum() == pytest.approx(10 * 0.25 * gross)
        received[enforcement] = world.households.yuan.sum()
    assert received[1.0] == pytest.approx(0.1 * received[0.0])


def test_legal_imports_top_border_stocks_up_to_a_capacity_that_sanctions_cut():
    stocked = {}
    for sanctions in (0.0, 1.0):
        world = hand_built_world()
        set_drivers(world, sanctions=sanctions, border_enforcement=0.0)
        import_legally(world)
        stock = world.markets.state_imports
        assert (stock[~world.geo.border] == 0).all()
        stocked[sanctions] = stock.sum()
        import_legally(world)  # nothing sold: nothing more imported
        assert world.markets.state_imports.sum() == pytest.approx(stocked[sanctions])
    assert stocked[0.0] == pytest.approx(world.p.legal_import_yuan_per_household_month * 30 / 10.0)
    assert stocked[1.0] == pytest.approx(0.1 * stocked[0.0])


def test_state_exports_are_cut_by_sanctions_and_pay_the_market_imports_the_rest_leaving_the_markets():
    for sanctions in (0.0, 1.0):
        world = hand_built_world(fx_arbitrage_pull=0.0)
        everyone_in_town(world, won=1e6, yuan=0.0, dollars=0.0)  # savers who want foreign cash
        set_drivers(world, sanctions=sanctions, border_enforcement=0.0, yuan_per_dollar=2.0)
        set_drivers(world, state_exports_usd_per_year=600.0 * world.weight)  # 50 dollars a month, 100 yuan
        export_state_goods(world)
        earned = 100.0 * (1 - world.p.sanctions_export_cut * sanctions)
        assert world.tally.state_exports_yuan == pytest.approx(earned)
        world.money.state_import_bill_yuan = 0.04  # less than the earnings even under sanctions
        exchange_currency(world)
        assert world.ledger.this_month("yuan", "state_own_imports") == pytest.approx(-(earned - 0.04))
        assert world.money.state_trade_yuan == 0.0
        assert world.households.yuan.sum() == 0.0 and world.households.dollars.sum() == 0.0  # none sold to savers
        check_accounts(world)


def test_what_the_export_earnings_lack_for_the_market_imports_the_state_buys_with_its_won_revenue():
    world = hand_built_world(fx_arbitrage_pull=0.0)
    m, rate = world.money, world.money.won_per_yuan
    m.state_trade_won = 1e6  # last month's won revenue
    everyone_in_town(world, won=0.0, yuan=1_000.0, dollars=0.0)  # households short of won sell yuan
    set_drivers(world, sanctions=1.0, border_enforcement=0.0, state_exports_usd_per_year=600.0 * world.weight)
    export_state_goods(world)
    m.state_import_bill_yuan = world.tally.state_exports_yuan + 25.0
    exchange_currency(world)
    assert world.households.yuan.sum() == pytest.approx(30 * 1_000.0 - 25.0)
    assert m.treasury_won == pytest.approx(1e6 - 25.0 * rate)  # the rest of the won revenue is profit
    assert world.ledger.this_month("yuan", "state_own_imports") == 0.0
    check_accounts(world)


def test_state_companies_import_grain_only_where_it_sells_above_its_landed_cost(world):
    set_drivers(world, sanctions=0.0, border_enforcement=0.0, china_grain_price_yuan_per_kg=1.0)
    landed = world.money.won_per_yuan * (1 + world.p.state_import_markup)
    world.prices[GRAIN] = 0.9 * landed  # below the landed cost once the traders' margin is off
    import_legally(world)
    assert world.markets.state_grain_kg.sum() == 0.0
    world.prices[GRAIN] = 2.0 * landed
    import_legally(world)
    persons = world.households.members.sum()
    assert world.markets.state_grain_kg.sum() == pytest.approx(world.p.grain_import_kg_per_person_month * persons)
    assert (world.markets.state_grain_kg[~world.geo.border] == 0).all()
    check_accounts(world)


def test_settlement_hands_profit_and_spare_cash_to_the_household():
    world = hand_built_world(household_draw_share=0.5, working_capital_months=2.0)
    everyone_in_town(world, won=0.0)
    add_traders(world, [0, 1], won=[1_000.0, 1_000.0], worth_at_start_won=[900.0, 900.0])
    world.traders.sales_won = [1_000.0, 100.0]  # keeps 2 months of sales as working capital
    settle_accounts(world)
    assert world.traders.profit_won.tolist() == pytest.approx([100.0, 100.0])
    assert world.traders.draw_won.tolist() == pytest.approx([50.0, 800.0])
    assert world.households.won[[0, 1]].tolist() == pytest.approx([50.0, 800.0])


def test_births_go_to_households_not_starving_and_are_booked():
    world = hand_built_world(birth_rate_per_person_year=6.0, death_rate_per_person_year=0.0)
    everyone_in_town(world, members=10, intake_share=0.65)  # hungry (below 0.7) but not starving
    world.households.intake_share[:15] = 0.2  # starving
    births_and_deaths(world)
    h = world.households
    assert (h.members[:15] == 10).all() and h.members[15:].sum() > 150
    assert world.ledger.this_month("persons", "births") == (h.members - 10).sum()


def test_cart_traders_who_can_pay_take_stalls_where_tolerated():
    for tolerance in (0.0, 1.0):
        world = hand_built_world()
        everyone_in_town(world)
        add_traders(world, range(6), won=[1e6, 1e6, 1e6, 0.0, 0.0, 0.0], stall=False)
        set_drivers(world, market_tolerance=tolerance, stall_fee_won_per_day=10.0)
        take_stalls(world)
        assert world.traders.stall.tolist() == [tolerance == 1.0] * 3 + [False] * 3


def test_training_starts_businesses_at_the_scheduled_rate():
    world = hand_built_world(households=3_000)
    set_drivers(world, training_startups_per_year=12 * 40 * world.weight)  # 40 a month in world units
    start_trained_businesses(world)
    assert world.traders.n_active == pytest.approx(40, abs=20)


def test_smuggling_is_taken_up_in_border_towns_only_and_not_at_a_closed_border():
    for enforcement in (0.0, 1.0):
        world = hand_built_world(households=2_000, smuggler_entry_rate_per_month=1.0)
        world.prices[IMPORTS] *= 10  # a crossing pays
        set_drivers(world, border_enforcement=enforcement, sanctions=0.0)
        enter_smuggling(world)
        homes = world.smugglers.household
        if enforcement == 1.0:
            assert len(homes) == 0
        else:
            on_border = world.geo.border[world.households.town]
            assert len(homes) == on_border.sum() > 0
            assert on_border[homes].all()


def test_new_remittance_families_are_drawn_in_proportion_to_nearness_to_the_border():
    world = small_model(households=3_000).world
    picks = _draw_near_border(world, 20_000, world.rng("test"))
    assert len(picks) == 20_000 and world.households.active[picks].all()
    nearness = 1.0 / (1.0 + world.geo.y[world.households.town] / 5.0)  # the weight of each household
    expected = (nearness**2).sum() / nearness.sum()  # mean nearness of a draw proportional to nearness
    assert nearness[picks].mean() == pytest.approx(expected, rel=0.02)
    assert nearness[picks].mean() > nearness.mean() * 1.05  # border towns are favoured
