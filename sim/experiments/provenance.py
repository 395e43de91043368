"""What a result was made with (package versions, git commit), and writing files so none is ever half-written."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("jangmadang", "mesa", "numpy", "numba", "llvmlite", "pandas", "pyarrow", "pydantic")
CPU_FLAGS = ("fma", "avx2", "avx512f")  # the features that choose code paths in numpy and the C library


def package_versions() -> dict[str, str | None]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def cpu() -> dict[str, Any]:
    """The processor and what in it can change a run's numbers: its vector and fused multiply-add features
    (numpy and glibc pick code paths by them; see `sim.core.fmath`), the target numba compiles for, the C
    library, and any setting that overrides their choice."""
    lines = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").is_file() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), None)
    flags = set(next((line.split(":", 1)[1].split() for line in lines if line.startswith("flags")), []))
    try:
        from llvmlite import binding

        numba_target = os.environ.get("NUMBA_CPU_NAME") or binding.get_host_cpu_name()
    except ImportError:
        numba_target = None
    libc, libc_version = platform.libc_ver()
    return {
        "machine": platform.machine(),
        "model": model or platform.processor(),
        **{flag: flag in flags for flag in CPU_FLAGS},
        "numba_target": numba_target,
        "libc": f"{libc} {libc_version}".strip(),
        "overrides": {key: os.environ[key] for key in ("NPY_DISABLE_CPU_FEATURES", "NUMBA_CPU_NAME",
                                                       "GLIBC_TUNABLES") if key in os.environ},
    }  # fmt: skip


def environment() -> dict[str, Any]:
    """Python, platform, package versions, the processor (`cpu`) and the git commit of the working tree."""
    return {"python": platform.python_version(), "platform": platform.platform(), "packages": package_versions(),
            "cpu": cpu(), "git_commit": git_commit()}  # fmt: skip


def model_code_hash() -> str:
    """A digest of the model's source (every Python file of the `sim` package): runs written by other code,
    its defaults included, are not the same runs even where the scenario files are."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def git_commit() -> str | None:
    """The commit of the source tree, with '+dirty' if it has uncommitted changes; None outside git."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=here, capture_output=True, text=True,
            timeout=10,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")


def check_writable(folder: Path) -> str | None:
    """Why outputs cannot be written into `folder` (made if missing), or None if they can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".write-check-")
        os.close(handle)
        os.remove(probe)
    except OSError as error:
        return f"{folder}: outputs cannot be written there ({error.strerror or error}); choose another folder"
    return None


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(temporary_path)` and move the result to `path` in one step, so readers and a restarted
    run see the whole file or none of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_json(path: Path, data: Any) -> None:
    write_atomically(path, lambda target: target.write_text(json.dumps(data, indent=2, default=str) + "\n"))
