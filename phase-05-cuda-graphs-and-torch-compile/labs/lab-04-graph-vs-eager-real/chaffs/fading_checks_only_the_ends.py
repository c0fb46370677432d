"""claims_verdict calls the win fading when the last speedup is below the first, missing a bump."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_verdict_catches_each_broken_claim"]

_reference = claims_verdict


def claims_verdict(rows, tolerance=0.02):
    ordered = sorted(rows, key=lambda r: r.batch)
    verdict = _reference(rows, tolerance)
    return verdict._replace(fades=ordered[-1].speedup <= ordered[0].speedup * (1 + tolerance))
