"""The compile cache's key: a directory per hash of (graph, inputs, config, versions).

A second process start traces the model again, computes the same hash, finds the directory,
and loads each piece's artifact instead of compiling it: that is the whole restart win.
Everything that could change the compiled code has to be in the hash, or a stale artifact is
loaded: the graph's code, the shapes and dtypes it was traced for, the backend config, and the
library versions. Python's built-in hash() is salted per process, so the key is a sha256.
upstream: vllm/compilation/backends.py:1058-1065 (the factors, their hash, the directory) and
vllm/compilation/backends.py:1072 (the per-rank subdirectory), 0.22.1. The files inside the
directory (the index of pieces) are `cache_files`, a helper lab-06 provides.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch


def cache_factors(gm: torch.fx.GraphModule, example_inputs: Sequence[Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """What the key hashes, as JSON-ready data (written next to the cache for humans to read)."""
    import torch

    try:
        ours = metadata.version("mini-vllm")
    except metadata.PackageNotFoundError:
        ours = "not installed"
    return {
        "graph": hashlib.sha256(gm.code.encode()).hexdigest(),
        "inputs": [[list(x.shape), str(x.dtype)] if isinstance(x, torch.Tensor) else repr(x)
                   for x in example_inputs],
        "config": {name: config[name] for name in sorted(config)},
        "versions": {"torch": torch.__version__, "python": platform.python_version(), "mini_vllm": ours},
    }


def cache_key(gm: torch.fx.GraphModule, example_inputs: Sequence[Any], config: Mapping[str, Any]) -> str:
    """A 10-hex-digit key, identical in every process for the same graph, inputs, config, versions.

    `config` holds the backend settings that shape the result (splitting ops, compiler); the
    graph enters as its generated code, the inputs as shapes and dtypes (weights are inputs of
    a traced graph, so their values never matter), and torch/python/mini_vllm versions are
    added here. upstream: vllm/compilation/backends.py:1058-1065 (0.22.1).
    """
    factors = cache_factors(gm, example_inputs, config)
    return hashlib.sha256(json.dumps(factors, sort_keys=True).encode()).hexdigest()[:10]
