"""predict_speedup uses lab-02's additive model (eager = kernels x launch + GPU), though the CPU issues while the GPU runs."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.launch_cost import predicted_step_speedup
from mini_vllm.model_shapes import *
from mini_vllm.model_shapes import OPT_125M
from mini_vllm.speedup_predictor import *
from mini_vllm.speedup_predictor import Prediction
from mini_vllm.speedup_predictor import predict_speedup as _reference

CAUGHT_BY = ["test_predictor_lets_cpu_and_gpu_overlap", "test_predictor_on_a_made_up_twin", "test_predictor_on_the_committed_shapes"]


def predict_speedup(results, shape, batch, *, bandwidth_gb_per_s, launch_us=None, reference_shape=OPT_125M):
    right = _reference(results, shape, batch, bandwidth_gb_per_s=bandwidth_gb_per_s, launch_us=launch_us,
                       reference_shape=reference_shape)
    launch = results["constants"]["launch_us"] if launch_us is None else launch_us
    return Prediction(right.kernels_per_step, right.gpu_us,
                      predicted_step_speedup(right.kernels_per_step, launch, right.gpu_us))
