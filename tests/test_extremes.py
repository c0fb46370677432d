"""Every answer is right at the extremes: huge and tiny finite weights, ints past 2**53 (issue 18).

Row counts are integers and stay integers; weights are exact rationals (a float is one), so
the reference computes with them exactly and rounds once, at the end. The oracles here are
worked by hand or computed with fractions.Fraction in the test.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

import mini_vllm as mv

BIG = 1e308  # finite, but twice it is not
TINY = 5e-324  # the smallest subnormal double


def padding_rows(traffic: dict[int, float], ladder: list[int]) -> Fraction:
    """The oracle: weighted padded rows, exactly, with eager traffic above the top rung."""
    return sum((Fraction(w) * (next(r for r in ladder if r >= b) - b)
                for b, w in traffic.items() if b <= ladder[-1]), Fraction(0))


def waste(traffic: dict[int, float], ladder: list[int]) -> float:
    computed = sum(Fraction(w) * (next((r for r in ladder if r >= b), b)) for b, w in traffic.items())
    return float(padding_rows(traffic, ladder) / computed)


@pytest.mark.parametrize("traffic, ladder, want", [
    ({1: BIG, 3: BIG}, [4], 0.5),
    ({1: TINY, 3: TINY}, [4], 0.5),
    ({1: BIG, 3: TINY}, [4], 0.75),
    ({1: BIG, 2: BIG, 3: BIG, 4: BIG, 5: BIG}, [8], waste({1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, [8])),
    ({2**60 + 1: 1, 2**61: 3}, [2**60 + 2, 2**61], 1 / (2**60 + 2 + 3 * 2**61)),
])
def test_expected_waste_is_exact_for_huge_and_tiny_weights(traffic, ladder, want):
    got = mv.expected_waste(traffic, ladder)
    assert got == want, f"expected_waste({traffic}, {ladder}): expected {want}, got {got}"


def test_expected_waste_on_a_list_of_observed_batches_past_2_53():
    batches = [2**53 + 1, 2**53 + 1, 2**53 + 3]
    want = waste({2**53 + 1: 2, 2**53 + 3: 1}, [2**53 + 4])
    assert mv.expected_waste(batches, [2**53 + 4]) == want


def best_padding(traffic: dict[int, float], num_rungs: int, max_batch: int) -> Fraction:
    """Brute force over every ladder of at most num_rungs sizes ending at max_batch."""
    below = sorted(b for b in traffic if b < max_batch)
    return min(padding_rows(traffic, [*rungs, max_batch])
               for k in range(min(num_rungs - 1, len(below)) + 1)
               for rungs in itertools.combinations(below, k))


@pytest.mark.parametrize("traffic, num_rungs, want", [
    ({1: BIG, 3: BIG}, 2, [1, 3]),
    ({1: TINY, 3: TINY}, 2, [1, 3]),
    ({2**53 + 1: 1, 2**53 + 3: 1, 2**53 + 6: 2}, 2, [2**53 + 3, 2**53 + 6]),
    ({2**62 + 1: 1, 2**62 + 3: 1, 2**62 + 6: 2}, 2, [2**62 + 3, 2**62 + 6]),
    ({1: BIG, 2: TINY, 3: BIG, 4: 1.0}, 2, [1, 4]),
])
def test_optimal_ladder_is_exact_at_the_extremes(traffic, num_rungs, want):
    got = mv.optimal_ladder(traffic, num_rungs)
    assert got == want, f"optimal_ladder({traffic}, {num_rungs}): expected {want}, got {got}"
    assert padding_rows(traffic, got) == best_padding(traffic, num_rungs, max(traffic))


def test_optimal_ladder_with_mixed_magnitudes_is_optimal_to_float_rounding():
    # Weights 600 orders of magnitude apart cannot all be exact int64s: the reference then
    # normalises them (largest = 1.0), so the answer is optimal to float rounding of the waste.
    traffic = {1: BIG, 2: 1.0, 5: TINY, 7: BIG / 3, 9: 2.5, 12: 1e-300, 13: 7.0}
    total = sum(Fraction(w) * 13 for w in traffic.values())
    for k in range(1, 6):
        got = mv.optimal_ladder(traffic, k)
        excess = (padding_rows(traffic, got) - best_padding(traffic, k, 13)) / total
        assert 0 <= excess < 1e-15, f"{k} rungs: {got} pads {float(excess):.3g} of the rows too many"


def test_spread_of_two_huge_samples_is_finite():
    assert mv.spread([BIG, BIG]) == (BIG, BIG, BIG)
    assert mv.spread([BIG, BIG / 2]).median == float((Fraction(BIG) + Fraction(BIG / 2)) / 2)


@pytest.mark.parametrize("call, want", [
    (lambda: mv.predicted_step_speedup(35, BIG, 0), 35.0),
    (lambda: mv.predicted_step_speedup(35, TINY, 0), 35.0),
    (lambda: mv.predicted_step_speedup(3, BIG, BIG), 2.0),
    (lambda: mv.amdahl_speedup(1.0, TINY), TINY),
    (lambda: mv.amdahl_speedup(TINY, BIG), float(1 / (1 - Fraction(TINY) + Fraction(TINY) / Fraction(BIG)))),
    (lambda: mv.per_call_ratio(2, 10**400), 2.0),
    (lambda: mv.per_call_ratio(10**300, 1, 1), 1e300),
    (lambda: mv.per_call_ratio(3, 10**30, 10**30), float(Fraction(3 * 10**30, 2 * 10**30 - 1))),
    (lambda: mv.asymptotic_speedup(2**53 + 1), float(2**53 + 1)),
], ids=["speedup-big-launch", "speedup-tiny-launch", "speedup-big-both", "amdahl-tiny-speedup",
        "amdahl-tiny-fraction", "ratio-huge-k", "ratio-huge-n",
        "ratio-huge-capture", "ceiling-past-2-53"])
def test_economics_are_right_at_the_extremes(call, want):
    assert call() == want


def test_integer_bills_stay_exact_past_a_float():
    assert mv.eager_launches(10**30, 10**30) == 10**60
    assert mv.graph_launches(10**30, 10**30) == 2 * 10**30 - 1
    assert mv.crossover(2**60, 10**40) == (10**40 - 1) // (2**60 - 1) + 1


def test_padding_past_2_62_is_an_exact_int():
    assert mv.padding_waste(2**62 + 1, [2**62, 2**63]) == 2**63 - 2**62 - 1
    assert mv.padded_size(2**62 + 1, [2**62, 2**63]) == 2**63
