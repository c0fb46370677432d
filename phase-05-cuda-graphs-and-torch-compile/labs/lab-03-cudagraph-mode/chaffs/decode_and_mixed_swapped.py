"""Reads the composite tuple as (mixed, decode): decode batches get the second half."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_decode_mode_is_the_first_half", "test_mixed_mode_is_the_second_half",
             "test_routing_table_rows", "test_dispatch_pads_and_routes", "test_capture_descs"]


def _decode_mode(self):
    return CUDAGraphMode(self.value[1]) if self.separate_routine() else self


def _mixed_mode(self):
    return CUDAGraphMode(self.value[0]) if self.separate_routine() else self


CUDAGraphMode.decode_mode = _decode_mode
CUDAGraphMode.mixed_mode = _mixed_mode
