"""A tiny decoder for the piecewise compile lab, and the attention op it splits at.

Attention is registered as a real custom op, `minivllm::attention`, so a traced FX graph holds
it as one opaque call_function node, exactly how vLLM's `vllm::unified_attention_with_output`
appears in the graphs its backend splits (facts §8.1). Everything else is plain torch ops that
Dynamo traces through: an RMSNorm written out op by op, linear layers, SiLU, residual adds.
upstream: the Attention layer in vllm/model_executor/layers/attention/attention.py emits it;
the default splitting ops are set at vllm/config/compilation.py:1121 (0.22.1).

Importing this module imports torch and registers the op; nothing on the CPU path imports it.
"""

from __future__ import annotations

import torch
from torch import nn

from mini_vllm.checks import check_int


@torch.library.custom_op("minivllm::attention", mutates_args=())
def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Causal self-attention over the rows of q, k, v ([tokens, hidden]); opaque to the compiler."""
    tokens, hidden = q.shape
    q, k, v = (t.reshape(tokens, num_heads, hidden // num_heads).transpose(0, 1) for t in (q, k, v))
    out = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    return out.transpose(0, 1).reshape(tokens, hidden)


@attention.register_fake
def _attention_shape(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, num_heads: int) -> torch.Tensor:
    return torch.empty_like(q)


class RMSNorm(nn.Module):
    """x / rms(x) * weight, written as separate ops so the graph shows what Inductor can fuse."""

    def __init__(self, hidden: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class DecoderLayer(nn.Module):
    """Pre-norm attention block then pre-norm SiLU MLP, each with a residual add."""

    def __init__(self, hidden: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.attn_norm = RMSNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.mlp_norm = RMSNorm(hidden)
        self.up = nn.Linear(hidden, 4 * hidden)
        self.down = nn.Linear(4 * hidden, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(self.attn_norm(x)).chunk(3, dim=-1)
        x = x + self.out(torch.ops.minivllm.attention(q, k, v, self.num_heads))
        return x + self.down(nn.functional.silu(self.up(self.mlp_norm(x))))


class SplittableDecoder(nn.Module):
    """`num_layers` decoder layers and a final norm, on hidden states of shape [tokens, hidden]."""

    def __init__(self, num_layers: int, hidden: int, num_heads: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(DecoderLayer(hidden, num_heads) for _ in range(num_layers))
        self.norm = RMSNorm(hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


def splittable_decoder(num_layers: int = 2, hidden: int = 32, num_heads: int = 4, seed: int = 0) -> SplittableDecoder:
    """A seeded SplittableDecoder in eval mode: the same weights in every process for the same seed."""
    for name, value in (("num_layers", num_layers), ("hidden", hidden), ("num_heads", num_heads)):
        check_int(value, name)
    if hidden % num_heads:
        raise ValueError(f"hidden ({hidden}) must be a multiple of num_heads ({num_heads})")
    torch.manual_seed(seed)
    return SplittableDecoder(num_layers, hidden, num_heads).eval()
