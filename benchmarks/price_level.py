"""What holds the price level after the 2009 redenomination: one change at a time against the baseline.

    python benchmarks/price_level.py                    # 3 seeds each, default scale (about 4 minutes)
    python benchmarks/price_level.py --replicates 5 --set households=20000

The baseline falls short of the documented grain price of 2012-2017 and overshoots the wage in grain
(docs/ODD.md, "Known gaps"). Each variant changes one thing that a quantity theory of money says should
raise prices after 2009: households keeping less won, never regaining their trust in it, the state paying
three times the wage after the redenomination, or the state shops not taking back wages; and one that
shuts the currency market's pull on the rate (the rate then follows grain parity alone). For each it
prints the grain price (2013-2019), the wage in grain (2011-2019), the won per dollar (2013-2019) and how
many times the households' orders for foreign cash exceed what is sold on the currency market
(2010-2019). Runs share their seeds with the baseline (common random numbers), so differences are the
change's.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

from sim import drivers, results  # noqa: E402
from sim.cli import parse_sets  # noqa: E402
from sim.core.schedule import Schedule, month_label, to_month  # noqa: E402
from sim.experiments.sweep import run_replicates  # noqa: E402
from sim.parameters import Parameters  # noqa: E402


def tripled_from(points: dict, start: str) -> dict:
    """A driver schedule as it is until the month before `start`, three times as high from `start` on
    (its points in date order, as a schedule's must be)."""
    schedule, month = Schedule.of(points), to_month(start)
    before = {key: value for key, value in points.items() if key == "kind" or to_month(key) < month - 1}
    after = {key: 3 * value for key, value in points.items() if key != "kind" and to_month(key) > month}
    edge = {month_label(month - 1): schedule.at(month - 1), start: 3 * schedule.at(month)}
    return {**before, **edge, **after}


WAGE_TRIPLED_AFTER_2009 = tripled_from(drivers.WAGE_WON_PER_WORKER_MONTH, "2009-12")
VARIANTS = {
    "baseline": {},
    f"won kept 0.3 months (not {Parameters().won_holding_months:.1f})": {"parameters.won_holding_months": 0.3},
    "trust in the won never returns": {"parameters.won_trust_recovery_per_month": 0.0},
    "wage tripled after 2009-12": {"drivers.wage_won_per_worker_month": WAGE_TRIPLED_AFTER_2009},
    "rate ignores excess demand": {"parameters.fx_adjustment_rate": 0.0},
    "no state shops": {"parameters.state_shop_supply_share_of_wages": 0.0},
}
COLUMNS = {
    "grain won/kg 2013-19": ("grain_price_won_per_kg", "2013", "2019"),
    "wage kg 2011-19": ("wage_in_grain_kg", "2011", "2019"),
    "won/$ 2013-19": ("won_per_dollar", "2013", "2019"),
}
WANTED_OVER_TRADED = ("fx_wanted_yuan", "fx_traded_yuan", "2010", "2019")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicates", type=int, default=3)
    parser.add_argument("--set", nargs="*", default=[], help="settings for every run, e.g. households=20000")
    args = parser.parse_args()
    settings = parse_sets(args.set)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, change) in enumerate(VARIANTS.items()):
            runs = results.load(
                run_replicates("baseline", Path(folder) / f"v{number}", args.replicates, {**settings, **change}, seed=1)
            )
            row = {"variant": name}
            for label, (column, start, end) in COLUMNS.items():
                row[label] = results.between(runs, start, end)[column].mean()
            wanted, traded, start, end = WANTED_OVER_TRADED
            period = results.between(runs, start, end)
            row["foreign cash asked / sold 2010-19"] = period[wanted].sum() / period[traded].sum()
            rows.append(row)
    table = pd.DataFrame(rows).set_index("variant")
    print(f"{args.replicates} seeds per variant, settings {settings or 'default'}")
    print(table.to_string(float_format=lambda value: f"{value:,.3g}"))


if __name__ == "__main__":
    main()
