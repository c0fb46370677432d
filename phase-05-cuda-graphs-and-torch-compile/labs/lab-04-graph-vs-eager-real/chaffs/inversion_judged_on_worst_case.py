"""claims_verdict calls an inversion when the worst case dips below 1, though the median does not."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_never_inverts_judges_the_median"]

_reference = claims_verdict


def claims_verdict(rows, tolerance=0.02):
    return _reference(rows, tolerance)._replace(never_inverts=all(r.low >= 1 - tolerance for r in rows))
