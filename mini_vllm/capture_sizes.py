"""The capture-size ladder: which batch sizes get a graph, and where every other batch pads to.

A graph replays one shape only, so an engine captures a ladder of batch sizes and pads each
batch up to the next rung. The eager cut-off is the ladder's own top rung, never a separate
literal: computing the two in different places is how off-stride ladders crash.
Padding is the price of replay, so the module also prices a ladder against a traffic mix
(`expected_waste`) and finds the ladder a given number of captures should buy
(`optimal_ladder`).
upstream: vllm/config/vllm.py:1597 (_set_cudagraph_sizes) and
vllm/v1/cudagraph_dispatcher.py:76 (_compute_bs_to_padded_graph_size), both 0.22.1.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import numpy as np

from mini_vllm.checks import (  # MAX_CAPTURE_SIZE is the bound every entry point shares
    MAX_CAPTURE_SIZE,
    check_int,
    check_int_sequence,
    check_positive,
    check_real,
    check_sequence,
)
from mini_vllm.vllm_versions import check_vllm_version


def check_capture_sizes(sizes: Sequence[int], name: str = "sizes") -> list[int]:
    """Return the ladder as a list, or raise: it must be non-empty, positive, strictly rising."""
    ladder = check_int_sequence(sizes, name)
    if any(a >= b for a, b in zip(ladder, ladder[1:])):
        raise ValueError(f"{name} must be strictly increasing (sorted, no duplicates), got {ladder}")
    return ladder


def padded_size(batch: int, sizes: Sequence[int]) -> int | None:
    """The smallest rung >= batch, or None when batch is above the top rung (it runs eagerly).

    Padding goes up, never down: a graph captured for 40 rows can serve 33 by computing 7
    rows of padding, but a graph for 32 cannot hold 33. upstream:
    vllm/v1/cudagraph_dispatcher.py:76 (0.22.1) builds the same map as a lookup table.
    """
    return rung_for(check_int(batch, "batch"), check_capture_sizes(sizes))


def rung_for(batch: int, ladder: list[int]) -> int | None:
    """padded_size behind a boundary that already checked both arguments: one bisect, no checks.

    A ladder is validated once where it enters (a runner, a dispatcher, a public function);
    every lookup after that is on the hot path of a replay, so it must cost what upstream's
    precomputed table costs, well under a microsecond at 51 rungs (tools/bench_hot_paths.py).
    """
    i = bisect_left(ladder, batch)
    return ladder[i] if i < len(ladder) else None


def default_capture_sizes(max_capture_size: int = 512, *, vllm_version: str = "0.22.1") -> list[int]:
    """vLLM's default ladder up to ``max_capture_size``: 1, 2, 4, stride 8, then stride 16.

    Small batches are common in decode and each wasted row is a large fraction of them, so
    the ladder is dense at the bottom; above 256 a padded row costs a small fraction, so
    the stride doubles to save capture time and memory. The top rung is the largest
    on-stride size <= max (an off-stride max such as 100 ends at 96; batches above it run
    eagerly). The stride rule is the same in 0.22.1 and 0.33.0; what 0.33.0 adds around it
    (a larger default max, a max_num_seqs rung) is capture_sizes_for's.
    upstream: vllm/config/vllm.py:1681-1708 (0.22.1), balanced mode.
    """
    max_capture_size = check_int(max_capture_size, "max_capture_size", maximum=MAX_CAPTURE_SIZE)
    check_vllm_version(vllm_version)
    sizes = [x for x in (1, 2, 4) if x <= max_capture_size]
    sizes += range(8, min(max_capture_size + 1, 256), 8)
    sizes += range(256, max_capture_size + 1, 16)
    return sizes


def capture_sizes_for(
    max_num_seqs: int,
    max_num_batched_tokens: int,
    max_capture_size: int | None = None,
    *,
    vllm_version: str = "0.22.1",
    compute_capability: tuple[int, int] | None = None,
) -> list[int]:
    """The ladder a deployment captures: vLLM's default path (balanced mode, no spec decode).

    The max is the user's ``max_capture_size`` or ``min(2 * max_num_seqs, 512)``, then
    clipped to ``max_num_batched_tokens`` (no step can hold more tokens than that). When the
    token budget is itself the max and lies off the stride, it is appended as the top rung,
    so the largest batch the scheduler can form still replays a graph.
    upstream: vllm/config/vllm.py:1647-1708 (0.22.1).
    0.33.0 changes the default path twice: the 512 becomes 1024 on compute capability 10.x
    (``compute_capability=(10, 0)``; vllm/config/vllm.py:2463-2465, 0.33.0), and max_num_seqs
    joins the ladder when it fits, so the largest decode batch has a graph of its own
    (vllm/config/vllm.py:2549-2550, 0.33.0). An explicit ``max_capture_size`` gets neither.
    ``compute_capability`` is (major, minor); None means not a 10.x GPU.
    """
    top = capture_max(max_num_seqs, max_num_batched_tokens, max_capture_size,
                      vllm_version=vllm_version, compute_capability=compute_capability)
    extra = [max_num_batched_tokens]
    if max_capture_size is None and vllm_version == "0.33.0":
        extra.append(max_num_seqs)
    return sorted(set(default_capture_sizes(top)) | {size for size in extra if size <= top})


def capture_max(
    max_num_seqs: int,
    max_num_batched_tokens: int,
    max_capture_size: int | None = None,
    *,
    vllm_version: str = "0.22.1",
    compute_capability: tuple[int, int] | None = None,
) -> int:
    """The largest size a deployment captures: capture_sizes_for's max, before the ladder rule.

    ``max_capture_size``, or ``min(2 * max_num_seqs, default_capture_cap(...))``, clipped to
    ``max_num_batched_tokens``. upstream: vllm/config/vllm.py:1647-1661 (0.22.1).
    """
    max_num_seqs = check_int(max_num_seqs, "max_num_seqs")
    max_num_batched_tokens = check_int(max_num_batched_tokens, "max_num_batched_tokens")
    check_vllm_version(vllm_version)  # every argument is checked, whichever path uses it
    _capability_major(compute_capability)
    if max_num_batched_tokens < max_num_seqs:
        raise ValueError(
            f"max_num_batched_tokens ({max_num_batched_tokens}) must be >= max_num_seqs "
            f"({max_num_seqs}): vLLM's scheduler config rejects it (vllm/config/scheduler.py:259-278)"
        )
    if max_capture_size is None:
        top = min(2 * max_num_seqs, default_capture_cap(vllm_version, compute_capability))
    else:
        top = check_int(max_capture_size, "max_capture_size", maximum=MAX_CAPTURE_SIZE)
    return min(top, max_num_batched_tokens)


def default_capture_cap(vllm_version: str = "0.22.1", compute_capability: tuple[int, int] | None = None) -> int:
    """The ceiling of the default max: 512, or 1024 under 0.33.0 on a compute capability 10.x GPU."""
    check_vllm_version(vllm_version)
    blackwell = _capability_major(compute_capability) == 10
    return 1024 if vllm_version == "0.33.0" and blackwell else 512


def _capability_major(compute_capability: tuple[int, int] | None) -> int | None:
    """The major version of a (major, minor) compute capability, or None; bad shapes raise."""
    if compute_capability is None:
        return None
    if not isinstance(compute_capability, tuple) or len(compute_capability) != 2:
        raise TypeError(f"compute_capability must be None or a (major, minor) tuple of ints, "
                        f"got {compute_capability!r}")
    major, _ = (check_int(x, f"compute_capability[{i}]", 0) for i, x in enumerate(compute_capability))
    return major


# A traffic mix: {batch size: weight}, or the batch sizes of observed steps (repeats count).
Traffic = Mapping[int, float] | Sequence[int]


def _traffic_weights(traffic: Traffic) -> dict[int, int]:
    """Normalise a traffic mix to {batch: integer weight} with the same ratios, exactly.

    A float weight is an exact binary fraction, so scaling every weight by the common
    denominator turns the mix into Python ints: sums of them never round and never overflow,
    and two weights of 1e308 weigh what they say.
    """
    if isinstance(traffic, Mapping):
        items = list(traffic.items())
    elif isinstance(traffic, Sequence | np.ndarray) and not isinstance(traffic, (str, bytes)):
        items = [(batch, 1) for batch in check_sequence(traffic, "traffic", "batch sizes")]
    else:
        raise TypeError(
            "traffic must be a mapping {batch: weight} or a sequence of observed batch sizes, "
            f"got {type(traffic).__name__}"
        )
    if not items:
        raise ValueError("traffic must hold at least one batch, got an empty mix")
    weights: dict[int, int | Fraction] = {}
    for batch, weight in items:
        batch = check_int(batch, "traffic batch sizes")
        weight = check_positive(weight, f"traffic[{batch}]")
        weights[batch] = weights.get(batch, 0) + (weight if isinstance(weight, int) else Fraction(weight))
    return dict(zip(weights, _as_integers(list(weights.values()))))


def _as_integers(values: list[int | float | Fraction]) -> list[int]:
    """Exact numbers scaled by their common denominator: ints with the same ratios."""
    fractions = [Fraction(v) for v in values]
    scale = math.lcm(*(f.denominator for f in fractions))
    return [int(f * scale) for f in fractions]


def padding_waste(batch: int, sizes: Sequence[int]) -> int:
    """Padded rows a batch computes: its rung minus the batch, or 0 when it runs eagerly.

    Padding rows are real work (every kernel in the graph runs on them) whose results are
    thrown away; that is the price of replaying a recording made for a fixed shape.
    """
    batch = check_int(batch, "batch")
    rung = rung_for(batch, check_capture_sizes(sizes))
    return 0 if rung is None else rung - batch


def expected_waste(traffic: Traffic, sizes: Sequence[int]) -> float:
    """Fraction of all computed rows that are padding, for a traffic mix on this ladder.

    ``traffic`` is {batch: weight} or a sequence of observed batch sizes (repeats count).
    Computed rows are rung rows for replayed batches and the batch itself for eager ones
    (above the top rung: no graph, so no padding). 0.0 means every batch hit a rung exactly.
    """
    ladder = check_capture_sizes(sizes)
    padding = computed = 0  # exact integer sums (see _traffic_weights), divided once
    for batch, weight in _traffic_weights(traffic).items():
        rung = rung_for(batch, ladder)
        rows = batch if rung is None else rung
        padding += weight * (rows - batch)
        computed += weight * rows
    return padding / computed


def optimal_ladder(traffic: Traffic, num_rungs: int, max_batch: int | None = None) -> list[int]:
    """The ladder of at most ``num_rungs`` sizes with the fewest expected padded rows.

    The top rung is ``max_batch`` (default: the largest batch in the traffic), so every
    batch up to it replays a graph, as vLLM's own ladder always ends at its capture max;
    traffic above ``max_batch`` runs eagerly and does not shape the ladder. This is the
    "denser ladder versus more captures" trade with numbers: each extra rung costs a capture
    (time, graph memory) and buys the padding this function says it buys.
    """
    # Padding is sum(weight * (rung - batch)); the batches' own rows are a constant, so the
    # fewest padded rows is the least sum(weight * rung): a step that costs its row count.
    return _cheapest_ladder(traffic, num_rungs, max_batch, lambda rows: rows)


def fastest_ladder(
    traffic: Traffic, num_rungs: int, step_time: Callable[[int], float], max_batch: int | None = None
) -> list[int]:
    """The ladder of at most ``num_rungs`` sizes with the least expected step time.

    ``step_time(rows)`` is the measured time of one step over ``rows`` rows and never falls as
    rows grow. Rows are not time: a small decode step is bound by reading the weights, so its
    padded rows cost almost nothing, and the ladder that pads the fewest rows can be slower
    than one that pads more where padding is free. Top rung and eager traffic as in
    optimal_ladder.
    """
    if not callable(step_time):
        raise TypeError(f"step_time must be callable rows -> time, got {step_time!r}")
    return _cheapest_ladder(traffic, num_rungs, max_batch, step_time)


def _cheapest_ladder(
    traffic: Traffic, num_rungs: int, max_batch: int | None, rung_cost: Callable[[int], float]
) -> list[int]:
    """Least sum(weight * rung_cost(rung)) over ladders of <= num_rungs sizes ending at max_batch.

    A rung strictly between two traffic sizes can slide down to the lower one: the same
    batches use it and a non-decreasing cost does not rise. So rungs sit on traffic sizes
    (plus max_batch), and a ladder cuts the sorted sizes into consecutive groups, each served
    by its largest member: a partition, solved exactly by dynamic programming. best[p] after
    r rounds is the least cost that serves the p smallest sizes with at most r rungs, the
    highest at size p; with prefix sums of the weights a group's cost is O(1). Weights and
    costs are scaled to exact integers, so huge, tiny or fractional values and sizes past
    2**53 get the true optimum; each round costs O(n log n) (see _add_rung).
    """
    num_rungs = check_int(num_rungs, "num_rungs")
    weights = _traffic_weights(traffic)
    max_batch = max(weights) if max_batch is None else check_int(max_batch, "max_batch")

    sizes = sorted(b for b in weights if b < max_batch) + [max_batch]
    costs = _as_integers(_rung_costs(rung_cost, sizes))
    cum_w = [0]  # cum_w[p]: weight of the p smallest sizes
    for size in sizes:
        cum_w.append(cum_w[-1] + weights.get(size, 0))

    def serve(q: int, p: int) -> int:
        """Cost when one rung at sizes[p-1] serves sizes q..p-1 (0-based)."""
        return costs[p - 1] * (cum_w[p] - cum_w[q])

    n = len(sizes)
    best = [serve(0, p) for p in range(n + 1)]  # one rung serves everything below it
    parents = []
    for _ in range(min(num_rungs, n) - 1):
        best, parent = _add_rung(best, serve, n)
        parents.append(parent)
    ladder = [n]
    for parent in reversed(parents):
        if parent[ladder[-1]] == 0:  # no rung below this one pays: fewer rungs suffice
            break
        ladder.append(parent[ladder[-1]])
    return [sizes[i - 1] for i in reversed(ladder)]


def _rung_costs(rung_cost: Callable[[int], float], sizes: list[int]) -> list[int | float]:
    """rung_cost at every candidate size: finite, >= 0 and never falling as rows grow."""
    costs: list[int | float] = []
    for size in sizes:
        cost = check_real(rung_cost(size), f"step_time({size})", "a finite number >= 0")
        if cost < 0 or (costs and cost < costs[-1]):
            raise ValueError(f"step_time({size}) must be a finite number >= 0 that never falls as "
                             f"rows grow, got {cost}" + (f" after {costs[-1]}" if costs else ""))
        costs.append(cost)
    return costs


def _add_rung(best: list[int], serve: Callable[[int, int], int], n: int) -> tuple[list[int], list[int]]:
    """One more rung: new[p] = min over q < p of best[q] + serve(q, p), and the arg-min q.

    q = 0 means "no rung below p" (best[0] = 0). The arg-min never moves down as p grows
    (serve is Monge when costs never fall: widening a group costs its top rung more the
    higher that rung sits), so divide and conquer finds every arg-min in O(n log n), not O(n^2).
    """
    new, parent = [0] * (n + 1), [0] * (n + 1)

    def solve(lo: int, hi: int, q_lo: int, q_hi: int) -> None:
        if lo > hi:
            return
        p = (lo + hi) // 2
        parent[p] = q_lo
        new[p] = best[q_lo] + serve(q_lo, p)
        for q in range(q_lo + 1, min(p - 1, q_hi) + 1):
            cost = best[q] + serve(q, p)
            if cost < new[p]:
                new[p], parent[p] = cost, q
        solve(lo, p - 1, q_lo, parent[p])
        solve(p + 1, hi, parent[p], q_hi)

    solve(1, n, 0, n - 1)
    return new, parent


# --- other rules, for comparison: the ladders the padding-waste plot sets against vLLM's ------


def powers_of_two_ladder(max_capture_size: int) -> list[int]:
    """1, 2, 4, ... up to max: few rungs, but just above a power of two nearly half is padding."""
    return [1 << k for k in range(max_capture_size.bit_length()) if 1 << k <= max_capture_size]


def nano_vllm_ladder(max_capture_size: int) -> list[int]:
    """nano-vllm's ladder: [1, 2, 4, 8] then multiples of 16 up to max (its max is
    min(max_num_seqs, 512)). An off-stride max leaves the top batches with no rung."""
    return [x for x in (1, 2, 4, 8) if x <= max_capture_size] + list(range(16, max_capture_size + 1, 16))
