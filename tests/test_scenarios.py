"""Scenario files: every shipped one runs; broken ones get one clear message and exit code 2."""

import textwrap

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.run import simulate
from sim.scenarios import SCENARIO_DIR, ScenarioError, list_scenarios, load_scenario

SHORT = {"households": 400, "market_towns": 30, "grid_width": 12, "grid_height": 12}
runner = CliRunner()


def test_every_shipped_scenario_validates_and_runs_its_full_span_at_small_scale():
    names = [name for name, _ in list_scenarios()]
    assert {"baseline", "no_famine", "sanctions_2017_mild", "border_closure_2020", "no_phones", "no_remittances",
            "crackdown", "training", "sanctions_relief"} <= set(names)  # fmt: skip
    for name in names:
        scenario = load_scenario(name)
        assert scenario.description.strip()
        series = simulate(scenario.with_overrides(SHORT)).timeseries()
        months = (int(scenario.parameters.end[:4]) - 1990) * 12 + int(scenario.parameters.end[5:])
        assert len(series) == months and series["population"].gt(0).all(), name
        assert not series.drop(columns="date").isna().any().any(), name


def test_extends_inherits_and_overrides():
    relief = load_scenario("sanctions_relief")
    assert relief.parameters.end == "2024-12"  # its own
    assert relief.parameters.households == 58_875  # from baseline, two levels up
    assert relief.parameters.sanctions.at(2021 * 12) == 0.3
    assert len(relief.texts) == 3


def test_overrides_by_path_change_one_point_of_a_schedule():
    scenario = load_scenario("baseline", {"drivers.sanctions.2017-08": 0.5, "bribe_protection": 0.1, "households": 10})
    assert scenario.parameters.sanctions.at(2017 * 12 + 7) == 0.5
    assert scenario.parameters.sanctions.at(2016 * 12 + 2) == 0.6  # the rest of the schedule is kept
    assert scenario.parameters.bribe_protection == 0.1 and scenario.parameters.households == 10


BROKEN = {
    "not YAML": ("name: x\ndescription: [unclosed\n", "not valid YAML"),
    "not a mapping": ("- a\n- b\n", "a mapping"),
    "missing description": ("name: x\n", "description: Field required"),
    "every problem at once": (
        "name: x\nsanctoins: 0.5\n",
        "description: Field required; sanctoins: unknown key (did you mean the driver 'sanctions'?",
    ),
    "unknown top-level key": ("name: x\ndescription: y\nnmae: z\n", "nmae: unknown key (did you mean 'name'?)"),
    "unknown parameter": (
        "name: x\ndescription: y\nparameters:\n  bribe_protectin: 0.5\n",
        "did you mean 'bribe_protection'",
    ),
    "unknown driver": ("name: x\ndescription: y\ndrivers:\n  sanctons: 0.5\n", "did you mean 'sanctions'"),
    "driver under parameters": ("name: x\ndescription: y\nparameters:\n  sanctions: 0.5\n", "put it under 'drivers'"),
    "parameter under drivers": (
        "name: x\ndescription: y\ndrivers:\n  bribe_protection: 0.5\n",
        "put it under 'parameters'",
    ),
    "wrong type": ("name: x\ndescription: y\nparameters:\n  bribe_protection: high\n", "valid number"),
    "share above 1": ("name: x\ndescription: y\nparameters:\n  bribe_protection: 1.5\n", "less than or equal to 1"),
    "negative amount": (
        "name: x\ndescription: y\nparameters:\n  smuggler_trip_load_yuan: -5\n",
        "greater than or equal to 0",
    ),
    "households not an integer": ("name: x\ndescription: y\nhouseholds: 10.5\n", "valid integer"),
    "too many towns": (
        "name: x\ndescription: y\nparameters:\n  market_towns: 40000\n",
        "market_towns: Input should be less than or equal to 32767",
    ),
    "households zero": ("name: x\ndescription: y\nhouseholds: 0\n", "greater than or equal to 1"),
    "bad date": ("name: x\ndescription: y\nend: 2020-13\n", "month must be 1-12"),
    "end before start": ("name: x\ndescription: y\nstart: 2000-01\nend: 1999-12\n", "before start"),
    "schedule out of order": (
        "name: x\ndescription: y\ndrivers:\n  sanctions: {2017: 0.9, 2016: 0.6}\n",
        "increasing order",
    ),
    "schedule value out of range": ("name: x\ndescription: y\ndrivers:\n  sanctions: {2016: 1.6}\n", "between 0 and 1"),
    "schedule not numbers": (
        "name: x\ndescription: y\ndrivers:\n  harvest_mt: {2016: lots}\n",
        "maps dates to numbers",
    ),
    "schedule bad kind": (
        "name: x\ndescription: y\ndrivers:\n  harvest_mt: {kind: cubic, 2016: 4}\n",
        "'step' or 'linear'",
    ),
    "missing parent": ("name: x\ndescription: y\nextends: nowhere\n", "no such scenario"),
    "negative seed": ("name: x\ndescription: y\nseed: -1\n", "seed"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_scenario_gets_one_clear_message_and_exit_code_2(tmp_path, case):
    text, expected = BROKEN[case]
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message.startswith(f"jangmadang: {path}") or "no such scenario" in message
    assert expected in message
    assert "Traceback" not in message and len(message.splitlines()) == 1


def test_an_extends_cycle_is_reported(tmp_path):
    (tmp_path / "a.yaml").write_text("name: a\ndescription: a\nextends: b\n")
    (tmp_path / "b.yaml").write_text("name: b\ndescription: b\nextends: a\n")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")


def test_bad_set_values_and_paths_exit_2():
    for args, expected in (
        (["--set", "households"], "expected key=value"),
        (["--set", "parameters.nothing=1"], "unknown parameter"),
        (["--set", "drivers.sanctions.2017-08=2"], "between 0 and 1"),
        (["--set", "wages.x=1"], "unknown setting"),
    ):
        result = runner.invoke(app, ["run", "baseline", *args])
        assert result.exit_code == 2 and expected in result.output, (args, result.output)


def test_shipped_scenarios_live_in_the_scenarios_folder():
    assert (SCENARIO_DIR / "baseline.yaml").is_file()
    assert textwrap.dedent(load_scenario("baseline").texts[str(SCENARIO_DIR / "baseline.yaml")]).startswith(
        "name: baseline"
    )
