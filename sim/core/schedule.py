"""Calendar months and driver schedules.

A month is counted as an integer, `year * 12 + (month - 1)`, so that schedules and the model's
clock share one exact, integer time axis. A `Schedule` maps dates to values, `{1994: 0.4,
"1997-06": 0.06}`, and gives the value at any month by holding the last point (`step`) or
interpolating between points (`linear`); before the first point it holds the first value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

Month = int
DateLike = int | str | dt.date
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-\d{1,2})?$")


def to_month(date: DateLike) -> Month:
    """Month number of a year (its January), a 'YYYY-MM' or 'YYYY-MM-DD' string, or a date."""
    if isinstance(date, dt.date):
        return date.year * 12 + date.month - 1
    if isinstance(date, int | np.integer) and not isinstance(date, bool):
        return int(date) * 12
    match = _DATE.match(str(date).strip())
    if not match:
        raise ValueError(f"not a date: {date!r} (use a year, 'YYYY-MM' or 'YYYY-MM-DD')")
    year, month = int(match.group(1)), int(match.group(2) or 1)
    if not 1 <= month <= 12:
        raise ValueError(f"not a date: {date!r} (month must be 1-12)")
    return year * 12 + month - 1


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool) and np.isfinite(value)


def month_label(month: Month) -> str:
    """'YYYY-MM' for a month number."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def month_start(month: Month) -> dt.date:
    """The first day of a month number, as a date."""
    return dt.date(month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Schedule:
    """A driver's value over time: sorted (month, value) points, held or interpolated."""

    months: tuple[Month, ...]
    values: tuple[float, ...]
    kind: Literal["step", "linear"] = "step"

    @classmethod
    def of(
        cls,
        spec: float | Mapping[DateLike, float] | Schedule,
        low: float | None = None,
        high: float | None = None,
    ) -> Schedule:
        """Build a schedule from a constant, a `{date: value}` mapping, or another schedule.

        A mapping may set its interpolation under the key "kind" ("step", the default, or "linear").
        Values outside [`low`, `high`] are refused.
        """
        if isinstance(spec, Schedule):
            months, values, kind = spec.months, spec.values, spec.kind
        elif _is_number(spec):
            months, values, kind = (0,), (float(spec),), "step"
        elif isinstance(spec, Mapping) and spec:
            points = dict(spec)
            kind = points.pop("kind", "step")
            if kind not in ("step", "linear"):
                raise ValueError(f"a schedule's kind is 'step' or 'linear', not {kind!r}")
            if not points or not all(_is_number(value) for value in points.values()):
                raise ValueError("a schedule maps dates to numbers")
            months = tuple(to_month(date) for date in points)
            if list(months) != sorted(set(months)):
                raise ValueError(f"schedule dates must be distinct and in increasing order: {list(points)}")
            values = tuple(float(value) for value in points.values())
        else:
            raise ValueError("a schedule is a number or a {date: value} mapping")
        if (low is not None and min(values) < low) or (high is not None and max(values) > high):
            allowed = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise ValueError(f"schedule values must be {allowed}")
        return cls(months, values, kind)

    def scaled(self, factor: float, high: float | None = None) -> Schedule:
        """Every value times `factor`, capped at `high`: the same history, stronger or weaker."""
        values = tuple(min(value * factor, high) if high is not None else value * factor for value in self.values)
        return replace(self, values=values)

    def deepened(self, factor: float) -> Schedule:
        """Every fall below the first value `factor` times as deep (0 removes the falls, 2 doubles them)."""
        reference = self.values[0]
        values = tuple(
            max(reference - factor * (reference - value), 0.0) if value < reference else value for value in self.values
        )
        return replace(self, values=values)

    def before(self, month: Month) -> Schedule:
        """The schedule with its changes from `month` on dropped: the value then in force holds on."""
        keep = max(1, sum(1 for m in self.months if m < month))
        return replace(self, months=self.months[:keep], values=self.values[:keep])

    def at(self, month: Month) -> float:
        """The value in force in `month`."""
        if self.kind == "linear":
            return float(np.interp(month, self.months, self.values))
        i = int(np.searchsorted(self.months, month, side="right")) - 1
        return self.values[max(i, 0)]
