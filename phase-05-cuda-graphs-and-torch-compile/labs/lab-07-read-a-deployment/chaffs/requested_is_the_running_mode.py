"""Reports the config line's mode as the requested one, whether or not a guard changed it."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import parse_log as _parse_log

CAUGHT_BY = ["test_requested_mode_only_when_a_guard_changed_it"]


def parse_log(text):
    facts = _parse_log(text)
    facts.requested_cudagraph_mode = facts.requested_cudagraph_mode or facts.cudagraph_mode
    return facts
