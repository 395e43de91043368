"""Regression baseline: a stored summary of reference runs, so a change in behaviour is seen and explained.

Two checks. Bit for bit: the reference run (seed 1) gives exactly the stored yearly means, wherever the
causes of machine-to-machine differences are controlled (x86-64 with FMA, the package versions of the
lock file; see `sim.core.fmath`); elsewhere it is skipped, saying why. Statistically, on any machine:
the means over `SEEDS` runs lie within `TOLERANCE_SE` standard errors of the stored means, the standard
error set from the runs' spread, so a change in behaviour larger than a few standard errors fails.

When a change is meant to alter the model's behaviour, regenerate the summary and commit it with the
change:  JANGMADANG_UPDATE_BASELINE=1 .venv/bin/pytest tests/test_regression.py
"""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import small_model

from sim.experiments.provenance import cpu, package_versions

BASELINE = Path(__file__).parent / "regression_baseline.json"
COLUMNS = (
    "population",
    "market_reliance_share",
    "traders",
    "women_share_of_traders",
    "smugglers",
    "grain_price_won_per_kg",
    "grain_price_dispersion",
    "import_price_won_per_unit",
    "won_per_yuan",
    "hunger_rate",
    "excess_deaths_cumulative",
    "informal_income_share",
    "remittances_yuan",
)
YEARS = (1992, 1996, 1998, 2003, 2008, 2011, 2015, 2019)  # after 2009: phones, the redenomination
SEEDS = tuple(range(1, 13))
TOLERANCE_SE = 4.0  # the gap between two independent means of SEEDS runs, in standard errors of that gap
EXACT_PACKAGES = ("numpy", "numba", "llvmlite", "pandas", "mesa")


def yearly(seed: int) -> dict[str, dict[str, float]]:
    series = small_model(seed=seed).run()
    means = series.groupby(series["date"].dt.year)[list(COLUMNS)].mean()
    return {column: {str(year): float(means.loc[year, column]) for year in YEARS} for column in COLUMNS}


@pytest.fixture(scope="module")
def current() -> dict[int, dict[str, dict[str, float]]]:
    return {seed: yearly(seed) for seed in SEEDS}


def environment() -> dict:
    return {"packages": {name: package_versions()[name] for name in EXACT_PACKAGES}, "cpu": cpu()}


def spread(runs: dict[int, dict[str, dict[str, float]]]) -> dict[str, dict[str, list[float]]]:
    """Per column and year: the mean over the runs and its standard deviation."""
    return {
        column: {
            year: [float(np.mean(values := [runs[s][column][year] for s in runs])), float(np.std(values, ddof=1))]
            for year in map(str, YEARS)
        }
        for column in COLUMNS
    }


@pytest.fixture(scope="module")
def stored(current) -> dict:
    if os.environ.get("JANGMADANG_UPDATE_BASELINE"):
        document = {"exact": current[SEEDS[0]], "seeds": list(SEEDS), "means": spread(current),
                    "environment": environment()}  # fmt: skip
        BASELINE.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    return json.loads(BASELINE.read_text())


def not_comparable_bit_for_bit(stored_environment: dict) -> str | None:
    """Why this machine cannot be expected to give the stored run bit for bit, or None."""
    here = environment()
    if here["cpu"]["machine"] != "x86_64" or not here["cpu"]["fma"]:
        return f"not an x86-64 CPU with FMA ({here['cpu']['model']}): glibc's exp/log/pow take another path"
    if here["packages"] != stored_environment["packages"]:
        return f"packages {here['packages']} differ from the stored {stored_environment['packages']} (use the lock)"
    if here["cpu"]["libc"] != stored_environment["cpu"]["libc"]:
        return f"C library {here['cpu']['libc']} differs from the stored {stored_environment['cpu']['libc']}"
    return None


def test_reference_run_matches_the_stored_summary_bit_for_bit(current, stored):
    reason = not_comparable_bit_for_bit(stored["environment"])
    if reason:
        pytest.skip(reason + "; the statistical check below still runs")
    now = current[SEEDS[0]]
    changed = [
        f"{column} {year}: stored {stored['exact'][column][year]!r}, now {now[column][year]!r}"
        for column in COLUMNS
        for year in stored["exact"][column]
        if now[column][year] != stored["exact"][column][year]
    ]
    where = f"stored on {stored['environment']}, now on {environment()}"
    assert not changed, "behaviour changed; if intended, regenerate (module docstring):\n" + "\n".join(changed) + where


def test_means_over_seeds_match_the_stored_means_within_their_spread(current, stored):
    now = spread(current)
    n = len(SEEDS)
    off = []
    for column in COLUMNS:
        for year in map(str, YEARS):
            (mean, sd), (stored_mean, stored_sd) = now[column][year], stored["means"][column][year]
            se_gap = np.sqrt((sd**2 + stored_sd**2) / n)
            if abs(mean - stored_mean) > TOLERANCE_SE * se_gap + 1e-9 * abs(stored_mean):
                gap = (mean - stored_mean) / se_gap
                off.append(f"{column} {year}: stored {stored_mean:.6g}, now {mean:.6g} ({gap:+.1f} SE)")
    assert not off, "behaviour changed beyond the runs' spread; if intended, regenerate:\n" + "\n".join(off)
