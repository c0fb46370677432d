"""extrapolate checks bandwidth_gb_per_s > 0 only, so an infinite bandwidth predicts a GPU time of 0."""

from mini_vllm import bench_analysis
from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import predicted_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_extrapolation_refuses_what_it_cannot_extrapolate"]


def extrapolate(results, batch, *, num_layers, weight_bytes, bandwidth_gb_per_s, launch_us=None,
                reference_layers=12):
    if not bandwidth_gb_per_s > 0:
        raise ValueError(f"bandwidth_gb_per_s must be > 0, got {bandwidth_gb_per_s}")
    right = bench_analysis.extrapolate(results, batch, num_layers=num_layers, weight_bytes=weight_bytes,
                                       bandwidth_gb_per_s=1.0, launch_us=launch_us,
                                       reference_layers=reference_layers)
    gpu_us = weight_bytes / (bandwidth_gb_per_s * 1e3)
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    return Extrapolation(right.kernels_per_step, gpu_us,
                         predicted_step_speedup(right.kernels_per_step, launch, gpu_us))
