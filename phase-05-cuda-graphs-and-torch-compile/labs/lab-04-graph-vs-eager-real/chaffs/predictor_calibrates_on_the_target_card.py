"""predict_speedup times the twin's own bytes at the target card's bandwidth, not at the card the twin ran on."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import overlapped_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.model_shapes import OPT_125M, kv_cache_bytes, weight_bytes
from mini_vllm.speedup_predictor import *
from mini_vllm.speedup_predictor import Prediction
from mini_vllm.speedup_predictor import predict_speedup as _reference

CAUGHT_BY = ["test_predictor_on_a_made_up_twin"]


def predict_speedup(results, shape, batch, *, bandwidth_gb_per_s, launch_us=None, reference_shape=OPT_125M):
    right = _reference(results, shape, batch, bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                       reference_shape=reference_shape)
    twin_bytes = weight_bytes(reference_shape) + kv_cache_bytes(reference_shape, 1, results["config"]["max_seq_len"])
    twin_card_us = twin_bytes / (results["constants"]["d2d_gb_per_s"] * 1e3)
    target_card_us = twin_bytes / (bandwidth_gb_per_s * 1e3)
    per_kernel_shift = (twin_card_us - target_card_us) / results["per_batch"]["1"]["kernels_per_step"]
    gpu_us = right.gpu_us + right.kernels_per_step * per_kernel_shift
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    return Prediction(right.kernels_per_step, gpu_us, overlapped_step_speedup(right.kernels_per_step, launch, gpu_us))
