"""Lab 02: launch-overhead economics, as closed forms. Your work goes here.

Fill in every body that raises NotImplementedError; README.md walks you through it.
Grade yourself: LAB_IMPL=starter pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-02-launch-overhead -q
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = [
    "CrossoverRow",
    "amdahl_speedup",
    "asymptotic_speedup",
    "crossover",
    "crossover_table",
    "eager_launches",
    "graph_launches",
    "per_call_ratio",
    "predicted_step_speedup",
]

# Every function refuses bad input with an error that names the argument (README §0):
# a non-int where an int is meant -> TypeError; an int or number out of range -> ValueError.


def eager_launches(num_ops: int, k: int) -> int:
    """Launches for k eager calls of a num_ops-op model: k * num_ops, the bill graphs attack."""
    raise NotImplementedError("lab-02: eager_launches — see README §1")


def graph_launches(num_ops: int, k: int, capture_cost_ops: int | None = None) -> int:
    """Launches for k calls through a graph: capture_cost_ops for the first, 1 per replay after.

    capture_cost_ops defaults to num_ops (capture = one eager pass). Zero calls cost nothing:
    nothing was captured yet.
    """
    raise NotImplementedError("lab-02: graph_launches — see README §1")


def crossover(num_ops: int, capture_cost_ops: int | None = None) -> int | None:
    """First call count k at which graph launches < eager launches, or None if never.

    graph < eager  <=>  c + k - 1 < k*n  <=>  k*(n - 1) > c - 1, so the smallest such k is
    (c - 1) // (n - 1) + 1: no search needed. With the default c = n that is 2 for every
    n > 1 (capture costs one eager pass; each replay then saves n - 1 launches). With n == 1
    a replay saves nothing and capture costs at least 1, so the graph never gets ahead.
    """
    raise NotImplementedError("lab-02: crossover — see README §2")


def per_call_ratio(num_ops: int, k: int, capture_cost_ops: int | None = None) -> float:
    """Eager launches / graph launches after k >= 1 calls: the launch speedup so far.

    k*n / (c + k - 1) rises with k toward n, from below whenever capture costs more than one
    launch (c > 1): the capture is paid once and then diluted over ever more replays.
    """
    raise NotImplementedError("lab-02: per_call_ratio — see README §3")


def asymptotic_speedup(num_ops: int) -> float:
    """The launch-speedup ceiling as k -> infinity: num_ops launches per call against 1.

    A replay is still one launch, so no graph beats n; the capture cost shifts the crossover,
    never the ceiling.
    """
    raise NotImplementedError("lab-02: asymptotic_speedup — see README §3")


def amdahl_speedup(fraction: float, speedup: float) -> float:
    """Overall speedup when `fraction` of the time gets `speedup` times faster (Amdahl's law).

    1 / ((1 - fraction) + fraction / speedup). The untouched part caps the result at
    1 / (1 - fraction): a 300x launch ceiling on 60% of a step yields about 2.5x overall.
    """
    raise NotImplementedError("lab-02: amdahl_speedup — see README §4")


def predicted_step_speedup(num_ops: int, launch_us: float, gpu_us: float) -> float:
    """Predicted eager/graph time ratio of one decode step: the number lab-04 measures.

    eager step = num_ops * launch_us + gpu_us; graph step = launch_us + gpu_us. It is Amdahl
    with fraction = the launch share of the eager step and speedup = num_ops.

    Assumptions: every launch costs the same launch_us of CPU time, a replay costs one of
    them, and launch time adds to GPU time instead of hiding under it. That holds when
    launches dominate (small-batch decode: tiny kernels, GPU idle between them). It stops
    holding when the step is GPU-bound (large batches, prefill): the CPU then enqueues
    kernels while earlier ones still run, the launch time overlaps GPU work, and the real
    eager step is nearer max(num_ops * launch_us, gpu_us) than the sum, so the model
    overstates the win there. It also ignores that a replay of a long graph costs somewhat
    more than one plain launch, and that graphs can shave the GPU-side gaps between kernels.

    launch_us must be > 0, gpu_us >= 0 (microseconds, or any one unit for both).
    """
    raise NotImplementedError("lab-02: predicted_step_speedup — see README §4")


class CrossoverRow(NamedTuple):
    """One row of the crossover table: a model size, a capture cost, and when the graph wins.

    capture_cost_ops = capture_multiplier * num_ops; crossover is None when it never wins.
    """

    num_ops: int
    capture_multiplier: int
    capture_cost_ops: int
    crossover: int | None


def crossover_table(
    num_ops_values: Sequence[int], capture_multipliers: Sequence[int]
) -> list[CrossoverRow]:
    """The crossover for every num_ops, for capture = multiplier * num_ops, in input order.

    Rows run over num_ops first, then over multipliers within each num_ops. For large n a
    capture of m eager passes breaks even at call m + 1.
    """
    raise NotImplementedError("lab-02: crossover_table — see README §5")
