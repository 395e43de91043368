"""The browser app: Mesa's model controls around the model, started by `jangmadang viz [SCENARIO]`.

Run by Solara (`solara run sim/visualization/app.py`), which serves `Page`. The scenario comes from
the environment variable JANGMADANG_VIZ_SCENARIO (set by the CLI) and can be changed in the page. The
page is built from Mesa's SolaraViz parts (its `ModelController` steps, plays and resets the model, and
`ShowSteps` shows the step) with a settings card of its own, whose sliders show their values as they
move, and a town inspector beside the map.
"""

from __future__ import annotations

import os

import solara
from matplotlib.figure import Figure
from mesa.visualization.solara_viz import ModelController, ShowSteps
from mesa.visualization.utils import update_counter

from sim.scenarios import list_scenarios
from sim.visualization.explorer import HOUSEHOLDS_VARIABLE, KNOBS, SCENARIO_VARIABLE, ExplorerModel
from sim.visualization.panels import draw_charts, draw_map, town_choices, town_figures

HOUSEHOLDS_SLIDER = (5_000, 200_000, 125)  # min, max, step (the 1:100 default, 58,875, is on it)
SEEDS = (1, 100)
PLAY_INTERVAL_MS = 150


@solara.component
def MapView(model: ExplorerModel) -> None:
    """The month and the settings the model was built with, over the map of towns and agents."""
    update_counter.get()
    inspected = solara.use_reactive(None)
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
        draw_map(model, fig.subplots(), highlight=inspected.value)
        solara.FigureMatplotlib(fig, format="png", dpi=80, dependencies=[model, model.steps, inspected.value])
        TownInspector(model, inspected)


@solara.component
def TownInspector(model: ExplorerModel, inspected: solara.Reactive[int | None]) -> None:
    """Pick a town (largest first) to see its prices, traders and stalls this month; it is ringed on the map."""
    choices = solara.use_memo(lambda: town_choices(model), [model])
    labels = list(choices)
    current = next((label for label, town in choices.items() if town == inspected.value), None)
    solara.Select("Inspect a town", values=labels, value=current, on_value=lambda label: inspected.set(choices[label]))
    if inspected.value is not None and inspected.value < model.p.market_towns:
        lines = [f"{name}: {value}" for name, value in town_figures(model, inspected.value).items()]
        solara.Markdown("  \n".join(lines), style={"font-size": "13px"})


@solara.component
def ChartsView(model: ExplorerModel) -> None:
    """The running charts of the main indicators."""
    update_counter.get()
    fig = Figure(figsize=(6.6, 7.4))
    draw_charts(model, fig)
    solara.FigureMatplotlib(fig, format="png", dpi=80, dependencies=[model, model.steps])


def initial_settings(scenario: str, households: int) -> dict:
    """The values of the settings card for a fresh page: the scenario as written."""
    return {
        "scenario": scenario,
        "households": households,
        **{name: knob.default for name, knob in KNOBS.items()},
        "border_closes_2020": True,
        "seed": 1,
    }


@solara.component
def Settings(settings: solara.Reactive[dict]) -> None:
    """The scenario, the scale and the knobs; each slider shows its value as it moves. Reset applies them."""
    values = settings.value

    def setter(name: str):
        return lambda value: settings.set({**settings.value, name: value})

    scenarios = [name for name, _ in list_scenarios()]
    if values["scenario"] not in scenarios:
        scenarios = [values["scenario"], *scenarios]
    solara.Select("Scenario", values=scenarios, value=values["scenario"], on_value=setter("scenario"))
    low, high, step = HOUSEHOLDS_SLIDER
    solara.SliderInt("Households (scale)", value=values["households"], on_value=setter("households"), min=low,
                     max=high, step=step, thumb_label="always")  # fmt: skip
    solara.Text(f"{values['households']:,} households", style={"font-size": "12px"})
    for name, knob in KNOBS.items():
        solara.SliderFloat(knob.label, value=values[name], on_value=setter(name), min=knob.low, max=knob.high,
                           step=knob.step, thumb_label="always")  # fmt: skip
        solara.Text(f"{knob.label} {values[name]:g}", style={"font-size": "12px"})
    solara.Checkbox(label="Border closes in 2020 (COVID)", value=values["border_closes_2020"],
                    on_value=setter("border_closes_2020"))  # fmt: skip
    solara.SliderInt("Random seed", value=values["seed"], on_value=setter("seed"), min=SEEDS[0], max=SEEDS[1],
                     thumb_label="always")  # fmt: skip
    solara.Text("Press Reset to build the model with these settings.", style={"font-size": "12px"})


@solara.component
def Page() -> None:
    """One page: each browser session gets its own model, built from the scenario `jangmadang viz` was given."""
    scenario = os.environ.get(SCENARIO_VARIABLE, "baseline")
    households = int(os.environ.get(HOUSEHOLDS_VARIABLE, "0")) or None
    first = solara.use_memo(lambda: ExplorerModel(scenario=scenario, households=households), [])
    model = solara.use_reactive(first)
    settings = solara.use_reactive(initial_settings(scenario, first.p.households))
    play_interval, render_interval, use_threads = (solara.use_reactive(v) for v in (PLAY_INTERVAL_MS, 1, False))
    with solara.AppBar():
        solara.AppBarTitle("Jangmadang: North Korea's markets, 1990-2020")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            ModelController(model, model_parameters=settings, play_interval=play_interval,
                            render_interval=render_interval, use_threads=use_threads)  # fmt: skip
        with solara.Card("Settings"):
            Settings(settings)
        with solara.Card("Information"):
            ShowSteps(model.value)
    with solara.Columns([1, 1]):
        MapView(model.value)
        ChartsView(model.value)
