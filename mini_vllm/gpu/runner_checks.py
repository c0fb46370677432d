"""What lab-04's runner tests ask of the graded process, where its CUDA graphs are captured.

A graph replays the kernels it recorded on the addresses it recorded, so the step it records,
the decoder and KV cache that step runs on, the stand-in's counters and torch's profiler must
all live in the process that captures it: a step run in another process records nothing. The
tests call these functions through `probe.in_graded_process` (in the worker in judge mode, in
pytest's own process in a plain run). Each builds what its test needs there (a fresh small
decoder; the stand-in swapped into torch.cuda while the device is "cpu"), runs the graded
`CudaGraphRunner` (passed in, never imported: it is an answer module) and returns plain facts by
value: tokens, cache rows, counts, rows seen, pools, what was printed, raised or returned. The
verdicts stay in the tests, and so do their oracles (an eager twin of the same decoder, built by
`small_model` from the same seed, never through the code under test).
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch

from mini_vllm.gpu import bench, cuda_graph_standin
from mini_vllm.gpu.capturable_decoder import CapturableOptDecoder, DecoderConfig

Outcome = tuple[str, Any]  # ("returned", value) or ("raised", exception)
SMALL = DecoderConfig(num_layers=2, hidden=64, heads=4, ffn=128, vocab=1000, max_positions=64)


def small_model(device: str) -> CapturableOptDecoder:
    """A fresh 2-layer decoder, its KV cache zeroed: fp16 on "cuda", fp32 on "cpu" (the stand-in).
    Its weights come from seed 1 wherever it is built, so a test's eager twin is the same decoder."""
    dtype = torch.float16 if device == "cuda" else torch.float32
    return CapturableOptDecoder(SMALL, max_batch=24, max_seq_len=32, seed=1, device=device, dtype=dtype)


def example(batch: int, device: str = "cuda") -> tuple[torch.Tensor, torch.Tensor]:
    """Decode inputs for `batch` rows: every token 2 (OPT's BOS), every position 0."""
    return (torch.full((batch,), bench.START_TOKEN, dtype=torch.long, device=device),
            torch.zeros(batch, dtype=torch.long, device=device))


def cache_rows(model: CapturableOptDecoder, batch: int) -> torch.Tensor:
    """Every layer's K and V cache rows of the first `batch` sequences, stacked (a copy)."""
    return torch.stack([torch.stack([layer.k_cache[:batch], layer.v_cache[:batch]]) for layer in model.layers])


def scale_and_square_rows(x: torch.Tensor, scale: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A step that is not a decoder: rows of features in, a tuple of two row-wise results out."""
    return x * scale, (x * x).sum(dim=1)


# --- what a test reads: counts, rows, pools, launches --------------------------------------------


def counts_after_serving(runner_class: Callable[..., Any], device: str, ladder: Sequence[int],
                         batches: Sequence[int]) -> tuple[Any, Any, Any]:
    """The runner's own (captures, replays, eager_calls) after capturing `ladder` and serving
    `batches` of the small decoder: what a student prints to see how each call was served."""
    with _graph_api(device):
        runner = _captured(runner_class, small_model(device).step, device, ladder)
        for batch in batches:
            runner(*example(batch, device))
        return runner.captures, runner.replays, runner.eager_calls


def rows_seen_by_capture(runner_class: Callable[..., Any], device: str, ladder: Sequence[int],
                         options: dict[str, Any]) -> list[int]:
    """The rows of every run of the step during capture(), in order: warm-ups and recordings
    happen in the step itself, so only a step run here can be watched."""
    seen: list[int] = []
    with _graph_api(device):
        runner_class(_watched(small_model(device).step, seen), ladder, progress=False,
                     **options).capture(*example(1, device))
    return seen


def graph_sizes(runner_class: Callable[..., Any], device: str, ladder: Sequence[int]) -> list[Any]:
    """The keys of the runner's `graphs` once the ladder is captured."""
    with _graph_api(device):
        return list(_captured(runner_class, small_model(device).step, device, ladder).graphs)


def replays_and_step_runs_of_a_call(runner_class: Callable[..., Any], ladder: Sequence[int],
                                    batch: int) -> tuple[int, int]:
    """On the stand-in: (graph replays, runs of the step) during one call of `batch` rows, after a
    first call; the stand-in counts its replays, and a step run eagerly is seen directly."""
    seen: list[int] = []
    with _graph_api("cpu") as graphs:
        runner = _captured(runner_class, _watched(small_model("cpu").step, seen), "cpu", ladder)
        inputs = example(batch, "cpu")
        runner(*inputs)
        replays, runs = graphs.replays, len(seen)
        runner(*inputs)
        return graphs.replays - replays, len(seen) - runs


def launches_of_a_call(runner_class: Callable[..., Any], ladder: Sequence[int], batch: int) -> tuple[int, int]:
    """On CUDA: (graph launches, kernel launches) torch.profiler sees during one call of `batch`
    rows, after a first call: a replay is one cudaGraphLaunch, plus the copies of the inputs."""
    from torch.profiler import ProfilerActivity, profile

    runner = _captured(runner_class, small_model("cuda").step, "cuda", ladder)
    inputs = example(batch, "cuda")
    runner(*inputs)
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        runner(*inputs)
    names = [e.name for e in prof.events()]
    return sum("GraphLaunch" in n for n in names), sum("LaunchKernel" in n for n in names)


def pools_used_by_capture(runner_class: Callable[..., Any], ladder: Sequence[int]) -> tuple[int, int]:
    """On the stand-in: the pools the ladder's graphs used, with shared_pool=True, then False."""
    step = small_model("cpu").step
    used = []
    for shared in (True, False):
        with _graph_api("cpu") as graphs:
            runner_class(step, ladder, shared_pool=shared, progress=False).capture(*example(1, "cpu"))
            used.append(len(set(graphs.pools_used)))
    return used[0], used[1]


def bytes_reserved_by_capture(runner_class: Callable[..., Any], ladder: Sequence[int]) -> tuple[int, int]:
    """On CUDA: torch.cuda.memory_reserved's growth over capturing `ladder` on OPT-125m's shape
    (64 rows, 64 slots), with one shared pool, then with a pool per graph (the first still held)."""
    model = CapturableOptDecoder(max_batch=64, max_seq_len=64, seed=0)
    runners, grown = [], []
    for shared in (True, False):
        runners.append(runner_class(model.step, ladder, shared_pool=shared, progress=False))
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        before = torch.cuda.memory_reserved()
        runners[-1].capture(*example(1))
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        grown.append(torch.cuda.memory_reserved() - before)
    return grown[0], grown[1]


def decode_ms(runner_class: Callable[..., Any], batches: Sequence[int], repeats: int,
              steps: int = 32) -> dict[int, tuple[list[float], list[float]]]:
    """On CUDA, OPT-125m's shape (256 rows, 64 slots): per batch, the ms per decode step of
    `repeats` eager runs and `repeats` graph runs, interleaved, timed with CUDA events."""
    model = CapturableOptDecoder(max_batch=256, max_seq_len=64, seed=0)
    runner = runner_class(model.step, batches, progress=False)
    runner.capture(*example(1))
    times: dict[int, tuple[list[float], list[float]]] = {}
    for batch in batches:
        eager, graph = times.setdefault(batch, ([], []))
        for _ in range(repeats):
            eager.append(bench.decode(model.step, batch, steps)[1])
            graph.append(bench.decode(runner, batch, steps)[1])
    return times


# --- what a test compares with its oracle: tokens, cache rows, outputs -----------------------------


def tokens_and_cache_after_calls(runner_class: Callable[..., Any], device: str, ladder: Sequence[int],
                                 calls: Sequence[tuple[torch.Tensor, ...]]) -> list[tuple[Any, torch.Tensor]]:
    """(tokens returned, cache rows of the batch) after each call, served in order by a runner of
    the small decoder. The cache is zeroed in place after capture (the warm-ups and recordings
    wrote it; the graphs keep its addresses), so a twin starting from zeros holds the same."""
    model = small_model(device)
    got = []
    with _graph_api(device):
        runner = _captured(runner_class, model.step, device, ladder)
        for layer in model.layers:
            layer.k_cache.zero_()
            layer.v_cache.zero_()
        for inputs in calls:
            got.append((_kept(runner(*inputs)), cache_rows(model, inputs[0].shape[0])))
    return got


def serve_a_two_output_step(runner_class: Callable[..., Any], device: str, ladder: Sequence[int],
                            examples: tuple[torch.Tensor, ...],
                            calls: Sequence[tuple[torch.Tensor, ...]]) -> tuple[str, float, Any, int | None, list[Any]]:
    """A runner of `scale_and_square_rows`, the constructor's defaults kept (one shared pool,
    progress shown): (what it printed to stderr, the capture's wall time around the call, the runner's
    capture_seconds, the pools its graphs used on the stand-in (None on CUDA), each call's result)."""
    with _graph_api(device) as graphs:
        with _printed() as (_, err):
            runner = runner_class(scale_and_square_rows, ladder)
            started = time.perf_counter()
            runner.capture(*examples)
            wall = time.perf_counter() - started
        pools = len(set(graphs.pools_used)) if graphs is not None else None
        return err.getvalue(), wall, runner.capture_seconds, pools, [_kept(runner(*inputs)) for inputs in calls]


def printed_by_capture(runner_class: Callable[..., Any], device: str, ladder: Sequence[int],
                       progress: bool) -> tuple[str, str, Any, Any]:
    """(stdout, stderr, capture_seconds, capture_bytes) of a runner of the small decoder made with
    `progress` and its ladder captured, stderr a terminal (where a progress bar shows itself)."""
    with _graph_api(device), _printed(terminal=True) as (out, err):
        runner = runner_class(small_model(device).step, ladder, progress=progress)
        runner.capture(*example(1, device))
        return out.getvalue(), err.getvalue(), runner.capture_seconds, runner.capture_bytes


def outcomes_of_calls(runner_class: Callable[..., Any], device: str, ladder: Sequence[int],
                      before: dict[str, tuple[torch.Tensor, ...]],
                      after: dict[str, tuple[Any, ...]]) -> dict[str, Outcome]:
    """What each call of one runner of the small decoder raised or returned: those of `before`
    before capture(), those of `after` after it, in order (a refusal must leave it serving)."""
    outcomes = {}
    with _graph_api(device):
        runner = runner_class(small_model(device).step, ladder, progress=False)
        for what, inputs in before.items():
            outcomes[what] = _outcome(lambda inputs=inputs: runner(*inputs))
        runner.capture(*example(1, device))
        for what, inputs in after.items():
            outcomes[what] = _outcome(lambda inputs=inputs: runner(*inputs))
    return outcomes


def outcomes_of_captures(runner_class: Callable[..., Any], device: str, ladder: Sequence[int],
                         attempts: dict[str, tuple[Any, ...]]) -> dict[str, Outcome]:
    """What each capture(*examples) of one runner of the small decoder raised or returned."""
    with _graph_api(device):
        runner = runner_class(small_model(device).step, ladder, progress=False)
        return {what: _outcome(lambda examples=examples: runner.capture(*examples))
                for what, examples in attempts.items()}


# --- helpers ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _graph_api(device: str) -> Iterator[type[cuda_graph_standin.CUDAGraph] | None]:
    """torch.cuda's graph API for `device`: the stand-in (its class, to read its counters) while
    on "cpu", put back after; the real one on "cuda" (None)."""
    if device != "cpu":
        yield None
        return
    with cuda_graph_standin.installed() as graphs:
        yield graphs


def _watched(step: Callable[..., Any], seen: list[int]) -> Callable[..., Any]:
    """`step`, noting the rows of every run in `seen`: warm-ups, recordings and eager calls alike."""

    def watched(*inputs: torch.Tensor) -> Any:
        seen.append(inputs[0].shape[0])
        return step(*inputs)

    return watched


def _captured(runner_class: Callable[..., Any], step: Callable[..., Any], device: str, ladder: Sequence[int]) -> Any:
    """A quiet runner of `step` with `ladder` captured from a one-row example."""
    runner = runner_class(step, ladder, progress=False)
    runner.capture(*example(1, device))
    return runner


class _Terminal(io.StringIO):
    """Captured text that says it is a terminal, as a progress bar asks before showing itself."""

    def isatty(self) -> bool:
        return True


@contextlib.contextmanager
def _printed(terminal: bool = False) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """What the block prints to sys.stdout and sys.stderr."""
    make = _Terminal if terminal else io.StringIO
    out, err = make(), make()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


def _kept(value: Any) -> Any:
    """A call's result as it is now: a copy of each tensor, since the next replay overwrites it."""
    if isinstance(value, torch.Tensor):
        return value.clone()
    if type(value) in (tuple, list):
        return type(value)(_kept(v) for v in value)
    return value


def _outcome(call: Callable[[], Any]) -> Outcome:
    try:
        return "returned", _kept(call())
    except Exception as err:  # noqa: BLE001 (what the graded code raised is the test's to judge)
        return "raised", err
