"""Takes a pass's mode to be its whole bar label ("decode, FULL")."""

import dataclasses

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import parse_log as _parse_log

CAUGHT_BY = ["test_capture_passes"]


def parse_log(text):
    facts = _parse_log(text)
    facts.passes = [dataclasses.replace(p, mode=p.label) for p in facts.passes]
    return facts
