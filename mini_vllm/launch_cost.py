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
import numbers
from collections.abc import Sequence
from typing import NamedTuple

from mini_vllm.checks import check_int, check_int_sequence

# --- argument checks: every public function names the argument it refuses ------------------


def _check_real(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return float(value)


def _capture_cost(num_ops: int, capture_cost_ops: int | None) -> int:
    # Default: capture costs exactly one eager pass, the least a recording can cost.
    if capture_cost_ops is None:
        return num_ops
    return check_int(capture_cost_ops, "capture_cost_ops", 1)


# --- the two bills ----------------------------------------------------------------------------


def eager_launches(num_ops: int, k: int) -> int:
    """Launches for k eager calls of a num_ops-op model: k * num_ops, the bill graphs attack."""
    num_ops = check_int(num_ops, "num_ops", 1)
    return check_int(k, "k", 0) * num_ops


def graph_launches(num_ops: int, k: int, capture_cost_ops: int | None = None) -> int:
    """Launches for k calls through a graph: capture_cost_ops for the first, 1 per replay after.

    capture_cost_ops defaults to num_ops (capture = one eager pass). Zero calls cost nothing:
    nothing was captured yet.
    """
    num_ops = check_int(num_ops, "num_ops", 1)
    k = check_int(k, "k", 0)
    capture = _capture_cost(num_ops, capture_cost_ops)
    return 0 if k == 0 else capture + (k - 1)


# --- the two results to state cold ------------------------------------------------------------


def crossover(num_ops: int, capture_cost_ops: int | None = None) -> int | None:
    """First call count k at which graph launches < eager launches, or None if never.

    graph < eager  <=>  c + k - 1 < k*n  <=>  k*(n - 1) > c - 1, so the smallest such k is
    (c - 1) // (n - 1) + 1: no search needed. With the default c = n that is 2 for every
    n > 1 (capture costs one eager pass; each replay then saves n - 1 launches). With n == 1
    a replay saves nothing and capture costs at least 1, so the graph never gets ahead.
    """
    num_ops = check_int(num_ops, "num_ops", 1)
    capture = _capture_cost(num_ops, capture_cost_ops)
    if num_ops == 1:
        return None
    return (capture - 1) // (num_ops - 1) + 1


def per_call_ratio(num_ops: int, k: int, capture_cost_ops: int | None = None) -> float:
    """Eager launches / graph launches after k >= 1 calls: the launch speedup so far.

    k*n / (c + k - 1) rises with k toward n, from below whenever capture costs more than one
    launch (c > 1): the capture is paid once and then diluted over ever more replays.
    """
    num_ops = check_int(num_ops, "num_ops", 1)
    k = check_int(k, "k", 1)
    capture = _capture_cost(num_ops, capture_cost_ops)
    return (k * num_ops) / (capture + k - 1)


def asymptotic_speedup(num_ops: int) -> float:
    """The launch-speedup ceiling as k -> infinity: num_ops launches per call against 1.

    A replay is still one launch, so no graph beats n; the capture cost shifts the crossover,
    never the ceiling.
    """
    return float(check_int(num_ops, "num_ops", 1))


# --- from launches to wall clock --------------------------------------------------------------


def amdahl_speedup(fraction: float, speedup: float) -> float:
    """Overall speedup when `fraction` of the time gets `speedup` times faster (Amdahl's law).

    1 / ((1 - fraction) + fraction / speedup). The untouched part caps the result at
    1 / (1 - fraction): a 300x launch ceiling on 60% of a step yields about 2.5x overall.
    """
    fraction = _check_real(fraction, "fraction")
    speedup = _check_real(speedup, "speedup")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must lie in [0, 1], got {fraction}")
    if speedup <= 0.0:
        raise ValueError(f"speedup must be > 0, got {speedup}")
    return 1.0 / ((1.0 - fraction) + fraction / speedup)


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
    num_ops = check_int(num_ops, "num_ops", 1)
    launch_us = _check_real(launch_us, "launch_us")
    gpu_us = _check_real(gpu_us, "gpu_us")
    if launch_us <= 0.0:
        raise ValueError(f"launch_us must be > 0, got {launch_us}")
    if gpu_us < 0.0:
        raise ValueError(f"gpu_us must be >= 0, got {gpu_us}")
    eager_us = num_ops * launch_us + gpu_us
    graph_us = launch_us + gpu_us
    return eager_us / graph_us


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

    Rows run over num_ops first, then over multipliers within each num_ops. For large n a
    capture of m eager passes breaks even at call m + 1.
    """
    sizes = check_int_sequence(num_ops_values, "num_ops_values")
    multipliers = check_int_sequence(capture_multipliers, "capture_multipliers")
    return [CrossoverRow(n, m, m * n, crossover(n, m * n)) for n in sizes for m in multipliers]
