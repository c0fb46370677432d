"""`mini-vllm compile` (lab-06): the pieces, the launch accounting and the cache, from a terminal.

The command needs torch (those tests carry the `torch` marker); parsing it and importing the
compile package must not import torch, so the CPU path stays torch-free.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from mini_vllm.cli import build_parser, main


def test_compile_command_parses_without_importing_torch():
    code = ("import sys; from mini_vllm.cli import build_parser; import mini_vllm.compilation; "
            "build_parser().parse_args(['compile', '--compiler', 'inductor', '--measure']); "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


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
