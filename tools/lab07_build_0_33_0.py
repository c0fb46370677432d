"""Build (not record) the start-up log vLLM 0.33.0 would print for record.py's default run.

vLLM 0.33.0 needs torch 2.14 and our GPU machine has 2.11, so this log cannot be recorded
there. Each line is one of 0.33.0's own format strings, checked below to exist in its source,
filled with this course's rules (`capture_log` at 0.33.0, Model Runner V2, whose profiling
round is in tests/golden/vllm-0.33.0.json) and, where a number would have to be measured,
with the 0.22.1 recording's number for the same run (default.log), as the header line says.
Usage: python tools/lab07_build_0_33_0.py VLLM_0_33_0_SRC > <lab-07>/logs/built-0.33.0-v2-default.log
"""

from __future__ import annotations

import sys
from pathlib import Path

from mini_vllm.capture_sizes import capture_sizes_for
from mini_vllm.cudagraph_dispatcher import capture_log

# (source file, format string as written there): each must be found verbatim, or no log is built.
FORMATS = [
    ("vllm/logger.py", '"pid=%(process)d) %(levelname)s %(asctime)s "'),
    ("vllm/v1/engine/core.py", '"Initializing a V1 LLM engine (v%s) with config: %s"'),
    ("vllm/config/scheduler.py", '"Chunked prefill is enabled with max_num_batched_tokens=%d."'),
    ("vllm/v1/worker/gpu_worker.py", 'logger.info_once("Using V2 Model Runner")'),
    ("vllm/compilation/monitor.py", '"%storch.compile took %.2f s in total"'),
    ("vllm/v1/worker/gpu/cudagraph_utils.py", 'desc=f"{progress_bar_desc} ({mode.name})"'),
    ("vllm/v1/worker/gpu/model_runner.py", '"Graph capturing finished in %.0f secs, took %.2f GiB"'),
    ("vllm/v1/engine/core.py", '"%.2f s (compilation: %.2f s)"'),
]
SIZES = capture_sizes_for(1024, 16384, vllm_version="0.33.0")  # an H100's offline defaults


def main(src: Path) -> None:
    for rel, needle in FORMATS:
        if needle not in (src / rel).read_text():
            sys.exit(f"{rel} no longer holds {needle}: rebuild against the right source")
    def record(process: str, time: str, source: str, line: int, message: str) -> str:
        """One record in 0.33.0's format: the process name now comes from the formatter."""
        return f"({process}) INFO 12-07 {time} [{source}:{line}] {message}"

    engine, front = "EngineCore pid=786", "MainProcess pid=601"
    config = ("compilation_config={'mode': <CompilationMode.VLLM_COMPILE: 3>, 'cudagraph_mode': "
              "<CUDAGraphMode.FULL_AND_PIECEWISE: (2, 1)>, 'cudagraph_capture_sizes': "
              f"{SIZES}, 'max_cudagraph_capture_size': {SIZES[-1]}}}")
    lines = [
        "# BUILT from vLLM 0.33.0's source by tools/lab07_build_0_33_0.py, NOT recorded from a run. Numbers that "
        "would be measured (seconds, GiB, pids, times) are copied from the 0.22.1 recording default.log.",
        record(front, "02:38:02", "scheduler.py", 311, "Chunked prefill is enabled with max_num_batched_tokens=16384."),
        record(engine, "02:38:02", "core.py", 140, "Initializing a V1 LLM engine (v0.33.0) with config: "
               f"model='offline-opt-125m', enforce_eager=False, {config}"),
        record(engine, "02:38:03", "gpu_worker.py", 513, "Using V2 Model Runner"),
        record(engine, "02:38:11", "monitor.py", 55, "torch.compile took 6.45 s in total"),
    ]
    bars = capture_log("FULL_AND_PIECEWISE", SIZES, 1024, runner="v2", vllm_version="0.33.0")
    profiling = 2  # the profiling round's two bars come first (tests/golden/vllm-0.33.0.json)
    for i, bar in enumerate(bars):
        label, count = bar.split(":", 1)[0], int(bar.rsplit("/", 1)[1])
        # 0.33.0 no longer prefixes raw stderr, so tqdm's bars carry no process name.
        lines.append(f"\r{label}:   0%|          | 0/{count} [00:00<?, ?it/s]"
                     f"\r{label}: 100%|██████████| {count}/{count} [00:01<00:00, 51.00it/s]")
        if i + 1 == profiling or i + 1 == len(bars):
            lines.append(record(engine, "02:38:23", "model_runner.py", 1164,
                                "Graph capturing finished in 2 secs, took 0.21 GiB"))
    lines.append(record(engine, "02:38:23", "core.py", 406, "init engine (profile, create kv cache, "
                        "warmup model) took 17.87 s (compilation: 6.45 s)"))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
