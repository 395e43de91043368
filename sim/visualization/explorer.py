"""The model as the browser app drives it: a scenario turned by a few knobs (sliders and switches).

Mesa's SolaraViz rebuilds the model on reset by calling its class with the knobs' values as keyword
arguments, so the knobs are the constructor's arguments here. Each knob rescales a driver schedule
of the chosen scenario, so that 1.0 everywhere reproduces the scenario's documented history.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from sim.core.schedule import to_month
from sim.model import MIN_HOUSEHOLDS_PER_TOWN, JangmadangModel
from sim.scenarios import load_scenario

SCENARIO_VARIABLE = "JANGMADANG_VIZ_SCENARIO"  # how `jangmadang viz` tells the app what to show
HOUSEHOLDS_VARIABLE = "JANGMADANG_VIZ_HOUSEHOLDS"
HOUSEHOLDS_PER_TOWN = 2 * MIN_HOUSEHOLDS_PER_TOWN  # smaller runs get fewer towns, so each keeps a real market
BORDER_CLOSURE = "2020-02"


@dataclass(frozen=True)
class Knob:
    """A slider multiplying a driver: its label in the app, range and step; 1.0 is the scenario as written."""

    label: str
    low: float
    high: float
    step: float
    default: float = 1.0


KNOBS = {
    "sanction_intensity": Knob("Sanctions ×", 0.0, 2.0, 0.1),
    "border_enforcement": Knob("Border enforcement ×", 0.0, 1.5, 0.1),
    "famine_severity": Knob("Famine severity ×", 0.0, 2.0, 0.1),
    "market_tolerance": Knob("Market tolerance ×", 0.0, 2.0, 0.1),
    "phone_share": Knob("Phones ×", 0.0, 3.0, 0.25),
    "remittances": Knob("Remittances ×", 0.0, 3.0, 0.25),
}


def explorer_settings(
    scenario: str = "baseline",
    households: int | None = None,
    sanction_intensity: float = 1.0,
    border_enforcement: float = 1.0,
    famine_severity: float = 1.0,
    market_tolerance: float = 1.0,
    phone_share: float = 1.0,
    remittances: float = 1.0,
    border_closes_2020: bool = True,
) -> dict:
    """Model keyword arguments for `scenario` with the knobs applied.

    Famine severity deepens (or flattens) every fall of the harvest, the ration and the distribution's
    reach below their 1990 level; the other sliders multiply their driver, shares capped at 1. With the
    switch off, border enforcement keeps its pre-2020 level instead of closing the border.
    """
    p = load_scenario(scenario).parameters
    households = households or p.households
    towns = min(p.market_towns, max(2, households // HOUSEHOLDS_PER_TOWN))
    enforcement = p.border_enforcement
    if not border_closes_2020:
        enforcement = enforcement.before(to_month(BORDER_CLOSURE))
    return p.as_kwargs() | {
        "households": households,
        "market_towns": towns,
        "sanctions": p.sanctions.scaled(sanction_intensity, high=1.0),
        "border_enforcement": enforcement.scaled(border_enforcement, high=1.0),
        "harvest_mt": p.harvest_mt.deepened(famine_severity),
        "ration_g_per_person_day": p.ration_g_per_person_day.deepened(famine_severity),
        "pds_coverage": p.pds_coverage.deepened(famine_severity),
        "market_tolerance": p.market_tolerance.scaled(market_tolerance, high=1.0),
        "phone_subscriptions": p.phone_subscriptions.scaled(phone_share),
        "remittance_yuan_per_sender_year": p.remittance_yuan_per_sender_year.scaled(remittances),
    }


class ExplorerModel(JangmadangModel):
    """`JangmadangModel` built from a scenario name and the app's knobs, the arguments of `explorer_settings`.

    They arrive as `**kwargs` because SolaraViz passes the sidebar's values by name; `knobs` records them all.
    """

    def __init__(self, seed: int = 1, **kwargs: Any) -> None:
        call = inspect.signature(explorer_settings).bind(**kwargs)
        call.apply_defaults()
        super().__init__(seed=int(seed), **explorer_settings(**call.arguments))
        self.knobs = call.arguments | {"seed": int(seed)}
