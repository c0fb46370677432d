"""The command's habits: bad input is one line on stderr and exit status 2, never a traceback.

Each case runs `main` as the console script does and reads what stderr shows; the closed pipe
and --version run `python -m mini_vllm` in a fresh process. Also: --json, refused flag
combinations, defaults and choices in --help.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mini_vllm.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mini_vllm", *argv], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


BAD_INPUT = {
    "budget below max_num_seqs": (["dispatch", "--tokens", "1000", "--max-num-batched-tokens", "512",
                                   "--max-num-seqs", "600"], "max_num_batched_tokens"),
    "missing result file": (["bench", "--from", "/nonexistent.json"], "/nonexistent.json"),
    "not a result file": (["bench", "--from", str(ROOT / "pyproject.toml")], "pyproject.toml"),
    "unknown mode": (["dispatch", "--tokens", "3", "--mode", "FULL_AND_EAGER"], "FULL_AND_PIECEWISE"),
    "zero batch": (["ladder", "--batch", "0"], "--batch"),
    "not a number": (["crossover", "--num-ops", "many"], "--num-ops"),
    "--max with a deployment": (["ladder", "--max", "100", "--max-num-seqs", "8"], "--max"),
    "a budget without a deployment": (["ladder", "--max-num-batched-tokens", "64"], "--max-num-seqs"),
    "--from while measuring": (["bench", "--from", "x.json", "--repeats", "3"], "--repeats"),
    "--measure with a compiler": (["compile", "--measure", "--compiler", "inductor"], "--compiler"),
    "--repeats without --measure": (["compile", "--repeats", "2"], "--measure"),
}


def _fails_in_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2, f"`mini-vllm {' '.join(argv)}` exited {exit_.value.code}, want 2:\n{err}"
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, f"want one line, got:\n{err}"
    return err.strip()


@pytest.mark.parametrize("argv, names", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_and_exit_2(argv, names, capsys):
    line = _fails_in_one_line(argv, capsys)
    assert line.startswith(f"mini-vllm {argv[0]}: error: ") and names in line, line


def test_a_missing_extra_names_the_install_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails, as if absent
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    line = _fails_in_one_line(["ladder-chart", "--out", str(tmp_path / "x.png")], capsys)
    assert "pip install -e '.[plot]'" in line, line


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.run(f"{sys.executable} -m mini_vllm modes | head -1", shell=True, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.stdout.startswith("cudagraph_mode") and proc.stderr == "", proc.stderr


def test_version_prints_the_package_version():
    proc = _run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("mini-vllm "), proc.stdout + proc.stderr


def test_help_shows_defaults_and_mode_choices():
    proc = _run("dispatch", "--help")
    assert "(default: 256)" in proc.stdout and "FULL_AND_PIECEWISE" in proc.stdout, proc.stdout


@pytest.mark.parametrize("argv, key", [
    (["ladder", "--batch", "33"], "batch"),
    (["dispatch", "--tokens", "33", "--uniform"], "descriptor"),
    (["crossover"], None),
    (["capture-log"], "passes"),
    (["modes"], None),
    (["simulate", "--steps", "4"], "runners"),
])
def test_json_output_is_the_data_behind_the_text(capsys, argv, key):
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) if key is None else key in data


def test_capture_log_counts_graphs_from_the_keys(capsys):
    main(["capture-log", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["graphs"] == sum(p["graphs"] for p in data["passes"]) == 51 + 35
