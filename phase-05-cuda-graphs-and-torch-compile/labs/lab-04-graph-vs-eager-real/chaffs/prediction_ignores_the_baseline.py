"""prediction_error always measures against eager, whatever baseline the caller names."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_prediction_measures_against_the_baseline_asked_for"]

_reference = prediction_error


def prediction_error(results, arm="graphs", baseline="eager"):
    return _reference(results, arm)
