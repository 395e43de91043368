"""Calibration commands: the scorecard, fitting the free parameters (optuna), Morris sensitivity (SALib)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from sim import drivers, results
from sim.calibration.checks import checks, figure_period, reported_figures
from sim.calibration.free_parameters import FREE_PARAMETERS, INTEGER_PARAMETERS, Free
from sim.calibration.targets import Target, expected_misses, load_targets, scorecard
from sim.core.schedule import Schedule, month_start
from sim.experiments.provenance import environment, write_atomically, write_json
from sim.experiments.sweep import make_executor, run_replicates, run_seed, simulate_series
from sim.scenarios import load_scenario


@dataclass(frozen=True)
class Scorecard:
    card: pd.DataFrame
    checks: pd.DataFrame  # the reported prices, wages and rates against the runs: not targets
    runs: pd.DataFrame
    out_dir: Path

    @property
    def passed(self) -> bool:
        return bool(self.card["passes"].all())


def calibrate(
    scenario: str, out_dir: Path, replicates: int, settings: dict[str, Any], workers: int | None = None
) -> Scorecard:
    """Run `replicates` of a scenario and score them against the targets; write scorecard.csv, checks.csv
    (the reported prices, wages and rates, which are not targets), targets.png and price_path.png."""
    targets = load_targets()
    runs = results.load(run_replicates(scenario, out_dir / "runs", replicates, settings, workers=workers))
    card = scorecard(runs, targets)
    write_atomically(out_dir / "scorecard.csv", lambda path: card.to_csv(path, index=False))
    checked = checks(runs)
    write_atomically(out_dir / "checks.csv", lambda path: checked.to_csv(path, index=False))
    write_atomically(out_dir / "targets.png", lambda path: plot_targets(runs, targets, path))
    write_atomically(out_dir / "price_path.png", lambda path: plot_price_path(runs, targets, path))
    write_json(out_dir / "manifest.json", {"kind": "calibration", "scenario": scenario, "settings": settings,
                                           "replicates": replicates, "environment": environment()})  # fmt: skip
    return Scorecard(card, checked, runs, out_dir)


def plot_targets(runs: pd.DataFrame, targets: list[Target], path: Path) -> None:
    """Each targeted series (mean and 90% band over replicates) against the target's band and period."""
    columns = 3
    rows = -(-len(targets) // columns)
    fig = Figure(figsize=(5 * columns, 3.2 * rows), layout="constrained")
    axes = fig.subplots(rows, columns).flat
    for ax in axes[len(targets) :]:
        ax.set_visible(False)
    for ax, target in zip(axes, targets, strict=False):
        summary = results.band(runs, target.output)
        scale = target.scale
        ax.plot(summary["date"], scale * summary["mean"], color="C0", lw=1)
        ax.fill_between(summary["date"], scale * summary["low"], scale * summary["high"], color="C0", alpha=0.25, lw=0)
        start, end = (pd.Timestamp(date) for date in target.period)
        if target.statistic != "ratio":
            low, high = target.band
            top = high if high is not None else max(ax.get_ylim()[1], low * 1.5)
            ax.fill_between(
                [start, end], low if low is not None else 0, top, color="C2", alpha=0.3, label="target band"
            )
        ax.axvspan(start, end, color="C1", alpha=0.1, label="target period")
        ax.set_title(target.name, fontsize=9)
        ax.set_ylabel(target.output + (" x12 (yearly)" if scale == 12 else ""), fontsize=8)
        ax.set_xlabel("date (monthly)", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle("Targeted series (blue: mean and 90% band over replicates) against their bands (green)")
    fig.savefig(path, dpi=90, format="png")


def reported_ranges(figures: pd.DataFrame | None = None) -> dict[str, tuple[float, float]]:
    """Each figure of seeds/figures.csv (or of `figures`, as `reported_figures` reads them) as the range it
    reports (a single value or a lone bound as a range of one)."""
    figures = reported_figures() if figures is None else figures
    lows, highs = figures[["low", "high"]].min(axis=1), figures[["low", "high"]].max(axis=1)
    return {figure: (low, high) for figure, low, high in zip(figures["id"], lows, highs, strict=True)}


def reported_exchange_rates() -> list[tuple[pd.Timestamp, pd.Timestamp, float, float]]:
    """The reported market rates of the won (the `fx_rate_*` rows of seeds/figures.csv, checks and not
    targets) as (start, end, low, high) in won per US dollar; a rate in won per yuan is converted at the
    world yuan-dollar rate of its month (`sim.drivers`)."""
    figures = reported_figures()
    ranges = reported_ranges(figures)
    yuan_per_dollar = Schedule.of(drivers.YUAN_PER_DOLLAR)
    rates = []
    for row in figures[figures["id"].str.startswith("fx_rate_")].itertuples():
        first, last = figure_period(row.when)
        start, end = pd.Timestamp(month_start(first)), pd.Timestamp(month_start(last)) + pd.offsets.MonthEnd(0)
        scale = yuan_per_dollar.at((first + last) // 2) if "per yuan" in row.unit else 1.0
        low, high = ranges[row.id]
        rates.append((start, end, low * scale, high * scale))
    return rates


def _draw_simulated(ax, runs: pd.DataFrame, output: str) -> None:
    """One panel of `price_path.png`: the simulated series (mean and 90% band over replicates), log scale,
    with the redenomination marked."""
    summary = results.band(runs, output)
    ax.plot(summary["date"], summary["mean"], color="C0", lw=1.2, label="simulated (mean of replicates)")
    ax.fill_between(summary["date"], summary["low"], summary["high"], color="C0", alpha=0.25, lw=0,
                    label="simulated, 90% of replicates")  # fmt: skip
    ax.set_yscale("log")
    ax.grid(alpha=0.3, which="both")
    ax.axvline(pd.Timestamp("2009-12-01"), color="grey", ls=":", lw=1)


def plot_price_path(runs: pd.DataFrame, targets: list[Target], path: Path) -> None:
    """The simulated grain price (mean and 90% band over replicates, log scale) against the reported rice
    prices (dark bars) and the target bands around them (light boxes); below, what the state wage buys and
    the won's market rate against the reported rates (a check, not a target)."""
    figures = reported_ranges()
    fig = Figure(figsize=(12, 10.5), layout="constrained")
    price_ax, wage_ax, rate_ax = fig.subplots(3, 1, sharex=True, height_ratios=[2, 1, 1])
    _draw_simulated(rate_ax, runs, "won_per_dollar")
    for start, end, low, high in reported_exchange_rates():
        rate_ax.fill_between([start, end], low, max(high, low * 1.1), color="k", alpha=0.7, lw=0)
    rate_ax.set_ylabel("won per US dollar (log)")
    rate_ax.set_title("The won's market rate: simulated (not a target) against the reported rates (seeds/figures.csv)")
    for ax, output in ((price_ax, "grain_price_won_per_kg"), (wage_ax, "wage_in_grain_kg")):
        _draw_simulated(ax, runs, output)
        for target in targets:
            if target.output != output or target.statistic != "mean":
                continue
            start, end = (pd.Timestamp(date) for date in target.period)
            end = end + pd.offsets.MonthEnd(0)
            low, high = target.band
            ax.fill_between([start, end], low, high, color="C2", alpha=0.2, lw=0)
            if target.figure in figures:
                reported_low, reported_high = figures[target.figure]
                ax.fill_between([start, end], reported_low, max(reported_high, reported_low * 1.04), color="k",
                                alpha=0.7, lw=0)  # fmt: skip
    price_ax.fill_between([], [], color="C2", alpha=0.2, label="target band (factor two)")
    price_ax.fill_between([], [], color="k", alpha=0.7, label="reported (FACTS.md)")
    price_ax.set_ylabel("won per kg (log; new won from Dec 2009)")
    price_ax.set_title("Grain price: simulated against the reported rice prices")
    price_ax.legend(fontsize=8, loc="upper left")
    wage_ax.set_ylabel("kg a month (log)")
    wage_ax.set_title("What the state wage buys: kg of grain at the market price")
    rate_ax.set_xlabel("date (monthly)")
    fig.savefig(path, dpi=100, format="png")


def fit(
    scenario: str,
    out_file: Path,
    trials: int,
    replicates: int,
    settings: dict[str, Any],
    seed: int = 1,
    workers: int | None = None,
    around: float | None = None,
) -> dict[str, Any]:
    """Search the free parameters with optuna (multivariate TPE) to minimise the loss, and write the best
    values into a scenario file that extends `scenario`. Returns the best values and loss.

    The loss is the targets' summed misses (of the replicates' means) plus the number of targets a single
    run is expected to miss (`Target.single_run_pass`). Once every mean passes, the misses are all 0 and
    cannot rank trials; the second term then prefers the values whose passes hold by more than the runs
    vary, so that other seeds, and a single run, repeat them.

    The first trial is the scenario's own values, so the search starts from the current calibration. With
    `around`, each parameter is searched only within that share of its range either side of its current
    value (a polish: over the whole ranges of 29 parameters, 150 trials of TPE found nothing better than a
    fitted start, twice). Every
    trial runs the same `replicates` seeds (common random numbers: two trials differ by their parameters,
    not by their luck), on one pool of worker processes kept for the whole search. Each trial's loss and
    values go to `<out_file>.trials.csv`, the search's record.
    """
    import optuna  # only the fit needs it

    targets = load_targets()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    base = load_scenario(scenario, settings)
    seeds = [run_seed(seed, 0, replicate) for replicate in range(replicates)]
    executor = make_executor("process", workers or os.cpu_count() or 1, None)

    current = {name: min(max(getattr(base.parameters, name), free.low), free.high)
               for name, free in FREE_PARAMETERS.items()}  # fmt: skip
    bounds = {name: _search_bounds(free, current[name], around) for name, free in FREE_PARAMETERS.items()}

    def objective(trial: optuna.Trial) -> float:
        values = {
            name: trial.suggest_int(name, int(low), int(high))
            if name in INTEGER_PARAMETERS
            else trial.suggest_float(name, low, high)
            for name, (low, high) in bounds.items()
        }
        overrides = {**settings, **{f"parameters.{name}": value for name, value in values.items()}}
        futures = [executor.submit(simulate_series, str(base.path), overrides, s) for s in seeds]
        runs = pd.concat([future.result().assign(run_id=f"r{i}") for i, future in enumerate(futures)])
        card = scorecard(runs, targets)
        trial.set_user_attr("passes", int(card["passes"].sum()))
        trial.set_user_attr("summed_miss", float(card["miss"].sum()))
        trial.set_user_attr("expected_failures", expected_misses(card))
        return trial.user_attrs["summed_miss"] + trial.user_attrs["expected_failures"]

    study = optuna.create_study(
        direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=20)
    )
    study.enqueue_trial(current)
    with executor:
        study.optimize(objective, n_trials=trials, show_progress_bar=True)
    record = study.trials_dataframe(attrs=("number", "value", "params", "user_attrs"))
    write_atomically(out_file.with_suffix(".trials.csv"), lambda path: record.to_csv(path, index=False))
    best = study.best_trial
    document = {
        "name": out_file.stem,
        "description": (
            f"The {scenario} scenario with its free parameters fitted to the targets in seeds/targets.yaml by "
            f"`jangmadang fit` ({trials} trials, {replicates} replicates each, settings {settings}"
            f"{f', within {around} of each range around the start' if around else ''}); best loss "
            f"{best.value:.3f}: summed miss {best.user_attrs['summed_miss']:.3f}, "
            f"{best.user_attrs['expected_failures']:.2f} targets a single run is expected to miss, "
            f"{best.user_attrs['passes']} of {len(targets)} targets passed in the fit."
        ),
        "extends": scenario,
        "parameters": {
            name: (int(value) if name in INTEGER_PARAMETERS else round(float(value), 5))
            for name, value in best.params.items()
        },  # fmt: skip
    }
    write_atomically(out_file, lambda path: path.write_text(yaml.safe_dump(document, sort_keys=False, width=100)))
    return {"loss": best.value, **best.user_attrs, "parameters": document["parameters"]}


def _search_bounds(free: Free, current: float, around: float | None) -> tuple[float, float]:
    """The range searched for one free parameter: its bounds, or `around` of their width either side of
    `current`, within them."""
    if around is None:
        return free.low, free.high
    reach = around * (free.high - free.low)
    return max(free.low, current - reach), min(free.high, current + reach)


def sensitivity(
    scenario: str,
    out_dir: Path,
    trajectories: int,
    settings: dict[str, Any],
    seed: int = 1,
    workers: int | None = None,
) -> pd.DataFrame:
    """Morris elementary effects of the free parameters on the target statistics (SALib).

    One run per sample point, all with the same seed, so differences come from the parameters. Writes
    sensitivity.csv (mu*, sigma per parameter and output) and sensitivity.png.
    """
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    names = list(FREE_PARAMETERS)
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[FREE_PARAMETERS[n].low, FREE_PARAMETERS[n].high] for n in names]}  # fmt: skip
    design = sample.sample(problem, N=trajectories, num_levels=4, seed=seed)
    points = [
        {
            f"parameters.{n}": (int(round(v)) if n in INTEGER_PARAMETERS else float(v))
            for n, v in zip(names, row, strict=True)
        }
        for row in design
    ]
    runs = results.load(
        run_replicates(scenario, out_dir / "runs", 1, settings, seed=seed, workers=workers, points=points)
    )
    targets = load_targets()
    by_run = {run_id: series for run_id, series in runs.groupby("run_id")}
    rows = []
    for target in targets:
        outputs = np.array([target.value(by_run[f"p{i:04d}-r000"]) for i in range(len(points))])
        outputs = np.nan_to_num(outputs, nan=0.0, posinf=0.0)
        effects = analyze.analyze(problem, design, outputs, num_levels=4, seed=seed)
        for name, mu_star, sigma in zip(names, effects["mu_star"], effects["sigma"], strict=True):
            rows.append({"output": target.name, "parameter": name, "mu_star": mu_star, "sigma": sigma})
    table = pd.DataFrame(rows)
    write_atomically(out_dir / "sensitivity.csv", lambda path: table.to_csv(path, index=False))
    write_atomically(out_dir / "sensitivity.png", lambda path: plot_sensitivity(table, path))
    return table


def plot_sensitivity(table: pd.DataFrame, path: Path) -> None:
    """mu* of each free parameter for each targeted output, scaled to the largest effect on that output."""
    pivot = table.pivot(index="parameter", columns="output", values="mu_star")
    scaled = pivot / pivot.max().replace(0, np.nan)
    fig = Figure(figsize=(1.0 + 0.75 * len(scaled.columns), 0.5 * len(scaled.index) + 2.5), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(scaled.fillna(0).to_numpy(), cmap="viridis", aspect="auto", vmin=0, vmax=1)
    ax.set_xticks(range(len(scaled.columns)), scaled.columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(scaled.index)), scaled.index, fontsize=8)
    ax.set_xlabel("targeted output")
    ax.set_ylabel("free parameter")
    fig.colorbar(image, label="Morris mu* (share of the largest effect on the output)")
    fig.suptitle("Sensitivity of the targeted outputs to the free parameters (Morris)")
    fig.savefig(path, dpi=100, format="png")
