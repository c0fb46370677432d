"""Bills back-to-back attentions as one launch, reading lab-06's shared island as a shared launch."""

import re

from mini_vllm import graph_simulator
from mini_vllm.capture_sizes import rung_for
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_piecewise_launches_counts_runs_not_gaps", "test_piecewise_launches_predicts_what_no_runner_could_run"]


def piecewise_launches(pattern, batches, capture_sizes=None):
    graph_simulator.piecewise_launches(pattern, batches, capture_sizes)  # the argument checks
    replay = len(re.findall("C+", pattern)) + len(re.findall("A+", pattern))
    seen, total = set(), 0
    for b in batches:
        rows = b if capture_sizes is None else rung_for(b, list(capture_sizes))
        if rows is not None and rows in seen:
            total += replay
        else:
            total += len(pattern)
            if rows is not None:
                seen.add(rows)
    return total
