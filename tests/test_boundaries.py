"""Every public boundary answers bad input with one clear error naming the argument (issue 18).

The rule, stated in mini_vllm/checks.py: ints are int or numpy integers (converted, and the
converted value used), never bools; booleans are bool; floats are finite; enum names are
ASCII; sizes that can only exhaust memory have an upper bound the error states. Each case
below was once accepted, or refused with the wrong kind of error.
"""

from __future__ import annotations

import numpy as np
import pytest

import mini_vllm as mv
from mini_vllm import CUDAGraphMode

ALL_RUNTIME = {CUDAGraphMode.NONE, CUDAGraphMode.PIECEWISE, CUDAGraphMode.FULL}


def refused(call, kind, *names):
    """Run call, expect `kind`, and check that its one-line message names every `names` entry."""
    with pytest.raises(kind) as info:
        call()
    message = str(info.value)
    assert "\n" not in message, f"the error must be one line, got {message!r}"
    for name in names:
        assert name in message, f"the error must name {name!r}, got {message!r}"
    return message


def dispatcher(mode: str = "FULL_AND_PIECEWISE") -> mv.CudagraphDispatcher:
    return mv.CudagraphDispatcher(mode, [1, 2, 4, 8], 4)


# --- booleans are bool --------------------------------------------------------------------


def test_enforce_eager_must_be_a_bool_not_the_string_false():
    refused(lambda: mv.resolve_cudagraph_mode("FULL", 3, enforce_eager="False"), TypeError,
            "enforce_eager")


def test_attention_in_splitting_ops_must_be_a_bool():
    refused(lambda: mv.resolve_cudagraph_mode("FULL", 3, attention_in_splitting_ops="yes"),
            TypeError, "attention_in_splitting_ops")


@pytest.mark.parametrize("flag", ["uniform_decode", "has_lora"])
def test_dispatch_flags_must_be_bools(flag):
    refused(lambda: dispatcher().dispatch(3, **{flag: "no"}), TypeError, flag)


def test_numpy_bools_are_welcome_as_flags():
    assert dispatcher().dispatch(3, uniform_decode=np.bool_(True)) == dispatcher().dispatch(3, True)


@pytest.mark.parametrize("flag", ["shared_pool", "progress"])
def test_cuda_graph_runner_flags_must_be_bools(flag):
    from mini_vllm.gpu.cuda_graph_runner import CudaGraphRunner

    refused(lambda: CudaGraphRunner(lambda x: x, [1, 2], **{flag: "no"}), TypeError, flag)


# --- ints are int or numpy integers, never bools, and the converted value is used ----------


def test_a_numpy_int8_batch_is_converted_before_any_arithmetic():
    assert mv.padding_waste(np.int8(100), [200]) == 100
    assert mv.padded_size(np.int8(100), [200]) == 200


@pytest.mark.parametrize("call, want", [
    (lambda: mv.default_capture_sizes(np.int64(8)), [1, 2, 4, 8]),
    (lambda: mv.capture_sizes_for(np.int32(4), np.int64(8192)), [1, 2, 4, 8]),
    (lambda: mv.padded_size(np.uint16(3), np.array([1, 2, 4])), 4),
    (lambda: mv.expected_waste({np.int64(3): np.float32(1.0)}, np.arange(1, 5)), 0.0),
    (lambda: mv.optimal_ladder([1, 3, 3], np.int64(2)), [1, 3]),
    (lambda: mv.crossover(np.int64(4), np.int16(10)), 4),
    (lambda: mv.eager_launches(np.int64(4), np.int8(3)), 12),
    (lambda: mv.per_call_ratio(np.int64(4), np.int64(1)), 1.0),
    (lambda: mv.asymptotic_speedup(np.int64(7)), 7.0),
    (lambda: mv.predicted_step_speedup(np.int64(10), np.float32(1.0), np.int64(0)), 10.0),
    (lambda: dispatcher().dispatch(np.int64(3))[0], CUDAGraphMode.PIECEWISE),
    (lambda: mv.CudagraphDispatcher("FULL", np.array([1, 2, 4]), np.int64(2)).max_num_seqs, 2),
    (lambda: type(mv.CudagraphDispatcher("FULL", [1, 2], np.int64(2)).max_num_seqs), int),
    (lambda: mv.spread(np.array([1.0, 3.0, 2.0])).median, 2.0),
    (lambda: mv.capture_sizes_for(1024, 8192, vllm_version="0.33.0",
                                  compute_capability=(np.int64(10), np.int32(0)))[-1], 1024),
], ids=["default_capture_sizes", "capture_sizes_for", "padded_size", "expected_waste",
        "optimal_ladder", "crossover", "eager_launches", "per_call_ratio", "asymptotic_speedup",
        "predicted_step_speedup", "dispatch", "dispatcher", "dispatcher-int", "spread",
        "compute_capability"])
def test_numpy_numbers_are_welcome_everywhere(call, want):
    assert call() == want


@pytest.mark.parametrize("call, name", [
    (lambda: mv.padded_size(True, [1, 2]), "batch"),
    (lambda: mv.padded_size(np.bool_(True), [1, 2]), "batch"),
    (lambda: mv.default_capture_sizes(True), "max_capture_size"),
    (lambda: mv.padded_size(1, [1, True]), "sizes[1]"),
    (lambda: mv.crossover(2.0), "num_ops"),
    (lambda: mv.optimal_ladder({True: 1}, 2), "traffic"),
    (lambda: mv.expected_waste({3: True}, [4]), "traffic"),
    (lambda: mv.CudagraphDispatcher("FULL", [1, 2], 4, uniform_decode_query_len=True),
     "uniform_decode_query_len"),
])
def test_bools_and_floats_are_not_ints(call, name):
    refused(call, TypeError, name)


# --- floats are finite real numbers; ints beyond a float's range are not an OverflowError --


@pytest.mark.parametrize("call, kind, name", [
    (lambda: mv.amdahl_speedup(10**400, 2), ValueError, "fraction"),
    (lambda: mv.amdahl_speedup("0.5", 2), TypeError, "fraction"),
    (lambda: mv.amdahl_speedup(0.5, float("nan")), ValueError, "speedup"),
    (lambda: mv.amdahl_speedup(0.5, 10**400), ValueError, "speedup"),
    (lambda: mv.per_call_ratio(10**400, 2, 1), ValueError, "num_ops"),
    (lambda: mv.asymptotic_speedup(10**400), ValueError, "num_ops"),
    (lambda: mv.predicted_step_speedup(10**400, 1.0, 1.0), ValueError, "num_ops"),
    (lambda: mv.predicted_step_speedup(10, float("inf"), 1.0), ValueError, "launch_us"),
    (lambda: mv.expected_waste({3: float("inf")}, [4]), ValueError, "traffic"),
    (lambda: mv.spread([1.0, float("nan")]), ValueError, "samples"),
])
def test_numbers_out_of_a_floats_reach_are_refused_by_name(call, kind, name):
    refused(call, kind, name)


def test_a_huge_int_is_shown_by_its_size_so_the_error_stays_short():
    message = refused(lambda: mv.per_call_ratio(10**400, 2, 1), ValueError, "num_ops", "1.8e308")
    assert len(message) < 200, f"a 400-digit int must not be printed whole: {len(message)} characters"


# --- sizes that can only exhaust memory have a stated bound --------------------------------


@pytest.mark.parametrize("max_capture_size", [10**9, 10**30])
def test_a_ladder_too_big_for_memory_is_refused_before_it_is_built(max_capture_size):
    message = refused(lambda: mv.default_capture_sizes(max_capture_size), ValueError,
                      "max_capture_size")
    assert any(ch.isdigit() for ch in message.split("got")[0]), f"state the bound: {message!r}"


def test_capture_sizes_for_bounds_its_max_capture_size_too():
    refused(lambda: mv.capture_sizes_for(256, 2**40, max_capture_size=2**40), ValueError,
            "max_capture_size")


# --- enum names are ASCII -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["pıecewıse", "ﬁll", "FULL\u200b"])
def test_a_mode_name_must_be_ascii(text):
    refused(lambda: mv.parse_cudagraph_mode(text), ValueError, "cudagraph_mode")


def test_a_mode_name_parses_in_any_case_but_exactly_as_spelled():
    """0.22.1 looks up value.upper() and nothing else (vllm/config/compilation.py:847-853)."""
    assert mv.parse_cudagraph_mode("full_and_piecewise") is CUDAGraphMode.FULL_AND_PIECEWISE
    refused(lambda: mv.parse_cudagraph_mode(" full_and_piecewise "), ValueError, "cudagraph_mode")


# --- invalid_modes: dispatch never returns a mode it was told not to use -------------------


def test_every_runtime_mode_invalid_is_refused():
    # 0.22.1 asserts len(allowed_modes) >= 1 (vllm/v1/cudagraph_dispatcher.py:272).
    refused(lambda: dispatcher().dispatch(3, invalid_modes=ALL_RUNTIME), ValueError,
            "invalid_modes")


@pytest.mark.parametrize("mode, tokens", [("FULL_AND_PIECEWISE", 100), ("NONE", 3), ("FULL", 3)])
def test_none_invalid_with_no_graph_that_fits_is_refused(mode, tokens):
    invalid = {CUDAGraphMode.NONE, CUDAGraphMode.FULL} if mode == "FULL" else {CUDAGraphMode.NONE}
    refused(lambda: dispatcher(mode).dispatch(tokens, invalid_modes=invalid), ValueError,
            "invalid_modes")


def test_a_composite_mode_in_invalid_modes_is_refused():
    refused(lambda: dispatcher().dispatch(33, invalid_modes={CUDAGraphMode.FULL_AND_PIECEWISE}),
            ValueError, "invalid_modes")


def test_invalid_modes_must_be_a_collection_of_modes():
    refused(lambda: dispatcher().dispatch(3, invalid_modes="FULL"), TypeError, "invalid_modes")


# --- containers: the wrong shape is a TypeError naming it, never an AttributeError --------


OPS = [lambda x: x * x, lambda x: x + 1.0]


@pytest.mark.parametrize("call, name", [
    (lambda: mv.eager(5, np.ones((2, 2))), "ops"),
    (lambda: mv.GraphRunner(None), "ops"),
    (lambda: mv.GraphRunner([1, 2]), "ops[0]"),
    (lambda: mv.eager(OPS, [[1.0]]), "x"),
    (lambda: mv.speedup_table({"runs": "abc"}, "graphs"), "runs"),
    (lambda: mv.speedup_table({"runs": [5]}, "graphs"), "runs[0]"),
    (lambda: mv.claims_verdict([(1, 2.0, 1.0, 3.0)]), "rows[0]"),
    (lambda: mv.spread("123"), "samples"),
])
def test_a_wrong_container_is_a_type_error_naming_it(call, name):
    refused(call, TypeError, name)


def test_launch_accounting_names_items():
    from mini_vllm.compilation import launch_accounting

    refused(lambda: launch_accounting([1], 3), TypeError, "items[0]")
    refused(lambda: launch_accounting([], True), (TypeError, ValueError), "steps")
    refused(lambda: launch_accounting([], np.int64(3)), ValueError, "items")  # steps passed: an int


def test_claims_verdict_on_an_empty_iterator_names_rows():
    with pytest.raises((TypeError, ValueError)) as info:
        mv.claims_verdict(iter([]))
    assert "rows" in str(info.value)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix announces its age
@pytest.mark.parametrize("make", [lambda: np.matrix([[1.0, 2.0], [3.0, 4.0]]),
                                  lambda: np.ma.masked_array([[1.0, 2.0]])], ids=["matrix", "masked"])
def test_replay_and_eager_agree_on_ndarray_subclasses_by_refusing_them(make):
    subclass = make()
    # np.matrix's * is a matrix product: captured on a plain buffer the op would compute
    # something else than eagerly. Both paths refuse, naming x.
    refused(lambda: mv.eager(OPS, subclass), TypeError, "x")
    refused(lambda: mv.GraphRunner(OPS)(subclass), TypeError, "x")


# --- JSON-shaped input: the error names the key it came from --------------------------------


def results(launch_us: object = 1.0, gpu_us: object = 5.0, kernels: object = 10) -> dict:
    return {
        "runs": [{"arm": "eager", "batch": 1, "tokens_per_s": [100.0]},
                 {"arm": "graphs", "batch": 1, "tokens_per_s": [200.0]}],
        "constants": {"launch_us": launch_us},
        "per_batch": {"1": {"kernels_per_step": kernels, "gpu_us": gpu_us}},
    }


def test_prediction_error_takes_well_formed_constants():
    (row,) = mv.prediction_error(results())
    assert row.predicted == pytest.approx(15 / 6)


@pytest.mark.parametrize("kwargs, key", [
    ({"launch_us": "1_0"}, "launch_us"),
    ({"launch_us": "10"}, "launch_us"),
    ({"gpu_us": True}, "gpu_us"),
    ({"gpu_us": None}, "gpu_us"),
    ({"kernels": 10.5}, "kernels_per_step"),
    ({"kernels": True}, "kernels_per_step"),
])
def test_prediction_error_names_the_json_key_not_lab02s_argument(kwargs, key):
    message = refused(lambda: mv.prediction_error(results(**kwargs)), TypeError, key)
    assert "num_ops" not in message, f"name the JSON key, not lab-02's argument: {message!r}"


@pytest.mark.parametrize("kwargs, key", [
    ({"launch_us": 0.0}, "launch_us"),
    ({"gpu_us": -1.0}, "gpu_us"),
    ({"kernels": 0}, "kernels_per_step"),
])
def test_prediction_error_names_the_key_of_an_out_of_range_value(kwargs, key):
    refused(lambda: mv.prediction_error(results(**kwargs)), ValueError, key)
