"""Regression baseline: a stored summary of a reference run, so a change in behaviour is seen and explained.

When a change is meant to alter the model's behaviour, regenerate the summary and commit it with the
change:  JANGMADANG_UPDATE_BASELINE=1 .venv/bin/pytest tests/test_regression.py
"""

import json
import os
import platform
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import small_model

BASELINE = Path(__file__).parent / "regression_baseline.json"
COLUMNS = (
    "population",
    "market_reliance_share",
    "traders",
    "women_share_of_traders",
    "smugglers",
    "grain_price_won_per_kg",
    "import_price_won_per_unit",
    "won_per_yuan",
    "hunger_rate",
    "excess_deaths_cumulative",
    "informal_income_share",
    "remittances_yuan",
)
YEARS = (1992, 1996, 1998, 2003, 2008)


def summary() -> dict[str, dict[str, float]]:
    series = small_model(seed=1, end="2008-12").run()
    yearly = series.groupby(series["date"].dt.year)[list(COLUMNS)].mean()
    return {column: {str(year): float(yearly.loc[year, column]) for year in YEARS} for column in COLUMNS}


def environment() -> dict[str, str]:
    """Where a summary was made: the same code has given different runs on another machine or library
    set (2026-12-02: a baseline written on one session's machine did not reproduce on the next one's)."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), platform.processor())
    packages = {name: version(name) for name in ("numpy", "numba", "llvmlite", "pandas", "mesa")}
    return {"python": platform.python_version(), "machine": platform.machine(), "cpu": cpu, **packages}


def test_reference_run_matches_the_stored_summary():
    current = summary()
    if os.environ.get("JANGMADANG_UPDATE_BASELINE"):
        BASELINE.write_text(json.dumps({**current, "environment": environment()}, indent=1, sort_keys=True) + "\n")
        pytest.skip("regression baseline rewritten")
    stored = json.loads(BASELINE.read_text())
    changed = [
        f"{column} {year}: stored {stored[column][year]:.6g}, now {current[column][year]:.6g}"
        for column in COLUMNS
        for year in stored[column]
        if current[column][year] != pytest.approx(stored[column][year], rel=1e-6, abs=1e-9)
    ]
    where = f"stored on {stored.get('environment', 'an unrecorded environment')}, now on {environment()}"
    assert not changed, (
        "behaviour changed; if intended, regenerate (see module docstring):\n" + "\n".join(changed) + "\n" + where
    )
