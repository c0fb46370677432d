"""enforce_eager only turns torch.compile off, so FULL graphs survive it."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *
from mini_vllm.cudagraph_mode import resolve_cudagraph_mode as _resolve

CAUGHT_BY = ["test_enforce_eager_turns_every_mode_off"]


def resolve_cudagraph_mode(cudagraph_mode, compilation_mode, *, enforce_eager=False, **kwargs):
    if enforce_eager:
        compilation_mode = CompilationMode.NONE
    return _resolve(cudagraph_mode, compilation_mode, **kwargs)
