"""Lab 04 reference: the analysis lives in mini_vllm/bench_analysis.py, the predictor in
mini_vllm/speedup_predictor.py, the runner in mini_vllm/gpu/cuda_graph_runner.py; the given
types in mini_vllm/bench_results.py and mini_vllm/model_shapes.py.

One implementation, exposed here under the lab's API so the tests grade it like any other file.
"""

from mini_vllm.bench_analysis import (
    claims_verdict,
    extrapolate,
    prediction_error,
    speedup_table,
    spread,
)
from mini_vllm.bench_results import (
    Extrapolation,
    Prediction,
    PredictionRow,
    SpeedupRow,
    Spread,
    Verdict,
)
from mini_vllm.gpu.cuda_graph_runner import CudaGraphRunner
from mini_vllm.model_shapes import OPT_125M, ModelShape, kv_cache_bytes, load_shape, weight_bytes
from mini_vllm.speedup_predictor import predict_speedup

__all__ = [
    "CudaGraphRunner",
    "Extrapolation",
    "ModelShape",
    "OPT_125M",
    "Prediction",
    "PredictionRow",
    "SpeedupRow",
    "Spread",
    "Verdict",
    "claims_verdict",
    "extrapolate",
    "kv_cache_bytes",
    "load_shape",
    "predict_speedup",
    "prediction_error",
    "speedup_table",
    "spread",
    "weight_bytes",
]
