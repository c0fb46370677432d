"""dispatch ignores has_lora, so a LoRA batch replays a graph captured without LoRA."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_a_lora_batch_finds_no_graph_and_runs_eagerly"]


class CudagraphDispatcher(CudagraphDispatcher):
    def dispatch(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
        return super().dispatch(num_tokens, uniform_decode, False, invalid_modes)
