"""Shared fixtures: small models that run in a fraction of a second."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from sim import JangmadangModel  # noqa: E402

SMALL = {"households": 1_500, "market_towns": 40, "grid_width": 16, "grid_height": 20}
TINY = {"households": 30, "market_towns": 3, "grid_width": 4, "grid_height": 4}


def small_model(seed: int = 1, **overrides) -> JangmadangModel:
    """A model of 1,500 households in 40 towns: the whole 1990-2020 history runs in about a second."""
    return JangmadangModel(seed=seed, **{**SMALL, **overrides})


def tiny_model(seed: int = 1, **overrides) -> JangmadangModel:
    """A hand-sized model (30 households, 3 towns) whose arrays the process tests set by hand."""
    return JangmadangModel(seed=seed, **{**TINY, **overrides})


@pytest.fixture
def tiny() -> JangmadangModel:
    return tiny_model()
