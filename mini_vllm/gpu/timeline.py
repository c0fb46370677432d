"""A real timeline: one eager decode step and one replayed step of the twin, seen by torch.profiler.

The phase guide draws CPU launches over GPU gaps by hand; this records them. `record` profiles
one eager step and one graph step at batch 1 (each after warm-up, each inside a named range),
keeps only what the picture needs (the CUDA runtime calls on the CPU, the kernels and copies on
the GPU, the two ranges) and writes that as a Chrome trace, small enough to commit and open in
Perfetto (https://ui.perfetto.dev). `render` draws it (needs matplotlib only, no torch or GPU):
for each step a CPU row of launch calls over a GPU row of kernels, on one microsecond axis.

    python -m mini_vllm.gpu.timeline record --out timeline.json       (a CUDA GPU)
    python -m mini_vllm.gpu.timeline render timeline.json --out timeline.png
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mini_vllm import arguments

RANGES = ("eager step", "graph step")
WARM_UP = "warm-up step"
KEEP = {"cuda_runtime", "cuda_driver", "kernel", "gpu_memcpy", "gpu_memset", "user_annotation"}
GPU_CATS = {"kernel", "gpu_memcpy", "gpu_memset"}


def record(out: Path, batch: int = 1, warmups: int = 5) -> dict[str, Any]:
    """Profile one eager and one replayed decode step of the OPT-shaped twin; write the trimmed trace."""
    import tempfile

    import torch
    from torch.profiler import ProfilerActivity, profile, record_function

    from mini_vllm.bench_labs import lab04
    from mini_vllm.gpu.capturable_decoder import CapturableOptDecoder

    model = CapturableOptDecoder(max_batch=batch, max_seq_len=64, seed=0)
    tokens = torch.full((batch,), 2, dtype=torch.long, device="cuda")
    positions = torch.zeros(batch, dtype=torch.long, device="cuda")
    runner = lab04().CudaGraphRunner(model.step, [batch], progress=False)  # the reference, or yours
    runner.capture(tokens, positions)
    for _ in range(warmups):
        model.step(tokens, positions)
        runner(tokens, positions)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        # Two unnamed steps of each kind first, so the profiler's own start-up cost stays out of
        # the steps we draw; a synchronize separates every step from the next.
        for label, call in zip(RANGES, (model.step, runner)):
            for name in (WARM_UP, WARM_UP, label):
                with record_function(name):
                    call(tokens, positions)
                torch.cuda.synchronize()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "trace.json"
        prof.export_chrome_trace(str(raw))
        trace = json.loads(raw.read_text())
    kept = [trim(e) for e in trace["traceEvents"]
            if e.get("ph") == "X" and e.get("cat") in KEEP
            and (e.get("cat") != "user_annotation" or e.get("name") in (*RANGES, WARM_UP))]
    slim = {"traceEvents": drawn_steps(kept), "displayTimeUnit": "ms",
            "otherData": {"device": torch.cuda.get_device_name(), "torch": torch.__version__,
                          "model": "OPT-125m-shaped twin, fp16", "batch": batch}}
    out.write_text(json.dumps(slim, separators=(",", ":")))
    return slim


def drawn_steps(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the events from the start of a drawn step's range to the start of the next range."""
    ranges = sorted((e for e in events if e["cat"] == "user_annotation"), key=lambda e: e["ts"])
    kept = []
    for i, step in enumerate(ranges):
        if step["name"] in RANGES:
            stop = ranges[i + 1]["ts"] if i + 1 < len(ranges) else float("inf")
            kept += [e for e in events if step["ts"] <= e["ts"] < stop]
    return kept


def trim(event: dict[str, Any]) -> dict[str, Any]:
    """An event with only the fields Perfetto and `render` read."""
    return {k: event[k] for k in ("ph", "cat", "name", "ts", "dur", "pid", "tid") if k in event}


def step_rows(trace: dict[str, Any], label: str) -> tuple[list[tuple[float, float, str]], list[tuple[float, float, str]]]:
    """(CPU launch calls, GPU activities) of one step as (start us, duration us, name), from the
    step's range start. GPU work is matched to the step by time: it starts after the range opens
    and before the next step's range (every step is followed by a synchronize)."""
    events = trace["traceEvents"]
    ranges = sorted((e for e in events if e["cat"] == "user_annotation"), key=lambda e: e["ts"])
    index = [e["name"] for e in ranges].index(label)
    start = ranges[index]["ts"]
    stop = ranges[index + 1]["ts"] if index + 1 < len(ranges) else float("inf")
    cpu = [(e["ts"] - start, e["dur"], e["name"]) for e in events
           if e["cat"] in ("cuda_runtime", "cuda_driver") and start <= e["ts"] < stop
           and ("Launch" in e["name"] or "Memcpy" in e["name"] or "Memset" in e["name"])]
    gpu = [(e["ts"] - start, e["dur"], e["name"]) for e in events
           if e["cat"] in GPU_CATS and start <= e["ts"] < stop]
    return sorted(cpu), sorted(gpu)


def render(trace_path: Path, out: Path) -> Path:
    """Draw each step as a CPU launch row over a GPU kernel row; the gaps are the GPU idling."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trace = json.loads(Path(trace_path).read_text())
    fig, axes = plt.subplots(len(RANGES), 1, figsize=(11, 4.2), dpi=120, sharex=True)
    for ax, label in zip(axes, RANGES):
        cpu, gpu = step_rows(trace, label)
        end = max(t + d for t, d, _ in cpu + gpu)
        busy = sum(d for _, d, _ in gpu)
        ax.broken_barh([(t, max(d, end / 800)) for t, d, _ in cpu], (1.1, 0.8), color="tab:orange")
        ax.broken_barh([(t, max(d, end / 800)) for t, d, _ in gpu], (0.1, 0.8), color="tab:blue")
        ax.set_yticks([0.5, 1.5], ["GPU kernels", "CPU launches"])
        ax.set_title(f"{label}: {len(cpu)} launch calls, {len(gpu)} GPU activities, GPU busy "
                     f"{busy:.0f} of {end:.0f} us ({busy / end:.0%})", fontsize=9, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[-1].set_xlim(0, None)
    axes[-1].set_xlabel("microseconds since the step began")
    info = trace.get("otherData", {})
    fig.suptitle(f"one decode step at batch {info.get('batch')}, {info.get('device')}, "
                 f"torch {info.get('torch')}", fontsize=10)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse and bound like `mini-vllm`; `record` needs torch and a GPU, `render` matplotlib only."""
    p = arguments.module_parser("mini_vllm.gpu.timeline", __doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="profile the twin on a CUDA GPU, write the trimmed trace")
    rec.add_argument("--out", type=arguments.output_file, required=True, help="the trace (JSON) to write")
    rec.add_argument("--batch", type=arguments.int_in(1, arguments.MAX_BENCH_BATCH), default=1,
                     help=f"decode batch of the profiled steps (at most {arguments.MAX_BENCH_BATCH})")
    ren = sub.add_parser("render", help="draw a recorded trace as a PNG")
    ren.add_argument("trace", type=Path, help="a trace written by record")
    ren.add_argument("--out", type=arguments.chart_file, required=True, help="the image to write")
    args = p.parse_args(argv)
    if args.command == "record":
        arguments.require_cuda(rec)
        slim = record(args.out, args.batch)
        print(f"wrote {args.out}: {len(slim['traceEvents'])} events")
    else:
        arguments.require(ren, "matplotlib", "plot")
        if not args.trace.is_file():
            ren.error(f"trace: no such file {str(args.trace)!r} (write one with record)")
        print(f"wrote {render(args.trace, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
