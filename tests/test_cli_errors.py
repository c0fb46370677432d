"""The command's habits: a closed pipe, --version, --help's defaults and choices, --json.

The closed pipe, --version and --help run `python -m mini_vllm` in a fresh process; --json runs
`main` as the console script does. Bad input (one line, exit status 2) is
tests/test_cli_bad_input.py's.
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
