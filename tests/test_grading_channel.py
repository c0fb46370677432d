"""The judge-worker channel carries data only, and nothing the worker sends can decide a comparison.

The codec is checked on its own (round trips, and the refusals that keep code out); the judge's
side is checked against small hostile lab-01 files run in a worker (no sandbox: these are about
the channel, tests/test_grading_hostile.py grades the same attacks in the sandbox).
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from mini_vllm.grading import channel, probe, remote
from mini_vllm.grading.handles import Opaque

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs" / "lab-01-graph-replay-simulator"
LAB_03 = LAB.parent / "lab-03-cudagraph-mode"
CORRECT = (LAB / "independent" / "from_the_readme.py").read_text()
STARTER = (LAB / "starter.py").read_text()


def no_hook(value):
    raise TypeError(f"not plain: {value!r}")


def no_tag(tag, items):
    raise channel.ProtocolError(f"unknown tag {tag}")


@pytest.mark.parametrize("value", [
    None, True, 0, -(10**30), 2.5, float("inf"), "é", b"\x00\xff", [1, (2, 3)], {"a": [1], 2: None},
    {1, 2}, frozenset({"x"}), Fraction(1, 3), Decimal("0.1"), np.float32(1.5), np.int64(7),
    np.arange(6, dtype=np.float32).reshape(2, 3), np.array(["ab", "c"]),
], ids=repr)
def test_plain_values_cross_unchanged_with_their_types(value):
    got = channel.decode(channel.encode(value, lambda v: ["A", *channel.encode_array(v)]),
                         lambda tag, items: channel.decode_array(*items))
    assert type(got) is type(value), f"{value!r} came back as {type(got).__name__}"
    if isinstance(value, np.ndarray):
        assert got.dtype == value.dtype and np.array_equal(got, value)
    else:
        assert got == value


def test_nan_crosses_as_nan():
    assert math.isnan(channel.decode(channel.encode(float("nan"), no_hook), no_tag))


@pytest.mark.parametrize("data", [
    [], ["L", ["nope"]], {"a": 1}, ["N", "|O8", [], ""], ["N", "<f8", [2], "AAAA"], ["Q", 1, 0],
    ["zz", 1], ["B", "not base64!"],
], ids=repr)
def test_anything_but_a_tagged_value_is_a_protocol_error(data):
    with pytest.raises(channel.ProtocolError):
        channel.decode(data, no_tag)


def test_a_frame_bigger_than_the_limit_is_refused_before_reading_it():
    read, write = os.pipe()
    os.write(write, b"\xff\xff\xff\xff")
    with pytest.raises(channel.ProtocolError, match="over"):
        channel.receive(read)
    os.close(read)
    os.close(write)


@pytest.fixture
def open_file(tmp_path):
    """A lab's RemoteLab on `text` (a worker, no sandbox), closed after the test."""
    labs = []

    def opened(text: str, lab: Path = LAB) -> remote.RemoteLab:
        path = tmp_path / f"graded_{len(labs)}.py"
        path.write_text(text)
        labs.append(remote.RemoteLab(lab, path, None))
        return labs[-1]

    yield opened
    for lab in labs:
        lab.close()


def test_a_graded_objects_eq_and_bool_never_answer_an_assert(open_file):
    lab = open_file(CORRECT + "\nGraphRunner.__eq__ = lambda self, other: True\n"
                    "GraphRunner.__bool__ = lambda self: False\n")
    runner = lab.GraphRunner([np.tanh])
    assert (runner == 3) is False and runner != 3, "a graded __eq__ never answers: a handle equals itself only"
    assert runner == runner  # noqa: PLR0124 (identity, decided in the judge)
    assert bool(runner) is True, "a handle's truth is the judge's, not the graded __bool__"


def test_membership_in_a_graded_object_is_judged_over_its_items(open_file):
    lab = open_file(CORRECT + "\nGraphRunner.__contains__ = lambda self, item: True\n"
                    "GraphRunner.__iter__ = lambda self: iter([1, 2])\n")
    runner = lab.GraphRunner([np.tanh])
    assert 2 in runner and 3 not in runner, (
        "`x in handle` compares in the judge, over the items the worker iterates: a graded __contains__ "
        "that says yes to everything decides nothing")


def test_a_record_the_course_does_not_define_equals_nothing(open_file):
    lab = open_file((LAB_03 / "independent" / "from_readme.py").read_text().replace(
        "    has_lora: bool = False\n", "    has_lora: bool = False\n    forged: bool = True\n", 1), LAB_03)
    mode, desc = lab.CudagraphDispatcher("PIECEWISE", [1, 2, 4], 4).dispatch(3)
    assert isinstance(desc, Opaque) and desc != desc, "fields unlike the starter's: an opaque value"


def test_enum_members_are_the_judges_and_their_methods_run_in_the_worker(open_file):
    lab = open_file((LAB_03 / "independent" / "from_readme.py").read_text(), LAB_03)
    full = lab.CUDAGraphMode.FULL_AND_PIECEWISE
    assert lab.parse_cudagraph_mode("full_and_piecewise") is full
    assert full.mixed_mode() is lab.CUDAGraphMode.PIECEWISE and not lab.CUDAGraphMode.NONE


def test_the_tests_callables_run_in_the_judge_and_keep_their_identity(open_file):
    lab = open_file(CORRECT)
    seen = []
    attention = lambda x: x + 1  # noqa: E731
    runner = lab.PiecewiseGraphRunner([attention, np.tanh], lambda op: seen.append(op) or op is attention)
    out = runner(np.zeros((2, 3)))
    assert np.allclose(out, np.tanh(1.0)) and attention in seen


def test_a_tests_function_keeps_its_name_in_the_worker(open_file):
    lab = open_file(CORRECT + "\ndef name_of(function):\n    return function.__name__\n")

    def attention(x):
        return x

    assert lab.name_of(attention) == "attention", (
        "graded code that reads a callable's __name__ (lab-06's should_split on a node's target) sees the test's")


def test_identity_and_aliasing_are_asked_of_the_worker(open_file):
    lab = open_file(CORRECT)
    runner = lab.GraphRunner([np.tanh])
    x = np.ones((2, 3))
    first = runner(x)
    entry = runner.graphs[(2, 3)]
    assert probe.same_object(first, entry.static_output) and probe.shares_memory(first, entry.static_output)
    assert not probe.shares_memory(entry.static_input, x)
    runner(np.zeros((2, 3)))
    assert np.allclose(probe.current(first), 0.0) and np.allclose(first, np.tanh(1.0))


def test_in_a_plain_run_the_probes_are_identity_and_numpy():
    a = np.zeros(4)
    assert probe.same_object(a, a) and not probe.same_object(a, a.copy())
    assert probe.shares_memory(a, a[1:]) and probe.current(a) is a and probe.address(a) == a.ctypes.data


def test_garbage_on_the_channel_is_a_recorded_violation(open_file):
    lab = open_file(CORRECT + "\ndef eager(ops, x):\n    import os, sys\n"
                    "    os.write(int(sys.argv[-1]), b'\\x00\\x00\\x00\\x02{]')\n")
    before = len(remote.VIOLATIONS)
    with pytest.raises(channel.ProtocolError):
        lab.eager([np.tanh], np.ones((1, 1)))
    assert len(remote.VIOLATIONS) == before + 1 and "protocol" in remote.VIOLATIONS[-1]
    del remote.VIOLATIONS[before:]


def test_a_worker_that_exits_mid_call_costs_that_call_and_a_new_one_serves_the_next(open_file):
    lab = open_file(CORRECT + "\n_eager = eager\ndef eager(ops, x):\n    if len(ops) == 2:\n"
                    "        import os\n        os._exit(7)\n    return _eager(ops, x)\n")
    with pytest.raises(remote.WorkerEnded, match="exit status 7"):
        lab.eager([np.tanh, np.tanh], np.ones((1, 1)))
    remote.revive()
    assert np.allclose(lab.eager([np.tanh], np.ones((1, 1))), np.tanh(1.0))


def test_a_builtin_exception_keeps_its_type_and_message(open_file):
    lab = open_file(STARTER)
    with pytest.raises(NotImplementedError, match="lab-01: eager"):
        lab.eager([np.tanh], np.ones((1, 1)))


def test_a_mirror_enum_never_lets_the_worker_answer_eq_or_hash(open_file):
    text = (LAB_03 / "independent" / "from_readme.py").read_text() + (
        "\nCUDAGraphMode.__eq__ = lambda self, other: True\nCUDAGraphMode.__hash__ = lambda self: 0\n"
        "CUDAGraphMode.__lt__ = lambda self, other: True\n"
        "import __main__\n__main__.NO_FORWARD.clear()  # the worker would now offer __eq__ to the judge\n")
    lab = open_file(text, LAB_03)
    assert lab.CUDAGraphMode.FULL != lab.CUDAGraphMode.NONE, "== is the judge's enum identity"
    assert hash(lab.CUDAGraphMode.FULL) == hash("FULL"), "the hash is Enum's own, of the member's name"
    with pytest.raises(TypeError):
        assert lab.CUDAGraphMode.FULL < lab.CUDAGraphMode.NONE
