"""Decides the runner from the bars' wording: a V2 bar names no batch kind, so no bars means V1."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import parse_log as _parse_log

CAUGHT_BY = ["test_runner_is_stated_before_any_capture"]


def parse_log(text):
    facts = _parse_log(text)
    facts.runner = "v2" if facts.passes and "," not in facts.passes[0].label else "v1"
    return facts
