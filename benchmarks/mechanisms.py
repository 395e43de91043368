"""The two mechanisms the sources put first, at the default scale, paired by seed.

    python benchmarks/mechanisms.py                      # 10 seeds of each scenario, default scale
    python benchmarks/mechanisms.py --replicates 20 --set households=20000

1. The famine made the markets: market reliance in 1996-2000 in the baseline against `no_famine`
   (rations keep coming, no food aid), and the share of the baseline's reliance that is left without it.
2. Phones knit the markets together: grain price dispersion across towns (the coefficient of variation
   over towns with traders, and the gap between the three cities of Daily NK's surveys) in 2010-2019 in
   the baseline against `no_phones`.

Runs of two scenarios with the same replicate number share their seed, and so every random number the
scenario does not change (`sim.core.streams`); differences are reported with their paired standard
error and as a number of standard errors (`sim.results.paired_difference`).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from sim import results  # noqa: E402
from sim.cli import parse_sets  # noqa: E402
from sim.experiments.sweep import run_replicates  # noqa: E402

COMPARISONS = (
    ("the famine made the markets", "no_famine", "market_reliance_share", "1996", "2000"),
    ("phones narrow price gaps", "no_phones", "grain_price_dispersion", "2010", "2019"),
    ("phones narrow price gaps", "no_phones", "grain_price_gap_three_cities", "2013", "2019"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--set", nargs="*", default=[], help="settings for every run, e.g. households=20000")
    args = parser.parse_args()
    settings = parse_sets(args.set)
    with tempfile.TemporaryDirectory() as folder:
        frames = {
            name: results.load(run_replicates(name, Path(folder) / name, args.replicates, settings, seed=1))
            for name in ("baseline", "no_famine", "no_phones")
        }
    print(f"{args.replicates} seeds per scenario, settings {settings or 'default'}")
    for mechanism, scenario, column, start, end in COMPARISONS:
        base = results.between(frames["baseline"], start, end).groupby("seed")[column].mean()
        other = results.between(frames[scenario], start, end).groupby("seed")[column].mean()
        paired = results.paired_difference(frames[scenario], frames["baseline"], column, start, end)
        z = paired["mean_difference"] / paired["se_paired"] if paired["se_paired"] > 0 else float("inf")
        print(
            f"{mechanism}: {column} {start}-{end}: baseline {base.mean():.4g} (sd {base.std():.2g}), "
            f"{scenario} {other.mean():.4g} (sd {other.std():.2g}); {scenario} minus baseline "
            f"{paired['mean_difference']:+.4g} (paired SE {paired['se_paired']:.2g}, {z:+.1f} SE; "
            f"unpaired SE {paired['se_unpaired']:.2g}); ratio {other.mean() / base.mean():.2f}"
        )


if __name__ == "__main__":
    main()
