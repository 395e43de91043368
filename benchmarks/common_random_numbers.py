"""Common random numbers: a scenario against its baseline, paired by seed, and what pairing buys.

    python benchmarks/common_random_numbers.py                       # no_phones against baseline, 10 seeds
    python benchmarks/common_random_numbers.py --scenario no_remittances --replicates 20 --start 2005

Runs the scenario and the baseline with the same seeds (replicate r of both gets the same seed), then,
for each output, the mean difference over `--start` to `--end` with the standard error of the paired
differences (`sim.results.paired_difference`) and the standard error if the two sets of runs had been
independent. Each process draws from its own stream, keyed by the seed, its name and the month
(`sim.core.streams`), so the paired runs share every draw the scenario does not change; the ratio of
the two standard errors says how many times fewer runs pairing needs for the same precision (its square).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

from sim import results  # noqa: E402
from sim.experiments.sweep import run_replicates  # noqa: E402

OUTPUTS = (
    "market_reliance_share",
    "traders",
    "grain_price_won_per_kg",
    "grain_price_dispersion",
    "won_per_yuan",
    "hunger_rate",
    "market_income_share",
)


def compare(scenario: str, baseline: str, replicates: int, start: str, end: str, settings: dict) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        frames = {
            name: results.load(run_replicates(name, Path(folder) / name, replicates, settings, seed=1))
            for name in (scenario, baseline)
        }
    rows = [results.paired_difference(frames[scenario], frames[baseline], column, start, end) for column in OUTPUTS]
    table = pd.DataFrame(rows).set_index("column")
    table["se_ratio"] = table["se_unpaired"] / table["se_paired"]
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="no_phones")
    parser.add_argument("--baseline", default="baseline")
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--start", default="2010")
    parser.add_argument("--end", default="2015")
    parser.add_argument("--households", type=int, default=None, help="default: the scenarios' own")
    args = parser.parse_args()
    settings = {"households": args.households} if args.households else {}
    table = compare(args.scenario, args.baseline, args.replicates, args.start, args.end, settings)
    print(f"{args.scenario} minus {args.baseline}, {args.start} to {args.end}, {args.replicates} seeds each")
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 120):
        print(table.to_string())


if __name__ == "__main__":
    main()
