"""The capture ladder made visible: a ladder folded into its rule, the report of
`mini-vllm ladder`, and the padding-waste plot of `mini-vllm ladder-chart`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mini_vllm.capture_sizes import (
    capture_max,
    capture_sizes_for,
    check_capture_sizes,
    default_capture_cap,
    default_capture_sizes,
    expected_waste,
    nano_vllm_ladder,
    powers_of_two_ladder,
    rung_for,
)
from mini_vllm.cudagraph_dispatcher import CudagraphDispatcher
from mini_vllm.cudagraph_mode import CUDAGraphMode
from mini_vllm.presentation import Shown


def describe_ladder(sizes: Sequence[int]) -> str:
    """Fold a ladder into stride runs, so a 51-rung list reads as its rule.

    [1, 2, 4, 8, 16, ..., 248, 256, 272, 288] -> '1, 2, 4, 8..248 step 8, 256..288 step 16';
    three or more sizes with one step make a run.
    """
    ladder = check_capture_sizes(sizes)
    parts: list[str] = []
    i = 0
    while i < len(ladder):
        j = i + 1
        if j < len(ladder):
            step = ladder[j] - ladder[i]
            while j + 1 < len(ladder) and ladder[j + 1] - ladder[j] == step:
                j += 1
            # Hand the last size to the next run when it starts one (..248, 256..512 step 16).
            if (j - i >= 3 and j + 2 < len(ladder)
                    and ladder[j + 1] - ladder[j] == ladder[j + 2] - ladder[j + 1]):
                j -= 1
        if j - i >= 2:
            parts.append(f"{ladder[i]}..{ladder[j]} step {step}")
            i = j + 1
        else:
            parts.append(str(ladder[i]))
            i += 1
    return ", ".join(parts)


def ladder_facts(
    sizes: Sequence[int], origin: str, batch: int | None = None, max_num_seqs: int | None = None
) -> dict[str, Any]:
    """The answer to "why is my batch of N running at M?", as data: the ladder, where it came
    from, the rung the batch lands on, and what that costs in padded rows.

    With ``max_num_seqs``, it also predicts the two progress bars of the capture log under
    the default FULL_AND_PIECEWISE mode: the mixed pass captures every rung, the decode pass
    only the rungs <= max_num_seqs (a decode batch never holds more sequences than that).
    upstream: vllm/v1/worker/gpu_model_runner.py:6372 (capture_model, 0.22.1).
    """
    ladder = check_capture_sizes(sizes)
    facts: dict[str, Any] = {"origin": origin, "sizes": ladder, "rungs": len(ladder),
                             "rule": describe_ladder(ladder), "top": ladder[-1]}
    if max_num_seqs is not None:
        passes = CudagraphDispatcher(CUDAGraphMode.FULL_AND_PIECEWISE, ladder, max_num_seqs).capture_descs()
        facts["capture_passes"] = {f"{'decode' if descs[0].uniform else 'mixed prefill-decode'}, {mode.name}":
                                   len(descs) for mode, descs in passes}
    if batch is not None:
        rung = rung_for(batch, ladder)
        below = [size for size in ladder if size < batch]
        facts["batch"] = {"batch": batch, "rung": rung, "padding": None if rung is None else rung - batch,
                          "rung_below": below[-1] if below else None}
    return facts


def format_ladder_report(facts: Mapping[str, Any], max_num_seqs: int | None = None) -> str:
    """ladder_facts as the text `mini-vllm ladder` prints."""
    top = facts["top"]
    lines = [
        f"capture ladder: {facts['origin']} -> {facts['rungs']} rungs (one graph per rung in each capture pass)",
        f"  {facts['rule']}",
        f"  batches 1..{top} replay a graph; batches above {top} run eagerly, unpadded",
    ]
    if "capture_passes" in facts:
        passes = "; ".join(f"{label} {n}/{n}" for label, n in facts["capture_passes"].items())
        lines.append(f"  capture log: {passes} (decode rungs <= max_num_seqs={max_num_seqs})")
    if "batch" in facts:
        lines += _batch_lines(top, **facts["batch"])
    return "\n".join(lines)


def _batch_lines(top: int, batch: int, rung: int | None, padding: int | None,
                 rung_below: int | None) -> list[str]:
    if rung is None:
        return [f"batch {batch}: above the top rung {top}, so it runs eagerly (no graph, no padding)"]
    reason = ("an exact fit" if rung == batch
              else f"the rung below, {rung_below}, cannot hold {batch} rows" if rung_below
              else "the first rung")
    return [f"batch {batch} -> replays the graph captured for {rung}: the smallest rung >= {batch} ({reason})",
            f"  padding: {padding} of the {rung} computed rows ({padding / rung:.1%}) are thrown away"
            if padding else "  no padding: the batch fills its graph exactly"]


def show_ladder(max_capture_size: int, batch: int | None, max_num_seqs: int | None,
                max_num_batched_tokens: int, vllm_version: str = "0.22.1",
                compute_capability: tuple[int, int] | None = None) -> Shown:
    """`mini-vllm ladder`: the default ladder up to a max, or the one a deployment derives."""
    if max_num_seqs is None:
        sizes = default_capture_sizes(max_capture_size, vllm_version=vllm_version)
        origin = f"default_capture_sizes({max_capture_size})"
    else:
        sizes = capture_sizes_for(max_num_seqs, max_num_batched_tokens, vllm_version=vllm_version,
                                  compute_capability=compute_capability)
        origin = deployment_origin(max_num_seqs, max_num_batched_tokens, vllm_version, compute_capability)
    facts = ladder_facts(sizes, origin, batch, max_num_seqs)
    return Shown(format_ladder_report(facts, max_num_seqs), facts)


def deployment_origin(max_num_seqs: int, max_num_batched_tokens: int, vllm_version: str,
                      compute_capability: tuple[int, int] | None) -> str:
    """Where a deployment's ladder comes from, in one line: the max and how it was clipped."""
    cap = default_capture_cap(vllm_version, compute_capability)
    top = capture_max(max_num_seqs, max_num_batched_tokens, vllm_version=vllm_version,
                      compute_capability=compute_capability)
    origin = (f"capture_sizes_for(max_num_seqs={max_num_seqs}, max_num_batched_tokens={max_num_batched_tokens}): "
              f"max = min(2 x {max_num_seqs}, {cap}, {max_num_batched_tokens}) = {top}")
    if vllm_version == "0.33.0" and max_num_seqs <= top:
        origin += f", plus max_num_seqs={max_num_seqs} as a rung (0.33.0)"
    return origin


def draw_ladder_chart(out: str | Path, max_capture_size: int) -> Shown:
    """`mini-vllm ladder-chart`: the padding-waste PNG, and each ladder's padding share."""
    shares = plot_padding_waste(out, max_capture_size)
    lines = [f"{name:<34} {share:6.2%} of computed rows are padding (uniform traffic 1..{max_capture_size})"
             for name, share in shares.items()]
    return Shown("\n".join([*lines, f"wrote {out}"]), {"padding_share": shares, "path": str(out)})


def plot_padding_waste(path: str, max_capture_size: int = 512) -> dict[str, float]:
    """Plot the padding share of each batch 1..max on three ladders and save a PNG to ``path``.

    Returns each ladder's padding share under uniform traffic over 1..max (the legend's
    figure). matplotlib is imported here only: the rest of the package needs numpy alone. The
    object API (a Figure, no pyplot) leaves the caller's backend and figures alone.
    """
    from matplotlib.figure import Figure

    batches = list(range(1, max_capture_size + 1))
    ladders = {
        "vLLM 0.22.1 default": default_capture_sizes(max_capture_size),
        "nano-vllm: 1, 2, 4, 8, then x16": nano_vllm_ladder(max_capture_size),
        "powers of two": powers_of_two_ladder(max_capture_size),
    }
    shares: dict[str, float] = {}
    fig = Figure(figsize=(9, 5))
    ax = fig.subplots()
    colors = ("tab:blue", "tab:orange", "tab:red")
    # Draw the sparse ladders first so the default stays on top where the curves coincide.
    for (name, ladder), color in reversed(list(zip(ladders.items(), colors))):
        rungs = [rung_for(b, ladder) for b in batches]  # each ladder is valid by construction
        waste = [0 if rung is None else 100 * (rung - b) / rung for b, rung in zip(batches, rungs)]
        shares[name] = expected_waste(batches, ladder)
        ax.step(batches, waste, where="post", color=color, linewidth=1.3,
                label=f"{name}: {len(ladder)} rungs, {shares[name]:.1%} of rows padded (uniform traffic)")
    ax.set_xscale("log", base=2)
    ticks = powers_of_two_ladder(max_capture_size)
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set_xlabel("batch size (log scale). All three agree up to 16; above 256 vLLM and nano-vllm "
                  "share the stride-16 rungs")
    ax.set_ylabel("padding share of the replayed rows (%)")
    ax.set_title(f"Padding waste per batch size, capture max {max_capture_size}")
    ax.set_xlim(1, max_capture_size)
    ax.set_ylim(0, 52)
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper center", bbox_to_anchor=(0.5, -0.14),
              fontsize=8.5, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return shares
