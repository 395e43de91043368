"""What a result was made with (package versions, git commit), and writing files so none is ever half-written."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("jangmadang", "mesa", "numpy", "pandas", "pyarrow", "pydantic")


def environment() -> dict[str, Any]:
    """Python, platform, package versions and the git commit of the working tree (if any)."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"python": platform.python_version(), "platform": platform.platform(), "packages": versions,
            "git_commit": git_commit()}  # fmt: skip


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
