"""The command's habits: bad input is one line on stderr and exit status 2, never a traceback.

Each case runs `python -m mini_vllm` in a fresh process, as a user would, so what is checked is
what a terminal shows. Also: --version, --json, a closed pipe, refused flag combinations.
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


@pytest.mark.parametrize("argv, names", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_and_exit_2(argv, names):
    proc = _run(*argv)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, f"`mini-vllm {' '.join(argv)}` exited {proc.returncode}, want 2:\n{proc.stderr}"
    assert len(lines) == 1 and "Traceback" not in proc.stderr, f"want one line, got:\n{proc.stderr}"
    assert lines[0].startswith(f"mini-vllm {argv[0]}: error: ") and names in lines[0], lines[0]


def test_a_missing_extra_names_the_install_command(tmp_path):
    # A matplotlib that cannot be imported, first on the path: the chart must say how to get it.
    (tmp_path / "matplotlib").mkdir()
    (tmp_path / "matplotlib" / "__init__.py").write_text("raise ModuleNotFoundError(name='matplotlib')\n")
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    proc = _run("ladder-chart", "--out", str(tmp_path / "x.png"), env=env)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "pip install -e '.[plot]'" in proc.stderr


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
