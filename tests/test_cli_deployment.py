"""`mini-vllm explain-log` and `mini-vllm tune` on the committed real logs, and on bad input.

The facts each log must yield are read off the logs by eye and written here (lab-07's logs/
README.md lists the command that made each log); they are not computed by the code under test.
Bad input of every kind is one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mini_vllm.cli import main

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "phase-05-cuda-graphs-and-torch-compile/labs/lab-07-read-a-deployment/logs"


def _run(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "mini_vllm", *argv], capture_output=True, input=stdin,
                          cwd=ROOT, timeout=60)


def _one_line_exit_2(proc: subprocess.CompletedProcess[bytes], *words: str) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == 2, (proc.returncode, err, proc.stdout[:300])
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, f"{word!r} not in {err!r}"
    return err


@pytest.mark.parametrize("command", ["explain-log", "tune"])
@pytest.mark.parametrize(("content", "words"), [
    (b"", ["empty"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", ["not a text log"]),
    (b"hello\x00world\n", ["not a text log", "NUL"]),
])
def test_bad_files_are_one_line_and_exit_2(tmp_path, command, content, words):
    path = tmp_path / "input.log"
    path.write_bytes(content)
    _one_line_exit_2(_run(command, str(path)), *words)


@pytest.mark.parametrize("command", ["explain-log", "tune"])
def test_a_missing_file_is_one_line_and_exit_2(tmp_path, command):
    _one_line_exit_2(_run(command, str(tmp_path / "nope.log")), "nope.log")


def test_a_text_that_is_no_vllm_log_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary,\ntoday I captured no graphs.\n")
    _one_line_exit_2(_run("explain-log", str(path)), "no vLLM log line")


def test_tune_without_evidence_names_the_three_sources(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary,\nno numbers here.\n")
    _one_line_exit_2(_run("tune", str(path)), "cudagraph-metrics", "Prometheus", "CSV")


def test_explain_log_reads_stdin():
    proc = _run("explain-log", "-", stdin=(LOGS / "default.log").read_bytes())
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"capture pass" in proc.stdout


def test_tune_reads_a_csv_of_batch_sizes(tmp_path, capsys):
    path = tmp_path / "batches.csv"
    path.write_text("batch\n" + "\n".join(["3"] * 90 + ["17"] * 10) + "\n")
    assert main(["tune", str(path), "--current-sizes", "4", "24", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # 90 steps of 3 pad 1 each on [4, 24], 10 steps of 17 pad 7: 160 today; [3, 24] pads 70.
    assert data["padded_today"] == 90 * 1 + 10 * 7
    assert data["recommended"] == [3, 24] and data["padded_recommended"] == 10 * 7
    assert data["flag"] == "--cudagraph-capture-sizes 3 24"
