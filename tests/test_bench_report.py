"""`mini-vllm bench --from` reports any run load_results accepts, not only a full grid of arms x batches."""

from __future__ import annotations

import json
from pathlib import Path

from mini_vllm.cli import main

TWIN = (Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs"
        / "lab-04-graph-vs-eager-real" / "results" / "twin.json")


def test_hbm_floor_line_uses_compile_graphs_smallest_measured_batch(tmp_path, capsys):
    results = json.loads(TWIN.read_text())
    smallest = min(run["batch"] for run in results["runs"])
    results["runs"] = [run for run in results["runs"]
                       if not (run["arm"] == "compile+graphs" and run["batch"] == smallest)]
    own = min(run["batch"] for run in results["runs"] if run["arm"] == "compile+graphs")
    saved = tmp_path / "partial.json"
    saved.write_text(json.dumps(results))
    assert main(["bench", "--from", str(saved)]) == 0
    assert f"compile+graphs at batch {own}:" in capsys.readouterr().out
