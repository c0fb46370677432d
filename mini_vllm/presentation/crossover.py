"""Launch economics made visible: the crossover table of `mini-vllm crossover` and the
"should we graph it?" chart of `mini-vllm crossover-chart`.

Both run lab-02's code as mini_vllm.lab_code finds it: the reference, or the student's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mini_vllm.checks import check_int, check_int_sequence
from mini_vllm.lab_code import lab_module
from mini_vllm.presentation import Shown

if TYPE_CHECKING:
    from mini_vllm.launch_cost import CrossoverRow


def format_crossover_table(rows: Sequence[CrossoverRow]) -> str:
    """The table as text: one line per num_ops, one crossover column per capture multiplier."""
    multipliers = list(dict.fromkeys(row.capture_multiplier for row in rows))
    cells: dict[int, dict[int, int | None]] = {}
    for row in rows:
        cells.setdefault(row.num_ops, {})[row.capture_multiplier] = row.crossover
    heads = [f"capture={m}n" if m != 1 else "capture=n" for m in multipliers]
    lines = [
        "first call k at which the graph has used fewer launches than eager",
        f"{'num_ops':>8} " + " ".join(f"{h:>12}" for h in heads) + f" {'ceiling':>8}",
    ]
    for n, by_multiplier in cells.items():
        ks = ["never" if by_multiplier[m] is None else str(by_multiplier[m]) for m in multipliers]
        lines.append(f"{n:>8} " + " ".join(f"{k:>12}" for k in ks) + f" {f'{n}x':>8}")
    if 1 in cells:
        lines.append("num_ops=1: a replay is one launch, the same as eager, so the capture is "
                     "never paid back")
    return "\n".join(lines)


def plot_per_call_cost(
    out: str, num_ops_values: Sequence[int] = (3, 30, 300), capture_multiplier: int = 3,
    max_calls: int = 12,
) -> None:
    """Draw average launches per call vs k, eager against graph, crossovers marked; save a PNG.

    Needs matplotlib (the `plot` extra), imported here only so the CPU path stays light; the
    object API (a Figure, no pyplot) leaves the caller's backend and figures alone.
    """
    from matplotlib import rcParams
    from matplotlib.figure import Figure

    sizes = check_int_sequence(num_ops_values, "num_ops_values")
    multiplier = check_int(capture_multiplier, "capture_multiplier", 1)
    max_calls = check_int(max_calls, "max_calls", 2)
    ks = list(range(1, max_calls + 1))
    lab02 = lab_module("lab-02")
    eager_launches, graph_launches = lab02.eager_launches, lab02.graph_launches
    fig = Figure(figsize=(8, 5), dpi=110)
    ax = fig.subplots()
    for n, color in zip(sizes, rcParams["axes.prop_cycle"].by_key()["color"]):
        capture = multiplier * n
        ax.plot(ks, [eager_launches(n, k) / k for k in ks], "--", color=color,
                label=f"eager, n={n}")
        ax.plot(ks, [graph_launches(n, k, capture) / k for k in ks], "-o", color=color,
                markersize=3, label=f"graph, n={n}, capture={capture}")
        k_star = lab02.crossover(n, capture)
        if k_star is not None and k_star <= max_calls:
            ax.plot([k_star], [graph_launches(n, k_star, capture) / k_star], "*", color=color,
                    markersize=16, markeredgecolor="black")
            ax.annotate(f"crossover k={k_star}", (k_star, graph_launches(n, k_star, capture) / k_star),
                        textcoords="offset points", xytext=(8, 8), fontsize=9)
    ax.set_yscale("log")
    ax.set_xlabel("calls so far, k")
    ax.set_ylabel("launches per call (total / k), log scale")
    ax.set_title(f"Should we graph it? capture = {multiplier}n; ★ = first k where the graph is ahead")
    ax.set_xticks(ks)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(out)


def show_crossover(num_ops: Sequence[int], capture_multipliers: Sequence[int]) -> Shown:
    """`mini-vllm crossover`: the crossover table, one row per (num_ops, multiplier)."""
    rows = lab_module("lab-02").crossover_table(num_ops, capture_multipliers)
    return Shown(format_crossover_table(rows), [row._asdict() for row in rows])


def draw_crossover_chart(out: str | Path, num_ops: Sequence[int], capture_multiplier: int, max_calls: int) -> Shown:
    """`mini-vllm crossover-chart`: the "should we graph it?" PNG."""
    plot_per_call_cost(out, num_ops, capture_multiplier, max_calls)
    return Shown(f"wrote {out}", {"path": str(out)})
