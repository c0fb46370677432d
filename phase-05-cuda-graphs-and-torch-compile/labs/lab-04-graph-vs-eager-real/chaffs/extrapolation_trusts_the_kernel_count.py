"""extrapolate never checks the JSON's kernel count: 2.5 kernels pass, and 0 fails inside lab-02 naming num_ops."""

from mini_vllm import bench_analysis
from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import predicted_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_extrapolation_refuses_what_it_cannot_extrapolate"]


def extrapolate(results, batch, *, num_layers, weight_bytes, bandwidth_gb_per_s, launch_us=None,
                reference_layers=12):
    try:
        return bench_analysis.extrapolate(results, batch, num_layers=num_layers, weight_bytes=weight_bytes,
                                          bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                                          reference_layers=reference_layers)
    except (TypeError, ValueError) as error:
        if "kernels_per_step" not in str(error):
            raise
    kernels = round(results["per_batch"][str(batch)]["kernels_per_step"] * num_layers / reference_layers)
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    gpu_us = weight_bytes / (bandwidth_gb_per_s * 1e3)
    return Extrapolation(kernels, gpu_us, predicted_step_speedup(kernels, launch, gpu_us))
