"""A gunicorn worker's memory between requests; the hooks of ``gunicorn.conf.py`` call these.

After a worker has loaded the app, the objects made so far (modules, models, URL patterns, API schemas) are
frozen: the cycle collector no longer walks them, so a full collection takes milliseconds instead of a tenth of
a second. After each request the worker compares its resident size with the size after its last clean-up; when a
request left it more than ``GROWTH_MB`` larger (a large page drops tens of thousands of objects in reference
cycles, e.g. prefetched rows pointing back at their parents, which Python's collector frees late, and the C
allocator keeps freed memory), it collects the cycles and gives the freed pages back to the system. A worker that
did not grow pays one read of ``/proc/self/statm``. README, "A large consortium".
"""

import ctypes
import ctypes.util
import gc
import os
from collections.abc import Callable

GROWTH_MB = float(os.environ.get("TILTS_WORKER_GROWTH_MB", "8"))
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 1048576 if hasattr(os, "sysconf") else 0.0
_baseline: float | None = None


def rss_mb() -> float | None:
    """This process's resident size in MB, or None where /proc is missing (not Linux)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_MB
    except (OSError, IndexError, ValueError):
        return None


def _find_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, which returns the allocator's free pages to the system (None on other C libraries)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


_trim = _find_trim()


def release() -> None:
    """Collect unreachable cycles and return the freed memory to the system."""
    gc.collect()
    if _trim is not None:
        _trim(0)


def after_boot() -> None:
    """Freeze what loading the app made (never garbage) and take the worker's size as its baseline."""
    global _baseline
    gc.collect()
    gc.freeze()
    _baseline = rss_mb()


def after_request(growth_mb: float = GROWTH_MB) -> bool:
    """Release memory when the worker grew by more than ``growth_mb`` since its last clean-up; True if it did."""
    global _baseline
    size = rss_mb()
    if size is None:
        return False
    if _baseline is None:
        _baseline = size
        return False
    if size - _baseline <= growth_mb:
        return False
    release()
    _baseline = rss_mb()
    return True
