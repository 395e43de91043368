"""The `jangmadang` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.experiments.run import run_and_save, summary_lines

app = typer.Typer(
    help="Jangmadang: an agent-based simulation of North Korea's informal markets.", no_args_is_help=True
)


@app.callback()
def _main() -> None:
    """Jangmadang: an agent-based simulation of North Korea's informal markets, 1990-2020."""


@app.command()
def run(
    out: Annotated[
        Path, typer.Option(help="Folder for timeseries.csv, markets.csv and dashboard.png.")
    ] = Path("outputs/baseline"),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same series.")] = 1,
    households: Annotated[
        int | None, typer.Option(help="Household agents (default 58,875: 1:100 of the 2008 census).", min=1)
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="Last month to simulate, YYYY-MM (default 2020-12).")
    ] = None,
) -> None:
    """Run the baseline history (1990-2020) and write its time series and dashboard."""
    parameters = {
        key: value for key, value in {"households": households, "end": end}.items() if value is not None
    }
    try:
        result = run_and_save(out, seed=seed, **parameters)
    except (TypeError, ValueError) as error:
        typer.echo(f"jangmadang run: {error}", err=True)
        raise typer.Exit(2) from None
    for line in summary_lines(result):
        typer.echo(line)


def main() -> None:
    app()
