"""count_ops counts every node, placeholders, get_attr and output included."""

from mini_vllm.compilation import *

CAUGHT_BY = ["test_count_ops_counts_function_and_method_calls", "test_count_ops_on_the_decoder"]


def count_ops(gm):
    return len(gm.graph.nodes)
