"""Keeps uniform_decode for plain FULL mode, whose one routine has only uniform=False keys."""

from mini_vllm.capture_sizes import padded_size
from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_dispatch_pads_and_routes", "test_decode_keys_stop_at_max_num_seqs"]

_dispatch = CudagraphDispatcher.dispatch


def _dispatch_keeping_uniform(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
    if self.cudagraph_mode is CUDAGraphMode.FULL and uniform_decode and num_tokens <= self.capture_sizes[-1]:
        tokens = padded_size(num_tokens, self.capture_sizes)
        key = BatchDescriptor(tokens, min(tokens, self.max_num_seqs), True)
        if key in self.keys[CUDAGraphMode.FULL]:
            return CUDAGraphMode.FULL, key
        return CUDAGraphMode.NONE, BatchDescriptor(num_tokens)
    return _dispatch(self, num_tokens, uniform_decode, has_lora, invalid_modes)


CudagraphDispatcher.dispatch = _dispatch_keeping_uniform
