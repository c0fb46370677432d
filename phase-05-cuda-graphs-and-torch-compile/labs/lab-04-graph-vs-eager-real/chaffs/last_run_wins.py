"""speedup_table keeps the last run when an arm ran one batch twice, instead of refusing the ambiguity."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *

CAUGHT_BY = ["test_two_runs_of_one_arm_at_one_batch_are_refused"]


def _samples(results, arm):
    arms = sorted({run["arm"] for run in results["runs"]})
    if arm not in arms:
        raise ValueError(f"arm {arm!r} is not in the results; arms present: {arms}")
    return {run["batch"]: run["tokens_per_s"] for run in results["runs"] if run["arm"] == arm}


def speedup_table(results, arm, baseline="eager"):
    a, b = _samples(results, arm), _samples(results, baseline)
    rows = []
    for batch in sorted(a.keys() & b.keys()):
        sa, sb = spread(a[batch]), spread(b[batch])
        rows.append(SpeedupRow(batch, sa.median / sb.median, sa.low / sb.high, sa.high / sb.low))
    return rows
