"""`mini-vllm modes`, `dispatch` and `capture-log` show lab-03's policy, per batch and at start-up."""

from __future__ import annotations

import pytest

from mini_vllm.cli import main


def test_modes_prints_the_routing_table(capsys):
    assert main(["modes"]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()
            if line and not line.startswith(" ")}
    assert rows["FULL_AND_PIECEWISE"] == ["(2,", "1)", "FULL", "PIECEWISE"]
    assert rows["FULL_DECODE_ONLY"] == ["(2,", "0)", "FULL", "NONE"]
    assert rows["PIECEWISE"] == ["1", "PIECEWISE", "PIECEWISE"]


def test_dispatch_33_uniform_pads_to_a_full_40(capsys):
    assert main(["dispatch", "--mode", "FULL_AND_PIECEWISE", "--tokens", "33", "--uniform"]) == 0
    out = capsys.readouterr().out
    assert "51 capture sizes 1..512" in out
    assert "-> FULL BatchDescriptor(num_tokens=40, num_reqs=40, uniform=True, has_lora=False)" in out
    assert "7 of 40 rows are padding" in out


@pytest.mark.parametrize("argv, want", [
    (["--tokens", "33"], "-> PIECEWISE BatchDescriptor(num_tokens=40, num_reqs=None, uniform=False"),
    (["--tokens", "33", "--uniform", "--invalid", "full"], "-> PIECEWISE BatchDescriptor(num_tokens=40"),
    (["--tokens", "600"], "above the largest capture size 512"),
    (["--mode", "full_decode_only", "--tokens", "33"], "-> NONE BatchDescriptor(num_tokens=33"),
])
def test_dispatch_routes(capsys, argv, want):
    assert main(["dispatch", *argv]) == 0
    assert want in capsys.readouterr().out


def test_capture_log_on_l4_defaults_is_51_then_35(capsys):
    assert main(["capture-log", "--mode", "FULL_AND_PIECEWISE", "--max-num-seqs", "256"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "2 capture passes, 86 graphs" in lines[0]
    assert lines[1].startswith("Capturing CUDA graphs (mixed prefill-decode, PIECEWISE)")
    assert lines[1].endswith("51/51")
    assert lines[2].startswith("Capturing CUDA graphs (decode, FULL)") and lines[2].endswith("35/35")


def test_capture_log_under_none_captures_nothing(capsys):
    assert main(["capture-log", "--mode", "none"]) == 0
    assert "Skipping CUDA graph capture" in capsys.readouterr().out


def test_an_unknown_mode_is_a_usage_error(capsys):
    with pytest.raises(SystemExit):
        main(["dispatch", "--mode", "FULL_AND_EAGER", "--tokens", "3"])
    assert "FULL_AND_PIECEWISE" in capsys.readouterr().err
