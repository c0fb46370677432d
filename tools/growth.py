"""How the engine's costs grow: each operation timed at size n and 4n, against what its algorithm says.

    python tools/growth.py            # the table quoted in docs/growth.md
    python tools/growth.py --quick    # smaller sizes, a few seconds

Each row times one operation at n and at 4n (median of interleaved repeats, min-max in
brackets) and prints the ratio next to the one the algorithm predicts: 4 for linear work,
about 4.x for n log n, about 1 for a lookup (log n), 16 for the documented O(n^2) per rung.
A ratio far above its prediction means the operation does more work than its algorithm.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

import mini_vllm as mv

Case = Callable[[int], Callable[[], object]]  # n -> a prepared zero-argument call


def ladder(n: int) -> list[int]:
    return list(range(1, n + 1))


def dispatcher_construction(n: int) -> Callable[[], object]:
    sizes = ladder(n)
    return lambda: mv.CudagraphDispatcher("FULL_AND_PIECEWISE", sizes, n)


def capture_log(n: int) -> Callable[[], object]:
    sizes = ladder(n)
    return lambda: mv.capture_log("FULL_AND_PIECEWISE", sizes, n)


def dispatch_lookups(n: int) -> Callable[[], object]:
    d = mv.CudagraphDispatcher("FULL_AND_PIECEWISE", [2 * s for s in ladder(n)], n)
    tokens = [1 + (7919 * i) % (2 * n) for i in range(1000)]
    return lambda: [d.dispatch(t) for t in tokens]


def graph_runner_lookups(n: int) -> Callable[[], object]:
    runner = mv.GraphRunner([np.negative], [2 * s for s in ladder(n)])
    xs = [np.ones((1 + (7919 * i) % (2 * n), 1)) for i in range(200)]
    for x in xs:  # capture first: the timed calls are replays, whose cost is the lookup
        runner(x)
    return lambda: [runner(x) for x in xs]


def expected_waste(n: int) -> Callable[[], object]:
    traffic = {b: 1 + b % 7 for b in range(1, 4 * n + 1, 3)}  # ~4n/3 sizes
    sizes = [4 * s for s in ladder(n)]
    return lambda: mv.expected_waste(traffic, sizes)


def optimal_ladder(n: int) -> Callable[[], object]:
    traffic = {b: 1 + b % 5 for b in range(1, n + 1)}
    return lambda: mv.optimal_ladder(traffic, 8)


CASES: list[tuple[str, Case, str, float]] = [
    ("CudagraphDispatcher(...)", dispatcher_construction, "O(n) in rungs", 4.0),
    ("capture_log(...)", capture_log, "O(n log n) in rungs (sorted passes)", 4.0),
    ("1000 x dispatch(tokens)", dispatch_lookups, "O(log n) per lookup", 1.0),
    ("200 x GraphRunner replay", graph_runner_lookups, "O(log n) per lookup", 1.0),
    ("expected_waste(traffic, sizes)", expected_waste, "O((sizes + rungs) log rungs)", 4.0),
    ("optimal_ladder(traffic, 8)", optimal_ladder, "O(rungs * n^2), documented", 16.0),
]


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(case: Case, n: int, repeats: int) -> tuple[list[float], list[float]]:
    """Interleave the n and 4n runs so drift on the machine hits both alike."""
    small, large = case(n), case(4 * n)
    small(), large()  # warm-up
    a, b = [], []
    for _ in range(repeats):
        a.append(timed(small))
        b.append(timed(large))
    return a, b


def fmt(samples: list[float]) -> str:
    return (f"{statistics.median(samples) * 1e3:9.3f} ms "
            f"[{min(samples) * 1e3:.3f}-{max(samples) * 1e3:.3f}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 256 instead of 1024")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats per size")
    args = parser.parse_args(argv)
    n_big = 256 if args.quick else 1024
    print(f"mini_vllm growth, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {args.repeats} interleaved repeats, median [min-max]")
    print(f"{'operation':<32} {'n':>5} {'time at n':>30} {'time at 4n':>30} {'ratio':>6} "
          f"{'predicted':>9}  algorithm")
    for name, case, algorithm, predicted in CASES:
        n = n_big // 4 if case is optimal_ladder else n_big  # O(n^2) needs a smaller n
        a, b = measure(case, n, args.repeats)
        ratio = statistics.median(b) / statistics.median(a)
        print(f"{name:<32} {n:>5} {fmt(a):>30} {fmt(b):>30} {ratio:6.2f} {predicted:9.0f}  {algorithm}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
