"""A LoRA batch that runs eagerly comes back as BatchDescriptor(n, has_lora=True), not the eager answer BatchDescriptor(n)."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_a_lora_batch_finds_no_graph_and_runs_eagerly"]


class CudagraphDispatcher(CudagraphDispatcher):
    def dispatch(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
        mode, desc = super().dispatch(num_tokens, uniform_decode, has_lora, invalid_modes)
        if mode is CUDAGraphMode.NONE and has_lora is True:
            desc = BatchDescriptor(num_tokens, has_lora=True)
        return mode, desc
