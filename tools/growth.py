"""How the engine's costs grow: each operation timed at size n and 4n, against what its algorithm says.

    python tools/growth.py --repeats 5   # the table in the README's "reference engine" section
    python tools/growth.py --quick       # smaller sizes, a few seconds

Each row times one operation at n and at 4n (median of interleaved repeats, min-max in
brackets) and prints the ratio next to the one its algorithm predicts for 4n: 4 for linear
work, 4 log(4n) / log(n) for n log n (4.8 at n = 1024), log(4n) / log(n) for a lookup by
bisect (1.2). A ratio far above its prediction means the operation does more work than its
algorithm; one below it means fixed costs still weigh at size n.
"""

from __future__ import annotations

import argparse
import math
import os
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
    # The same batches at n and 4n (all within the smaller ladder): a replay copies its rows,
    # and only the lookup's share of the call may grow with the ladder.
    xs = [np.ones((1 + (7919 * i) % 512, 1)) for i in range(200)]
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


def linear(n: int) -> float:
    return 4.0


def n_log_n(n: int) -> float:
    return 4 * math.log(4 * n) / math.log(n)


def log_n(n: int) -> float:
    return math.log(4 * n) / math.log(n)


# (row label, case, algorithm, the time ratio it predicts from n to 4n)
CASES: list[tuple[str, Case, str, Callable[[int], float]]] = [
    ("CudagraphDispatcher(...)", dispatcher_construction, "O(n) in rungs", linear),
    ("capture_log(...)", capture_log, "O(n log n) in rungs (sorted passes)", n_log_n),
    ("1000 x dispatch(tokens)", dispatch_lookups, "O(log n) per lookup", log_n),
    ("200 x GraphRunner replay", graph_runner_lookups, "O(log n) per lookup", log_n),
    ("expected_waste(traffic, sizes)", expected_waste, "O((sizes + rungs) log rungs)", n_log_n),
    ("optimal_ladder(traffic, 8)", optimal_ladder, "O(rungs * n log n) in traffic sizes", n_log_n),
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
    return (f"{statistics.median(samples) * 1e3:.3f} ms "
            f"[{min(samples) * 1e3:.3f}-{max(samples) * 1e3:.3f}]")


TEXT_ROW = "{:<32} {:>5} {:>30} {:>30} {:>6} {:>9}  {}"


def _markdown_row(*cells: object) -> str:
    return "| " + " | ".join(map(str, cells)) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 256 instead of 1024")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats per size")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = parser.parse_args(argv)
    n_big = 256 if args.quick else 1024
    print(f"mini_vllm growth, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"{args.repeats} interleaved repeats, median [min-max]")
    head = ("operation", "n", "time at n", "time at 4n", "ratio", "predicted", "algorithm")
    show = _markdown_row if args.markdown else TEXT_ROW.format
    print(show(*head))
    if args.markdown:
        print("|---|---:|---:|---:|---:|---:|---|")
    for name, case, algorithm, predicted in CASES:
        a, b = measure(case, n_big, args.repeats)
        ratio = statistics.median(b) / statistics.median(a)
        print(show(name, n_big, fmt(a), fmt(b), f"{ratio:.2f}", f"{predicted(n_big):.1f}", algorithm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
