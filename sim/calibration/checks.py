"""Checks: the reported rice prices, wages in rice and market rates of the won (seeds/figures.csv) against
the simulated series.

They are not targets: nothing is fitted to them, and the won's market rate, which must come out of the
currency market and cross-border arbitrage, is among them. `jangmadang calibrate` writes them beside the
scorecard (checks.csv) and prints a summary, so that every calibration is also seen, in numbers, against
the documented path; `price_path.png` draws the same figures.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.targets import SEEDS_DIR, period_rows
from sim.core import fmath
from sim.core.schedule import month_label, month_start, to_month

CHECKED = {  # figure id prefix: what the group is called in the summary, and the series it is set against
    "rice_price_": ("rice prices", "grain_price_won_per_kg"),
    "wage_in_rice_": ("wage in rice", "wage_in_grain_kg"),
    "fx_rate_": ("market rates of the won", "won_per_dollar"),  # or won_per_yuan, by the figure's unit
}


def reported_figures(seeds: Path = SEEDS_DIR) -> pd.DataFrame:
    """The figures of seeds/figures.csv with a number, as `low` and `high`: a single value is a range of
    one; a bound reported alone ("under 1 kg") leaves the other side empty (NaN)."""
    figures = pd.read_csv(seeds / "figures.csv")
    figures["low"] = figures["low"].fillna(figures["value"])
    figures["high"] = figures["high"].fillna(figures["value"])
    return figures[figures["low"].notna() | figures["high"].notna()].reset_index(drop=True)


def figure_period(when: str) -> tuple[int, int]:
    """The first and last month of a figure's `when`: a year ('2011'), a month ('2009-12'), a span of
    years ('2011-2012', '2014 to 2017') or of months ('2002-01 to 2002-06')."""
    text = when.strip()
    parts = text.split("-") if re.fullmatch(r"\d{4}-\d{4}", text) else [part.strip() for part in text.split(" to ")]
    first, last = parts[0], parts[-1]
    return to_month(first), to_month(last) + (11 if re.fullmatch(r"\d{4}", last) else 0)


def checked_output(figure_id: str, unit: str) -> str | None:
    """The simulated series a reported figure is compared with, or None if it is not a check."""
    for prefix, (_, output) in CHECKED.items():
        if figure_id.startswith(prefix):
            return "won_per_yuan" if prefix == "fx_rate_" and "per yuan" in unit else output
    return None


def _geometric_mean(values: np.ndarray) -> float:
    return float(fmath.exp(fmath.log(values).mean())) if len(values) and (values > 0).all() else math.nan


def checks(runs: pd.DataFrame, seeds: Path = SEEDS_DIR) -> pd.DataFrame:
    """One row per checked figure whose period the runs cover: the reported range, each run's mean over the
    period (their geometric mean, the simulated value, and their least and greatest), the simulated value
    over the middle of the reported range (geometric; the one bound where only one is reported), and how
    far outside the range it lies (1 inside it; otherwise the ratio to the nearer edge, at least 1)."""
    rows = []
    first_date, last_date = runs["date"].min(), runs["date"].max()
    for figure in reported_figures(seeds).itertuples():
        output = checked_output(figure.id, figure.unit)
        if output is None:
            continue
        start, end = figure_period(figure.when)
        if pd.Timestamp(month_start(start)) < first_date or pd.Timestamp(month_start(end)) > last_date:
            continue
        period = (month_label(start), month_label(end))
        per_run = period_rows(runs, period).groupby("run_id")[output].mean().to_numpy()
        simulated = _geometric_mean(per_run)
        low, high = figure.low, figure.high
        middle = float(fmath.exp(np.nanmean(fmath.log([low, high]))))  # geometric; the lone bound if only one
        outside = np.nanmax([low / simulated, simulated / high, 1.0])  # a missing bound is no limit
        rows.append({
            "figure": figure.id,
            "output": output,
            "period": f"{period[0]} to {period[1]}",
            "reported_low": low,
            "reported_high": high,
            "simulated": simulated,
            "simulated_min": float(per_run.min()),
            "simulated_max": float(per_run.max()),
            "ratio_to_middle": simulated / middle,
            "outside_by": float(outside),
        })  # fmt: skip
    return pd.DataFrame(rows)


def format_checks(table: pd.DataFrame) -> str:
    """A line per group of checks: how many, how many inside their reported range, the root mean square of
    the log ratio to the ranges' middles, and the farthest outside."""
    lines = []
    for prefix, (name, _) in CHECKED.items():
        group = table[table["figure"].str.startswith(prefix)]
        if group.empty:
            continue
        inside = int((group["outside_by"] < 1.0 + 1e-9).sum())  # a mean at an edge is inside, to rounding
        rms = math.sqrt(float((fmath.log(group["ratio_to_middle"]) ** 2).mean()))
        worst = group.loc[group["outside_by"].idxmax()]
        lines.append(
            f"{name}: {inside} of {len(group)} inside the reported range; "
            f"root mean square log miss to the middles {rms:.2f}; farthest outside: {worst['figure']} "
            f"({worst['ratio_to_middle']:.2f} times the middle, {worst['outside_by']:.2f} times beyond the range)"
        )
    return "\n".join(lines)
