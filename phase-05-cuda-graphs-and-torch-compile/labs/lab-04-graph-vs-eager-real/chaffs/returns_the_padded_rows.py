"""The runner returns the whole padded output, padding rows included, instead of the first batch rows."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_replay_gives_the_eager_tokens_and_cache"]


class CudaGraphRunner(CudaGraphRunner):
    def __call__(self, *inputs):
        out = super().__call__(*inputs)
        size = padded_size(inputs[0].shape[0], self.capture_sizes)
        return out if size is None else self.static_outputs[size]
