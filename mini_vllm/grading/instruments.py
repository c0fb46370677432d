"""Course functions a test runs where the graded code runs (probe.in_graded_process).

Each reads, or sets up, something only that process has: its environment, a timer around a
library call the graded code makes. In a plain run that process is pytest's own; in judge mode
it is the worker, which reports the result (as it reports an address).
"""

from __future__ import annotations

import os
import time
from typing import Any

_load_times: list[float] = []
_original_load: list[Any] = []  # CompiledArtifact's own `load`, as its class holds it, while timed


def environment(name: str) -> str | None:
    """The process's environment variable `name` (None when unset)."""
    return os.environ.get(name)


def time_artifact_loads(pause: float) -> None:
    """From now on each CompiledArtifact.load pauses `pause` s, then loads; its duration is recorded.
    The pause makes a load long enough that a sum of loads is told apart from the last load alone."""
    from torch._inductor import CompiledArtifact

    _load_times.clear()
    if not _original_load:
        _original_load.append(vars(CompiledArtifact)["load"])
    load = _original_load[0].__get__(None, CompiledArtifact)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        time.sleep(pause)
        try:
            return load(*args, **kwargs)
        finally:
            _load_times.append(time.perf_counter() - start)

    CompiledArtifact.load = staticmethod(timed)


def artifact_load_times() -> list[float]:
    """The durations of the loads since time_artifact_loads, in order."""
    return list(_load_times)


def stop_timing_artifact_loads() -> None:
    from torch._inductor import CompiledArtifact

    if _original_load:
        CompiledArtifact.load = _original_load.pop()
