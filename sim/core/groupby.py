"""Per-group arithmetic over agent arrays (groups are market towns), O(agents) with no Python loops."""

from __future__ import annotations

import numpy as np
from numba import njit


def group_sum(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum of `values` within each group; groups without members get 0."""
    return np.bincount(group, weights=values, minlength=n_groups)[:n_groups]


@njit(cache=True)
def count_where(counts: np.ndarray, selected: np.ndarray) -> int:
    """Sum of the integer `counts` (members, workers: int16) over the `selected` rows, in int64. One pass;
    numpy's masked sum with a wider dtype converts the whole array first and is several times slower."""
    total = 0
    for i in range(len(counts)):
        if selected[i]:
            total += counts[i]
    return total


def group_count(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Number of members in each group."""
    return np.bincount(group, minlength=n_groups)[:n_groups]


def group_mean_or_overall(values: np.ndarray, group: np.ndarray, selected: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of `values` over the `selected` rows of each group; a group with no selected row gets the mean
    over all selected rows (0 when there are none anywhere)."""
    count = group_count(group[selected], n_groups)
    total = group_sum(np.where(selected, values, 0.0), group, n_groups)
    overall = total.sum() / max(count.sum(), 1)
    return np.where(count > 0, total / np.maximum(count, 1), overall)


class SortedGroups:
    """The groups of rows stored in group order (households sorted by town, for good).

    Sums and spreads work on contiguous segments: many times faster than `np.bincount` with weights
    and than fancy indexing, which is what makes the household arrays cheap to aggregate.
    """

    def __init__(self, group: np.ndarray, n_groups: int) -> None:
        if np.any(np.diff(group) < 0):
            raise ValueError("rows must be sorted by group")
        self.n_groups = n_groups
        self.sizes = np.bincount(group, minlength=n_groups)[:n_groups]
        self._filled = self.sizes > 0
        self._starts = (np.cumsum(self.sizes) - self.sizes)[self._filled]

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of `values` within each group (0 for empty groups), as float64."""
        totals = np.zeros(self.n_groups)
        if len(self._starts):
            totals[self._filled] = np.add.reduceat(values, self._starts, dtype=np.float64)
        return totals

    def spread(self, per_group: np.ndarray) -> np.ndarray:
        """Each row's value of its group: `per_group[group]`."""
        return np.repeat(per_group, self.sizes)


def fill_ratio(wanted: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Share of each wanted amount that `available` meets: min(1, available / wanted); 1 if none is wanted."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(wanted > 0, available / wanted, 1.0)
    return np.minimum(ratio, 1.0)


def draw_members(rng: np.random.Generator, cumulative_weights: np.ndarray, count: int) -> np.ndarray:
    """Draw `count` rows with probability proportional to their weights, with replacement, in O(count log n).

    Takes the running total of the weights (`np.cumsum(weights)`, or a kernel's that computes the weights
    on the way). Used for rare events (births, deaths, new remittance families): the number of events is
    drawn once for the population and only the affected rows are picked, instead of a draw for every row.
    """
    if count <= 0 or len(cumulative_weights) == 0 or cumulative_weights[-1] <= 0:
        return np.empty(0, dtype=np.int64)
    picks = np.sort(rng.random(count) * cumulative_weights[-1])  # sorted, the searches walk memory in order
    return np.minimum(np.searchsorted(cumulative_weights, picks, side="right"), len(cumulative_weights) - 1)


@njit(cache=True)
def pick_member(cumulative_weights: np.ndarray, uniform: float) -> int:
    """The row a `uniform` draw in [0, 1) picks, with probability proportional to the rows' weights, given
    their running total: `draw_members` for one draw, for compiled loops."""
    total = cumulative_weights[-1]
    return min(np.searchsorted(cumulative_weights, uniform * total, side="right"), len(cumulative_weights) - 1)


@njit(cache=True)
def scatter_add(target: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """target[rows] += values, adding repeated rows once each time (like `np.add.at`, many times faster)."""
    for i in range(len(rows)):
        target[rows[i]] += values[i]


def happens(rng: np.random.Generator, eligible: np.ndarray, probability: np.ndarray | float) -> np.ndarray:
    """True for each `eligible` row with its `probability`; random numbers are drawn for eligible rows only.

    So the outcome does not depend on rows that cannot be affected (departed agents, say), and rare
    events among few eligible rows cost little.
    """
    rows = np.flatnonzero(eligible)
    chance = probability[rows] if np.ndim(probability) else probability
    happened = np.zeros(len(eligible), dtype=bool)
    happened[rows[rng.random(len(rows)) < chance]] = True
    return happened


def allocate(total_per_group: np.ndarray, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Split each group's total among its members in proportion to `weights` (0 where they sum to 0)."""
    weight_sum = group_sum(weights, group, len(total_per_group))
    shares = np.empty(len(weights))
    _allocate(total_per_group=total_per_group, weights=weights, group=group, weight_sum=weight_sum, shares=shares)
    return shares


@njit(cache=True)
def _allocate(total_per_group, weights, group, weight_sum, shares):
    for i in range(len(weights)):
        total = weight_sum[group[i]]
        shares[i] = total_per_group[group[i]] * (weights[i] / total) if total > 0 else 0.0
