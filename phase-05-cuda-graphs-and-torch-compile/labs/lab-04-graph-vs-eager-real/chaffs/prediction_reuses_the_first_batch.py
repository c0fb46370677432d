"""prediction_error feeds the smallest batch's kernels and GPU time into every batch's prediction."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import predicted_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_prediction_uses_each_batchs_constants", "test_prediction_on_the_committed_twin"]


def prediction_error(results, arm="graphs", baseline="eager"):
    table = speedup_table(results, arm, baseline)
    first = results["per_batch"][str(table[0].batch)]
    predicted = predicted_step_speedup(first["kernels_per_step"], results["constants"]["launch_us"], first["gpu_us"])
    return [PredictionRow(r.batch, predicted, r.speedup, predicted / r.speedup - 1) for r in table]
