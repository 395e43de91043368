"""The default run as a new user meets it: `jangmadang run`, whole process, wall clock.

    python benchmarks/default_run.py                 # 3 runs of the baseline, median and each stage
    python benchmarks/default_run.py --repeats 5

Each repeat starts a fresh `jangmadang run` (imports, simulation, writing the outputs) into a temporary
folder and times it from outside; one more run in this process times the stages on their own (import,
building the model, the simulation, the two tables, the dashboard) so that a slow total can be traced.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

JANGMADANG = Path(sys.executable).parent / "jangmadang"


def whole_process(out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(JANGMADANG), "run", "--out", str(out)], check=True, capture_output=True)
    return time.perf_counter() - started


def stages(out: Path) -> dict[str, float]:
    timings, started = {}, time.perf_counter()
    from sim import JangmadangModel
    from sim.scenarios import load_scenario
    from sim.visualization.dashboard import plot_dashboard

    timings["import"] = time.perf_counter() - started
    scenario = load_scenario("baseline")
    started = time.perf_counter()
    model = JangmadangModel(seed=scenario.seed, **scenario.parameters.as_kwargs())
    timings["build the model"] = time.perf_counter() - started
    started = time.perf_counter()
    model.run()
    timings["simulate 1990-2020"] = time.perf_counter() - started
    started = time.perf_counter()
    series = model.timeseries()
    series.to_csv(out / "timeseries.csv", index=False, date_format="%Y-%m")
    model.market_timeseries().to_parquet(out / "markets.parquet", index=False)
    timings["write the tables"] = time.perf_counter() - started
    started = time.perf_counter()
    plot_dashboard(series, out / "dashboard.png")
    timings["draw the dashboard"] = time.perf_counter() - started
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        whole_process(Path(folder) / "warm-up")  # numba's cache and the OS's file cache, as after `make run`
        times = [whole_process(Path(folder) / f"run{i}") for i in range(args.repeats)]
        parts = stages(Path(folder))
    print(f"jangmadang run (baseline, whole process): median {statistics.median(times):.2f} s "
          f"over {len(times)} runs ({', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip
    for stage, seconds in parts.items():
        print(f"  {stage:<22} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
