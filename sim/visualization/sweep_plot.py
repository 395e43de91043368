"""A sweep's main series: for each point of the design, the mean over replicates and a 90% band."""

from __future__ import annotations

from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from sim.results import varied

PANELS = {
    "market_reliance_share": "share of population reliant on markets",
    "grain_price_won_per_kg": "grain price, won/kg (log)",
    "won_per_yuan": "won per yuan (log)",
    "hunger_rate": "share of population hungry",
    "smuggling_volume_yuan": "goods smuggled in, yuan/month",
    "excess_deaths_cumulative": "cumulative famine deaths, persons",
}


def plot_sweep(frame: pd.DataFrame, path: Path, title: str) -> Path:
    points = varied(frame)
    fig = Figure(figsize=(13, 11), layout="constrained")
    axes = fig.subplots(3, 2, sharex=True)
    groups = frame.groupby(points, dropna=False) if points else [((), frame)]
    for colour, (key, runs) in enumerate(groups):
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}"
                          for name, value in zip(points, key, strict=True)) or "all runs"  # fmt: skip
        by_date = runs.groupby("date")
        for ax, column in zip(axes.flat, PANELS, strict=True):
            low, mean, high = by_date[column].quantile(0.05), by_date[column].mean(), by_date[column].quantile(0.95)
            ax.plot(mean.index, mean, color=f"C{colour % 10}", label=label, lw=1.2)
            ax.fill_between(mean.index, low, high, color=f"C{colour % 10}", alpha=0.2, lw=0)
    for ax, label in zip(axes.flat, PANELS.values(), strict=True):
        ax.set_ylabel(label)
        if "(log)" in label:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.xaxis.set_major_locator(mdates.YearLocator(5))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_xlabel("date (monthly)")
    axes.flat[0].legend(fontsize=7, loc="upper left", title="mean and 90% band over replicates", title_fontsize=7)
    fig.suptitle(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, format="png")
    return path
