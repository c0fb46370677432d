"""`mini-vllm compile` (lab-06): the pieces, the launch accounting and the cache, from a terminal.

The command needs torch (those tests carry the `torch` marker); that parsing it and importing
the compile package import no torch is tests/test_import_graph.py's claim.
"""

from __future__ import annotations

import re

import pytest

from mini_vllm.cli import build_parser, main


def test_compile_rejects_an_unknown_compiler(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["compile", "--compiler", "tensorrt"])
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.torch
def test_compile_prints_pieces_and_launches(capsys):
    assert main(["compile", "--layers", "2", "--steps", "10"]) == 0
    out = capsys.readouterr().out
    m = re.search(r"(\d+) FX ops -> 3 compiled pieces \+ 2 attention islands", out)
    assert m, out
    ops = int(m.group(1))
    assert f"eager {10 * ops}, piecewise CUDA graphs {ops + 9 * 5}" in out, out
    assert "max |compiled - eager| = 0.0e+00" in out


@pytest.mark.torch
def test_compile_cache_hits_on_the_second_run(capsys, tmp_path):
    main(["compile", "--layers", "2", "--cache-dir", str(tmp_path)])
    assert "0 hits, 3 misses" in capsys.readouterr().out
    main(["compile", "--layers", "2", "--cache-dir", str(tmp_path)])
    assert "3 hits, 0 misses" in capsys.readouterr().out
