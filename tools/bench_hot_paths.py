"""Time the hot paths that sit behind a validated boundary: the ladder lookup and a replay.

A package about launch overhead should not add its own: a ladder is checked once where it
enters (a runner, a dispatcher, a public function) and then looked up by bisect, and a
recording replays without re-checking its ops. This script prints, as median [min-max] over
interleaved repeats:
- the lookup at 51 rungs (vLLM 0.22.1's default ladder up to 512) against the public,
  validating `padded_size`, which re-checks the whole ladder on every call;
- a simulator replay's overhead: `GraphRunner.__call__` on a warm shape minus the recording
  it replays (copy in, one recording, bookkeeping).

    python tools/bench_hot_paths.py
"""

from __future__ import annotations

import platform
import statistics
import sys
import timeit
from collections.abc import Callable

import numpy as np

from mini_vllm.capture_sizes import default_capture_sizes, padded_size, rung_for
from mini_vllm.graph_simulator import GraphRunner

REPEATS = 15


def _us_per_call(fn: Callable[[], object], number: int) -> float:
    return timeit.timeit(fn, number=number) / number * 1e6


def _spread(samples: list[float]) -> str:
    return f"{statistics.median(samples):8.3f} us [{min(samples):.3f}-{max(samples):.3f}]"


def main() -> int:
    ladder = default_capture_sizes(512)
    batches = range(1, 513)  # every batch the ladder serves, one lookup each

    def bisect_lookups() -> None:
        for batch in batches:
            rung_for(batch, ladder)

    def validated_lookups() -> None:
        for batch in batches:
            padded_size(batch, ladder)

    runner = GraphRunner([np.negative], capture_sizes=ladder)
    x = np.ones((33, 8))
    runner(x)  # capture the rung for 33 (40); every later call replays it
    entry = runner.graphs[(40, 8)]

    samples: dict[str, list[float]] = {name: [] for name in
                                       ("bisect", "validated", "replay", "recording")}
    for _ in range(REPEATS):  # interleaved, so drift hits every measurement alike
        samples["bisect"].append(_us_per_call(bisect_lookups, 40) / len(batches))
        samples["validated"].append(_us_per_call(validated_lookups, 1) / len(batches))
        samples["replay"].append(_us_per_call(lambda: runner(x), 5_000))
        samples["recording"].append(_us_per_call(entry.recording, 5_000))
    overhead = [r - e for r, e in zip(samples["replay"], samples["recording"])]

    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.processor() or platform.machine()}, "
          f"{REPEATS} interleaved repeats")
    print(f"ladder lookup, {len(ladder)} rungs, bisect (hot path):     {_spread(samples['bisect'])}")
    print(f"ladder lookup, {len(ladder)} rungs, padded_size (checked): {_spread(samples['validated'])}")
    print(f"simulator replay, GraphRunner call on a warm shape:   {_spread(samples['replay'])}")
    print(f"  of which the recording itself (1 op, 40x8 rows):    {_spread(samples['recording'])}")
    print(f"  overhead of the call (copy in, lookup, counters):   {_spread(overhead)}")
    verdict = "under" if statistics.median(samples["bisect"]) < 1.0 else "OVER"
    print(f"goal: a lookup under 1 us -> median {verdict} it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
