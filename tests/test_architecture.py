"""The shape of the code: one declared world, processes that never reach the model, paired random streams."""

import ast
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import small_model
from worlds import hand_built_world

from sim import Parameters, results
from sim.accounting import AccountingError, check_accounts
from sim.agents import AGENT_TYPES
from sim.core.streams import RandomStreams
from sim.drivers import Drivers
from sim.indicators import measure
from sim.world import Tally

SIM = Path(__file__).resolve().parents[1] / "sim"
BELOW_THE_MODEL = [*sorted((SIM / "processes").glob("*.py")), SIM / "indicators.py", SIM / "accounting.py",
                   SIM / "world.py", SIM / "initialization.py"]  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (TYPE_CHECKING blocks and functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", BELOW_THE_MODEL, ids=lambda path: path.name)
def test_processes_indicators_and_accounts_never_import_the_model(path):
    imports = imported_modules(path)
    assert not {name for name in imports if name == "sim.model" or name.startswith("sim.model.")}
    assert "sim.visualization" not in {name.rsplit(".", 1)[0] for name in imports}


def test_every_column_has_a_handle_property_with_its_description():
    for table_name, agent_type in AGENT_TYPES.items():
        for name, column in agent_type.columns.items():
            assert isinstance(getattr(agent_type, name), property), (table_name, name)
            assert getattr(agent_type, name).__doc__ == column.doc
    model = small_model(end="1990-02")
    household = model.agents_by_type[AGENT_TYPES["households"]][0]
    household.food_kg = 9.0
    assert model.world.households.food_kg[household.row] == 9.0


def test_the_drivers_are_the_parameters_schedules():
    schedules = {f.name for f in fields(Parameters) if "Schedule" in str(f.type)}
    assert {f.name for f in fields(Drivers)} == schedules


def test_a_mistyped_tally_is_an_error_not_a_silent_zero():
    tally = Tally()
    tally.crossings += 2
    with pytest.raises(AttributeError):
        tally.crosings += 1  # noqa: B018 (the point of the test)
    with pytest.raises(AttributeError):
        tally.add("traders_exits", 1.0)


def test_measuring_twice_gives_the_same_values_and_changes_nothing():
    model = small_model(end="1996-06")
    model.run()
    world = model.world
    before = {name: getattr(world.households, name).copy() for name in world.households.columns}
    first, second = measure(world), measure(world)
    assert first == second
    assert all(np.array_equal(before[name], getattr(world.households, name)) for name in before)


def test_the_books_catch_stock_left_with_a_departed_agent():
    model = small_model(end="1996-12", check_invariants=True)
    model.run()
    world = model.world
    gone = np.flatnonzero(~world.traders.active)
    assert len(gone) > 0
    world.traders.stock[gone[0]] += 1.0
    world.ledger.record("grain_kg" if world.traders.good[gone[0]] == 0 else "import_units", "test", 1.0)
    with pytest.raises(AccountingError, match="agents that have left"):
        check_accounts(world)


def test_a_process_draws_from_its_own_stream_whatever_the_others_draw():
    quiet, busy = RandomStreams(5), RandomStreams(5)
    busy.generator("crack_down", 300).random(1_000)  # another process draws a lot this month
    assert quiet.generator("smuggle", 300).random(3).tolist() == busy.generator("smuggle", 300).random(3).tolist()
    assert quiet.generator("smuggle", 301).random() != quiet.generator("smuggle", 302).random()
    assert RandomStreams(5).generator("smuggle", 300).random() != RandomStreams(6).generator("smuggle", 300).random()


def test_a_late_change_leaves_every_earlier_month_identical_to_the_bit():
    late = {1990: 0.0, "2006-10": 0.15, "2017-01": 0.9}
    baseline = small_model(seed=4, end="2018-12", sanctions={1990: 0.0, "2006-10": 0.15}).run()
    changed = small_model(seed=4, end="2018-12", sanctions=late).run()
    before = baseline["date"] < "2017-01-01"
    pd.testing.assert_frame_equal(baseline[before], changed[before])
    assert not baseline[~before].equals(changed[~before])


def test_paired_runs_give_a_smaller_standard_error_than_unpaired():
    frames = {"no_phones": [], "baseline": []}
    for seed in (1, 2, 3, 4, 5):
        for name, phones in (("no_phones", 0.0), ("baseline", Parameters().phone_subscriptions)):
            series = small_model(seed=seed, end="2014-12", phone_subscriptions=phones).run()
            frames[name].append(series.assign(seed=seed))
    scenario, baseline = (pd.concat(frames[name]) for name in ("no_phones", "baseline"))
    paired = results.paired_difference(scenario, baseline, "market_reliance_share", "2010", "2014")
    assert paired["pairs"] == 5
    assert paired["se_paired"] < paired["se_unpaired"]


def test_a_hand_built_world_runs_a_process_without_a_model():
    world = hand_built_world()
    assert not hasattr(world, "model")
    assert world.households.n_active == 30 and world.residents_per_town.tolist() == [10.0, 10.0, 10.0]


def test_the_season_of_an_output_is_taken_run_by_run_and_month_by_month():
    dates = pd.date_range("2012-01-01", "2014-12-01", freq="MS")
    runs = []
    for replicate, rise in enumerate((0.1, 0.3)):  # each run's price rises in July by its own amount
        price = 100.0 * np.exp(np.cumsum(np.where(dates.month == 7, rise, 0.0)))
        runs.append(pd.DataFrame({"scenario": "s", "run_id": f"r{replicate}", "replicate": replicate, "seed": replicate,
                                  "date": dates, "price": price}))  # fmt: skip
    frame = pd.concat(runs[::-1])  # runs out of order: the changes are still taken within each run
    season = results.by_calendar_month(frame, "price", "2012", "2014", log_change=True).set_index("month")
    assert season.loc[7, "mean"] == pytest.approx(0.2) and season.loc[7, "runs"] == 2
    assert season.loc[7, "low"] == pytest.approx(0.11) and season.loc[7, "high"] == pytest.approx(0.29)
    assert season.drop(index=7)["mean"].abs().max() == pytest.approx(0.0)  # January never meets the other run
    levels = results.by_calendar_month(frame, "price", "2013-01", "2013-12").set_index("month")
    assert levels.loc[6, "mean"] == pytest.approx(100.0 * (np.exp(0.1) + np.exp(0.3)) / 2)
    one_run = runs[0][["date", "price"]]  # as a model's own series has it: no columns before the date
    alone = results.by_calendar_month(one_run, "price", "2012", "2014", log_change=True).set_index("month")
    assert alone.loc[7, "mean"] == pytest.approx(0.1) and alone.loc[7, "runs"] == 1
