"""The module command lines answer like `mini-vllm`: bounded sizes, one-line errors, exit 2.

`python -m mini_vllm.gpu.piecewise`, `python -m mini_vllm.gpu.timeline` and
`python -m mini_vllm.compilation.measure` parse with `mini-vllm`'s parser and bounds
(`mini_vllm/arguments.py`, issue 28).
Each test imports the module with torch hidden (as if not installed), so these tests prove the
same thing in the torch-free CI step and in the one with torch: --help works, a bad size is
refused while parsing, and a good run says which extra to install instead of a traceback.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import pytest

from mini_vllm import arguments as cli

MODULES = ("mini_vllm.gpu.piecewise", "mini_vllm.gpu.timeline", "mini_vllm.compilation.measure")


@pytest.fixture
def without_torch(monkeypatch) -> None:
    """torch (and anything that imported it) hidden: `import torch` fails, find_spec says absent."""
    for name in [n for n in sys.modules if n == "torch" or n.startswith("torch.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torch", None)
    for name in MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)


def load(name: str) -> ModuleType:
    return importlib.import_module(name)


def run(name: str, argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = load(name).main(argv)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def refused(name: str, argv: list[str], capsys, *words: str) -> None:
    """Exit 2 and one line on stderr, argparse-style, naming the command and every one of `words`."""
    code, _, err = run(name, argv, capsys)
    lines = err.strip().splitlines()
    problems = [why for why, wrong in [
        ("a traceback instead of one line", "Traceback" in err),
        (f"exit status {code} instead of 2", code != 2),
        (f"{len(lines)} lines on stderr instead of one", len(lines) != 1),
        ("the line does not start with the command", not err.startswith(f"python -m {name}")),
        *((f"the line does not name {word!r}", word not in err) for word in words),
    ] if wrong]
    assert not problems, f"python -m {name} {' '.join(argv)}: {'; '.join(problems)}. stderr:\n{err}"


@pytest.mark.parametrize(("name", "argv"), [(MODULES[0], []), (MODULES[1], []), (MODULES[1], ["record"]),
                                            (MODULES[1], ["render"]), (MODULES[2], [])])
def test_help_works_without_torch(without_torch, name, argv, capsys):
    code, out, err = run(name, [*argv, "--help"], capsys)
    assert code == 0 and out.startswith("usage: python -m "), (
        f"python -m {name} {' '.join(argv)} --help must print its usage without torch; "
        f"exit {code}, stderr:\n{err}"
    )


# (module, the flags a run needs, the bounded flag, its bound): the bounds are mini-vllm's own
BOUNDS = [
    (MODULES[0], ["--out", "x.json"], "--tokens", cli.MAX_BENCH_BATCH),
    (MODULES[0], ["--out", "x.json"], "--layers", cli.MAX_COMPILE_LAYERS),
    (MODULES[0], ["--out", "x.json"], "--hidden", cli.MAX_COMPILE_HIDDEN),
    (MODULES[0], ["--out", "x.json"], "--repeats", cli.MAX_BENCH_REPEATS),
    (MODULES[1], ["record", "--out", "x.json"], "--batch", cli.MAX_BENCH_BATCH),
    (MODULES[2], ["--child", "cache"], "--layers", cli.MAX_COMPILE_LAYERS),
    (MODULES[2], ["--child", "cache"], "--hidden", cli.MAX_COMPILE_HIDDEN),
]


@pytest.mark.parametrize(("name", "needed", "flag", "bound"), BOUNDS,
                         ids=[f"{n.rsplit('.', 1)[1]}{f}" for n, _, f, _ in BOUNDS])
def test_sizes_past_the_bound_are_refused(without_torch, tmp_path, monkeypatch, capsys, name, needed, flag, bound):
    monkeypatch.chdir(tmp_path)
    refused(name, [*needed, flag, str(bound + 1)], capsys, flag, str(bound))


@pytest.mark.parametrize("value", ["0", "-3", "2.5", "four", "1" * 101])
@pytest.mark.parametrize("name, needed, flag", [(MODULES[0], ["--out", "x.json"], "--layers"),
                                                (MODULES[1], ["record", "--out", "x.json"], "--batch"),
                                                (MODULES[2], ["--child", "cache"], "--hidden")])
def test_a_size_that_is_no_int_in_range_is_refused(without_torch, tmp_path, monkeypatch, capsys,
                                                   name, needed, flag, value):
    monkeypatch.chdir(tmp_path)
    refused(name, [*needed, flag, value], capsys, flag)


@pytest.mark.parametrize(("name", "argv", "words"), [
    (MODULES[0], ["--out", "x.json", "--hidden", "30", "--heads", "4"], ["--hidden", "--heads"]),
    (MODULES[0], ["--out", "x.json", "--compilers", "tensorrt"], ["--compilers"]),
    (MODULES[0], ["--out", "no/such/folder/x.json"], ["--out"]),
    (MODULES[2], ["--child", "cache", "--hidden", "30"], ["--hidden"]),
])
def test_sizes_that_disagree_are_refused(without_torch, tmp_path, monkeypatch, capsys, name, argv, words):
    monkeypatch.chdir(tmp_path)
    refused(name, argv, capsys, *words)


@pytest.mark.parametrize(("name", "argv", "extra"), [
    (MODULES[0], ["--out", "x.json"], "gpu"),
    (MODULES[1], ["record", "--out", "x.json"], "gpu"),
    (MODULES[2], ["--child", "cache"], "compile"),
])
def test_a_run_without_torch_names_the_extra(without_torch, tmp_path, monkeypatch, capsys, name, argv, extra):
    monkeypatch.chdir(tmp_path)
    refused(name, argv, capsys, "needs torch", f"pip install -e '.[{extra}]'")
