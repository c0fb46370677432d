"""Reading a graphs-vs-eager benchmark like an engineer: ratios with spread, a prediction, a verdict.

The reference of lab-04's analysis (§5, §7.1), over a result set (mini_vllm/bench_results.py holds
its schema, its row types and its reader). From its raw samples:
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

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from mini_vllm.bench_results import (
    Extrapolation,
    PredictionRow,
    SpeedupRow,
    Spread,
    Verdict,
    check_runs,
    positive_real,
    positive_samples,
    prediction_inputs,
)
from mini_vllm.checks import check_int, check_real
from mini_vllm.launch_cost import predicted_step_speedup


def _runs_by_arm(results: Mapping[str, Any], arm: str) -> dict[int, list[float]]:
    """{batch: tokens_per_s samples} for one arm; refuses duplicates and unknown arms."""
    runs = check_runs(results)
    arms = sorted({run_arm for run_arm, _, _ in runs})
    if arm not in arms:
        raise ValueError(f"arm {arm!r} is not in the results; arms present: {arms}")
    by_batch: dict[int, list[float]] = {}
    for run_arm, batch, samples in runs:
        if run_arm != arm:
            continue
        if batch in by_batch:
            raise ValueError(f"arm {arm!r} has two runs at batch {batch}; merge their samples")
        by_batch[batch] = samples
    return by_batch



# --- the lab API ----------------------------------------------------------------------------


def spread(samples: Sequence[float]) -> Spread:
    """Median (the middle two averaged for an even count), min and max of the repeats.

    The median, not the mean: one repeat disturbed by a background process should not move
    the headline number. The min-max range is the honest error bar for 5 repeats.
    """
    values = sorted(positive_samples(samples, "samples"))
    mid = len(values) // 2  # the middle two are averaged exactly: (1e308 + 1e308) / 2 is 1e308
    middle = values[mid] if len(values) % 2 else float((Fraction(values[mid - 1]) + Fraction(values[mid])) / 2)
    return Spread(middle, values[0], values[-1])


def speedup_table(results: Mapping[str, Any], arm: str, baseline: str = "eager") -> list[SpeedupRow]:
    """Per batch present in both arms, sorted by batch: arm / baseline throughput.

    speedup = median(arm tokens/s) / median(baseline tokens/s), a ratio of medians (not a
    median of per-repeat ratios: the repeats of two arms are not paired). The spread is
    carried through as the worst and the best case the repeats allow: if even the worst
    case is above 1, the win is not noise.
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
    table = speedup_table(results, arm, baseline)
    launch_us, inputs = prediction_inputs(results, [row.batch for row in table])
    rows = []
    for row in table:
        kernels, gpu_us = inputs[row.batch]
        predicted = predicted_step_speedup(kernels, launch_us, gpu_us)
        rows.append(PredictionRow(row.batch, predicted, row.speedup, predicted / row.speedup - 1))
    return rows


def extrapolate(
    results: Mapping[str, Any], batch: int, *, num_layers: int, weight_bytes: float,
    bandwidth_gb_per_s: float, launch_us: float | None = None, reference_layers: int = 12,
) -> Extrapolation:
    """lab-02's predicted graph speedup for a model and card you pick, from the twin's run.

    The naive first step of README §7: each input comes from where it lives (kernels per step
    from the code, GPU time from the model and the card, launch cost from the host), each in
    its simplest form. README §7.1 states the contract; §7.2 improves on it.
    """
    batch = check_int(batch, "batch")
    num_layers = check_int(num_layers, "num_layers")
    reference_layers = check_int(reference_layers, "reference_layers")
    weight_bytes = positive_real(weight_bytes, "weight_bytes")
    bandwidth_gb_per_s = positive_real(bandwidth_gb_per_s, "bandwidth_gb_per_s")
    constants = results.get("constants") if isinstance(results, Mapping) else None
    per_batch = results.get("per_batch") if isinstance(results, Mapping) else None
    if launch_us is None:
        if not isinstance(constants, Mapping) or "launch_us" not in constants:
            raise ValueError("results need constants['launch_us'] (the twin's JSON has it), or pass launch_us")
        launch_us = constants["launch_us"]
    launch_us = positive_real(launch_us, "launch_us")
    if not isinstance(per_batch, Mapping):
        raise ValueError("results need a 'per_batch' table of kernel counts (the twin's JSON has one)")
    entry = per_batch.get(str(batch))
    if not isinstance(entry, Mapping) or "kernels_per_step" not in entry:
        raise ValueError(f"batch {batch} has no per_batch entry; batches measured: {sorted(per_batch, key=int)}")
    kernels_per_step = check_int(entry["kernels_per_step"], f"per_batch[{str(batch)!r}]['kernels_per_step']")
    kernels = round(kernels_per_step * num_layers / reference_layers)
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
    tolerance = check_real(tolerance, "tolerance", "a number in [0, 1)")
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be a number in [0, 1), got {tolerance}")
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise TypeError(f"rows must be an iterable of SpeedupRow (speedup_table's rows), got {type(rows).__name__}")
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one SpeedupRow, got none")
    for i, row in enumerate(rows):
        if not isinstance(row, SpeedupRow):
            raise TypeError(f"rows[{i}] must be a SpeedupRow (speedup_table's rows), got {type(row).__name__}")
    ordered = sorted(rows, key=lambda r: r.batch)
    first = ordered[0].speedup
    return Verdict(
        biggest_at_smallest_batch=all(r.speedup <= first * (1 + tolerance) for r in ordered),
        fades=all(b.speedup <= a.speedup * (1 + tolerance) for a, b in zip(ordered, ordered[1:])),
        never_inverts=all(r.speedup >= 1 - tolerance for r in ordered),
    )


