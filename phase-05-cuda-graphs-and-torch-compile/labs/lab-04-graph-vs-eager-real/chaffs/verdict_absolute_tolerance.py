"""claims_verdict adds the tolerance instead of scaling by it: b rises above a when b > a + tolerance."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *

CAUGHT_BY = ["test_verdict_tolerance_is_relative"]

_reference = claims_verdict


def claims_verdict(rows, tolerance=0.02):
    _reference(rows, tolerance)  # the same refusals
    ordered = sorted(rows, key=lambda r: r.batch)
    first = ordered[0].speedup
    return Verdict(
        all(r.speedup <= first + tolerance for r in ordered),
        all(b.speedup <= a.speedup + tolerance for a, b in zip(ordered, ordered[1:])),
        all(r.speedup >= 1 - tolerance for r in ordered),
    )
