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
    "graphs_stop_paying",
    "overlapped_step_speedup",
    "per_call_ratio",
    "predicted_step_speedup",
]

# Every function refuses bad input with an error that names the argument (README §0):
# a non-int where an int is meant -> TypeError; an int or number out of range -> ValueError.


def eager_launches(num_ops: int, k: int) -> int:
    """Launches for k eager calls of a num_ops-op model: the bill graphs attack (README §1)."""
    raise NotImplementedError("lab-02: eager_launches — see README §1")


def graph_launches(num_ops: int, k: int, capture_cost_ops: int | None = None) -> int:
    """Launches for k calls through a graph that captures on its first call (README §1's model).

    capture_cost_ops=None means the capture costs one eager pass. Zero calls cost nothing:
    nothing was captured yet.
    """
    raise NotImplementedError("lab-02: graph_launches — see README §1")


def crossover(num_ops: int, capture_cost_ops: int | None = None) -> int | None:
    """First call count k at which graph launches < eager launches (strictly), or None if never.

    A closed form, not a search: the answer is exact for capture costs far beyond any loop,
    and it says at a glance how quickly a capture pays back (README §2).
    """
    raise NotImplementedError("lab-02: crossover — see README §2")


def per_call_ratio(num_ops: int, k: int, capture_cost_ops: int | None = None) -> float:
    """Eager launches / graph launches after k >= 1 calls: the launch speedup so far.

    k = 0 is refused: after zero calls both bills are 0, and 0/0 is no speedup. The capture is
    paid once and then diluted over ever more replays, so the ratio climbs toward a ceiling.
    """
    raise NotImplementedError("lab-02: per_call_ratio — see README §3")


def asymptotic_speedup(num_ops: int) -> float:
    """The launch-speedup ceiling: the limit of per_call_ratio as k -> infinity, as a float.

    The capture cost shifts the crossover; whether it also moves the ceiling is the question.
    """
    raise NotImplementedError("lab-02: asymptotic_speedup — see README §3")


def amdahl_speedup(fraction: float, speedup: float) -> float:
    """Overall speedup when `fraction` of the time gets `speedup` times faster (Amdahl's law).

    The untouched part of the time caps the result, however large `speedup` is: that is why a
    300x launch ceiling turns into a few x on a real step.
    """
    raise NotImplementedError("lab-02: amdahl_speedup — see README §4")


def predicted_step_speedup(num_ops: int, launch_us: float, gpu_us: float) -> float:
    """Predicted eager/graph time ratio of one decode step: the number lab-04 measures.

    Assumptions: every launch costs the same launch_us of CPU time, a replay costs one of
    them, and launch time adds to GPU time instead of hiding under it. That holds when
    launches dominate (small-batch decode: tiny kernels, GPU idle between them). It stops
    holding when the step is GPU-bound (large batches, prefill): the CPU then enqueues
    kernels while earlier ones still run and the launch time overlaps GPU work, so the model
    overstates the win there (overlapped_step_speedup models that). It also ignores that a
    replay of a long graph costs somewhat more than one plain launch, and that graphs can
    shave the GPU-side gaps between kernels.

    launch_us must be > 0, gpu_us >= 0 (microseconds, or any one unit for both).
    """
    raise NotImplementedError("lab-02: predicted_step_speedup — see README §4")


def graphs_stop_paying(
    num_ops: int, launch_us: float, gpu_us_fixed: float, gpu_us_per_seq: float, threshold: float
) -> int | None:
    """Smallest batch >= 1 at which graphs buy at most `threshold` (0.05 = 5%), or None if never.

    GPU time per step grows with the batch (gpu_us_fixed + batch * gpu_us_per_seq) while the
    launch bill stays put, so predicted_step_speedup falls toward 1. Inverting it gives the
    cut-off in closed form: the batch from which an operator gains little from graphs.
    """
    raise NotImplementedError("lab-02: graphs_stop_paying — see README §6")


def overlapped_step_speedup(num_ops: int, launch_us: float, gpu_us: float) -> float:
    """Predicted eager/graph time ratio of one decode step when CPU issue and GPU work overlap.

    Back-to-back eager steps form a two-stage pipeline: the CPU issues launches while the GPU
    executes what is already queued. A graph step is one replay launch and then the replayed
    graph, whose GPU time (measured by replaying it, so its per-node replay cost is in it)
    cannot start before it. Same inputs as predicted_step_speedup (README §4b).
    """
    raise NotImplementedError("lab-02: overlapped_step_speedup — see README §4b")


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

    Rows run over num_ops first, then over multipliers within each num_ops: the table the
    EXERCISES ask you to explain, one CrossoverRow per pair.
    """
    raise NotImplementedError("lab-02: crossover_table — see README §5")
