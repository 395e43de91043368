"""Elementwise exp, log and powers that give the same bits on every x86-64 CPU with the same libraries.

numpy chooses its implementation of exp, log and power for the CPU it runs on (AVX-512, AVX2 or SSE
code paths), and they differ in the last bit: a run seeded alike then drifts apart from one machine to
another. These functions call the C library's scalar `exp`, `log` and `pow` instead, through numba,
whose arithmetic is plain IEEE (no fused multiply-add contraction, no reordered sums) whatever CPU it
compiles for. The model uses them for every transcendental function; `tests/test_determinism.py` runs
the reference run under different numpy and numba CPU settings and compares the series bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _exp(x, out):
    for i in range(x.size):
        out[i] = math.exp(x[i])


@njit(cache=True)
def _log(x, out):
    for i in range(x.size):
        out[i] = math.log(x[i]) if x[i] > 0.0 else (-math.inf if x[i] == 0.0 else math.nan)


@njit(cache=True)
def _power(base, exponent, out):
    for i in range(base.size):
        out[i] = base[i] ** exponent


def _apply(kernel, x: np.ndarray | float, *args: float) -> np.ndarray | float:
    if np.ndim(x) == 0:
        flat = np.array([x], dtype=np.float64)
        out = np.empty(1)
        kernel(flat, *args, out)
        return float(out[0])
    values = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty(values.size)
    kernel(values.ravel(), *args, out)
    return out.reshape(values.shape)


def exp(x: np.ndarray | float) -> np.ndarray | float:
    """e to the `x`, elementwise."""
    return _apply(_exp, x)


def log(x: np.ndarray | float) -> np.ndarray | float:
    """Natural logarithm, elementwise: -inf at 0 and nan below, as numpy's (without its warnings)."""
    return _apply(_log, x)


def power(base: np.ndarray | float, exponent: float) -> np.ndarray | float:
    """`base` to the power `exponent` (one exponent for all), elementwise."""
    return _apply(_power, base, float(exponent))
