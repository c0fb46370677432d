"""Above the top rung, still pads (on to the ladder's top stride) before falling back to NONE."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_dispatch_above_the_largest_size_is_eager_and_unpadded", "test_dispatch_with_l4_defaults"]

_dispatch = CudagraphDispatcher.dispatch


def _padding_dispatch(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
    mode, desc = _dispatch(self, num_tokens, uniform_decode, has_lora, invalid_modes)
    sizes = self.capture_sizes
    if num_tokens > sizes[-1]:
        stride = sizes[-1] - sizes[-2]
        desc = BatchDescriptor(-(-num_tokens // stride) * stride)
    return mode, desc


CudagraphDispatcher.dispatch = _padding_dispatch
