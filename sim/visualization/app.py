"""The browser app: Mesa's SolaraViz around the model, started by `jangmadang viz [SCENARIO]`.

Run by Solara (`solara run sim/visualization/app.py`), which serves `Page`. The
scenario comes from the environment variable JANGMADANG_VIZ_SCENARIO (set by the CLI) and can be
changed in the page; the sliders and switches are `sim.visualization.explorer`'s knobs.
"""

from __future__ import annotations

import os

import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import update_counter

from sim.scenarios import list_scenarios
from sim.visualization.explorer import HOUSEHOLDS_VARIABLE, KNOBS, SCENARIO_VARIABLE, ExplorerModel
from sim.visualization.panels import draw_charts, draw_map


@solara.component
def MapView(model: ExplorerModel) -> None:
    """The month and the settings the model was built with, over the map of towns and agents."""
    update_counter.get()
    knobs = ", ".join(f"{name.replace('_', ' ')} ×{value:g}" for name, value in model.knobs.items()
                      if isinstance(value, float))  # fmt: skip
    with solara.Column(gap="0px"):
        date = model.date if model.steps else f"{model.date} (not yet run: press Step or Play)"
        solara.Text(date, classes=["model-date"], style={"font-size": "26px", "line-height": "40px"})
        solara.Text(
            f"Scenario {model.knobs['scenario']}: {model.p.households:,} households in {model.p.market_towns} towns "
            f"(1 agent = {model.weight:,.0f} real households), seed {model.knobs['seed']}; {knobs}; "
            f"peak sanctions {max(model.p.sanctions.values):.2f}.",
            style={"font-size": "12px"},
        )
        fig = Figure(figsize=(7.0, 6.4))
        fig.subplots_adjust(left=0.01, right=0.99, top=0.95, bottom=0.01)
        draw_map(model, fig.subplots())
        solara.FigureMatplotlib(fig, format="png", dpi=80, dependencies=[model, model.steps])


@solara.component
def ChartsView(model: ExplorerModel) -> None:
    """The running charts of the main indicators."""
    update_counter.get()
    fig = Figure(figsize=(6.6, 7.4))
    draw_charts(model, fig)
    solara.FigureMatplotlib(fig, format="png", dpi=80, dependencies=[model, model.steps])


def model_params(scenario: str, households: int) -> dict:
    """The controls in the sidebar; SolaraViz rebuilds `ExplorerModel` from them on Reset."""
    scenarios = [name for name, _ in list_scenarios()]
    params: dict = {
        "scenario": {
            "type": "Select",
            "value": scenario,
            "label": "Scenario",
            "values": scenarios if scenario in scenarios else [scenario, *scenarios],
        },
        "households": Slider("Households (scale)", households, 5_000, 200_000, 5_000),
    }
    for name, knob in KNOBS.items():
        params[name] = Slider(knob.label, knob.default, knob.low, knob.high, knob.step)
    params["border_closes_2020"] = {"type": "Checkbox", "value": True, "label": "Border closes in 2020 (COVID)"}
    params["seed"] = Slider("Random seed", 1, 1, 100, 1)
    return params


@solara.component
def Page() -> None:
    """One page: each browser session gets its own model, built from the scenario `jangmadang viz` was given."""
    scenario = os.environ.get(SCENARIO_VARIABLE, "baseline")
    households = int(os.environ.get(HOUSEHOLDS_VARIABLE, "0")) or None
    model = solara.use_memo(lambda: ExplorerModel(scenario=scenario, households=households), [])
    SolaraViz(
        model,
        components=[(MapView, 0), (ChartsView, 0)],
        model_params=model_params(scenario, model.p.households),
        name="Jangmadang: North Korea's markets, 1990-2020",
        play_interval=150,
    )
