"""dispatch removes invalid_modes from the allowed set without checking its entries: {'FULL'} removes nothing."""

import dataclasses

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_every_error_names_its_argument"]


class CudagraphDispatcher(CudagraphDispatcher):
    def dispatch(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
        if invalid_modes is None or isinstance(invalid_modes, str):
            return super().dispatch(num_tokens, uniform_decode, has_lora, invalid_modes)
        invalid = set(invalid_modes)
        allowed = set(CUDAGraphMode.valid_runtime_modes()) - invalid
        if not allowed:
            raise ValueError("invalid_modes lists every runtime mode")
        if not self.cudagraph_mode or num_tokens > self.capture_sizes[-1]:
            return CUDAGraphMode.NONE, BatchDescriptor(num_tokens)
        key = self._padded(num_tokens, uniform_decode and self.cudagraph_mode.separate_routine(), has_lora)
        if CUDAGraphMode.FULL in allowed and key in self.keys[CUDAGraphMode.FULL]:
            return CUDAGraphMode.FULL, key
        relaxed = dataclasses.replace(key, num_reqs=None, uniform=False)
        if CUDAGraphMode.PIECEWISE in allowed and relaxed in self.keys[CUDAGraphMode.PIECEWISE]:
            return CUDAGraphMode.PIECEWISE, relaxed
        if CUDAGraphMode.NONE not in allowed:
            raise ValueError("no graph fits and NONE is in invalid_modes")
        return CUDAGraphMode.NONE, BatchDescriptor(num_tokens)
