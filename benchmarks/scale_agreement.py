"""Does the whole country at one agent per household tell the same story as the default 1:100 scale?

    python benchmarks/scale_agreement.py                       # 30 replicates at 1:100, 1 at full scale
    python benchmarks/scale_agreement.py --full-replicates 3 --full-workers 2
    python benchmarks/scale_agreement.py --small-scale 1:10   # does the gap close with more agents?

For each calibration target (seeds/targets.yaml: the documented patterns) it reports the small-scale mean
and replicate spread (mean +- 2 SD, and min to max), the full-scale mean (and spread, with several
full-scale replicates), and whether the two agree: the full-scale mean lies within 2 SD of the small-scale
mean, or, for a quantity set by the inputs (no spread across replicates), within `SAME_WITHOUT_SPREAD` of
it. Agreement is judged against the spread of single runs; whether the two scales' means differ by more
than their sampling error (the gap in standard errors, Welch's t) is reported beside it, since a small
bias can hide inside the spread. Thirty small-scale replicates, because a standard deviation from ten is
itself uncertain by about a quarter. Runs are sweeps (`sim.experiments.sweep.run_replicates`), so they
resume where they stopped; the table is written to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

from sim import results  # noqa: E402
from sim.calibration.targets import load_targets, scorecard  # noqa: E402
from sim.experiments.sweep import run_replicates  # noqa: E402

RESULTS = Path(__file__).parent / "results"
# A quantity with no replicate spread (remittances: families drawn to a count fixed by the inputs) can only
# differ by rounding that count to whole agents; half an agent in 5,000 at 1:100 is 0.01%.
SAME_WITHOUT_SPREAD = 0.005


def compare(small: pd.DataFrame, full: pd.DataFrame) -> pd.DataFrame:
    """One row per target: the small-scale spread, the full-scale mean, and whether they agree."""
    table = small[["target", "low", "high", "mean", "sd", "min", "max", "runs"]].rename(
        columns={
            "low": "documented_low",
            "high": "documented_high",
            "mean": "mean_small",
            "sd": "sd_small",
            "min": "min_small",
            "max": "max_small",
            "runs": "runs_small",
        }  # fmt: skip
    )
    table["full_scale"] = full["mean"].to_numpy()
    table["sd_full"] = full["sd"].to_numpy()
    table["full_runs"] = full["runs"].to_numpy()
    gap = (table["full_scale"] - table["mean_small"]).abs()
    table["relative_gap"] = gap / table["mean_small"].abs()
    table["within_2sd"] = gap <= 2 * table["sd_small"]
    no_spread = table["sd_small"] <= 1e-9 * table["mean_small"].abs()
    table["agree"] = table["within_2sd"] | (no_spread & (table["relative_gap"] <= SAME_WITHOUT_SPREAD))
    sampling_error = (table["sd_small"] ** 2 / table["runs_small"] + table["sd_full"] ** 2 / table["full_runs"]) ** 0.5
    table["gap_in_se"] = (gap / sampling_error).where(~no_spread)
    table["within_range"] = table["full_scale"].between(table["min_small"], table["max_small"])
    table["both_pass"] = small["passes"].to_numpy() == full["passes"].to_numpy()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--small-scale", default="1:100", help="the scale compared with full (default 1:100)")
    parser.add_argument("--replicates", type=int, default=30, help="replicates at the small scale")
    parser.add_argument("--full-replicates", type=int, default=1, help="replicates at full scale")
    parser.add_argument("--full-workers", type=int, default=1, help="full-scale runs at once (6 GB each)")
    parser.add_argument("--out", type=Path, default=Path("outputs/scale_agreement"))
    args = parser.parse_args()

    targets = load_targets()
    started = time.perf_counter()
    small_dir = args.out / args.small_scale.replace(":", "_")
    small_runs = results.load(
        run_replicates(args.scenario, small_dir, args.replicates, {"households": args.small_scale}, workers=2)
    )
    small_seconds = time.perf_counter() - started
    started = time.perf_counter()
    full_runs = results.load(
        run_replicates(
            args.scenario, args.out / "full", args.full_replicates, {"households": "full"}, workers=args.full_workers
        )
    )
    full_seconds = time.perf_counter() - started
    table = compare(scorecard(small_runs, targets), scorecard(full_runs, targets))

    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.4g}".format):
        columns = ["target", "documented_low", "documented_high", "mean_small", "sd_small", "full_scale", "sd_full",
                   "relative_gap", "agree", "gap_in_se", "within_range", "both_pass"]  # fmt: skip
        print(table[columns].to_string(index=False))
    agree = int(table["agree"].sum())
    biased = table.loc[table["gap_in_se"] > 2, "target"].tolist()
    print(
        f"Full scale agrees with {args.small_scale} on {agree} of {len(table)} targets; the documented band is "
        f"passed or missed alike on {int(table['both_pass'].sum())} ({args.replicates} replicates at "
        f"{args.small_scale} in {small_seconds:.0f} s, {args.full_replicates} at full scale in {full_seconds:.0f} s)"
    )
    print(f"Means differ by more than 2 standard errors on {len(biased)}: {', '.join(biased) or 'none'}")
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    table.to_csv(RESULTS / f"scale-agreement-{stamp}.csv", index=False)
    summary = {"scenario": args.scenario, "small_scale": args.small_scale, "replicates_small": args.replicates,
               "replicates_full": args.full_replicates, "agree": agree, "means_differ": biased,
               "both_pass": int(table["both_pass"].sum()),
               "targets": len(table), "seconds_small": small_seconds, "seconds_full": full_seconds}  # fmt: skip
    (RESULTS / f"scale-agreement-{stamp}.json").write_text(json.dumps(summary, indent=2))
    print(f"Written: {RESULTS / f'scale-agreement-{stamp}.csv'}")


if __name__ == "__main__":
    main()
