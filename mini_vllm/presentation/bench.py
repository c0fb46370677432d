"""A graphs-vs-eager benchmark made readable: the report and the speedup plot of
`mini-vllm bench` and of lab-04's run.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mini_vllm.bench_labs import lab04, predictions
from mini_vllm.bench_results import SpeedupRow, load_results
from mini_vllm.presentation import Shown


def arms_in(results: Mapping[str, Any]) -> list[str]:
    """Arms in the order they first appear in the runs."""
    return list(dict.fromkeys(run["arm"] for run in results["runs"]))


def format_report(results: Mapping[str, Any]) -> str:
    """The readable table: tokens/s per arm and batch, speedups over eager, the prediction.

    The numbers come from lab-04's analysis as mini_vllm.bench_labs finds it (the reference, or yours)."""
    lab = lab04()
    arms = arms_in(results)
    batches = sorted({run["batch"] for run in results["runs"]})
    others = [arm for arm in arms if arm != "eager"]
    lines = [f"{results['source']} benchmark on {results['device']}  "
             + "  ".join(f"{k} {v}" for k, v in results.get("versions", {}).items())]
    lines += _throughput_table(results, arms, batches)
    tables = {arm: lab.speedup_table(results, arm) for arm in others}
    lines += ["", *_speedup_lines(tables, batches)]
    if "graphs" in arms and "per_batch" in results:
        lines += ["", *_prediction_table(results)]
    lines += _hbm_floor_line(results, arms) + _capture_line(results.get("capture", {}))
    for arm, rows in tables.items():
        v = lab.claims_verdict(rows)
        lines.append(f"claims for {arm}: biggest at smallest batch {v.biggest_at_smallest_batch}, "
                     f"fades {v.fades}, never inverts {v.never_inverts}")
    return "\n".join(lines)


def _throughput_table(results: Mapping[str, Any], arms: list[str], batches: list[int]) -> list[str]:
    spread = lab04().spread
    tps = {(run["arm"], run["batch"]): spread(run["tokens_per_s"]) for run in results["runs"]}
    lines = ["tokens/s: median [min-max] over repeats",
             f"{'batch':>5}  " + "  ".join(f"{arm:>26}" for arm in arms)]
    for batch in batches:
        cells = [f"{s.median:>10.0f} [{s.low:.0f}-{s.high:.0f}]".rjust(26) if (s := tps.get((arm, batch)))
                 else " " * 26 for arm in arms]
        lines.append(f"{batch:>5}  " + "  ".join(cells))
    return lines


def _speedup_lines(tables: Mapping[str, list[SpeedupRow]], batches: list[int]) -> list[str]:
    by_batch = {arm: {r.batch: r for r in rows} for arm, rows in tables.items()}
    lines = ["speedup over eager: ratio of medians [worst-best]",
             f"{'batch':>5}  " + "  ".join(f"{arm:>22}" for arm in by_batch)]
    for batch in batches:
        cells = [f"{r.speedup:6.2f}x [{r.low:.2f}-{r.high:.2f}]".rjust(22) if (r := rows.get(batch))
                 else " " * 22 for rows in by_batch.values()]
        lines.append(f"{batch:>5}  " + "  ".join(cells))
    return lines


def _prediction_table(results: Mapping[str, Any]) -> list[str]:
    lines = [f"lab-02's prediction for eager + graphs vs eager (launch_us = {results['constants']['launch_us']:.2f}):"
             " additive, then overlapped",
             f"{'batch':>5} {'kernels':>8} {'gpu_us':>9} {'measured':>9} {'additive':>9} {'error':>7}"
             f" {'overlapped':>10} {'error':>7}"]
    rows = predictions(results)
    overlapped = {p.batch: p for p in rows["overlapped"]}
    for p in rows["additive"]:
        k, o = results["per_batch"][str(p.batch)], overlapped[p.batch]
        lines.append(f"{p.batch:>5} {k['kernels_per_step']:>8.0f} {k['gpu_us']:>9.1f} {p.measured:>8.2f}x "
                     f"{p.predicted:>8.2f}x {p.error:>+7.0%} {o.predicted:>9.2f}x {o.error:>+7.0%}")
    return lines


def _hbm_floor_line(results: Mapping[str, Any], arms: list[str]) -> list[str]:
    """compile+graphs at its smallest batch (the fastest step) against the weights' read time."""
    constants = results.get("constants", {})
    if "hbm_floor_us" not in constants or "compile+graphs" not in arms:
        return []
    run = min((r for r in results["runs"] if r["arm"] == "compile+graphs"), key=lambda r: r["batch"])
    step_us = run["batch"] * 1e6 / lab04().spread(run["tokens_per_s"]).median
    return [f"HBM floor: {constants['weight_bytes'] / 1e6:.0f} MB of weights at "
            f"{constants['d2d_gb_per_s']:.0f} GB/s = {constants['hbm_floor_us']:.0f} us; "
            f"compile+graphs at batch {run['batch']}: {step_us:.0f} us = "
            f"{step_us / constants['hbm_floor_us']:.1f}x the floor"]


def _capture_line(capture: Mapping[str, Any]) -> list[str]:
    if "gib" not in capture:
        return []
    passes = capture.get("passes", {})
    graphs = capture.get("graphs", sum(passes.values()))
    return [f"capture: {graphs} graphs"
            + (" (" + ", ".join(f"{name}: {n}" for name, n in passes.items()) + ")" if passes else "")
            + f" in {capture['seconds']:.2f} s, {capture['gib']:.2f} GiB"
            + (f" (a pool per graph: {capture['separate_pools_gib']:.2f} GiB)"
               if "separate_pools_gib" in capture else "")]


def plot_speedups(results: Mapping[str, Any], path: str | Path) -> Path:
    """Speedup over eager vs batch (log x), one line per arm with min-max bars, plus the
    prediction when the results carry constants, and the reported L4 numbers when they quote them.

    matplotlib's object API (a Figure, no pyplot): nothing global changes behind a notebook's back.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    for arm in arms_in(results):
        if arm == "eager":
            continue
        rows = lab04().speedup_table(results, arm)
        x = [r.batch for r in rows]
        y = [r.speedup for r in rows]
        err = [[r.speedup - r.low for r in rows], [r.high - r.speedup for r in rows]]
        ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=f"{arm} (measured: median, bars span min-max)")
    if "per_batch" in results and "graphs" in arms_in(results):
        for (name, pred), style in zip(predictions(results).items(), ("k--", "k:")):
            ax.plot([p.batch for p in pred], [p.predicted for p in pred], style, marker="x",
                    label=f"graphs, lab-02 {name} model")
    if reported := results.get("reported_l4_tokens_per_s"):
        ax.plot([int(b) for b in reported], [v["compile+graphs"] / v["eager"] for v in reported.values()],
                ":", marker="s", color="gray", label="vLLM on an L4, compile+graphs (reported, not measured here)")
    ax.axhline(1.0, color="red", lw=0.8)
    ax.set_xscale("log", base=2)
    batches = sorted({run["batch"] for run in results["runs"]})
    ax.set_xticks(batches, [str(b) for b in batches])
    ax.set_xlabel("batch size (sequences decoded together)")
    ax.set_ylabel("speedup over eager (tokens/s ratio)")
    ax.set_title(f"{results['source']}: {results['device']}", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=120)
    return out


def show_bench(from_json: str | None, batch_sizes: Sequence[int], steps: int, repeats: int,
               arms: Sequence[str], out: str | Path | None, plot: str | Path | None,
               shape: str = "opt-125m") -> Shown:
    """`mini-vllm bench`: measure the twin on a GPU (or read a saved run), then report it."""
    written: list[str | Path] = []
    if from_json:
        results = load_results(from_json)
    else:
        from mini_vllm.gpu.bench import BenchConfig, run_benchmark  # torch is imported here only

        config = BenchConfig(tuple(batch_sizes), steps, repeats, tuple(arms), shape=shape)
        results = run_benchmark(config, log=lambda line: print(line, file=sys.stderr))
        if out:
            Path(out).write_text(json.dumps(results, indent=1) + "\n")
            written.append(out)
    if plot:
        written.append(plot_speedups(results, plot))
    return Shown("\n".join([format_report(results), *(f"wrote {path}" for path in written)]), results)
