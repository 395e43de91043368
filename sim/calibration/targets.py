"""Calibration targets (seeds/targets.yaml) and the scorecard that compares simulated runs with them.

The targets are read here and only here: nothing under sim/ that runs the model imports this package
(a test checks it), so changing a target can never change a simulated value.
"""

from __future__ import annotations

import csv
import math
import os
import statistics
from pathlib import Path
from statistics import NormalDist
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from sim.core.schedule import month_label, month_start, to_month
from sim.scenarios import ScenarioError, read_yaml

SEEDS_DIR = Path(os.environ.get("JANGMADANG_SEEDS", Path(__file__).resolve().parents[2] / "seeds"))

MAX_MISS = 3.0  # the most a target's miss counts, in band widths (see `Target.miss`)


class Target(BaseModel):
    """One documented pattern as a band on a statistic of a simulated output."""

    model_config = ConfigDict(extra="forbid")
    name: str
    figure: str  # the row of seeds/figures.csv the band comes from
    output: str  # a column of the monthly series
    statistic: Literal["mean", "last", "ratio", "change"]
    period: tuple[str, str]
    reference: tuple[str, str] | None = None  # for `ratio`, the period divided by; for `change`, the one before
    scale: float = 1.0
    band: tuple[float | None, float | None]
    scale_of_miss: Literal["linear", "log"] = "linear"  # log for bands that span factors (prices)
    basis: str

    def value(self, series: pd.DataFrame) -> float:
        """The target's statistic for one run's monthly series."""
        window = period_rows(series, self.period)[self.output]
        if window.empty:  # a run that does not reach the period
            return math.nan
        if self.statistic == "last":
            value = window.iloc[-1]
        elif self.statistic == "mean":
            value = window.mean()
        elif self.statistic == "change":
            before = period_rows(series, self.reference)[self.output]
            value = window.iloc[-1] - before.iloc[-1] if len(before) else math.nan
        else:
            reference = period_rows(series, self.reference)[self.output].mean()
            value = window.mean() / reference if reference > 0 else math.inf
        return float(value) * self.scale

    def passes(self, value: float) -> bool:
        low, high = self.band
        return (low is None or value >= low) and (high is None or value <= high)

    def miss(self, value: float) -> float:
        """How far `value` lies outside the band, relative to the band's size (0 inside); for a log-scale
        target, in log units over the band's log width. Capped at `MAX_MISS` band widths, so that one target
        far outside its band does not drive a fit at the expense of all the others (the three-city price
        gap, whose band is a tenth wide, once weighed as much as five prices missed by a factor of eight)."""
        low, high = self.band
        if self.scale_of_miss == "log" and low and high:
            if not 0 < value < math.inf:
                return MAX_MISS
            outside = max(math.log(low / value), math.log(value / high), 0.0)
            return min(outside / math.log(high / low), MAX_MISS)
        width = (high - low) if low is not None and high is not None else abs(low if low is not None else high) or 1
        below = (low - value) / width if low is not None and value < low else 0.0
        above = (value - high) / width if high is not None and value > high else 0.0
        return min(below + above, MAX_MISS)

    def single_run_pass(self, values: np.ndarray) -> float:
        """The chance that one run passes, were the runs' values normal (log-normal for a log-scale target)
        with the mean and spread of `values`. A mean that passes by less than the runs vary is a pass that
        other seeds may not repeat; `fit` prefers margins by it."""
        values = [float(value) for value in values]
        if not all(math.isfinite(value) for value in values):
            return 0.0
        if len(set(values)) == 1:
            return float(self.passes(values[0]))
        low, high = self.band
        if self.scale_of_miss == "log" and low and high and min(values) > 0:
            values, low, high = [math.log(value) for value in values], math.log(low), math.log(high)
        runs = NormalDist(statistics.fmean(values), statistics.stdev(values))
        return (1.0 if high is None else runs.cdf(high)) - (0.0 if low is None else runs.cdf(low))


def period_rows(series: pd.DataFrame, period: tuple[str, str]) -> pd.DataFrame:
    """The rows of a monthly series (or of several runs' series) from the first month of `period` to its last."""
    start, end = (pd.Timestamp(month_start(to_month(date))) for date in period)
    return series[(series["date"] >= start) & (series["date"] <= end)]


def load_targets(seeds: Path = SEEDS_DIR) -> list[Target]:
    """The targets, checked against the figures they cite."""
    _, data = read_yaml(seeds / "targets.yaml")
    try:
        targets = TypeAdapter(list[Target]).validate_python(data)
    except ValidationError as error:
        item = error.errors()[0]
        where = ".".join(str(part) for part in item["loc"])
        raise ScenarioError(f"{seeds / 'targets.yaml'}: {where}: {item['msg']}.") from None
    with open(seeds / "figures.csv", newline="") as handle:
        figures = {row["id"] for row in csv.DictReader(handle)}
    unknown = [target.name for target in targets if target.figure not in figures]
    if unknown:
        raise ScenarioError(f"{seeds / 'targets.yaml'}: targets citing no figure in figures.csv: {unknown}.")
    return [
        target.model_copy(update={"period": tuple(month_label(to_month(d)) for d in target.period)})
        for target in targets
    ]


def scorecard(frame: pd.DataFrame, targets: list[Target]) -> pd.DataFrame:
    """One row per target: band, simulated mean and spread over the runs in `frame`, pass or fail."""
    runs = [series for _, series in frame.groupby("run_id")]
    rows = []
    for target in targets:
        values = np.array([target.value(series) for series in runs])
        mean = float(values.mean())
        rows.append({
            "target": target.name,
            "output": target.output,
            "period": f"{target.period[0]} to {target.period[1]}",
            "low": target.band[0],
            "high": target.band[1],
            "mean": mean,
            "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
            "min": float(values.min()),
            "max": float(values.max()),
            "runs": len(values),
            "passes": target.passes(mean),
            "miss": target.miss(mean),
            "single_run_pass": target.single_run_pass(values),
        })  # fmt: skip
    return pd.DataFrame(rows)


def expected_misses(card: pd.DataFrame) -> float:
    """How many of the scorecard's targets a single run is expected to miss."""
    return float((1.0 - card["single_run_pass"]).sum())


def format_scorecard(card: pd.DataFrame) -> str:
    """The scorecard as a fixed-width table for the terminal."""

    def number(value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-"
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"

    lines = [f"{'target':<28} {'band':>23} {'mean':>12} {'sd':>10} {'min-max':>25}  result"]
    for row in card.itertuples():
        band = f"{number(row.low)} to {number(row.high)}"
        spread = f"{number(row.min)}-{number(row.max)}"
        lines.append(
            f"{row.target:<28} {band:>23} {number(row.mean):>12} {number(row.sd):>10} {spread:>25}  "
            + ("pass" if row.passes else "FAIL")
        )
    lines.append(
        f"{int(card['passes'].sum())} of {len(card)} targets pass; a single run is expected to miss "
        f"{expected_misses(card):.2f} of them (single_run_pass in the scorecard)"
    )
    return "\n".join(lines)
