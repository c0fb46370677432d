"""Command-line arguments as every mini_vllm command parses them: one parser, checked sizes and paths.

`mini-vllm` (mini_vllm/cli.py) and the module command lines (`python -m mini_vllm.gpu.piecewise`,
`mini_vllm.gpu.timeline`, `mini_vllm.compilation.measure`) share them, so a bad size reads the
same everywhere: one line on stderr naming the flag and the allowed range, exit status 2. They
sit below both in the package's layers (tests/test_import_graph.py), so the torch modules can use
them without importing the command line.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from mini_vllm.checks import check_int, int_range

# Upper bounds shared with the module command lines, refused at parsing and stated in --help
# (mini_vllm/cli.py holds the others): past them a run can only exhaust memory or take hours.
MAX_BENCH_BATCH = 1024    # bench: the twin's KV cache is preallocated for the largest batch
MAX_BENCH_REPEATS = 100   # bench: every repeat re-runs every arm at every batch
MAX_COMPILE_LAYERS = 32   # compile: each layer is a compiled piece and an attention island
MAX_COMPILE_HIDDEN = 1024  # compile: 12 x hidden^2 float32 weights per layer


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show a flag's default in --help, unless there is none to show (None, False, [])."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, False, [], argparse.SUPPRESS):
            return action.help
        return super()._get_help_string(action)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors that point at --help, and defaults shown in --help."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs.setdefault("allow_abbrev", False)  # so a flag given is a flag named (see _refuse)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def int_in(minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: ASCII digits making an int in [minimum, maximum], else the range in the error."""

    def parse(text: str) -> int:
        allowed = int_range(minimum, maximum)
        if len(text) > 100:  # int() of thousands of digits is slow, and no flag needs a googol
            raise argparse.ArgumentTypeError(f"must be {allowed} in at most 100 digits, got {len(text)} characters")
        if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}")
        try:
            return check_int(int(text), "value", minimum, maximum)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text.strip()}") from None

    return parse


def named_path(text: str) -> str:
    """An argparse type for a path that must not be empty: '' would silently mean "none" or '.'."""
    if not text:
        raise argparse.ArgumentTypeError("must name a file or folder, got nothing")
    return text


def folder(text: str) -> str:
    """An argparse type for a folder the run creates if needed: nothing on its way may be a file."""
    path = Path(named_path(text))
    existing = next(p for p in (path, *path.parents) if p.exists())  # '.' or '/' at the latest
    if not existing.is_dir():
        raise argparse.ArgumentTypeError(f"must be a folder, but {str(existing)!r} is a file")
    return text


def output_file(text: str) -> Path:
    """An argparse type for a file to write: checked before a run, so no result is lost at the end."""
    path = Path(text)
    if not text or path.is_dir():
        raise argparse.ArgumentTypeError(f"must name a file, got {f'the folder {text!r}' if text else 'nothing'}")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {str(path.parent)!r} does not exist (create it first)")
    return path


def chart_file(text: str) -> Path:
    """output_file, with the .png matplotlib would add to a name without a suffix added here,
    so the path printed is the path written."""
    path = output_file(text)
    return path if path.suffix else path.with_name(path.name.rstrip(".") + ".png")


def module_parser(module: str, description: str) -> Parser:
    """The parser of `python -m <module>`: its errors and --help name the command as typed."""
    return Parser(prog=f"python -m {module}", description=description)


def require(parser: argparse.ArgumentParser, module: str, extra: str) -> None:
    """Exit 2 with one line naming the extra to install when `module` is absent (check before importing it)."""
    if importlib.util.find_spec(module) is None:
        parser.exit(2, f"{parser.prog}: error: needs {module}, from the {extra} extra: "
                       f"pip install -e '.[{extra}]'\n")


def require_cuda(parser: argparse.ArgumentParser) -> None:
    """Exit 2 with one line when torch is absent (naming the gpu extra) or sees no CUDA GPU."""
    require(parser, "torch", "gpu")
    import torch

    if not torch.cuda.is_available():
        parser.exit(2, f"{parser.prog}: error: needs a CUDA GPU (torch.cuda.is_available() is False)\n")
