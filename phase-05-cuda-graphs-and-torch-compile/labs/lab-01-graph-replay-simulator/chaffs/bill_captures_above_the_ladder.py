"""Lets a batch above the top rung capture a graph of its own size, so its next call replays."""

import re

from mini_vllm import graph_simulator
from mini_vllm.capture_sizes import rung_for
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_piecewise_launches_with_a_ladder", "test_piecewise_launches_predicts_what_no_runner_could_run"]


def piecewise_launches(pattern, batches, capture_sizes=None):
    graph_simulator.piecewise_launches(pattern, batches, capture_sizes)  # the argument checks
    replay = len(re.findall("C+", pattern)) + pattern.count("A")
    seen, total = set(), 0
    for b in batches:
        rows = b if capture_sizes is None else (rung_for(b, list(capture_sizes)) or b)
        total += replay if rows in seen else len(pattern)
        seen.add(rows)
    return total
