"""Does the whole country at one agent per household tell the same story as the default 1:100 scale?

    python benchmarks/scale_agreement.py                       # 10 replicates at 1:100, 1 at full scale
    python benchmarks/scale_agreement.py --replicates 20 --full-replicates 2

For each calibration target (seeds/targets.yaml: the documented patterns) it reports the 1:100 mean and
replicate spread (mean +- 2 SD, and min to max), the full-scale value(s), and whether the full-scale mean
falls within the 1:100 spread. Runs are sweeps (`sim.experiments.sweep.run_replicates`), so they resume
where they stopped; the table is written to benchmarks/results/.
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


def compare(small: pd.DataFrame, full: pd.DataFrame) -> pd.DataFrame:
    """One row per target: the 1:100 spread, the full-scale mean, and whether the latter lies within the former."""
    table = small[["target", "low", "high", "mean", "sd", "min", "max", "runs"]].rename(
        columns={
            "low": "documented_low",
            "high": "documented_high",
            "mean": "mean_1_100",
            "sd": "sd_1_100",
            "min": "min_1_100",
            "max": "max_1_100",
            "runs": "runs_1_100",
        }  # fmt: skip
    )
    table["full_scale"] = full["mean"].to_numpy()
    table["full_runs"] = full["runs"].to_numpy()
    spread = 2 * table["sd_1_100"]
    table["within_2sd"] = (table["full_scale"] - table["mean_1_100"]).abs() <= spread
    table["within_range"] = table["full_scale"].between(table["min_1_100"], table["max_1_100"])
    table["both_pass"] = small["passes"].to_numpy() == full["passes"].to_numpy()
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="baseline_fitted")
    parser.add_argument("--replicates", type=int, default=10, help="replicates at 1:100")
    parser.add_argument("--full-replicates", type=int, default=1, help="replicates at full scale")
    parser.add_argument("--out", type=Path, default=Path("outputs/scale_agreement"))
    args = parser.parse_args()

    targets = load_targets()
    started = time.perf_counter()
    small_runs = results.load(run_replicates(args.scenario, args.out / "1_100", args.replicates, workers=2))
    small_seconds = time.perf_counter() - started
    started = time.perf_counter()
    full_runs = results.load(
        run_replicates(args.scenario, args.out / "full", args.full_replicates, {"households": "full"}, workers=1)
    )
    full_seconds = time.perf_counter() - started
    table = compare(scorecard(small_runs, targets), scorecard(full_runs, targets))

    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.4g}".format):
        print(table[["target", "documented_low", "documented_high", "mean_1_100", "sd_1_100", "full_scale",
                     "within_2sd", "within_range", "both_pass"]].to_string(index=False))  # fmt: skip
    agree = int(table["within_2sd"].sum())
    print(f"Full scale within 2 SD of the 1:100 replicates on {agree} of {len(table)} targets "
          f"({args.replicates} replicates at 1:100 in {small_seconds:.0f} s, {args.full_replicates} at full scale "
          f"in {full_seconds:.0f} s)")  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    table.to_csv(RESULTS / f"scale-agreement-{stamp}.csv", index=False)
    summary = {"scenario": args.scenario, "replicates_1_100": args.replicates, "replicates_full": args.full_replicates,
               "within_2sd": agree, "targets": len(table), "seconds_1_100": small_seconds,
               "seconds_full": full_seconds}  # fmt: skip
    (RESULTS / f"scale-agreement-{stamp}.json").write_text(json.dumps(summary, indent=2))
    print(f"Written: {RESULTS / f'scale-agreement-{stamp}.csv'}")


if __name__ == "__main__":
    main()
