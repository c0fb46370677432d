"""The `python -m mini_vllm.<module>` command lines, held to `mini-vllm`'s rules.

Each GPU or torch module keeps a small command line of its own (lab-04's reproduce.sh calls
them). They parse with `mini-vllm`'s parser and bounds (`mini_vllm.cli`), so a bad size is one
line on stderr and exit status 2, and they check for torch before importing it: without torch,
`--help` still works and a run says which extra to install instead of a traceback.
"""

from __future__ import annotations

import importlib.util

from mini_vllm.cli import Parser


def module_parser(module: str, description: str) -> Parser:
    """A parser whose errors and --help name the command as typed: `python -m <module>`."""
    return Parser(prog=f"python -m {module}", description=description)


def require(parser: Parser, module: str, extra: str) -> None:
    """Exit 2 with one line naming the extra to install, when `module` is absent (before importing it)."""
    if importlib.util.find_spec(module) is None:
        parser.exit(2, f"{parser.prog}: error: needs {module}, from the {extra} extra: "
                       f"pip install -e '.[{extra}]'\n")


def require_cuda(parser: Parser) -> None:
    """Exit 2 with one line when torch sees no CUDA GPU (call after `require(parser, "torch", ...)`)."""
    import torch

    if not torch.cuda.is_available():
        parser.exit(2, f"{parser.prog}: error: needs a CUDA GPU (torch.cuda.is_available() is False)\n")
