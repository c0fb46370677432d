"""Predict the graph speed-up of a model the twin never ran, before measuring it.

Every input is knowable in advance: the host's launch cost and the GPU's per-kernel cost come
from the OPT-125m twin's committed run; the target's shape from its config.json; the card's
bandwidth from its own measured copy rate; the batch from the caller. Assumptions, each one a
place the prediction can miss:
- kernels per step scale with the layer count (the twin's batch-1 count; the op sequence per
  layer is the same code), and each costs the host the twin's measured `launch_us`;
- a step's GPU time is the bytes it must move (every weight, and the K/V slots the attention
  spans) at the card's bandwidth, plus a fixed cost per kernel that the bytes do not explain,
  calibrated so that the model gives back the twin's own measured batch-1 GPU time;
- CPU issue and GPU work overlap (lab-02's overlap-aware model).
Left out: compute (a wide model at a large batch becomes FLOP-bound), cuBLAS picking other
kernels for other widths, a per-kernel cost that differs between cards, and the host's CPU
bill growing with the batch. upstream: what vLLM would pay instead is vllm/compilation/
cuda_graph.py:360 (one replay per step, 0.22.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mini_vllm.bench_results import Prediction
from mini_vllm.checks import check_int, check_positive
from mini_vllm.launch_cost import overlapped_step_speedup
from mini_vllm.model_shapes import OPT_125M, ModelShape, kv_cache_bytes, weight_bytes


def _twin_inputs(results: object) -> tuple[float, float, int, float, int]:
    """launch_us, d2d_gb_per_s, batch-1 kernels and gpu_us, cache slots: each refused by its key."""
    if not isinstance(results, Mapping):
        raise TypeError(f"results must be the twin's result mapping, got {type(results).__name__}")
    constants, per_batch, config = (results.get(key) for key in ("constants", "per_batch", "config"))
    for key, table in (("constants", constants), ("per_batch", per_batch), ("config", config)):
        if not isinstance(table, Mapping):
            raise ValueError(f"results need a {key!r} table (the twin's JSON has one)")
    for key in ("launch_us", "d2d_gb_per_s"):
        if key not in constants:
            raise ValueError(f"results need constants[{key!r}] (the twin's JSON has it)")
    first = per_batch.get("1")
    if not isinstance(first, Mapping) or "kernels_per_step" not in first or "gpu_us" not in first:
        raise ValueError("results need per_batch['1'] with 'kernels_per_step' and 'gpu_us': the calibration is at batch 1")
    if "max_seq_len" not in config:
        raise ValueError("results need config['max_seq_len'] (the twin's cache slots per row)")
    return (float(check_positive(constants["launch_us"], "constants['launch_us']")),
            float(check_positive(constants["d2d_gb_per_s"], "constants['d2d_gb_per_s']")),
            check_int(first["kernels_per_step"], "per_batch['1']['kernels_per_step']"),
            float(check_positive(first["gpu_us"], "per_batch['1']['gpu_us']")),
            check_int(config["max_seq_len"], "config['max_seq_len']"))


def _check_shape(shape: object, name: str) -> ModelShape:
    if not isinstance(shape, ModelShape):
        raise TypeError(f"{name} must be a ModelShape (model_shapes.load_shape reads one), got {type(shape).__name__}")
    return shape


def predict_speedup(
    results: Mapping[str, Any], shape: ModelShape, batch: int, *, bandwidth_gb_per_s: float,
    launch_us: float | None = None, reference_shape: ModelShape = OPT_125M,
) -> Prediction:
    """The graph speed-up the overlap-aware model predicts for `shape` at `batch` on a card.

    The twin (`results`, run with `reference_shape`) lends the host's launch cost and, at batch
    1, the GPU cost per kernel that its bytes do not explain; the target's bytes come from its
    shape, moved at `bandwidth_gb_per_s`. README §7 states the contract.
    """
    shape, reference_shape = _check_shape(shape, "shape"), _check_shape(reference_shape, "reference_shape")
    batch = check_int(batch, "batch")
    bandwidth = float(check_positive(bandwidth_gb_per_s, "bandwidth_gb_per_s"))
    twin_launch_us, twin_gb_per_s, twin_kernels, twin_gpu_us, slots = _twin_inputs(results)
    launch = twin_launch_us if launch_us is None else float(check_positive(launch_us, "launch_us"))
    twin_bytes = weight_bytes(reference_shape) + kv_cache_bytes(reference_shape, 1, slots)
    unexplained_us = twin_gpu_us - twin_bytes / (twin_gb_per_s * 1e3)  # 1 GB/s = 1e3 bytes per us
    if unexplained_us < 0:
        raise ValueError(f"per_batch['1']['gpu_us'] ({twin_gpu_us:.1f} us) is below the time its own bytes take "
                         f"at constants['d2d_gb_per_s'] ({twin_bytes / (twin_gb_per_s * 1e3):.1f} us): "
                         "is reference_shape the twin's?")
    kernels = round(twin_kernels * shape.num_layers / reference_shape.num_layers)
    moved = weight_bytes(shape) + kv_cache_bytes(shape, batch, slots)
    gpu_us = kernels * unexplained_us / twin_kernels + moved / (bandwidth * 1e3)
    return Prediction(kernels, gpu_us, overlapped_step_speedup(kernels, launch, gpu_us))
