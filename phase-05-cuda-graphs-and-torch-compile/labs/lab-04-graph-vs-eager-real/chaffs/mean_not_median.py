"""spread (and so speedup_table) reports the mean of the repeats instead of their median."""

from statistics import mean

from mini_vllm.bench_analysis import *
from mini_vllm.bench_analysis import _runs_by_arm
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_spread_is_median_min_max", "test_speedup_is_a_ratio_of_medians"]


def spread(samples):
    return Spread(mean(samples), min(samples), max(samples))


def speedup_table(results, arm, baseline="eager"):
    a, b = _runs_by_arm(results, arm), _runs_by_arm(results, baseline)
    rows = []
    for batch in sorted(a.keys() & b.keys()):
        sa, sb = spread(a[batch]), spread(b[batch])
        rows.append(SpeedupRow(batch, sa.median / sb.median, sa.low / sb.high, sa.high / sb.low))
    return rows
