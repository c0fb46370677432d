"""`mini-vllm simulate` runs the toy decode loop and reports the win it promises."""

from __future__ import annotations

import re

import pytest

from mini_vllm.cli import main
from mini_vllm.numpy_decoder import numpy_decoder_ops


def table(text: str) -> dict[str, list[int]]:
    rows = {}
    for line in text.splitlines():
        if m := re.match(r"(eager|FULL|PIECEWISE)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", line):
            rows[m.group(1)] = [int(v) for v in m.groups()[1:]]
    return rows


def test_simulate_prints_launches_per_step(capsys):
    assert main(["simulate", "--layers", "3", "--steps", "20", "--max-batch", "8"]) == 0
    rows = table(capsys.readouterr().out)
    assert rows["eager"][:2] == [30, 600]
    assert rows["FULL"][0] == 1
    assert rows["PIECEWISE"][0] == 4 + 3, "4 captured pieces + 3 eager attention ops"
    assert rows["FULL"][2] <= 4, "ladder [1, 2, 4, 8]: at most 4 graphs"


def test_simulate_rejects_a_bad_flag(capsys):
    with pytest.raises(SystemExit):
        main(["simulate", "--layers", "0"])
    assert "argument --layers: must be an int in [1, " in capsys.readouterr().err


def test_toy_decoder_marks_one_attention_per_layer():
    ops, is_attention = numpy_decoder_ops(5)
    assert len(ops) == 50
    assert [i for i, op in enumerate(ops) if is_attention(op)] == [2, 12, 22, 32, 42]
