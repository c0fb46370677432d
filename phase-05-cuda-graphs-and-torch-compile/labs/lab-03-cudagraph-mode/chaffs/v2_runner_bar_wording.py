"""Words the bars as the V2 runner does, "Capturing CUDA graphs (FULL)", not the V1 runner OPT uses."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_capture_log_passes"]


def capture_log(cudagraph_mode, capture_sizes, max_num_seqs):
    passes = CudagraphDispatcher(cudagraph_mode, capture_sizes, max_num_seqs).capture_descs()
    return [f"Capturing CUDA graphs ({mode.name}): 100%|{'█' * 10}| {len(d)}/{len(d)}" for mode, d in passes]
