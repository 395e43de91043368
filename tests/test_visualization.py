"""The browser app's model and pictures, without a browser: knobs map onto drivers, drawing leaves runs alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim import JangmadangModel
from sim.core.schedule import Schedule, to_month
from sim.scenarios import load_scenario
from sim.visualization.explorer import ExplorerModel, explorer_settings
from sim.visualization.panels import AGENTS_DRAWN_PER_TYPE, agent_sample, draw_charts, draw_map

SMALL_RUN = {"households": 2_000}
SHORT = 30  # months


def test_knobs_at_one_reproduce_the_scenario():
    settings = explorer_settings("sanctions_2017_mild", households=2_000)
    scenario = load_scenario("sanctions_2017_mild").parameters
    for driver in ("sanctions", "border_enforcement", "harvest_mt", "market_tolerance", "phone_subscriptions"):
        assert settings[driver].values == getattr(scenario, driver).values, driver
    assert settings["households"] == 2_000 and settings["market_towns"] == 50


def test_explorer_model_runs_as_the_scenario_would():
    explorer = ExplorerModel(seed=3, **SMALL_RUN)
    plain = JangmadangModel(seed=3, **explorer_settings(**SMALL_RUN))
    for model in (explorer, plain):
        for _ in range(SHORT):
            model.step()
    pd.testing.assert_frame_equal(explorer.timeseries(), plain.timeseries())


def test_knobs_change_the_drivers():
    settings = explorer_settings(households=2_000, sanction_intensity=0.5, famine_severity=0.0,
                                 border_closes_2020=False, remittances=2.0)  # fmt: skip
    base = load_scenario("baseline").parameters
    assert max(settings["sanctions"].values) == 0.5 * max(base.sanctions.values)
    assert min(settings["harvest_mt"].values) == base.harvest_mt.values[0]  # no shortfall at all
    assert settings["border_enforcement"].at(to_month("2020-06")) == base.border_enforcement.at(to_month("2019-06"))
    assert settings["remittance_yuan_per_sender_year"].values[0] == 2 * base.remittance_yuan_per_sender_year.values[0]


def test_schedule_rescaling():
    schedule = Schedule.of({1990: 0.4, 1995: 0.8, 2000: 0.2})
    assert schedule.scaled(2.0, high=1.0).values == (0.8, 1.0, 0.4)
    assert schedule.deepened(2.0).values == (0.4, 0.8, 0.0)  # only falls below the first value deepen
    assert schedule.before(to_month("1996-01")).values == (0.4, 0.8)
    assert schedule.before(to_month("1980-01")).values == (0.4,)


def test_drawing_does_not_change_the_run():
    watched, unwatched = ExplorerModel(seed=5, **SMALL_RUN), ExplorerModel(seed=5, **SMALL_RUN)
    for _ in range(SHORT):
        watched.step()
        unwatched.step()
        fig = Figure()
        draw_map(watched, fig.subplots())
        draw_charts(watched, Figure())
    pd.testing.assert_frame_equal(watched.timeseries(), unwatched.timeseries())


def test_the_map_draws_a_bounded_sample_of_agents():
    model = ExplorerModel(seed=1, households=20_000)
    model.step()
    rows = agent_sample(model, "households")
    assert len(rows) == AGENTS_DRAWN_PER_TYPE
    assert model.world.households.active[rows].all()
    assert np.array_equal(rows, agent_sample(model, "households"))  # the same dots from frame to frame
