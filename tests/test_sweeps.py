"""Sweeps: the same results on any number of workers and on Ray, resumable after a kill, failures recorded."""

import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.run import simulate
from sim.experiments.sweep import execute_run, load_sweep, run_sweep
from sim.model import JangmadangModel
from sim.scenarios import load_scenario

SMALL = "{households: 300, market_towns: 20, grid_width: 10, grid_height: 10, end: 1995-12}"
SWEEP = f"""
name: test_sweep
description: two entry rates, two replicates
scenario: baseline
seed: 5
replicates: 2
set: {SMALL}
grid:
  parameters.necessity_entry_rate_per_month: [0.05, 0.3]
"""


def write(tmp_path: Path, text: str, name: str = "sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def result_frame(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "timeseries.parquet").sort_values(["run_id", "date"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("one")
    sweep = load_sweep(write(folder, SWEEP))
    result = run_sweep(sweep, folder / "out", workers=1, progress=False)
    assert result.completed == 4 and not result.failed
    return result_frame(folder / "out")


def test_the_sweep_is_tidy(one_worker):
    assert one_worker["run_id"].nunique() == 4 and len(one_worker) == 4 * 72
    assert list(one_worker.columns[:5]) == [
        "run_id", "replicate", "seed", "parameters.necessity_entry_rate_per_month", "date"
    ]  # fmt: skip
    assert one_worker.groupby("run_id")["seed"].nunique().eq(1).all() and one_worker["seed"].nunique() == 4


def test_two_workers_give_the_same_results(one_worker, tmp_path):
    run_sweep(load_sweep(write(tmp_path, SWEEP)), tmp_path / "out", workers=2, progress=False)
    pd.testing.assert_frame_equal(result_frame(tmp_path / "out"), one_worker)


def test_the_ray_backend_gives_the_same_results(one_worker, tmp_path):
    pytest.importorskip("ray")
    run_sweep(load_sweep(write(tmp_path, SWEEP)), tmp_path / "out", workers=2, backend="ray", progress=False)
    pd.testing.assert_frame_equal(result_frame(tmp_path / "out"), one_worker)


def test_a_run_in_the_sweep_equals_the_same_run_alone(one_worker, tmp_path):
    sweep = load_sweep(write(tmp_path, SWEEP))
    run = sweep.runs[3]
    scenario = load_scenario("baseline", {**sweep.spec.set, **run.point}).with_overrides({}, seed=run.seed)
    alone = simulate(scenario).timeseries()
    in_sweep = one_worker[one_worker["run_id"] == run.run_id].reset_index(drop=True)
    pd.testing.assert_frame_equal(in_sweep[alone.columns], alone, check_dtype=False)


def test_a_worker_frees_each_model_before_its_next_run(tmp_path):
    """Models are reference cycles; a worker that left them to the collector ran out of memory on its third
    full-scale run. With the collector off, only an explicit collection in the worker frees the model."""
    sweep = load_sweep(write(tmp_path, SWEEP))
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        run_id, error = execute_run(str(sweep.scenario.path), sweep.spec.set, sweep.runs[0], str(tmp_path / "out"))
        alive = [thing for thing in gc.get_objects() if isinstance(thing, JangmadangModel)]
    finally:
        if was_enabled:
            gc.enable()
    assert error is None and (tmp_path / "out" / "runs" / f"{run_id}.parquet").exists()
    assert alive == []


def test_a_failing_run_is_recorded_and_the_others_finish(tmp_path):
    path = write(tmp_path, SWEEP.replace("[0.05, 0.3]", "[0.05, 1.5]"))
    result = CliRunner().invoke(app, ["sweep", str(path), "--workers", "2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "failed p0001-r000" in result.output and "less than or equal to 1" in result.output
    assert sorted(p.stem for p in (tmp_path / "out" / "runs").glob("*.parquet")) == ["p0000-r000", "p0000-r001"]
    assert sorted(p.stem for p in (tmp_path / "out" / "failures").glob("*.json")) == ["p0001-r000", "p0001-r001"]
    assert result_frame(tmp_path / "out")["run_id"].nunique() == 2


def test_a_killed_sweep_started_again_finishes_with_every_run_once(tmp_path):
    slow = SWEEP.replace("end: 1995-12", "end: 2003-12").replace("replicates: 2", "replicates: 4")
    path, out = write(tmp_path, slow), tmp_path / "out"
    command = [str(Path(sys.executable).parent / "jangmadang"), "sweep", str(path), "--workers", "1", "--out", str(out)]
    first = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while len(list((out / "runs").glob("*.parquet"))) < 3 and time.time() < deadline and first.poll() is None:
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    written_before = len(list((out / "runs").glob("*.parquet")))
    assert 3 <= written_before < 8
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert f"({written_before} already there)" in second.stdout
    frame = result_frame(out)
    assert sorted(frame["run_id"].unique()) == [run.run_id for run in load_sweep(path).runs]
    assert (frame.groupby("run_id").size() == frame.groupby("run_id")["date"].nunique()).all()  # each once


def running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (an ended orphan that nobody has reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_a_killed_sweeps_workers_end_instead_of_finishing_their_runs():
    script = (
        "import time; from sim.experiments.sweep import make_executor\n"
        "pool = make_executor('process', 1, None); pool.submit(time.sleep, 300); time.sleep(3)\n"
        "print(*pool._processes, flush=True); time.sleep(300)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    try:
        parent.kill()
        parent.wait()
        deadline = time.time() + 30
        while running(worker) and time.time() < deadline:
            time.sleep(0.2)
        assert not running(worker)
    finally:
        if running(worker):
            os.kill(worker, signal.SIGKILL)


def test_latin_hypercube_samples_stay_in_their_ranges_and_repeat(tmp_path):
    text = (
        SWEEP.split("grid:")[0]
        + "latin_hypercube:\n  samples: 6\n  ranges:\n    parameters.bribe_protection: [0.2, 0.4]\n"
    )
    first, again = load_sweep(write(tmp_path, text)), load_sweep(write(tmp_path, text, "again.yaml"))
    values = [run.point["parameters.bribe_protection"] for run in first.runs]
    assert len(first.runs) == 12 and all(0.2 <= v <= 0.4 for v in values)
    assert [run.point for run in first.runs] == [run.point for run in again.runs]
    assert len(set(values)) == 6


def test_a_sweep_plot_is_drawn(one_worker, tmp_path):
    out = tmp_path / "out"
    run_sweep(load_sweep(write(tmp_path, SWEEP)), out, workers=1, progress=False)
    result = CliRunner().invoke(app, ["plot", str(out)])
    assert result.exit_code == 0 and (out / "sweep.png").stat().st_size > 20_000


def test_more_replicates_extend_a_sweep_and_keep_its_runs(one_worker, tmp_path):
    out = tmp_path / "out"
    run_sweep(load_sweep(write(tmp_path, SWEEP)), out, workers=1, progress=False)
    more = SWEEP.replace("replicates: 2", "replicates: 3").replace("name: test_sweep", "name: test_sweep_more")
    result = run_sweep(load_sweep(write(tmp_path, more, "more.yaml")), out, workers=1, progress=False)
    assert (result.skipped, result.completed) == (4, 2)
    frame = result_frame(out)
    assert frame["run_id"].nunique() == 6
    kept = frame[frame["replicate"] < 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, one_worker)


def test_runs_written_by_other_model_code_are_not_resumed(one_worker, tmp_path):
    out = tmp_path / "out"
    sweep = load_sweep(write(tmp_path, SWEEP))
    run_sweep(sweep, out, workers=1, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["code_hash"] = "written by an older model"  # as if a default had changed since
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Exception, match="another version of the model's code"):
        run_sweep(sweep, out, workers=1, progress=False)


def test_a_folder_of_another_sweep_is_not_mixed_in(one_worker, tmp_path):
    out = tmp_path / "out"
    run_sweep(load_sweep(write(tmp_path, SWEEP)), out, workers=1, progress=False)
    changed = load_sweep(write(tmp_path, SWEEP.replace("seed: 5", "seed: 6"), "changed.yaml"))
    result = CliRunner().invoke(app, ["sweep", str(tmp_path / "changed.yaml"), "--out", str(out)])
    assert result.exit_code == 2 and "holds runs of a different sweep" in result.output
    with pytest.raises(Exception, match="different sweep"):
        run_sweep(changed, out, workers=1, progress=False)
