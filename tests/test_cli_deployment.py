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


def _explain(name: str, capsys, *extra: str) -> dict:
    assert main(["explain-log", str(LOGS / f"{name}.log"), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


# Each start-up log: (cudagraph_mode, graphs captured, capture seconds, compile cache), read by eye.
START_UPS = {
    "default": ("FULL_AND_PIECEWISE", 102, 2.0, "miss"),
    "enforce-eager": ("NONE", 0, None, None),
    "mode-piecewise": ("PIECEWISE", 51, 2.0, "miss"),
    "mode-full-decode-only": ("FULL_DECODE_ONLY", 51, 1.0, "miss"),
    "mode-full": ("FULL", 51, 1.0, "miss"),
    "mode-none": ("NONE", 0, None, "miss"),
    "compile-off-graphs-on": ("NONE", 0, None, None),
    "sizes-off-stride": ("FULL_AND_PIECEWISE", 12, 1.0, "miss"),
    "max-num-seqs-24": ("FULL_AND_PIECEWISE", 15, 1.0, "miss"),
    "v2-qwen3": ("FULL_AND_PIECEWISE", 102, 4.0, "miss"),
    "v2-forced-opt": ("FULL_AND_PIECEWISE", 102, 2.0, "miss"),
    "metrics-chat": ("FULL_AND_PIECEWISE", 102, 2.0, "hit"),
    "metrics-wide": ("FULL_AND_PIECEWISE", 102, 2.0, "hit"),
    "metrics-wide-tuned": ("FULL_AND_PIECEWISE", 102, 2.0, "miss"),
}


@pytest.mark.parametrize("name", sorted(START_UPS))
def test_explain_log_reports_what_each_log_says(name, capsys):
    data = _explain(name, capsys)
    facts = data["deployment"]
    got = (facts["cudagraph_mode"], facts["graphs_captured"], facts["capture_seconds"], facts["compile_cache"])
    assert got == START_UPS[name], f"{name}.log: {got} != {START_UPS[name]}"
    assert data["schema"] == "mini-vllm/explain-log/1" and data["rules"] == "0.22.1" and not data["missing"]


@pytest.mark.parametrize("name", sorted(set(START_UPS) - {"sizes-off-stride", "metrics-wide-tuned"}))
def test_every_check_agrees_on_a_0_22_1_log(name, capsys):
    checks = _explain(name, capsys)["checks"]
    assert checks and all(c["agrees"] for c in checks), [c["why"] for c in checks if not c["agrees"]]


@pytest.mark.parametrize("name", ["sizes-off-stride", "metrics-wide-tuned"])
def test_a_user_ladder_is_named_as_the_difference(name, capsys):
    ladder = next(c for c in _explain(name, capsys)["checks"] if c["fact"] == "ladder")
    assert not ladder["agrees"] and "--cudagraph-capture-sizes" in ladder["why"], ladder


def test_a_mode_the_guard_changed_is_checked_against_resolve_cudagraph_mode(capsys):
    mode = next(c for c in _explain("compile-off-graphs-on", capsys)["checks"] if c["fact"] == "cudagraph_mode")
    assert mode["agrees"] and mode["logged"] == mode["predicted"] == "NONE", mode


def test_the_built_0_33_0_log_is_checked_with_0_33_0_rules(capsys):
    data = _explain("built-0.33.0-v2-default", capsys)
    passes = next(c for c in data["checks"] if c["fact"] == "passes")
    assert data["rules"] == "0.33.0" and passes["agrees"], passes  # the profiling round included
    assert [p["total"] for p in data["deployment"]["passes"]] == [51, 2, 51, 51]


def test_a_version_the_course_does_not_mirror_is_read_with_the_nearest_rules(tmp_path, capsys):
    text = (LOGS / "default.log").read_bytes().replace(b"(v0.22.1)", b"(v0.25.2)")
    (tmp_path / "v.log").write_bytes(text)
    assert main(["explain-log", str(tmp_path / "v.log")]) == 0
    out = capsys.readouterr().out
    assert "vLLM 0.25.2 is not mirrored" in out and "0.22.1's rules" in out, out


def test_a_truncated_log_names_what_is_missing(tmp_path, capsys):
    raw = (LOGS / "default.log").read_bytes()
    (tmp_path / "cut.log").write_bytes(raw[:raw.index(b"19/51") + 5])
    data = json.loads(_run_main(["explain-log", str(tmp_path / "cut.log"), "--json"], capsys))
    assert data["deployment"]["passes"][-1] == {"label": "decode, FULL", "mode": "FULL", "done": 19,
                                                 "total": 51, "finished": False}
    assert any("Graph capturing finished" in m for m in data["missing"])
    assert any("19/51" in m for m in data["missing"])


def _run_main(argv: list[str], capsys) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", ["metrics-chat", "metrics-wide"])
def test_tune_recommends_fewer_padded_tokens_with_the_same_rungs(name, capsys):
    data = json.loads(_run_main(["tune", str(LOGS / f"{name}.log"), "--json"], capsys))
    assert data["padded_today_measured"] and data["padded_recommended"] < data["padded_today"], data
    assert len(data["recommended"]) <= len(data["current"]) and data["recommended"][-1] == data["current"][-1]


def test_the_tuned_run_used_the_recommendation(capsys):
    recommended = json.loads(_run_main(["tune", str(LOGS / "metrics-wide.log"), "--json"], capsys))["recommended"]
    with open(LOGS / "metrics-wide-tuned.log", encoding="utf-8", newline="") as f:
        settings = next(line for line in f if "- Capture sizes: [" in line)
    assert settings.split("- Capture sizes: [", 1)[1].rstrip("]\r\n ") == ", ".join(map(str, recommended))


def test_tune_reads_a_prometheus_scrape_and_says_it_is_an_estimate(capsys):
    out = _run_main(["tune", str(LOGS / "metrics-wide.prom")], capsys)
    assert "evidence: prometheus" in out and "spread evenly" in out, out

