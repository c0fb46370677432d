"""Lab 01 spec: capture once per shape, replay as one launch, copy into static buffers.

Every oracle here is computed in this file (a plain loop over the ops, launch counts by
arithmetic). The implementation under test arrives through the `lab` fixture (conftest.py).
The few claims about identity and memory (the output is the static buffer itself, an earlier
result now shows the newer output) ask `probe`, so they hold where the file runs: here, or in
the worker process a grader judges it in.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from mini_vllm.grading import probe
from mini_vllm.grading.messages import naming

WIDTH = 6
RNG = np.random.default_rng(5)
W1 = RNG.standard_normal((WIDTH, WIDTH))
W2 = RNG.standard_normal((WIDTH, WIDTH))


def make_ops(n: int) -> list:
    """n row-wise ops that do not commute, so order and staleness both show in the output."""
    kinds = [
        lambda x: x @ W1,
        np.tanh,
        lambda x: x * 1.5 + 0.25,
        lambda x: x @ W2,
        lambda x: x - x.mean(axis=-1, keepdims=True),
    ]
    return [kinds[i % len(kinds)] for i in range(n)]


def reference(ops: list, x: np.ndarray) -> np.ndarray:
    for op in ops:
        x = op(x)
    return x


def batch(rows: int, seed: int = 0, dtype=np.float64) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, WIDTH)).astype(dtype)


OPS = make_ops(7)
LADDER = [1, 2, 4, 8]


# --- eager --------------------------------------------------------------------------------


def test_eager_applies_ops_in_order(lab):
    x = batch(3)
    assert np.allclose(lab.eager(OPS, x), reference(OPS, x))
    swapped = [OPS[1], OPS[0], *OPS[2:]]
    assert not np.allclose(lab.eager(swapped, x), reference(OPS, x)), "order must matter"


# --- capture and replay -------------------------------------------------------------------


def test_counters_start_at_zero(lab):
    runner = lab.GraphRunner(OPS)
    assert (runner.launches, runner.captures, runner.replays) == (0, 0, 0)
    assert runner.graphs == {}


def test_first_call_captures_with_one_eager_pass(lab):
    runner = lab.GraphRunner(OPS)
    runner(batch(4))
    assert runner.captures == 1 and runner.replays == 0
    assert runner.launches == len(OPS), (
        f"capture runs the ops once: {len(OPS)} launches expected, got {runner.launches}"
    )


def test_one_capture_per_shape(lab):
    runner = lab.GraphRunner(OPS)
    for seed in range(6):
        runner(batch(4, seed))
    assert runner.captures == 1, f"same shape six times must capture once, got {runner.captures}"
    assert runner.replays == 5
    assert list(runner.graphs) == [(4, WIDTH)], "graphs must be keyed by the input shape"


def test_replay_is_one_launch(lab):
    runner = lab.GraphRunner(OPS)
    runner(batch(4, 0))
    for seed in range(1, 5):
        before = runner.launches
        runner(batch(4, seed))
        assert runner.launches - before == 1, (
            f"replay must be 1 launch; got {runner.launches - before}. "
            "Did replay re-run the ops one by one?"
        )


def test_replay_computes_on_the_new_input(lab):
    runner = lab.GraphRunner(OPS)
    for seed in range(25):
        x = batch(5, seed)
        out = runner(x)
        assert np.allclose(out, reference(OPS, x)), (
            f"call {seed}: replay output differs from eager. Stale input? A replay must read "
            "the new values copied into the captured buffer."
        )


def test_static_input_keeps_its_address(lab):
    runner = lab.GraphRunner(OPS)
    runner(batch(3, 0))
    entry = runner.graphs[(3, WIDTH)]
    address = probe.address(entry.static_input)
    for seed in range(1, 6):
        x = batch(3, seed)
        runner(x)
        assert probe.same_object(runner.graphs[(3, WIDTH)], entry), "a replay must reuse the captured entry"
        assert probe.address(entry.static_input) == address, (
            "static_input moved: copy new inputs into the captured buffer (np.copyto), never rebind"
        )
        assert np.array_equal(entry.static_input, x), "static_input must hold the latest input"


def test_capture_owns_its_input_buffer(lab):
    runner = lab.GraphRunner(OPS)
    x = batch(3, 0)
    runner(x)
    entry = runner.graphs[(3, WIDTH)]
    assert not probe.shares_memory(entry.static_input, x), (
        "the static input must be the graph's own buffer, not the caller's array"
    )
    kept = x.copy()
    runner(batch(3, 1))
    assert np.array_equal(probe.current(x), kept), "a later call overwrote the caller's first array"


def test_output_is_the_static_output_buffer(lab):
    runner = lab.GraphRunner(OPS)
    first = runner(batch(4, 0))
    entry = runner.graphs[(4, WIDTH)]
    assert probe.shares_memory(first, entry.static_output), "return the static output buffer itself"
    x2 = batch(4, 1)
    second = runner(x2)
    assert probe.shares_memory(first, second), "outputs live at one fixed address per graph"
    assert np.allclose(probe.current(first), reference(OPS, x2)), (
        "the earlier result must now show the newer output: it aliases the static buffer"
    )


def test_two_shapes_two_graphs_no_cross_talk(lab):
    runner = lab.GraphRunner(OPS)
    for seed in range(4):
        for rows in (2, 3):
            x = batch(rows, 10 * seed + rows)
            out = runner(x)
            assert out.shape[0] == rows
            assert np.allclose(out, reference(OPS, x)), f"shape ({rows}, {WIDTH}) got another's data"
    assert set(runner.graphs) == {(2, WIDTH), (3, WIDTH)}
    assert runner.captures == 2 and runner.replays == 6


def test_dtype_change_on_a_captured_shape_is_a_type_error(lab):
    runner = lab.GraphRunner(OPS)
    runner(batch(4, 0, np.float64))
    with pytest.raises(TypeError, match=naming("x")):
        runner(batch(4, 1, np.float32))


@pytest.mark.parametrize("ladder", [None, LADDER])
def test_a_graph_keeps_the_input_dtype(lab, ladder):
    runner = lab.GraphRunner(OPS, capture_sizes=ladder)
    for seed in (0, 1):  # a capture, then a replay
        x = batch(3, seed, np.float32)
        out = runner(x)
        assert np.allclose(out, reference(OPS, x)), "a float32 batch replays to what eager gives"
    entry = runner.graphs[(3 if ladder is None else 4, WIDTH)]
    assert entry.static_input.dtype == np.float32, (
        f"the static input buffer takes x's dtype, got {entry.static_input.dtype}")


def test_non_array_input_is_a_type_error(lab):
    runner = lab.GraphRunner(OPS)
    with pytest.raises(TypeError, match=naming("x")):
        runner([[1.0] * WIDTH])


@pytest.mark.parametrize("x", [np.ones(()), np.ones((0, WIDTH))], ids=["0-d", "0-rows"])
def test_input_without_rows_is_a_value_error(lab, x):
    runner = lab.GraphRunner(OPS)
    with pytest.raises(ValueError, match=naming("x")):
        runner(x)


# --- the padding stretch: capture_sizes ---------------------------------------------------


def test_batches_5_and_7_reuse_the_size_8_graph(lab):
    runner = lab.GraphRunner(OPS, capture_sizes=LADDER)
    runner(batch(5, 0))
    before = runner.launches
    runner(batch(7, 1))
    assert list(runner.graphs) == [(8, WIDTH)], (
        f"5 and 7 both pad up to 8; graphs holds {list(runner.graphs)}"
    )
    assert runner.captures == 1 and runner.launches - before == 1


@pytest.mark.parametrize("rows, rung", [(1, 1), (2, 2), (3, 4), (4, 4), (5, 8), (6, 8), (8, 8)])
def test_batch_pads_up_to_the_next_rung(lab, rows, rung):
    runner = lab.GraphRunner(OPS, capture_sizes=LADDER)
    out = runner(batch(rows))
    assert list(runner.graphs) == [(rung, WIDTH)], f"batch {rows} must pad up to {rung}"
    assert out.shape == (rows, WIDTH), "return only the batch's own rows, not the padding"


def test_padding_cuts_captures_for_batches_1_to_8(lab):
    plain = lab.GraphRunner(OPS)
    padded = lab.GraphRunner(OPS, capture_sizes=LADDER)
    for rows in range(1, 9):
        plain(batch(rows))
        padded(batch(rows))
    assert plain.captures == 8, f"without padding each batch size is a shape: {plain.captures}"
    assert padded.captures == 4, f"with [1, 2, 4, 8] four graphs serve 1..8: {padded.captures}"


def test_padded_output_matches_eager(lab):
    runner = lab.GraphRunner(OPS, capture_sizes=LADDER)
    for seed, rows in enumerate([5, 7, 3, 8, 6, 1, 2, 7]):
        x = batch(rows, seed)
        out = runner(x)
        assert out.shape == (rows, WIDTH)
        assert np.allclose(out, reference(OPS, x)), f"batch {rows}: padded replay differs from eager"


def test_padding_rows_are_zero(lab):
    runner = lab.GraphRunner(OPS, capture_sizes=LADDER)
    runner(batch(8, 0))
    runner(batch(5, 1))
    entry = runner.graphs[(8, WIDTH)]
    assert np.array_equal(entry.static_input[5:], np.zeros((3, WIDTH))), (
        "rows past the batch must be zero padding, not the previous batch's rows"
    )


def test_padded_output_aliases_the_static_buffer(lab):
    runner = lab.GraphRunner(OPS, capture_sizes=LADDER)
    out = runner(batch(5))
    assert probe.shares_memory(out, runner.graphs[(8, WIDTH)].static_output), (
        "a padded batch's result is the first rows of the graph's static output, not a copy")


def test_batch_above_the_ladder_runs_eagerly(lab):
    runner = lab.GraphRunner(OPS, capture_sizes=LADDER)
    for seed in range(3):
        x = batch(9, seed)
        before = runner.launches
        out = runner(x)
        assert runner.launches - before == len(OPS), (
            "a batch above the top rung has no graph: it runs eagerly, one launch per op"
        )
        assert np.allclose(out, reference(OPS, x)) and out.shape == (9, WIDTH)
    assert runner.graphs == {} and runner.captures == 0 and runner.replays == 0


# --- piecewise ----------------------------------------------------------------------------


def attention(x: np.ndarray) -> np.ndarray:
    """Stands for attention: the op a frozen recording cannot hold."""
    return np.sin(x) + x


def model_from(pattern: str) -> list:
    """'CCA...' -> ops: C a capturable op, A an attention (splitting) op."""
    capturable = iter(make_ops(len(pattern)))
    return [attention if c == "A" else next(capturable) for c in pattern]


def is_attention(op) -> bool:
    return op is attention


def steady_launches(runner, x: np.ndarray) -> int:
    runner(x)  # capture
    before = runner.launches
    runner(x)
    return runner.launches - before


def test_ten_op_model_split_at_op_5_costs_1_3_10(lab):
    ops = model_from("CCCCCACCCC")
    x = batch(4)
    assert steady_launches(lab.GraphRunner(ops), x) == 1, "FULL: the whole forward is one graph"
    assert steady_launches(lab.PiecewiseGraphRunner(ops, is_attention), x) == 3, (
        "PIECEWISE: graph(ops 0-4) + eager attention + graph(ops 6-9) = 3 launches"
    )
    all_live = lab.PiecewiseGraphRunner(ops, lambda op: True)  # nothing captured: eager
    assert steady_launches(all_live, x) == 10, "eager: one launch per op"


@pytest.mark.parametrize("pattern", ["CCCCCACCCC", "ACCCC", "CCCCA", "CCAACC", "CACACAC",
                                     "CCCCCC", "AAA", "ACA"])
def test_piecewise_steady_state_cost(lab, pattern):
    runs = len(re.findall("C+", pattern))
    splits = pattern.count("A")
    runner = lab.PiecewiseGraphRunner(model_from(pattern), is_attention)
    assert steady_launches(runner, batch(3)) == runs + splits, (
        f"{pattern}: {runs} captured runs + {splits} eager attention ops per call"
    )


@pytest.mark.parametrize("pattern", ["CCCCCACCCC", "ACCCC", "CCCCA", "CCAACC", "CACACAC"])
def test_piecewise_first_call_costs_every_op(lab, pattern):
    runner = lab.PiecewiseGraphRunner(model_from(pattern), is_attention)
    runner(batch(3))
    assert runner.launches == len(pattern), "capturing the pieces runs every op once"


@pytest.mark.parametrize("pattern", ["CCCCCACCCC", "CCAACC", "ACACA"])
def test_piecewise_output_equals_eager(lab, pattern):
    ops = model_from(pattern)
    runner = lab.PiecewiseGraphRunner(ops, is_attention)
    for seed in range(10):
        x = batch(4, seed)
        assert np.allclose(runner(x), reference(ops, x)), f"{pattern}, call {seed}"


def test_attention_runs_live_on_every_call(lab):
    calls = []

    def counting_attention(x):
        calls.append(x.shape[0])
        return attention(x)

    ops = [*make_ops(3), counting_attention, *make_ops(2)]
    runner = lab.PiecewiseGraphRunner(ops, lambda op: op is counting_attention)
    for seed in range(5):
        runner(batch(2, seed))
    assert len(calls) == 5, f"the splitting op must run eagerly on each of 5 calls, ran {len(calls)}"


def test_piecewise_with_padding(lab):
    ops = model_from("CCCCCACCCC")
    runner = lab.PiecewiseGraphRunner(ops, is_attention, capture_sizes=LADDER)
    for seed, rows in enumerate([5, 7, 6, 8]):
        x = batch(rows, seed)
        before = runner.launches
        out = runner(x)
        assert out.shape == (rows, WIDTH) and np.allclose(out, reference(ops, x))
        if seed:
            assert runner.launches - before == 3, "5..8 share the size-8 pieces: 3 launches"


# --- §6 transfer: predict the bill ------------------------------------------------------------


def bill(pattern: str, batches: list[int], ladder: list[int] | None = None) -> int:
    """The oracle, by plain bookkeeping: capture or eager pays every op, a replay one per piece."""
    pieces = len(re.findall("C+", pattern)) + pattern.count("A")
    seen: set[int] = set()
    total = 0
    for b in batches:
        rung = b if ladder is None else next((s for s in ladder if s >= b), None)
        if rung is not None and rung in seen:
            total += pieces
        else:
            total += len(pattern)
            if rung is not None:
                seen.add(rung)
    return total


def test_piecewise_launches_worked_example(lab):
    got = lab.piecewise_launches("CCCCCACCCC", [4, 4, 4])
    assert got == 16, f"capture (10) + two replays of graph, attention, graph (3 each) = 16; got {got!r}"


@pytest.mark.parametrize("pattern", ["CCAACC", "CCCCA", "ACCCC", "AACC", "AAA", "CCCCCC", "A", "C",
                                     "ACACA", "CAAAC", "CACCACCCA"])
def test_piecewise_launches_counts_runs_not_gaps(lab, pattern):
    batches = [3, 3, 5, 3, 5, 5, 2]
    want, got = bill(pattern, batches), lab.piecewise_launches(pattern, batches)
    runs = len(re.findall("C+", pattern))
    assert got == want, (
        f"{pattern!r} over batches {batches}: expected {want} launches, got {got!r}. It has {runs} "
        f"captured run(s) and {pattern.count('A')} attention(s); an empty gap between two attentions, "
        "or after the last one, is no graph and costs nothing."
    )


@pytest.mark.parametrize("pattern", ["CCCCCACCCC", "CCAACC", "CCCCA", "AAA", "CCCC"])
def test_piecewise_launches_with_a_ladder(lab, pattern):
    for batches in ([5, 7, 6, 8, 5], [9, 3, 9, 4, 1, 2, 12], [1, 1, 16, 2, 8, 8]):
        want, got = bill(pattern, batches, LADDER), lab.piecewise_launches(pattern, batches, LADDER)
        assert got == want, (
            f"{pattern!r} over batches {batches} on the ladder {LADDER}: expected {want} launches, "
            f"got {got!r}. One capture per rung (not per batch size), and a batch above the top "
            "rung runs eagerly every time, capturing nothing."
        )


def test_piecewise_launches_with_no_calls_is_zero(lab):
    assert lab.piecewise_launches("CAC", []) == 0


@pytest.mark.parametrize("batches", [range(1, 10), (4, 4, 9, 3, 4), range(0)], ids=["range", "tuple", "empty-range"])
def test_piecewise_launches_takes_any_sequence_of_batches(lab, batches):
    want, got = bill("CCACCAC", list(batches), LADDER), lab.piecewise_launches("CCACCAC", batches, LADDER)
    assert got == want, (
        f"batches={batches!r} is a sequence of ints like a list (§6): expected {want} launches, got {got!r}"
    )


def repeated(unit: str, times: int) -> str:
    return unit * times


# Models and traffic far beyond anything a runner could replay within the test's time limit:
# 10,000 calls of a model of thousands of ops (tens of millions of replayed ops). Only a
# prediction answers in time.
HUGE_LADDER = [1, 2, 4, 8, 16, 32, 64, 128, 256]
HUGE_BATCHES = [(7 * i * i + 3 * i) % 300 + 1 for i in range(10_000)]  # some above the ladder


@pytest.mark.parametrize("pattern", [
    repeated("CCCCCCCAACCCA", 300),        # attention pairs, trailing attention
    repeated("AC", 2_000) + "AAAA",        # starts and ends in attention
    "C" * 5_000,                           # no attention at all: FULL
], ids=["pairs", "alternating", "no-attention"])
def test_piecewise_launches_predicts_what_no_runner_could_run(lab, pattern):
    want, got = bill(pattern, HUGE_BATCHES, HUGE_LADDER), lab.piecewise_launches(pattern, HUGE_BATCHES, HUGE_LADDER)
    assert got == want, (
        f"a {len(pattern)}-op model called {len(HUGE_BATCHES)} times on {HUGE_LADDER}: expected {want} "
        f"launches, got {got!r}. Which calls capture, which replay, which run eagerly, and what does "
        "each of them cost for this pattern?"
    )


@pytest.mark.parametrize("args, error, argument", [
    (("CXC", [1]), ValueError, "pattern"),
    (("ccacc", [1]), ValueError, "pattern"),
    (("CCa", [1]), ValueError, "pattern"),
    (("CAC", [1, 2.5]), TypeError, "batches"),
    (("CAC", [1, True]), TypeError, "batches"),
    (("CAC", 4), TypeError, "batches"),
    (("", [1]), ValueError, "pattern"),
    ((["C", "A"], [1]), TypeError, "pattern"),
    (("CAC", [0]), ValueError, "batches"),
    (("CAC", {1, 2}), TypeError, "batches"),
    (("CAC", (b for b in [1, 2])), TypeError, "batches"),
    (("CAC", [2], [4, 2]), ValueError, "capture_sizes"),
])
def test_piecewise_launches_rejects_bad_input(lab, args, error, argument):
    with pytest.raises(error) as err:
        lab.piecewise_launches(*args)
    assert re.search(naming(argument), str(err.value)), f"the error must name `{argument}` (§6); got {err.value}"


# --- gaps closed by one-bug variants and mutation testing (issue 16) ---------------------------


def test_padded_graph_refuses_a_dtype_change(lab):
    runner = lab.GraphRunner(OPS, capture_sizes=LADDER)
    runner(batch(3, 0, np.float64))  # captures the size-4 graph with a float64 buffer
    with pytest.raises(TypeError, match=naming("x")):
        runner(batch(3, 1, np.float32))  # pads into that same buffer: a silent cast is a bug
    assert runner.captures == 1 and list(runner.graphs) == [(4, WIDTH)], (
        "a refused dtype must not capture a second graph"
    )


@pytest.mark.parametrize("ladder", [[8, 1, 2, 4], [1, 2, 2, 4], [4, 2]])
@pytest.mark.parametrize("runner_kind", ["GraphRunner", "PiecewiseGraphRunner"])
def test_a_ladder_that_is_not_strictly_increasing_is_a_value_error(lab, ladder, runner_kind):
    def build():
        if runner_kind == "GraphRunner":
            return lab.GraphRunner(OPS, capture_sizes=ladder)
        return lab.PiecewiseGraphRunner(model_from("CCACC"), is_attention, capture_sizes=ladder)

    with pytest.raises(ValueError, match=r"\bcapture_sizes\b"):
        build()(batch(1))  # refused when built or, at the latest, on the first call


def test_piecewise_counts_captures_and_replays_per_run(lab):
    runner = lab.PiecewiseGraphRunner(model_from("CCAACACC"), is_attention)  # 3 captured runs
    runner(batch(2, 0))
    assert (runner.captures, runner.replays) == (3, 0), (
        f"the first call captures each of the 3 runs once; got captures={runner.captures}, "
        f"replays={runner.replays}"
    )
    for seed in range(1, 4):
        runner(batch(2, seed))
    assert (runner.captures, runner.replays) == (3, 9), (
        f"3 more calls replay each of the 3 runs: captures=3, replays=9; got "
        f"captures={runner.captures}, replays={runner.replays}"
    )
    runner(batch(5, 9))  # a new shape: every run captures again
    assert (runner.captures, runner.replays) == (6, 9)


def test_launches_add_up_across_captures(lab):
    runner = lab.GraphRunner(OPS)
    runner(batch(2, 0))
    runner(batch(3, 1))
    assert runner.launches == 2 * len(OPS), (
        f"two captures run the ops twice: {2 * len(OPS)} launches expected, got {runner.launches}"
    )
    runner(batch(2, 2))
    runner(batch(3, 3))
    assert runner.launches == 2 * len(OPS) + 2, "then each replay adds one launch"


def test_a_splitting_rule_that_is_not_callable_is_a_type_error(lab):
    with pytest.raises(TypeError) as err:
        lab.PiecewiseGraphRunner(OPS, "attention")
    assert re.search(naming("is_splitting_op"), str(err.value)), f"the error must name `is_splitting_op` (§5); got {err.value}"



# --- the README's rules that one-bug variants of student files slipped past (issue 28) ---------


def build_runner(lab, runner_kind: str, ladder):
    if runner_kind == "GraphRunner":
        return lab.GraphRunner(OPS, capture_sizes=ladder)
    return lab.PiecewiseGraphRunner(model_from("CCACC"), is_attention, capture_sizes=ladder)


BAD_LADDERS = [  # (ladder, the error §4 asks for): a wrong kind is a TypeError, a wrong value a ValueError
    ([1, 2.5], TypeError), ([1.0, 2.0], TypeError), ([True, 2], TypeError), (4, TypeError),
    ("1248", TypeError), ([], ValueError), ([0, 1, 2], ValueError), ([-4, 8], ValueError),
]


@pytest.mark.parametrize("ladder, error", BAD_LADDERS, ids=[repr(c[0]) for c in BAD_LADDERS])
@pytest.mark.parametrize("runner_kind", ["GraphRunner", "PiecewiseGraphRunner", "piecewise_launches"])
def test_a_ladder_of_the_wrong_kind_or_values_is_refused_naming_capture_sizes(lab, ladder, error, runner_kind):
    with pytest.raises(error) as err:
        if runner_kind == "piecewise_launches":
            lab.piecewise_launches("CAC", [1], ladder)
        else:
            build_runner(lab, runner_kind, ladder)(batch(1))  # refused when built, at the latest here
    assert re.search(naming("capture_sizes"), str(err.value)), (
        f"capture_sizes={ladder!r}: a {error.__name__} naming `capture_sizes` (§4: a sequence of "
        f"ints, non-empty, each >= 1); got {err.value}"
    )


@pytest.mark.parametrize("ladder, rows", [(None, 4), (LADDER, 4), (LADDER, 8)], ids=["no-ladder", "rung-4", "rung-8"])
def test_a_batch_that_fills_its_graph_gets_static_output_itself(lab, ladder, rows):
    runner = lab.GraphRunner(OPS, capture_sizes=ladder)
    for seed in (0, 1):  # a capture, then a replay
        out = runner(batch(rows, seed))
        entry = runner.graphs[(rows, WIDTH)]
        assert probe.same_object(out, entry.static_output), (
            f"call {seed}: a batch of {rows} fills its graph, so the call returns the graph's "
            "static_output array itself (§2), not a slice or a copy of it"
        )


@pytest.mark.parametrize("x, error", [([[1.0] * WIDTH], TypeError), (np.ones((0, WIDTH)), ValueError),
                                      (np.ones(()), ValueError)], ids=["list", "0-rows", "0-d"])
@pytest.mark.parametrize("pattern", ["ACC", "CCA"])
def test_piecewise_runner_checks_its_own_input(lab, x, error, pattern):
    runner = lab.PiecewiseGraphRunner(model_from(pattern), is_attention)
    with pytest.raises(error) as err:
        runner(x)
    assert re.search(naming("x"), str(err.value)), (
        f"a PiecewiseGraphRunner refuses this x as GraphRunner does (§1, §5), naming `x`, even when "
        f"its first piece is an attention that would take it; got {type(err.value).__name__}: {err.value}"
    )
