"""The README's closed-loop tables, computed from the committed logs (nothing typed by hand).

Padded tokens come from vLLM's own tables (`mini-vllm tune`'s reading of them); pass times from
the `lab07-traffic` and `lab07-ab` lines record.py and ab.py printed. Medians and [min-max].
Usage: python tools/lab07_closed_loop.py
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from mini_vllm.deployment.evidence import read_evidence
from mini_vllm.deployment.graph_stats import graph_traffic, traffic_padding
from mini_vllm.deployment.tune import tune

HERE = Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile/labs/lab-07-read-a-deployment/logs"


def _json_line(name: str, tag: str) -> dict:
    with open(HERE / name, encoding="utf-8", newline="") as f:
        line = next(x for x in f if x.startswith(tag + " "))
    return json.loads(line.split(" ", 1)[1])


def _spread(values: list[float], unit: str, digits: int = 2) -> str:
    return f"{statistics.median(values):.{digits}f} {unit} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


def main() -> None:
    with open(HERE / "metrics-wide.log", encoding="utf-8", newline="") as f:
        evidence = read_evidence(f)
    rec = tune(evidence)
    print(f"tune on metrics-wide.log: {rec.padded_today} padded today -> {rec.padded_recommended} predicted")
    print(f"recommended: {rec.recommended}")
    for name in ("metrics-wide.log", "metrics-wide-tuned.log"):
        with open(HERE / name, encoding="utf-8", newline="") as f:
            measured = tune(read_evidence(f)).padded_today
        passes = _json_line(name, "lab07-traffic")["passes"]
        print(f"{name}: {measured} padded tokens (vLLM), steps {[p['steps'] for p in passes]}, "
              f"pass {_spread([p['seconds'] for p in passes], 's')}")
    ab = _json_line("ab-wide.log", "lab07-ab")
    for arm, ladder in ab["arms"].items():
        if ladder:
            print(f"ab {arm}: predicted padding {traffic_padding(graph_traffic(evidence.rows), ladder)} tokens")
    for arm, runs in ab["results"].items():
        print(f"ab {arm}: pass {_spread([r['seconds'] for r in runs], 's')}, "
              f"median step {statistics.median(r['median_step_ms'] for r in runs):.2f} ms")


if __name__ == "__main__":
    main()
