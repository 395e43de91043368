"""Parameter sweeps with replicates, on all cores or on a Ray cluster.

A sweep file names a base scenario and what to vary:

    name: sanctions_2017_strength
    description: ...
    scenario: baseline               # name in scenarios/, or a path relative to this file
    seed: 2024                       # the sweep's seed; each run's seed is derived from it
    replicates: 5
    set: {households: 20000}         # applied to every run
    grid:                            # every combination of these values ...
      drivers.sanctions.2017-08: [0.3, 0.6, 1.0]
    latin_hypercube:                 # ... or a Latin-hypercube sample of ranges ...
      samples: 20
      ranges: {parameters.bribe_protection: [0.2, 0.9]}
    points:                          # ... or a list of points (only one of the three)
      - {parameters.bribe_protection: 0.3}

Each run writes its own Parquet file (`runs/<run id>.parquet`) atomically, so a sweep that is stopped
and started again with the same command skips what is done and loses nothing; a run that raises is
recorded in `failures/<run id>.json` and the others go on. The seed of each run depends only on the
sweep's seed, the point and the replicate, so a run gives the same series alone, in a sweep, on any
number of workers and on any backend; and a sweep given more replicates keeps the runs it has and adds
the new ones.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import difflib
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy.stats import qmc
from tqdm import tqdm

from sim.experiments.provenance import environment, model_code_hash, write_atomically, write_json
from sim.experiments.run import simulate
from sim.scenarios import Scenario, ScenarioError, load_scenario, read_yaml, resolve, setting_path

WORKER_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class LatinHypercube(BaseModel):
    model_config = ConfigDict(extra="forbid")
    samples: int = Field(strict=True, ge=1)
    ranges: dict[str, tuple[float, float]]


class SweepFile(BaseModel):
    """The keys of a sweep file."""

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    scenario: str
    seed: int = Field(default=1, strict=True, ge=0)
    replicates: int = Field(default=1, strict=True, ge=1)
    set: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, list[Any]] = Field(default_factory=dict)
    latin_hypercube: LatinHypercube | None = None
    points: list[dict[str, Any]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_design(self) -> SweepFile:
        if sum(map(bool, (self.grid, self.latin_hypercube, self.points))) > 1:
            raise ValueError("use one of grid, latin_hypercube or points")
        return self


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: a point of the design, a replicate, and the seed derived for them."""

    run_id: str
    point: dict[str, Any]
    replicate: int
    seed: int


@dataclass(frozen=True)
class Sweep:
    name: str
    path: Path
    text: str
    spec: SweepFile
    scenario: Scenario  # the base scenario with the sweep's `set` applied
    runs: list[RunSpec]


@dataclass(frozen=True)
class SweepResult:
    out_dir: Path
    completed: int
    skipped: int
    failed: dict[str, str]  # run id -> error


def run_seed(sweep_seed: int, point_index: int, replicate: int) -> int:
    """The seed of one run, derived only from the sweep's seed, the point and the replicate."""
    return int(np.random.SeedSequence([sweep_seed, point_index, replicate]).generate_state(1)[0])


SWEEP_ONLY_KEYS = {"scenario", "replicates", "set", "grid", "latin_hypercube", "points"}


def is_sweep_file(data: object) -> bool:
    """Whether a YAML document is meant as a sweep file: it has a key that only sweep files have."""
    return isinstance(data, dict) and bool(SWEEP_ONLY_KEYS & set(data))


def _sweep_problem(error: ValidationError) -> str:
    """The first problem of a sweep file, unknown keys first (with the nearest key), in one phrase."""
    items = sorted(error.errors(), key=lambda item: item["type"] != "extra_forbidden")
    item = items[0]
    field = ".".join(str(part) for part in item["loc"]) or "sweep"
    if item["type"] == "extra_forbidden":
        close = difflib.get_close_matches(field, list(SweepFile.model_fields), n=1)
        missing_scenario = any(other["loc"] == ("scenario",) for other in items)
        if missing_scenario and isinstance(item.get("input"), str):
            return f"{field}: unknown key (did you mean 'scenario', the base scenario to sweep?)"
        return f"{field}: unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")
    return f"{field}: {item['msg']}"


def load_sweep(path: str | Path) -> Sweep:
    """Read and check a sweep file and expand it into its runs. Raises `ScenarioError` on any problem."""
    path = Path(path)
    text, data = read_yaml(path)
    try:
        spec = SweepFile.model_validate(data if isinstance(data, dict) else {})
    except ValidationError as error:
        raise ScenarioError(f"{path}: {_sweep_problem(error)} (keys: {', '.join(SweepFile.model_fields)}).") from None
    scenario = load_scenario(resolve(spec.scenario, relative_to=path), overrides=spec.set, source=f"{path}: set")
    points = _design(spec)
    for key in points[0]:  # the paths must name settings; their values are checked run by run
        setting_path(key, path)
    runs = [
        RunSpec(f"p{index:04d}-r{replicate:03d}", point, replicate, run_seed(spec.seed, index, replicate))
        for index, point in enumerate(points)
        for replicate in range(spec.replicates)
    ]
    return Sweep(spec.name, path, text, spec, scenario, runs)


def _design(spec: SweepFile) -> list[dict[str, Any]]:
    if spec.points:
        return [dict(point) for point in spec.points]
    if spec.grid:
        keys = list(spec.grid)
        return [dict(zip(keys, values, strict=True)) for values in itertools.product(*spec.grid.values())]
    if spec.latin_hypercube:
        ranges = spec.latin_hypercube.ranges
        unit = qmc.LatinHypercube(d=len(ranges), seed=spec.seed).random(spec.latin_hypercube.samples)
        low, high = np.array([r[0] for r in ranges.values()]), np.array([r[1] for r in ranges.values()])
        return [dict(zip(ranges, map(float, low + row * (high - low)), strict=True)) for row in unit]
    return [{}]


def check_points(sweep: Sweep) -> None:
    """Validate every point of the design (what `jangmadang validate` does for a sweep)."""
    for run in sweep.runs:
        if run.replicate == 0:
            sweep.scenario.with_overrides(run.point, source=f"{sweep.path}: point {run.run_id}")


def execute_run(scenario_path: str, overrides: dict[str, Any], run: RunSpec, out_dir: str) -> tuple[str, str | None]:
    """Worker: run one point and write `runs/<id>.parquet`; on any error write `failures/<id>.json`.

    Returns (run id, error or None). Top-level so that process pools and Ray can ship it.
    """
    for key, value in WORKER_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    out = Path(out_dir)
    try:
        scenario = load_scenario(scenario_path, overrides={**overrides, **run.point}, source=f"run {run.run_id}")
        model = simulate(dataclasses.replace(scenario, seed=run.seed))
        frame = model.timeseries()
        # A model is a web of reference cycles (Mesa's agents point back to it): free it now, not whenever
        # the collector next looks, or a worker's next run is built on top of it (a full-scale model holds
        # 5 GB; a worker's third full-scale run was killed for memory).
        del model
        gc.collect()
        identity = {"run_id": run.run_id, "replicate": run.replicate, "seed": run.seed, **run.point}
        frame = pd.concat([pd.DataFrame({k: [v] * len(frame) for k, v in identity.items()}), frame], axis=1)
        write_atomically(out / "runs" / f"{run.run_id}.parquet", lambda path: frame.to_parquet(path, index=False))
        _failure_path(out, run).unlink(missing_ok=True)
        return run.run_id, None
    except Exception as error:  # a failing run is recorded and the sweep goes on
        message = f"{type(error).__name__}: {error}"
        _record_failure(out, run, message, traceback.format_exc())
        return run.run_id, message


def simulate_series(scenario_path: str, overrides: dict[str, Any], seed: int) -> pd.DataFrame:
    """Worker: one run's monthly series, kept in memory (the fit's runs, which need no files)."""
    for key, value in WORKER_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    scenario = load_scenario(scenario_path, overrides=overrides, source="fit")
    model = simulate(dataclasses.replace(scenario, seed=seed))
    series = model.timeseries()
    del model
    gc.collect()
    return series


def _failure_path(out_dir: Path, run: RunSpec) -> Path:
    return out_dir / "failures" / f"{run.run_id}.json"


def _record_failure(out_dir: Path, run: RunSpec, error: str, trace: str = "") -> None:
    """Write `failures/<run id>.json`: the run, its point and seed, and what went wrong."""
    details = {"run_id": run.run_id, "point": run.point, "seed": run.seed, "error": error, "traceback": trace}
    write_json(_failure_path(out_dir, run), details)


class RayExecutor(concurrent.futures.Executor):
    """The `concurrent.futures` interface on Ray: a local instance, or a cluster at `address`."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        import ray  # optional dependency: pip install jangmadang[ray]

        self._ray = ray
        ray.init(
            address=address,
            num_cpus=None if address else workers,
            include_dashboard=False,
            log_to_driver=False,
            ignore_reinit_error=True,
            runtime_env={"env_vars": WORKER_ENVIRONMENT},
        )
        self._remote: dict[Any, Any] = {}

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        remote = self._remote.setdefault(fn, self._ray.remote(fn))
        return remote.remote(*args, **kwargs).future()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._ray.shutdown()


def end_with_parent(parent_pid: int) -> None:
    """Process-pool worker initializer: end the worker once the sweep's process is gone.

    A worker whose sweep was killed would otherwise finish its run for nobody, and a full-scale run
    holds a core and 5 GB for minutes.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def make_executor(backend: str, workers: int, address: str | None) -> concurrent.futures.Executor:
    if backend == "ray":
        return RayExecutor(address, workers)
    if backend == "process":
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=end_with_parent,
            initargs=(os.getpid(),),
        )
    raise ValueError(f"backend must be 'process' or 'ray', not {backend!r}")


def run_sweep(
    sweep: Sweep,
    out_dir: Path,
    workers: int | None = None,
    backend: str = "process",
    address: str | None = None,
    csv: bool = False,
    progress: bool = True,
) -> SweepResult:
    """Run every run of `sweep` not already written in `out_dir`, then gather the series."""
    workers = workers or os.cpu_count() or 1
    if not same_sweep(sweep, out_dir):
        raise ScenarioError(
            f"{out_dir}: holds runs of a different sweep or scenario, or runs written by another version of "
            "the model's code (see its manifest.json); choose another --out or delete the folder."
        )
    done = {path.stem for path in (out_dir / "runs").glob("*.parquet")}
    todo = [run for run in sweep.runs if run.run_id not in done]
    write_json(out_dir / "manifest.json", _manifest(sweep, backend, workers))
    failed: dict[str, str] = {}
    if todo:
        scenario_path = str(sweep.scenario.path)
        with make_executor(backend, workers, address) as executor, tqdm(
            total=len(sweep.runs), initial=len(sweep.runs) - len(todo), unit="run", disable=not progress,
            desc=sweep.name,
        ) as bar:  # fmt: skip
            futures = {
                executor.submit(execute_run, scenario_path, sweep.spec.set, run, str(out_dir)): run for run in todo
            }
            for future in concurrent.futures.as_completed(futures):
                try:
                    run_id, error = future.result()
                except Exception as crash:  # the worker itself died (killed for memory, say): record the run
                    run = futures[future]
                    run_id, error = run.run_id, f"the worker running it died: {type(crash).__name__}: {crash}"
                    _record_failure(out_dir, run, error)
                if error:
                    failed[run_id] = error
                bar.update()
                bar.set_postfix(failures=len(failed))
    gather(sweep, out_dir, csv=csv)
    return SweepResult(out_dir, completed=len(todo) - len(failed), skipped=len(sweep.runs) - len(todo), failed=failed)


def same_sweep(sweep: Sweep, out_dir: Path) -> bool:
    """Whether `out_dir` is empty or holds runs of this sweep: the same design and scenario texts, run by the
    same model code (`model_code_hash`: a changed default changes every run, though no file of the sweep
    does). The number of replicates, the name and the description may differ: they do not change any run."""
    manifest = out_dir / "manifest.json"
    if not manifest.is_file():
        return True
    written = json.loads(manifest.read_text())
    current = _manifest(sweep, "", 0)
    # Folders written before design hashes were recorded (2026-12-02) are matched on the sweep's text.
    keys = ("design_hash", "scenario_hash") if "design_hash" in written else ("sweep_hash", "scenario_hash", "set")
    keys += ("code_hash",)  # folders written before it was recorded (2026-12-06) are not resumed
    return all(written.get(key) == current[key] for key in keys)


def _design_hash(spec: SweepFile) -> str:
    design = spec.model_dump(mode="json", exclude={"name", "description", "replicates"})
    return hashlib.sha256(json.dumps(design, sort_keys=True).encode()).hexdigest()


def gather(sweep: Sweep, out_dir: Path, csv: bool = False) -> pd.DataFrame:
    """Combine the runs' files, in run order, into `timeseries.parquet` (and `.csv` on request)."""
    files = [out_dir / "runs" / f"{run.run_id}.parquet" for run in sweep.runs]
    frames = [pd.read_parquet(path) for path in files if path.exists()]
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    write_atomically(out_dir / "timeseries.parquet", lambda path: combined.to_parquet(path, index=False))
    if csv:
        write_atomically(out_dir / "timeseries.csv", lambda path: combined.to_csv(path, index=False))
    return combined


def _manifest(sweep: Sweep, backend: str, workers: int) -> dict[str, Any]:
    return {
        "kind": "sweep",
        "name": sweep.name,
        "sweep_file": {str(sweep.path): sweep.text},
        "sweep_hash": hashlib.sha256(sweep.text.encode()).hexdigest(),
        "design_hash": _design_hash(sweep.spec),
        "scenario": sweep.scenario.name,
        "scenario_files": sweep.scenario.texts,
        "scenario_hash": sweep.scenario.digest,
        "code_hash": model_code_hash(),
        "set": sweep.spec.set,
        "runs": [run.__dict__ for run in sweep.runs],
        "backend": backend,
        "workers": workers,
        "environment": environment(),
    }


def run_replicates(
    scenario: str,
    out_dir: Path,
    replicates: int,
    settings: dict[str, Any] | None = None,
    grid: dict[str, list[Any]] | None = None,
    seed: int = 1,
    workers: int | None = None,
    points: list[dict[str, Any]] | None = None,
) -> Path:
    """Run a scenario `replicates` times (over an optional `grid` or list of `points`) as a sweep in
    `out_dir`; return the folder.

    The sweep file is written into `out_dir` first, so the folder records how it was made and the same
    call resumes it.
    """
    spec = {"name": out_dir.name, "scenario": str(resolve(scenario)), "seed": seed, "replicates": replicates,
            "set": settings or {}, "grid": grid or {}, "points": points or []}  # fmt: skip
    path = out_dir / "sweep.yaml"
    write_atomically(path, lambda target: target.write_text(yaml.safe_dump(spec, sort_keys=False)))
    sweep = load_sweep(path)
    if not same_sweep(sweep, out_dir):  # this folder is ours: start it afresh
        for stale in ("runs", "failures"):
            shutil.rmtree(out_dir / stale, ignore_errors=True)
        (out_dir / "manifest.json").unlink()
    result = run_sweep(sweep, out_dir, workers=workers, progress=False)
    if result.failed:
        raise RuntimeError(f"{len(result.failed)} runs failed; see {out_dir / 'failures'}")
    return out_dir
