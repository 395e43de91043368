"""Runs per minute of a sweep on 1 and on 2 workers (process pool), to show a sweep uses the cores it has.

    python benchmarks/sweep_scaling.py [--runs 16] [--households 6000]

Each run is a 1990-2000 history of the given size; the two sweeps are identical apart from the number of
workers, and written to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from sim.experiments.sweep import load_sweep, run_sweep  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--households", type=int, default=6_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scaling.yaml"
        path.write_text(
            f"name: scaling\nscenario: baseline\nseed: 1\nreplicates: {args.runs}\n"
            f"set: {{households: {args.households}, end: 2000-12}}\n"
        )
        sweep = load_sweep(path)
        rates = {}
        for workers in (1, 2):
            started = time.perf_counter()
            run_sweep(sweep, Path(folder) / f"out{workers}", workers=workers, progress=False)
            minutes = (time.perf_counter() - started) / 60
            rates[workers] = args.runs / minutes
            print(f"{workers} worker(s): {args.runs} runs in {minutes * 60:.1f} s, {rates[workers]:.1f} runs/minute")
        print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x (cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
