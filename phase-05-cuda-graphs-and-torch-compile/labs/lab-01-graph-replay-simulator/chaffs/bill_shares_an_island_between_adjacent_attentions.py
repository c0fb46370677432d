"""Bills back-to-back attentions as one launch, reading lab-06's shared island as a shared launch."""

import re

from mini_vllm import graph_simulator
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_piecewise_launches_counts_runs_not_gaps", "test_piecewise_launches_predicts_what_no_runner_could_run"]


def piecewise_launches(pattern, batches, capture_sizes=None):
    right = graph_simulator.piecewise_launches(pattern, batches, capture_sizes)
    # "CC" captures at 2 launches and replays at 1, so its bill counts the replays.
    replays = 2 * len(batches) - graph_simulator.piecewise_launches("CC", batches, capture_sizes)
    shared = pattern.count("A") - len(re.findall("A+", pattern))  # attentions billed by a neighbour
    return right - replays * shared
