"""Interleaved A/B of capture ladders on one traffic plan: is the tuned ladder faster?

Fewer padded tokens need not mean faster steps (lab-05 §7: rows are not time), so the closed
loop is timed, not assumed. Every arm gets its own LLM engine, all alive at once (each with a
share of the GPU memory), and the arms take turns replaying the same seeded plan from
record.py, in a rotated order each round, so drift in clocks or host load falls on all arms
alike. Prints one `lab07-ab` JSON line: every arm's per-round seconds and median step time.
"""

from __future__ import annotations

import argparse
import json

from record import MODELS, replay, schedule


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--arms", type=json.loads, required=True,
                   help='{"name": [capture sizes] or null for vLLM\'s default ladder, ...}')
    p.add_argument("--traffic", default="wide")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()

    from vllm import LLM

    share = round(0.8 / len(args.arms), 2)
    engines = {}
    for name, sizes in args.arms.items():
        compilation = {"cudagraph_capture_sizes": sizes} if sizes else None
        engines[name] = LLM(model=str(MODELS["opt-125m"]), load_format="dummy", skip_tokenizer_init=True,
                            gpu_memory_utilization=share, max_model_len=2048, seed=0,
                            compilation_config=compilation)
    plan = schedule(args.traffic, 0)
    for name, llm in engines.items():  # one warm-up pass each: Triton JIT, allocator growth
        replay(llm.llm_engine, plan, f"warm-{name}")
    names = list(engines)
    results: dict[str, list[dict]] = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            results[name].append(replay(engines[name].llm_engine, plan, f"r{r}-{name}"))
    print("lab07-ab " + json.dumps({"traffic": args.traffic, "rounds": args.rounds, "arms": args.arms,
                                    "results": results}), flush=True)


if __name__ == "__main__":
    main()
