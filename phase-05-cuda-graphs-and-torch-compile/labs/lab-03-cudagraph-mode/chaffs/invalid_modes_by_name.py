"""dispatch reads mode names in invalid_modes ({'FULL'}, or the bare string 'FULL') as the modes they name."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_every_error_names_its_argument"]


class CudagraphDispatcher(CudagraphDispatcher):
    def dispatch(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
        if isinstance(invalid_modes, str):
            invalid_modes = [invalid_modes]
        if invalid_modes is not None:
            invalid_modes = [parse_cudagraph_mode(m) for m in invalid_modes]
        return super().dispatch(num_tokens, uniform_decode, has_lora, invalid_modes)
