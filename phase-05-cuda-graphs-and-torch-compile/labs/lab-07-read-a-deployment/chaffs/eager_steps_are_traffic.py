"""Counts eager (NONE) steps as ladder traffic, as if a rung could have served them."""

from collections import Counter

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.graph_stats import graph_traffic as _graph_traffic
from mini_vllm.deployment.log_reader import *

CAUGHT_BY = ["test_graph_traffic_counts_the_steps_that_replayed_a_graph"]


def graph_traffic(rows):
    _graph_traffic(rows)
    counts = Counter()
    for r in rows:
        counts[r.unpadded] += r.count
    return dict(counts)
