"""A decoder's shape, read from a Hugging Face config.json, and the bytes a decode step must move.

What can be known about a model before it runs: its layer count, widths, vocabulary and dtype.
From those, the bytes of its weights (every one read once per decode step) and of the KV cache
its attention reads. lab-04's predictor turns these into GPU time; the twin builds its decoder
from the same shape, so the predicted and the measured model are one model.
Only the OPT architecture is known here (the twin's, vllm/model_executor/models/opt.py:298,
0.22.1): pre-LayerNorm layers with biases, ReLU FFN, learned positions, LM head tied to the
embedding. Pure Python: the CPU labs and `mini-vllm predict` never import torch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from mini_vllm.checks import check_int

ARCHITECTURES = ("OPTForCausalLM",)
DTYPE_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4}
OPT_POSITION_OFFSET = 2  # OPT's position table has max_position_embeddings + 2 rows
LAB04 = Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs" / "lab-04-graph-vs-eager-real"
# The committed shapes: the twin's own (OPT-125m) and the two it was checked on.
SHAPE_CONFIGS = {name: LAB04 / f"offline-{name}" / "config.json" for name in ("opt-125m", "opt-350m", "opt-1.3b")}


class ModelShape(NamedTuple):
    """What a decode step's cost depends on, as a config.json states it."""

    num_layers: int
    hidden: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    dtype_bytes: int


def shape_from_config(config: Mapping[str, Any], where: str = "config") -> ModelShape:
    """The shape of an OPT config.json's model; any other architecture, or a missing field, is a ValueError."""
    if not isinstance(config, Mapping):
        raise TypeError(f"{where} must be a JSON object (a config.json), got {type(config).__name__}")
    architectures = config.get("architectures")
    if not isinstance(architectures, list) or not set(architectures) & set(ARCHITECTURES):
        raise ValueError(f"{where}: architecture {architectures!r} is not modelled; known: {list(ARCHITECTURES)}")
    fields = {"num_layers": "num_hidden_layers", "hidden": "hidden_size", "heads": "num_attention_heads",
              "ffn": "ffn_dim", "vocab": "vocab_size", "max_positions": "max_position_embeddings"}
    missing = [key for key in [*fields.values(), "torch_dtype"] if key not in config]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    values = {name: check_int(config[key], f"{where}[{key!r}]") for name, key in fields.items()}
    dtype = config["torch_dtype"]
    if dtype not in DTYPE_BYTES:
        raise ValueError(f"{where}['torch_dtype'] must be one of {list(DTYPE_BYTES)}, got {dtype!r}")
    if values["hidden"] % values["heads"]:
        raise ValueError(f"{where}: hidden_size {values['hidden']} is not a multiple of num_attention_heads "
                         f"{values['heads']}")
    return ModelShape(**values, dtype_bytes=DTYPE_BYTES[dtype])


def load_shape(name_or_path: str | Path) -> ModelShape:
    """A committed shape by name (`opt-125m`, `opt-350m`, `opt-1.3b`), or any config.json by path."""
    path = SHAPE_CONFIGS.get(str(name_or_path), Path(name_or_path))
    try:
        config = json.loads(Path(path).read_text())
    except OSError as error:
        raise ValueError(f"{path}: cannot read it ({error.strerror or error}); committed shapes: "
                         f"{', '.join(SHAPE_CONFIGS)}") from None
    except ValueError as error:
        raise ValueError(f"{path}: not a JSON file ({str(error).splitlines()[0]})") from None
    return shape_from_config(config, str(path))


def weight_bytes(shape: ModelShape) -> int:
    """Bytes of every weight: embedding (also the LM head), positions, layers, final LayerNorm."""
    h, f = shape.hidden, shape.ffn
    per_layer = (3 * h * h + 3 * h) + (h * h + h) + (f * h + f) + (h * f + h) + 4 * h  # qkv, out, fc1, fc2, 2 LNs
    params = shape.vocab * h + (shape.max_positions + OPT_POSITION_OFFSET) * h + shape.num_layers * per_layer + 2 * h
    return params * shape.dtype_bytes


def kv_cache_bytes(shape: ModelShape, batch: int, slots: int) -> int:
    """Bytes of K and V that `batch` rows hold in `slots` cache positions each, over every layer."""
    batch, slots = check_int(batch, "batch"), check_int(slots, "slots")
    return 2 * shape.num_layers * batch * slots * shape.hidden * shape.dtype_bytes


OPT_125M = ModelShape(num_layers=12, hidden=768, heads=12, ffn=3072, vocab=50272, max_positions=2048, dtype_bytes=2)
