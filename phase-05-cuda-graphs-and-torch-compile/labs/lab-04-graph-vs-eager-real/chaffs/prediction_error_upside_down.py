"""prediction_error reports measured / predicted - 1, so an optimistic model shows a negative error."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_prediction_error_is_relative_to_the_measurement", "test_prediction_on_the_committed_twin"]

_reference = prediction_error


def prediction_error(results, arm="graphs", baseline="eager"):
    return [r._replace(error=r.measured / r.predicted - 1) for r in _reference(results, arm, baseline)]
