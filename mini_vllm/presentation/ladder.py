"""The capture ladder made visible: a ladder folded into its rule, the report of
`mini-vllm ladder`, and the padding-waste plot of `mini-vllm ladder-chart`.
"""

from __future__ import annotations

from collections.abc import Sequence

from mini_vllm.capture_sizes import (
    check_capture_sizes,
    default_capture_sizes,
    expected_waste,
    nano_vllm_ladder,
    padded_size,
    padding_waste,
    powers_of_two_ladder,
)


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


def format_ladder_report(
    sizes: Sequence[int], origin: str, batch: int | None = None, max_num_seqs: int | None = None
) -> str:
    """The answer to "why is my batch of N running at M?": the ladder, where it came from,
    the rung the batch lands on, and what that costs in padded rows.

    With ``max_num_seqs``, it also predicts the two progress bars of the capture log under
    the default FULL_AND_PIECEWISE mode: the mixed pass captures every rung, the decode pass
    only the rungs <= max_num_seqs (a decode batch never holds more sequences than that).
    upstream: vllm/v1/worker/gpu_model_runner.py:6372 (capture_model, 0.22.1).
    """
    ladder = check_capture_sizes(sizes)
    lines = [
        f"capture ladder: {origin} -> {len(ladder)} rungs (one graph per rung in each capture pass)",
        f"  {describe_ladder(ladder)}",
        f"  batches 1..{ladder[-1]} replay a graph; batches above {ladder[-1]} run eagerly, unpadded",
    ]
    if max_num_seqs is not None:
        decode = sum(size <= max_num_seqs for size in ladder)
        lines.append(f"  capture log: mixed prefill-decode, PIECEWISE {len(ladder)}/{len(ladder)}; "
                     f"decode, FULL {decode}/{decode} (rungs <= max_num_seqs={max_num_seqs})")
    if batch is not None:
        rung = padded_size(batch, ladder)
        if rung is None:
            lines.append(f"batch {batch}: above the top rung {ladder[-1]}, so it runs eagerly "
                         "(no graph, no padding)")
        else:
            below = [size for size in ladder if size < batch]
            reason = ("an exact fit" if rung == batch
                      else f"the rung below, {below[-1]}, cannot hold {batch} rows" if below
                      else "the first rung")
            waste = rung - batch
            lines.append(f"batch {batch} -> replays the graph captured for {rung}: the smallest "
                         f"rung >= {batch} ({reason})")
            lines.append(f"  padding: {waste} of the {rung} computed rows ({waste / rung:.1%}) are "
                         "thrown away" if waste else "  no padding: the batch fills its graph exactly")
    return "\n".join(lines)


def plot_padding_waste(path: str, max_capture_size: int = 512) -> dict[str, float]:
    """Plot the padding share of each batch 1..max on three ladders and save a PNG to ``path``.

    Returns each ladder's padding share under uniform traffic over 1..max (the legend's
    figure). matplotlib is imported here only: the rest of the package needs numpy alone.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    batches = list(range(1, max_capture_size + 1))
    ladders = {
        "vLLM 0.22.1 default": default_capture_sizes(max_capture_size),
        "nano-vllm: 1, 2, 4, 8, then x16": nano_vllm_ladder(max_capture_size),
        "powers of two": powers_of_two_ladder(max_capture_size),
    }
    shares: dict[str, float] = {}
    fig, ax = plt.subplots(figsize=(9, 5))
    colors = ("tab:blue", "tab:orange", "tab:red")
    # Draw the sparse ladders first so the default stays on top where the curves coincide.
    for (name, ladder), color in reversed(list(zip(ladders.items(), colors))):
        waste = [100 * padding_waste(b, ladder) / (b + padding_waste(b, ladder)) for b in batches]
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
    plt.close(fig)
    return shares
