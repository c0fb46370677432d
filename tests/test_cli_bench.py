"""`mini-vllm bench --from FILE` reads a committed Hopper run on any laptop: table, prediction, verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from mini_vllm.cli import main

RESULTS = (Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs"
           / "lab-04-graph-vs-eager-real" / "results")


def test_twin_report_shows_arms_prediction_and_verdict(capsys):
    assert main(["bench", "--from", str(RESULTS / "twin.json")]) == 0
    out = capsys.readouterr().out
    for arm in ("eager", "graphs", "compile", "compile+graphs"):
        assert arm in out
    assert "lab-02's prediction" in out and "HBM floor" in out
    assert "claims for graphs: biggest at smallest batch" in out


def test_vllm_report_shows_the_capture_passes(capsys):
    assert main(["bench", "--from", str(RESULTS / "vllm.json")]) == 0
    out = capsys.readouterr().out
    assert "decode, FULL: 51" in out and "mixed prefill-decode, PIECEWISE: 51" in out
    assert "lab-02's prediction" not in out, "the vLLM A/B measures no constants, so it predicts nothing"


@pytest.mark.plot
def test_report_writes_the_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png = tmp_path / "twin.png"
    assert main(["bench", "--from", str(RESULTS / "twin.json"), "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_file_that_is_not_ours_is_refused(tmp_path, capsys):
    bogus = tmp_path / "x.json"
    bogus.write_text('{"runs": []}')
    with pytest.raises(SystemExit) as exit_:
        main(["bench", "--from", str(bogus)])
    assert exit_.value.code == 2 and "schema" in capsys.readouterr().err
