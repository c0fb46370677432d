"""§7: charges each batch step_time(rung - batch), the time of its padding rows, as if the real rows were free."""

from itertools import combinations

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import _traffic_weights, check_int

CAUGHT_BY = ["test_fastest_ladder_worked_example", "test_fastest_ladder_matches_brute_force"]


def fastest_ladder(traffic, num_rungs, step_time, max_batch=None):
    if not callable(step_time):
        raise TypeError(f"step_time must be callable, got {step_time!r}")
    num_rungs = check_int(num_rungs, "num_rungs")
    weights = _traffic_weights(traffic)
    top = max(weights) if max_batch is None else check_int(max_batch, "max_batch")
    below = sorted(b for b in weights if b < top)

    def cost(ladder):
        return sum(w * step_time(next(r for r in ladder if r >= b) - b) for b, w in weights.items() if b <= top)

    best = [top]
    for k in range(1, min(num_rungs, len(below) + 1)):
        for lower in combinations(below, k):
            if cost([*lower, top]) < cost(best):
                best = [*lower, top]
    return best
