"""Takes vllm_version but always applies 0.22.1's fall-back to NONE, 0.33.0's decode half lost."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *
from mini_vllm.cudagraph_mode import resolve_cudagraph_mode as _resolve
from mini_vllm.vllm_versions import check_vllm_version

CAUGHT_BY = ["test_0_33_0_keeps_the_decode_half_without_vllm_compile"]


def resolve_cudagraph_mode(cudagraph_mode, compilation_mode, *, vllm_version="0.22.1", **kwargs):
    check_vllm_version(vllm_version)
    return _resolve(cudagraph_mode, compilation_mode, **kwargs)
