"""predict_speedup calls the twin's whole GPU time per-kernel cost, so the target's bytes are counted twice."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import overlapped_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.model_shapes import OPT_125M, kv_cache_bytes, weight_bytes
from mini_vllm.speedup_predictor import *
from mini_vllm.speedup_predictor import Prediction
from mini_vllm.speedup_predictor import predict_speedup as _reference

CAUGHT_BY = ["test_predictor_gives_back_the_twins_own_gpu_time", "test_predictor_on_a_made_up_twin", "test_predictor_on_the_committed_shapes"]


def predict_speedup(results, shape, batch, *, bandwidth_gb_per_s, launch_us=None, reference_shape=OPT_125M):
    right = _reference(results, shape, batch, bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                       reference_shape=reference_shape)
    # per kernel: gpu_us / kernels, without taking the twin's own bytes out first
    twin_bytes = weight_bytes(reference_shape) + kv_cache_bytes(reference_shape, 1, results["config"]["max_seq_len"])
    twin_bytes_us = twin_bytes / (results["constants"]["d2d_gb_per_s"] * 1e3)
    gpu_us = right.gpu_us + right.kernels_per_step * twin_bytes_us / results["per_batch"]["1"]["kernels_per_step"]
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    return Prediction(right.kernels_per_step, gpu_us, overlapped_step_speedup(right.kernels_per_step, launch, gpu_us))
