"""A sweep's main series: for each point of the design, the mean over replicates and a 90% band."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

PANELS = {
    "market_reliance_share": "share of population reliant on markets",
    "grain_price_won_per_kg": "grain price, won/kg (log)",
    "won_per_yuan": "won per yuan (log)",
    "hunger_rate": "share of population hungry",
    "smuggling_volume_yuan": "goods smuggled in, yuan/month",
    "excess_deaths_cumulative": "cumulative famine deaths, persons",
}
IDENTITY = ("run_id", "replicate", "seed")


def point_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that hold a sweep's varied settings (between the run identity and the date)."""
    columns = list(frame.columns)
    return [c for c in columns[: columns.index("date")] if c not in IDENTITY]


def plot_sweep(frame: pd.DataFrame, path: Path, title: str) -> Path:
    points = point_columns(frame)
    fig, axes = plt.subplots(3, 2, figsize=(13, 11), sharex=True, constrained_layout=True)
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
    plt.close(fig)
    return path
