"""The benchmarks' verdicts: how `benchmarks/scale_agreement.py` judges two scales' scorecards."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def scale_agreement():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "scale_agreement.py"
    spec = importlib.util.spec_from_file_location("scale_agreement", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def card(means, sds, runs, passes):
    names = ["within_spread", "outside_spread", "fixed_by_inputs", "fixed_but_apart"]
    return pd.DataFrame({
        "target": names, "low": 0.0, "high": 1e9, "mean": means, "sd": sds, "min": np.subtract(means, 3),
        "max": np.add(means, 3), "runs": runs, "passes": passes,
    })  # fmt: skip


def test_scales_agree_within_two_sd_of_single_runs_and_a_bias_is_reported_beside(scale_agreement):
    small = card([10.0, 10.0, 100.0, 100.0], [1.0, 1.0, 0.0, 0.0], 30, [True, True, True, True])
    full = card([11.5, 12.5, 100.3, 101.0], [1.0, 1.0, 0.0, 0.0], 5, [True, False, True, True])
    table = scale_agreement.compare(small, full).set_index("target")
    assert table["agree"].tolist() == [True, False, True, False]  # fixed by inputs: within 0.5%
    se = (1 / 30 + 1 / 5) ** 0.5
    assert table.loc["within_spread", "gap_in_se"] == pytest.approx(1.5 / se)  # agrees, yet a bias (> 2 SE)
    assert table[["gap_in_se"]].loc[["fixed_by_inputs", "fixed_but_apart"]].isna().all().all()
    assert table["both_pass"].tolist() == [True, False, True, True]
