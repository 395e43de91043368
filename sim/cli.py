"""The `jangmadang` command line: run, sweep, list, validate, plot.

Every problem with the user's input is one message naming the file, the field and what is allowed,
with exit code 2; a sweep in which some runs failed finishes the others and exits with 1.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from sim.core.memory import too_large_for_this_machine
from sim.experiments.provenance import check_writable
from sim.scenarios import SCENARIO_DIR, Scenario, ScenarioError, list_scenarios, load_scenario, read_yaml

# Commands import what they need themselves: `jangmadang run` should not wait for Solara, SciPy or Ray.

app = typer.Typer(
    help="Jangmadang: an agent-based simulation of North Korea's informal markets, 1990-2020.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"jangmadang: {message}", err=True)
    return typer.Exit(code)


def parse_sets(pairs: list[str]) -> dict[str, Any]:
    """`key=value` pairs; values are read as YAML, so numbers, dates and {date: value} mappings work."""
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise fail(f"--set {pair!r}: expected key=value, e.g. --set households=5000 or --set sanctions=0.5")
        try:
            overrides[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError:
            raise fail(f"--set {pair!r}: the value is not a number, date or {{date: value}} mapping") from None
    return overrides


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Scenario name (see `jangmadang list`) or YAML file.")] = "baseline",
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the scenario's).", min=0)] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change a setting: households=5000, sanctions=0.5, drivers.sanctions.2017-08=0.6"),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: outputs/<scenario>).")] = None,
    scale: Annotated[
        str | None,
        typer.Option(help="'full' (one agent per real household, 5.9 million), a ratio like '1:100', or households."),
    ] = None,
) -> None:
    """Run one scenario; write timeseries.csv, markets.parquet, dashboard.png and manifest.json."""
    overrides = parse_sets(set_ or [])
    try:
        loaded = load_scenario(scenario, overrides, source="--set")
        if scale is not None:
            overrides["households"] = scale
            loaded = loaded.with_overrides({"households": scale}, source="--scale")
    except ScenarioError as error:
        raise fail(str(error)) from None
    if seed is not None:
        loaded = loaded.with_overrides({}, seed=seed)
    folder = out or Path("outputs") / loaded.name
    check_before_running(loaded, folder, source="--set" if "households" in overrides else None)
    from sim.experiments.run import run_scenario, summary_lines

    result = run_scenario(loaded, folder, overrides)
    for line in summary_lines(result):
        typer.echo(line)


def check_before_running(loaded: Scenario, folder: Path | None = None, source: str | None = None) -> None:
    """Refuse, before any work, a run this machine cannot hold or whose outputs cannot be written; warn of
    a span beyond the documented history. `source` names where the households came from, if not the file."""
    if folder is not None and (problem := check_writable(folder)):
        raise fail(problem)
    if reason := too_large_for_this_machine(loaded.parameters.households):
        raise fail(f"{source or loaded.path}: households: {reason}.")
    for message in loaded.parameters.beyond_history():
        typer.echo(f"jangmadang: warning: {message}.", err=True)
    warnings.filterwarnings("ignore", message=".*documented history")  # said once, here


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep YAML file (see scenarios/sweeps/).")],
    workers: WorkersOption = None,
    backend: Annotated[str, typer.Option(help="'process' (this machine) or 'ray' (a Ray cluster).")] = "process",
    address: Annotated[str | None, typer.Option(help="Ray cluster address (default: start a local Ray).")] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: outputs/sweeps/<name>).")] = None,
    csv: Annotated[bool, typer.Option(help="Also write timeseries.csv.")] = False,
) -> None:
    """Run a sweep with replicates; started again, it skips the runs already written."""
    from sim.experiments.sweep import load_sweep, run_sweep

    if backend not in ("process", "ray"):
        raise fail(f"--backend {backend!r}: use 'process' or 'ray'")
    try:
        loaded = load_sweep(sweep_file)
    except ScenarioError as error:
        raise fail(str(error)) from None
    try:
        folder = out or Path("outputs") / "sweeps" / loaded.name
        check_before_running(loaded.scenario, folder)
        result = run_sweep(loaded, folder, workers, backend, address, csv)
    except ScenarioError as error:
        raise fail(str(error)) from None
    total = len(loaded.runs)
    typer.echo(
        f"{loaded.name}: {total - len(result.failed)} of {total} runs written "
        f"({result.skipped} already there); series in {result.out_dir / 'timeseries.parquet'}"
    )
    if result.failed:
        for run_id, error in sorted(result.failed.items()):
            typer.echo(f"  failed {run_id}: {error}", err=True)
        raise typer.Exit(1)


@app.command()
def viz(
    scenario: Annotated[str, typer.Argument(help="Scenario name (see `jangmadang list`) or YAML file.")] = "baseline",
    households: Annotated[
        int | None, typer.Option(help="Households to model (default: the scenario's).", min=1_000)
    ] = None,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65_535)] = 8765,
) -> None:
    """Explore a scenario in the browser (Mesa SolaraViz): map, live charts, sliders for the drivers."""
    from sim.visualization import explorer

    try:
        loaded = load_scenario(scenario)
    except ScenarioError as error:
        raise fail(str(error)) from None
    env = os.environ | {
        explorer.SCENARIO_VARIABLE: scenario,
        explorer.HOUSEHOLDS_VARIABLE: str(households or 0),
        # Solara's notes on cookies over plain http and on Mesa's hooks say nothing a user can act on.
        "PYTHONWARNINGS": "ignore::UserWarning:solara.server.starlette,ignore::UserWarning:solara.validate_hooks",
    }
    app_file = Path(explorer.__file__).with_name("app.py")
    command = [sys.executable, "-m", "solara", "run", str(app_file), "--host", host, "--port", str(port),
               "--production", "--no-open", "--log-level", "warning"]  # fmt: skip
    typer.echo(f"Jangmadang browser view of {loaded.name!r}: open http://{host}:{port}/ (Ctrl-C stops it)")
    sys.stdout.flush()
    os.execve(sys.executable, command, env)  # the server replaces this process: signals reach it directly


@app.command("list")
def list_() -> None:
    """List the shipped scenarios and sweeps."""
    for name, description in list_scenarios():
        first = description.split(". ")[0]
        typer.echo(f"{name:<22} {first if len(first) <= 90 else first[:89] + '…'}")
    sweeps = sorted((SCENARIO_DIR / "sweeps").glob("*.yaml"))
    if sweeps:
        typer.echo("\nsweeps:")
        for path in sweeps:
            typer.echo(f"  {path}")


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Scenario or sweep YAML file.")]) -> None:
    """Check a scenario or sweep file without running it."""
    from sim.experiments.sweep import check_points, is_sweep_file, load_sweep

    try:
        _, data = read_yaml(file)
        if is_sweep_file(data):
            loaded = load_sweep(file)
            check_points(loaded)
            typer.echo(f"{file}: valid sweep of {len(loaded.runs)} runs on scenario {loaded.scenario.name!r}.")
        else:
            scenario = load_scenario(file)
            check_before_running(scenario)
            typer.echo(f"{file}: valid scenario {scenario.name!r}, {scenario.parameters.start} to "
                       f"{scenario.parameters.end}, {scenario.parameters.households:,} households.")  # fmt: skip
    except ScenarioError as error:
        raise fail(str(error)) from None


@app.command()
def plot(folder: Annotated[Path, typer.Argument(help="Output folder of a run or a sweep.")]) -> None:
    """Draw a run's dashboard, or a sweep's series with bands over replicates."""
    from sim import results
    from sim.visualization.dashboard import plot_dashboard
    from sim.visualization.sweep_plot import plot_sweep

    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise fail(f"{folder}: no manifest.json; give the output folder of `jangmadang run` or `sweep`")
    kind = json.loads(manifest.read_text()).get("kind")
    frame = results.load(folder)
    if frame.empty:
        raise fail(f"{folder}: no finished runs to plot")
    if kind == "sweep":
        path = plot_sweep(frame, folder / "sweep.png", title=f"Jangmadang sweep: {folder.name}")
    else:
        path = plot_dashboard(frame, folder / "dashboard.png", title=f"Jangmadang: {folder.name}")
    typer.echo(f"Plot: {path}")


SetOption = Annotated[
    list[str] | None, typer.Option("--set", help="Change a setting for every run, e.g. households=10000.")
]
WorkersOption = Annotated[int | None, typer.Option(help="Parallel runs (default: all cores).", min=1)]


def checked_settings(scenario: str, pairs: list[str] | None) -> dict[str, Any]:
    """`--set` pairs, checked against the scenario before any run starts."""
    settings = parse_sets(pairs or [])
    try:
        load_scenario(scenario, settings, source="--set")
    except ScenarioError as error:
        raise fail(str(error)) from None
    return settings


@app.command()
def calibrate(
    scenario: Annotated[str, typer.Argument(help="Scenario name or YAML file.")] = "baseline",
    replicates: Annotated[int, typer.Option(help="Runs with different seeds.", min=1)] = 10,
    set_: SetOption = None,
    workers: WorkersOption = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: outputs/calibration/<scenario>).")] = None,
) -> None:
    """Score a scenario against the documented targets; exit 1 if any target fails."""
    from sim.calibration.checks import format_checks
    from sim.calibration.run import calibrate as run_calibration
    from sim.calibration.targets import format_scorecard

    settings = checked_settings(scenario, set_)
    folder = out or Path("outputs/calibration") / Path(scenario).stem
    try:
        result = run_calibration(scenario, folder, replicates, settings, workers)
    except ScenarioError as error:  # a problem with seeds/targets.yaml
        raise fail(str(error)) from None
    typer.echo(format_scorecard(result.card))
    typer.echo("Checks against the reported figures (not targets):\n" + format_checks(result.checks))
    typer.echo(
        f"Scorecard: {result.out_dir / 'scorecard.csv'}; checks: {result.out_dir / 'checks.csv'}; "
        f"plots: {result.out_dir / 'targets.png'}, {result.out_dir / 'price_path.png'}"
    )
    if not result.passed:
        raise typer.Exit(1)


@app.command()
def fit(
    scenario: Annotated[str, typer.Argument(help="Scenario to start from.")] = "baseline",
    trials: Annotated[int, typer.Option(help="Parameter sets to try.", min=1)] = 40,
    replicates: Annotated[int, typer.Option(help="Runs per parameter set.", min=1)] = 2,
    set_: SetOption = None,
    workers: WorkersOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the search and of the runs.", min=0)] = 1,
    out: Annotated[Path, typer.Option(help="Scenario file to write.")] = Path("outputs/fit/baseline_fitted.yaml"),
    around: Annotated[
        float | None,
        typer.Option(
            help="Polish: search each parameter only this share of its range either side of its value.",
            min=0.0,
            max=1.0,
        ),
    ] = None,
) -> None:
    """Fit the free parameters (sim/calibration/free_parameters.py) to the targets; write a scenario file."""
    from sim.calibration.run import fit as run_fit

    best = run_fit(scenario, out, trials, replicates, checked_settings(scenario, set_), seed, workers, around)
    typer.echo(
        f"Best loss {best['loss']:.3f}: summed miss {best['summed_miss']:.3f}, {best['expected_failures']:.2f} "
        f"targets a single run is expected to miss ({best['passes']} targets passed); written to {out}"
    )


@app.command()
def sensitivity(
    scenario: Annotated[str, typer.Argument(help="Scenario to vary around.")] = "baseline",
    trajectories: Annotated[int, typer.Option(help="Morris trajectories.", min=2)] = 6,
    set_: SetOption = None,
    workers: WorkersOption = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: outputs/sensitivity/<scenario>).")] = None,
) -> None:
    """Morris sensitivity of the targeted outputs to the free parameters; writes a table and a plot."""
    from sim.calibration.run import sensitivity as run_sensitivity

    folder = out or Path("outputs/sensitivity") / Path(scenario).stem
    table = run_sensitivity(scenario, folder, trajectories, checked_settings(scenario, set_), workers=workers)
    top = table.sort_values("mu_star", ascending=False).groupby("output").head(1)
    for row in top.itertuples():
        typer.echo(f"{row.output:<28} most sensitive to {row.parameter} (mu* {row.mu_star:.3g})")
    typer.echo(f"Table: {folder / 'sensitivity.csv'}; plot: {folder / 'sensitivity.png'}")


def main() -> None:
    app()
