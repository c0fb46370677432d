"""Launch-overhead economics: when a CUDA graph pays for itself, and how much it can ever win.

The unit is one kernel launch, a few microseconds of CPU time. Eagerly, every call of an
n-op model pays n of them. A graph pays a capture once (at least one eager pass: vLLM runs
warm-up passes and then records one, upstream: vllm/v1/worker/gpu_model_runner.py:6463-6496
(_warmup_and_capture, 0.22.1)) and then one launch per replay (upstream:
vllm/compilation/cuda_graph.py:360, `entry.cudagraph.replay()`). Two closed forms fall out: the
crossover (the graph is ahead from call 2 on) and the ceiling (n times fewer launches). Amdahl
then says how much of that ceiling survives once GPU time is counted too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

from mini_vllm.checks import (
    FLOAT_MAX_INT,
    check_int,
    check_int_sequence,
    check_non_negative,
    check_positive,
    check_real,
)

# --- argument checks: every public function names the argument it refuses ------------------


def _capture_cost(num_ops: int, capture_cost_ops: int | None) -> int:
    # Default: capture costs exactly one eager pass, the least a recording can cost.
    if capture_cost_ops is None:
        return num_ops
    return check_int(capture_cost_ops, "capture_cost_ops")


# --- the two bills ----------------------------------------------------------------------------


def eager_launches(num_ops: int, k: int) -> int:
    """Launches for k eager calls of a num_ops-op model: the bill graphs attack (README §1)."""
    num_ops = check_int(num_ops, "num_ops")
    return check_int(k, "k", 0) * num_ops


def graph_launches(num_ops: int, k: int, capture_cost_ops: int | None = None) -> int:
    """Launches for k calls through a graph that captures on its first call (README §1's model).

    capture_cost_ops=None means the capture costs one eager pass. Zero calls cost nothing:
    nothing was captured yet.
    """
    num_ops = check_int(num_ops, "num_ops")
    k = check_int(k, "k", 0)
    capture = _capture_cost(num_ops, capture_cost_ops)
    return 0 if k == 0 else capture + (k - 1)


# --- the two results to state cold ------------------------------------------------------------


def crossover(num_ops: int, capture_cost_ops: int | None = None) -> int | None:
    """First call count k at which graph launches < eager launches (strictly), or None if never.

    A closed form, not a search: the answer is exact for capture costs far beyond any loop,
    and it says at a glance how quickly a capture pays back (README §2).
    """
    num_ops = check_int(num_ops, "num_ops")
    capture = _capture_cost(num_ops, capture_cost_ops)
    if num_ops == 1:
        return None
    return (capture - 1) // (num_ops - 1) + 1


def per_call_ratio(num_ops: int, k: int, capture_cost_ops: int | None = None) -> float:
    """Eager launches / graph launches after k >= 1 calls: the launch speedup so far.

    k = 0 is refused: after zero calls both bills are 0, and 0/0 is no speedup. The capture is
    paid once and then diluted over ever more replays, so the ratio climbs toward a ceiling.
    """
    num_ops = check_int(num_ops, "num_ops", maximum=FLOAT_MAX_INT)  # the ratio is <= num_ops, a float
    k = check_int(k, "k")
    capture = _capture_cost(num_ops, capture_cost_ops)
    return (k * num_ops) / (capture + k - 1)  # int / int: exact, rounded once


def asymptotic_speedup(num_ops: int) -> float:
    """The launch-speedup ceiling: the limit of per_call_ratio as k -> infinity, as a float.

    The capture cost shifts the crossover; whether it also moves the ceiling is the question.
    """
    return float(check_int(num_ops, "num_ops", maximum=FLOAT_MAX_INT))


# --- from launches to wall clock --------------------------------------------------------------


def amdahl_speedup(fraction: float, speedup: float) -> float:
    """Overall speedup when `fraction` of the time gets `speedup` times faster (Amdahl's law).

    The untouched part of the time caps the result, however large `speedup` is: that is why a
    300x launch ceiling turns into a few x on a real step.
    """
    fraction = check_real(fraction, "fraction", "a number in [0, 1]")
    speedup = check_positive(speedup, "speedup")
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be a number in [0, 1], got {fraction}")
    f = Fraction(fraction)  # exact, rounded once: right even for 5e-324 or 1e308
    return float(1 / ((1 - f) + f / Fraction(speedup)))


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
    num_ops, launch_us, gpu_us = _check_step_inputs(num_ops, launch_us, gpu_us)
    launch, gpu = Fraction(launch_us), Fraction(gpu_us)  # exact: 35 * 1e308 must not overflow
    return float((num_ops * launch + gpu) / (launch + gpu))


def overlapped_step_speedup(num_ops: int, launch_us: float, gpu_us: float) -> float:
    """Predicted eager/graph time ratio of one decode step when CPU issue and GPU work overlap.

    Back-to-back eager steps form a two-stage pipeline: the CPU issues launches while the GPU
    executes what is already queued. A graph step is one replay launch and then the replayed
    graph, whose GPU time (measured by replaying it, so its per-node replay cost is in it)
    cannot start before it. Same inputs as predicted_step_speedup (README §4b).
    """
    num_ops, launch_us, gpu_us = _check_step_inputs(num_ops, launch_us, gpu_us)
    launch, gpu = Fraction(launch_us), Fraction(gpu_us)  # exact, as predicted_step_speedup
    return float(max(num_ops * launch, gpu) / (launch + gpu))


def _check_step_inputs(num_ops: int, launch_us: float, gpu_us: float) -> tuple[int, float, float]:
    num_ops = check_int(num_ops, "num_ops", maximum=FLOAT_MAX_INT)  # the ratio is <= num_ops, a float
    return num_ops, check_positive(launch_us, "launch_us"), check_non_negative(gpu_us, "gpu_us")


def graphs_stop_paying(
    num_ops: int, launch_us: float, gpu_us_fixed: float, gpu_us_per_seq: float, threshold: float
) -> int | None:
    """Smallest batch >= 1 at which graphs buy at most `threshold` (0.05 = 5%), or None if never.

    GPU time per step grows with the batch (gpu_us_fixed + batch * gpu_us_per_seq) while the
    launch bill stays put, so predicted_step_speedup falls toward 1. Inverting it gives the
    cut-off in closed form: the batch from which an operator gains little from graphs.
    """
    num_ops = check_int(num_ops, "num_ops")
    launch_us = check_positive(launch_us, "launch_us")
    gpu_us_fixed = check_non_negative(gpu_us_fixed, "gpu_us_fixed")
    gpu_us_per_seq = check_non_negative(gpu_us_per_seq, "gpu_us_per_seq")
    threshold = check_positive(threshold, "threshold")  # a fraction: 0.05 is 5%
    # (n*L + G) / (L + G) <= 1 + x  <=>  G >= (n - 1 - x) * L / x: the GPU time that dilutes it.
    # In exact fractions, so a tie is a tie and no product overflows.
    fixed, per_seq, x = Fraction(gpu_us_fixed), Fraction(gpu_us_per_seq), Fraction(threshold)
    gpu_us_needed = (num_ops - 1 - x) * Fraction(launch_us) / x
    if gpu_us_needed <= fixed + per_seq:
        return 1
    if per_seq == 0:
        return None
    return math.ceil((gpu_us_needed - fixed) / per_seq)


# --- the EXERCISES table ----------------------------------------------------------------------


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
    sizes = check_int_sequence(num_ops_values, "num_ops_values")
    multipliers = check_int_sequence(capture_multipliers, "capture_multipliers")
    return [CrossoverRow(n, m, m * n, crossover(n, m * n)) for n in sizes for m in multipliers]
