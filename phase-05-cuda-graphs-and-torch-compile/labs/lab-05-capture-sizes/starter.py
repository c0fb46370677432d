"""Lab 05: the capture-size ladder. Your work goes here.

Fill in every body that raises NotImplementedError; README.md walks you through it.
Grade yourself: LAB_IMPL=starter pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-05-capture-sizes -q
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
    raise NotImplementedError("lab-05: default_capture_sizes — see README §2")


def padded_size(batch: int, sizes: Sequence[int]) -> int | None:
    """The smallest rung >= batch, or None when batch is above the top rung (it runs eagerly).

    Padding goes up, never down: a graph captured for 40 rows can serve 33 by computing 7
    rows of padding, but a graph for 32 cannot hold 33. upstream:
    vllm/v1/cudagraph_dispatcher.py:76 (0.22.1) builds the same map as a lookup table.
    """
    raise NotImplementedError("lab-05: padded_size — see README §3")


def padding_waste(batch: int, sizes: Sequence[int]) -> int:
    """Padded rows a batch computes: its rung minus the batch, or 0 when it runs eagerly.

    Padding rows are real work (every kernel in the graph runs on them) whose results are
    thrown away; that is the price of replaying a recording made for a fixed shape.
    """
    raise NotImplementedError("lab-05: padding_waste — see README §3")


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
    raise NotImplementedError("lab-05: capture_sizes_for — see README §4")


def expected_waste(traffic: Traffic, sizes: Sequence[int]) -> float:
    """Fraction of all computed rows that are padding, for a traffic mix on this ladder.

    ``traffic`` is {batch: weight} or a sequence of observed batch sizes (repeats count).
    Computed rows are rung rows for replayed batches and the batch itself for eager ones
    (above the top rung: no graph, so no padding). 0.0 means every batch hit a rung exactly.
    """
    raise NotImplementedError("lab-05: expected_waste — see README §5")


def optimal_ladder(traffic: Traffic, num_rungs: int, max_batch: int | None = None) -> list[int]:
    """The ladder of at most ``num_rungs`` sizes with the fewest expected padded rows.

    The top rung is ``max_batch`` (default: the largest batch in the traffic), so every
    batch up to it replays a graph, as vLLM's own ladder always ends at its capture max;
    traffic above ``max_batch`` runs eagerly and does not shape the ladder. This is the
    "denser ladder versus more captures" trade with numbers: each extra rung costs a capture
    (time, graph memory) and buys the padding this function says it buys.
    """
    raise NotImplementedError("lab-05: optimal_ladder — see README §6")


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
    raise NotImplementedError("lab-05: fastest_ladder — see README §7")
