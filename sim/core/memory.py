"""How the process hands out memory: large runs make and drop many arrays of tens of megabytes a month."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

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
