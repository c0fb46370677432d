"""Keeps only the last stats interval's table instead of summing every interval."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.graph_stats import graph_stats as _graph_stats
from mini_vllm.deployment.log_reader import *

CAUGHT_BY = ["test_graph_stats_sums_every_interval", "test_padded_tokens_on_the_deployments_own_ladder_is_what_vllm_measured"]


def graph_stats(text):
    if not isinstance(text, str):
        return _graph_stats(text)
    return _graph_stats(text[text.rfind("**CUDAGraph Config Settings:**"):])
