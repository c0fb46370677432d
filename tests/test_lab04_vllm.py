"""Lab-04's run.py on real vLLM 0.22.1: a tiny A/B end to end (GPU and vllm only, else skipped).

Two engines start (enforce_eager=True, then the default), each generates a few tokens at two
batch sizes, and the JSON must hold what the lab reads: every arm at every batch, the capture
passes parsed from the log, and the graph win at batch 1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs" / "lab-04-graph-vs-eager-real" / "run.py"

pytestmark = [pytest.mark.gpu, pytest.mark.vllm]


@pytest.fixture(scope="module")
def tiny_ab(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("ab")
    proc = subprocess.run(
        [sys.executable, str(RUN), "--offline", "--batch-sizes", "1", "8", "--tokens", "32", "--repeats", "2",
         "--out", str(out)], capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, f"run.py failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return json.loads((out / "vllm.json").read_text())


def test_every_arm_ran_every_batch(tiny_ab):
    got = sorted((r["arm"], r["batch"], len(r["tokens_per_s"])) for r in tiny_ab["runs"])
    want = sorted((arm, b, 2) for arm in ("eager", "compile+graphs") for b in (1, 8))
    assert got == want, f"want (arm, batch, repeats) {want}, got {got}"


def test_the_default_arm_logged_both_capture_passes(tiny_ab):
    passes = tiny_ab["capture"]["passes"]
    assert set(passes) == {"mixed prefill-decode, PIECEWISE", "decode, FULL"}, (
        f"FULL_AND_PIECEWISE captures a mixed PIECEWISE pass and a decode FULL pass; parsed {passes}"
    )
    assert "seconds" in tiny_ab["capture"] and "gib" in tiny_ab["capture"], tiny_ab["capture"]
    assert not any("Capturing CUDA graphs" in line for line in tiny_ab["log"]["eager"]), (
        "enforce_eager=True must capture nothing"
    )


def test_graphs_win_at_batch_1(tiny_ab):
    tps = {(r["arm"], r["batch"]): max(r["tokens_per_s"]) for r in tiny_ab["runs"]}
    ratio = tps["compile+graphs", 1] / tps["eager", 1]
    assert ratio > 1.0, f"the default (compile + graphs) should beat enforce_eager at batch 1; ratio {ratio:.2f}"
