"""The `jangmadang` command as a user runs it: outputs written, bad input refused with exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

JANGMADANG = str(Path(sys.executable).parent / "jangmadang")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([JANGMADANG, *args], capture_output=True, text=True, timeout=300)


def test_run_writes_the_series_the_town_table_and_the_dashboard(tmp_path):
    result = run("run", "--set", "households=800", "--set", "end=1995-12", "--out", str(tmp_path), "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "dashboard.png" in result.stdout and "Market reliance" in result.stdout
    series = pd.read_csv(tmp_path / "timeseries.csv")
    assert len(series) == 72 and series["date"].iloc[0] == "1990-01" and series["date"].iloc[-1] == "1995-12"
    assert {"population", "market_reliance_share", "won_per_yuan", "hunger_rate"} <= set(series.columns)
    towns = pd.read_parquet(tmp_path / "markets.parquet")
    assert len(towns) == 72 * 500
    png = (tmp_path / "dashboard.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["overrides"] == {"households": 800, "end": "1995-12"}
    assert "name: baseline" in next(iter(manifest["scenario_files"].values()))
    assert manifest["environment"]["packages"]["mesa"].startswith("3.3")


def test_bad_input_gets_one_clear_line_and_exit_code_2(tmp_path):
    result = run("run", "--set", "households=800", "--set", "end=1989-06", "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == "jangmadang: --set: end: 1989-06 is before start 1990-01."
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "timeseries.csv").exists()
    assert run("run", "--seed", "-1").returncode == 2
    bad_date = run("run", "--set", "end=1995-13")
    assert bad_date.returncode == 2 and "end: not a date" in bad_date.stderr
    assert run("run", "no_such_scenario").returncode == 2


def test_scale_is_full_a_ratio_or_a_number_and_a_bad_one_is_refused(tmp_path):
    from sim.parameters import Parameters

    assert Parameters.build(households="full").households == Parameters.real_households == 5_887_471
    assert Parameters.build(households="1:1000").households == 5_887
    assert Parameters.build(households="full", real_households=1_000).households == 1_000
    result = run("run", "--scale", "1:10000", "--set", "market_towns=20", "--set", "end=1990-06",
                 "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "manifest.json").read_text())["overrides"]["households"] == "1:10000"
    for bad in ("half", "1:0", "2:100"):
        refused = run("run", "--scale", bad, "--out", str(tmp_path / bad))
        assert refused.returncode == 2 and "households:" in refused.stderr and "'full'" in refused.stderr
        assert "Traceback" not in refused.stderr
