"""Prices any ladder with the logged Padded column: the padding the old ladder cost, not this one's."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.graph_stats import padded_tokens as _padded_tokens
from mini_vllm.deployment.log_reader import *

CAUGHT_BY = ["test_padded_tokens_on_another_ladder"]


def padded_tokens(rows, ladder):
    _padded_tokens(rows, ladder)
    return sum((r.padded - r.unpadded) * r.count for r in rows if r.mode != "NONE")
