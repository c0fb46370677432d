"""From workload evidence to the ladder to paste: lab-05's optimal ladder on a real deployment.

The budget defaults to the rungs the deployment captures today, so graph memory and capture
time do not grow; the top rung stays where it is, so every step that replays a graph today
still does. What moves is where the rungs sit: onto the token counts the traffic really has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mini_vllm.capture_sizes import default_capture_sizes, optimal_ladder
from mini_vllm.checks import check_int
from mini_vllm.deployment.evidence import Evidence
from mini_vllm.deployment.graph_stats import graph_traffic, traffic_padding

#: The flag both mirrored versions accept (nargs="+", ints): vllm/engine/arg_utils.py:1424
#: (0.22.1) and vllm/engine/arg_utils.py:1824 (0.33.0).
FLAG = "--cudagraph-capture-sizes"


@dataclass
class Recommendation:
    source: str
    current: list[int]
    recommended: list[int]
    steps: float                 # steps in the evidence
    graph_steps: float           # of them, steps a ladder shapes (replayed, or of unknown mode)
    padded_today: float          # from vLLM's own table when the source has it, else computed
    padded_recommended: float
    padded_today_measured: bool  # True: vLLM's Num Paddings column; False: computed on `current`
    advice: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def flag(self) -> str:
        return f"{FLAG} {' '.join(map(str, self.recommended))}"


def tune(evidence: Evidence, current: list[int] | None = None, num_rungs: int | None = None) -> Recommendation:
    """The ladder with the fewest padded tokens for this traffic, same top, <= num_rungs rungs."""
    ladder = current or evidence.capture_sizes or default_capture_sizes(512)
    notes = list(evidence.notes)
    if not (current or evidence.capture_sizes):
        notes.append("the deployment's ladder is not in the evidence: compared with 0.22.1's default "
                     "ladder for a max of 512 (pass --current-sizes to use yours)")
    budget = len(ladder) if num_rungs is None else check_int(num_rungs, "num_rungs")
    top = ladder[-1]
    known = evidence.source == "metrics"
    traffic = graph_traffic(evidence.rows) if known else evidence.traffic
    shaped = {t: n for t, n in traffic.items() if t <= top}
    if not shaped:
        raise ValueError(f"no step in the evidence could replay a graph on a ladder topped at {top}: "
                         f"nothing to tune; graphs serve no step of this traffic")
    recommended = optimal_ladder(shaped, budget, max_batch=top)
    if known:
        padded_today = sum((r.padded - r.unpadded) * r.count for r in evidence.rows if r.mode != "NONE")
    else:
        padded_today = traffic_padding(traffic, ladder)
    steps = sum(r.count for r in evidence.rows) if known else sum(traffic.values())
    return Recommendation(evidence.source, ladder, recommended, steps, sum(shaped.values()), padded_today,
                          traffic_padding(shaped, recommended), known, _advice(evidence, top, steps), notes)


def _advice(evidence: Evidence, top: int, steps: int) -> list[str]:
    """What the evidence says about the mode, beyond the ladder."""
    advice = []
    above = sum(r.count for r in evidence.rows if r.unpadded > top)
    eager = sum(r.count for r in evidence.rows if r.mode == "NONE")
    if evidence.cudagraph_mode == "NONE":
        advice.append("cudagraph_mode is NONE: no step replays a graph; FULL_AND_PIECEWISE (the "
                      "default under VLLM_COMPILE) would capture this ladder")
    elif above > steps / 2:
        advice.append(f"{above} of {steps} steps ({100 * above / steps:.0f}%) have more tokens than the "
                      f"top rung {top} and run eagerly: a larger max_cudagraph_capture_size would "
                      f"give them graphs, at the cost of more graph memory")
    elif eager > steps / 2:
        advice.append(f"{eager} of {steps} steps ({100 * eager / steps:.0f}%) ran eagerly under "
                      f"{evidence.cudagraph_mode}: the mode, not the ladder, keeps them off graphs "
                      f"(FULL_DECODE_ONLY runs mixed batches eagerly; FULL_AND_PIECEWISE replays them piecewise)")
    return advice
