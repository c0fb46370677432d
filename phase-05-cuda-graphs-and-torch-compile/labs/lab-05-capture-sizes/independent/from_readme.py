"""Lab 05, solved from the README and starter.py alone (never from mini_vllm).

An instructor-check witness: a correct implementation written the way a student would, so the
tests are shown to accept a design other than the reference's (plain Python, no numpy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

__all__ = [
    "capture_sizes_for",
    "default_capture_sizes",
    "expected_waste",
    "fastest_ladder",
    "optimal_ladder",
    "padded_size",
    "padding_waste",
]

# A traffic mix: {batch size: weight}, or the batch sizes of observed steps (repeats count).
Traffic = Mapping[int, float] | Sequence[int]


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
    _version(vllm_version)
    top = _count(max_capture_size, "max_capture_size")
    if top > 2**20:
        raise ValueError(f"max_capture_size must be at most 2**20, got {top}")
    return [x for x in range(1, top + 1)
            if x in (1, 2, 4) or (x < 256 and x % 8 == 0) or (x >= 256 and x % 16 == 0)]


VERSIONS = ("0.22.1", "0.33.0")


def _version(version: str) -> str:
    if version not in VERSIONS:
        raise ValueError(f"vllm_version must be one of {VERSIONS}, got {version!r}")
    return version


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def _ladder(sizes: Sequence[int]) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError("sizes must be a sequence of ints")
    ladder = [_count(s, "sizes") for s in sizes]
    if not ladder:
        raise ValueError("sizes must not be empty")
    for a, b in zip(ladder, ladder[1:]):
        if a >= b:
            raise ValueError(f"sizes must be strictly increasing, got {ladder}")
    return ladder


def _weights(traffic: Traffic) -> dict[int, float]:
    pairs = list(traffic.items()) if isinstance(traffic, Mapping) else [(b, 1) for b in traffic]
    if not pairs:
        raise ValueError("traffic is empty")
    out: dict[int, float] = {}
    for batch, weight in pairs:
        _count(batch, "traffic batch")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0:
            raise ValueError(f"traffic weight for {batch} must be > 0, got {weight!r}")
        out[batch] = out.get(batch, 0) + weight
    return out


def padded_size(batch: int, sizes: Sequence[int]) -> int | None:
    """The smallest rung >= batch, or None when batch is above the top rung (it runs eagerly).

    Padding goes up, never down: a graph captured for 40 rows can serve 33 by computing 7
    rows of padding, but a graph for 32 cannot hold 33. upstream:
    vllm/v1/cudagraph_dispatcher.py:76 (0.22.1) builds the same map as a lookup table.
    """
    _count(batch, "batch")
    for size in _ladder(sizes):
        if size >= batch:
            return size
    return None


def padding_waste(batch: int, sizes: Sequence[int]) -> int:
    """Padded rows a batch computes: its rung minus the batch, or 0 when it runs eagerly.

    Padding rows are real work (every kernel in the graph runs on them) whose results are
    thrown away; that is the price of replaying a recording made for a fixed shape.
    """
    rung = padded_size(batch, sizes)
    return 0 if rung is None else rung - batch


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
    _version(vllm_version)
    seqs = _count(max_num_seqs, "max_num_seqs")
    tokens = _count(max_num_batched_tokens, "max_num_batched_tokens")
    if tokens < seqs:
        raise ValueError(f"max_num_batched_tokens ({tokens}) is below max_num_seqs ({seqs}): vLLM refuses it")
    if compute_capability is not None:
        if (not isinstance(compute_capability, tuple) or len(compute_capability) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in compute_capability)):
            raise TypeError(f"compute_capability must be (major, minor) ints, got {compute_capability!r}")
        if min(compute_capability) < 0:
            raise ValueError(f"compute_capability must not be negative, got {compute_capability}")
    if max_capture_size is not None:
        unclipped = _count(max_capture_size, "max_capture_size")
        if unclipped > 2**20:
            raise ValueError(f"max_capture_size must be at most 2**20, got {unclipped}")
    else:
        blackwell = vllm_version == "0.33.0" and compute_capability is not None and compute_capability[0] == 10
        unclipped = min(2 * seqs, 1024 if blackwell else 512)
    top = min(unclipped, tokens)
    ladder = default_capture_sizes(top)
    if tokens <= top and tokens not in ladder:
        ladder.append(tokens)
    if vllm_version == "0.33.0" and max_capture_size is None and seqs <= unclipped and seqs not in ladder:
        ladder = sorted(ladder + [seqs])
    return ladder


def expected_waste(traffic: Traffic, sizes: Sequence[int]) -> float:
    """Fraction of all computed rows that are padding, for a traffic mix on this ladder.

    ``traffic`` is {batch: weight} or a sequence of observed batch sizes (repeats count).
    Computed rows are rung rows for replayed batches and the batch itself for eager ones
    (above the top rung: no graph, so no padding). 0.0 means every batch hit a rung exactly.
    """
    ladder = _ladder(sizes)
    padded = computed = 0.0
    for batch, weight in _weights(traffic).items():
        rung = padded_size(batch, ladder)
        rows = batch if rung is None else rung
        padded += weight * (rows - batch)
        computed += weight * rows
    return padded / computed


def optimal_ladder(traffic: Traffic, num_rungs: int, max_batch: int | None = None) -> list[int]:
    """The ladder of at most ``num_rungs`` sizes with the fewest expected padded rows.

    The top rung is ``max_batch`` (default: the largest batch in the traffic), so every
    batch up to it replays a graph, as vLLM's own ladder always ends at its capture max;
    traffic above ``max_batch`` runs eagerly and does not shape the ladder. This is the
    "denser ladder versus more captures" trade with numbers: each extra rung costs a capture
    (time, graph memory) and buys the padding this function says it buys.
    """
    return _best_ladder(traffic, num_rungs, max_batch, lambda size, batch: size - batch)


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
        raise TypeError(f"step_time must be callable, got {step_time!r}")
    return _best_ladder(traffic, num_rungs, max_batch, lambda size, batch: step_time(size))


def _best_ladder(traffic, num_rungs, max_batch, cost) -> list[int]:
    """Partition the sorted candidate sizes into groups, each served by its largest member."""
    _count(num_rungs, "num_rungs")
    weights = _weights(traffic)
    top = max(weights) if max_batch is None else _count(max_batch, "max_batch")
    sizes = sorted(b for b in weights if b < top) + [top]
    n = len(sizes)

    def group(i: int, j: int) -> float:  # sizes[i..j] served by sizes[j]
        return sum(weights.get(sizes[k], 0) * cost(sizes[j], sizes[k]) for k in range(i, j + 1))

    group_cost = [[group(i, j) if i <= j else 0.0 for j in range(n)] for i in range(n)]
    inf = float("inf")
    # best[j]: least cost serving sizes[0..j] with the rungs used so far, top rung at sizes[j]
    best = [group_cost[0][j] for j in range(n)]
    choice: list[list[int]] = []
    for _ in range(min(num_rungs, n) - 1):
        new, back = [inf] * n, [-1] * n
        for j in range(n):
            new[j], back[j] = best[j], -1  # using fewer rungs is allowed
            for i in range(j):
                c = best[i] + group_cost[i + 1][j]
                if c < new[j]:
                    new[j], back[j] = c, i
        best = new
        choice.append(back)
    ladder, j = [sizes[-1]], n - 1
    for back in reversed(choice):
        if back[j] != -1:  # this round added the rung below the group ending at j
            j = back[j]
            ladder.append(sizes[j])
    return sorted(ladder)
