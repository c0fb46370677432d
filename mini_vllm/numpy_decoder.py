"""A toy decoder for the CPU simulator: numpy ops shaped like one transformer layer.

Each layer is ten ops (norm, qkv, attention, out-proj, residual, norm, up, act, down,
residual); attention is the splitting op. The numbers are meaningless; the op count and
where attention sits are what the launch accounting needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from mini_vllm.checks import check_int

if TYPE_CHECKING:  # a type only: building the ops needs no lab-01 answer (the student release has none)
    from mini_vllm.graph_simulator import Op

#: The width of every activation: an input to these ops is (batch, HIDDEN).
HIDDEN = 16


def _named(name: str, fn: Op) -> Op:
    fn.__name__ = fn.__qualname__ = name
    return fn


def numpy_decoder_ops(num_layers: int) -> tuple[list[Op], Callable[[Op], bool]]:
    """Ops for `num_layers` layers, and the predicate that picks out the attention ops."""
    num_layers = check_int(num_layers, "num_layers")
    rng = np.random.default_rng(0)  # fixed weights: the same model on every call

    def weight() -> np.ndarray:
        return rng.standard_normal((HIDDEN, HIDDEN)) * HIDDEN**-0.5

    def norm(x: np.ndarray) -> np.ndarray:
        return (x - x.mean(-1, keepdims=True)) / (x.std(-1, keepdims=True) + 1e-5)

    attention_ops: set[int] = set()
    ops: list[Op] = []
    for layer in range(num_layers):
        w_qkv, w_out, w_up, w_down = weight(), weight(), weight(), weight()
        attention = _named(f"attention_{layer}", lambda x: np.tanh(x) + x)
        attention_ops.add(id(attention))
        ops += [
            _named(f"norm_{layer}a", lambda x: norm(x)),  # one function per op, one name each
            _named(f"qkv_{layer}", lambda x, w=w_qkv: x @ w),
            attention,
            _named(f"out_proj_{layer}", lambda x, w=w_out: x @ w),
            _named(f"residual_{layer}a", lambda x: x + 1.0),
            _named(f"norm_{layer}b", lambda x: norm(x)),
            _named(f"up_{layer}", lambda x, w=w_up: x @ w),
            _named(f"act_{layer}", lambda x: np.maximum(x, 0.0)),
            _named(f"down_{layer}", lambda x, w=w_down: x @ w),
            _named(f"residual_{layer}b", lambda x: x * 0.5),
        ]
    return ops, lambda op: id(op) in attention_ops
