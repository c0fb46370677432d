"""lab-04's result file: its schema, the row types of its analysis, and the checked reader.

What lab-04 gives rather than asks: the JSON that run.py and `mini-vllm bench` write (`runs` is
a list of `{"arm", "batch", "tokens_per_s": [one number per repeat], ...}`), the named tuples its
analysis returns (their field order is README §5's), and `load_results`, which refuses a broken
file key by key. The analysis itself (lab-04 §5, §7) is the student's: mini_vllm/bench_analysis.py
and mini_vllm/speedup_predictor.py hold the reference, and nothing here imports them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from mini_vllm.checks import check_int, check_non_negative, check_positive, check_sequence

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


class Prediction(NamedTuple):
    """The predicted graph speed-up of one target at one batch, and the two numbers behind it."""

    kernels_per_step: int
    gpu_us: float
    predicted: float


# --- checks: the benchmark JSON is a boundary too, so errors name the key it came from -------


def positive_samples(samples: object, name: str) -> list[float]:
    values = check_sequence(samples, name, "finite numbers > 0")
    return [positive_real(x, f"{name}[{i}]") for i, x in enumerate(values)]


def positive_real(value: object, name: str) -> float:
    return float(check_positive(value, name))


def check_runs(results: object, where: str = "") -> list[tuple[str, int, list[float]]]:
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
                        positive_samples(run.get("tokens_per_s"), f"{key}['tokens_per_s']")))
    return checked


def prediction_inputs(results: object, batches: Sequence[int], where: str = "") -> tuple[float, dict[int, tuple[int, float]]]:
    """launch_us and {batch: (kernels_per_step, gpu_us)}, each refused by its JSON key."""
    constants = results.get("constants") if isinstance(results, Mapping) else None
    per_batch = results.get("per_batch") if isinstance(results, Mapping) else None
    if not isinstance(constants, Mapping) or "launch_us" not in constants or not isinstance(per_batch, Mapping):
        raise ValueError(f"{where}results need 'constants' with 'launch_us' and a 'per_batch' table to "
                         "predict (the twin's JSON has them; the vLLM A/B measures no constants)")
    launch_us = positive_real(constants["launch_us"], f"{where}constants['launch_us']")
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
    runs = check_runs(data, where)
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
        prediction_inputs(data, sorted({batch for _, batch, _ in runs}), where)
    for batch, arms in data.get("reported_l4_tokens_per_s", {}).items():
        if not (batch.isascii() and batch.isdigit() and int(batch) >= 1):
            raise ValueError(f"{where}reported_l4_tokens_per_s's keys must be batch sizes such as '8', got {batch!r}")
        for arm in ("eager", "compile+graphs"):
            positive_samples([arms.get(arm) if isinstance(arms, dict) else None],
                              f"{where}reported_l4_tokens_per_s[{batch!r}][{arm!r}]")
    return data


def summarize_runs(runs: Sequence[Mapping[str, Any]], spread: Callable[[Sequence[float]], Spread]) -> list[dict[str, Any]]:
    """Median and min-max of every sampled field of every run, for readers of the JSON, by `spread`
    (lab-04 §5.1's function: the benchmark takes it from mini_vllm.bench_labs)."""
    summary = []
    for run in runs:
        entry: dict[str, Any] = {"arm": run["arm"], "batch": run["batch"]}
        for key, value in run.items():
            if isinstance(value, list) and value:
                entry[key] = spread(value)._asdict()
        summary.append(entry)
    return summary
