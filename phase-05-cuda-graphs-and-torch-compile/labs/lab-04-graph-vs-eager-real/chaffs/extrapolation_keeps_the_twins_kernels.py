"""extrapolate keeps the twin's kernel count: a 80-layer model launches as few kernels as 12 layers."""

from mini_vllm import bench_analysis
from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import predicted_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = [
    "test_extrapolation_scales_kernels_with_layers",
    "test_extrapolation_predicts_with_lab02s_model",
    "test_extrapolation_on_the_committed_twin",
]


def extrapolate(results, batch, *, num_layers, weight_bytes, bandwidth_gb_per_s, launch_us=None,
                reference_layers=12):
    right = bench_analysis.extrapolate(results, batch, num_layers=num_layers, weight_bytes=weight_bytes,
                                       bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                                       reference_layers=reference_layers)
    kernels = results["per_batch"][str(batch)]["kernels_per_step"]
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    return Extrapolation(kernels, right.gpu_us, predicted_step_speedup(kernels, launch, right.gpu_us))
