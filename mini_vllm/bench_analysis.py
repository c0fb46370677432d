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
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

from mini_vllm.checks import (
    check_int,
    check_non_negative,
    check_positive,
    check_real,
    check_sequence,
)
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


# --- checks: the benchmark JSON is a boundary too, so errors name the key it came from -------


def _positive_samples(samples: object, name: str) -> list[float]:
    values = check_sequence(samples, name, "finite numbers > 0")
    return [_positive_real(x, f"{name}[{i}]") for i, x in enumerate(values)]


def _positive_real(value: object, name: str) -> float:
    return float(check_positive(value, name))


def _check_runs(results: object, where: str = "") -> list[tuple[str, int, list[float]]]:
    """(arm, batch, tokens_per_s samples) of every run; `where` prefixes errors (a file name)."""
    if not isinstance(results, Mapping):
        raise TypeError(f"{where}results must be a mapping with a 'runs' list (the benchmark JSON), "
                        f"got {type(results).__name__}")
    runs = results.get("runs")
    if isinstance(runs, (str, bytes)) or not isinstance(runs, Sequence):
        raise TypeError(f"{where}runs must be a list of runs, got {type(runs).__name__}")
    checked = []
    for i, run in enumerate(runs):
        key = f"{where}runs[{i}]"
        if not isinstance(run, Mapping):
            raise TypeError(f"{key} must be an object with 'arm', 'batch' and 'tokens_per_s', "
                            f"got {type(run).__name__}")
        if not isinstance(run.get("arm"), str):
            raise TypeError(f"{key}['arm'] must be a string, got {run.get('arm')!r}")
        checked.append((run["arm"], check_int(run.get("batch"), f"{key}['batch']"),
                        _positive_samples(run.get("tokens_per_s"), f"{key}['tokens_per_s']")))
    return checked


def _runs_by_arm(results: Mapping[str, Any], arm: str) -> dict[int, list[float]]:
    """{batch: tokens_per_s samples} for one arm; refuses duplicates and unknown arms."""
    runs = _check_runs(results)
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


def _prediction_inputs(results: object, batches: Sequence[int], where: str = "") -> tuple[float, dict[int, tuple[int, float]]]:
    """launch_us and {batch: (kernels_per_step, gpu_us)}, each refused by its JSON key."""
    constants = results.get("constants") if isinstance(results, Mapping) else None
    per_batch = results.get("per_batch") if isinstance(results, Mapping) else None
    if not isinstance(constants, Mapping) or "launch_us" not in constants or not isinstance(per_batch, Mapping):
        raise ValueError(f"{where}results need 'constants' with 'launch_us' and a 'per_batch' table to "
                         "predict (the twin's JSON has them; the vLLM A/B measures no constants)")
    launch_us = _positive_real(constants["launch_us"], f"{where}constants['launch_us']")
    inputs = {}
    for batch in batches:
        key = f"{where}per_batch[{str(batch)!r}]"
        entry = per_batch.get(str(batch))
        if not isinstance(entry, Mapping):
            raise ValueError(f"{key} is missing: each batch needs 'kernels_per_step' and 'gpu_us'")
        kernels = check_int(entry.get("kernels_per_step"), f"{key}['kernels_per_step']")
        gpu_us = check_non_negative(entry.get("gpu_us"), f"{key}['gpu_us']")
        inputs[batch] = (kernels, gpu_us)
    return launch_us, inputs


# --- the lab API ----------------------------------------------------------------------------


def spread(samples: Sequence[float]) -> Spread:
    """Median (the middle two averaged for an even count), min and max of the repeats.

    The median, not the mean: one repeat disturbed by a background process should not move
    the headline number. The min-max range is the honest error bar for 5 repeats.
    """
    values = sorted(_positive_samples(samples, "samples"))
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
    table = speedup_table(results, arm, baseline)
    launch_us, inputs = _prediction_inputs(results, [row.batch for row in table])
    rows = []
    for row in table:
        kernels, gpu_us = inputs[row.batch]
        predicted = model(kernels, launch_us, gpu_us)
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


# --- the result file: reading it, and the summary written into it -------------------------


def load_results(path: str | Path) -> dict[str, Any]:
    """Read a benchmark JSON and check every field the report reads: a file is a boundary, so
    each error is one line naming the file and the key (a missing file is a ValueError too)."""
    where = f"{path}: "
    try:
        data = json.loads(Path(path).read_text())
    except OSError as error:
        raise ValueError(f"{where}cannot read the result file ({error.strerror or error})") from None
    except ValueError as error:  # JSONDecodeError, or bytes that are not UTF-8
        raise ValueError(f"{where}not a JSON file ({str(error).splitlines()[0]})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"{where}not a lab-04 result file: 'schema' must be {SCHEMA!r}")
    for key in ("source", "device"):
        if not isinstance(data.get(key), str):
            raise TypeError(f"{where}{key!r} must be a string, got {data.get(key)!r}")
    runs = _check_runs(data, where)
    if not runs:
        raise ValueError(f"{where}'runs' must hold at least one run, got []")
    sections = {"versions": (), "constants": ("hbm_floor_us", "weight_bytes", "d2d_gb_per_s"),
                "capture": ("gib", "seconds", "separate_pools_gib", "graphs"), "reported_l4_tokens_per_s": ()}
    for section, numbers in sections.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise TypeError(f"{where}{section!r} must be an object, got {type(table).__name__}")
        for key in numbers:
            if key in table:
                check_non_negative(table[key], f"{where}{section}[{key!r}]")
    # The report reads these keys together (and divides by the HBM floor): all or none.
    for section, together in (("constants", sections["constants"]), ("capture", ("gib", "seconds"))):
        if (given := [key for key in together if key in data.get(section, {})]) and given != list(together):
            raise ValueError(f"{where}{section!r} must hold all of {list(together)} or none, got only {given}")
    if data.get("constants", {}).get("hbm_floor_us") == 0:
        raise ValueError(f"{where}constants['hbm_floor_us'] must be > 0 (a time to divide by), got 0")
    passes = data.get("capture", {}).get("passes", {})
    if not isinstance(passes, dict):
        raise TypeError(f"{where}capture['passes'] must be an object, got {type(passes).__name__}")
    for name, graphs in passes.items():
        check_int(graphs, f"{where}capture['passes'][{name!r}]", 0)
    if "per_batch" in data:
        _prediction_inputs(data, sorted({batch for _, batch, _ in runs}), where)
    for batch, arms in data.get("reported_l4_tokens_per_s", {}).items():
        if not (batch.isascii() and batch.isdigit() and int(batch) >= 1):
            raise ValueError(f"{where}reported_l4_tokens_per_s's keys must be batch sizes such as '8', got {batch!r}")
        for arm in ("eager", "compile+graphs"):
            _positive_samples([arms.get(arm) if isinstance(arms, dict) else None],
                              f"{where}reported_l4_tokens_per_s[{batch!r}][{arm!r}]")
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
