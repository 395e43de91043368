"""The country as a grid: market towns, the border row, distances and who knows which market (ODD 2, 5).

Row 0 of the grid is the border with China. Market towns are cells; a few lie on the border row and
receive smuggled and legally imported goods; goods carried further pay transport by distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Geography:
    """Fixed facts about the market towns, computed once at set-up."""

    x: np.ndarray  # column of each town
    y: np.ndarray  # row of each town; distance to the border in cells
    size_weight: np.ndarray  # share of households living in each town
    distance: np.ndarray  # town x town distance in cells (float32)
    transport_factor: np.ndarray  # town x source: delivered price over the source's price (float32)
    known_without_phone: np.ndarray  # per town: the towns a trader without a phone can source from (-1 padded)
    capital: int  # the largest town, served first by the public distribution system

    @property
    def border(self) -> np.ndarray:
        return self.y == 0

    @property
    def survey_towns(self) -> np.ndarray:
        """The capital and the two largest border towns: the model's Pyongyang, Sinuiju and Hyesan, the
        three cities whose market prices Daily NK reports side by side."""
        border = np.flatnonzero(self.border)
        largest_border = border[np.argsort(-self.size_weight[border], kind="stable")[:2]]
        return np.concatenate([[self.capital], largest_border])


def place_towns(
    rng: np.random.Generator,
    width: int,
    height: int,
    n_towns: int,
    border_share: float,
    known_without_phone: int,
    transport_cost_share_per_cell: float,
) -> Geography:
    """Place market towns on distinct cells, a `border_share` of them on the border row.

    Town sizes are lognormal (a few cities, many county towns). A trader without a phone knows the
    `known_without_phone` nearest markets (its own included) and the nearest border market. Carrying a
    good one cell adds `transport_cost_share_per_cell` of its price.
    """
    n_border = min(width, n_towns - 1, max(1, round(border_share * n_towns), n_towns - width * (height - 1)))
    border_x = rng.choice(width, size=n_border, replace=False)
    interior_cells = rng.choice(width * max(height - 1, 0), size=n_towns - n_border, replace=False)
    x = np.concatenate([border_x, interior_cells % width]).astype(np.int32)
    y = np.concatenate([np.zeros(n_border, np.int64), 1 + interior_cells // width]).astype(np.int32)

    size = rng.lognormal(0.0, 1.2, n_towns)
    interior = np.flatnonzero(y > 0)
    capital = int(interior[np.argmax(size[interior])]) if len(interior) else int(np.argmax(size))
    size[capital] = size.max() * 3  # the capital holds roughly a tenth of the country
    return geography(x, y, size, capital, known_without_phone, transport_cost_share_per_cell)


def geography(
    x: np.ndarray,
    y: np.ndarray,
    size: np.ndarray,
    capital: int,
    known_without_phone: int,
    transport_cost_share_per_cell: float,
) -> Geography:
    """The facts that follow from where towns are and how large: distances, who knows which market, the
    cost of carrying goods. Towns on row 0 are on the border; there must be at least one."""
    x, y = np.asarray(x, np.int32), np.asarray(y, np.int32)
    n_towns = len(x)
    size_weight = np.asarray(size, np.float64) / np.sum(size)
    dx = x[:, None].astype(np.float32) - x[None, :]
    dy = y[:, None].astype(np.float32) - y[None, :]
    distance = np.sqrt(dx * dx + dy * dy)

    k = min(known_without_phone, n_towns)
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :k]
    border_towns = np.flatnonzero(y == 0)
    nearest_border = border_towns[np.argmin(distance[:, border_towns], axis=1)]
    already_known = (nearest == nearest_border[:, None]).any(axis=1)
    known = np.column_stack([nearest, np.where(already_known, -1, nearest_border)]).astype(np.int64)
    transport_factor = 1.0 + transport_cost_share_per_cell * distance  # float32, as `distance`
    return Geography(x, y, size_weight, distance, transport_factor, known, capital)
