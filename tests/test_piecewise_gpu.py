"""Piecewise CUDA graphs on a GPU: lab-06's compiled pieces replayed by lab-04's runner.

The profiler, not the code under test, counts what the CPU launched per step: PIECEWISE makes
one graph launch per compiled piece and runs attention live; FULL makes one graph launch. The
replayed step computes what the eager step computes.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gpu


@pytest.fixture(scope="module")
def step():
    import torch

    from mini_vllm.compilation.backend import PiecewiseBackend
    from mini_vllm.compilation.splittable_decoder import splittable_decoder
    from mini_vllm.gpu.cuda_graph_runner import CudaGraphRunner
    from mini_vllm.gpu.piecewise import graphing_backend

    torch._dynamo.reset()
    model = splittable_decoder(3, 64, 4).to("cuda")
    x = torch.randn(8, 64, device="cuda")
    backend = PiecewiseBackend(compiler="eager")
    piecewise = torch.compile(model, backend=graphing_backend(backend, [8], model), fullgraph=True, dynamic=False)
    whole = torch.compile(model, backend=PiecewiseBackend(compiler="eager"), fullgraph=True, dynamic=False)
    full = CudaGraphRunner(whole, [8], progress=False)
    with torch.no_grad():
        piecewise(x)
        full.capture(x)
    return model, x, backend, piecewise, full


def launch_calls(call) -> dict[str, int]:
    import torch
    from torch.profiler import ProfilerActivity, profile

    call()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        call()
        torch.cuda.synchronize()
    names = [e.name for e in prof.events()]
    return {"graphs": sum("GraphLaunch" in n for n in names), "kernels": sum("LaunchKernel" in n for n in names)}


def test_piecewise_replay_computes_the_eager_step(step):
    import torch

    model, x, _, piecewise, full = step
    with torch.no_grad():
        for _ in range(3):  # fresh inputs each call: every piece must read what was copied in
            x.copy_(torch.randn_like(x))
            want = model(x)
            assert torch.allclose(piecewise(x), want, atol=1e-5), "PIECEWISE differs from eager"
            assert torch.allclose(full(x), want, atol=1e-5), "FULL differs from eager"


def test_piecewise_launches_one_graph_per_compiled_piece(step):
    import torch

    _, x, backend, piecewise, _ = step
    pieces = sum(not item.is_splitting_graph for item in backend.items)
    with torch.no_grad():
        got = launch_calls(lambda: piecewise(x))
    assert got["graphs"] == pieces, f"{pieces} compiled pieces should replay as {pieces} graph launches; got {got}"
    assert got["kernels"] > 0, "attention runs live between the pieces, so some kernels are launched eagerly"


def test_full_is_one_graph_launch(step):
    import torch

    _, x, _, _, full = step
    with torch.no_grad():
        got = launch_calls(lambda: full(x))
    assert got["graphs"] == 1 and got["kernels"] <= 1, f"FULL: one graph launch (plus the input copy); got {got}"
