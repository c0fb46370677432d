"""Issue 27's check: lab-04's predictor against the twin measured on shapes it was not fitted on.

Reads run folders laid out as `<card>/<shape>/run<N>/twin.json` (what `reproduce.sh shapes`
writes under results/) and compares the graph speed-up measured in every run (median over runs,
with their min and max) with two predictions, neither fitted to a target:
- `predicted`: from the committed OPT-125m twin run of that card alone
  (mini_vllm.presentation.predict.CARD_RUNS), made on another day: the numbers the README
  registered before these runs were made;
- `same_session`: from the OPT-125m run made minutes before the target's run N on the same
  machine (`<card>/opt-125m/run<N>`, which `reproduce.sh shapes opt-125m opt-350m opt-1.3b`
  runs first), one prediction per run, then their median.
Each row also splits the miss between the two arms, from the runs' own timings (the model fed
the same-session twins where there are some): the eager step the model predicts (max of kernels x launch cost and GPU time) against the measured one, and the
graph step (one launch plus the GPU time) against the measured one; and the kernels per step
the model scales against the count the profiler saw. §7's floor-based `extrapolate` is computed
beside it, the naive first step. Prints a Markdown table and writes the JSON with the runs.
Usage: python tools/predict_check.py RESULTS_DIR [--out check.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from statistics import median

from mini_vllm.bench_analysis import extrapolate, speedup_table
from mini_vllm.bench_results import Prediction, load_results
from mini_vllm.model_shapes import SHAPE_CONFIGS, load_shape, weight_bytes
from mini_vllm.presentation.predict import CARD_RUNS
from mini_vllm.speedup_predictor import predict_speedup

SCHEMA = "mini-vllm/lab04-predict-check/1"
ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 0.15  # issue 27: within ±15% at batch 1, 8 and 64, or the README says why not


def _shown(path: Path) -> str:
    """A run's path as committed (relative to the repository) when it lies inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check_rows(results_dir: Path) -> list[dict]:
    """One row per (card, shape, batch) that the runs under results_dir measured."""
    rows = []
    for card in sorted(CARD_RUNS):
        twin = load_results(CARD_RUNS[card])
        for name in SHAPE_CONFIGS:
            paths = sorted((results_dir / card / name).glob("run*/twin.json"))
            if paths:
                rows += _shape_rows(results_dir / card, twin, name, paths)
    return rows


def _shape_rows(card_dir: Path, twin: dict, name: str, paths: list[Path]) -> list[dict]:
    shape = load_shape(name)
    runs = [load_results(path) for path in paths]
    sessions = [_session_twin(card_dir, path) for path in paths]
    rows = []
    for batch in sorted({row.batch for row in speedup_table(runs[0], "graphs")}):
        measured = [_at(speedup_table(run, "graphs"), batch) for run in runs]
        steps = [_steps_us(run, batch) for run in runs]
        prediction = predict_speedup(twin, shape, batch, bandwidth_gb_per_s=_bandwidth(twin))
        same = ([(predict_speedup(t, shape, batch, bandwidth_gb_per_s=_bandwidth(t)), t) for t in sessions]
                if all(sessions) else [])
        model = same or [(prediction, twin)]  # what the step columns stand on
        floor = extrapolate(twin, batch, num_layers=shape.num_layers, weight_bytes=weight_bytes(shape),
                            bandwidth_gb_per_s=_bandwidth(twin))
        middle = median(measured)
        rows.append({
            "card": card_dir.name, "shape": name, "batch": batch, "runs": [_shown(p) for p in paths],
            "measured": {"median": middle, "low": min(measured), "high": max(measured), "each": measured},
            "predicted": prediction.predicted, "error": prediction.predicted / middle - 1,
            "same_session": _same_session([p for p, _ in same], measured, paths) if same else None,
            "kernels_per_step": {"predicted": prediction.kernels_per_step,
                                 "profiled": median(run["per_batch"][str(batch)]["kernels_per_step"] for run in runs)},
            "gpu_us": {"predicted": prediction.gpu_us,
                       "measured": median(run["per_batch"][str(batch)]["gpu_us"] for run in runs)},
            "eager_step_us": {"predicted": median(_eager_us(p, t) for p, t in model),
                              "measured": median(eager for eager, _ in steps)},
            "graph_step_us": {"predicted": median(_graph_us(p, t) for p, t in model),
                              "measured": median(graph for _, graph in steps)},
            "floor_predicted": floor.predicted, "floor_error": floor.predicted / middle - 1,
        })
    return rows


def _session_twin(card_dir: Path, run: Path) -> dict | None:
    """The OPT-125m run made just before `run` (same run number) on the same machine, if any."""
    path = card_dir / "opt-125m" / run.parent.name / "twin.json"
    return load_results(path) if path.is_file() else None


def _same_session(same: list[Prediction], measured: list[float], paths: list[Path]) -> dict:
    each = [p.predicted for p in same]
    return {"twins": [_shown(p.parents[2] / "opt-125m" / p.parent.name / "twin.json") for p in paths],
            "each": each, "median": median(each), "error": median(each) / median(measured) - 1,
            "each_error": [p / m - 1 for p, m in zip(each, measured)]}


def _eager_us(prediction: Prediction, twin: dict) -> float:
    """The eager step the overlap-aware model stands on: the longer of the CPU's issue and the GPU's work."""
    return max(prediction.kernels_per_step * twin["constants"]["launch_us"], prediction.gpu_us)


def _graph_us(prediction: Prediction, twin: dict) -> float:
    """The graph step it stands on: one launch, then the replayed GPU work."""
    return twin["constants"]["launch_us"] + prediction.gpu_us


def _bandwidth(run: dict) -> float:
    return run["constants"]["d2d_gb_per_s"]


def _at(rows: list, batch: int) -> float:
    return next(row.speedup for row in rows if row.batch == batch)


def _steps_us(run: dict, batch: int) -> tuple[float, float]:
    """The measured eager and graph step times at `batch`, in µs (medians over the run's repeats)."""
    step = {(s["arm"], s["batch"]): s["step_ms"]["median"] * 1e3 for s in run["summary"]}
    return step[("eager", batch)], step[("graphs", batch)]


def table(rows: list[dict]) -> str:
    lines = ["| card | shape | batch | measured [min–max] | predicted (committed twin) | error "
             "| same-session twin | error | eager step µs pred / meas | graph step µs pred / meas "
             "| kernels pred / profiled | §7 floor |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        m, s = r["measured"], r["same_session"]
        same = f"{s['median']:.2f}× | {s['error']:+.1%}{_flag(s['error'])}" if s else "– | –"
        lines.append(f"| {r['card']} | {r['shape']} | {r['batch']} | {m['median']:.2f}× "
                     f"[{m['low']:.2f}–{m['high']:.2f}] | {r['predicted']:.2f}× | {r['error']:+.1%}{_flag(r['error'])} "
                     f"| {same} | {r['eager_step_us']['predicted']:.0f} / {r['eager_step_us']['measured']:.0f} "
                     f"| {r['graph_step_us']['predicted']:.0f} / {r['graph_step_us']['measured']:.0f} "
                     f"| {r['kernels_per_step']['predicted']} / {r['kernels_per_step']['profiled']:.0f} "
                     f"| {r['floor_predicted']:.1f}× |")
    return "\n".join(lines)


def _flag(error: float) -> str:
    return " ⚠" if abs(error) > TOLERANCE else ""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results_dir", type=Path, help="the folder holding <card>/<shape>/run<N>/twin.json")
    parser.add_argument("--out", type=Path, help="write the check JSON here")
    args = parser.parse_args(argv)
    try:
        rows = check_rows(args.results_dir.resolve())
    except (ValueError, TypeError) as error:
        print(f"predict_check: {error}", file=sys.stderr)
        return 2
    if not rows:
        print(f"predict_check: no <card>/<shape>/run<N>/twin.json under {args.results_dir}", file=sys.stderr)
        return 2
    print(table(rows))
    if args.out:
        args.out.write_text(json.dumps({"schema": SCHEMA, "tolerance": TOLERANCE, "rows": rows}, indent=1) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
