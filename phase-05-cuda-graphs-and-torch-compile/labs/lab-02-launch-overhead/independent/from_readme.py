"""Lab 02, an independent correct file: written from the README alone (instructor check).

The instructor check grades it like a submission and requires 100%:
LAB_IMPL=<this file> pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-02-launch-overhead -q
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

# Written from README.md alone (its pre-lab part), to prove the README states every rule the
# tests check. Plain Python, independent of mini_vllm.

import math
import numbers
import sys


def _count(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _float_count(value, name):
    """A count whose answer is a float: it must fit in one."""
    value = _count(value, name, 1)
    if value > sys.float_info.max:
        raise ValueError(f"{name} must fit in a float (<= {sys.float_info.max}), got an int of {value.bit_length()} bits")
    return value


def _real(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if isinstance(value, numbers.Integral) and abs(value) > sys.float_info.max:
        raise ValueError(f"{name} must fit in a float, got an int of {int(value).bit_length()} bits")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    return float(value)


def _capture(num_ops, capture_cost_ops):
    return num_ops if capture_cost_ops is None else _count(capture_cost_ops, "capture_cost_ops", 1)


def eager_launches(num_ops: int, k: int) -> int:
    """Launches for k eager calls."""
    return _count(num_ops, "num_ops", 1) * _count(k, "k", 0)


def graph_launches(num_ops: int, k: int, capture_cost_ops: int | None = None) -> int:
    """Launches for k calls through a graph."""
    n = _count(num_ops, "num_ops", 1)
    k = _count(k, "k", 0)
    c = _capture(n, capture_cost_ops)
    if k == 0:
        return 0
    return c + k - 1


def crossover(num_ops: int, capture_cost_ops: int | None = None) -> int | None:
    """First k with graph < eager, or None."""
    n = _count(num_ops, "num_ops", 1)
    c = _capture(n, capture_cost_ops)
    # graph(k) < eager(k)  <=>  c - 1 < k (n - 1)
    if n == 1:
        return None
    # smallest k >= 1 with k (n - 1) > c - 1
    return max(1, (c - 1) // (n - 1) + 1)


def per_call_ratio(num_ops: int, k: int, capture_cost_ops: int | None = None) -> float:
    """Eager total / graph total after k >= 1 calls."""
    n = _float_count(num_ops, "num_ops")
    k = _count(k, "k", 1)
    c = _capture(n, capture_cost_ops)
    return n * k / (c + k - 1)


def asymptotic_speedup(num_ops: int) -> float:
    """Limit of the ratio as k grows."""
    return float(_float_count(num_ops, "num_ops"))


def amdahl_speedup(fraction: float, speedup: float) -> float:
    """Amdahl's law."""
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real) or not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be a number in [0, 1], got {fraction!r}")
    f = float(fraction)
    s = _real(speedup, "speedup")
    if not 0 <= f <= 1:
        raise ValueError(f"fraction must be in [0, 1], got {f}")
    if s <= 0:
        raise ValueError(f"speedup must be > 0, got {s}")
    new_time = (1 - f) + f / s
    return 1 / new_time


def _step_inputs(num_ops, launch_us, gpu_us):
    n = _float_count(num_ops, "num_ops")
    launch = _real(launch_us, "launch_us")
    gpu = _real(gpu_us, "gpu_us")
    if launch <= 0:
        raise ValueError(f"launch_us must be > 0, got {launch}")
    if gpu < 0:
        raise ValueError(f"gpu_us must be >= 0, got {gpu}")
    return n, launch, gpu


def predicted_step_speedup(num_ops: int, launch_us: float, gpu_us: float) -> float:
    """Eager step time over graph step time."""
    n, launch, gpu = _step_inputs(num_ops, launch_us, gpu_us)
    return (n * launch + gpu) / (launch + gpu)


def overlapped_step_speedup(num_ops: int, launch_us: float, gpu_us: float) -> float:
    """§4b: the eager step paced by its slower stage; the replay's launch, then the graph."""
    n, launch, gpu = _step_inputs(num_ops, launch_us, gpu_us)
    eager = n * launch if n * launch > gpu else gpu
    return eager / (launch + gpu)


def graphs_stop_paying(
    num_ops: int, launch_us: float, gpu_us_fixed: float, gpu_us_per_seq: float, threshold: float
) -> int | None:
    """Smallest batch at which the predicted speedup is at most 1 + threshold."""
    fixed = _real(gpu_us_fixed, "gpu_us_fixed")
    if fixed < 0:
        raise ValueError(f"gpu_us_fixed must be >= 0, got {fixed}")
    n, launch, fixed = _step_inputs(num_ops, launch_us, fixed)
    per_seq = _real(gpu_us_per_seq, "gpu_us_per_seq")
    x = _real(threshold, "threshold")
    if per_seq < 0:
        raise ValueError(f"gpu_us_per_seq must be >= 0, got {per_seq}")
    if x <= 0:
        raise ValueError(f"threshold must be > 0, got {x}")
    # (nL + G) <= (1 + x)(L + G)  <=>  x G >= (n - 1 - x) L
    gpu_needed = (n - 1 - x) * launch / x
    if fixed + per_seq >= gpu_needed:
        return 1
    if per_seq == 0:
        return None
    return max(1, math.ceil((gpu_needed - fixed) / per_seq))


class CrossoverRow(NamedTuple):
    """One row of the crossover table."""

    num_ops: int
    capture_multiplier: int
    capture_cost_ops: int
    crossover: int | None


def _list(values, name):
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list of ints")
    if len(values) == 0:
        raise ValueError(f"{name} must not be empty")
    return [_count(v, name, 1) for v in values]


def crossover_table(
    num_ops_values: Sequence[int], capture_multipliers: Sequence[int]
) -> list[CrossoverRow]:
    """One row per (num_ops, multiplier) pair, in input order."""
    sizes = _list(num_ops_values, "num_ops_values")
    mults = _list(capture_multipliers, "capture_multipliers")
    return [CrossoverRow(n, m, m * n, crossover(n, m * n)) for n in sizes for m in mults]
