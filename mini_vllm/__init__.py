"""mini_vllm: the small, readable reference engine behind phase 05's labs.

Each module holds one concept (capture/replay, launch economics, the capture-size ladder, the
mode dispatch, reading a benchmark) and mirrors a named place in vLLM 0.22.1. `import mini_vllm`
loads that CPU core only (numpy, no torch): the torch halves are imported by name where they
are used, `mini_vllm.gpu` (the real CUDA-graph runner, lab-04) and `mini_vllm.compilation`
(piecewise torch.compile, lab-06); tables and plots live in `mini_vllm.presentation`.
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
    "CudagraphDispatcher",
    "GraphEntry",
    "GraphRunner",
    "PiecewiseGraphRunner",
    "PredictionRow",
    "Route",
    "SUPPORTED_VLLM_VERSIONS",
    "SpeedupRow",
    "Spread",
    "Verdict",
    "amdahl_speedup",
    "asymptotic_speedup",
    "capture_log",
    "capture_sizes_for",
    "claims_verdict",
    "crossover",
    "crossover_table",
    "default_capture_sizes",
    "eager",
    "eager_launches",
    "expected_waste",
    "graph_launches",
    "optimal_ladder",
    "padded_size",
    "padding_waste",
    "parse_cudagraph_mode",
    "per_call_ratio",
    "predicted_step_speedup",
    "prediction_error",
    "resolve_cudagraph_mode",
    "routing_table",
    "speedup_table",
    "spread",
]
