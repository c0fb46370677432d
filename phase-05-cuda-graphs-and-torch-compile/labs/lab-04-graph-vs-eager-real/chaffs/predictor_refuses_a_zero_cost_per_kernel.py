"""predict_speedup refuses a twin whose GPU time equals its bytes' time (`<= 0`, not `< 0`), a cost per kernel of 0."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.model_shapes import OPT_125M, kv_cache_bytes, weight_bytes
from mini_vllm.speedup_predictor import *
from mini_vllm.speedup_predictor import predict_speedup as _reference

CAUGHT_BY = ["test_predictor_accepts_a_twin_whose_gpu_time_is_exactly_its_bytes"]


def predict_speedup(results, shape, batch, *, bandwidth_gb_per_s, launch_us=None, reference_shape=OPT_125M):
    prediction = _reference(results, shape, batch, bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                            reference_shape=reference_shape)
    twin_bytes = weight_bytes(reference_shape) + kv_cache_bytes(reference_shape, 1, results["config"]["max_seq_len"])
    if results["per_batch"]["1"]["gpu_us"] <= twin_bytes / (results["constants"]["d2d_gb_per_s"] * 1e3):
        raise ValueError("per_batch['1']['gpu_us'] leaves no cost per kernel: is reference_shape the twin's?")
    return prediction
