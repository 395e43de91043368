"""Run the model once and write its outputs: the monthly series, the per-town series and a dashboard."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.model import JangmadangModel
from sim.visualization.dashboard import plot_dashboard


@dataclass(frozen=True)
class RunResult:
    series: pd.DataFrame
    timeseries_csv: Path
    markets_csv: Path
    dashboard_png: Path
    seconds: float
    households: int


def run_and_save(
    out_dir: Path, seed: int = 1, title: str = "Jangmadang baseline", **parameters: Any
) -> RunResult:
    """Run one simulation and write `timeseries.csv`, `markets.csv` and `dashboard.png` into `out_dir`."""
    started = time.perf_counter()
    model = JangmadangModel(seed=seed, **parameters)
    series = model.run()
    seconds = time.perf_counter() - started
    out_dir.mkdir(parents=True, exist_ok=True)
    timeseries_csv = out_dir / "timeseries.csv"
    series.to_csv(timeseries_csv, index=False, date_format="%Y-%m")
    markets_csv = out_dir / "markets.csv"
    model.market_timeseries().to_csv(markets_csv, index=False, date_format="%Y-%m")
    dashboard_png = plot_dashboard(series, out_dir / "dashboard.png", title=title)
    return RunResult(series, timeseries_csv, markets_csv, dashboard_png, seconds, model.p.households)


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
        f"Time series: {result.timeseries_csv}",
        f"Per-town series: {result.markets_csv}",
        f"Dashboard: {result.dashboard_png}",
    ]
