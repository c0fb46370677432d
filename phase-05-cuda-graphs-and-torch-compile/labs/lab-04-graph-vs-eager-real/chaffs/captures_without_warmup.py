"""CudaGraphRunner accepts num_warmups=0, so a capture may record lazy one-time work with no eager run first."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu import cuda_graph_runner
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_runner_refuses_a_capture_without_warmup"]


class CudaGraphRunner(cuda_graph_runner.CudaGraphRunner):
    def __init__(self, step, capture_sizes, *, num_warmups=1, shared_pool=True, progress=True):
        super().__init__(step, capture_sizes, num_warmups=max(num_warmups, 1), shared_pool=shared_pool,
                         progress=progress)
        self.num_warmups = num_warmups
