"""An OPT-125m-shaped decoder whose decode step can be captured in a CUDA graph.

A graph replays fixed kernels on fixed addresses, so the step must have static shapes and
never wait on the CPU. Three choices make that true here, the same three vLLM makes:
- the KV cache is preallocated once (per layer `[max_batch, max_seq_len, heads, head_dim]`)
  and a step writes its new key/value *by index* (`index_put_` at the row's position), never
  by growing a tensor;
- the position is a device tensor, so the attention mask is computed on the GPU; attention
  always spans the whole cache and the mask hides the slots not written yet;
- the next token is a greedy `argmax` on the GPU; nothing calls `.item()` or `.tolist()`.

The weights are random fp16 (the speed of a step does not depend on their values). The shape
is OPT-125m's: 12 pre-LayerNorm layers, hidden 768, 12 heads, FFN 3072 with ReLU, learned
positions offset by 2, vocab 50272, LM head tied to the embedding.
upstream: vllm/model_executor/models/opt.py:298 (OPTModel, 0.22.1); the static-buffer
discipline is what vllm/compilation/cuda_graph.py:233 (CUDAGraphWrapper.__call__) relies on.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from mini_vllm.checks import check_int

OPT_POSITION_OFFSET = 2  # OPT's learned position table starts at index 2 (a fairseq legacy)


@dataclass(frozen=True)
class DecoderConfig:
    """The decoder's shape; the defaults are OPT-125m's."""

    num_layers: int = 12
    hidden: int = 768
    heads: int = 12
    ffn: int = 3072
    vocab: int = 50272
    max_positions: int = 2048

    def __post_init__(self) -> None:
        for name in ("num_layers", "hidden", "heads", "ffn", "vocab", "max_positions"):
            check_int(getattr(self, name), name)
        if self.hidden % self.heads:
            raise ValueError(f"hidden ({self.hidden}) must be a multiple of heads ({self.heads})")

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads


class OptLayer(nn.Module):
    """One pre-LayerNorm decoder layer and its slice of the static KV cache."""

    def __init__(self, config: DecoderConfig, max_batch: int, max_seq_len: int, normal, const) -> None:
        super().__init__()
        h, f = config.hidden, config.ffn
        self.ln1_w, self.ln1_b = const(1.0, h), const(0.0, h)
        self.qkv_w, self.qkv_b = normal(3 * h, h), normal(3 * h)
        self.out_w, self.out_b = normal(h, h), normal(h)
        self.ln2_w, self.ln2_b = const(1.0, h), const(0.0, h)
        self.fc1_w, self.fc1_b = normal(f, h), normal(f)
        self.fc2_w, self.fc2_b = normal(h, f), normal(h)
        # One buffer per layer, written in place: a mutated *view* of one stacked cache would make
        # torch.compile copy the whole cache back every step.
        shape = (max_batch, max_seq_len, config.heads, config.head_dim)
        device, dtype = self.ln1_w.device, self.ln1_w.dtype
        self.register_buffer("k_cache", torch.zeros(shape, device=device, dtype=dtype), persistent=False)
        self.register_buffer("v_cache", torch.zeros(shape, device=device, dtype=dtype), persistent=False)


class CapturableOptDecoder(nn.Module):
    """OPT-125m's decode step with a static KV cache: `step(tokens, positions) -> next tokens`.

    Row i of a batch owns row i of every layer's cache (`layers[l].k_cache`, `.v_cache`, each
    `[max_batch, max_seq_len, heads, head_dim]`). `tokens` and `positions` are int64 device
    tensors of shape [batch]; the step writes each row's key and value at its position, attends
    over the whole cache with a mask `slot <= position`, and returns the greedy next token of
    every row (int64, [batch]). Rows never interact, so a padded row changes nothing in the others.
    """

    def __init__(
        self,
        config: DecoderConfig | None = None,
        *,
        max_batch: int = 256,
        max_seq_len: int = 256,
        device: str | torch.device = "cuda",
        dtype: torch.dtype = torch.float16,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.config = config = config or DecoderConfig()
        check_int(max_batch, "max_batch")
        check_int(max_seq_len, "max_seq_len")
        if max_seq_len > config.max_positions:
            raise ValueError(f"max_seq_len ({max_seq_len}) must be <= max_positions ({config.max_positions})")
        self.max_batch, self.max_seq_len = max_batch, max_seq_len
        gen = torch.Generator(device="cpu").manual_seed(seed)

        def normal(*shape: int) -> nn.Parameter:
            w = torch.randn(*shape, generator=gen) * 0.02
            return nn.Parameter(w.to(device=device, dtype=dtype), requires_grad=False)

        def const(value: float, *shape: int) -> nn.Parameter:
            return nn.Parameter(torch.full(shape, value, device=device, dtype=dtype), requires_grad=False)

        self.embed = normal(config.vocab, config.hidden)  # also the LM head (tied, as in OPT)
        self.pos_embed = normal(config.max_positions + OPT_POSITION_OFFSET, config.hidden)
        self.layers = nn.ModuleList(
            OptLayer(config, max_batch, max_seq_len, normal, const) for _ in range(config.num_layers))
        self.final_ln_w, self.final_ln_b = const(1.0, config.hidden), const(0.0, config.hidden)
        # Index helpers, allocated once so the step allocates nothing it must keep.
        self.register_buffer("rows", torch.arange(max_batch, device=device), persistent=False)
        self.register_buffer("slots", torch.arange(max_seq_len, device=device), persistent=False)

    def weight_bytes(self) -> int:
        """Bytes of weights one decode step must read at least once (the HBM floor's numerator)."""
        return sum(p.numel() * p.element_size() for p in self.parameters())

    def forward(self, tokens: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        return self.step(tokens, positions)

    def step(self, tokens: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """One decode step for `len(tokens)` rows: write the cache, attend, return argmax tokens."""
        cfg = self.config
        batch = tokens.shape[0]
        rows = self.rows[:batch]
        # [batch, 1, 1, slots], additive: 0 where a row may attend to a slot, -inf past its position.
        visible = self.slots[None, :] <= positions[:, None]
        mask = torch.zeros(visible.shape, dtype=self.embed.dtype, device=tokens.device)
        mask = mask.masked_fill(~visible, float("-inf"))[:, None, None, :]
        x = F.embedding(tokens, self.embed) + F.embedding(positions + OPT_POSITION_OFFSET, self.pos_embed)
        for layer in self.layers:
            residual = x
            x = F.layer_norm(x, (cfg.hidden,), layer.ln1_w, layer.ln1_b)
            q, k, v = F.linear(x, layer.qkv_w, layer.qkv_b).split(cfg.hidden, dim=-1)
            layer.k_cache.index_put_((rows, positions), k.view(batch, cfg.heads, cfg.head_dim))
            layer.v_cache.index_put_((rows, positions), v.view(batch, cfg.heads, cfg.head_dim))
            attn = F.scaled_dot_product_attention(
                q.view(batch, cfg.heads, 1, cfg.head_dim),
                layer.k_cache[:batch].transpose(1, 2),  # [batch, heads, slots, head_dim]
                layer.v_cache[:batch].transpose(1, 2),
                attn_mask=mask,
            )
            x = residual + F.linear(attn.view(batch, cfg.hidden), layer.out_w, layer.out_b)
            residual = x
            x = F.layer_norm(x, (cfg.hidden,), layer.ln2_w, layer.ln2_b)
            x = residual + F.linear(F.relu(F.linear(x, layer.fc1_w, layer.fc1_b)), layer.fc2_w, layer.fc2_b)
        x = F.layer_norm(x, (cfg.hidden,), self.final_ln_w, self.final_ln_b)
        return F.linear(x, self.embed).argmax(dim=-1)
