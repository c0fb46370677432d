"""`mini-vllm simulate`: a toy decode loop through the simulator, eager vs FULL vs PIECEWISE.

Each step draws a batch, runs it eagerly (the reference) and through both runners, and checks
they agree. What is counted is launches: the bill a graph cuts. The runners are lab-01's: the
reference in the course, the student's own starter.py in the student release (lab_code.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mini_vllm.checks import check_int_sequence
from mini_vllm.lab_code import lab_module
from mini_vllm.numpy_decoder import HIDDEN, numpy_decoder_ops
from mini_vllm.presentation import Shown
from mini_vllm.progress import progress


def simulate_decode_loop(layers: int, steps: int, max_batch: int, sizes: Sequence[int],
                         seed: int = 0) -> dict[str, Any]:
    """Run `steps` random batches in 1..max_batch eagerly and through both runners; count launches."""
    lab01 = lab_module("lab-01")
    ops, is_attention = numpy_decoder_ops(layers)
    ladder = sorted(set(check_int_sequence(sizes, "sizes")))
    rng = np.random.default_rng(seed)
    batches = rng.integers(1, max_batch + 1, size=steps).tolist()
    runners = {"FULL": lab01.GraphRunner(ops, capture_sizes=ladder),
               "PIECEWISE": lab01.PiecewiseGraphRunner(ops, is_attention, capture_sizes=ladder)}
    warm_step: dict[str, int | None] = dict.fromkeys(runners)  # launches of a step that replayed
    for batch in progress(batches, "simulating decode steps"):
        x = rng.standard_normal((batch, HIDDEN))
        want = lab01.eager(ops, x)
        for name, runner in runners.items():
            launches, captures, replays = runner.launches, runner.captures, runner.replays
            if not np.allclose(runner(x), want):
                raise RuntimeError(f"{name} diverged from eager at batch {batch}")
            if runner.captures == captures and runner.replays > replays:
                warm_step[name] = runner.launches - launches
    rows = [{"runner": "eager", "launches_per_warm_step": len(ops),
             "launches": len(ops) * steps, "captures": 0, "replays": 0}]
    rows += [{"runner": name, "launches_per_warm_step": warm_step[name], "launches": r.launches,
              "captures": r.captures, "replays": r.replays} for name, r in runners.items()]
    return {"layers": layers, "ops_per_step": len(ops), "steps": steps, "max_batch": max_batch,
            "capture_sizes": ladder, "steps_above_ladder": sum(b > ladder[-1] for b in batches),
            "piecewise_pieces": _captured_pieces([is_attention(op) for op in ops]), "runners": rows}


def _captured_pieces(splits: list[bool]) -> int:
    """Maximal runs of ops between splitting ops: what a PIECEWISE runner captures."""
    return sum(not split and (i == 0 or splits[i - 1]) for i, split in enumerate(splits))


def show_simulation(layers: int, steps: int, max_batch: int, sizes: Sequence[int], seed: int = 0) -> Shown:
    """The decode loop's launch table, one row per runner."""
    data = simulate_decode_loop(layers, steps, max_batch, sizes, seed)
    lines = [f"decode loop: {layers} layers x 10 ops = {data['ops_per_step']} ops/step, {steps} steps, "
             f"batches in 1..{max_batch}, capture sizes {data['capture_sizes']}",
             f"{'runner':<10} {'launches/warm step':>19} {'launches (total)':>17} {'captures':>9} {'replays':>8}"]
    for row in data["runners"]:
        warm = "-" if row["launches_per_warm_step"] is None else row["launches_per_warm_step"]
        lines.append(f"{row['runner']:<10} {warm:>19} {row['launches']:>17} {row['captures']:>9} "
                     f"{row['replays']:>8}")
    lines.append(f"every output matched eager; {data['steps_above_ladder']} of {steps} steps were above "
                 f"the ladder and ran eagerly; a warm PIECEWISE step is {data['piecewise_pieces']} pieces "
                 f"+ {layers} attention ops")
    return Shown("\n".join(lines), data)
