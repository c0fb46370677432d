"""Reading a graphs-vs-eager benchmark like an engineer: ratios with spread, a prediction, a verdict.

A result set (the JSON that lab-04's run.py and `mini-vllm bench` write) holds raw samples:
`runs` is a list of `{"arm", "batch", "tokens_per_s": [one number per repeat], ...}`. From it:
- `speedup_table` divides the arm's median throughput by the baseline's, per batch, and carries
  the spread through as the worst and best case (min over max, max over min);
- `prediction_error` feeds the measured constants into lab-02's predicted_step_speedup and
  compares with the measurement, batch by batch;
- `claims_verdict` checks the brief's three falsifiable claims: the win is biggest at the
  smallest batch, it fades as the batch grows, and it never inverts.
Pure Python, no torch: the analysis half of lab-04 runs on any laptop against committed results.
upstream: the knob under test is enforce_eager, vllm/config/vllm.py:1032-1038 (0.22.1).
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from statistics import median
from typing import Any, NamedTuple

from mini_vllm.checks import check_int
from mini_vllm.launch_cost import overlapped_step_speedup, predicted_step_speedup

SCHEMA = "mini-vllm/lab04-bench/1"
TWIN_ARMS = ("eager", "graphs", "compile", "compile+graphs")  # the twin's four arms, in order


class Spread(NamedTuple):
    """A measurement as the median of its repeats and the range they spanned."""

    median: float
    low: float
    high: float


class SpeedupRow(NamedTuple):
    """arm / baseline at one batch size: ratio of medians, and the worst and best case."""

    batch: int
    speedup: float
    low: float
    high: float


class PredictionRow(NamedTuple):
    """lab-02's predicted speedup vs the measured one; error = predicted / measured - 1."""

    batch: int
    predicted: float
    measured: float
    error: float


class Extrapolation(NamedTuple):
    """lab-02's prediction for another model on another card, built from the twin's measurements."""

    kernels_per_step: int
    gpu_us: float
    predicted: float


class Verdict(NamedTuple):
    """The brief's three falsifiable claims, each True when the data bear it out."""

    biggest_at_smallest_batch: bool
    fades: bool
    never_inverts: bool


# --- checks ---------------------------------------------------------------------------------


def _positive_samples(samples: object, name: str) -> list[float]:
    if isinstance(samples, (str, bytes)) or not isinstance(samples, Sequence):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(samples).__name__}")
    if not samples:
        raise ValueError(f"{name} must hold at least one sample, got []")
    out = []
    for x in samples:
        if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or x <= 0:
            raise ValueError(f"{name} must hold finite numbers > 0, got {x!r}")
        out.append(float(x))
    return out


def _positive_real(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number > 0, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _runs_by_arm(results: Mapping[str, Any], arm: str) -> dict[int, list[float]]:
    """{batch: tokens_per_s samples} for one arm; refuses duplicates and unknown arms."""
    if not isinstance(results, Mapping) or not isinstance(results.get("runs"), Sequence):
        raise TypeError("results must be a mapping with a 'runs' list (the benchmark JSON)")
    arms = sorted({str(run.get("arm")) for run in results["runs"]})
    if arm not in arms:
        raise ValueError(f"arm {arm!r} is not in the results; arms present: {arms}")
    by_batch: dict[int, list[float]] = {}
    for run in results["runs"]:
        if run.get("arm") != arm:
            continue
        batch = run.get("batch")
        batch = check_int(batch, f"the batch of a run of arm {arm!r}")
        if batch in by_batch:
            raise ValueError(f"arm {arm!r} has two runs at batch {batch}; merge their samples")
        by_batch[batch] = _positive_samples(run.get("tokens_per_s"), f"{arm} batch {batch} tokens_per_s")
    return by_batch


# --- the lab API ----------------------------------------------------------------------------


def spread(samples: Sequence[float]) -> Spread:
    """Median (the middle two averaged for an even count), min and max of the repeats.

    The median, not the mean: one repeat disturbed by a background process should not move
    the headline number. The min-max range is the honest error bar for 5 repeats.
    """
    values = _positive_samples(samples, "samples")
    return Spread(median(values), min(values), max(values))


def speedup_table(results: Mapping[str, Any], arm: str, baseline: str = "eager") -> list[SpeedupRow]:
    """Per batch present in both arms, sorted by batch: arm / baseline throughput.

    speedup = median(arm tokens/s) / median(baseline tokens/s), a ratio of medians (not a
    median of per-repeat ratios: the repeats of two arms are not paired). The spread is
    carried through as the worst case min(arm) / max(baseline) and the best case
    max(arm) / min(baseline): if even the worst case is above 1, the win is not noise.
    """
    arm_runs, base_runs = _runs_by_arm(results, arm), _runs_by_arm(results, baseline)
    rows = []
    for batch in sorted(arm_runs.keys() & base_runs.keys()):
        a, b = spread(arm_runs[batch]), spread(base_runs[batch])
        rows.append(SpeedupRow(batch, a.median / b.median, a.low / b.high, a.high / b.low))
    return rows


def prediction_error(
    results: Mapping[str, Any], arm: str = "graphs", baseline: str = "eager"
) -> list[PredictionRow]:
    """lab-02's predicted step speedup vs the measured speedup, per batch size.

    The prediction takes `constants["launch_us"]` (CPU cost of one eager launch) and, per batch,
    `per_batch[str(batch)]["kernels_per_step"]` and `["gpu_us"]` (GPU time of one step with the
    launches out of the way), and returns predicted_step_speedup(kernels, launch_us, gpu_us).
    error = predicted / measured - 1, so +0.30 means the model promised 30% more than the GPU
    delivered.
    """
    return _prediction_rows(results, predicted_step_speedup, arm, baseline)


def overlapped_prediction(
    results: Mapping[str, Any], arm: str = "graphs", baseline: str = "eager"
) -> list[PredictionRow]:
    """prediction_error with lab-02's overlap-aware model (eager = max(n * launch, gpu)), same inputs."""
    return _prediction_rows(results, overlapped_step_speedup, arm, baseline)


PREDICTIONS = {"additive": prediction_error, "overlapped": overlapped_prediction}


def prediction_records(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Both models' rows for the JSON: {"model", "batch", "predicted", "measured", "error"}."""
    return [{"model": name, **row._asdict()} for name, rows_of in PREDICTIONS.items()
            for row in rows_of(results)]


def _prediction_rows(
    results: Mapping[str, Any], model: Callable[[int, float, float], float], arm: str, baseline: str
) -> list[PredictionRow]:
    constants = results.get("constants") if isinstance(results, Mapping) else None
    per_batch = results.get("per_batch") if isinstance(results, Mapping) else None
    if not isinstance(constants, Mapping) or "launch_us" not in constants or not isinstance(per_batch, Mapping):
        raise ValueError("results need 'constants' with 'launch_us' and a 'per_batch' table to predict "
                         "(the twin's JSON has them; the vLLM A/B measures no constants)")
    rows = []
    for row in speedup_table(results, arm, baseline):
        entry = per_batch.get(str(row.batch))
        if not isinstance(entry, Mapping) or not {"kernels_per_step", "gpu_us"} <= entry.keys():
            raise ValueError(f"per_batch[{str(row.batch)!r}] needs 'kernels_per_step' and 'gpu_us'")
        predicted = model(entry["kernels_per_step"], float(constants["launch_us"]), float(entry["gpu_us"]))
        rows.append(PredictionRow(row.batch, predicted, row.speedup, predicted / row.speedup - 1))
    return rows


def extrapolate(
    results: Mapping[str, Any], batch: int, *, num_layers: int, weight_bytes: float,
    bandwidth_gb_per_s: float, launch_us: float | None = None, reference_layers: int = 12,
) -> Extrapolation:
    """lab-02's predicted graph speedup for a model and card you pick, from the twin's run.

    Each input comes from where it lives: kernels per step from the code (the twin's count at
    this batch, scaled by the layer ratio), GPU time from the model and the card (every
    weight read once at the card's bandwidth: a floor), launch cost from the host (the twin's
    measured launch_us unless you give another). Both simplifications err high, so the
    prediction is an upper bound on what graphs buy.
    """
    batch = check_int(batch, "batch", 1)
    num_layers = check_int(num_layers, "num_layers", 1)
    reference_layers = check_int(reference_layers, "reference_layers", 1)
    weight_bytes = _positive_real(weight_bytes, "weight_bytes")
    bandwidth_gb_per_s = _positive_real(bandwidth_gb_per_s, "bandwidth_gb_per_s")
    constants = results.get("constants") if isinstance(results, Mapping) else None
    per_batch = results.get("per_batch") if isinstance(results, Mapping) else None
    if launch_us is None:
        if not isinstance(constants, Mapping) or "launch_us" not in constants:
            raise ValueError("results need constants['launch_us'] (the twin's JSON has it), or pass launch_us")
        launch_us = constants["launch_us"]
    launch_us = _positive_real(launch_us, "launch_us")
    if not isinstance(per_batch, Mapping):
        raise ValueError("results need a 'per_batch' table of kernel counts (the twin's JSON has one)")
    entry = per_batch.get(str(batch))
    if not isinstance(entry, Mapping) or "kernels_per_step" not in entry:
        raise ValueError(f"batch {batch} has no per_batch entry; batches measured: {sorted(per_batch, key=int)}")
    kernels = round(entry["kernels_per_step"] * num_layers / reference_layers)
    gpu_us = weight_bytes / (bandwidth_gb_per_s * 1e3)  # 1 GB/s = 1e9 B/s = 1e3 B/us
    return Extrapolation(kernels, gpu_us, predicted_step_speedup(kernels, launch_us, gpu_us))


def claims_verdict(rows: Sequence[SpeedupRow], tolerance: float = 0.02) -> Verdict:
    """Judge the three claims on the median speedups, ordered by batch.

    Differences within `tolerance` (relative) are noise, not evidence: a rise from 1.50 to
    1.52 does not refute fading at tolerance 0.02, and 0.99 is not an inversion.
    - biggest_at_smallest_batch: no speedup exceeds the smallest batch's by more than tolerance;
    - fades: no step to the next larger batch rises by more than tolerance;
    - never_inverts: every speedup is >= 1 - tolerance.
    """
    if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be a number in [0, 1), got {tolerance!r}")
    if not rows:
        raise ValueError("rows must hold at least one SpeedupRow, got none")
    ordered = sorted(rows, key=lambda r: r.batch)
    first = ordered[0].speedup
    return Verdict(
        biggest_at_smallest_batch=all(r.speedup <= first * (1 + tolerance) for r in ordered),
        fades=all(b.speedup <= a.speedup * (1 + tolerance) for a, b in zip(ordered, ordered[1:])),
        never_inverts=all(r.speedup >= 1 - tolerance for r in ordered),
    )


# --- the result file: reading it, and the summary written into it -------------------------


def load_results(path: str | Path) -> dict[str, Any]:
    """Read a benchmark JSON and check it is one of ours (schema, device, runs)."""
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not a lab-04 result file (not JSON: {err})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a lab-04 result file (want schema {SCHEMA!r})")
    for key in ("source", "device", "runs"):
        if key not in data:
            raise ValueError(f"{path}: missing {key!r}")
    return data


def summarize_runs(runs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Median and min-max of every sampled field of every run, for readers of the JSON."""
    summary = []
    for run in runs:
        entry: dict[str, Any] = {"arm": run["arm"], "batch": run["batch"]}
        for key, value in run.items():
            if isinstance(value, list) and value:
                entry[key] = spread(value)._asdict()
        summary.append(entry)
    return summary
