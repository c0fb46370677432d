"""The simulator's toy decoder: each of its ops is its own function, named for its place."""

from __future__ import annotations

from mini_vllm.numpy_decoder import numpy_decoder_ops


def test_every_op_is_a_distinct_function_with_its_own_name():
    ops, _ = numpy_decoder_ops(3)
    assert len({id(op) for op in ops}) == len(ops), "an op listed twice would be renamed by its second place"
    assert [op.__name__ for op in ops[:10]] == [
        "norm_0a", "qkv_0", "attention_0", "out_proj_0", "residual_0a",
        "norm_0b", "up_0", "act_0", "down_0", "residual_0b"]
    assert len({op.__name__ for op in ops}) == len(ops)
