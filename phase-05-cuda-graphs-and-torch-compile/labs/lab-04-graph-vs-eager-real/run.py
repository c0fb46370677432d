"""Lab 04, part 1: the vLLM A/B. enforce_eager=True against vLLM 0.22.1's default.

One knob (enforce_eager), one sweep (batch size), everything else fixed, and a baseline arm.
Each arm runs in a fresh Python process (as an operator would start the server), so its start-up
log, capture bars included, is its own; inside it every batch size is warmed up once and then
timed `--repeats` times, the batch sizes interleaved. The result is a JSON file (every sample,
medians and min-max, start-up time, the capture log lines), a plot and a log excerpt.

    python run.py --offline                     # no network: the local OPT-125m config, dummy weights
    python run.py --model facebook/opt-125m     # the brief's setup, weights from the Hub
    python run.py --offline --batch-sizes 1 8 --tokens 16 --repeats 1 --out /tmp/ab   # a smoke test
    python run.py --offline --tensor-parallel-size 2   # the same A/B on 2 GPUs (issue 15)

Output goes to --out, by default DEFAULT_OUT (a folder under the system temp directory, never the
committed results/): pass `--out results` only to replace the committed run.

It runs unchanged on vLLM 0.33.0 (every call below has the same signature there); the README's
§4 says what that run prints differently. The non-eager arm is named "compile+graphs" because
that is what the default turns on:
torch.compile (mode VLLM_COMPILE) and CUDA graphs (FULL_AND_PIECEWISE); enforce_eager turns both
off (vllm/config/vllm.py:1032-1038, 0.22.1). The twin (`mini-vllm bench`) separates the two.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LAB = Path(__file__).resolve().parent
ROOT = LAB.parents[2]
OFFLINE_MODEL = LAB / "offline-opt-125m"
DEFAULT_OUT = Path(tempfile.gettempdir()) / "mini-vllm-lab04"
ARMS = {"eager": True, "compile+graphs": False}  # arm -> enforce_eager
# Six token ids (a BOS and five others), about the length of the brief's text prompt.
PROMPT_IDS = [2, 100, 1000, 2000, 3000, 4000]
PROMPT_TEXT = "The meaning of life is"
# The brief's L4 numbers, quoted as reported (facebook/opt-125m, L4 24GB, vLLM 0.22.1), tokens/s.
REPORTED_L4 = {1: (980.3, 2473.6), 8: (6912.4, 11034.8), 64: (41560.2, 46883.1)}
LOG_PATTERNS = (
    "Capturing CUDA graphs", "Graph capturing finished", "Profiling CUDA graph memory",
    "Estimated CUDA graph memory", "CUDA graph pool memory", "torch.compile", "Enforce eager",
    "Cudagraph is disabled", "Skipping CUDA graph capture", "init engine", "FlashAttention",
    "attention backend", "Dynamo bytecode transform", "max_num_seqs", "KV cache",
    "V2 Model Runner", "Model Runner V2",  # which runner ran: V2 is 0.33.0's default
)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--offline", action="store_true",
                   help="no network: the local OPT-125m config.json, load_format=dummy, token-id prompts")
    p.add_argument("--model", default="facebook/opt-125m", help="model id or path (ignored with --offline)")
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8, 64])
    p.add_argument("--tokens", type=int, default=128, help="greedy tokens generated per prompt")
    p.add_argument("--repeats", type=int, default=5, help="timed generate() calls per arm and batch")
    p.add_argument("--max-model-len", type=int, default=512)
    p.add_argument("--gpu-memory-utilization", type=float, default=0.5)
    p.add_argument("--tensor-parallel-size", type=int, default=1,
                   help="GPUs per engine (tensor_parallel_size); each rank logs its own capture")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"folder for vllm.json, vllm.png and the logs (default {DEFAULT_OUT})")
    p.add_argument("--worker-arm", choices=list(ARMS), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if min(args.batch_sizes) < 1 or args.tokens < 1 or args.repeats < 1 or args.tensor_parallel_size < 1:
        p.error("--batch-sizes, --tokens, --repeats and --tensor-parallel-size must be >= 1")
    return args


# --- the worker: one arm, one process -------------------------------------------------------


def worker(args: argparse.Namespace) -> dict:
    """Start vLLM for one arm, warm up, time every batch size `repeats` times, return the samples."""
    import torch
    import vllm
    from vllm import LLM, SamplingParams

    kwargs: dict = {"enforce_eager": ARMS[args.worker_arm], "gpu_memory_utilization": args.gpu_memory_utilization,
                    "max_model_len": args.max_model_len, "seed": 0,
                    "tensor_parallel_size": args.tensor_parallel_size}
    if args.offline:
        kwargs |= {"model": str(OFFLINE_MODEL), "load_format": "dummy", "skip_tokenizer_init": True,
                   "dtype": "float16"}
    else:
        kwargs["model"] = args.model
    start = time.perf_counter()
    llm = LLM(**kwargs)
    startup_s = time.perf_counter() - start

    def prompts(batch: int) -> list:
        return [{"prompt_token_ids": PROMPT_IDS}] * batch if args.offline else [PROMPT_TEXT] * batch

    params = SamplingParams(max_tokens=args.tokens, temperature=0, ignore_eos=True)
    for batch in args.batch_sizes:  # warm-up: first-call effects stay out of the samples
        llm.generate(prompts(batch), params, use_tqdm=False)
    samples = {b: {"tokens_per_s": [], "seconds": []} for b in args.batch_sizes}
    for _ in range(args.repeats):
        for batch in args.batch_sizes:
            start = time.perf_counter()
            outputs = llm.generate(prompts(batch), params, use_tqdm=False)
            seconds = time.perf_counter() - start
            tokens = sum(len(o.outputs[0].token_ids) for o in outputs)
            samples[batch]["tokens_per_s"].append(tokens / seconds)
            samples[batch]["seconds"].append(seconds)
    return {"arm": args.worker_arm, "startup_s": startup_s, "device": torch.cuda.get_device_name(),
            "versions": {"vllm": vllm.__version__, "torch": torch.__version__, "cuda": str(torch.version.cuda),
                         "python": sys.version.split()[0]},
            "runs": [{"arm": args.worker_arm, "batch": b, **s} for b, s in samples.items()]}


# --- the parent: run both arms, collect, write ----------------------------------------------


def rank_of(line: str) -> int:
    """The tensor-parallel rank a log line came from: vLLM prefixes worker lines "(Worker_TP1 ...)"."""
    found = re.search(r"TP(\d+)", line)
    return int(found.group(1)) if found else 0


def log_excerpt(text: str) -> list[str]:
    """The lines that tell the capture story; a tqdm bar keeps only its last state, per rank."""
    pieces = [ANSI.sub("", p).strip() for p in re.split(r"[\r\n]+", text)]
    keep: dict[str, str] = {}
    for piece in pieces:
        if any(pattern in piece for pattern in LOG_PATTERNS):
            bar = re.search(r"Capturing CUDA graphs \(([^)]*)\)", piece)
            keep[f"bar:{rank_of(piece)}:{bar.group(1)}" if bar else piece] = piece
    return list(keep.values())


def capture_facts(lines: list[str]) -> dict:
    """Graphs per capture pass and the 'Graph capturing finished' numbers, from the log: rank 0's
    at the top level (as on one GPU) and every rank's under "ranks" (the graph pool is per GPU)."""
    facts: dict = {"passes": {}, "ranks": {}}
    for line in lines:
        if bar := re.search(r"Capturing CUDA graphs \(([^)]*)\).*?(\d+)/(\d+)", line):
            facts["passes"][bar.group(1)] = int(bar.group(3))
        if done := re.search(r"Graph capturing finished in (\d+) secs, took ([\d.]+) GiB", line):
            facts["ranks"][str(rank_of(line))] = {"seconds": int(done.group(1)), "gib": float(done.group(2))}
    if first := facts["ranks"].get("0") or next(iter(facts["ranks"].values()), None):
        facts["seconds"], facts["gib"] = first["seconds"], first["gib"]
    return facts


def run_arm(arm: str, args: argparse.Namespace) -> tuple[dict, list[str]]:
    """Run one arm in a fresh process; return its samples and its log excerpt."""
    log_path = args.out / f"vllm-{arm.replace('+', '-')}.log"
    argv = ["--model", args.model, "--batch-sizes", *map(str, args.batch_sizes), "--tokens", str(args.tokens),
            "--repeats", str(args.repeats), "--max-model-len", str(args.max_model_len),
            "--gpu-memory-utilization", str(args.gpu_memory_utilization), "--worker-arm", arm,
            "--tensor-parallel-size", str(args.tensor_parallel_size)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1"}
    if args.offline:
        argv.append("--offline")
        env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    print(f"[run.py] arm {arm}: starting vLLM (log: {log_path})", file=sys.stderr, flush=True)
    with open(log_path, "w") as log:
        proc = subprocess.run([sys.executable, __file__, *argv], stdout=log, stderr=subprocess.STDOUT,
                              env=env, cwd=ROOT)
    text = log_path.read_text(errors="replace")
    result = next((json.loads(line[len("RESULT "):]) for line in text.splitlines() if line.startswith("RESULT ")),
                  None)
    if proc.returncode != 0 or result is None:
        tail = "\n".join(text.splitlines()[-30:])
        raise SystemExit(f"arm {arm} failed (exit {proc.returncode}); last lines of {log_path}:\n{tail}")
    return result, log_excerpt(text)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker_arm:
        print("RESULT " + json.dumps(worker(args)), flush=True)
        return 0
    sys.path.insert(0, str(ROOT))
    from mini_vllm.bench_labs import lab04
    from mini_vllm.bench_results import SCHEMA, summarize_runs
    from mini_vllm.presentation.bench import format_report, plot_speedups

    args.out.mkdir(parents=True, exist_ok=True)
    arms = {arm: run_arm(arm, args) for arm in ARMS}
    first = arms["eager"][0]
    results = {
        "schema": SCHEMA, "source": "vllm", "device": first["device"], "versions": first["versions"],
        "config": {"model": "offline OPT-125m config, dummy weights" if args.offline else args.model,
                   "offline": args.offline, "batch_sizes": args.batch_sizes, "tokens": args.tokens,
                   "repeats": args.repeats, "prompt_len": len(PROMPT_IDS) if args.offline else None,
                   "max_model_len": args.max_model_len, "gpu_memory_utilization": args.gpu_memory_utilization,
                   "tensor_parallel_size": args.tensor_parallel_size,
                   "arms": {arm: f"enforce_eager={eager}" for arm, eager in ARMS.items()}},
        "startup_s": {arm: r["startup_s"] for arm, (r, _) in arms.items()},
        "capture": capture_facts(arms["compile+graphs"][1]),
        "log": {arm: lines for arm, (_, lines) in arms.items()},
        "reported_l4_tokens_per_s": {str(b): {"eager": e, "compile+graphs": g} for b, (e, g) in REPORTED_L4.items()},
        "runs": [run for r, _ in arms.values() for run in r["runs"]],
    }
    results["summary"] = summarize_runs(results["runs"], lab04().spread)
    (args.out / "vllm.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "vllm_log_excerpt.txt").write_text(
        "".join(f"# arm {arm}\n" + "".join(f"{line}\n" for line in lines) for arm, (_, lines) in arms.items()))
    plot_speedups(results, args.out / "vllm.png")
    print(format_report(results))
    print("start-up: " + ", ".join(f"{arm} {s:.1f} s" for arm, s in results["startup_s"].items()))
    print(f"capture: {results['capture']}")
    print(f"wrote {args.out / 'vllm.json'}, vllm.png, vllm_log_excerpt.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
