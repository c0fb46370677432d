"""The runner ignores shared_pool and gives every graph a private memory pool."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_one_shared_pool_costs_far_less_than_a_pool_per_graph"]


class CudaGraphRunner(CudaGraphRunner):
    def capture(self, *example_inputs):
        self.shared_pool = False
        super().capture(*example_inputs)
