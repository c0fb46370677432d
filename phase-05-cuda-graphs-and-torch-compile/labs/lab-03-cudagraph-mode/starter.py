"""Lab 03: the CUDAGraphMode dispatch. Your work goes here.

Fill in every body that raises NotImplementedError; README.md walks you through it. The enums'
members, BatchDescriptor and Route are given: you write the behaviour.
Grade yourself: LAB_IMPL=starter pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-03-cudagraph-mode -q
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "AttentionCGSupport",
    "BatchDescriptor",
    "CUDAGraphMode",
    "CompilationMode",
    "CudagraphDispatcher",
    "Route",
    "capture_log",
    "largest_full_decode",
    "parse_cudagraph_mode",
    "resolve_cudagraph_mode",
    "routing_table",
]


class CompilationMode(enum.IntEnum):
    """How much of torch.compile runs. Only VLLM_COMPILE splits the graph at attention.

    The split is what makes PIECEWISE CUDA graphs possible: each compiled piece between two
    attention ops becomes its own small graph. upstream: vllm/config/compilation.py:37 (0.22.1).
    """

    NONE = 0
    STOCK_TORCH_COMPILE = 1
    DYNAMO_TRACE_ONCE = 2
    VLLM_COMPILE = 3


class AttentionCGSupport(enum.Enum):
    """How much of a FULL graph an attention backend survives (higher supports more).

    ALWAYS: mixed batches too (FA3). UNIFORM_BATCH: batches whose query lengths are all equal
    (FA2). UNIFORM_SINGLE_TOKEN_DECODE: pure one-token decode only. NEVER: no full graphs.
    upstream: vllm/v1/attention/backend.py:499-513 (0.22.1).
    """

    ALWAYS = 3
    UNIFORM_BATCH = 2
    UNIFORM_SINGLE_TOKEN_DECODE = 1
    NEVER = 0


class CUDAGraphMode(enum.Enum):
    """A CUDA-graph policy. NONE, PIECEWISE and FULL are also the modes a single batch runs in.

    A composite value is the tuple (mode for uniform-decode batches, mode for mixed batches):
    FULL_DECODE_ONLY = (FULL, NONE), FULL_AND_PIECEWISE = (FULL, PIECEWISE). Inside the class
    body FULL, NONE and PIECEWISE are still the plain ints 2, 0, 1, so the tuples hold ints.
    A plain Enum, not an IntEnum: FULL_DECODE_ONLY must never compare equal to FULL.
    upstream: vllm/config/compilation.py:53-103 (0.22.1).
    """

    NONE = 0
    PIECEWISE = 1
    FULL = 2
    FULL_DECODE_ONLY = (FULL, NONE)
    FULL_AND_PIECEWISE = (FULL, PIECEWISE)

    def decode_mode(self) -> CUDAGraphMode:
        """The runtime mode for a uniform-decode batch: the tuple's first half, or self."""
        raise NotImplementedError("lab-03: CUDAGraphMode.decode_mode — see README §1")

    def mixed_mode(self) -> CUDAGraphMode:
        """The runtime mode for a mixed prefill-decode batch: the tuple's second half, or self."""
        raise NotImplementedError("lab-03: CUDAGraphMode.mixed_mode — see README §1")

    def has_mode(self, mode: CUDAGraphMode) -> bool:
        """Whether this policy ever runs batches in the runtime mode `mode`.

        FULL_DECODE_ONLY has NONE (its mixed batches run eagerly). Asking about a composite
        mode is a question with no answer: upstream asserts, this raises ValueError.
        """
        raise NotImplementedError("lab-03: CUDAGraphMode.has_mode — see README §1")

    def requires_piecewise_compilation(self) -> bool:
        """Whether some batch runs PIECEWISE, which needs VLLM_COMPILE's split at attention."""
        raise NotImplementedError("lab-03: CUDAGraphMode.requires_piecewise_compilation — see README §1")

    def max_cudagraph_mode(self) -> CUDAGraphMode:
        """The strongest runtime mode in the policy (FULL > PIECEWISE > NONE)."""
        raise NotImplementedError("lab-03: CUDAGraphMode.max_cudagraph_mode — see README §1")

    def has_full_cudagraphs(self) -> bool:
        """Whether any batch runs a FULL graph (then the whole model gets a FULL wrapper)."""
        raise NotImplementedError("lab-03: CUDAGraphMode.has_full_cudagraphs — see README §1")

    def has_piecewise_cudagraphs(self) -> bool:
        """Whether any batch runs PIECEWISE graphs (then each compiled piece gets a wrapper)."""
        raise NotImplementedError("lab-03: CUDAGraphMode.has_piecewise_cudagraphs — see README §1")

    def separate_routine(self) -> bool:
        """Whether decode and mixed batches are routed separately (a composite, tuple mode)."""
        raise NotImplementedError("lab-03: CUDAGraphMode.separate_routine — see README §1")

    @classmethod
    def valid_runtime_modes(cls) -> frozenset[CUDAGraphMode]:
        """The modes one batch can actually run in: NONE, PIECEWISE and FULL."""
        raise NotImplementedError("lab-03: CUDAGraphMode.valid_runtime_modes — see README §1")

    def is_valid_runtime_mode(self) -> bool:
        """Whether this member can be the mode of a single forward pass (not a composite)."""
        raise NotImplementedError("lab-03: CUDAGraphMode.is_valid_runtime_mode — see README §1")

    def __str__(self) -> str:
        """The member's name, as vLLM prints it in logs and progress bars."""
        raise NotImplementedError("lab-03: CUDAGraphMode.__str__ — see README §1")

    def __bool__(self) -> bool:
        """NONE is falsy, so `if mode:` reads "are CUDA graphs on at all?"."""
        raise NotImplementedError("lab-03: CUDAGraphMode.__bool__ — see README §1")


def parse_cudagraph_mode(cudagraph_mode: str | CUDAGraphMode) -> CUDAGraphMode:
    """A config value as a CUDAGraphMode: a member as is, a string by name, any case.

    upstream: vllm/config/compilation.py:847-853 (validate_cudagraph_mode_before, 0.22.1).
    """
    raise NotImplementedError("lab-03: parse_cudagraph_mode — see README §2")


def resolve_cudagraph_mode(
    cudagraph_mode: str | CUDAGraphMode,
    compilation_mode: CompilationMode | int,
    *,
    enforce_eager: bool = False,
    attention_support: AttentionCGSupport = AttentionCGSupport.ALWAYS,
    attention_in_splitting_ops: bool = True,
    vllm_version: str = "0.22.1",
) -> CUDAGraphMode:
    """The mode vLLM ends up with, after its compile-time guards (no speculative decoding).

    In order:
    1. enforce_eager turns every graph off (vllm/config/vllm.py:1032-1038).
    2. A mode with PIECEWISE batches needs VLLM_COMPILE's split at attention; without it
       0.22.1 drops straight to NONE, even FULL_AND_PIECEWISE (vllm.py:1118-1129). 0.33.0
       keeps what needs no split: PIECEWISE -> NONE, FULL_AND_PIECEWISE -> FULL_DECODE_ONLY
       (vllm/config/compilation.py:80-85, 0.33.0), and goes on to rule 3.
    3. The attention backend's support (compilation.py:1318-1387). Attention counts as split
       out only under VLLM_COMPILE, since other modes split nothing (compilation.py:1104-1107).
       - FULL (mixed batches in full graphs) with support below ALWAYS: NEVER is an error;
         otherwise FULL_AND_PIECEWISE if attention is split out, else FULL_DECODE_ONLY.
       - Full decode graphs with NEVER: PIECEWISE if attention is split out, else NONE.
    `attention_in_splitting_ops` stands for splitting_ops_contain_attention()
    (compilation.py:1226-1229); the separate rules for a user-emptied splitting_ops list
    (compilation.py:1142-1167) are left out.
    """
    raise NotImplementedError("lab-03: resolve_cudagraph_mode — see README §3")


class Route(NamedTuple):
    """One row of the routing table: where a policy sends each kind of batch, and why."""

    mode: CUDAGraphMode
    decode: CUDAGraphMode
    mixed: CUDAGraphMode
    why: str


def routing_table() -> list[Route]:
    """For every mode, in enum order: the runtime mode of a pure-decode and of a mixed batch.

    Decode batches follow decode_mode(), mixed batches mixed_mode(); `why` says why that
    choice is safe. Exercise 5 of the phase: compilation.py:65 (decode_mode, 0.22.1).
    """
    raise NotImplementedError("lab-03: routing_table — see README §4")


@dataclass(frozen=True)
class BatchDescriptor:
    """The key of one captured graph (frozen, so hashable).

    num_reqs=None means "any number of requests": PIECEWISE graphs never see attention
    metadata, so only the token count shapes them. A FULL graph bakes attention in, so its
    key pins num_reqs and whether the batch is a uniform decode. LoRA is modelled only as
    the has_lora flag; 0.22.1 also carries num_active_loras (forward_context.py:51).
    """

    num_tokens: int
    num_reqs: int | None = None
    uniform: bool = False
    has_lora: bool = False


class CudagraphDispatcher:
    """Picks (runtime mode, padded key) for each batch, from keys built once per policy.

    The keys are the graphs start-up captures: mixed keys under the policy's mixed mode,
    relaxed for PIECEWISE (which never sees attention) and exact for FULL; uniform-decode
    keys only for the composite modes, and only for decodes that can happen (<= max_num_seqs
    requests). `keys` holds them by runtime mode, for printing. With q > 1 (speculative
    decoding) the sizes must be multiples of q, as vLLM rounds them (compilation.py:1428-1435).
    """

    def __init__(
        self,
        cudagraph_mode: str | CUDAGraphMode,
        capture_sizes: Sequence[int],
        max_num_seqs: int,
        uniform_decode_query_len: int = 1,
    ) -> None:
        # Keep the mode, the sizes, max_num_seqs and q, and build the keys of README §5 once.
        # Padding is lab-05's rule: lab_module("lab-05").padded_size (mini_vllm.lab_code), or your own.
        raise NotImplementedError("lab-03: CudagraphDispatcher.__init__ — see README §5")

    def dispatch(
        self,
        num_tokens: int,
        uniform_decode: bool = False,
        has_lora: bool = False,
        invalid_modes: Iterable[CUDAGraphMode] | None = None,
    ) -> tuple[CUDAGraphMode, BatchDescriptor]:
        """The runtime mode and key for one batch; NONE comes with the unpadded descriptor.

        Above the top rung, or under mode NONE, nothing is padded and the batch runs eagerly.
        Otherwise pad to the rung and try the exact FULL key, then the relaxed PIECEWISE key
        (num_reqs=None, uniform=False), then NONE. `invalid_modes` removes runtime modes for
        this batch: {FULL} for cascade attention, whose metadata no full graph holds.
        `uniform_decode` only matters for the composite modes (the others have one routine).
        upstream: vllm/v1/cudagraph_dispatcher.py:239-328 (0.22.1).
        """
        raise NotImplementedError("lab-03: CudagraphDispatcher.dispatch — see README §6")

    def capture_descs(self) -> list[tuple[CUDAGraphMode, list[BatchDescriptor]]]:
        """What start-up captures, in order: PIECEWISE keys then FULL keys, each largest first.

        Largest first, so the smaller graphs reuse the big one's memory from the shared pool.
        Modes with no keys are left out. upstream: vllm/v1/cudagraph_dispatcher.py:330-354.
        """
        raise NotImplementedError("lab-03: CudagraphDispatcher.capture_descs — see README §7")


def largest_full_decode(
    cudagraph_mode: str | CUDAGraphMode,
    compilation_mode: CompilationMode | int,
    capture_sizes: Sequence[int],
    max_num_seqs: int,
    *,
    attention_support: AttentionCGSupport = AttentionCGSupport.ALWAYS,
    uniform_decode_query_len: int = 1,
    vllm_version: str = "0.22.1",
) -> int | None:
    """The most requests a uniform decode can hold and still replay a FULL graph, or None.

    The question a deployment asks of the whole machinery at once: the guards decide which
    graphs exist, the keys which sizes they cover, padding which key a decode looks up.
    """
    raise NotImplementedError("lab-03: largest_full_decode — see README §8")


def capture_log(
    cudagraph_mode: str | CUDAGraphMode,
    capture_sizes: Sequence[int],
    max_num_seqs: int,
    *,
    runner: str = "v1",
    vllm_version: str = "0.22.1",
) -> list[str]:
    """The progress bars vLLM prints while capturing: one line per pass, in order.

    runner="v1" (the model runner most models use in 0.22.1): each line reads
    "Capturing CUDA graphs (<kind>, <MODE>): 100%|██████████| n/n", kind "decode" when the
    pass captures uniform-decode keys, else "mixed prefill-decode".
    upstream: vllm/v1/worker/gpu_model_runner.py:6515-6522 (0.22.1).
    runner="v2" (Model Runner V2, the default from 0.33.0): the same passes and counts, named
    by mode alone, "Capturing CUDA graphs (<MODE>): 100%|██████████| n/n".
    upstream: vllm/v1/worker/gpu/cudagraph_utils.py:215 (0.22.1). Mode NONE captures nothing: [].
    At vllm_version="0.33.0" V2 first captures every pass once to measure graph memory, its
    FULL pass cut to the two largest graphs, then captures for real: the bars of that
    profiling run come first (vllm/v1/worker/gpu/cudagraph_utils.py:995-1000, 0.33.0).
    """
    raise NotImplementedError("lab-03: capture_log — see README §7")
