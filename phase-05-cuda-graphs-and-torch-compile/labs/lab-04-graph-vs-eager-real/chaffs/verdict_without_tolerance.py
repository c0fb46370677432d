"""claims_verdict ignores the tolerance, so a 1% wobble refutes fading."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_verdict_tolerates_noise_and_only_noise"]

_reference = claims_verdict


def claims_verdict(rows, tolerance=0.02):
    return _reference(rows, 0.0)
