"""The mode machinery made visible: the routing table of `mini-vllm modes` and one dispatch,
explained, for `mini-vllm dispatch`.
"""

from __future__ import annotations

from collections.abc import Iterable

from mini_vllm.cudagraph_dispatcher import CudagraphDispatcher
from mini_vllm.cudagraph_mode import CUDAGraphMode, routing_table


def format_routing_table() -> str:
    """The routing table as aligned text, each row's reason below it, for `mini-vllm modes`."""
    rows = routing_table()
    width = max(len(r.mode.name) for r in rows)
    lines = [f"{'cudagraph_mode':<{width}}  {'value':<7}  {'pure decode':<11}  mixed batch"]
    for r in rows:
        lines.append(f"{r.mode.name:<{width}}  {str(r.mode.value):<7}  {r.decode.name:<11}  {r.mixed.name}")
        lines.append(f"{'':<{width}}  why: {r.why}")
    return "\n".join(lines)


def format_dispatch(
    dispatcher: CudagraphDispatcher,
    num_tokens: int,
    uniform_decode: bool = False,
    invalid_modes: Iterable[CUDAGraphMode] | None = None,
) -> str:
    """One dispatch, explained: the chosen runtime mode, its key, and the padding it costs."""
    mode, desc = dispatcher.dispatch(num_tokens, uniform_decode, invalid_modes=invalid_modes)
    kind = "uniform decode" if uniform_decode else "mixed prefill-decode"
    lines = [f"batch: {num_tokens} tokens, {kind} -> {mode.name} {desc}"]
    top = dispatcher.capture_sizes[-1]
    if mode is CUDAGraphMode.NONE:
        if not dispatcher.cudagraph_mode:
            why = "cudagraph_mode is NONE: no graphs were captured"
        elif num_tokens > top:
            why = f"{num_tokens} tokens is above the largest capture size {top}: nothing to pad to"
        else:
            why = "no allowed graph has this key, so it runs eagerly, unpadded"
        lines.append(f"runs eagerly: {why}")
    else:
        pad = desc.num_tokens - num_tokens
        key = "exact FULL key" if mode is CUDAGraphMode.FULL else "relaxed PIECEWISE key (num_reqs=None)"
        lines.append(f"replays the graph for {desc.num_tokens} tokens ({key}); "
                     f"{pad} of {desc.num_tokens} rows are padding")
    return "\n".join(lines)
