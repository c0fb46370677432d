"""The graded code a lab-04 benchmark runs: lab-04's analysis and runner, lab-02's models, lab-05's ladder.

The benchmark, its report and its plot are given; what they run is what the labs ask. They take
it through mini_vllm.lab_code: the reference in the full course (its outputs are the committed
ones), the student's own files in the student release, and for lab-04 the file LAB_IMPL names.
So a student measures their own CUDA-graph runner on their own GPU.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from mini_vllm.bench_results import PredictionRow, prediction_inputs
from mini_vllm.lab_code import lab_module, own_lab_module


def lab04() -> ModuleType:
    """lab-04's API (spread, speedup_table, prediction_error, claims_verdict, CudaGraphRunner, ...)."""
    return own_lab_module("lab-04")


def lab05() -> ModuleType:
    """lab-05's API: default_capture_sizes and padded_size, the rungs the graphs arm captures."""
    return lab_module("lab-05")


def predictions(results: Mapping[str, Any]) -> dict[str, list[PredictionRow]]:
    """lab-02's two step models against the measured graph speed-up, per batch: "additive" is
    lab-04's prediction_error; "overlapped" feeds the same inputs to lab-02's overlap-aware model."""
    additive = lab04().prediction_error(results)
    overlapped_step_speedup = lab_module("lab-02").overlapped_step_speedup
    launch_us, inputs = prediction_inputs(results, [row.batch for row in additive])
    overlapped = []
    for row in additive:
        kernels, gpu_us = inputs[row.batch]
        predicted = overlapped_step_speedup(kernels, launch_us, gpu_us)
        overlapped.append(PredictionRow(row.batch, predicted, row.measured, predicted / row.measured - 1))
    return {"additive": additive, "overlapped": overlapped}


def prediction_records(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Both models' rows for the JSON: {"model", "batch", "predicted", "measured", "error"}."""
    return [{"model": name, **row._asdict()} for name, rows in predictions(results).items() for row in rows]
