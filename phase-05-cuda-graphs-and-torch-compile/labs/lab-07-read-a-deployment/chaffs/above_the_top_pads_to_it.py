"""Pads a step above the ladder's top rung down to the top instead of running it eagerly."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.graph_stats import padded_tokens as _padded_tokens
from mini_vllm.deployment.log_reader import *

CAUGHT_BY = ["test_padded_tokens_on_another_ladder"]


def padded_tokens(rows, ladder):
    base = _padded_tokens(rows, ladder)
    top = max(ladder)
    return base + sum((top - r.unpadded) * r.count for r in rows if r.mode != "NONE" and r.unpadded > top)
