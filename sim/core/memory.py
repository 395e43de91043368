"""Memory: what a run needs, what the machine has, and how the process hands it out (large runs make and
drop many arrays of tens of megabytes a month)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache
from pathlib import Path

# Peak resident memory of a 1990-2020 run: a fixed part and a part per household agent, fitted to the
# peaks `benchmarks/throughput.py` reports (2026-12-03: 0.35 GB at 58,875 households, 6.3 GB at 5,887,471).
FIXED_BYTES = 300 * 2**20
BYTES_PER_HOUSEHOLD = 1_100


def estimated_peak_bytes(households: int) -> int:
    """About how much memory a run of `households` household agents needs at its peak."""
    return FIXED_BYTES + BYTES_PER_HOUSEHOLD * int(households)


def available_bytes() -> int | None:
    """Memory this machine can give a new run now (Linux's MemAvailable), or None where it is not known."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def too_large_for_this_machine(households: int) -> str | None:
    """Why a run of `households` agents cannot run here (its estimated memory is more than is available),
    or None if it can, or if the machine does not say what it has."""
    needed, available = estimated_peak_bytes(households), available_bytes()
    if available is None or needed <= available:
        return None
    return (
        f"{households:,} household agents need about {needed / 2**30:.1f} GB (about {BYTES_PER_HOUSEHOLD:,} bytes "
        f"each, measured by benchmarks/throughput.py), and this machine has {available / 2**30:.1f} GB available; "
        f"use fewer households (the whole country at one agent per household is 'full', 5,887,471)"
    )


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
DYNAMIC_MMAP_CEILING_BYTES = 32 * 2**20  # glibc reuses freed blocks up to this size by itself


def reuse_freed_memory_for(array_bytes: int) -> bool:
    """`reuse_freed_memory` where arrays of `array_bytes` would otherwise be fresh mappings each time.

    Below glibc's ceiling its own dynamic threshold already reuses them, and fixing the threshold makes
    small runs slower (twice as slow at 10^5 households, measured), so nothing is changed there.
    """
    return array_bytes > DYNAMIC_MMAP_CEILING_BYTES and reuse_freed_memory()


@cache
def reuse_freed_memory() -> bool:
    """Ask glibc's allocator to serve large arrays from its heap and keep freed memory for reuse.

    By default every array over 32 MB (a full-scale household column is 24-47 MB) is a fresh mapping,
    handed back when freed, so each temporary array costs a page fault per 4 KB when first written: a fifth
    of a full-scale run went on that. Returns False, changing nothing, where glibc is not the allocator.
    """
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, 1 << 30) and mallopt(M_TRIM_THRESHOLD, 1 << 34))
