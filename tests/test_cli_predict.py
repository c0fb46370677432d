"""`mini-vllm predict` and the predictor under it: only pre-measurement inputs, one model, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mini_vllm.cli import main
from mini_vllm.model_shapes import (
    OPT_125M,
    SHAPE_CONFIGS,
    ModelShape,
    kv_cache_bytes,
    load_shape,
    weight_bytes,
)
from mini_vllm.speedup_predictor import predict_speedup

LAB04 = Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs" / "lab-04-graph-vs-eager-real"
TWIN = json.loads((LAB04 / "results" / "twin.json").read_text())


def test_the_twins_own_shape_is_the_committed_opt125m_config():
    assert load_shape("opt-125m") == OPT_125M
    assert weight_bytes(OPT_125M) == TWIN["constants"]["weight_bytes"], (
        "the shape's weight bytes must be the twin's own, counted by torch on the GPU")


@pytest.mark.parametrize("name, layers, hidden", [("opt-350m", 24, 1024), ("opt-1.3b", 24, 2048)])
def test_the_check_shapes_are_deeper_and_wider(name, layers, hidden):
    shape = load_shape(name)
    assert (shape.num_layers, shape.hidden, shape.ffn) == (layers, hidden, 4 * hidden)


def test_on_the_twin_itself_the_calibration_gives_back_its_gpu_time():
    bandwidth = TWIN["constants"]["d2d_gb_per_s"]
    got = predict_speedup(TWIN, OPT_125M, 1, bandwidth_gb_per_s=bandwidth)
    assert got.kernels_per_step == TWIN["per_batch"]["1"]["kernels_per_step"]
    assert got.gpu_us == pytest.approx(TWIN["per_batch"]["1"]["gpu_us"]), (
        "the per-kernel cost is calibrated at batch 1 on the twin: applied to the twin it must return its measured GPU time")


def test_a_target_is_predicted_from_its_bytes_and_the_twins_constants():
    shape = load_shape("opt-1.3b")
    c, first = TWIN["constants"], TWIN["per_batch"]["1"]
    twin_bytes = weight_bytes(OPT_125M) + kv_cache_bytes(OPT_125M, 1, TWIN["config"]["max_seq_len"])
    per_kernel = (first["gpu_us"] - twin_bytes / (c["d2d_gb_per_s"] * 1e3)) / first["kernels_per_step"]
    kernels = round(first["kernels_per_step"] * 24 / 12)
    gpu = kernels * per_kernel + (weight_bytes(shape) + kv_cache_bytes(shape, 64, 256)) / (4000.0 * 1e3)
    want = max(kernels * c["launch_us"], gpu) / (c["launch_us"] + gpu)
    got = predict_speedup(TWIN, shape, 64, bandwidth_gb_per_s=4000.0)
    assert tuple(got) == pytest.approx((kernels, gpu, want))


@pytest.mark.parametrize("kwargs, name", [
    ({"bandwidth_gb_per_s": float("inf")}, "bandwidth_gb_per_s"), ({"bandwidth_gb_per_s": 0}, "bandwidth_gb_per_s"),
    ({"batch": 0}, "batch"), ({"launch_us": -1.0}, "launch_us"), ({"shape": (24, 1024)}, "shape"),
])
def test_the_predictor_refuses_bad_input_by_name(kwargs, name):
    call = {"shape": OPT_125M, "batch": 1, "bandwidth_gb_per_s": 3000.0, **kwargs}
    with pytest.raises((TypeError, ValueError), match=name):
        predict_speedup(TWIN, call.pop("shape"), call.pop("batch"), **call)


def test_a_twin_run_below_its_own_byte_time_is_refused():
    fast = {**TWIN, "per_batch": {"1": {"kernels_per_step": 168, "gpu_us": 10.0}}}
    with pytest.raises(ValueError, match="gpu_us"):
        predict_speedup(fast, OPT_125M, 1, bandwidth_gb_per_s=3000.0)


@pytest.mark.parametrize("model", list(SHAPE_CONFIGS))
def test_predict_prints_a_row_per_batch(model, capsys):
    assert main(["predict", model, "--batch-sizes", "1", "64"]) == 0
    out = capsys.readouterr().out
    assert "| 1 |" in out and "| 64 |" in out and "eager step = max(" in out


def test_predict_json_carries_the_model_behind_the_number(capsys, tmp_path):
    config = json.loads((LAB04 / "offline-opt-1.3b" / "config.json").read_text())
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    assert main(["predict", str(path), "--card", "h200", "--batch-sizes", "8", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (row,) = data["rows"]
    shape = ModelShape(**data["shape"])
    want = predict_speedup(json.loads((LAB04 / "results" / "h200" / "twin.json").read_text()), shape, 8,
                           bandwidth_gb_per_s=data["bandwidth_gb_per_s"])
    assert (row["batch"], row["kernels_per_step"], row["predicted"]) == (8, want.kernels_per_step, want.predicted)
    assert data["card"] == "h200" and data["twin_run"].endswith("results/h200/twin.json")


def test_a_twin_run_given_replaces_the_committed_one(capsys):
    run = LAB04 / "results" / "h200" / "opt-125m" / "run2" / "twin.json"
    assert main(["predict", "opt-350m", "--twin", str(run), "--batch-sizes", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    twin = json.loads(run.read_text())
    want = predict_speedup(twin, load_shape("opt-350m"), 1, bandwidth_gb_per_s=twin["constants"]["d2d_gb_per_s"])
    assert data["rows"][0]["predicted"] == pytest.approx(want.predicted), "--twin must predict from that run alone"
    assert data["twin_run"].endswith("h200/opt-125m/run2/twin.json") and data["launch_us"] == twin["constants"]["launch_us"]


def test_a_twin_run_that_is_not_one_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "twin.json"
    bad.write_text('{"schema": "something else"}')
    with pytest.raises(SystemExit) as info:
        main(["predict", "opt-350m", "--twin", str(bad)])
    err = capsys.readouterr().err
    assert info.value.code == 2 and len(err.strip().splitlines()) == 1 and "twin.json" in err, err


def test_a_bandwidth_given_replaces_the_cards(capsys):
    assert main(["predict", "opt-125m", "--bandwidth", "1000", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bandwidth_gb_per_s"] == 1000.0


@pytest.mark.parametrize("config, words", [
    ({"architectures": ["LlamaForCausalLM"], "hidden_size": 4096}, ["LlamaForCausalLM", "not modelled"]),
    ({"architectures": ["OPTForCausalLM"], "hidden_size": 768}, ["missing", "num_hidden_layers", "ffn_dim"]),
    ({**json.loads((LAB04 / "offline-opt-125m" / "config.json").read_text()), "torch_dtype": "int4"}, ["torch_dtype"]),
    ({**json.loads((LAB04 / "offline-opt-125m" / "config.json").read_text()), "num_hidden_layers": 0},
     ["num_hidden_layers"]),
    (["not", "an", "object"], ["JSON object"]),
], ids=["llama", "missing-fields", "unknown-dtype", "zero-layers", "a-list"])
def test_a_config_it_cannot_model_is_one_line_and_exit_2(config, words, tmp_path, capsys):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    with pytest.raises(SystemExit) as info:
        main(["predict", str(path)])
    err = capsys.readouterr().err
    assert info.value.code == 2 and len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err, f"the error should name {word!r}: {err}"


def test_a_missing_file_is_one_line_naming_it(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["predict", str(tmp_path / "nope.json")])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "nope.json" in err and "opt-1.3b" in err


@pytest.mark.torch
def test_the_twin_built_from_a_shape_has_the_shapes_weight_bytes():
    pytest.importorskip("torch")
    import torch

    from mini_vllm.gpu.capturable_decoder import CapturableOptDecoder, DecoderConfig

    shape = ModelShape(num_layers=2, hidden=64, heads=4, ffn=256, vocab=1000, max_positions=64, dtype_bytes=4)
    config = DecoderConfig(num_layers=2, hidden=64, heads=4, ffn=256, vocab=1000, max_positions=64)
    model = CapturableOptDecoder(config, max_batch=2, max_seq_len=8, device="cpu", dtype=torch.float32)
    assert model.weight_bytes() == weight_bytes(shape), "the predictor must count the bytes the twin holds"


def test_bench_shape_is_refused_beside_from(capsys):
    with pytest.raises(SystemExit) as info:
        main(["bench", "--from", str(LAB04 / "results" / "twin.json"), "--shape", "opt-350m"])
    assert info.value.code == 2 and "--shape" in capsys.readouterr().err
