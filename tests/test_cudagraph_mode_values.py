"""The parts of lab-03's API a student is given, not graded: enum values and the descriptor type.

They must match vLLM 0.22.1 (vllm/config/compilation.py:37-63, vllm/v1/attention/backend.py:
499-513, vllm/forward_context.py:29-57), so a student who learns ours recognises upstream.
"""

from __future__ import annotations

import dataclasses
import enum

import pytest

from mini_vllm import AttentionCGSupport, BatchDescriptor, CompilationMode, CUDAGraphMode


def test_cudagraph_mode_members_and_values():
    assert [(m.name, m.value) for m in CUDAGraphMode] == [
        ("NONE", 0), ("PIECEWISE", 1), ("FULL", 2),
        ("FULL_DECODE_ONLY", (2, 0)), ("FULL_AND_PIECEWISE", (2, 1))]
    assert CUDAGraphMode((2, 1)) is CUDAGraphMode.FULL_AND_PIECEWISE


def test_cudagraph_mode_is_a_plain_enum():
    assert not issubclass(CUDAGraphMode, int), "an IntEnum would let FULL_DECODE_ONLY == 2 style slips"
    assert CUDAGraphMode.FULL_DECODE_ONLY != CUDAGraphMode.FULL


def test_compilation_mode_is_an_int_enum():
    assert issubclass(CompilationMode, enum.IntEnum)
    assert [(m.name, m.value) for m in CompilationMode] == [
        ("NONE", 0), ("STOCK_TORCH_COMPILE", 1), ("DYNAMO_TRACE_ONCE", 2), ("VLLM_COMPILE", 3)]


def test_attention_support_levels():
    assert {m.name: m.value for m in AttentionCGSupport} == {
        "ALWAYS": 3, "UNIFORM_BATCH": 2, "UNIFORM_SINGLE_TOKEN_DECODE": 1, "NEVER": 0}


def test_batch_descriptor_is_a_frozen_hashable_key():
    key = BatchDescriptor(40)
    assert (key.num_reqs, key.uniform, key.has_lora) == (None, False, False)
    assert {key: "graph"}[BatchDescriptor(40, None, False, False)] == "graph"
    with pytest.raises(dataclasses.FrozenInstanceError):
        key.num_tokens = 48  # type: ignore[misc]
