"""Forgets that a decode batch holds at most max_num_seqs requests: decode keys for every size, num_reqs uncapped."""

from mini_vllm.capture_sizes import padded_size
from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_decode_keys_stop_at_max_num_seqs", "test_capture_descs", "test_capture_log_passes",
             "test_dispatch_with_l4_defaults"]

_init = CudagraphDispatcher.__init__
_padded = CudagraphDispatcher._padded


def _init_all_decode_keys(self, cudagraph_mode, capture_sizes, max_num_seqs, uniform_decode_query_len=1):
    _init(self, cudagraph_mode, capture_sizes, max_num_seqs, uniform_decode_query_len)
    mode = self.cudagraph_mode
    if mode.separate_routine() and mode.decode_mode() is CUDAGraphMode.FULL:
        q = uniform_decode_query_len
        self.keys[CUDAGraphMode.FULL] |= {BatchDescriptor(s, s // q, True) for s in self.capture_sizes}


def _padded_uncapped(self, num_tokens, uniform, has_lora=False):
    if not uniform:
        return _padded(self, num_tokens, uniform, has_lora)
    tokens = padded_size(num_tokens, self.capture_sizes)
    return BatchDescriptor(tokens, tokens // self.uniform_decode_query_len, True, has_lora)


CudagraphDispatcher.__init__ = _init_all_decode_keys
CudagraphDispatcher._padded = _padded_uncapped
