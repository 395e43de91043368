"""The array-backed design seen from Mesa: handles on rows, agent sets, the grid."""

import gc
import weakref

import numpy as np
import pandas as pd
from conftest import small_model, tiny_model

from sim.agents import BULK_AT_LEAST, Household, Official, Smuggler, Trader
from sim.world import NOBODY


def test_agents_are_mesa_handles_on_their_rows():
    model = tiny_model()
    households = model.agents_by_type[Household]
    assert len(households) == model.world.households.n_active
    agent = households[0]
    agent.food_kg = 123.0
    assert model.world.households.food_kg[agent.row] == 123.0
    model.world.households.won[agent.row] = 7.0
    assert agent.won == 7.0
    assert model.handle("households", agent.row) is agent
    assert agent.town_cell in list(model.grid.all_cells)


def test_handles_made_in_bulk_are_registered_as_mesa_registers_one():
    model = small_model(households=BULK_AT_LEAST + 500, end="1990-03")  # households take the bulk path
    one_by_one = Household(model, 0)  # Mesa's own registration, for comparison
    households = model.agents_by_type[Household]
    assert len(households) == model.world.households.n_active + 1
    bulk = households[5]
    assert vars(bulk).keys() == vars(one_by_one).keys()
    ids = [agent.unique_id for agent in model.agents]
    assert len(set(ids)) == len(ids)
    before, everyone = len(households), len(model.agents)
    bulk.remove()  # Mesa's deregistration finds it in every registry
    assert len(model.agents_by_type[Household]) == before - 1 and len(model.agents) == everyone - 1
    assert bulk not in set(model.agents)
    model.run()  # and the model runs on


def test_a_model_no_longer_used_is_freed():
    """Mesa 3.3 keeps every model in `Agent._ids` (mesa/mesa#3179); ours must not, or sweeps and notebooks
    that make many models run out of memory."""
    model = small_model(households=BULK_AT_LEAST + 500, end="1990-03")
    model.run()
    Trader(model, 0)  # one by one, through `Agent.__init__`, as well as in bulk
    freed = weakref.ref(model)
    del model
    gc.collect()
    assert freed() is None


def test_officials_sit_in_their_market_towns():
    model = tiny_model()
    officials = model.agents_by_type[Official]
    assert len(officials) == model.world.n_towns
    for official in officials:
        assert official.cell is model.town_cells[official.town]
        assert official.cell.coordinate == (
            int(model.world.geo.x[official.town]),
            int(model.world.geo.y[official.town]),
        )


def test_handles_follow_entry_and_exit_and_agentset_queries_work():
    model = small_model(end="2000-12")
    model.run()
    traders = model.agents_by_type[Trader]
    assert len(traders) == model.world.traders.n_active > 0
    women = traders.select(lambda trader: trader.woman)
    assert len(women) == int((model.world.traders.active & model.world.traders.woman).sum())
    assert Smuggler not in model.agents_by_type or len(model.agents_by_type[Smuggler]) == model.world.smugglers.n_active
    assert len(model.agents) == sum(len(agent_set) for agent_set in model.agents_by_type.values())


def test_border_towns_are_on_row_zero():
    model = small_model()
    assert model.world.geo.border.any() and (~model.world.geo.border).any()
    assert (model.world.geo.y[model.world.geo.border] == 0).all() and (
        model.world.geo.y[~model.world.geo.border] > 0
    ).all()
    assert np.isfinite(model.world.prices).all()


def test_compacting_the_trader_table_changes_nothing_but_row_numbers(monkeypatch):
    import sim.world

    default = small_model(end="2002-12")
    default.run()
    monkeypatch.setattr(sim.world, "COMPACT_AT_LEAST_ROWS", 1)  # compact as soon as a quarter of rows departed
    model = small_model(end="2002-12", check_invariants=True)
    while model.date < "2002-09":  # late enough that some traders are still trading at the end
        model.step()
    homes = {trader: trader.household for trader in model.agents_by_type[Trader]}
    model.run()
    pd.testing.assert_frame_equal(model.timeseries(), default.timeseries())
    t, h = model.world.traders, model.world.households
    assert len(t) < len(default.world.traders)  # compacted: fewer rows for the same traders
    linked = np.flatnonzero(h.trader != NOBODY)
    assert np.array_equal(np.sort(h.trader[linked]), np.flatnonzero(t.active))  # each active trader, once
    assert np.array_equal(t.household[h.trader[linked]], linked)  # and back
    still_trading = [trader for trader in model.agents_by_type[Trader] if trader in homes]
    assert still_trading and all(trader.household == homes[trader] for trader in still_trading)  # handles follow
    assert len(model.agents_by_type[Trader]) == t.n_active
