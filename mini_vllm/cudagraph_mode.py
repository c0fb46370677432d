"""The mode machinery: which kind of CUDA graph runs which kind of batch, and who decides.

A batch is either a uniform decode (every request adds the same few tokens, so attention's
metadata has a fixed shape per batch size) or mixed (prefills and decodes of ragged lengths).
`CUDAGraphMode` names a policy as a pair (mode for uniform decode, mode for mixed), and the
compile-time guards in `resolve_cudagraph_mode` shrink that policy to what the compiler and
the attention backend can actually support. The run-time half, picking one concrete mode per
batch, is `mini_vllm.cudagraph_dispatcher`.
upstream (0.22.1): vllm/config/compilation.py:37-103 (the enums),
vllm/config/compilation.py:1318 (resolve_cudagraph_mode_and_sizes), vllm/config/vllm.py:1118-1129
(the piecewise downgrade), vllm/v1/attention/backend.py:499-513 (AttentionCGSupport).
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from mini_vllm.checks import check_bool, check_int
from mini_vllm.vllm_versions import check_vllm_version


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
        return CUDAGraphMode(self.value[0]) if self.separate_routine() else self

    def mixed_mode(self) -> CUDAGraphMode:
        """The runtime mode for a mixed prefill-decode batch: the tuple's second half, or self."""
        return CUDAGraphMode(self.value[1]) if self.separate_routine() else self

    def has_mode(self, mode: CUDAGraphMode) -> bool:
        """Whether this policy ever runs batches in the runtime mode `mode`.

        FULL_DECODE_ONLY has NONE (its mixed batches run eagerly). Asking about a composite
        mode is a question with no answer: upstream asserts, this raises ValueError.
        """
        if not isinstance(mode, CUDAGraphMode):
            raise TypeError(f"mode must be a CUDAGraphMode, got {mode!r}")
        if mode.separate_routine():
            raise ValueError(f"mode must be a runtime mode (NONE, PIECEWISE or FULL), got the "
                             f"composite {mode.name}: ask about its decode_mode() or mixed_mode()")
        if self.separate_routine():
            return mode.value in self.value
        return self is mode

    def requires_piecewise_compilation(self) -> bool:
        """Whether some batch runs PIECEWISE, which needs VLLM_COMPILE's split at attention."""
        return self.has_mode(CUDAGraphMode.PIECEWISE)

    def max_cudagraph_mode(self) -> CUDAGraphMode:
        """The strongest runtime mode in the policy (FULL > PIECEWISE > NONE)."""
        return CUDAGraphMode(max(self.value)) if self.separate_routine() else self

    def has_full_cudagraphs(self) -> bool:
        """Whether any batch runs a FULL graph (then the whole model gets a FULL wrapper)."""
        return self.max_cudagraph_mode() is CUDAGraphMode.FULL

    def has_piecewise_cudagraphs(self) -> bool:
        """Whether any batch runs PIECEWISE graphs (then each compiled piece gets a wrapper)."""
        return self.requires_piecewise_compilation()

    def separate_routine(self) -> bool:
        """Whether decode and mixed batches are routed separately (a composite, tuple mode)."""
        return isinstance(self.value, tuple)

    @classmethod
    def valid_runtime_modes(cls) -> frozenset[CUDAGraphMode]:
        """The modes one batch can actually run in: NONE, PIECEWISE and FULL."""
        return frozenset({cls.NONE, cls.PIECEWISE, cls.FULL})

    def is_valid_runtime_mode(self) -> bool:
        """Whether this member can be the mode of a single forward pass (not a composite)."""
        return self in CUDAGraphMode.valid_runtime_modes()

    def __str__(self) -> str:
        """The member's name, as vLLM prints it in logs and progress bars."""
        return self.name

    def __bool__(self) -> bool:
        """NONE is falsy, so `if mode:` reads "are CUDA graphs on at all?"."""
        return self is not CUDAGraphMode.NONE


def parse_cudagraph_mode(cudagraph_mode: str | CUDAGraphMode) -> CUDAGraphMode:
    """A config value as a CUDAGraphMode: a member as is, a string by name, any case.

    upstream: vllm/config/compilation.py:847-853 (validate_cudagraph_mode_before, 0.22.1).
    """
    if isinstance(cudagraph_mode, CUDAGraphMode):
        return cudagraph_mode
    if not isinstance(cudagraph_mode, str):
        raise TypeError(f"cudagraph_mode must be a CUDAGraphMode or a str, got {cudagraph_mode!r}")
    name = cudagraph_mode.upper()  # no strip: 0.22.1 looks up value.upper() as it is
    # ASCII only: 'pıecewıse'.upper() is 'PIECEWISE', and a dotless ı is no mode name.
    if not cudagraph_mode.isascii() or name not in CUDAGraphMode.__members__:
        names = ", ".join(CUDAGraphMode.__members__)
        raise ValueError(f"cudagraph_mode {cudagraph_mode!r} is not a mode; allowed (any case): {names}")
    return CUDAGraphMode[name]


def _check_compilation_mode(value: CompilationMode | int) -> CompilationMode:
    """A CompilationMode or its int 0-3 as the member; TypeError for a non-int, ValueError past 3."""
    value = check_int(value, "compilation_mode", 0)
    if value > max(CompilationMode):
        names = ", ".join(f"{m.value} {m.name}" for m in CompilationMode)
        raise ValueError(f"compilation_mode must be 0-3 ({names}), got {value}")
    return CompilationMode(value)


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
    mode = parse_cudagraph_mode(cudagraph_mode)
    compilation = _check_compilation_mode(compilation_mode)
    if not isinstance(attention_support, AttentionCGSupport):
        raise TypeError(f"attention_support must be an AttentionCGSupport, got {attention_support!r}")
    check_vllm_version(vllm_version)
    enforce_eager = check_bool(enforce_eager, "enforce_eager")
    attention_in_splitting_ops = check_bool(attention_in_splitting_ops, "attention_in_splitting_ops")

    if enforce_eager:
        return CUDAGraphMode.NONE
    if mode.requires_piecewise_compilation() and compilation is not CompilationMode.VLLM_COMPILE:
        if vllm_version == "0.22.1":
            return CUDAGraphMode.NONE
        mode = _WITHOUT_PIECEWISE[mode]
    if mode is CUDAGraphMode.NONE or attention_support is AttentionCGSupport.ALWAYS:
        return mode

    attention_split = attention_in_splitting_ops and compilation is CompilationMode.VLLM_COMPILE
    never = attention_support is AttentionCGSupport.NEVER
    if mode.mixed_mode() is CUDAGraphMode.FULL:
        if never:  # vllm/config/compilation.py:1345-1351 (0.22.1)
            raise ValueError(f"cudagraph_mode {mode.name} replays mixed batches in full graphs, but "
                             f"the attention backend's support is {attention_support.name}: it runs "
                             f"in no full graph. Use PIECEWISE, or a backend that supports full graphs")
        # Mixed batches cannot replay a full graph; keep full graphs for uniform decode only.
        return (CUDAGraphMode.FULL_AND_PIECEWISE if attention_split
                else CUDAGraphMode.FULL_DECODE_ONLY)
    if mode.decode_mode() is CUDAGraphMode.FULL and never:
        return CUDAGraphMode.PIECEWISE if attention_split else CUDAGraphMode.NONE
    return mode


# 0.33.0's CUDAGraphMode.without_piecewise(): drop the half that needs the split at attention.
_WITHOUT_PIECEWISE = {CUDAGraphMode.PIECEWISE: CUDAGraphMode.NONE,
                      CUDAGraphMode.FULL_AND_PIECEWISE: CUDAGraphMode.FULL_DECODE_ONLY}


class Route(NamedTuple):
    """One row of the routing table: where a policy sends each kind of batch, and why."""

    mode: CUDAGraphMode
    decode: CUDAGraphMode
    mixed: CUDAGraphMode
    why: str


_WHY = {
    CUDAGraphMode.NONE: "no graphs: everything runs eagerly, launch by launch; always correct, "
    "and what enforce_eager gives you",
    CUDAGraphMode.PIECEWISE: "the compiled pieces between attention ops replay; attention runs "
    "eagerly, so ragged per-step metadata never has to fit a recording",
    CUDAGraphMode.FULL: "one graph for the whole forward, mixed batches included: safe only "
    "when the attention backend supports every batch shape (ALWAYS, e.g. FA3)",
    CUDAGraphMode.FULL_DECODE_ONLY: "uniform decode has fixed-shape attention metadata per "
    "batch size, so a full graph is safe; mixed batches run eagerly (no compile needed)",
    CUDAGraphMode.FULL_AND_PIECEWISE: "uniform decode replays one full graph (fewest launches); "
    "mixed batches replay the pieces and run attention live (vLLM's default at O2)",
}


def routing_table() -> list[Route]:
    """For every mode, in enum order: the runtime mode of a pure-decode and of a mixed batch.

    Decode batches follow decode_mode(), mixed batches mixed_mode(); `why` says why that
    choice is safe. Exercise 5 of the phase: compilation.py:65 (decode_mode, 0.22.1).
    """
    return [Route(m, m.decode_mode(), m.mixed_mode(), _WHY[m]) for m in CUDAGraphMode]
