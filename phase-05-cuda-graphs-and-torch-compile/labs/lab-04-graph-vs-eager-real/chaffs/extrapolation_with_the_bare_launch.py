"""extrapolate prices launches with bare_launch_us (an x.add_(1)), not the measured launch_us."""

from mini_vllm import bench_analysis
from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_extrapolation_uses_the_measured_launch_cost", "test_extrapolation_on_the_committed_twin"]


def extrapolate(results, batch, *, num_layers, weight_bytes, bandwidth_gb_per_s, launch_us=None,
                reference_layers=12):
    if launch_us is None:
        launch_us = results["constants"]["bare_launch_us"]
    return bench_analysis.extrapolate(results, batch, num_layers=num_layers, weight_bytes=weight_bytes,
                                      bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                                      reference_layers=reference_layers)
