"""The vLLM releases mini_vllm models: 0.22.1, which the course mirrors, and 0.33.0, today's.

Where the two differ in this layer (the piecewise fall-back, the default capture maximum, the
max_num_seqs rung), the functions that model the difference take `vllm_version`, default
"0.22.1". The differences themselves are listed, with both versions' lines, in
phase-05-cuda-graphs-and-torch-compile/03-what-changed-in-0.33.0.md.
"""

from __future__ import annotations

SUPPORTED_VLLM_VERSIONS = ("0.22.1", "0.33.0")
#: The model runners a capture log can come from: V1, and 0.33.0's default Model Runner V2.
RUNNERS = ("v1", "v2")
#: The CUDAGraphMode names a config string may hold (vllm/config/compilation.py:53-103, 0.22.1):
#: what a command line offers before any lab code is imported. lab-03's enum defines the modes.
CUDAGRAPH_MODE_NAMES = ("NONE", "PIECEWISE", "FULL", "FULL_DECODE_ONLY", "FULL_AND_PIECEWISE")


def check_vllm_version(vllm_version: str) -> str:
    """Return the version, or raise naming the choices: a typo must not select 0.22.1's rules."""
    if not isinstance(vllm_version, str):
        raise TypeError(f"vllm_version must be a str, one of {', '.join(SUPPORTED_VLLM_VERSIONS)}; "
                        f"got {type(vllm_version).__name__}")
    if vllm_version not in SUPPORTED_VLLM_VERSIONS:
        raise ValueError(f"vllm_version must be one of {', '.join(SUPPORTED_VLLM_VERSIONS)}, "
                         f"got {vllm_version!r}")
    return vllm_version
