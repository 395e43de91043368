"""Calibration: targets from seeds/, the scorecard, the fit and the sensitivity analysis."""

import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sim.calibration.checks import checks, figure_period, format_checks
from sim.calibration.free_parameters import FREE_PARAMETERS, Free
from sim.calibration.run import _search_bounds
from sim.calibration.targets import MAX_MISS, SEEDS_DIR, Target, load_targets
from sim.cli import app
from sim.core.schedule import to_month
from sim.indicators import INDICATORS
from sim.scenarios import load_scenario

SMALL = ["--set", "households=600", "--set", "market_towns=20", "--set", "grid_width=10", "--set", "grid_height=10"]
runner = CliRunner()


def test_targets_cite_figures_and_name_outputs():
    targets = load_targets()
    assert len(targets) >= 12
    assert all(target.output in INDICATORS for target in targets)
    required = {"reliance_before_famine", "reliance_2016_2017", "famine_deaths", "informal_income_share",
                "women_among_traders", "official_markets_2014_2018", "no_collapse_after_sanctions"}  # fmt: skip
    assert required <= {target.name for target in targets}


def test_target_statistics_on_a_hand_made_series():
    dates = pd.date_range("1990-01-01", periods=36, freq="MS")
    series = pd.DataFrame({"date": dates, "x": [1.0] * 12 + [2.0] * 12 + [4.0] * 12})
    mean = Target(
        name="m", figure="f", output="x", statistic="mean", period=("1991-01", "1991-12"), band=(1.5, 2.5), basis=""
    )
    last = mean.model_copy(update={"statistic": "last", "period": ("1990-01", "1992-12"), "band": (5, None)})
    ratio = mean.model_copy(
        update={"statistic": "ratio", "period": ("1992-01", "1992-12"), "reference": ("1990-01", "1990-12")}
    )
    assert mean.value(series) == 2.0 and mean.passes(2.0) and mean.miss(2.0) == 0
    assert last.value(series) == 4.0 and not last.passes(4.0) and last.miss(4.0) == pytest.approx(0.2)
    assert ratio.value(series) == 4.0 and ratio.miss(4.0) == pytest.approx(1.5)
    change = mean.model_copy(
        update={"statistic": "change", "period": ("1992-01", "1992-12"), "reference": ("1990-01", "1991-12")}
    )
    assert change.value(series) == 2.0


def test_a_figure_s_period_reads_years_months_and_spans_of_either():
    assert figure_period("2011") == (to_month("2011-01"), to_month("2011-12"))
    assert figure_period("2009-12") == (to_month("2009-12"), to_month("2009-12"))
    assert figure_period("2011-2012") == (to_month("2011-01"), to_month("2012-12"))
    assert figure_period("2014 to 2017") == (to_month("2014-01"), to_month("2017-12"))
    assert figure_period("2002-01 to 2002-06") == (to_month("2002-01"), to_month("2002-06"))


def test_checks_set_each_reported_figure_against_the_runs_geometric_mean(tmp_path):
    figures = pd.DataFrame(
        [
            ["rice_price_a", None, 100, 200, "won per kg", "2001", "range"],
            ["fx_rate_a", 50, None, None, "won per US dollar", "2001-06", "one value"],
            ["fx_rate_b", None, 10, 20, "won per yuan", "2001 to 2001", "range, per yuan"],
            ["wage_in_rice_a", None, None, 1, "kg of rice a month", "2000-2001", "an upper bound alone"],
            ["rice_price_late", None, 5, 6, "won per kg", "2030", "beyond the runs"],
            ["population_x", 7, None, None, "persons", "2001", "not a check"],
        ],
        columns=["id", "value", "low", "high", "unit", "when", "figure"],
    )
    figures.to_csv(tmp_path / "figures.csv", index=False)
    dates = pd.date_range("2000-01-01", periods=24, freq="MS")
    runs = pd.concat(
        pd.DataFrame(
            {
                "run_id": run,
                "date": dates,
                "grain_price_won_per_kg": price,
                "won_per_dollar": 25.0,
                "won_per_yuan": 15.0,
                "wage_in_grain_kg": 2.0,
            }
        )  # fmt: skip
        for run, price in ((0, 100.0), (1, 400.0))
    )
    table = checks(runs, seeds=tmp_path).set_index("figure")
    assert list(table.index) == ["rice_price_a", "fx_rate_a", "fx_rate_b", "wage_in_rice_a"]
    rice = table.loc["rice_price_a"]  # runs at 100 and 400: geometric mean 200, the range's top
    assert rice["simulated"] == pytest.approx(200.0) and rice["outside_by"] == pytest.approx(1.0)
    assert rice["ratio_to_middle"] == pytest.approx(200.0 / (100.0 * 200.0) ** 0.5)
    assert (rice["simulated_min"], rice["simulated_max"]) == (100.0, 400.0)
    assert table.loc["fx_rate_a", "output"] == "won_per_dollar" and table.loc[
        "fx_rate_a", "outside_by"
    ] == pytest.approx(2.0)
    assert table.loc["fx_rate_b", "output"] == "won_per_yuan" and table.loc["fx_rate_b", "outside_by"] == pytest.approx(
        1.0
    )
    wage = table.loc["wage_in_rice_a"]  # at most 1 kg reported; 2 simulated
    assert (
        wage["outside_by"] == pytest.approx(2.0)
        and wage["ratio_to_middle"] == pytest.approx(2.0)
        and pd.isna(wage["reported_low"])
    )
    summary = format_checks(table.reset_index())
    assert "rice prices: 1 of 1 inside" in summary and "market rates of the won: 1 of 2 inside" in summary


def test_a_log_scale_target_measures_its_miss_in_factors():
    price = Target(name="p", figure="f", output="x", statistic="mean", period=("1990-01", "1990-12"),
                   band=(100.0, 400.0), scale_of_miss="log", basis="")  # fmt: skip
    assert price.miss(200.0) == 0.0
    assert price.miss(800.0) == pytest.approx(0.5) and price.miss(50.0) == pytest.approx(0.5)  # a factor 2 out
    assert price.miss(0.0) == MAX_MISS and price.miss(1e9) == MAX_MISS  # capped


def test_the_chance_that_a_single_run_passes_weighs_the_margin_against_the_runs_spread():
    share = Target(name="s", figure="f", output="x", statistic="mean", period=("1990-01", "1990-12"),
                   band=(0.7, 1.0), basis="")  # fmt: skip
    assert share.single_run_pass(np.array([0.8, 0.8])) == 1.0 and share.single_run_pass(np.array([0.6])) == 0.0
    # a mean on the edge passes half the runs, one a standard deviation inside it 84%, one far inside all
    assert share.single_run_pass(np.array([0.69, 0.71])) == pytest.approx(0.5)
    assert share.single_run_pass(np.array([0.70, 0.71, 0.72])) == pytest.approx(0.8413, abs=1e-4)
    assert share.single_run_pass(np.array([0.84, 0.86])) == pytest.approx(1.0)
    assert share.single_run_pass(np.array([0.8, np.nan])) == 0.0
    # a log-scale band is judged in factors: runs at half and twice the middle of a 1-to-16 band lie a
    # factor 4 (root 2 of their log spread) inside either edge
    price = share.model_copy(update={"band": (1.0, 16.0), "scale_of_miss": "log"})
    assert price.single_run_pass(np.array([2.0, 8.0])) == pytest.approx(math.erf(1.0))


def test_the_simulation_never_reads_the_targets(tmp_path):
    """Change every target band (and break the file): the simulated series stay the same to the bit."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    targets = yaml.safe_load((seeds / "targets.yaml").read_text())
    for target in targets:
        target["band"] = [123.0, 456.0]
    (seeds / "targets.yaml").write_text(yaml.safe_dump(targets))
    code = (
        "import sys, hashlib; from sim import JangmadangModel; "
        "s = JangmadangModel(seed=2, households=500, end='1996-12').run(); "
        "print(hashlib.sha256(s.to_csv().encode()).hexdigest()); "
        "print(sorted(m for m in sys.modules if m.startswith('sim.calibration')))"
    )
    changed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={"JANGMADANG_SEEDS": str(seeds), "PATH": ""})  # fmt: skip
    (seeds / "targets.yaml").write_text("not: [valid")
    broken = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"JANGMADANG_SEEDS": str(seeds), "PATH": ""})  # fmt: skip
    normal = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert changed.stdout == broken.stdout == normal.stdout
    assert normal.stdout.strip().endswith("[]")  # the calibration package was not even imported


def test_no_simulation_module_imports_the_calibration_package():
    sim = Path(__file__).parents[1] / "sim"
    for path in sim.rglob("*.py"):
        if "calibration" in path.parts or path.name == "cli.py":
            continue
        assert "sim.calibration" not in path.read_text(), path


def test_the_scorecard_runs_and_its_exit_code_says_whether_every_target_passes(tmp_path):
    result = runner.invoke(app, ["calibrate", "--replicates", "2", *SMALL, "--out", str(tmp_path)])
    card = pd.read_csv(tmp_path / "scorecard.csv")
    assert len(card) == len(load_targets()) and set(card["runs"]) == {2}
    assert result.exit_code == (0 if card["passes"].all() else 1), result.output
    assert "targets pass" in result.output and (tmp_path / "targets.png").stat().st_size > 50_000
    checked = pd.read_csv(tmp_path / "checks.csv")  # the reported prices and rates, not targets
    assert {"rice_price_2008", "fx_rate_2013"} <= set(checked["figure"]) and (checked["simulated"] > 0).all()
    assert "market rates of the won:" in result.output


def test_fit_writes_a_scenario_that_extends_the_base_and_stays_in_bounds(tmp_path):
    out = tmp_path / "fitted.yaml"
    result = runner.invoke(app, ["fit", "--trials", "2", "--replicates", "1", *SMALL, "--set", "end=1996-12",
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    fitted = yaml.safe_load(out.read_text())
    assert fitted["extends"] == "baseline" and set(fitted["parameters"]) == set(FREE_PARAMETERS)
    for name, value in fitted["parameters"].items():
        assert FREE_PARAMETERS[name].low <= value <= FREE_PARAMETERS[name].high
    assert load_scenario(out).parameters.bribe_protection == load_scenario("baseline").parameters.bribe_protection
    trials = pd.read_csv(out.with_suffix(".trials.csv"))  # the loss: summed miss + expected single-run misses
    assert np.allclose(trials["value"], trials["user_attrs_summed_miss"] + trials["user_attrs_expected_failures"])
    assert (trials["user_attrs_expected_failures"] >= len(load_targets()) - trials["user_attrs_passes"]).all()


def test_sensitivity_writes_mu_star_for_every_parameter_and_target(tmp_path):
    result = runner.invoke(app, ["sensitivity", "--trajectories", "2", *SMALL, "--set", "end=1999-12",
                                 "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "sensitivity.csv")
    assert len(table) == len(FREE_PARAMETERS) * len(load_targets())
    assert (table["mu_star"] >= 0).all() and (tmp_path / "sensitivity.png").is_file()


def test_the_baseline_is_the_calibrated_model_with_its_free_parameters_in_bounds():
    """The fitted values are the defaults: the baseline scenario changes none of them."""
    from sim import Parameters

    baseline = load_scenario("baseline")
    assert not set(FREE_PARAMETERS) & set(baseline.settings["parameters"])
    for name, free in FREE_PARAMETERS.items():
        assert free.low <= getattr(Parameters(), name) <= free.high, name


def test_a_polishing_fit_searches_near_the_current_values_within_the_bounds():
    free = Free(0.0, 2.0, "a rate")
    assert _search_bounds(free, 1.0, None) == (0.0, 2.0)
    assert _search_bounds(free, 1.0, 0.1) == pytest.approx((0.8, 1.2))
    assert _search_bounds(free, 0.1, 0.1) == pytest.approx((0.0, 0.3))  # clipped at the bound
