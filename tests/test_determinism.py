"""Same seed, same series: in one process, across processes and CPU code paths, and through Mesa's batch runner."""

import hashlib
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import mesa
import pandas as pd
import pytest
from conftest import SMALL, small_model

from sim import JangmadangModel

SHORT = {**SMALL, "end": "1997-12"}
ROOT = Path(__file__).parents[1]


def fingerprint(series: pd.DataFrame) -> str:
    return hashlib.sha256(series.to_csv(index=False).encode()).hexdigest()


def test_same_seed_same_series_different_seed_different_series():
    first = small_model(seed=7, end="1997-12").run()
    again = small_model(seed=7, end="1997-12").run()
    other = small_model(seed=8, end="1997-12").run()
    pd.testing.assert_frame_equal(first, again)
    assert not first["market_reliance_share"].equals(other["market_reliance_share"])


FINGERPRINT = (
    "import hashlib; from sim import JangmadangModel; "
    f"s = JangmadangModel(seed=11, **{SHORT!r}).run(); "
    "print(hashlib.sha256(s.to_csv(index=False).encode()).hexdigest())"
)


def fingerprint_in_a_process(**environment: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", FINGERPRINT], capture_output=True, text=True, env=os.environ | environment
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip()


def test_same_seed_same_series_in_a_fresh_process():
    assert fingerprint_in_a_process() == fingerprint(JangmadangModel(seed=11, **SHORT).run())


# numpy's exp, log and power differ in the last bit between its AVX-512, AVX2 and SSE code paths, and numba
# compiles for the host CPU: the reference run must not depend on either (`sim.core.fmath`). Disabling
# features a CPU lacks changes nothing, so on any x86-64 machine the SSE-only setting is a different path.
CPU_PATHS = {
    "numpy-sse-only-numba-generic": {
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
        "NUMBA_CPU_NAME": "generic",
    },
    "numpy-without-avx512": {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"},
}


def test_the_model_takes_no_transcendental_function_from_numpy():
    """The CPU-path test below catches a numpy exp only where the run reaches it and a last bit shows in
    the series (a risk of dying a bit apart seldom changes a binomial draw); this reads the code. `x ** y`
    with a named exponent is numpy's power when `x` is an array, so it is refused too, outside fmath."""
    numpy_math = re.compile(r"\bnp\.(exp|exp2|expm1|log|log2|log10|log1p|power|float_power|logaddexp)\(")
    named_power = re.compile(r"[\w)\]]\s*\*\*\s*[A-Za-z_(]")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "sim").rglob("*.py"))
        if path.name != "fmath.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if numpy_math.search(line) or named_power.search(line.split("#")[0])
    ]
    assert not found, f"use sim.core.fmath instead of numpy's exp, log and power at {found}"


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the code paths compared are x86-64's")
@pytest.mark.parametrize("path", CPU_PATHS)
def test_same_series_whatever_code_path_numpy_and_numba_take(path, tmp_path):
    default = fingerprint_in_a_process()
    assert fingerprint_in_a_process(NUMBA_CACHE_DIR=str(tmp_path), **CPU_PATHS[path]) == default


def test_batch_run_gives_the_single_run_series():
    results = mesa.batch_run(
        JangmadangModel,
        parameters={
            **{key: [value] for key, value in SHORT.items()},
            "seed": [3, 4],
            "sanctions": [0.0, 1.0],
        },
        iterations=1,
        max_steps=1_000,
        number_processes=1,
        data_collection_period=1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert len(frame) == 4 * 96
    alone = JangmadangModel(seed=4, sanctions=1.0, **SHORT).run()
    in_batch = frame[(frame.seed == 4) & (frame.sanctions == 1.0)].sort_values("Step")
    assert in_batch["market_reliance_share"].tolist() == alone["market_reliance_share"].tolist()
