"""Adds up the graphs of every engine in the log: three engines of 102 graphs read as 306."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import _text, read
from mini_vllm.deployment.log_reader import graphs_held as _graphs_held

CAUGHT_BY = ["test_graphs_held"]


def graphs_held(text):
    held = _graphs_held(text)
    return None if held is None else sum(read(_text(text)).held.values())
