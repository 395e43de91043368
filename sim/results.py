"""Loading and summarising the outputs of runs and sweeps, for notebooks and scripts.

    from sim import results
    frame = results.load("outputs/sweeps/sanctions_2017_strength")   # or a run's folder, or a file
    results.band(frame, "market_reliance_share", by=results.varied(frame))

Every frame has the same identity columns first (scenario, run_id, replicate, seed), then one column per
varied setting (sweeps only), then `date` and one column per output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from pandas.api.typing import SeriesGroupBy

from sim.core import fmath

IDENTITY = ("scenario", "run_id", "replicate", "seed")


def load(path: str | Path) -> pd.DataFrame:
    """The monthly series of a run or a sweep: its output folder, or a timeseries .csv/.parquet file."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    manifest = json.loads((folder / "manifest.json").read_text()) if (folder / "manifest.json").is_file() else {}
    if path.is_dir():
        path = next((p for p in (path / "timeseries.parquet", path / "timeseries.csv") if p.is_file()), None)
        if path is None:
            raise FileNotFoundError(f"{folder}: no timeseries.parquet or timeseries.csv")
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    frame["date"] = pd.to_datetime(frame["date"])
    defaults = {"scenario": manifest.get("scenario", folder.name), "run_id": "run", "replicate": 0,
                "seed": manifest.get("seed")}  # fmt: skip
    for position, column in enumerate(IDENTITY):
        if column not in frame:
            frame.insert(position, column, defaults[column])
    return frame


def varied(frame: pd.DataFrame) -> list[str]:
    """The columns that hold a sweep's varied settings (between the identity columns and the date)."""
    columns = list(frame.columns)
    return [c for c in columns[: columns.index("date")] if c not in IDENTITY]


def band(frame: pd.DataFrame, column: str, by: list[str] | None = None, level: float = 0.9) -> pd.DataFrame:
    """Per date (and group): the mean over replicates, the central `level` band, and the number of runs."""
    return _over_runs(frame.groupby([*(by or []), "date"])[column], level)


def _over_runs(grouped: SeriesGroupBy, level: float) -> pd.DataFrame:
    """Per group: the mean over its runs, the central `level` band, and the number of runs."""
    tail = (1.0 - level) / 2
    summary = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "low": grouped.quantile(tail),
            "high": grouped.quantile(1 - tail),
            "runs": grouped.size(),
        }
    )
    return summary.reset_index()


def compare(frames: dict[str, pd.DataFrame], column: str, level: float = 0.9) -> pd.DataFrame:
    """`band` of one output for several labelled frames (say, scenarios), stacked with a `label` column."""
    return pd.concat([band(frame, column, level=level).assign(label=label) for label, frame in frames.items()])


def between(frame: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """The rows dated from `start` to `end` inclusive ('YYYY' or 'YYYY-MM')."""
    last = pd.Period(end, freq="M" if "-" in end else "Y").end_time
    return frame[(frame["date"] >= pd.Timestamp(start)) & (frame["date"] <= last)]


def by_calendar_month(
    frame: pd.DataFrame, column: str, start: str, end: str, log_change: bool = False, level: float = 0.9
) -> pd.DataFrame:
    """The season of an output: each run's mean of `column` in each calendar month from `start` to `end`
    ('YYYY' or 'YYYY-MM'), then per month (1-12) the mean over runs, the central `level` band and the
    number of runs. With `log_change`, the month's change of the log of `column` (for a price: how much it
    rose that month), taken within each run, so that one run's last month never meets the next's first.
    Runs are told apart by the columns before `date` (`load` puts them there); a frame without any, such
    as `JangmadangModel.timeseries()`, is one run."""
    if frame.columns[0] == "date":
        frame = frame.assign(run=0)[["run", *frame.columns]]
    runs = list(frame.columns[: list(frame.columns).index("date")])  # identity columns and varied settings
    ordered = frame.sort_values([*runs, "date"])
    value = ordered[column]
    if log_change:
        logged = pd.Series(fmath.log(value.where(value > 0).to_numpy(float)), index=value.index)
        value = logged.groupby([ordered[c] for c in runs], dropna=False).diff()
    months = between(ordered.assign(value=value, month=ordered["date"].dt.month), start, end)
    per_run = months.groupby([*runs, "month"], dropna=False)["value"].mean()
    return _over_runs(per_run.groupby("month"), level)


def paired_difference(scenario: pd.DataFrame, baseline: pd.DataFrame, column: str, start: str, end: str) -> dict:
    """A scenario against its baseline, run by run: for each seed both were run with, the difference in
    `column`'s mean from `start` to `end` ('YYYY' or 'YYYY-MM').

    Runs with the same seed share the random numbers of every process the scenario does not change
    (`sim.core.streams`), so their differences vary less than two independent sets of runs would: the
    standard error of the mean paired difference is then below the unpaired one, and a smaller effect
    can be told from noise with the same runs. Returns the mean difference, both standard errors and the
    number of pairs.
    """

    def means(frame: pd.DataFrame) -> pd.Series:
        return between(frame, start, end).groupby("seed")[column].mean()

    pairs = pd.concat({"scenario": means(scenario), "baseline": means(baseline)}, axis=1, join="inner")
    if len(pairs) < 2:
        raise ValueError(f"paired_difference needs at least two seeds run in both; found {len(pairs)}")
    difference = pairs["scenario"] - pairs["baseline"]
    n = len(pairs)
    return {
        "column": column,
        "mean_difference": float(difference.mean()),
        "se_paired": float(difference.std(ddof=1) / n**0.5),
        "se_unpaired": float((pairs["scenario"].var(ddof=1) / n + pairs["baseline"].var(ddof=1) / n) ** 0.5),
        "pairs": n,
    }
