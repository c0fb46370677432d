"""claims_verdict counts a tie as evidence: an equal speed-up refutes the first two claims, 1 - tolerance inverts."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_verdict_ties_are_not_evidence"]

_reference = claims_verdict


def claims_verdict(rows, tolerance=0.02):
    _reference(rows, tolerance)  # the same refusals
    ordered = sorted(rows, key=lambda r: r.batch)
    first = ordered[0].speedup
    return Verdict(
        all(r.speedup < first * (1 + tolerance) for r in ordered[1:]),
        all(b.speedup < a.speedup * (1 + tolerance) for a, b in zip(ordered, ordered[1:])),
        all(r.speedup > 1 - tolerance for r in ordered),
    )
