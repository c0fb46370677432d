"""Reports the graphs captured so far for a log that ends before the engine is ready."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import graphs_held as _graphs_held

CAUGHT_BY = ["test_graphs_held_is_none_before_start_up_completes"]


def graphs_held(text):
    held = _graphs_held(text)
    return parse_log(text).graphs_captured if held is None else held
