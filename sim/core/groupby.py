"""Per-group arithmetic over agent arrays (groups are market towns), O(agents) with no Python loops."""

from __future__ import annotations

import numpy as np


def group_sum(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum of `values` within each group; groups without members get 0."""
    return np.bincount(group, weights=values, minlength=n_groups)[:n_groups]


def group_count(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Number of members in each group."""
    return np.bincount(group, minlength=n_groups)[:n_groups]


def fill_ratio(wanted: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Share of each wanted amount that `available` meets: min(1, available / wanted); 1 if none is wanted."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(wanted > 0, available / wanted, 1.0)
    return np.minimum(ratio, 1.0)


def draw_members(rng: np.random.Generator, weights: np.ndarray, count: int) -> np.ndarray:
    """Draw `count` rows with probability proportional to `weights`, with replacement, in O(count log n).

    Used for rare events (births, deaths, entries): the number of events is drawn once for the
    population and only the affected rows are picked, instead of a random draw for every row.
    """
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    cumulative = np.cumsum(weights, dtype=np.float64)
    if cumulative[-1] <= 0:
        return np.empty(0, dtype=np.int64)
    picks = rng.random(count) * cumulative[-1]
    return np.minimum(np.searchsorted(cumulative, picks, side="right"), len(weights) - 1)


def allocate(total_per_group: np.ndarray, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Split each group's total among its members in proportion to `weights` (0 where they sum to 0)."""
    weight_sum = group_sum(weights, group, len(total_per_group))[group]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(weight_sum > 0, weights / weight_sum, 0.0)  # in [0, 1], also for tiny sums
    return total_per_group[group] * share
