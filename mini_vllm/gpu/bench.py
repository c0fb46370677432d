"""The twin's benchmark: four arms, the constants behind lab-02's prediction, and one JSON.

Four arms at each batch size, so the two wins are attributed separately:
eager | eager + CUDA graphs (the graph win) | torch.compile (the fusion win) |
torch.compile + CUDA graphs (both, which is what vLLM's default does).

Method, from the brief's variance notes: every (arm, batch) is warmed up first; the repeats
interleave the arms (the order rotates each repeat, so drift hits every arm alike); each
repeat decodes `steps` tokens per row and is timed on the host clock around a synchronized
loop, with CUDA events alongside; the JSON keeps every sample, and readers see medians and
min-max. Microbenchmarks measure what lab-02's model needs: the CPU cost of one eager launch,
the GPU cost of one replayed graph node, the kernels per step (torch.profiler), the GPU time of
a step with launches out of the way (graph replays timed with events), and the device-to-device
bandwidth for the HBM floor. upstream: vLLM's own benchmark of this knob is the enforce_eager
A/B (vllm/config/vllm.py:1032-1038, 0.22.1); this twin adds the two arms vLLM cannot separate.
"""

from __future__ import annotations

import gc
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from statistics import median
from typing import Any

import torch

from mini_vllm.bench_labs import lab04, lab05, prediction_records
from mini_vllm.bench_results import SCHEMA, TWIN_ARMS, summarize_runs
from mini_vllm.checks import check_int, check_int_sequence
from mini_vllm.gpu.capturable_decoder import CapturableOptDecoder, DecoderConfig
from mini_vllm.model_shapes import SHAPE_CONFIGS, load_shape

START_TOKEN = 2  # OPT's BOS id; any id works, the weights are random


@dataclass
class BenchConfig:
    """What the benchmark sweeps. The ladder of the graphs arm is 0.22.1's, up to the largest batch."""

    batch_sizes: Sequence[int] = (1, 8, 64, 256)
    steps: int = 128
    repeats: int = 5
    arms: Sequence[str] = TWIN_ARMS
    max_seq_len: int = 256
    seed: int = 0
    shape: str = "opt-125m"  # a committed shape (model_shapes.SHAPE_CONFIGS); the constants come from opt-125m

    def __post_init__(self) -> None:
        check_int_sequence(self.batch_sizes, "batch_sizes")
        check_int(self.steps, "steps")
        check_int(self.repeats, "repeats")
        if self.steps > self.max_seq_len:
            raise ValueError(f"steps ({self.steps}) must be <= max_seq_len ({self.max_seq_len})")
        if self.shape not in SHAPE_CONFIGS:
            raise ValueError(f"shape must be one of {list(SHAPE_CONFIGS)}, got {self.shape!r}")
        unknown = set(self.arms) - set(TWIN_ARMS)
        if unknown or "eager" not in self.arms:
            raise ValueError(f"arms must include 'eager' and come from {TWIN_ARMS}, got {list(self.arms)}")


# --- microbenchmarks ------------------------------------------------------------------------


def bare_launch_us(n: int = 500, repeats: int = 20) -> float:
    """CPU time to issue one tiny op (x.add_(1)) from Python: the floor of an eager launch."""
    x = torch.zeros(1, device="cuda")
    samples = []
    for _ in range(repeats):
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(n):
            x.add_(1)
        samples.append((time.perf_counter() - start) / n * 1e6)
    torch.cuda.synchronize()
    return median(samples)


def replay_node_us(nodes: int = 200, replays: int = 50) -> float:
    """GPU time per node of a replayed graph of tiny kernels: what a graph still pays per kernel."""
    x = torch.zeros(1, device="cuda")
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        x.add_(1)
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(nodes):
            x.add_(1)
    return _replay_us(graph, replays, warmups=5) / nodes


def _replay_us(graph: torch.cuda.CUDAGraph, replays: int, warmups: int = 3) -> float:
    """Microseconds per replay, timed with CUDA events over back-to-back replays after warm-up."""
    for _ in range(warmups):
        graph.replay()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(replays):
        graph.replay()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) * 1e3 / replays


def d2d_bandwidth_gb_per_s(nbytes: int = 1 << 30, repeats: int = 10) -> float:
    """Device-to-device copy bandwidth, bytes read plus bytes written, in GB/s (1e9)."""
    a = torch.empty(nbytes, dtype=torch.uint8, device="cuda").random_(0, 255)
    b = torch.empty_like(a)
    b.copy_(a)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeats):
        b.copy_(a)
    end.record()
    torch.cuda.synchronize()
    seconds = start.elapsed_time(end) / 1e3
    del a, b
    return 2 * nbytes * repeats / seconds / 1e9


def kernels_per_step(
    step: Callable[..., Any], inputs: Sequence[torch.Tensor], steps: int = 4, top: int = 5
) -> tuple[int, float, list[list[Any]]]:
    """GPU activities per step, their summed duration (us) and the `top` costliest kernel names
    ([name, us per step, launches per step]), from torch.profiler."""
    from torch.profiler import ProfilerActivity, profile

    step(*inputs)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(steps):
            step(*inputs)
        torch.cuda.synchronize()
    device_events = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
    if not device_events:
        raise RuntimeError("torch.profiler recorded no GPU activity; is CUPTI available?")
    by_name: dict[str, list[float]] = {}
    for e in device_events:
        entry = by_name.setdefault(e.name[:90], [0.0, 0])
        entry[0] += e.time_range.elapsed_us() / steps
        entry[1] += 1 / steps
    busy_us = sum(us for us, _ in by_name.values())
    costliest = sorted(([name, us, n] for name, (us, n) in by_name.items()), key=lambda x: -x[1])[:top]
    return round(len(device_events) / steps), busy_us, costliest


def eager_issue_us(
    step: Callable[..., Any], inputs: Sequence[torch.Tensor], steps: int = 20, repeats: int = 10
) -> float:
    """CPU time to issue one eager step, in steady state: `steps` back-to-back steps on the host
    clock, no sync between them (valid while the GPU keeps up, as it does at small batch)."""
    samples = []
    for _ in range(repeats):
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            step(*inputs)
        samples.append((time.perf_counter() - start) / steps * 1e6)
    torch.cuda.synchronize()
    return median(samples)


def one_step_issue_us(call: Callable[..., Any], inputs: Sequence[torch.Tensor], repeats: int = 10) -> float:
    """CPU time to issue one step from an idle GPU (synchronize, then time the call alone): the
    CPU stage of the pipeline with nothing queued ahead of it, at this batch."""
    samples = []
    for _ in range(repeats):
        torch.cuda.synchronize()
        start = time.perf_counter()
        call(*inputs)
        samples.append((time.perf_counter() - start) * 1e6)
    torch.cuda.synchronize()
    return median(samples)


def replay_us(runner: Any, batch: int, replays: int = 50) -> float:
    """GPU time of one step with the launches out of the way: back-to-back replays, CUDA events.

    Reads only the runner's contract (README §6: `graphs`, size -> CUDAGraph), so a student's
    runner is measured the same way as the reference.
    """
    return _replay_us(runner.graphs[batch], replays)


# --- the decode loop ------------------------------------------------------------------------


def decode(call: Callable[..., Any], batch: int, steps: int) -> tuple[float, float]:
    """Greedy-decode `steps` tokens for `batch` rows; return (host ms, event ms) per step."""
    tokens = torch.full((batch,), START_TOKEN, dtype=torch.long, device="cuda")
    positions = torch.zeros(batch, dtype=torch.long, device="cuda")
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    start.record()
    for _ in range(steps):
        tokens = call(tokens, positions)
        positions += 1
    end.record()
    torch.cuda.synchronize()
    host_ms = (time.perf_counter() - t0) * 1e3 / steps
    return host_ms, start.elapsed_time(end) / steps


def _versions() -> dict[str, str]:
    versions = {"torch": torch.__version__, "cuda": str(torch.version.cuda),
                "python": platform.python_version()}
    try:
        import triton

        versions["triton"] = triton.__version__
    except ImportError:
        pass
    return versions


def run_benchmark(config: BenchConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Build the model and the arms, measure everything, return the JSON-ready result set.

    Long on purpose: it is the measurement protocol, and the order is part of it (constants,
    captures, warm-up, interleaved repeats with the launch constant sampled inside each, the
    profiler last so nothing it leaves behind slows the timed loops), read top to bottom.
    """
    if not torch.cuda.is_available():
        raise RuntimeError("the twin benchmark needs a CUDA GPU (torch.cuda.is_available() is False)")
    torch.manual_seed(config.seed)
    batches = sorted(set(config.batch_sizes))
    # 0.22.1's ladder up to the largest batch, which joins it when it lies off the stride.
    runner_class, capture_sizes = lab04().CudaGraphRunner, lab05()  # the reference, or yours (bench_labs)
    ladder = sorted({*capture_sizes.default_capture_sizes(max(batches)), max(batches)})
    shape = load_shape(config.shape)
    decoder = DecoderConfig(num_layers=shape.num_layers, hidden=shape.hidden, heads=shape.heads, ffn=shape.ffn,
                            vocab=shape.vocab, max_positions=shape.max_positions)
    model = CapturableOptDecoder(decoder, max_batch=ladder[-1], max_seq_len=config.max_seq_len, seed=config.seed)
    example = (torch.full((1,), START_TOKEN, dtype=torch.long, device="cuda"),
               torch.zeros(1, dtype=torch.long, device="cuda"))

    log("microbenchmarks: launch, replayed node, device-to-device bandwidth")
    constants: dict[str, Any] = {
        "bare_launch_us": bare_launch_us(),
        "replay_node_us": replay_node_us(),
        "d2d_gb_per_s": d2d_bandwidth_gb_per_s(),
        "weight_bytes": model.weight_bytes(),
    }
    constants["hbm_floor_us"] = constants["weight_bytes"] / (constants["d2d_gb_per_s"] * 1e3)

    capture: dict[str, Any] = {"sizes": ladder, "graphs": len(ladder)}
    log(f"capturing the ladder with a private pool per graph ({len(ladder)} sizes), for comparison")
    separate = runner_class(model.step, ladder, shared_pool=False, progress=False)
    separate.capture(*example)
    capture["separate_pools_gib"] = separate.capture_bytes / (1 << 30)
    del separate
    gc.collect()
    torch.cuda.synchronize()
    torch.cuda.empty_cache()

    calls: dict[str, Callable[..., Any]] = {"eager": model.step}
    # Always captured: its replays give the GPU time of a step that the prediction needs.
    runner = runner_class(model.step, ladder)
    runner.capture(*example)
    capture["seconds"] = runner.capture_seconds
    capture["gib"] = runner.capture_bytes / (1 << 30)
    capture["log_line"] = (f"Graph capturing finished in {runner.capture_seconds:.0f} secs, "
                           f"took {capture['gib']:.2f} GiB")
    if "graphs" in config.arms:
        calls["graphs"] = runner
    if "compile" in config.arms or "compile+graphs" in config.arms:
        compiled = torch.compile(model.step, fullgraph=True, dynamic=False)
        log(f"torch.compile + capture at batch sizes {batches} (one compile per size)")
        compiled_runner = runner_class(compiled, batches)
        compiled_runner.capture(*example)
        capture["compile_and_capture_seconds"] = compiled_runner.capture_seconds
        if "compile" in config.arms:
            calls["compile"] = compiled
        if "compile+graphs" in config.arms:
            calls["compile+graphs"] = compiled_runner
    arms = [arm for arm in TWIN_ARMS if arm in calls]

    log(f"timing: {len(arms)} arms x {len(batches)} batches, warm-up then {config.repeats} "
        f"interleaved repeats of {config.steps} decode steps")
    for arm in arms:
        for batch in batches:
            decode(calls[arm], batch, config.steps)
    smallest = (torch.full((batches[0],), START_TOKEN, dtype=torch.long, device="cuda"),
                torch.zeros(batches[0], dtype=torch.long, device="cuda"))
    issue_us: list[float] = []
    samples: dict[tuple[str, int], dict[str, list[float]]] = {
        (arm, b): {"step_ms": [], "event_ms": []} for arm in arms for b in batches}
    for rep in range(config.repeats):
        # The launch constant is sampled inside every repeat, so it sees the same CPU as the arms.
        issue_us.append(eager_issue_us(model.step, smallest, repeats=1))
        order = arms[rep % len(arms):] + arms[:rep % len(arms)]
        for batch in batches:
            for arm in order:
                host_ms, event_ms = decode(calls[arm], batch, config.steps)
                samples[(arm, batch)]["step_ms"].append(host_ms)
                samples[(arm, batch)]["event_ms"].append(event_ms)
        log(f"  repeat {rep + 1}/{config.repeats} done")
    runs = [{"arm": arm, "batch": batch,
             "tokens_per_s": [batch * 1e3 / ms for ms in s["step_ms"]], **s}
            for (arm, batch), s in samples.items()]

    # Last, so that nothing the profiler leaves behind can slow the timed loops down.
    log("per batch: kernels per step (torch.profiler) and GPU time of a replayed step (events)")
    per_batch: dict[str, dict[str, Any]] = {}
    for batch in batches:
        inputs = (torch.full((batch,), START_TOKEN, dtype=torch.long, device="cuda"),
                  torch.zeros(batch, dtype=torch.long, device="cuda"))
        kernels, kernel_us, costliest = kernels_per_step(model.step, inputs)
        entry = {"kernels_per_step": kernels, "kernel_us": kernel_us, "top_kernels": costliest,
                 "gpu_us": replay_us(runner, capture_sizes.padded_size(batch, ladder)),
                 # Diagnostics, not model inputs: is the CPU bill flat in batch, and how long
                 # does serving one graph step (copies in, one replay) keep the CPU busy?
                 "eager_step_issue_us": one_step_issue_us(model.step, inputs),
                 "graph_step_issue_us": one_step_issue_us(runner, inputs)}
        if "compile" in calls:
            (entry["compiled_kernels_per_step"], entry["compiled_kernel_us"],
             entry["compiled_top_kernels"]) = kernels_per_step(compiled, inputs)
        per_batch[str(batch)] = entry
    # The CPU cost of one eager launch as this model pays it: an eager step's issue time over its
    # kernel count, at the smallest batch, where the GPU never holds the CPU back. (A bare
    # x.add_(1) costs far less than F.linear or index_put_, so bare_launch_us would under-predict.)
    constants["eager_issue_us"] = issue_us
    constants["launch_us"] = median(issue_us) / per_batch[str(batches[0])]["kernels_per_step"]

    results: dict[str, Any] = {
        "schema": SCHEMA,
        "source": "twin",
        "device": torch.cuda.get_device_name(),
        "versions": _versions(),
        "config": {**asdict(config), "batch_sizes": batches, "arms": arms,
                   "model": f"{config.shape}-shaped decoder, random fp16 weights, static KV cache"},
        "constants": constants,
        "per_batch": per_batch,
        "capture": capture,
        "runs": runs,
    }
    results["summary"] = summarize_runs(runs, lab04().spread)
    if "graphs" in arms:
        results["prediction"] = prediction_records(results)
    return results
