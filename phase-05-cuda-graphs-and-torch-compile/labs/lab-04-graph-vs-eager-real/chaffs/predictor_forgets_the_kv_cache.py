"""predict_speedup moves only the weights: the K/V the attention reads, which grows with the batch, is left out."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import overlapped_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.model_shapes import OPT_125M, kv_cache_bytes
from mini_vllm.speedup_predictor import *
from mini_vllm.speedup_predictor import Prediction
from mini_vllm.speedup_predictor import predict_speedup as _reference

CAUGHT_BY = ["test_predictor_on_a_made_up_twin", "test_predictor_on_the_committed_shapes"]


def predict_speedup(results, shape, batch, *, bandwidth_gb_per_s, launch_us=None, reference_shape=OPT_125M):
    right = _reference(results, shape, batch, bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                       reference_shape=reference_shape)
    slots = results["config"]["max_seq_len"]
    # the twin's K/V left in its per-kernel cost, the target's K/V left out of its bytes
    twin_kv_us = kv_cache_bytes(reference_shape, 1, slots) / (results["constants"]["d2d_gb_per_s"] * 1e3)
    per_kernel_extra = twin_kv_us / results["per_batch"]["1"]["kernels_per_step"]
    gpu_us = (right.gpu_us + right.kernels_per_step * per_kernel_extra
              - kv_cache_bytes(shape, batch, slots) / (bandwidth_gb_per_s * 1e3))
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    return Prediction(right.kernels_per_step, gpu_us, overlapped_step_speedup(right.kernels_per_step, launch, gpu_us))
