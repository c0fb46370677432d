"""extrapolate divides bytes by GB/s times 1e9 and calls it microseconds (GPU time 1e6 too small)."""

from mini_vllm import bench_analysis
from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import predicted_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = [
    "test_extrapolation_gpu_time_is_the_weight_read",
    "test_extrapolation_predicts_with_lab02s_model",
    "test_extrapolation_on_the_committed_twin",
]


def extrapolate(results, batch, *, num_layers, weight_bytes, bandwidth_gb_per_s, launch_us=None,
                reference_layers=12):
    right = bench_analysis.extrapolate(results, batch, num_layers=num_layers, weight_bytes=weight_bytes,
                                       bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                                       reference_layers=reference_layers)
    gpu_us = weight_bytes / (bandwidth_gb_per_s * 1e9)
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    return Extrapolation(right.kernels_per_step, gpu_us,
                         predicted_step_speedup(right.kernels_per_step, launch, gpu_us))
