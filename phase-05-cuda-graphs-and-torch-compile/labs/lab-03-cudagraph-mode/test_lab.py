"""Lab 03 spec: composite modes, the compile-time guards, decode-vs-mixed dispatch, the capture log.

Every expected value is written out here, from vLLM 0.22.1 (the truth table of
vllm/config/compilation.py:53-103, the dispatcher of vllm/v1/cudagraph_dispatcher.py) or worked
out by hand on a small ladder. Members are named by string in the parametrize lists and looked
up inside each test, so nothing of the implementation is touched before the test runs.
"""

from __future__ import annotations

import re

import pytest

from mini_vllm.grading.messages import naming

MEMBERS = ["NONE", "PIECEWISE", "FULL", "FULL_DECODE_ONLY", "FULL_AND_PIECEWISE"]
RUNTIME = ["NONE", "PIECEWISE", "FULL"]

# The truth table of 0.22.1, one row per member (vllm/config/compilation.py:53-103).
#   separate, decode, mixed, max, has_full, has_piecewise (= requires_piecewise), runtime, bool
TRUTH = {
    "NONE": (False, "NONE", "NONE", "NONE", False, False, True, False),
    "PIECEWISE": (False, "PIECEWISE", "PIECEWISE", "PIECEWISE", False, True, True, True),
    "FULL": (False, "FULL", "FULL", "FULL", True, False, True, True),
    "FULL_DECODE_ONLY": (True, "FULL", "NONE", "FULL", True, False, False, True),
    "FULL_AND_PIECEWISE": (True, "FULL", "PIECEWISE", "FULL", True, True, False, True),
}
COLUMN = {name: i for i, name in enumerate(
    ["separate_routine", "decode_mode", "mixed_mode", "max_cudagraph_mode", "has_full_cudagraphs",
     "has_piecewise_cudagraphs", "is_valid_runtime_mode", "bool"])}

# has_mode(x) for x in NONE, PIECEWISE, FULL.
HAS_MODE = {
    "NONE": (True, False, False),
    "PIECEWISE": (False, True, False),
    "FULL": (False, False, True),
    "FULL_DECODE_ONLY": (True, False, True),
    "FULL_AND_PIECEWISE": (False, True, True),
}

WHAT_IT_MEANS = {
    "FULL_DECODE_ONLY": "(FULL, NONE): decode batches replay a full graph, mixed ones run eagerly",
    "FULL_AND_PIECEWISE": "(FULL, PIECEWISE): decode batches replay a full graph, mixed ones the pieces",
}


def mode_of(lab, name: str):
    return lab.CUDAGraphMode[name]


def expect(member: str, column: str):
    return TRUTH[member][COLUMN[column]]


def check_mode_result(lab, got, want: str, what: str) -> None:
    assert isinstance(got, lab.CUDAGraphMode), f"{what} must return a CUDAGraphMode, got {got!r}"
    assert got.name == want, (
        f"{what}: expected {want}, got {got.name}. {WHAT_IT_MEANS.get(what.split('.')[0], '')}"
    )


# --- 1. the enum's methods: the whole truth table ----------------------------------------------


@pytest.mark.parametrize("member", MEMBERS)
def test_separate_routine_means_a_tuple_value(lab, member):
    got = mode_of(lab, member).separate_routine()
    assert got is expect(member, "separate_routine"), (
        f"{member}.separate_routine(): expected {expect(member, 'separate_routine')}, got {got!r}. "
        "Only the composite (tuple-valued) modes route decode and mixed batches separately."
    )


@pytest.mark.parametrize("member", MEMBERS)
def test_decode_mode_is_the_first_half(lab, member):
    got = mode_of(lab, member).decode_mode()
    check_mode_result(lab, got, expect(member, "decode_mode"), f"{member}.decode_mode()")


@pytest.mark.parametrize("member", MEMBERS)
def test_mixed_mode_is_the_second_half(lab, member):
    got = mode_of(lab, member).mixed_mode()
    check_mode_result(lab, got, expect(member, "mixed_mode"), f"{member}.mixed_mode()")


@pytest.mark.parametrize("member", MEMBERS)
def test_max_cudagraph_mode_is_the_strongest_half(lab, member):
    got = mode_of(lab, member).max_cudagraph_mode()
    check_mode_result(lab, got, expect(member, "max_cudagraph_mode"),
                      f"{member}.max_cudagraph_mode()")


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("runtime", RUNTIME)
def test_has_mode(lab, member, runtime):
    want = HAS_MODE[member][RUNTIME.index(runtime)]
    got = mode_of(lab, member).has_mode(mode_of(lab, runtime))
    assert got is want, (
        f"{member}.has_mode({runtime}): expected {want}, got {got!r}. A composite has a runtime mode "
        "when either half is that mode (FULL_DECODE_ONLY does have NONE: its mixed batches run eagerly)."
    )


@pytest.mark.parametrize("member", MEMBERS)
def test_requires_piecewise_compilation(lab, member):
    want = expect(member, "has_piecewise_cudagraphs")
    got = mode_of(lab, member).requires_piecewise_compilation()
    assert got is want, (
        f"{member}.requires_piecewise_compilation(): expected {want}, got {got!r}. It is true exactly "
        "when some batch runs PIECEWISE, since only VLLM_COMPILE's split makes the pieces."
    )


@pytest.mark.parametrize("member", MEMBERS)
def test_has_piecewise_cudagraphs(lab, member):
    want = expect(member, "has_piecewise_cudagraphs")
    got = mode_of(lab, member).has_piecewise_cudagraphs()
    assert got is want, f"{member}.has_piecewise_cudagraphs(): expected {want}, got {got!r}"


@pytest.mark.parametrize("member", MEMBERS)
def test_has_full_cudagraphs(lab, member):
    want = expect(member, "has_full_cudagraphs")
    got = mode_of(lab, member).has_full_cudagraphs()
    assert got is want, (
        f"{member}.has_full_cudagraphs(): expected {want}, got {got!r}. Both composites capture full "
        "decode graphs, so they need the FULL wrapper too."
    )


def test_valid_runtime_modes_is_a_frozenset_classmethod(lab):
    got = lab.CUDAGraphMode.valid_runtime_modes()
    assert isinstance(got, frozenset), (
        f"valid_runtime_modes() returns a frozenset in 0.22.1 (a bool method in v0.13), got {got!r}"
    )
    assert {m.name for m in got} == set(RUNTIME), f"expected NONE, PIECEWISE, FULL, got {got!r}"


@pytest.mark.parametrize("member", MEMBERS)
def test_is_valid_runtime_mode(lab, member):
    want = expect(member, "is_valid_runtime_mode")
    got = mode_of(lab, member).is_valid_runtime_mode()
    assert got is want, (
        f"{member}.is_valid_runtime_mode(): expected {want}, got {got!r}. A single forward pass runs "
        "NONE, PIECEWISE or FULL; a composite is a policy, never the mode of one batch."
    )


@pytest.mark.parametrize("member", MEMBERS)
def test_bool_is_false_only_for_none(lab, member):
    want = expect(member, "bool")
    got = bool(mode_of(lab, member))
    assert got is want, (
        f"bool({member}): expected {want}, got {got}. 0.22.1 defines __bool__ so NONE is falsy "
        "(default Enum members are all truthy, as in v0.13)."
    )


@pytest.mark.parametrize("member", MEMBERS)
def test_str_is_the_name(lab, member):
    got = str(mode_of(lab, member))
    assert got == member, f"str() must be the bare name {member!r} (logs print it), got {got!r}"


# --- 2. parsing a config string -----------------------------------------------------------------


@pytest.mark.parametrize("text, member", [
    ("FULL_AND_PIECEWISE", "FULL_AND_PIECEWISE"), ("full_and_piecewise", "FULL_AND_PIECEWISE"),
    ("Piecewise", "PIECEWISE"), ("none", "NONE"), ("full_decode_only", "FULL_DECODE_ONLY"),
    ("FULL", "FULL"),
])
def test_parse_is_by_name_in_any_case(lab, text, member):
    got = lab.parse_cudagraph_mode(text)
    check_mode_result(lab, got, member, f"parse_cudagraph_mode({text!r})")


@pytest.mark.parametrize("member", MEMBERS)
def test_parse_passes_a_member_through(lab, member):
    assert lab.parse_cudagraph_mode(mode_of(lab, member)) is mode_of(lab, member)


# --- 3. the compile-time guards -----------------------------------------------------------------


def resolve(lab, mode: str, compilation: str = "VLLM_COMPILE", support: str = "ALWAYS", **kw):
    return lab.resolve_cudagraph_mode(
        lab.CUDAGraphMode[mode], lab.CompilationMode[compilation],
        attention_support=lab.AttentionCGSupport[support], **kw)


@pytest.mark.parametrize("mode", MEMBERS)
@pytest.mark.parametrize("support", ["ALWAYS", "NEVER"])
def test_enforce_eager_turns_every_mode_off(lab, mode, support):
    got = resolve(lab, mode, support=support, enforce_eager=True)
    check_mode_result(lab, got, "NONE", f"{mode} with enforce_eager=True (support {support})")


@pytest.mark.parametrize("mode", ["PIECEWISE", "FULL_AND_PIECEWISE"])
@pytest.mark.parametrize("compilation", ["NONE", "STOCK_TORCH_COMPILE", "DYNAMO_TRACE_ONCE"])
def test_piecewise_modes_without_vllm_compile_drop_to_none(lab, mode, compilation):
    got = resolve(lab, mode, compilation)
    check_mode_result(lab, got, "NONE", f"{mode} under {compilation}")


# 0.33.0 keeps what needs no split (vllm/config/compilation.py:80-85 and vllm/config/vllm.py:1129-1149
# at 0.33.0), then applies the same attention rules to what is left.
AT_0_33_0 = [
    ("PIECEWISE", "ALWAYS", "NONE"), ("FULL_AND_PIECEWISE", "ALWAYS", "FULL_DECODE_ONLY"),
    ("FULL_AND_PIECEWISE", "UNIFORM_BATCH", "FULL_DECODE_ONLY"), ("FULL_AND_PIECEWISE", "NEVER", "NONE"),
    ("FULL", "ALWAYS", "FULL"), ("FULL_DECODE_ONLY", "ALWAYS", "FULL_DECODE_ONLY"), ("NONE", "ALWAYS", "NONE"),
]


@pytest.mark.parametrize("mode, support, want", AT_0_33_0, ids=[f"{m}-{s}" for m, s, _ in AT_0_33_0])
@pytest.mark.parametrize("compilation", ["NONE", "STOCK_TORCH_COMPILE", "DYNAMO_TRACE_ONCE"])
def test_0_33_0_keeps_the_decode_half_without_vllm_compile(lab, mode, support, want, compilation):
    got = resolve(lab, mode, compilation, support, vllm_version="0.33.0")
    check_mode_result(lab, got, want, f"{mode} under {compilation}, support {support}, vllm_version='0.33.0'")


def test_vllm_version_defaults_to_0_22_1(lab):
    got = resolve(lab, "FULL_AND_PIECEWISE", "NONE")
    check_mode_result(lab, got, "NONE", "FULL_AND_PIECEWISE under NONE with no vllm_version")
    got = resolve(lab, "FULL_AND_PIECEWISE", "NONE", vllm_version="0.22.1")
    check_mode_result(lab, got, "NONE", "FULL_AND_PIECEWISE under NONE, vllm_version='0.22.1'")


@pytest.mark.parametrize("version", ["0.33", "0.22.0", "0.34.0", "", " 0.33.0", "0.22.1\n"])
def test_resolve_refuses_an_unknown_vllm_version(lab, version):
    with pytest.raises(ValueError) as err:
        resolve(lab, "FULL_AND_PIECEWISE", "VLLM_COMPILE", vllm_version=version)
    assert "0.22.1" in str(err.value) and "0.33.0" in str(err.value), (
        f"vllm_version={version!r} must be refused with a message naming the choices, got {err.value}")


@pytest.mark.parametrize("mode, compilation", [
    ("FULL", "NONE"), ("FULL", "DYNAMO_TRACE_ONCE"), ("FULL_DECODE_ONLY", "NONE"),
    ("FULL_DECODE_ONLY", "STOCK_TORCH_COMPILE"), ("NONE", "VLLM_COMPILE"),
    ("PIECEWISE", "VLLM_COMPILE"), ("FULL_AND_PIECEWISE", "VLLM_COMPILE"), ("FULL", "VLLM_COMPILE"),
])
def test_modes_the_compiler_can_serve_survive(lab, mode, compilation):
    got = resolve(lab, mode, compilation)
    assert got.name == mode, (
        f"{mode} under {compilation} with ALWAYS-capable attention must stay {mode}, got {got.name}: "
        "full graphs capture the whole forward and need no piecewise split."
    )


@pytest.mark.parametrize("compilation, support, split, want", [
    ("VLLM_COMPILE", "UNIFORM_BATCH", True, "FULL_AND_PIECEWISE"),  # FA2 with the default split
    ("VLLM_COMPILE", "UNIFORM_SINGLE_TOKEN_DECODE", True, "FULL_AND_PIECEWISE"),
    ("VLLM_COMPILE", "UNIFORM_BATCH", False, "FULL_DECODE_ONLY"),
    ("VLLM_COMPILE", "UNIFORM_SINGLE_TOKEN_DECODE", False, "FULL_DECODE_ONLY"),
    ("STOCK_TORCH_COMPILE", "UNIFORM_BATCH", True, "FULL_DECODE_ONLY"),  # nothing is split
    ("NONE", "UNIFORM_BATCH", True, "FULL_DECODE_ONLY"),
])
def test_full_with_partial_attention_support_keeps_full_graphs_for_decode(lab, compilation, support, split, want):
    got = resolve(lab, "FULL", compilation, support, attention_in_splitting_ops=split)
    check_mode_result(lab, got, want, (
        f"FULL under {compilation}, support {support}, attention split={split} (mixed batches "
        "cannot replay a full graph; they go PIECEWISE if attention is split out under "
        "VLLM_COMPILE, else eager)"))


@pytest.mark.parametrize("mode, support", [
    ("FULL_AND_PIECEWISE", "UNIFORM_BATCH"), ("FULL_AND_PIECEWISE", "UNIFORM_SINGLE_TOKEN_DECODE"),
    ("FULL_DECODE_ONLY", "UNIFORM_BATCH"), ("FULL_DECODE_ONLY", "UNIFORM_SINGLE_TOKEN_DECODE"),
    ("PIECEWISE", "NEVER"), ("PIECEWISE", "UNIFORM_BATCH"),
])
def test_partial_support_is_enough_for_decode_only_full_graphs(lab, mode, support):
    got = resolve(lab, mode, support=support)
    assert got.name == mode, (
        f"{mode} with support {support} must stay {mode}, got {got.name}: its full graphs (if any) "
        "only hold uniform decode batches, which every level but NEVER supports."
    )


@pytest.mark.parametrize("mode, compilation, split, want", [
    ("FULL_AND_PIECEWISE", "VLLM_COMPILE", True, "PIECEWISE"),
    ("FULL_AND_PIECEWISE", "VLLM_COMPILE", False, "NONE"),
    ("FULL_DECODE_ONLY", "VLLM_COMPILE", True, "PIECEWISE"),
    ("FULL_DECODE_ONLY", "VLLM_COMPILE", False, "NONE"),
    ("FULL_DECODE_ONLY", "STOCK_TORCH_COMPILE", True, "NONE"),
])
def test_full_decode_graphs_with_never_support(lab, mode, compilation, split, want):
    got = resolve(lab, mode, compilation, "NEVER", attention_in_splitting_ops=split)
    check_mode_result(lab, got, want, (
        f"{mode} under {compilation}, support NEVER, attention split={split} (no full graph at "
        "all: PIECEWISE if attention is split out under VLLM_COMPILE, else NONE)"))


@pytest.mark.parametrize("compilation", ["VLLM_COMPILE", "STOCK_TORCH_COMPILE", "NONE"])
@pytest.mark.parametrize("split", [True, False])
def test_full_with_never_support_is_an_error(lab, compilation, split):
    with pytest.raises(ValueError) as err:
        resolve(lab, "FULL", compilation, "NEVER", attention_in_splitting_ops=split)
    assert re.search(naming("NEVER", "cudagraph_mode"), str(err.value)), (
        f"the error must name cudagraph_mode and say why: the attention support is NEVER. "
        f"Got: {err.value}"
    )


@pytest.mark.parametrize("mode", ["FULL_AND_PIECEWISE", "PIECEWISE"])
def test_the_compile_guard_runs_before_the_attention_rules(lab, mode):
    got = resolve(lab, mode, "DYNAMO_TRACE_ONCE", "NEVER")
    check_mode_result(lab, got, "NONE", f"{mode} under DYNAMO_TRACE_ONCE with support NEVER")


# --- 4. the routing table -----------------------------------------------------------------------

ROUTES = [  # mode, what runs a pure-decode batch, what runs a mixed batch
    ("NONE", "NONE", "NONE"),
    ("PIECEWISE", "PIECEWISE", "PIECEWISE"),
    ("FULL", "FULL", "FULL"),
    ("FULL_DECODE_ONLY", "FULL", "NONE"),
    ("FULL_AND_PIECEWISE", "FULL", "PIECEWISE"),
]


def test_routing_table_rows(lab):
    got = [(r.mode.name, r.decode.name, r.mixed.name) for r in lab.routing_table()]
    assert got == ROUTES, f"expected one row per member in enum order:\n{ROUTES}\ngot\n{got}"


def test_routing_table_says_why(lab):
    rows = lab.routing_table()
    for row in rows:
        assert isinstance(row.why, str) and row.why.strip(), (
            f"{row.mode.name}: each row needs a reason the choice is safe, got {row.why!r}"
        )
    reasons = [row.why.strip() for row in rows]
    assert len(set(reasons)) == len(reasons), (
        f"each mode is safe for its own reason; these rows share one: "
        f"{[r.mode.name for r in rows if reasons.count(r.why.strip()) > 1]}"
    )


# --- 5-6. the dispatcher: keys and dispatch -----------------------------------------------------

SMALL = [1, 2, 4, 8, 16, 24, 32]


def l4_ladder() -> list[int]:
    """0.22.1's default 51 capture sizes for max 512: 1, 2, 4, stride 8 below 256, stride 16."""
    sizes = [1, 2, 4]
    size = 8
    while size <= 512:
        sizes.append(size)
        size += 8 if size < 256 else 16
    assert len(sizes) == 51 and sizes[33:36] == [248, 256, 272]
    return sizes


def dispatched(lab, mode, sizes, mns, tokens, uniform, invalid=None, q=1):
    dispatcher = lab.CudagraphDispatcher(lab.CUDAGraphMode[mode], sizes, mns, q)
    kwargs = {} if invalid is None else {"invalid_modes": {lab.CUDAGraphMode[m] for m in invalid}}
    runtime, desc = dispatcher.dispatch(tokens, uniform_decode=uniform, **kwargs)
    assert isinstance(desc, lab.BatchDescriptor), f"dispatch must return a BatchDescriptor, got {desc!r}"
    assert desc.has_lora is False
    assert desc.num_reqs is None or type(desc.num_reqs) is int, (
        f"num_reqs counts requests: an int or None, got {desc.num_reqs!r}")
    return runtime.name, (desc.num_tokens, desc.num_reqs, desc.uniform)


def explain(mode, tokens, uniform, want, got, extra=""):
    kind = "uniform decode" if uniform else "mixed"
    return (f"{mode}, {tokens} tokens, {kind}{extra}: expected {want[0]} with (num_tokens, num_reqs, "
            f"uniform)={want[1]}, got {got[0]} with {got[1]}. FULL keys are exact; PIECEWISE keys "
            "are relaxed to (n, None, False); NONE carries the unpadded token count.")


# On SMALL with max_num_seqs=32 every size has a decode key. Worked by hand:
# 3 pads to 4, 17 pads to 24, 32 is a rung, 33 is above the top rung.
GRID = [
    ("FULL_AND_PIECEWISE", 1, True, ("FULL", (1, 1, True))),
    ("FULL_AND_PIECEWISE", 3, True, ("FULL", (4, 4, True))),
    ("FULL_AND_PIECEWISE", 16, True, ("FULL", (16, 16, True))),
    ("FULL_AND_PIECEWISE", 17, True, ("FULL", (24, 24, True))),
    ("FULL_AND_PIECEWISE", 32, True, ("FULL", (32, 32, True))),
    ("FULL_AND_PIECEWISE", 3, False, ("PIECEWISE", (4, None, False))),
    ("FULL_AND_PIECEWISE", 17, False, ("PIECEWISE", (24, None, False))),
    ("FULL_AND_PIECEWISE", 32, False, ("PIECEWISE", (32, None, False))),
    ("FULL", 3, False, ("FULL", (4, 4, False))),
    ("FULL", 3, True, ("FULL", (4, 4, False))),  # one routine: the uniform flag is dropped
    ("FULL", 17, False, ("FULL", (24, 24, False))),
    ("FULL", 32, True, ("FULL", (32, 32, False))),
    ("FULL_DECODE_ONLY", 3, True, ("FULL", (4, 4, True))),
    ("FULL_DECODE_ONLY", 17, True, ("FULL", (24, 24, True))),
    ("FULL_DECODE_ONLY", 3, False, ("NONE", (3, None, False))),  # mixed: eager, unpadded
    ("FULL_DECODE_ONLY", 17, False, ("NONE", (17, None, False))),
    ("PIECEWISE", 3, True, ("PIECEWISE", (4, None, False))),
    ("PIECEWISE", 3, False, ("PIECEWISE", (4, None, False))),
    ("PIECEWISE", 17, True, ("PIECEWISE", (24, None, False))),
    ("PIECEWISE", 32, False, ("PIECEWISE", (32, None, False))),
]


@pytest.mark.parametrize("mode, tokens, uniform, want", GRID,
                         ids=[f"{m}-{t}-{'uniform' if u else 'mixed'}" for m, t, u, _ in GRID])
def test_dispatch_pads_and_routes(lab, mode, tokens, uniform, want):
    got = dispatched(lab, mode, SMALL, 32, tokens, uniform)
    assert got == want, explain(mode, tokens, uniform, want, got)


@pytest.mark.parametrize("mode", MEMBERS)
@pytest.mark.parametrize("tokens", [33, 40, 1000])
@pytest.mark.parametrize("uniform", [True, False])
def test_dispatch_above_the_largest_size_is_eager_and_unpadded(lab, mode, tokens, uniform):
    want = ("NONE", (tokens, None, False))
    got = dispatched(lab, mode, SMALL, 32, tokens, uniform)
    assert got == want, explain(mode, tokens, uniform, want, got, " (top rung is 32)")


@pytest.mark.parametrize("tokens", [1, 3, 5, 32])
@pytest.mark.parametrize("uniform", [True, False])
def test_mode_none_never_pads(lab, tokens, uniform):
    want = ("NONE", (tokens, None, False))
    got = dispatched(lab, "NONE", SMALL, 32, tokens, uniform)
    assert got == want, explain("NONE", tokens, uniform, want, got)


# max_num_seqs=6: decode keys exist only for sizes 1, 2, 4 (a decode of s tokens is s requests),
# and FULL mixed keys cap num_reqs at 6. 5 requests pad to 8 tokens, more rows than 6 requests.
CAPPED = [
    ("FULL_AND_PIECEWISE", 4, True, ("FULL", (4, 4, True))),
    ("FULL_AND_PIECEWISE", 5, True, ("PIECEWISE", (8, None, False))),
    ("FULL_AND_PIECEWISE", 6, True, ("PIECEWISE", (8, None, False))),
    ("FULL_DECODE_ONLY", 4, True, ("FULL", (4, 4, True))),
    ("FULL_DECODE_ONLY", 5, True, ("NONE", (5, None, False))),
    ("FULL", 5, False, ("FULL", (8, 6, False))),
    ("FULL", 17, True, ("FULL", (24, 6, False))),
    ("PIECEWISE", 5, True, ("PIECEWISE", (8, None, False))),
]


@pytest.mark.parametrize("mode, tokens, uniform, want", CAPPED,
                         ids=[f"{m}-{t}-{'uniform' if u else 'mixed'}" for m, t, u, _ in CAPPED])
def test_decode_keys_stop_at_max_num_seqs(lab, mode, tokens, uniform, want):
    got = dispatched(lab, mode, SMALL, 6, tokens, uniform)
    assert got == want, explain(mode, tokens, uniform, want, got, ", max_num_seqs=6")


INVALID = [
    ("FULL_AND_PIECEWISE", 3, True, ["FULL"], ("PIECEWISE", (4, None, False))),  # cascade attention
    ("FULL_AND_PIECEWISE", 17, True, ["FULL"], ("PIECEWISE", (24, None, False))),
    ("FULL_AND_PIECEWISE", 3, False, ["FULL"], ("PIECEWISE", (4, None, False))),
    ("FULL", 3, False, ["FULL"], ("NONE", (3, None, False))),
    ("FULL_DECODE_ONLY", 3, True, ["FULL"], ("NONE", (3, None, False))),
    ("PIECEWISE", 3, False, ["FULL"], ("PIECEWISE", (4, None, False))),
    ("FULL_AND_PIECEWISE", 3, False, ["PIECEWISE"], ("NONE", (3, None, False))),
    ("FULL_AND_PIECEWISE", 3, True, ["PIECEWISE"], ("FULL", (4, 4, True))),
    ("FULL_AND_PIECEWISE", 3, True, ["FULL", "PIECEWISE"], ("NONE", (3, None, False))),
    ("FULL_AND_PIECEWISE", 3, True, ["NONE"], ("FULL", (4, 4, True))),  # a graph fits: NONE unused
    ("FULL_AND_PIECEWISE", 3, False, ["NONE", "FULL"], ("PIECEWISE", (4, None, False))),
]


@pytest.mark.parametrize("mode, tokens, uniform, invalid, want", INVALID,
                         ids=[f"{m}-{t}-{'uniform' if u else 'mixed'}-no-{'+'.join(i)}"
                              for m, t, u, i, _ in INVALID])
def test_invalid_modes_force_the_fallback(lab, mode, tokens, uniform, invalid, want):
    got = dispatched(lab, mode, SMALL, 32, tokens, uniform, invalid)
    assert got == want, explain(mode, tokens, uniform, want, got, f", invalid_modes={set(invalid)}")


# Speculative decoding with 1 draft token: q=2 tokens per request in a uniform decode.
SPEC = [
    (4, True, ("FULL", (4, 2, True))),
    (6, True, ("FULL", (8, 4, True))),
    (8, True, ("FULL", (8, 4, True))),
    (10, True, ("PIECEWISE", (16, None, False))),  # 5 requests > max_num_seqs=4: no decode key
    (3, False, ("PIECEWISE", (4, None, False))),
]


@pytest.mark.parametrize("tokens, uniform, want", SPEC,
                         ids=[f"{t}-{'uniform' if u else 'mixed'}" for t, u, _ in SPEC])
def test_uniform_decode_query_len_counts_requests(lab, tokens, uniform, want):
    got = dispatched(lab, "FULL_AND_PIECEWISE", [2, 4, 8, 16], 4, tokens, uniform, q=2)
    assert got == want, explain("FULL_AND_PIECEWISE", tokens, uniform, want, got,
                                ", q=2 tokens per request, max_num_seqs=4")


L4 = [  # 0.22.1's defaults on an L4: 51 sizes up to 512, max_num_seqs=256
    (33, True, ("FULL", (40, 40, True))),
    (33, False, ("PIECEWISE", (40, None, False))),
    (100, True, ("FULL", (104, 104, True))),
    (100, False, ("PIECEWISE", (104, None, False))),
    (249, True, ("FULL", (256, 256, True))),
    (257, True, ("PIECEWISE", (272, None, False))),  # above max_num_seqs: no decode key
    (511, False, ("PIECEWISE", (512, None, False))),
    (513, False, ("NONE", (513, None, False))),
    (600, True, ("NONE", (600, None, False))),
]


@pytest.mark.parametrize("tokens, uniform, want", L4,
                         ids=[f"{t}-{'uniform' if u else 'mixed'}" for t, u, _ in L4])
def test_dispatch_with_l4_defaults(lab, tokens, uniform, want):
    got = dispatched(lab, "FULL_AND_PIECEWISE", l4_ladder(), 256, tokens, uniform)
    assert got == want, explain("FULL_AND_PIECEWISE", tokens, uniform, want, got,
                                " (51 sizes, max_num_seqs=256)")


# --- 7. what start-up captures, and the log it prints ------------------------------------------

RELAXED = [(s, None, False) for s in (32, 24, 16, 8, 4, 2, 1)]
DESCS = {  # SMALL ladder, max_num_seqs=6
    "NONE": [],
    "PIECEWISE": [("PIECEWISE", RELAXED)],
    "FULL": [("FULL", [(32, 6, False), (24, 6, False), (16, 6, False), (8, 6, False),
                       (4, 4, False), (2, 2, False), (1, 1, False)])],
    "FULL_DECODE_ONLY": [("FULL", [(4, 4, True), (2, 2, True), (1, 1, True)])],
    "FULL_AND_PIECEWISE": [("PIECEWISE", RELAXED), ("FULL", [(4, 4, True), (2, 2, True), (1, 1, True)])],
}


def capture_plan(lab, mode, sizes, mns):
    dispatcher = lab.CudagraphDispatcher(lab.CUDAGraphMode[mode], sizes, mns)
    return [(runtime.name, [(d.num_tokens, d.num_reqs, d.uniform) for d in descs])
            for runtime, descs in dispatcher.capture_descs()]


@pytest.mark.parametrize("mode", MEMBERS)
def test_capture_descs(lab, mode):
    got = capture_plan(lab, mode, SMALL, 6)
    assert got == DESCS[mode], (
        f"{mode} on {SMALL}, max_num_seqs=6: expected passes\n{DESCS[mode]}\ngot\n{got}\n"
        "PIECEWISE pass first, then FULL; each largest first; decode keys only up to max_num_seqs."
    )


@pytest.mark.parametrize("mode", MEMBERS)
def test_capture_runs_largest_first(lab, mode):
    for runtime, descs in capture_plan(lab, mode, l4_ladder(), 256):
        sizes = [d[0] for d in descs]
        assert sizes == sorted(sizes, reverse=True), (
            f"{mode}, {runtime} pass: capture largest first (smaller graphs reuse the big one's "
            f"pool memory); got {sizes[:5]}..."
        )


LOG_LINE = re.compile(r"^Capturing CUDA graphs \((decode|mixed prefill-decode), (\w+)\): .*\b(\d+)/(\d+)$")
MIXED, DECODE = "mixed prefill-decode", "decode"
LOGS = [  # the 51-size ladder; decode passes count the sizes <= max_num_seqs
    ("FULL_AND_PIECEWISE", 256, [(MIXED, "PIECEWISE", 51), (DECODE, "FULL", 35)]),  # L4
    ("FULL_AND_PIECEWISE", 1024, [(MIXED, "PIECEWISE", 51), (DECODE, "FULL", 51)]),  # H100
    ("FULL_AND_PIECEWISE", 128, [(MIXED, "PIECEWISE", 51), (DECODE, "FULL", 19)]),
    ("FULL_AND_PIECEWISE", 80, [(MIXED, "PIECEWISE", 51), (DECODE, "FULL", 13)]),
    ("FULL_DECODE_ONLY", 256, [(DECODE, "FULL", 35)]),
    ("FULL", 256, [(MIXED, "FULL", 51)]),  # FULL keys are not uniform: a "mixed" bar
    ("PIECEWISE", 256, [(MIXED, "PIECEWISE", 51)]),
    ("NONE", 256, []),
]


@pytest.mark.parametrize("mode, mns, want", LOGS, ids=[f"{m}-mns{n}" for m, n, _ in LOGS])
def test_capture_log_passes(lab, mode, mns, want):
    lines = lab.capture_log(lab.CUDAGraphMode[mode], l4_ladder(), mns)
    got = []
    for line in lines:
        match = LOG_LINE.match(line)
        assert match, (f"each line must read 'Capturing CUDA graphs (<decode|mixed prefill-decode>, "
                       f"<MODE>): ... n/n', as 0.22.1's V1 runner words it; got {line!r}")
        kind, runtime, done, total = match.groups()
        assert done == total, f"a finished bar reads n/n, got {line!r}"
        got.append((kind, runtime, int(total)))
    assert got == want, f"{mode}, max_num_seqs={mns}: expected bars {want}, got {got}"


V2_LOG_LINE = re.compile(r"^Capturing CUDA graphs \((\w+)\): 100%\|█{10}\| (\d+)/(\d+)$")


@pytest.mark.parametrize("mode, mns, want", LOGS, ids=[f"{m}-mns{n}" for m, n, _ in LOGS])
def test_v2_capture_log_names_only_the_mode(lab, mode, mns, want):
    """Model Runner V2 captures the same passes, worded (vllm/v1/worker/gpu/cudagraph_utils.py:215)."""
    lines = lab.capture_log(lab.CUDAGraphMode[mode], l4_ladder(), mns, runner="v2")
    got = []
    for line in lines:
        match = V2_LOG_LINE.match(line)
        assert match, ("with runner='v2' each line must read 'Capturing CUDA graphs (<MODE>): "
                       f"100%|██████████| n/n', the mode alone, as Model Runner V2 words it; got {line!r}")
        runtime, done, total = match.groups()
        assert done == total, f"a finished bar reads n/n, got {line!r}"
        got.append((runtime, int(total)))
    assert got == [(runtime, n) for _, runtime, n in want], (
        f"{mode}, max_num_seqs={mns}, runner='v2': V2 captures the same passes and counts as V1, "
        f"expected {[(r, n) for _, r, n in want]}, got {got}")


def profiled_then_real(passes: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """0.33.0's V2 start-up: every pass once with FULL cut to its two largest graphs, then all of it."""
    return [(mode, min(n, 2) if mode == "FULL" else n) for mode, n in passes] + passes


@pytest.mark.parametrize("mode, mns, want", LOGS, ids=[f"{m}-mns{n}" for m, n, _ in LOGS])
def test_v2_at_0_33_0_captures_once_to_profile_memory_first(lab, mode, mns, want):
    """vllm/v1/worker/gpu/cudagraph_utils.py:995-1000 at 0.33.0: a profiling capture before the real one."""
    lines = lab.capture_log(lab.CUDAGraphMode[mode], l4_ladder(), mns, runner="v2", vllm_version="0.33.0")
    got = []
    for line in lines:
        match = V2_LOG_LINE.match(line)
        assert match, f"runner='v2' words each bar 'Capturing CUDA graphs (<MODE>): 100%|██████████| n/n'; got {line!r}"
        got.append((match.group(1), int(match.group(3))))
    expected = profiled_then_real([(runtime, n) for _, runtime, n in want])
    assert got == expected, (
        f"{mode}, max_num_seqs={mns}, runner='v2', vllm_version='0.33.0': Model Runner V2 first captures "
        f"every pass once to measure graph memory (FULL cut to its two largest graphs), then for real; "
        f"expected {expected}, got {got}")


@pytest.mark.parametrize("runner", ["v1", "v2"])
def test_only_v2_at_0_33_0_profiles_by_capturing(lab, runner):
    mode = lab.CUDAGraphMode.FULL_AND_PIECEWISE
    at_0_22_1 = lab.capture_log(mode, l4_ladder(), 256, runner=runner, vllm_version="0.22.1")
    assert at_0_22_1 == lab.capture_log(mode, l4_ladder(), 256, runner=runner), (
        "vllm_version defaults to '0.22.1'")
    assert len(at_0_22_1) == 2, f"0.22.1 prints one bar per pass (runner={runner!r}); got {at_0_22_1}"
    if runner == "v1":
        got = lab.capture_log(mode, l4_ladder(), 256, runner="v1", vllm_version="0.33.0")
        assert got == at_0_22_1, (
            "V1 at 0.33.0 profiles graph memory without progress bars, so its bars are 0.22.1's; "
            f"expected {at_0_22_1}, got {got}")


@pytest.mark.parametrize("runner", ["v3", "V2", "", "model_runner_v2"])
def test_capture_log_refuses_an_unknown_runner(lab, runner):
    with pytest.raises(ValueError) as err:
        lab.capture_log(lab.CUDAGraphMode.FULL_AND_PIECEWISE, l4_ladder(), 256, runner=runner)
    assert "v1" in str(err.value) and "v2" in str(err.value), (
        f"runner={runner!r} must be refused with a message naming the choices, got {err.value}")


# --- 8. transfer: the largest decode that replays a full graph ----------------------------------

# Worked out by hand from §3, §5 and §6; none of these deployments appears in the README.
# (mode, compilation, capture sizes, max_num_seqs, keywords, the answer)
S16, Q3 = [1, 2, 4, 8, 16], [3, 6, 12, 24, 48]
LARGEST = {
    # composites: a decode of 5 to 7 requests pads to 8 tokens, past the decode keys that stop at 7
    "composite-padding-overshoots-mns": ("FULL_AND_PIECEWISE", "VLLM_COMPILE", S16, 7, {}, 4),
    "composite-mns-on-a-rung": ("FULL_AND_PIECEWISE", "VLLM_COMPILE", S16, 8, {}, 8),
    "composite-ladder-shorter-than-mns": ("FULL_DECODE_ONLY", "NONE", S16, 100, {}, 16),
    "composite-no-rung-below-mns": ("FULL_AND_PIECEWISE", "VLLM_COMPILE", [8, 16], 4, {}, None),
    # plain FULL: one exact key per rung, not uniform, and a decode looks them up as a mixed batch
    "full-every-rung-has-a-key": ("FULL", "VLLM_COMPILE", S16, 7, {}, 7),
    "full-pads-past-mns": ("FULL", "NONE", [8, 16], 4, {}, 4),
    # the guards decide first which graphs exist at all
    "full-on-fa2-keeps-decode-graphs-only": ("FULL", "VLLM_COMPILE", S16, 7, {"attention_support": "UNIFORM_BATCH"}, 4),
    "full-on-fa2-without-split": ("FULL", "STOCK_TORCH_COMPILE", S16, 7, {"attention_support": "UNIFORM_BATCH"}, 4),
    "never-support-leaves-pieces-only": ("FULL_DECODE_ONLY", "VLLM_COMPILE", S16, 7, {"attention_support": "NEVER"}, None),
    "0.22.1-drops-to-none-without-vllm-compile": ("FULL_AND_PIECEWISE", "DYNAMO_TRACE_ONCE", S16, 7, {}, None),
    "0.33.0-keeps-the-decode-half": ("FULL_AND_PIECEWISE", "DYNAMO_TRACE_ONCE", S16, 7, {"vllm_version": "0.33.0"}, 4),
    "piecewise-has-no-full-graph": ("PIECEWISE", "VLLM_COMPILE", S16, 7, {}, None),
    "none-captures-nothing": ("NONE", "VLLM_COMPILE", S16, 7, {}, None),
    # speculative decoding: q tokens per request, the answer counts requests
    "q3-composite": ("FULL_DECODE_ONLY", "VLLM_COMPILE", Q3, 5, {"uniform_decode_query_len": 3}, 4),
    "q3-composite-ladder-top": ("FULL_AND_PIECEWISE", "VLLM_COMPILE", Q3, 100, {"uniform_decode_query_len": 3}, 16),
    "q3-full": ("FULL", "VLLM_COMPILE", Q3, 5, {"uniform_decode_query_len": 3}, 5),
    "q2-composite-without-compile": ("FULL_DECODE_ONLY", "NONE", [2, 4, 8], 3, {"uniform_decode_query_len": 2}, 2),
    # a max_num_seqs no loop over request counts reaches
    "huge-max-num-seqs": ("FULL_AND_PIECEWISE", "VLLM_COMPILE", "l4", 10**12, {}, 512),
    "huge-max-num-seqs-full": ("FULL", "VLLM_COMPILE", Q3, 10**15, {"uniform_decode_query_len": 3}, 16),
}


@pytest.mark.parametrize("case", LARGEST)
def test_largest_full_decode(lab, case):
    mode, compilation, sizes, mns, keywords, want = LARGEST[case]
    keywords = dict(keywords)
    if "attention_support" in keywords:
        keywords["attention_support"] = lab.AttentionCGSupport[keywords["attention_support"]]
    sizes = l4_ladder() if sizes == "l4" else sizes
    got = lab.largest_full_decode(lab.CUDAGraphMode[mode], lab.CompilationMode[compilation], sizes, mns, **keywords)
    assert got is None or (isinstance(got, int) and not isinstance(got, bool)), (
        f"return an int (a count of requests) or None, got {got!r}")
    assert got == want, (
        f"{case}: {mode} under {compilation}, capture sizes {sizes if len(sizes) < 8 else '(51 sizes to 512)'}, "
        f"max_num_seqs={mns}, {keywords}: the largest uniform decode (in requests) that replays a FULL graph "
        f"is {want}, got {got}. Which mode survives §3, which FULL keys does §5 capture for it, and which "
        f"key does a decode of n requests pad to (§6)?")


def test_largest_full_decode_accepts_names_and_ints(lab):
    got = lab.largest_full_decode("full_and_piecewise", 3, [1, 2, 4, 8, 16], 7)
    assert got == 4, f"a mode name (any case) and the int 3 (VLLM_COMPILE) work as in §2 and §3; got {got!r}"


# --- gaps closed by one-bug variants and mutation testing (issue 16) ---------------------------


@pytest.mark.parametrize("support", ["UNIFORM_BATCH", "UNIFORM_SINGLE_TOKEN_DECODE"])
def test_attention_is_a_splitting_op_by_default(lab, support):
    got = lab.resolve_cudagraph_mode(lab.CUDAGraphMode.FULL, lab.CompilationMode.VLLM_COMPILE,
                                     attention_support=lab.AttentionCGSupport[support])
    assert got is lab.CUDAGraphMode.FULL_AND_PIECEWISE, (
        f"FULL under VLLM_COMPILE with {support} support and attention_in_splitting_ops left at its "
        f"default (True) becomes FULL_AND_PIECEWISE; got {got!r}"
    )


@pytest.mark.parametrize("mode", ["FULL", "FULL_DECODE_ONLY", "FULL_AND_PIECEWISE", "PIECEWISE"])
@pytest.mark.parametrize("uniform", [False, True])
def test_a_lora_batch_finds_no_graph_and_runs_eagerly(lab, mode, uniform):
    dispatcher = lab.CudagraphDispatcher(lab.CUDAGraphMode[mode], SMALL, 32)
    runtime, desc = dispatcher.dispatch(3, uniform_decode=uniform, has_lora=True)
    assert runtime is lab.CUDAGraphMode.NONE and desc == lab.BatchDescriptor(3), (
        f"{mode}: no LoRA graph was captured, so a has_lora batch of 3 tokens must run eagerly with "
        f"the eager answer BatchDescriptor(3), every other field at its default (README §6); "
        f"got {runtime!r} with {desc!r}"
    )


@pytest.mark.parametrize("mode", ["FULL", "FULL_AND_PIECEWISE", "PIECEWISE"])
@pytest.mark.parametrize("invalid", [["FULL"], ["PIECEWISE"], ["FULL", "PIECEWISE"]])
def test_invalid_modes_may_be_any_iterable(lab, mode, invalid):
    dispatcher = lab.CudagraphDispatcher(lab.CUDAGraphMode[mode], SMALL, 32)
    as_set = dispatcher.dispatch(3, True, invalid_modes={lab.CUDAGraphMode[m] for m in invalid})
    once = dispatcher.dispatch(3, True, invalid_modes=(lab.CUDAGraphMode[m] for m in invalid))
    assert once == as_set, (
        f"{mode}, invalid_modes={invalid}: a generator (read once) must give what a set gives, "
        f"{as_set}; got {once}. Read invalid_modes once, into a set of your own"
    )


def test_uniform_decode_defaults_to_a_mixed_batch(lab):
    dispatcher = lab.CudagraphDispatcher(lab.CUDAGraphMode.FULL_AND_PIECEWISE, SMALL, 32)
    runtime, desc = dispatcher.dispatch(3)
    assert (runtime.name, desc.num_tokens, desc.num_reqs, desc.uniform) == ("PIECEWISE", 4, None, False), (
        f"dispatch(3) leaves uniform_decode at its default, False: a mixed batch, which "
        f"FULL_AND_PIECEWISE replays PIECEWISE at (4, None, False); got {runtime!r} with {desc!r}")


@pytest.mark.parametrize("mode, sizes, want", [
    ("FULL_AND_PIECEWISE", [1], ["mixed prefill-decode, PIECEWISE", "decode, FULL"]),
    ("FULL", [1], ["mixed prefill-decode, FULL"]),
])
def test_capture_log_on_a_one_rung_ladder(lab, mode, sizes, want):
    got = lab.capture_log(lab.CUDAGraphMode[mode], sizes, 8)
    expected = [f"Capturing CUDA graphs ({label}): 100%|{'█' * 10}| 1/1" for label in want]
    assert got == expected, f"{mode} on the ladder {sizes}: one graph per pass, {expected}; got {got}"


# --- §0: every error names the argument it refuses ----------------------------------------------

def _dispatcher(lab, sizes=(1, 2, 4), mns=8, q=1):
    return lab.CudagraphDispatcher(lab.CUDAGraphMode.FULL_AND_PIECEWISE, list(sizes), mns, q)


def _resolve(lab, **kwargs):
    args = {"compilation_mode": lab.CompilationMode.VLLM_COMPILE, **kwargs}
    return lab.resolve_cudagraph_mode(lab.CUDAGraphMode.FULL_AND_PIECEWISE, args.pop("compilation_mode"),
                                      **args)


ALL_RUNTIME = ("NONE", "PIECEWISE", "FULL")
BAD = {  # case: (call, the error it raises, the argument its message names)
    "has_mode-composite": (lambda lab: lab.CUDAGraphMode.FULL.has_mode(lab.CUDAGraphMode.FULL_DECODE_ONLY),
                           ValueError, "mode"),
    "has_mode-itself": (lambda lab: lab.CUDAGraphMode.FULL_AND_PIECEWISE.has_mode(lab.CUDAGraphMode.FULL_AND_PIECEWISE),
                        ValueError, "mode"),
    "has_mode-int": (lambda lab: lab.CUDAGraphMode.FULL.has_mode(2), TypeError, "mode"),
    "parse-int": (lambda lab: lab.parse_cudagraph_mode(2), TypeError, "cudagraph_mode"),
    **{f"parse-{case}": (lambda lab, text=text: lab.parse_cudagraph_mode(text), ValueError, "cudagraph_mode")
       for case, text in [("leading-space", " full"), ("trailing-newline", "FULL_AND_PIECEWISE\n")]},
    "parse-unknown": (lambda lab: lab.parse_cudagraph_mode("fast"), ValueError, "cudagraph_mode"),
    "parse-dotless-i": (lambda lab: lab.parse_cudagraph_mode("p\u0131ecew\u0131se"), ValueError,
                        "cudagraph_mode"),
    **{f"parse-{case}": (lambda lab, text=text: lab.parse_cudagraph_mode(text), ValueError, "cudagraph_mode")
       for case, text in [("hyphens", "full-and-piecewise"), ("no-underscores", "FULLANDPIECEWISE"),
                          ("empty", ""), ("decode", "decode")]},
    **{f"parse-{case}": (lambda lab, value=value: lab.parse_cudagraph_mode(value), TypeError, "cudagraph_mode")
       for case, value in [("None", None), ("list", ["FULL"]), ("float", 2.0)]},
    "resolve-compilation_mode-7": (lambda lab: _resolve(lab, compilation_mode=7), ValueError,
                                   "compilation_mode"),
    "resolve-compilation_mode-negative": (lambda lab: _resolve(lab, compilation_mode=-1), ValueError,
                                          "compilation_mode"),
    "resolve-compilation_mode-str": (lambda lab: _resolve(lab, compilation_mode="fast"),
                                     (TypeError, ValueError), "compilation_mode"),
    "resolve-attention_support": (lambda lab: _resolve(lab, attention_support="sometimes"),
                                  (TypeError, ValueError), "attention_support"),
    "resolve-enforce_eager": (lambda lab: _resolve(lab, enforce_eager="False"), TypeError, "enforce_eager"),
    "resolve-attention_in_splitting_ops": (lambda lab: _resolve(lab, attention_in_splitting_ops=1),
                                           TypeError, "attention_in_splitting_ops"),
    "resolve-vllm_version": (lambda lab: _resolve(lab, vllm_version="0.30.0"), ValueError, "vllm_version"),
    "resolve-vllm_version-padded": (lambda lab: _resolve(lab, vllm_version=" 0.33.0"), ValueError, "vllm_version"),
    "dispatcher-empty": (lambda lab: _dispatcher(lab, sizes=()), ValueError, "capture_sizes"),
    "dispatcher-unsorted": (lambda lab: _dispatcher(lab, sizes=(4, 2, 1)), ValueError, "capture_sizes"),
    "dispatcher-max_num_seqs": (lambda lab: _dispatcher(lab, mns=0), ValueError, "max_num_seqs"),
    "dispatcher-q": (lambda lab: _dispatcher(lab, q=0), ValueError, "uniform_decode_query_len"),
    "dispatcher-not-multiples-of-q": (lambda lab: _dispatcher(lab, sizes=(2, 4, 5), q=2), ValueError,
                                      "capture_sizes"),
    "dispatch-num_tokens": (lambda lab: _dispatcher(lab).dispatch(0), ValueError, "num_tokens"),
    "dispatch-num_tokens-negative": (lambda lab: _dispatcher(lab).dispatch(-3), ValueError, "num_tokens"),
    "dispatch-uniform_decode": (lambda lab: _dispatcher(lab).dispatch(3, uniform_decode="no"), TypeError,
                                "uniform_decode"),
    "dispatch-has_lora": (lambda lab: _dispatcher(lab).dispatch(3, has_lora="no"), TypeError, "has_lora"),
    "dispatch-composite-invalid": (
        lambda lab: _dispatcher(lab).dispatch(3, invalid_modes={lab.CUDAGraphMode.FULL_AND_PIECEWISE}),
        ValueError, "invalid_modes"),
    "dispatch-a-mode-name-in-invalid_modes": (
        lambda lab: _dispatcher(lab).dispatch(3, invalid_modes={"FULL"}), ValueError, "invalid_modes"),
    "dispatch-invalid_modes-a-bare-string": (
        lambda lab: _dispatcher(lab).dispatch(3, invalid_modes="FULL"), TypeError, "invalid_modes"),
    "dispatch-all-invalid": (
        lambda lab: _dispatcher(lab).dispatch(3, invalid_modes={lab.CUDAGraphMode[m] for m in ALL_RUNTIME}),
        ValueError, "invalid_modes"),
    "dispatch-no-graph-fits-and-none-invalid": (  # a mixed batch under FULL_DECODE_ONLY runs eagerly
        lambda lab: lab.CudagraphDispatcher(lab.CUDAGraphMode.FULL_DECODE_ONLY, [1, 2, 4], 8).dispatch(
            3, invalid_modes={lab.CUDAGraphMode.NONE}), ValueError, "invalid_modes"),
    "dispatch-above-the-ladder-and-none-invalid": (
        lambda lab: _dispatcher(lab).dispatch(5, invalid_modes=[lab.CUDAGraphMode.NONE]), ValueError,
        "invalid_modes"),
    "capture_log-runner": (lambda lab: lab.capture_log(lab.CUDAGraphMode.FULL, [1, 2], 8, runner="v3"),
                           ValueError, "runner"),
    "capture_log-vllm_version": (
        lambda lab: lab.capture_log(lab.CUDAGraphMode.FULL, [1, 2], 8, runner="v2", vllm_version="0.33"),
        ValueError, "vllm_version"),
    "largest-full-with-never": (
        lambda lab: lab.largest_full_decode(lab.CUDAGraphMode.FULL, 3, [1, 2, 4], 4,
                                            attention_support=lab.AttentionCGSupport.NEVER),
        ValueError, "cudagraph_mode"),
    "largest-compilation_mode-7": (lambda lab: lab.largest_full_decode("FULL", 7, [1, 2, 4], 4), ValueError,
                                   "compilation_mode"),
    "largest-unknown-name": (lambda lab: lab.largest_full_decode("full-and-piecewise", 3, [1, 2, 4], 4), ValueError,
                             "cudagraph_mode"),
    "largest-capture_sizes": (lambda lab: lab.largest_full_decode("FULL", 3, [4, 2], 4), ValueError,
                              "capture_sizes"),
    "largest-max_num_seqs": (lambda lab: lab.largest_full_decode("FULL", 3, [1, 2, 4], 0), ValueError,
                             "max_num_seqs"),
    "largest-not-multiples-of-q": (
        lambda lab: lab.largest_full_decode("FULL", 3, [2, 3], 4, uniform_decode_query_len=2), ValueError,
        "capture_sizes"),
    "largest-vllm_version": (lambda lab: lab.largest_full_decode("FULL", 3, [1, 2], 4, vllm_version="0.33"),
                             ValueError, "vllm_version"),
}


@pytest.mark.parametrize("case", BAD)
def test_every_error_names_its_argument(lab, case):
    call, error, argument = BAD[case]
    with pytest.raises(error) as err:
        call(lab)
    assert re.search(naming(argument), str(err.value)), (
        f"{case}: the message must name the argument `{argument}` as a whole word, as the "
        f"signature spells it (README §0); got {type(err.value).__name__}: {err.value}")


def test_an_unknown_mode_name_lists_every_allowed_name(lab):
    with pytest.raises(ValueError) as err:
        lab.parse_cudagraph_mode("fast")
    missing = [m for m in MEMBERS if not re.search(naming(m), str(err.value))]
    assert not missing, f"the error must list every allowed name as a word; {missing} missing from: {err.value}"

