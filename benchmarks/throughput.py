"""Throughput and memory of the model against households, beside Mesa's BoltzmannWealth as a reference.

    python benchmarks/throughput.py                          # 10^4, 10^5, 10^6 and full scale, 1990-2020
    python benchmarks/throughput.py --sizes 10000 100000 --start 1994-01 --end 1996-12   # quick look

For each size it reports the set-up time (agent creation), the run time, household-steps per second
(households x months / seconds) with and without set-up, the ratio of the former to the reference, and
the peak resident memory of the run; then the scaling exponent of time against households between 10^4
and 10^6. The reference is Mesa's BoltzmannWealth example run first in the same process, in agent-steps
per second. "full" is one agent per real household (5.9 million). Results are also written to
benchmarks/results/.
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


def run_size(households: int | str, start: str, end: str) -> dict:
    reset_peak_memory()
    started = time.perf_counter()
    model = JangmadangModel(seed=1, households=households, start=start, end=end)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    model.run()
    seconds = time.perf_counter() - started
    months, n = model.steps, model.p.households
    return {
        "households": n,
        "months": months,
        "setup_seconds": setup,
        "run_seconds": seconds,
        "total_seconds": setup + seconds,
        "seconds_per_step": seconds / months,
        "household_steps_per_second": n * months / seconds,
        "household_steps_per_second_with_setup": n * months / (setup + seconds),
        "peak_memory_mb": peak_memory_mb(),
    }


def size(text: str) -> int | str:
    return text if text == "full" else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=size, nargs="+", default=[10_000, 100_000, 1_000_000, "full"],
                        help="households per run, or 'full' (default: 10^4 10^5 10^6 full)")  # fmt: skip
    parser.add_argument("--start", default="1990-01")
    parser.add_argument("--end", default="2020-12")
    args = parser.parse_args()
    start, end = args.start, args.end
    JangmadangModel(seed=1, households=1_000, market_towns=20, end="1990-03").run()  # compile the kernels first

    reference = boltzmann_reference()
    print(
        f"Reference: Mesa BoltzmannWealth, {reference['agents']} agents x {reference['steps']} steps: "
        f"{reference['agent_steps_per_second']:,.0f} agent-steps/s"
    )
    print(f"Jangmadang, {start} to {end}:")
    header = ("households", "set-up s", "run s", "total s", "hh-steps/s", "with set-up", "x ref", "peak MB")
    widths = (12, 9, 8, 8, 12, 12, 7, 8)
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, widths, strict=True)))
    rows = []
    for households in args.sizes:
        row = run_size(households, start, end)
        row["ratio_to_reference"] = row["household_steps_per_second_with_setup"] / reference["agent_steps_per_second"]
        rows.append(row)
        print(
            f"{row['households']:>12,} {row['setup_seconds']:>9.1f} {row['run_seconds']:>8.1f} "
            f"{row['total_seconds']:>8.1f} {row['household_steps_per_second']:>12,.0f} "
            f"{row['household_steps_per_second_with_setup']:>12,.0f} {row['ratio_to_reference']:>7.1f} "
            f"{row['peak_memory_mb']:>8.0f}",
            flush=True,
        )

    fitted = [row for row in rows if 10_000 <= row["households"] <= 1_000_000]
    exponent = None
    if len(fitted) >= 2:
        exponent = float(
            np.polyfit(np.log([r["households"] for r in fitted]), np.log([r["total_seconds"] for r in fitted]), 1)[0]
        )
        print(f"Scaling exponent of time (set-up included) against households, 10^4 to 10^6: {exponent:.2f} "
              "(1.0 is linear)")  # fmt: skip

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
