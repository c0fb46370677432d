"""The committed GPU runs of issue 13/14: both GPUs' predictions, the cross-check, the timeline, piecewise.

Not graded: these check that what we ship is self-consistent. Every `prediction` row in a twin
JSON is recomputed here from that JSON's own constants with lab-02's two formulas written out,
the timeline shows what the README says it shows, the piecewise graphs' launch counts add up,
and run.py writes outside the committed results unless told otherwise.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from statistics import median

import pytest

LABS = Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs"
RESULTS = LABS / "lab-04-graph-vs-eager-real" / "results"
TWINS = {"H100": RESULTS / "twin.json", "H200": RESULTS / "h200" / "twin.json"}


def formulas(n: int, launch: float, gpu: float) -> dict[str, float]:
    return {"additive": (n * launch + gpu) / (launch + gpu), "overlapped": max(n * launch, gpu) / (launch + gpu)}


@pytest.mark.parametrize("gpu", sorted(TWINS))
def test_twin_json_holds_both_models_recomputable_from_its_constants(gpu):
    twin = json.loads(TWINS[gpu].read_text())
    assert gpu in twin["device"], f"{TWINS[gpu]} was written on {twin['device']}"
    rows = {(p["model"], p["batch"]): p for p in twin["prediction"]}
    tps = {(r["arm"], r["batch"]): median(r["tokens_per_s"]) for r in twin["runs"]}
    launch = twin["constants"]["launch_us"]
    for key, entry in twin["per_batch"].items():
        batch = int(key)
        measured = tps["graphs", batch] / tps["eager", batch]
        for model, want in formulas(entry["kernels_per_step"], launch, entry["gpu_us"]).items():
            got = rows[model, batch]
            assert (got["predicted"], got["measured"], got["error"]) == pytest.approx(
                (want, measured, want / measured - 1)), f"{gpu} {model} batch {batch}: {got}"


def test_the_h200_latency_cross_check_holds_both_arms_at_every_batch():
    check = json.loads((RESULTS / "h200" / "latency.json").read_text())
    assert check["source"] == "vllm.benchmarks.latency"
    for batch, ratio in check["speedup"].items():
        eager, default = (median(check["latencies_s"][arm][batch]) for arm in ("eager", "compile+graphs"))
        assert ratio == pytest.approx(eager / default) and ratio > 1, f"batch {batch}: {ratio}"


def test_the_timeline_shows_168_launches_against_one_graph_launch():
    from mini_vllm.gpu.timeline import step_rows  # no torch: the module imports it only to record

    trace = json.loads((RESULTS / "h200" / "timeline.json").read_text())
    eager_cpu, eager_gpu = step_rows(trace, "eager step")
    graph_cpu, graph_gpu = step_rows(trace, "graph step")
    assert len(eager_cpu) == len(eager_gpu) == 168, (len(eager_cpu), len(eager_gpu))
    assert sorted(name for *_, name in graph_cpu) == ["cudaGraphLaunch", "cudaMemcpyAsync", "cudaMemcpyAsync"]
    assert len(graph_gpu) == 170, "the graph's 168 kernels and the two input copies"
    assert (RESULTS / "h200" / "timeline.json").stat().st_size < 200_000, "the committed trace stays small"


def test_piecewise_launches_add_up_to_graphs_islands_and_copies():
    runs = json.loads((LABS / "lab-06-piecewise-compile" / "results" / "piecewise.json").read_text())["runs"]
    for entry in runs:
        piecewise = entry["launches"]["piecewise"]
        island = len(entry["attention_op_kernels"])
        assert piecewise["GraphLaunch"] == entry["pieces"] == entry["lab01_prediction"]["piecewise"] - entry["attention_ops"]
        assert piecewise["LaunchKernel"] == entry["attention_ops"] * island, (entry["compiler"], entry["tokens"])
        assert entry["launches"]["full"]["GraphLaunch"] == 1
        assert max(entry["max_abs_error"].values()) < 1e-2, "graphs must compute the eager step"


def load_run_py():
    spec = importlib.util.spec_from_file_location("lab04_run", LABS / "lab-04-graph-vs-eager-real" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_run_py_writes_outside_the_committed_results_by_default():
    run = load_run_py()
    out = run.parse_args([]).out.resolve()
    assert RESULTS.resolve() not in (out, *out.parents), f"default --out {out} is inside {RESULTS}"
    assert run.parse_args(["--tensor-parallel-size", "2"]).tensor_parallel_size == 2
    with pytest.raises(SystemExit):
        run.parse_args(["--tensor-parallel-size", "0"])


def test_run_py_reads_each_ranks_capture_line():
    run = load_run_py()
    lines = ["(Worker_TP1 pid=7) INFO [gpu_model_runner.py:6456] Graph capturing finished in 3 secs, took 0.25 GiB",
             "(Worker_TP0 pid=6) INFO [gpu_model_runner.py:6456] Graph capturing finished in 4 secs, took 0.21 GiB"]
    facts = run.capture_facts(lines)
    assert facts["ranks"] == {"0": {"seconds": 4, "gib": 0.21}, "1": {"seconds": 3, "gib": 0.25}}
    assert (facts["seconds"], facts["gib"]) == (4, 0.21), "rank 0 at the top level, as on one GPU"
