"""The mode machinery made visible: the routing table of `mini-vllm modes`, one dispatch
explained for `mini-vllm dispatch`, and the start-up passes of `mini-vllm capture-log`.

They run lab-03's and lab-05's code as mini_vllm.lab_code finds it: the reference, or the student's own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mini_vllm.lab_code import lab_module
from mini_vllm.presentation import Shown

if TYPE_CHECKING:
    from mini_vllm.cudagraph_dispatcher import BatchDescriptor
    from mini_vllm.cudagraph_mode import CUDAGraphMode


def format_routing_table() -> str:
    """The routing table as aligned text, each row's reason below it, for `mini-vllm modes`."""
    rows = lab_module("lab-03").routing_table()
    width = max(len(r.mode.name) for r in rows)
    lines = [f"{'cudagraph_mode':<{width}}  {'value':<7}  {'pure decode':<11}  mixed batch"]
    for r in rows:
        lines.append(f"{r.mode.name:<{width}}  {str(r.mode.value):<7}  {r.decode.name:<11}  {r.mixed.name}")
        lines.append(f"{'':<{width}}  why: {r.why}")
    return "\n".join(lines)


def format_dispatch(
    configured: CUDAGraphMode, top: int, num_tokens: int, uniform_decode: bool, mode: CUDAGraphMode,
    desc: BatchDescriptor,
) -> str:
    """One dispatch explained: the runtime mode and key a dispatcher configured with `configured`
    and a ladder up to `top` chose, and the padding it costs (lab-03's public API only: in the
    student release the dispatcher is the student's)."""
    kind = "uniform decode" if uniform_decode else "mixed prefill-decode"
    lines = [f"batch: {num_tokens} tokens, {kind} -> {mode.name} {desc}"]
    if mode is lab_module("lab-03").CUDAGraphMode.NONE:
        if not configured:
            why = "cudagraph_mode is NONE: no graphs were captured"
        elif num_tokens > top:
            why = f"{num_tokens} tokens is above the largest capture size {top}: nothing to pad to"
        else:
            why = "no allowed graph has this key, so it runs eagerly, unpadded"
        lines.append(f"runs eagerly: {why}")
    else:
        pad = desc.num_tokens - num_tokens
        key = "exact FULL key" if mode is lab_module("lab-03").CUDAGraphMode.FULL else "relaxed PIECEWISE key (num_reqs=None)"
        lines.append(f"replays the graph for {desc.num_tokens} tokens ({key}); "
                     f"{pad} of {desc.num_tokens} rows are padding")
    return "\n".join(lines)


def show_modes() -> Shown:
    """`mini-vllm modes`: the routing table, one row per CUDAGraphMode."""
    rows = [{"mode": r.mode.name, "value": r.mode.value, "decode": r.decode.name, "mixed": r.mixed.name,
             "why": r.why} for r in lab_module("lab-03").routing_table()]
    return Shown(format_routing_table(), rows)


def deployment(mode: str, max_num_seqs: int, max_num_batched_tokens: int, vllm_version: str = "0.22.1",
               compute_capability: tuple[int, int] | None = None) -> tuple[list[int], str]:
    """A deployment's capture sizes and the line that says where they came from."""
    sizes = lab_module("lab-05").capture_sizes_for(max_num_seqs, max_num_batched_tokens, vllm_version=vllm_version,
                              compute_capability=compute_capability)
    return sizes, (f"{mode}, max_num_seqs={max_num_seqs}: {len(sizes)} capture sizes "
                   f"{sizes[0]}..{sizes[-1]} (capture_sizes_for)")


def show_dispatch(mode: str, tokens: int, uniform: bool, invalid: Iterable[str], max_num_seqs: int,
                  max_num_batched_tokens: int, vllm_version: str = "0.22.1",
                  compute_capability: tuple[int, int] | None = None) -> Shown:
    """`mini-vllm dispatch`: one batch's runtime mode and padded key under a deployment."""
    sizes, origin = deployment(mode, max_num_seqs, max_num_batched_tokens, vllm_version, compute_capability)
    lab03 = lab_module("lab-03")
    dispatcher = lab03.CudagraphDispatcher(mode, sizes, max_num_seqs)
    invalid_modes = {lab03.parse_cudagraph_mode(m) for m in invalid}
    runtime, desc = dispatcher.dispatch(tokens, uniform, invalid_modes=invalid_modes)
    text = format_dispatch(lab03.parse_cudagraph_mode(mode), max(sizes), tokens, uniform, runtime, desc)
    data = {"deployment": origin, "num_tokens": tokens, "uniform": uniform, "mode": runtime.name,
            "descriptor": dataclasses.asdict(desc), "padding": desc.num_tokens - tokens}
    return Shown(f"{origin}\n{text}", data)


# Where 0.33.0's V2 ends its memory-profiling capture; upstream prints the real time and size here.
PROFILING_END = ("Graph capturing finished in <secs> secs, took <size> GiB   <- the memory-profiling "
                 "capture ends; the real capture follows")


def show_capture_log(mode: str, max_num_seqs: int, max_num_batched_tokens: int, runner: str = "v1",
                     vllm_version: str = "0.22.1", compute_capability: tuple[int, int] | None = None) -> Shown:
    """`mini-vllm capture-log`: the capture passes vLLM prints at start-up, counted from the keys."""
    sizes, origin = deployment(mode, max_num_seqs, max_num_batched_tokens, vllm_version, compute_capability)
    passes = lab_module("lab-03").CudagraphDispatcher(mode, sizes, max_num_seqs).capture_descs()
    lines = lab_module("lab-03").capture_log(mode, sizes, max_num_seqs, runner=runner, vllm_version=vllm_version)
    graphs = sum(len(descs) for _, descs in passes)
    text = [f"{origin}: {len(passes)} capture passes, {graphs} graphs"]
    if len(lines) > len(passes):  # 0.33.0's V2 captures once to measure memory, then for real
        text += [*lines[:len(passes)], PROFILING_END, *lines[len(passes):]]
    else:
        text += lines
    if not lines:
        text.append("nothing is captured; vLLM logs 'Skipping CUDA graph capture' instead")
    data = {"deployment": origin, "graphs": graphs, "log": lines,
            "passes": [{"mode": m.name, "uniform_decode": descs[0].uniform, "graphs": len(descs)}
                       for m, descs in passes]}
    return Shown("\n".join(text), data)
