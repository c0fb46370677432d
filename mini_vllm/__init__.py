"""mini_vllm: the small, readable reference engine behind phase 05's labs.

Each module holds one concept (capture/replay, launch economics, the capture-size ladder, the
mode dispatch, the GPU twin) and mirrors a named place in vLLM 0.22.1. The names below are the
labs' API: solutions expose them, and graders import them from here.
"""

from mini_vllm.bench_analysis import (
    PredictionRow,
    SpeedupRow,
    Spread,
    Verdict,
    claims_verdict,
    prediction_error,
    speedup_table,
    spread,
)
from mini_vllm.capture_sizes import (
    capture_sizes_for,
    default_capture_sizes,
    expected_waste,
    optimal_ladder,
    padded_size,
    padding_waste,
)
from mini_vllm.compilation import (
    DEFAULT_SPLITTING_OPS,
    PiecewiseBackend,
    SplitItem,
    cache_key,
    count_ops,
    launch_accounting,
    should_split,
    split_graph,
)
from mini_vllm.cudagraph_dispatcher import BatchDescriptor, CudagraphDispatcher, capture_log
from mini_vllm.cudagraph_mode import (
    AttentionCGSupport,
    CompilationMode,
    CUDAGraphMode,
    Route,
    parse_cudagraph_mode,
    resolve_cudagraph_mode,
    routing_table,
)
from mini_vllm.gpu.cuda_graph_runner import CudaGraphRunner
from mini_vllm.graph_simulator import GraphEntry, GraphRunner, PiecewiseGraphRunner, eager
from mini_vllm.launch_cost import (
    CrossoverRow,
    amdahl_speedup,
    asymptotic_speedup,
    crossover,
    crossover_table,
    eager_launches,
    graph_launches,
    per_call_ratio,
    predicted_step_speedup,
)
from mini_vllm.vllm_versions import SUPPORTED_VLLM_VERSIONS

__all__ = [
    "AttentionCGSupport",
    "BatchDescriptor",
    "CUDAGraphMode",
    "CompilationMode",
    "CrossoverRow",
    "CudaGraphRunner",
    "CudagraphDispatcher",
    "DEFAULT_SPLITTING_OPS",
    "GraphEntry",
    "GraphRunner",
    "PiecewiseBackend",
    "PiecewiseGraphRunner",
    "PredictionRow",
    "Route",
    "SUPPORTED_VLLM_VERSIONS",
    "SpeedupRow",
    "SplitItem",
    "Spread",
    "Verdict",
    "amdahl_speedup",
    "asymptotic_speedup",
    "cache_key",
    "capture_log",
    "capture_sizes_for",
    "claims_verdict",
    "count_ops",
    "crossover",
    "crossover_table",
    "default_capture_sizes",
    "eager",
    "eager_launches",
    "expected_waste",
    "graph_launches",
    "launch_accounting",
    "optimal_ladder",
    "padded_size",
    "padding_waste",
    "parse_cudagraph_mode",
    "per_call_ratio",
    "predicted_step_speedup",
    "prediction_error",
    "resolve_cudagraph_mode",
    "routing_table",
    "should_split",
    "speedup_table",
    "split_graph",
    "spread",
]
