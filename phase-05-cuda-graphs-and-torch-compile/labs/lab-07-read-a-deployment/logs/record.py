"""Record a real vLLM start-up log (and, with --traffic, its graph statistics) for lab-07.

Offline, from a folder holding only a config.json (dummy weights, token-id prompts), so it runs
on a GPU machine without network. Everything vLLM prints goes to this process's stdout/stderr
untouched: record.sh redirects both into the committed .log file, carriage returns and all.

--traffic replays a seeded arrival schedule step by step through the engine (requests join at
fixed engine steps, with skewed output lengths), so two runs with different ladders see the
same batches and their padded tokens and step times can be compared. One line of our own, the
`lab07-traffic` summary, is printed at the end; everything else in the log is vLLM's.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = {
    "opt-125m": HERE.parents[1] / "lab-04-graph-vs-eager-real" / "offline-opt-125m",
    "qwen3-0.6b": HERE / "models" / "qwen3-0.6b-shaped",
}

# Traffic shapes: arrivals per engine step (Poisson mean), output tokens (lognormal, capped),
# prompt tokens (uniform). "chat" keeps a few dozen requests in flight; "wide" a few hundred.
TRAFFIC = {
    "chat": {"arrivals": 0.6, "out_mu": 3.6, "out_sigma": 1.0, "out_max": 600, "prompt": (8, 96), "steps": 1500},
    "wide": {"arrivals": 3.0, "out_mu": 3.9, "out_sigma": 0.9, "out_max": 800, "prompt": (8, 48), "steps": 1200},
}


def schedule(shape: str, seed: int) -> list[list[tuple[int, int]]]:
    """Per engine step, the requests that arrive then: (prompt tokens, output tokens)."""
    spec, rng = TRAFFIC[shape], random.Random(seed)
    steps: list[list[tuple[int, int]]] = []
    for _ in range(spec["steps"]):
        # Poisson by inversion: few arrivals per step, so the loop is short.
        k, p, u = 0, math.exp(-spec["arrivals"]), rng.random()
        cdf = p
        while u > cdf:
            k += 1
            p *= spec["arrivals"] / k
            cdf += p
        steps.append([(rng.randint(*spec["prompt"]),
                       min(spec["out_max"], max(1, int(rng.lognormvariate(spec["out_mu"], spec["out_sigma"])))))
                      for _ in range(k)])
    return steps


def replay(engine, plan: list[list[tuple[int, int]]], tag: str) -> dict:
    """Feed the plan to the engine one step at a time; drain; return steps, tokens and seconds."""
    from vllm import SamplingParams

    step_s: list[float] = []
    tokens, rid, i = 0, 0, 0
    t0 = time.perf_counter()
    while i < len(plan) or engine.has_unfinished_requests():
        for prompt_len, out_len in plan[i] if i < len(plan) else ():
            prompt = {"prompt_token_ids": [(7 * rid + j) % 5000 + 10 for j in range(prompt_len)]}
            params = SamplingParams(max_tokens=out_len, temperature=0, ignore_eos=True)
            engine.add_request(f"{tag}-{rid}", prompt, params)
            rid += 1
            tokens += out_len
        i += 1
        if engine.has_unfinished_requests():
            s = time.perf_counter()
            engine.step()
            step_s.append(time.perf_counter() - s)
    return {"requests": rid, "output_tokens": tokens, "steps": len(step_s),
            "seconds": time.perf_counter() - t0, "median_step_ms": 1e3 * statistics.median(step_s)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=sorted(MODELS), default="opt-125m")
    p.add_argument("--enforce-eager", action="store_true")
    p.add_argument("--cudagraph-mode", help="compilation_config.cudagraph_mode (a CUDAGraphMode name)")
    p.add_argument("--cudagraph-capture-sizes", type=int, nargs="+")
    p.add_argument("--compile-mode", type=int, choices=range(4), help="compilation_config.mode (0 = NONE)")
    p.add_argument("--max-num-seqs", type=int)
    p.add_argument("--cudagraph-metrics", action="store_true")
    p.add_argument("--traffic", choices=sorted(TRAFFIC))
    p.add_argument("--passes", type=int, default=3, help="times the traffic plan is replayed")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scrape", type=Path, help="also write the Prometheus text exposition here at the end")
    args = p.parse_args()

    from vllm import LLM, SamplingParams

    compilation: dict = {}
    if args.cudagraph_mode:
        compilation["cudagraph_mode"] = args.cudagraph_mode
    if args.cudagraph_capture_sizes:
        compilation["cudagraph_capture_sizes"] = args.cudagraph_capture_sizes
    if args.compile_mode is not None:
        compilation["mode"] = args.compile_mode
    kwargs: dict = {"model": str(MODELS[args.model]), "load_format": "dummy", "skip_tokenizer_init": True,
                    "enforce_eager": args.enforce_eager, "gpu_memory_utilization": 0.4,
                    "max_model_len": 2048, "seed": 0, "compilation_config": compilation or None}
    if args.max_num_seqs:
        kwargs["max_num_seqs"] = args.max_num_seqs
    if args.traffic:
        kwargs |= {"disable_log_stats": False, "cudagraph_metrics": args.cudagraph_metrics}
    llm = LLM(**{k: v for k, v in kwargs.items() if v is not None})
    if not args.traffic:
        llm.generate([{"prompt_token_ids": list(range(10, 10 + n))} for n in (5, 17, 33, 64)],
                     SamplingParams(max_tokens=16, temperature=0, ignore_eos=True))
        return
    plan = schedule(args.traffic, args.seed)
    runs = [replay(llm.llm_engine, plan, f"p{k}") for k in range(args.passes)]
    llm.llm_engine.do_log_stats()  # flush the last interval's table
    print("lab07-traffic " + json.dumps({"traffic": args.traffic, "seed": args.seed, "passes": runs}), flush=True)
    if args.scrape:  # the registry a server's /metrics endpoint would serve, as that text
        from prometheus_client import REGISTRY, generate_latest
        args.scrape.write_bytes(generate_latest(REGISTRY))


if __name__ == "__main__":
    main()
