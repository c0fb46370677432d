"""predict_speedup scales the twin's kernel count at the target batch, though the calibration (and its per-kernel cost) is at batch 1."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import overlapped_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.model_shapes import OPT_125M, kv_cache_bytes, weight_bytes
from mini_vllm.speedup_predictor import *
from mini_vllm.speedup_predictor import Prediction
from mini_vllm.speedup_predictor import predict_speedup as _reference

CAUGHT_BY = ["test_predictor_on_a_made_up_twin", "test_predictor_on_the_committed_shapes"]


def predict_speedup(results, shape, batch, *, bandwidth_gb_per_s, launch_us=None, reference_shape=OPT_125M):
    right = _reference(results, shape, batch, bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                       reference_shape=reference_shape)
    moved_us = (weight_bytes(shape) + kv_cache_bytes(shape, batch, results["config"]["max_seq_len"])) / (
        bandwidth_gb_per_s * 1e3)
    per_kernel = (right.gpu_us - moved_us) / right.kernels_per_step
    entry = results["per_batch"].get(str(batch), results["per_batch"]["1"])
    kernels = round(entry["kernels_per_step"] * shape.num_layers / reference_shape.num_layers)
    gpu_us = kernels * per_kernel + moved_us
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    return Prediction(kernels, gpu_us, overlapped_step_speedup(kernels, launch, gpu_us))
