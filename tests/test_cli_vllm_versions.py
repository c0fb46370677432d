"""`--vllm-version`, `--compute-capability` and `--runner`: the command line at today's vLLM too."""

from __future__ import annotations

import pytest

from mini_vllm.cli import main


def test_capture_log_in_model_runner_v2s_words(capsys):
    assert main(["capture-log", "--max-num-seqs", "256", "--runner", "v2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == ["Capturing CUDA graphs (PIECEWISE): 100%|██████████| 51/51",
                         "Capturing CUDA graphs (FULL): 100%|██████████| 35/35"]


def test_a_10_x_gpu_at_0_33_0_captures_up_to_1024(capsys):
    argv = ["capture-log", "--max-num-seqs", "1024", "--vllm-version", "0.33.0", "--compute-capability", "10.0"]
    assert main(argv) == 0
    assert "83 capture sizes 1..1024" in capsys.readouterr().out
    assert main(argv[:-4]) == 0
    assert "51 capture sizes 1..512" in capsys.readouterr().out, "0.22.1 (the default) stops at 512"


def test_ladder_at_0_33_0_gives_max_num_seqs_its_own_rung(capsys):
    assert main(["ladder", "--max-num-seqs", "100", "--batch", "100", "--vllm-version", "0.33.0"]) == 0
    out = capsys.readouterr().out
    assert "plus max_num_seqs=100 as a rung (0.33.0)" in out and "an exact fit" in out
    assert main(["ladder", "--max-num-seqs", "100", "--batch", "100"]) == 0
    assert "replays the graph captured for 104" in capsys.readouterr().out


@pytest.mark.parametrize("argv, named", [
    (["ladder", "--vllm-version", "0.34.0"], "0.22.1"),
    (["capture-log", "--runner", "v3"], "v2"),
    (["dispatch", "--tokens", "8", "--compute-capability", "10"], "MAJOR.MINOR"),
])
def test_bad_choices_exit_2_naming_what_is_allowed(argv, named, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert named in capsys.readouterr().err


def test_the_fullest_decode_step_gets_a_full_graph_only_at_0_33_0(capsys):
    argv = ["dispatch", "--tokens", "100", "--uniform", "--max-num-seqs", "100"]
    assert main(argv) == 0
    assert "-> PIECEWISE BatchDescriptor(num_tokens=104, num_reqs=None" in capsys.readouterr().out
    assert main([*argv, "--vllm-version", "0.33.0"]) == 0
    assert "-> FULL BatchDescriptor(num_tokens=100, num_reqs=100, uniform=True" in capsys.readouterr().out


def test_v2_at_0_33_0_captures_once_to_profile_then_for_real(capsys):
    assert main(["capture-log", "--max-num-seqs", "256", "--runner", "v2", "--vllm-version", "0.33.0"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert [line.split(": ")[0] if "100%" in line else line.split(" in ")[0] for line in lines] == [
        "Capturing CUDA graphs (PIECEWISE)", "Capturing CUDA graphs (FULL)", "Graph capturing finished",
        "Capturing CUDA graphs (PIECEWISE)", "Capturing CUDA graphs (FULL)"]
    assert [line.rsplit(" ", 1)[1] for line in lines if "100%" in line] == ["51/51", "2/2", "51/51", "35/35"]
