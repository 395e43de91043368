"""Same seed, same series: in one process, across processes, and through Mesa's batch runner."""

import hashlib
import subprocess
import sys

import mesa
import pandas as pd
from conftest import SMALL, small_model

from sim import JangmadangModel

SHORT = {**SMALL, "end": "1997-12"}


def fingerprint(series: pd.DataFrame) -> str:
    return hashlib.sha256(series.to_csv(index=False).encode()).hexdigest()


def test_same_seed_same_series_different_seed_different_series():
    first = small_model(seed=7, end="1997-12").run()
    again = small_model(seed=7, end="1997-12").run()
    other = small_model(seed=8, end="1997-12").run()
    pd.testing.assert_frame_equal(first, again)
    assert not first["market_reliance_share"].equals(other["market_reliance_share"])


def test_same_seed_same_series_in_a_fresh_process():
    code = (
        "import hashlib; from sim import JangmadangModel; "
        f"s = JangmadangModel(seed=11, **{SHORT!r}).run(); "
        "print(hashlib.sha256(s.to_csv(index=False).encode()).hexdigest())"
    )
    other_process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other_process.stdout.strip() == fingerprint(JangmadangModel(seed=11, **SHORT).run())


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
