"""`mini-vllm crossover` prints lab-02's table; `crossover-chart` draws the committed PNG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mini_vllm.cli import main

LAB = (Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs"
       / "lab-02-launch-overhead")


def rows(text: str) -> dict[int, list[str]]:
    out = {}
    for line in text.splitlines():
        if m := re.match(r"\s*(\d+)((?:\s+(?:\d+|never))+)\s+\d+x$", line):
            out[int(m.group(1))] = m.group(2).split()
    return out


def test_crossover_prints_the_exercises_table(capsys):
    assert main(["crossover", "--num-ops", "1", "4", "32", "300", "--capture", "1", "5"]) == 0
    out = capsys.readouterr().out
    # first k with m*n + k - 1 < k*n, worked by hand
    assert rows(out) == {1: ["never", "never"], 4: ["2", "7"], 32: ["2", "6"], 300: ["2", "6"]}
    assert "capture=n" in out and "capture=5n" in out
    assert "num_ops=1" in out, "the table explains its never row"


def test_crossover_rejects_zero_ops(capsys):
    with pytest.raises(SystemExit):
        main(["crossover", "--num-ops", "0"])
    assert "argument --num-ops: must be an int >= 1, got 0" in capsys.readouterr().err


@pytest.mark.plot
def test_crossover_chart_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the chart needs the plot extra: pip install -e '.[plot]'")
    out = tmp_path / "chart.png"
    assert main(["crossover-chart", "--out", str(out), "--max-calls", "6"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert str(out) in capsys.readouterr().out


def test_the_chart_is_committed_and_shown_in_the_readme():
    assert (LAB / "crossover_chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](crossover_chart.png)" in (LAB / "README.md").read_text(), "README must show the chart"
