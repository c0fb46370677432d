"""claims_verdict adds the tolerance instead of scaling by it: b rises above a when b > a + tolerance."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_verdict_tolerance_is_relative"]

_reference = claims_verdict


def claims_verdict(rows, tolerance=0.02):
    _reference(rows, tolerance)  # the same refusals
    speedups = [row.speedup for row in sorted(rows, key=lambda row: row.batch)]
    steps = [later - earlier for earlier, later in zip(speedups, speedups[1:])]
    return Verdict(max(speedups) - speedups[0] <= tolerance, max(steps, default=0) <= tolerance,
                   min(speedups) >= 1 - tolerance)
