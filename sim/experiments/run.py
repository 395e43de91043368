"""One run of a scenario, with its outputs: the monthly series, the per-town series, a dashboard, a manifest."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.experiments.provenance import environment, write_atomically, write_json
from sim.model import JangmadangModel
from sim.scenarios import Scenario
from sim.visualization.dashboard import plot_dashboard


@dataclass(frozen=True)
class RunResult:
    series: pd.DataFrame
    out_dir: Path
    seconds: float
    households: int


def simulate(scenario: Scenario) -> JangmadangModel:
    """Run a scenario's model to its end month with the scenario's seed."""
    model = JangmadangModel(seed=scenario.seed, **scenario.parameters.as_kwargs())
    model.run()
    return model


def run_scenario(scenario: Scenario, out_dir: Path, overrides: dict | None = None) -> RunResult:
    """Run and write `timeseries.csv`, `markets.parquet` (one row per town per month: Parquet, as CSV it is
    large and slow to write), `dashboard.png` and `manifest.json` into `out_dir`."""
    started = time.perf_counter()
    model = simulate(scenario)
    seconds = time.perf_counter() - started
    series = model.timeseries()
    write_atomically(out_dir / "timeseries.csv", lambda path: series.to_csv(path, index=False, date_format="%Y-%m"))
    markets = model.market_timeseries()
    write_atomically(out_dir / "markets.parquet", lambda path: markets.to_parquet(path, index=False))
    write_atomically(
        out_dir / "dashboard.png",
        lambda path: plot_dashboard(series, path, title=f"Jangmadang: {scenario.name}", image_format="png"),
    )
    write_json(
        out_dir / "manifest.json",
        {
            "kind": "run",
            "scenario": scenario.name,
            "scenario_files": scenario.texts,
            "scenario_hash": scenario.digest,
            "overrides": overrides or {},
            "seed": scenario.seed,
            "households": scenario.parameters.households,
            "seconds": seconds,
            "environment": environment(),
        },
    )
    return RunResult(series, out_dir, seconds, scenario.parameters.households)


def summary_lines(result: RunResult) -> list[str]:
    """A few headline figures of a run, for the terminal."""
    s = result.series.set_index("date")

    def at(column: str, year: int) -> float | None:
        rows = s.loc[s.index.year == year, column]
        return float(rows.mean()) if len(rows) else None

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{100 * value:.1f}%"

    last = s.iloc[-1]
    return [
        f"Simulated {len(s)} months ({s.index[0]:%Y-%m} to {s.index[-1]:%Y-%m}) with {result.households:,} "
        f"household agents in {result.seconds:.1f} s.",
        "Market reliance: "
        + ", ".join(f"{pct(at('market_reliance_share', year))} in {year}" for year in (1992, 1998, 2017))
        + ".",
        f"Famine deaths by 2000: {s.loc[s.index.year <= 2000, 'excess_deaths_cumulative'].max():,.0f}; "
        f"population at the end: {last['population']:,.0f}.",
        f"Women among traders at the end: {pct(last['women_share_of_traders'])}; "
        f"official markets: {last['markets']:.0f}; stalls: {last['stalls']:,.0f}.",
        f"Outputs in {result.out_dir}: timeseries.csv, markets.parquet, dashboard.png, manifest.json",
    ]
