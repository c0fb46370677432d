"""The runner records the ladder smallest first, so no smaller graph can reuse the largest's pool blocks."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.gpu.cuda_graph_runner import _static_buffers
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_capture_records_the_ladder_largest_first"]


class CudaGraphRunner(CudaGraphRunner):
    def capture(self, *example_inputs):
        import torch

        self.static_inputs = _static_buffers(example_inputs, self.capture_sizes[-1])
        self.pool = torch.cuda.graph_pool_handle() if self.shared_pool else None
        side = torch.cuda.Stream()
        for size in self.capture_sizes:
            self.entries[size] = self._record(size, side)
