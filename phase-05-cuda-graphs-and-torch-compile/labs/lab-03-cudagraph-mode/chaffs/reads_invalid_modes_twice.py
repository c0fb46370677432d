"""dispatch validates invalid_modes in one pass and filters in another: a generator is empty the second time."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_invalid_modes_may_be_any_iterable"]


class CudagraphDispatcher(CudagraphDispatcher):
    def dispatch(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
        for _ in invalid_modes or ():  # the "validation" pass consumes a generator
            pass
        return super().dispatch(num_tokens, uniform_decode, has_lora, invalid_modes)
