"""mini_vllm against vLLM's own code, at both versions it models.

`tests/golden/vllm-<version>.json` holds what upstream's enum, ladder, mode rules, V1 dispatcher
and V2 capture manager return, produced by `tools/upstream_golden.py` running the real `.py`
files of each wheel on the CPU. Every case there must come out the same from mini_vllm with
`vllm_version=<version>`; a difference is either a bug here or upstream drift to teach.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

import mini_vllm
from mini_vllm import (
    AttentionCGSupport,
    CompilationMode,
    CudagraphDispatcher,
    CUDAGraphMode,
    capture_log,
    capture_sizes_for,
    resolve_cudagraph_mode,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
VERSIONS = mini_vllm.SUPPORTED_VLLM_VERSIONS


@cache
def golden(version: str) -> dict:
    data = json.loads((GOLDEN / f"vllm-{version}.json").read_text())
    assert data["vllm_version"] == version
    return data


def test_there_is_golden_data_for_every_supported_version():
    assert VERSIONS == ("0.22.1", "0.33.0")
    assert sorted(p.name for p in GOLDEN.glob("vllm-*.json")) == [f"vllm-{v}.json" for v in VERSIONS]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_cudagraph_mode_method_matches_upstream(version):
    table = golden(version)["cudagraph_mode"]
    assert [m.name for m in CUDAGraphMode] == list(table)
    for mode in CUDAGraphMode:
        want = table[mode.name]
        got = {
            "value": list(mode.value) if isinstance(mode.value, tuple) else mode.value,
            "decode_mode": mode.decode_mode().name, "mixed_mode": mode.mixed_mode().name,
            "has_mode": {r: mode.has_mode(CUDAGraphMode[r]) for r in ("NONE", "PIECEWISE", "FULL")},
            "requires_piecewise_compilation": mode.requires_piecewise_compilation(),
            "max_cudagraph_mode": mode.max_cudagraph_mode().name,
            "has_full_cudagraphs": mode.has_full_cudagraphs(),
            "has_piecewise_cudagraphs": mode.has_piecewise_cudagraphs(),
            "separate_routine": mode.separate_routine(),
            "is_valid_runtime_mode": mode.is_valid_runtime_mode(), "bool": bool(mode), "str": str(mode),
        }
        assert got == {k: v for k, v in want.items() if k != "without_piecewise"}, mode.name


def test_0_33_0_downgrades_each_mode_to_its_without_piecewise():
    """0.33.0's fall-back without VLLM_COMPILE is the enum's own without_piecewise()."""
    table = golden("0.33.0")["cudagraph_mode"]
    for mode in CUDAGraphMode:
        got = resolve_cudagraph_mode(mode, CompilationMode.NONE, vllm_version="0.33.0")
        assert got.name == table[mode.name]["without_piecewise"], mode.name
    assert "without_piecewise" not in golden("0.22.1")["cudagraph_mode"]["NONE"], "0.22.1 has no such method"


@pytest.mark.parametrize("version", VERSIONS)
def test_capture_ladders_match_upstream(version):
    bad = []
    for case in golden(version)["ladders"]:
        got = capture_sizes_for(case["max_num_seqs"], case["max_num_batched_tokens"], case["max_capture_size"],
                                vllm_version=version, compute_capability=tuple(case["compute_capability"]))
        if got != case["sizes"]:
            bad.append(f"{case}: mini_vllm gives {got}")
    assert not bad, f"{len(bad)} of {len(golden(version)['ladders'])} ladders differ:\n" + "\n".join(bad[:5])


@pytest.mark.parametrize("version", VERSIONS)
def test_mode_resolution_matches_upstream(version):
    bad = []
    for case in golden(version)["resolve"]:
        try:
            got = resolve_cudagraph_mode(
                case["cudagraph_mode"], case["compilation_mode"], enforce_eager=case["enforce_eager"],
                attention_support=AttentionCGSupport[case["attention_support"]],
                attention_in_splitting_ops=case["attention_in_splitting_ops"], vllm_version=version).name
        except ValueError:
            got = "ValueError"
        if got != case["result"]:
            bad.append(f"{case}: mini_vllm gives {got}")
    assert not bad, f"{len(bad)} of {len(golden(version)['resolve'])} resolutions differ:\n" + "\n".join(bad[:5])


@pytest.mark.parametrize("version", VERSIONS)
def test_dispatch_matches_upstreams_v1_dispatcher(version):
    bad = []
    for case in golden(version)["dispatch"]:
        dispatcher = CudagraphDispatcher(case["cudagraph_mode"], case["capture_sizes"], case["max_num_seqs"])
        invalid = {CUDAGraphMode[m] for m in case["invalid_modes"]} if case["invalid_modes"] else None
        for tokens, uniform, want_mode, want_desc in case["dispatch"]:
            mode, desc = dispatcher.dispatch(tokens, uniform, invalid_modes=invalid)
            got = [mode.name, [desc.num_tokens, desc.num_reqs, desc.uniform]]
            if got != [want_mode, want_desc]:
                bad.append(f"{case['cudagraph_mode']} {case['capture_sizes']} mns={case['max_num_seqs']} "
                           f"invalid={case['invalid_modes']} tokens={tokens} uniform={uniform}: "
                           f"upstream {[want_mode, want_desc]}, mini_vllm {got}")
    assert not bad, f"{len(bad)} dispatches differ:\n" + "\n".join(bad[:5])


@pytest.mark.parametrize("runner", ["v1", "v2"])
@pytest.mark.parametrize("version", VERSIONS)
def test_capture_log_matches_upstreams_passes(version, runner):
    """Wording and count of every bar; tqdm's timing suffix is not part of the log we model."""
    bad = []
    for case in golden(version)["capture_log"]:
        lines = capture_log(case["cudagraph_mode"], case["capture_sizes"], case["max_num_seqs"], runner=runner)
        want = [f"{desc}: 100%|{'█' * 10}| {n}/{n}" for desc, n in case[runner]]
        if lines != want:
            bad.append(f"{case['cudagraph_mode']} {len(case['capture_sizes'])} sizes "
                       f"mns={case['max_num_seqs']}: upstream {want}, mini_vllm {lines}")
    assert not bad, f"{len(bad)} capture logs differ:\n" + "\n".join(bad[:5])


@pytest.mark.parametrize("version", VERSIONS)
def test_v2_start_up_bars_match_upstreams_capture_loop(version):
    """Every bar Model Runner V2 prints at start-up: at 0.33.0 the memory-profiling capture first
    (every PIECEWISE graph, the FULL pass cut to its largest two), then the real one."""
    bad = []
    for case in golden(version)["capture_log"]:
        lines = capture_log(case["cudagraph_mode"], case["capture_sizes"], case["max_num_seqs"], runner="v2",
                            vllm_version=version)
        want = [f"{desc}: 100%|{'█' * 10}| {n}/{n}" for desc, n in case["v2_startup"]]
        if lines != want:
            bad.append(f"{case['cudagraph_mode']} {len(case['capture_sizes'])} sizes "
                       f"mns={case['max_num_seqs']}: upstream {want}, mini_vllm {lines}")
    assert not bad, f"{len(bad)} V2 start-up logs differ:\n" + "\n".join(bad[:5])
