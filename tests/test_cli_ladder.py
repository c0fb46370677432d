"""`mini-vllm ladder` answers "why is my batch of 33 running at 40?"; `ladder-chart` draws lab-05's PNG."""

from __future__ import annotations

from pathlib import Path

import pytest

from mini_vllm.cli import main
from mini_vllm.presentation.ladder import describe_ladder

LAB = (Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs"
       / "lab-05-capture-sizes")


def test_batch_33_is_explained(capsys):
    assert main(["ladder", "--max", "512", "--batch", "33"]) == 0
    out = capsys.readouterr().out
    assert "default_capture_sizes(512) -> 51 rungs" in out, "names the max and the rung count"
    assert "1, 2, 4, 8..248 step 8, 256..512 step 16" in out, "shows the ladder as its rule"
    assert "batch 33 -> replays the graph captured for 40" in out
    assert "the rung below, 32, cannot hold 33 rows" in out
    assert "7 of the 40 computed rows (17.5%)" in out


def test_a_batch_above_the_top_rung_is_eager(capsys):
    assert main(["ladder", "--max", "100", "--batch", "97"]) == 0
    out = capsys.readouterr().out
    assert "15 rungs" in out and "8..96 step 8" in out
    assert "batch 97: above the top rung 96, so it runs eagerly" in out


def test_a_deployment_predicts_both_capture_bars(capsys):
    assert main(["ladder", "--max-num-seqs", "80", "--max-num-batched-tokens", "8192"]) == 0
    out = capsys.readouterr().out
    assert "max = min(2 x 80, 512, 8192) = 160 -> 23 rungs" in out
    assert "PIECEWISE 23/23; decode, FULL 13/13" in out, "max_num_seqs=80: a 160 max, 23 rungs, 13 of them <= 80"


def test_an_off_stride_token_budget_is_the_top_rung(capsys):
    assert main(["ladder", "--max-num-seqs", "153", "--max-num-batched-tokens", "153", "--batch", "153"]) == 0
    out = capsys.readouterr().out
    assert "8..152 step 8, 153" in out and "no padding" in out


def test_describe_ladder_folds_stride_runs():
    # a size between two runs starts the later one: 256 opens the stride-16 run, as in vLLM
    assert describe_ladder([1, 2, 4, *range(8, 256, 8), *range(256, 513, 16)]) == (
        "1, 2, 4, 8..248 step 8, 256..512 step 16")
    assert describe_ladder([1, 2, 4, 8, 16, 24, 32, 48, 64, 80]) == "1, 2, 4, 8..24 step 8, 32..80 step 16"
    assert describe_ladder([1, 2, 4, 8, 16, 24, 25]) == "1, 2, 4, 8..24 step 8, 25"
    assert describe_ladder([1, 2, 3]) == "1..3 step 1"
    assert describe_ladder([1]) == "1"


def test_ladder_rejects_a_zero_batch(capsys):
    with pytest.raises(SystemExit):
        main(["ladder", "--batch", "0"])
    assert "argument --batch: must be an int >= 1, got 0" in capsys.readouterr().err


@pytest.mark.plot
def test_ladder_chart_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the chart needs the plot extra: pip install -e '.[plot]'")
    out = tmp_path / "waste.png"
    assert main(["ladder-chart", "--out", str(out), "--max", "64"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    printed = capsys.readouterr().out
    assert "vLLM 0.22.1 default" in printed and "powers of two" in printed and str(out) in printed


def test_the_chart_is_committed_and_shown_in_the_readme():
    assert (LAB / "padding_waste.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](padding_waste.png)" in (LAB / "README.md").read_text(), "README must show the chart"
