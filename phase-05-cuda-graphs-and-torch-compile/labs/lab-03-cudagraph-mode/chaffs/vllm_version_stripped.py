"""resolve_cudagraph_mode strips vllm_version, so ' 0.33.0' selects 0.33.0's rules instead of being refused."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *
from mini_vllm.cudagraph_mode import resolve_cudagraph_mode as reference_resolve

CAUGHT_BY = ["test_resolve_refuses_an_unknown_vllm_version", "test_every_error_names_its_argument"]


def resolve_cudagraph_mode(cudagraph_mode, compilation_mode, *, vllm_version="0.22.1", **kwargs):
    if isinstance(vllm_version, str):
        vllm_version = vllm_version.strip()
    return reference_resolve(cudagraph_mode, compilation_mode, vllm_version=vllm_version, **kwargs)
