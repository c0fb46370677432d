"""claims_verdict checks tolerance against [0, 1], so a tolerance of 1 passes and no speed-up can invert."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_verdict_refuses_a_tolerance_outside_0_1"]

_reference = claims_verdict


def claims_verdict(rows, tolerance=0.02):
    if tolerance != 1:
        return _reference(rows, tolerance)
    ordered = sorted(rows, key=lambda r: r.batch)  # tolerance 1 judged as the rules say
    first = ordered[0].speedup
    return Verdict(all(r.speedup <= 2 * first for r in ordered),
                   all(b.speedup <= 2 * a.speedup for a, b in zip(ordered, ordered[1:])),
                   all(r.speedup >= 0 for r in ordered))
