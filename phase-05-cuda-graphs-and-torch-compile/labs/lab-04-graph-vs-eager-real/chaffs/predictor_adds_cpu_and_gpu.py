"""predict_speedup uses lab-02's additive model (eager = kernels x launch + GPU), though the CPU issues while the GPU runs."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import predicted_step_speedup
from mini_vllm.model_shapes import OPT_125M, kv_cache_bytes, weight_bytes
from mini_vllm.speedup_predictor import Prediction
from mini_vllm.speedup_predictor import predict_speedup as _reference

CAUGHT_BY = ["test_predictor_lets_cpu_and_gpu_overlap", "test_predictor_on_a_made_up_twin", "test_predictor_on_the_committed_shapes"]


def predict_speedup(results, shape, batch, *, bandwidth_gb_per_s, launch_us=None, reference_shape=OPT_125M):
    _reference(results, shape, batch, bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
               reference_shape=reference_shape)  # the same refusals
    constants, first = results["constants"], results["per_batch"]["1"]
    slots = results["config"]["max_seq_len"]
    launch = constants["launch_us"] if launch_us is None else launch_us
    twin_bytes = weight_bytes(reference_shape) + kv_cache_bytes(reference_shape, 1, slots)
    per_kernel = (first["gpu_us"] - twin_bytes / (constants["d2d_gb_per_s"] * 1e3)) / first["kernels_per_step"]
    kernels = round(first["kernels_per_step"] * shape.num_layers / reference_shape.num_layers)
    moved = weight_bytes(shape) + kv_cache_bytes(shape, batch, slots)
    gpu_us = kernels * per_kernel + moved / (bandwidth_gb_per_s * 1e3)
    return Prediction(kernels, gpu_us, predicted_step_speedup(kernels, launch, gpu_us))
