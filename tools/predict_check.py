"""Issue 27's check: lab-04's predictor against the twin measured on shapes it was not fitted on.

Reads run folders laid out as `<card>/<shape>/run<N>/twin.json` (what `reproduce.sh shapes`
writes under results/), predicts each (card, shape, batch) from the committed OPT-125m twin run
of that card alone (mini_vllm.presentation.predict.CARD_RUNS), and compares with the graph
speed-up measured in every run: median over runs, with their min and max. §7's floor-based
`extrapolate` is computed beside it, the naive first step. Prints a Markdown table and writes
the JSON with the runs it came from.
Usage: python tools/predict_check.py RESULTS_DIR [--out check.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from statistics import median

from mini_vllm.bench_analysis import extrapolate, speedup_table
from mini_vllm.bench_results import load_results
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
        bandwidth = twin["constants"]["d2d_gb_per_s"]
        for name in SHAPE_CONFIGS:
            paths = sorted((results_dir / card / name).glob("run*/twin.json"))
            if not paths:
                continue
            shape = load_shape(name)
            runs = [load_results(path) for path in paths]
            measured: dict[int, list[float]] = {}
            gpu_us: dict[int, list[float]] = {}
            for run in runs:
                for row in speedup_table(run, "graphs"):
                    measured.setdefault(row.batch, []).append(row.speedup)
                    gpu_us.setdefault(row.batch, []).append(run["per_batch"][str(row.batch)]["gpu_us"])
            for batch, speedups in sorted(measured.items()):
                prediction = predict_speedup(twin, shape, batch, bandwidth_gb_per_s=bandwidth)
                floor = extrapolate(twin, batch, num_layers=shape.num_layers, weight_bytes=weight_bytes(shape),
                                    bandwidth_gb_per_s=bandwidth)
                middle = median(speedups)
                rows.append({
                    "card": card, "shape": name, "batch": batch, "runs": [_shown(p) for p in paths],
                    "measured": {"median": middle, "low": min(speedups), "high": max(speedups), "each": speedups},
                    "predicted": prediction.predicted, "error": prediction.predicted / middle - 1,
                    "kernels_per_step": prediction.kernels_per_step, "gpu_us_predicted": prediction.gpu_us,
                    "gpu_us_measured": median(gpu_us[batch]), "floor_predicted": floor.predicted,
                    "floor_error": floor.predicted / middle - 1,
                })
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| card | shape | batch | runs | measured [min–max] | predicted | error | GPU µs predicted / measured "
             "| §7 floor | its error |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        m = r["measured"]
        flag = " ⚠" if abs(r["error"]) > TOLERANCE else ""
        lines.append(f"| {r['card']} | {r['shape']} | {r['batch']} | {len(r['runs'])} | {m['median']:.2f}× "
                     f"[{m['low']:.2f}–{m['high']:.2f}] | {r['predicted']:.2f}× | {r['error']:+.1%}{flag} "
                     f"| {r['gpu_us_predicted']:.0f} / {r['gpu_us_measured']:.0f} | {r['floor_predicted']:.2f}× "
                     f"| {r['floor_error']:+.0%} |")
    return "\n".join(lines)


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
