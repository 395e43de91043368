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
from dataclasses import dataclass
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
    def of(cls, spec: float | Mapping[DateLike, float] | Schedule, kind: str = "step") -> Schedule:
        """Build a schedule from a constant, a `{date: value}` mapping, or another schedule.

        A mapping may carry its own interpolation under the key "kind".
        """
        if isinstance(spec, Schedule):
            return spec
        if isinstance(spec, int | float | np.number) and not isinstance(spec, bool):
            return cls((0,), (float(spec),), "step")
        if not isinstance(spec, Mapping) or not spec:
            raise ValueError(f"a schedule is a number or a non-empty {{date: value}} mapping, not {spec!r}")
        points = dict(spec)
        kind = str(points.pop("kind", kind))
        if kind not in ("step", "linear"):
            raise ValueError(f"schedule kind must be 'step' or 'linear', not {kind!r}")
        months = [to_month(date) for date in points]
        if months != sorted(months) or len(set(months)) != len(months):
            raise ValueError(f"schedule dates must be distinct and in increasing order: {list(points)}")
        return cls(tuple(months), tuple(float(v) for v in points.values()), kind)  # type: ignore[arg-type]

    def at(self, month: Month) -> float:
        """The value in force in `month`."""
        if self.kind == "linear":
            return float(np.interp(month, self.months, self.values))
        i = int(np.searchsorted(self.months, month, side="right")) - 1
        return self.values[max(i, 0)]
