"""Throughput and memory of the model against households, beside Mesa's BoltzmannWealth as a reference.

    python benchmarks/throughput.py                       # 10^3 .. 10^6 households, 36 months each
    python benchmarks/throughput.py --sizes 58875 1000000 --full-history

For each size it reports household-steps per second (households x months / seconds, set-up excluded),
the set-up time (agent creation included), and the peak resident memory of the run; then the scaling
exponent of time per step against households. The reference is Mesa's BoltzmannWealth example run in
the same process, in agent-steps per second. Results are also written to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth  # noqa: E402

from sim import JangmadangModel  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def reset_peak_memory() -> None:
    """Reset the kernel's peak-RSS mark for this process (Linux), so each run reports its own peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_memory_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def boltzmann_reference(agents: int = 1_000, steps: int = 200) -> dict:
    """Agent-steps per second of Mesa's BoltzmannWealth example (n agents on a 32 x 32 grid)."""
    model = BoltzmannWealth(n=agents, width=32, height=32, seed=1)
    started = time.perf_counter()
    for _ in range(steps):
        model.step()
    seconds = time.perf_counter() - started
    return {
        "agents": agents,
        "steps": steps,
        "seconds": seconds,
        "agent_steps_per_second": agents * steps / seconds,
    }


def run_size(households: int, start: str, end: str) -> dict:
    reset_peak_memory()
    started = time.perf_counter()
    model = JangmadangModel(seed=1, households=households, start=start, end=end)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    model.run()
    seconds = time.perf_counter() - started
    months = model.steps
    return {
        "households": households,
        "months": months,
        "setup_seconds": setup,
        "run_seconds": seconds,
        "seconds_per_step": seconds / months,
        "household_steps_per_second": households * months / seconds,
        "peak_memory_mb": peak_memory_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--start", default="1994-01", help="first month (default: the famine years, busy markets)")
    parser.add_argument("--end", default="1996-12")
    parser.add_argument("--full-history", action="store_true", help="run 1990-01 to 2020-12 instead")
    args = parser.parse_args()
    start, end = ("1990-01", "2020-12") if args.full_history else (args.start, args.end)

    reference = boltzmann_reference()
    print(
        f"Reference: Mesa BoltzmannWealth, {reference['agents']} agents x {reference['steps']} steps: "
        f"{reference['agent_steps_per_second']:,.0f} agent-steps/s"
    )
    print(f"Jangmadang, {start} to {end}:")
    header = ("households", "set-up s", "run s", "s/step", "hh-steps/s", "x ref", "peak MB")
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, (12, 9, 8, 8, 12, 7, 8), strict=True)))
    rows = []
    for households in args.sizes:
        row = run_size(households, start, end)
        row["ratio_to_reference"] = row["household_steps_per_second"] / reference["agent_steps_per_second"]
        rows.append(row)
        print(
            f"{households:>12,} {row['setup_seconds']:>9.2f} {row['run_seconds']:>8.2f} "
            f"{row['seconds_per_step']:>8.4f} {row['household_steps_per_second']:>12,.0f} "
            f"{row['ratio_to_reference']:>7.2f} {row['peak_memory_mb']:>8.0f}"
        )

    big = [row for row in rows if row["households"] >= 10_000]
    exponent = None
    if len(big) >= 2:
        exponent = float(
            np.polyfit(np.log([r["households"] for r in big]), np.log([r["seconds_per_step"] for r in big]), 1)[0]
        )
        print(f"Scaling exponent of time per step against households (>= 10^4): {exponent:.2f} (1.0 is linear)")

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"throughput-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "start": start,
                "end": end,
                "reference": reference,
                "runs": rows,
                "scaling_exponent": exponent,
            },
            indent=2,
        )
    )
    print(f"Written: {out}")


if __name__ == "__main__":
    main()
