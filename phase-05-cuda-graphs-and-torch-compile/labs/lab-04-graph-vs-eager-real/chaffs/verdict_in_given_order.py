"""claims_verdict judges the rows in the order given instead of sorting them by batch."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_verdict_orders_rows_by_batch"]


def claims_verdict(rows, tolerance=0.02):
    first = rows[0].speedup
    return Verdict(
        biggest_at_smallest_batch=all(r.speedup <= first * (1 + tolerance) for r in rows),
        fades=all(b.speedup <= a.speedup * (1 + tolerance) for a, b in zip(rows, rows[1:])),
        never_inverts=all(r.speedup >= 1 - tolerance for r in rows),
    )
