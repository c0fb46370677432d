"""speedup_table checks the arm asked for but looks the baseline up unchecked: a missing baseline is a KeyError."""

from mini_vllm.bench_analysis import *
from mini_vllm.bench_analysis import _runs_by_arm
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_unknown_baseline_is_refused"]


def speedup_table(results, arm, baseline="eager"):
    a = _runs_by_arm(results, arm)
    b = {}
    for run in results["runs"]:
        if run["arm"] == baseline:
            b[run["batch"]] = run["tokens_per_s"]
    rows = []
    for batch in sorted(a):
        sa, sb = spread(a[batch]), spread(b[batch])
        rows.append(SpeedupRow(batch, sa.median / sb.median, sa.low / sb.high, sa.high / sb.low))
    return rows
