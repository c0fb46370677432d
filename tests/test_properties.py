"""Property tests: the invariants the READMEs state, on inputs nobody wrote by hand (issue 18).

Padding never goes down; a ladder is strictly increasing; waste lies in [0, 1); dispatch is
monotone in the token count and never uses a mode it was told not to; replay equals eager;
bad input is refused by name. The oracles are computed here, from the READMEs' rules.

Speed: the default profile runs a few examples per property so the CPU suite stays within
its budget; HYPOTHESIS_PROFILE=ci (set by .ci/run) runs many more.
"""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="property tests need the dev extra: pip install -e '.[dev]'")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import mini_vllm as mv  # noqa: E402
from mini_vllm import CUDAGraphMode  # noqa: E402

settings.register_profile("default", max_examples=8, deadline=None, database=None,
                          derandomize=True)
settings.register_profile("ci", max_examples=300, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

sizes_st = st.integers(1, 2**64)
ladders = st.lists(st.integers(1, 2**62), min_size=1, max_size=24, unique=True).map(sorted)
small_ladders = st.lists(st.integers(1, 64), min_size=1, max_size=12, unique=True).map(sorted)
weights = st.one_of(st.integers(1, 10**30),
                    st.floats(min_value=5e-324, max_value=1.7e308, allow_nan=False,
                              allow_infinity=False))
traffics = st.dictionaries(st.integers(1, 2**62), weights, min_size=1, max_size=12)


def rung(batch: int, ladder: list[int]) -> int | None:
    return next((r for r in ladder if r >= batch), None)


def exact_waste(traffic: dict[int, float], ladder: list[int]) -> Fraction:
    padding = computed = Fraction(0)
    for batch, weight in traffic.items():
        rows = rung(batch, ladder) or batch
        padding += Fraction(weight) * (rows - batch)
        computed += Fraction(weight) * rows
    return padding / computed


# --- the ladder -----------------------------------------------------------------------------


@given(ladders, sizes_st, sizes_st)
def test_padding_never_goes_down_and_is_monotone(ladder, a, b):
    a, b = sorted((a, b))
    ra, rb = mv.padded_size(a, ladder), mv.padded_size(b, ladder)
    assert ra == rung(a, ladder) and rb == rung(b, ladder)
    if ra is not None:
        assert ra >= a and mv.padding_waste(a, ladder) == ra - a
        assert rb is None or rb >= ra
    else:
        assert rb is None and mv.padding_waste(a, ladder) == 0


@given(st.integers(1, 1 << 20))
def test_the_default_ladder_is_strictly_increasing_and_ends_at_or_below_max(max_capture_size):
    ladder = mv.default_capture_sizes(max_capture_size)
    assert all(x < y for x, y in zip(ladder, ladder[1:]))
    assert ladder[0] == 1 and ladder[-1] <= max_capture_size
    assert max_capture_size - ladder[-1] < (16 if max_capture_size >= 256 else 8)


@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_a_deployment_ladder_is_strictly_increasing_and_fits_the_token_budget(seqs, extra):
    ladder = mv.capture_sizes_for(seqs, seqs + extra - 1)
    assert all(x < y for x, y in zip(ladder, ladder[1:]))
    assert ladder[-1] <= min(2 * seqs, 512, seqs + extra - 1)


@given(traffics, ladders)
def test_waste_lies_in_0_1_and_is_exact(traffic, ladder):
    got = mv.expected_waste(traffic, ladder)
    assert 0.0 <= got < 1.0
    assert got == float(exact_waste(traffic, ladder))


@given(st.dictionaries(st.integers(1, 40), weights, min_size=1, max_size=8), st.integers(1, 5),
       st.data())
def test_optimal_ladder_is_a_ladder_no_other_ladder_beats(traffic, num_rungs, data):
    top = max(traffic)
    ladder = mv.optimal_ladder(traffic, num_rungs)
    assert all(x < y for x, y in zip(ladder, ladder[1:])) and ladder[-1] == top
    assert len(ladder) <= num_rungs
    below = st.sets(st.integers(1, top - 1), max_size=num_rungs - 1) if top > 1 else st.just(set())
    rival = sorted(data.draw(below) | {top})
    assert exact_waste(traffic, ladder) <= exact_waste(traffic, rival), (
        f"{rival} pads less than optimal_ladder's {ladder}")


# --- dispatch --------------------------------------------------------------------------------

modes = st.sampled_from(list(CUDAGraphMode))
runtime_subsets = st.sets(st.sampled_from([CUDAGraphMode.NONE, CUDAGraphMode.PIECEWISE,
                                           CUDAGraphMode.FULL]), max_size=2)


@given(modes, small_ladders, st.integers(1, 40), st.booleans(), runtime_subsets,
       st.integers(1, 80), st.integers(1, 80))
def test_dispatch_is_monotone_and_never_uses_an_invalid_mode(mode, ladder, seqs, uniform,
                                                             invalid, a, b):
    d = mv.CudagraphDispatcher(mode, ladder, seqs)
    a, b = sorted((a, b))
    answers = []
    for tokens in (a, b):
        try:
            got, desc = d.dispatch(tokens, uniform, invalid_modes=invalid)
        except ValueError as error:
            assert CUDAGraphMode.NONE in invalid and "invalid_modes" in str(error)
            return
        assert got not in invalid, f"dispatch({tokens}) chose {got.name}, listed in {invalid}"
        assert desc.num_tokens >= tokens
        answers.append(desc.num_tokens)
    assert answers[0] <= answers[1], f"{a} tokens padded to {answers[0]} but {b} to {answers[1]}"


# --- replay equals eager ---------------------------------------------------------------------

# Row-wise ops, as a model's are: padding rows must not leak into the real rows.
OPS = [lambda x: x * 2.0, np.tanh, lambda x: x @ np.eye(x.shape[1])[::-1],
       lambda x: x - x.mean(axis=-1, keepdims=True)]


@given(small_ladders, st.lists(st.integers(1, 70), min_size=1, max_size=6), st.integers(1, 4))
def test_replay_equals_eager(ladder, batches, width):
    runner = mv.GraphRunner(OPS, ladder)
    rng = np.random.default_rng(len(batches))
    for batch in batches:
        x = rng.standard_normal((batch, width))
        want = mv.eager(OPS, x)
        got = runner(x)
        np.testing.assert_allclose(got, want, err_msg=f"batch {batch} on {ladder}")


# --- boundaries: anything that is not an int >= 1 is refused by name -------------------------

not_ints = st.one_of(st.booleans(), st.floats(), st.text(max_size=3), st.none(),
                     st.just(np.bool_(True)), st.just(np.float64(3.0)), st.lists(st.integers()))


@given(not_ints)
def test_a_non_int_batch_is_a_type_error_naming_batch(value):
    with pytest.raises(TypeError, match="batch"):
        mv.padded_size(value, [1, 2, 4])


@given(st.integers(max_value=0))
def test_a_batch_below_1_is_a_value_error_naming_batch(value):
    with pytest.raises(ValueError, match="batch"):
        mv.padded_size(value, [1, 2, 4])


@given(st.text(max_size=20))
def test_a_mode_name_parses_only_if_it_is_a_member_name(text):
    name = text.strip().upper()
    if text.isascii() and name in CUDAGraphMode.__members__:
        assert mv.parse_cudagraph_mode(text) is CUDAGraphMode[name]
    else:
        with pytest.raises(ValueError, match="cudagraph_mode"):
            mv.parse_cudagraph_mode(text)


@given(st.one_of(st.floats(allow_nan=True), st.integers(-(10**400), 10**400)),
       st.one_of(st.floats(allow_nan=True), st.integers(-(10**400), 10**400)))
def test_amdahl_returns_a_finite_float_or_refuses_by_name(fraction, speedup):
    try:
        got = mv.amdahl_speedup(fraction, speedup)
    except ValueError as error:
        assert "fraction" in str(error) or "speedup" in str(error)
        return
    exact = 1 / ((1 - Fraction(fraction)) + Fraction(fraction) / Fraction(speedup))
    assert got == float(exact)
