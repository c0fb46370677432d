"""Lab 02 spec: the launch-cost model's formulas, its crossover, its ceiling, and Amdahl.

Every oracle is computed in this file: launch counts worked out by hand, a brute-force walk
over call counts for the crossover, Amdahl's formula written out. The implementation under
test arrives through the `lab` fixture (conftest.py).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest

from mini_vllm.grading.messages import naming
from mini_vllm.grading.probe import (  # counts where the file runs
    LineBudgetExceeded,
    call_within_line_budget,
)

# --- oracles, written here and never taken from the code under test --------------------------


def brute_force_crossover(n: int, c: int) -> int | None:
    """Walk k = 1, 2, ... and return the first k where c + (k - 1) < k * n.

    For n >= 2 the answer is at most c (at k = c the graph has used 2c - 1 < c*n launches),
    so the walk stops by c + 1; for n == 1 the graph never gets ahead.
    """
    if n == 1:
        return None
    for k in range(1, c + 2):
        if c + (k - 1) < k * n:
            return k
    raise AssertionError("unreachable: the bound above is wrong")


# --- §1 the two bills ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "k", "want"),
    [(4, 0, 0), (4, 1, 4), (4, 7, 28), (1, 9, 9), (32, 10, 320), (300, 2, 600), (300, 1000, 300_000)],
)
def test_eager_launches_is_k_times_num_ops(lab, n, k, want):
    got = lab.eager_launches(n, k)
    assert got == want, f"eager_launches({n}, {k}): {k} calls x {n} ops = {want} launches, got {got}"


@pytest.mark.parametrize(
    ("n", "k", "c", "want"),
    [
        # default capture cost: one eager pass (n), then one launch per replay
        (4, 1, None, 4), (4, 2, None, 5), (4, 10, None, 13), (1, 5, None, 5),
        (300, 1, None, 300), (300, 2, None, 301), (300, 100, None, 399),
        # explicit capture costs, dearer and cheaper than one eager pass
        (4, 1, 20, 20), (4, 3, 20, 22), (32, 6, 160, 165), (300, 7, 900, 906),
        (7, 1, 1, 1), (7, 5, 1, 5), (2, 1000, 2, 1001),
    ],
)
def test_graph_launches_is_capture_plus_one_per_replay(lab, n, k, c, want):
    got = lab.graph_launches(n, k) if c is None else lab.graph_launches(n, k, c)
    capture = n if c is None else c
    assert got == want, (
        f"graph_launches({n}, {k}, {c}): capture {capture} + {k - 1} replays x 1 = {want}, got {got}. "
        "The first call captures (it is not also a replay); every later call is one launch."
    )


@pytest.mark.parametrize("c", [None, 1, 5, 900])
def test_zero_calls_cost_nothing(lab, c):
    got = lab.graph_launches(300, 0) if c is None else lab.graph_launches(300, 0, c)
    assert got == 0, f"graph_launches(300, 0, {c}): no call, no capture, 0 launches; got {got}"


@pytest.mark.parametrize("n", [1, 2, 7, 300])
def test_default_capture_cost_is_one_eager_pass(lab, n):
    got = lab.graph_launches(n, 1)
    assert got == n, (
        f"graph_launches({n}, 1) with the default capture cost must be {n} (capture records one "
        f"eager pass of {n} ops); got {got}"
    )


# --- §2 the crossover ------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 4, 5, 7, 16, 31, 64, 300, 1000, 10**6])
def test_crossover_with_the_default_capture(lab, n):
    got = lab.crossover(n)
    assert got == 2, (
        f"crossover({n}): after 1 call the graph has used {n} launches and eager {n} (a tie); "
        f"after 2, {n + 1} < {2 * n}. Expected 2, got {got}."
    )


@pytest.mark.parametrize("c", [None, 1, 2, 5, 300])
def test_single_op_model_never_crosses(lab, c):
    got = lab.crossover(1) if c is None else lab.crossover(1, c)
    assert got is None, (
        f"crossover(1, {c}): with one op a replay costs the same single launch as eager, so "
        f"the capture is never paid back; expected None, got {got!r}"
    )


def test_crossover_at_capture_5n_matches_brute_force(lab):
    for n in [*range(1, 61), 64, 100, 128, 299, 300, 301, 1000]:
        want, got = brute_force_crossover(n, 5 * n), lab.crossover(n, 5 * n)
        assert got == want, f"crossover({n}, {5 * n}): the first k with graph < eager is {want}, got {got}"


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 9, 17, 32, 300])
def test_crossover_matches_brute_force_for_any_capture_cost(lab, n):
    for c in [1, 2, 3, 4, 7, 10, 31, 100, n, 3 * n, 7 * n + 3]:
        want, got = brute_force_crossover(n, c), lab.crossover(n, c)
        assert got == want, (
            f"crossover({n}, {c}): the first k with {c} + (k - 1) < k * {n} is {want}, got {got}"
        )


@pytest.mark.parametrize(("n", "c", "tie", "want"), [(2, 10, 9, 10), (3, 5, 2, 3), (4, 7, 2, 3), (30, 59, 2, 3)])
def test_a_tie_is_not_a_crossover(lab, n, c, tie, want):
    got = lab.crossover(n, c)
    assert got == want, (
        f"crossover({n}, {c}): at k={tie} both sides have used {tie * n} launches (a tie); the "
        f"graph is strictly ahead only from k={want}. Got {got}: ties must not count."
    )


@pytest.mark.parametrize("m", [1, 2, 3, 5, 8])
def test_crossover_of_a_capture_worth_m_passes(lab, m):
    n = 1000
    got = lab.crossover(n, m * n)
    assert got == m + 1, (
        f"crossover({n}, {m}*{n}): a capture worth {m} eager passes is paid back by the "
        f"replays of the next {m} calls, so the graph is ahead at call {m + 1}; got {got}"
    )


@pytest.mark.parametrize(("n", "c"), [(3, 10**12), (2, 10**15 + 7), (1001, 10**12 + 3)])
def test_crossover_is_a_closed_form(lab, n, c):
    try:
        k = call_within_line_budget(lambda: lab.crossover(n, c))
    except LineBudgetExceeded:
        pytest.fail(f"crossover({n}, {c}) ran past 5,000 Python lines: that is a search over k. "
                    "Solve c + k - 1 < k*n for k instead (README §2).")
    assert isinstance(k, int), f"crossover({n}, {c}) must return an int call count, got {k!r}"
    # the definition, checked at the answer: graph is ahead at k and was not at k - 1
    assert c + (k - 1) < k * n, f"crossover({n}, {c}) = {k}, but at k={k} the graph is not ahead"
    assert c + (k - 2) >= (k - 1) * n, (
        f"crossover({n}, {c}) = {k}, but the graph was already ahead at k={k - 1}: off by one?"
    )


# --- §3 the ratio and its ceiling ------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "k", "c", "want"),
    [
        (4, 1, None, 4 / 4), (4, 2, None, 8 / 5), (4, 3, 20, 12 / 22), (300, 10, None, 3000 / 309),
        (300, 2, 900, 600 / 901), (32, 6, 160, 192 / 165), (2, 5, 1, 10 / 5), (1, 5, None, 5 / 5),
    ],
)
def test_per_call_ratio_is_eager_total_over_graph_total(lab, n, k, c, want):
    got = lab.per_call_ratio(n, k) if c is None else lab.per_call_ratio(n, k, c)
    graph = (n if c is None else c) + k - 1
    assert got == pytest.approx(want, rel=1e-12), (
        f"per_call_ratio({n}, {k}, {c}) = eager {k * n} / graph {graph} = "
        f"{want:.6g}, got {got!r}. (Above 1 means the graph is ahead; is the ratio upside down?)"
    )


@pytest.mark.parametrize(("n", "mult"), [(2, 1), (3, 3), (30, 1), (30, 3), (300, 3), (300, 5)])
def test_per_call_ratio_rises_strictly_and_stays_below_the_ceiling(lab, n, mult):
    c = mult * n
    ratios = [lab.per_call_ratio(n, k, c) for k in range(1, 80)]
    for k, (a, b) in enumerate(zip(ratios, ratios[1:]), start=1):
        assert b > a, f"per_call_ratio({n}, k, {c}) must rise with k; k={k}: {a}, k={k + 1}: {b}"
    assert max(ratios) < n, (
        f"per_call_ratio({n}, k, {c}) reached {max(ratios)}, but the capture is never free, so "
        f"the ratio stays below the ceiling {n} for every finite k"
    )


@pytest.mark.parametrize(("n", "c"), [(3, 9), (30, 90), (300, 900)])
def test_per_call_ratio_approaches_the_ceiling(lab, n, c):
    k = 10**7
    got = lab.per_call_ratio(n, k, c)
    want = k * n / (c + k - 1)
    assert got == pytest.approx(want, rel=1e-9) and n - got < 1e-3 * n, (
        f"per_call_ratio({n}, {k}, {c}) = {want:.6f}: after ten million calls the capture is "
        f"diluted away and the ratio is within 0.1% of the ceiling {n}; got {got}"
    )


@pytest.mark.parametrize("n", [1, 2, 30, 300, 4096])
def test_asymptotic_speedup_is_the_limit_of_the_ratio(lab, n):
    got = lab.asymptotic_speedup(n)
    assert got == n, (
        f"asymptotic_speedup({n}): {n} launches per eager call against 1 per replay -> {n}x; "
        f"got {got!r} (n - 1 is the launches each replay saves, not the ratio)"
    )


# --- §4 Amdahl and the step-time bridge to lab-04 --------------------------------------------


@pytest.mark.parametrize("s", [0.5, 2, 300, 1e6])
def test_amdahl_nothing_sped_up_is_1x(lab, s):
    got = lab.amdahl_speedup(0.0, s)
    assert got == pytest.approx(1.0), f"amdahl_speedup(0, {s}): nothing changed, expected 1.0, got {got}"


@pytest.mark.parametrize("s", [0.5, 2, 300, 1e6])
def test_amdahl_everything_sped_up_is_the_speedup(lab, s):
    got = lab.amdahl_speedup(1.0, s)
    assert got == pytest.approx(s), f"amdahl_speedup(1, {s}): all of it got {s}x faster, got {got}"


@pytest.mark.parametrize("f", [0.1, 0.25, 0.5, 0.6, 0.9, 0.99])
@pytest.mark.parametrize("s", [0.5, 2, 10, 300])
def test_amdahl_formula(lab, f, s):
    want = 1 / ((1 - f) + f / s)
    got = lab.amdahl_speedup(f, s)
    assert got == pytest.approx(want, rel=1e-12), (
        f"amdahl_speedup({f}, {s}): time becomes (1 - {f}) + {f}/{s}, so the speedup is "
        f"{want:.6g}; got {got}"
    )


@pytest.mark.parametrize(("f", "s"), [(0.6, 300), (0.5, 1000), (0.9, 300), (0.3, 30)])
def test_amdahl_dilutes_a_big_speedup(lab, f, s):
    got = lab.amdahl_speedup(f, s)
    cap = 1 / (1 - f)
    assert 1 < got < cap < s, (
        f"amdahl_speedup({f}, {s}) = {got}: speeding up {f:.0%} of the time can never beat "
        f"1 / (1 - {f}) = {cap:.3g}, however large the {s}x"
    )


def test_a_300x_ceiling_on_60_percent_is_about_2_5x(lab):
    got = lab.amdahl_speedup(0.6, 300)
    want = 1 / (0.4 + 0.6 / 300)  # 2.4876...
    assert got == pytest.approx(want, rel=1e-12), f"expected {want:.4f} (the ~2.5x of lab-04), got {got}"


@pytest.mark.parametrize(
    ("n", "launch_us", "gpu_us"),
    [(300, 5.0, 1000.0), (300, 5.0, 1.0), (32, 4.0, 50.0), (12, 7.5, 300.0), (1, 5.0, 80.0),
     (100, 3, 0.5)],
)
def test_predicted_step_speedup_formula(lab, n, launch_us, gpu_us):
    want = (n * launch_us + gpu_us) / (launch_us + gpu_us)
    got = lab.predicted_step_speedup(n, launch_us, gpu_us)
    assert got == pytest.approx(want, rel=1e-12), (
        f"predicted_step_speedup({n}, {launch_us}, {gpu_us}): eager {n}*{launch_us}+{gpu_us} "
        f"over graph {launch_us}+{gpu_us} = {want:.6g}; got {got}"
    )


@pytest.mark.parametrize("n", [1, 12, 300])
def test_launch_bound_step_approaches_num_ops(lab, n):
    got = lab.predicted_step_speedup(n, 5.0, 0.0)
    assert got == pytest.approx(n), (
        f"predicted_step_speedup({n}, 5, gpu_us=0): a purely launch-bound step gains the full "
        f"{n}x ceiling; got {got}. (Does the graph step still pay its one replay launch?)"
    )


@pytest.mark.parametrize("n", [12, 300])
def test_gpu_bound_step_gains_almost_nothing(lab, n):
    gpu_us = 1e7
    got = lab.predicted_step_speedup(n, 5.0, gpu_us)
    want = (n * 5.0 + gpu_us) / (5.0 + gpu_us)
    assert got == pytest.approx(want, rel=1e-12) and 1 < got < 1.001, (
        f"predicted_step_speedup({n}, 5, {gpu_us:g}): when GPU time dwarfs launches the graph "
        f"saves a sliver, {want:.6f}; got {got}"
    )


def test_a_300_op_step_with_1ms_of_gpu_work_is_about_2_5x(lab):
    got = lab.predicted_step_speedup(300, 5.0, 1000.0)
    want = (300 * 5.0 + 1000.0) / (5.0 + 1000.0)  # 2500 / 1005 = 2.4876...
    assert got == pytest.approx(want, rel=1e-12), (
        f"300 launches of 5 us on 1 ms of GPU work: {want:.4f}x, not 300x; got {got}"
    )


# --- §4b the overlap-aware model: CPU issue and GPU work as a two-stage pipeline --------------


def overlapped(n: int, launch_us: float, gpu_us: float) -> float:
    """The oracle, written out: eager = max(n * launch, gpu), graph = launch + gpu."""
    return max(n * launch_us, gpu_us) / (launch_us + gpu_us)


@pytest.mark.parametrize(
    ("n", "launch_us", "gpu_us"),
    [(168, 18.61, 578.0), (157, 18.61, 1425.9), (300, 5.0, 1000.0), (300, 5.0, 1.0),
     (32, 4.0, 50.0), (12, 7.5, 300.0), (1, 5.0, 80.0), (100, 3, 0.5), (10, 10.0, 100.0)],
)
def test_overlapped_step_speedup_formula(lab, n, launch_us, gpu_us):
    want = overlapped(n, launch_us, gpu_us)
    got = lab.overlapped_step_speedup(n, launch_us, gpu_us)
    assert got == pytest.approx(want, rel=1e-12), (
        f"overlapped_step_speedup({n}, {launch_us}, {gpu_us}): eager max({n}*{launch_us}, {gpu_us}) "
        f"over graph {launch_us}+{gpu_us} = {want:.6g}; got {got}"
    )


def test_a_cpu_bound_eager_step_costs_its_launches_alone(lab):
    # 300 launches of 5 us = 1500 us of CPU issue hide the 1000 us of GPU work under them.
    got = lab.overlapped_step_speedup(300, 5.0, 1000.0)
    assert got == pytest.approx(1500 / 1005, rel=1e-12), (
        f"300 x 5 us of issue over 1 ms of GPU work: eager = max(1500, 1000) = 1500 us, graph = "
        f"1005 us, so {1500 / 1005:.4f}x (the additive model says 2.49x); got {got}"
    )


def test_a_gpu_bound_eager_step_costs_its_gpu_time_alone(lab):
    # 12 launches of 5 us = 60 us of issue hide under 300 us of GPU work; the replay's launch
    # does not hide (the graph cannot start before it is issued), so graphs lose that launch.
    got = lab.overlapped_step_speedup(12, 5.0, 300.0)
    assert got == pytest.approx(300 / 305, rel=1e-12), (
        f"60 us of issue under 300 us of GPU work: eager = 300 us, graph = 305 us, {300 / 305:.4f}x; got {got}"
    )


@pytest.mark.parametrize("n", [1, 12, 300])
def test_overlapped_launch_bound_step_still_approaches_num_ops(lab, n):
    got = lab.overlapped_step_speedup(n, 5.0, 0.0)
    assert got == pytest.approx(n), f"with no GPU work both models give the full {n}x; got {got}"


@pytest.mark.parametrize("n", [2, 30, 168, 1000])
@pytest.mark.parametrize("gpu_us", [0.0, 10.0, 150.0, 600.0, 5000.0])
def test_overlap_never_promises_more_than_the_additive_model(lab, n, gpu_us):
    got, additive = lab.overlapped_step_speedup(n, 5.0, gpu_us), (n * 5.0 + gpu_us) / (5.0 + gpu_us)
    assert got <= additive * (1 + 1e-12), (
        f"n={n}, gpu_us={gpu_us}: max(n*L, G) <= n*L + G, so the overlapped prediction {got:.4f} "
        f"cannot exceed the additive {additive:.4f}"
    )


# --- §5 the EXERCISES table ------------------------------------------------------------------


def row(r) -> tuple:
    return (r.num_ops, r.capture_multiplier, r.capture_cost_ops, r.crossover)


def first_difference(want: list, got: list) -> str:
    """Where two row lists part: the first differing row, or the length mismatch."""
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            return f"row {i}: want {w}, got {g}"
    return f"want {len(want)} rows, got {len(got)}"


def test_exercises_crossover_table(lab):
    # worked by hand: first k with m*n + k - 1 < k*n
    want = [
        (1, 1, 1, None), (1, 5, 5, None),
        (4, 1, 4, 2), (4, 5, 20, 7),        # 3k > 19 -> k = 7
        (32, 1, 32, 2), (32, 5, 160, 6),    # 31k > 159 -> k = 6
        (300, 1, 300, 2), (300, 5, 1500, 6),  # 299k > 1499 -> k = 6
    ]
    got = [row(r) for r in lab.crossover_table([1, 4, 32, 300], [1, 5])]
    assert got == want, (
        "crossover_table([1, 4, 32, 300], [1, 5]) rows (num_ops, multiplier, capture_cost_ops, "
        f"crossover) differ at {first_difference(want, got)}"
    )


def test_crossover_table_keeps_input_order_and_multiplies_the_capture(lab):
    sizes, multipliers = [300, 4, 17], [5, 1, 3]
    want = [(n, m, m * n, brute_force_crossover(n, m * n)) for n in sizes for m in multipliers]
    got = [row(r) for r in lab.crossover_table(sizes, multipliers)]
    assert got == want, (
        "rows run over num_ops (outer) then multipliers (inner), in the order given, with "
        f"capture_cost_ops = multiplier * num_ops; they differ at {first_difference(want, got)}"
    )


# --- §6 transfer: the batch from which graphs stop paying ---------------------------------


def exact_step_speedup(n: int, launch_us: float, gpu_us: Fraction) -> Fraction:
    """§4's model in exact arithmetic: (n*L + G) / (L + G), no rounding anywhere."""
    launch = Fraction(launch_us)
    return (n * launch + gpu_us) / (launch + gpu_us)


def first_batch_at_most(n: int, launch_us: float, fixed: float, per_seq: float, x: float,
                        limit: int = 2**20) -> int | None:
    """Bisect b in [1, limit] in exact arithmetic for the first b whose speedup is <= 1 + x.

    The speedup falls as the batch grows (more GPU time per step), so the predicate
    "speedup(b) <= 1 + x" is False, ..., False, True, ...: bisection finds where it turns.
    """
    line = 1 + Fraction(x)

    def stopped(b: int) -> bool:
        return exact_step_speedup(n, launch_us, Fraction(fixed) + b * Fraction(per_seq)) <= line

    if not stopped(limit):
        return None
    low, high = 0, limit  # stopped(low) is False (or low == 0), stopped(high) is True
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if stopped(mid) else (mid, high)
    return high


# Integer and dyadic inputs: every bound is exact in floats, so any correct closed form agrees.
# Every answer on this grid is below (300 - 1) * 18 / 0.0625 = 86,112, well inside the search's
# 2**20, so a `None` from the search means "never", not "beyond the limit".
STOP_GRID = [
    (n, launch, fixed, per_seq, x)
    for n in (2, 5, 12, 168, 300)
    for launch in (1, 5, 18)
    for fixed in (0, 600)
    for per_seq in (1, 3, 40)
    for x in (0.5, 0.25, 0.0625)
]


def test_graphs_stop_paying_matches_an_exact_search(lab):
    for n, launch, fixed, per_seq, x in STOP_GRID:
        want = first_batch_at_most(n, launch, fixed, per_seq, x)
        got = lab.graphs_stop_paying(n, launch, fixed, per_seq, x)
        assert got == want, (
            f"graphs_stop_paying({n}, {launch}, {fixed}, {per_seq}, {x}): the first batch whose "
            f"predicted speedup is at most {1 + x} is {want}, got {got}. Walk a few batches "
            "by hand with predicted_step_speedup: is it off by one, or is the replay launch missing?"
        )


@pytest.mark.parametrize(
    ("n", "launch", "fixed", "per_seq", "x", "want"),
    [(11, 5.0, 0.0, 5.0, 0.25, 39), (5, 4.0, 10.0, 2.0, 0.5, 9), (3, 8.0, 0.0, 1.0, 0.5, 24)],
)
def test_graphs_stop_paying_counts_an_exact_tie_as_stopped(lab, n, launch, fixed, per_seq, x, want):
    at_tie = exact_step_speedup(n, launch, Fraction(fixed) + want * Fraction(per_seq))
    assert at_tie == 1 + Fraction(x), "oracle: this case must be an exact tie"
    got = lab.graphs_stop_paying(n, launch, fixed, per_seq, x)
    assert got == want, (
        f"graphs_stop_paying({n}, {launch}, {fixed}, {per_seq}, {x}): batch {want} predicts "
        f"exactly {1 + x}x, which is 'at most {1 + x}', so graphs have stopped paying there; "
        f"got {got}. A tie counts as stopped."
    )


@pytest.mark.parametrize(
    ("args", "want", "why"),
    [
        ((300, 5.0, 1e7, 0.0, 0.05), 1, "10 s of GPU work already dilutes 300 launches under 5%"),
        ((300, 5.0, 600.0, 0.0, 0.05), None, "GPU time never grows, so the speedup never falls"),
        ((1, 5.0, 0.0, 1.0, 0.05), 1, "one op: the ceiling is 1x, under any line from batch 1"),
        ((3, 5.0, 0.0, 0.0, 2.0), 1, "a 3x ceiling never buys more than 200%"),
        ((3, 5.0, 0.0, 0.0, 1.5), None, "a 3x ceiling with no GPU work stays at 3x > 2.5x"),
    ],
)
def test_graphs_stop_paying_edge_cases(lab, args, want, why):
    got = lab.graphs_stop_paying(*args)
    assert got == want, f"graphs_stop_paying{args}: expected {want!r} ({why}); got {got!r}"


@pytest.mark.parametrize(
    ("n", "launch", "fixed", "per_seq", "x"),
    [(300, 5.0, 600.0, 1.3e-6, 0.05), (168, 17.75, 594.0, 3e-6, 0.1), (2, 1.0, 0.0, 7e-7, 0.0625)],
)
def test_graphs_stop_paying_is_a_closed_form(lab, n, launch, fixed, per_seq, x):
    try:
        got = call_within_line_budget(lambda: lab.graphs_stop_paying(n, launch, fixed, per_seq, x))
    except LineBudgetExceeded:
        pytest.fail(f"graphs_stop_paying({n}, {launch}, {fixed}, {per_seq}, {x}) ran past 5,000 "
                    "Python lines: that is a walk over batches. Solve §4's model for the GPU "
                    "time instead (README §6).")
    line = 1 + Fraction(x)
    assert isinstance(got, int) and got > 10**6, (
        f"graphs_stop_paying({n}, {launch}, {fixed}, {per_seq}, {x}): GPU time grows by "
        f"{per_seq} us per sequence, so the cut-off is beyond a million; got {got!r}"
    )
    gpu = Fraction(fixed) + got * Fraction(per_seq)
    assert exact_step_speedup(n, launch, gpu) <= line, f"at batch {got} graphs still pay more than {x:.0%}"
    assert exact_step_speedup(n, launch, gpu - Fraction(per_seq)) > line, (
        f"batch {got - 1} is already at most {1 + x}x: the cut-off is off by one"
    )


# --- §0 bad input: refused, naming the argument ----------------------------------------------

OUT_OF_RANGE = [
    ("eager_launches", (0, 3), "num_ops"),
    ("eager_launches", (-2, 3), "num_ops"),
    ("eager_launches", (4, -1), "k"),
    ("graph_launches", (0, 1), "num_ops"),
    ("graph_launches", (4, -1), "k"),
    ("graph_launches", (4, 2, 0), "capture_cost_ops"),
    ("graph_launches", (4, 2, -3), "capture_cost_ops"),
    ("crossover", (0,), "num_ops"),
    ("crossover", (4, 0), "capture_cost_ops"),
    ("crossover", (1, 0), "capture_cost_ops"),
    ("per_call_ratio", (0, 3), "num_ops"),
    ("per_call_ratio", (4, -1), "k"),
    ("per_call_ratio", (4, 0), "k"),
    ("per_call_ratio", (4, 3, 0), "capture_cost_ops"),
    ("asymptotic_speedup", (0,), "num_ops"),
    ("asymptotic_speedup", (10**400,), "num_ops"),  # the answer, a float, cannot hold it
    ("per_call_ratio", (10**400, 3), "num_ops"),
    ("predicted_step_speedup", (10**400, 5.0, 100.0), "num_ops"),
    ("overlapped_step_speedup", (10**400, 5.0, 100.0), "num_ops"),
    ("amdahl_speedup", (-0.1, 2.0), "fraction"),
    ("amdahl_speedup", (1.5, 2.0), "fraction"),
    ("amdahl_speedup", (math.nan, 2.0), "fraction"),
    ("amdahl_speedup", (0.5, 0.0), "speedup"),
    ("amdahl_speedup", (0.5, -3.0), "speedup"),
    ("predicted_step_speedup", (0, 5.0, 100.0), "num_ops"),
    ("predicted_step_speedup", (4, 0.0, 100.0), "launch_us"),
    ("predicted_step_speedup", (4, 5.0, -1.0), "gpu_us"),
    ("graphs_stop_paying", (0, 5.0, 0.0, 1.0, 0.05), "num_ops"),
    ("graphs_stop_paying", (4, 0.0, 0.0, 1.0, 0.05), "launch_us"),
    ("graphs_stop_paying", (4, 5.0, -1.0, 1.0, 0.05), "gpu_us_fixed"),
    ("graphs_stop_paying", (4, 5.0, 0.0, -1.0, 0.05), "gpu_us_per_seq"),
    ("graphs_stop_paying", (4, 5.0, 0.0, 1.0, 0.0), "threshold"),
    ("graphs_stop_paying", (4, 5.0, 0.0, 1.0, -0.1), "threshold"),
    ("overlapped_step_speedup", (0, 5.0, 100.0), "num_ops"),
    ("overlapped_step_speedup", (4, 0.0, 100.0), "launch_us"),
    ("overlapped_step_speedup", (4, 5.0, -1.0), "gpu_us"),
    ("overlapped_step_speedup", (4, math.inf, 100.0), "launch_us"),
    ("crossover_table", ([], [1]), "num_ops_values"),
    ("crossover_table", ([4], []), "capture_multipliers"),
    ("crossover_table", ([4, 0], [1]), "num_ops_values"),
    ("crossover_table", ([4], [1, 0]), "capture_multipliers"),
]

NOT_AN_INTEGER = [
    ("eager_launches", (4.0, 2), "num_ops"),
    ("eager_launches", (4, 2.5), "k"),
    ("eager_launches", ("4", 2), "num_ops"),
    ("graph_launches", (4, 2, 1.5), "capture_cost_ops"),
    ("graph_launches", (4, 1.0), "k"),
    ("crossover", (2.0,), "num_ops"),
    ("crossover", (3, 4.5), "capture_cost_ops"),
    ("per_call_ratio", (4, 2.5), "k"),
    ("asymptotic_speedup", (2.5,), "num_ops"),
    ("predicted_step_speedup", (4.5, 5.0, 100.0), "num_ops"),
    ("graphs_stop_paying", (4.0, 5.0, 0.0, 1.0, 0.05), "num_ops"),
    ("overlapped_step_speedup", (4.5, 5.0, 100.0), "num_ops"),
    ("crossover_table", ([4, 2.5], [1]), "num_ops_values"),
    ("crossover_table", ([4], [1.5]), "capture_multipliers"),
    # a bool is not a count, though Python lets True act as 1
    ("eager_launches", (True, 3), "num_ops"),
    ("eager_launches", (4, False), "k"),
    ("graph_launches", (4, 2, True), "capture_cost_ops"),
    ("crossover", (True,), "num_ops"),
    ("per_call_ratio", (4, True), "k"),
    ("asymptotic_speedup", (True,), "num_ops"),
    ("predicted_step_speedup", (True, 5.0, 100.0), "num_ops"),
    ("graphs_stop_paying", (True, 5.0, 0.0, 1.0, 0.05), "num_ops"),
    ("crossover_table", ([4, True], [1]), "num_ops_values"),
]


def _call_id(case) -> str:
    name, args, _ = case
    return re.sub(r"\d{20,}", lambda m: f"1e{len(m.group()) - 1}", f"{name}{args!r}")


@pytest.mark.parametrize("case", OUT_OF_RANGE, ids=[_call_id(c) for c in OUT_OF_RANGE])
def test_out_of_range_input_is_a_value_error_naming_the_argument(lab, case):
    name, args, arg = case
    with pytest.raises(ValueError) as info:
        getattr(lab, name)(*args)
    assert re.search(naming(arg), str(info.value)), f"{name}{args!r}: the ValueError must name {arg!r}; said {info.value}"


@pytest.mark.parametrize("fraction", [-0.1, 1.5, math.nan, "half"])
def test_a_fraction_error_states_the_range(lab, fraction):
    with pytest.raises((TypeError, ValueError)) as info:
        lab.amdahl_speedup(fraction, 2.0)
    assert re.search(naming("fraction", "[0, 1]"), str(info.value)), (
        f"amdahl_speedup({fraction!r}, 2.0): the error must name fraction and its range [0, 1]; "
        f"said {info.value}")


@pytest.mark.parametrize("case", NOT_AN_INTEGER, ids=[_call_id(c) for c in NOT_AN_INTEGER])
def test_non_integer_count_is_refused_naming_the_argument(lab, case):
    name, args, arg = case
    with pytest.raises((TypeError, ValueError)) as info:
        getattr(lab, name)(*args)
    assert re.search(naming(arg), str(info.value)), (
        f"{name}{args!r}: {arg} counts launches or calls, so it must be an int; the error must "
        f"name {arg!r}, said {info.value}"
    )


# --- gaps closed by one-bug variants and mutation testing (issue 16) ---------------------------


@pytest.mark.parametrize(("n", "c"), [(1001, 10**18), (2, 10**18 + 3), (3, 10**18 + 3)])
def test_crossover_is_exact_where_a_float_quotient_rounds(lab, n, c):
    want = (c - 1) // (n - 1) + 1  # integer arithmetic: exact at any size
    try:
        got = call_within_line_budget(lambda: lab.crossover(n, c))
    except LineBudgetExceeded:
        pytest.fail(f"crossover({n}, {c}) ran past 5,000 Python lines: that is a search over k")
    assert got == want, (
        f"crossover({n}, {c}) must be {want}, got {got!r}: a float quotient has 53 bits and rounds "
        "at this size; integer floor division (//) stays exact (README §2)"
    )


@pytest.mark.parametrize(("launch_us", "gpu_us", "want"), [
    (5.0, 0.0, 4.0),       # gpu_us = 0 is allowed: a pure launch-bound step, the ceiling n
    (1e-9, 0.0, 4.0),      # any launch_us > 0, however small
    (1.0, 3.0, 7 / 4),     # (4*1 + 3) / (1 + 3)
])
def test_predicted_step_speedup_accepts_the_edges_of_its_ranges(lab, launch_us, gpu_us, want):
    got = lab.predicted_step_speedup(4, launch_us, gpu_us)
    assert got == pytest.approx(want, rel=1e-12), (
        f"predicted_step_speedup(4, {launch_us}, {gpu_us}) = {want}; got {got!r}. launch_us > 0 and "
        "gpu_us >= 0 are the allowed ranges"
    )


@pytest.mark.parametrize(("launch_us", "gpu_us", "arg"), [
    (-1.0, 10.0, "launch_us"),
    (math.inf, 10.0, "launch_us"),
    (math.nan, 10.0, "launch_us"),
    (5.0, -0.5, "gpu_us"),
    (5.0, math.inf, "gpu_us"),
    (5.0, math.nan, "gpu_us"),
])
def test_predicted_step_speedup_refuses_out_of_range_times(lab, launch_us, gpu_us, arg):
    with pytest.raises((TypeError, ValueError)) as info:
        lab.predicted_step_speedup(4, launch_us, gpu_us)
    assert re.search(naming(arg), str(info.value)), f"the error must name {arg!r}; said {info.value}"


# --- the README's §0 rules that one-bug variants of student files slipped past (issue 28) ------

# One well-formed call per function, and the position of each real-valued argument in it.
REAL_ARGUMENTS = [
    ("amdahl_speedup", (0.5, 2.0), "fraction", 0),
    ("amdahl_speedup", (0.5, 2.0), "speedup", 1),
    ("predicted_step_speedup", (4, 5.0, 100.0), "launch_us", 1),
    ("predicted_step_speedup", (4, 5.0, 100.0), "gpu_us", 2),
    ("overlapped_step_speedup", (4, 5.0, 100.0), "launch_us", 1),
    ("overlapped_step_speedup", (4, 5.0, 100.0), "gpu_us", 2),
    ("graphs_stop_paying", (4, 5.0, 0.0, 1.0, 0.05), "launch_us", 1),
    ("graphs_stop_paying", (4, 5.0, 0.0, 1.0, 0.05), "gpu_us_fixed", 2),
    ("graphs_stop_paying", (4, 5.0, 0.0, 1.0, 0.05), "gpu_us_per_seq", 3),
    ("graphs_stop_paying", (4, 5.0, 0.0, 1.0, 0.05), "threshold", 4),
]


def _with(args: tuple, position: int, value) -> tuple:
    return (*args[:position], value, *args[position + 1:])


@pytest.mark.parametrize("bad", ["5", True, None], ids=["str", "bool", "None"])
@pytest.mark.parametrize("case", REAL_ARGUMENTS, ids=[f"{c[0]}-{c[2]}" for c in REAL_ARGUMENTS])
def test_a_real_valued_argument_that_is_not_a_number_is_refused(lab, case, bad):
    name, good, arg, position = case
    args = _with(good, position, bad)
    with pytest.raises((TypeError, ValueError)) as info:
        getattr(lab, name)(*args)
    assert re.search(naming(arg), str(info.value)), (
        f"{name}{args!r}: {bad!r} is not a real number (§0), so the call is refused naming {arg!r}; "
        f"said {info.value}"
    )


@pytest.mark.parametrize("case", REAL_ARGUMENTS, ids=[f"{c[0]}-{c[2]}" for c in REAL_ARGUMENTS])
def test_an_int_beyond_the_largest_float_is_a_value_error_for_every_real_argument(lab, case):
    name, good, arg, position = case
    args = _with(good, position, 10**400)
    with pytest.raises(ValueError) as info:
        getattr(lab, name)(*args)
    assert re.search(naming(arg), str(info.value)), (
        f"{name}(... {arg}=10**400 ...): an int above the largest float (about 1.8e308) is a "
        f"ValueError naming {arg!r} (§0), not Python's OverflowError; said {info.value}"
    )
