"""How a dashboard server process is started: allocator and numpy settings, read by the C
libraries when the process (glibc) or numpy (when imported) starts, so they go in its
environment. No imports beyond the standard library: the benchmark applies them to itself
before numpy is imported.

- glibc's malloc for sessions that each run in a thread of their own: two arenas instead of
  eight per core, and every block of 128 KB or more (a view's columns) mapped on its own and
  handed back when freed, instead of a threshold that grows until such blocks stay in the
  arenas. Measured on the load test (10 sessions, 25 s): peak 372 -> 342 MiB, and after the
  sessions close ~55 -> 19 MiB above the baseline.
- numpy asks the kernel for transparent huge pages for every large array (madvise); with the
  kernel's default `defrag=madvise` the first touch of such an array waits for the kernel to
  compact memory: a fresh 400 MB array took 1.0-1.8 s instead of 0.14 s here, and a filter
  over 10 M rows allocates that much on every change. Off: ordinary pages.

Settings already in the environment win.
"""
from __future__ import annotations

from collections.abc import Mapping

SERVER_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072", "NUMPY_MADVISE_HUGEPAGE": "0"}


def server_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a dashboard server process starts with: `environ` and SERVER_ENVIRONMENT."""
    return {**SERVER_ENVIRONMENT, **environ}
