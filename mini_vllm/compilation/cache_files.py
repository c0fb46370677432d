"""The files of one compile-cache directory: the index of compiled pieces, and what humans read.

A provided helper of lab-06: it holds no graded answer (the key that names the directory is
`mini_vllm.compilation.cache.cache_key`). The index maps a piece id (a string) to
{compiler, compile_seconds, artifact}; upstream's counterpart is `vllm_compile_cache.py`,
written by CompilerManager in vllm/compilation/backends.py (0.22.1). The readable files are
an extra of the reference, as upstream writes them; no test looks for them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

INDEX_FILE = "mini_vllm_compile_cache.json"
FACTORS_FILE = "cache_key_factors.json"
GRAPH_FILE = "computation_graph.py"


def read_index(directory: Path) -> dict[str, dict[str, Any]]:
    """The index of a cache directory: piece id -> {compiler, compile_seconds, artifact}; {} if none."""
    path = directory / INDEX_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def write_index(directory: Path, index: Mapping[str, Mapping[str, Any]]) -> None:
    """Write the index, creating the directory: the next process start reads it back."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / INDEX_FILE).write_text(json.dumps(index, indent=1, sort_keys=True))


def write_readables(directory: Path, factors: Mapping[str, Any], split_gm: torch.fx.GraphModule) -> None:
    """What upstream leaves next to its artifacts for a human: the key's factors and the split graph.

    upstream: computation_graph.py, vllm/compilation/backends.py:1251 (0.22.1). No test reads them.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / FACTORS_FILE).write_text(json.dumps(factors, indent=1))
    (directory / GRAPH_FILE).write_text(split_gm.print_readable(print_output=False))
