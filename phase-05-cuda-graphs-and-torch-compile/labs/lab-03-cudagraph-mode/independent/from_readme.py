"""Lab 03, solved from the README and starter.py alone (never from mini_vllm).

An instructor-check witness: a correct implementation written the way a student would, so the
tests are shown to accept a design other than the reference's.
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
        return self._halves()[0]

    def mixed_mode(self) -> CUDAGraphMode:
        """The runtime mode for a mixed prefill-decode batch: the tuple's second half, or self."""
        return self._halves()[1]

    def _halves(self) -> tuple[CUDAGraphMode, CUDAGraphMode]:
        if isinstance(self.value, tuple):
            return CUDAGraphMode(self.value[0]), CUDAGraphMode(self.value[1])
        return self, self

    def has_mode(self, mode: CUDAGraphMode) -> bool:
        """Whether this policy ever runs batches in the runtime mode `mode`.

        FULL_DECODE_ONLY has NONE (its mixed batches run eagerly). Asking about a composite
        mode is a question with no answer: upstream asserts, this raises ValueError.
        """
        if not isinstance(mode, CUDAGraphMode):
            raise TypeError(f"mode must be a CUDAGraphMode, got {mode!r}")
        if isinstance(mode.value, tuple):
            raise ValueError(f"has_mode asks about a runtime mode, got the composite {mode.name}")
        return mode in self._halves()

    def requires_piecewise_compilation(self) -> bool:
        """Whether some batch runs PIECEWISE, which needs VLLM_COMPILE's split at attention."""
        return self.has_piecewise_cudagraphs()

    def max_cudagraph_mode(self) -> CUDAGraphMode:
        """The strongest runtime mode in the policy (FULL > PIECEWISE > NONE)."""
        return max(self._halves(), key=lambda m: m.value)

    def has_full_cudagraphs(self) -> bool:
        """Whether any batch runs a FULL graph (then the whole model gets a FULL wrapper)."""
        return CUDAGraphMode.FULL in self._halves()

    def has_piecewise_cudagraphs(self) -> bool:
        """Whether any batch runs PIECEWISE graphs (then each compiled piece gets a wrapper)."""
        return CUDAGraphMode.PIECEWISE in self._halves()

    def separate_routine(self) -> bool:
        """Whether decode and mixed batches are routed separately (a composite, tuple mode)."""
        return isinstance(self.value, tuple)

    @classmethod
    def valid_runtime_modes(cls) -> frozenset[CUDAGraphMode]:
        """The modes one batch can actually run in: NONE, PIECEWISE and FULL."""
        return frozenset({cls.NONE, cls.PIECEWISE, cls.FULL})

    def is_valid_runtime_mode(self) -> bool:
        """Whether this member can be the mode of a single forward pass (not a composite)."""
        return not self.separate_routine()

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
        raise TypeError(f"cudagraph_mode must be a str or a CUDAGraphMode, got {type(cudagraph_mode).__name__}")
    try:
        if not cudagraph_mode.isascii():
            raise KeyError(cudagraph_mode)
        return CUDAGraphMode[cudagraph_mode.upper()]
    except KeyError:
        names = ", ".join(m.name for m in CUDAGraphMode)
        raise ValueError(f"unknown cudagraph_mode {cudagraph_mode!r}; allowed: {names}") from None


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
    if vllm_version not in ("0.22.1", "0.33.0"):
        raise ValueError(f"vllm_version must be '0.22.1' or '0.33.0', got {vllm_version!r}")
    if isinstance(compilation_mode, bool) or not isinstance(compilation_mode, int):
        raise TypeError(f"compilation_mode must be a CompilationMode or an int, got {compilation_mode!r}")
    if not 0 <= compilation_mode <= 3:
        raise ValueError(f"compilation_mode must be 0-3, got {compilation_mode}")
    if not isinstance(attention_support, AttentionCGSupport):
        raise TypeError(f"attention_support must be an AttentionCGSupport, got {attention_support!r}")
    for flag, value in (("enforce_eager", enforce_eager),
                        ("attention_in_splitting_ops", attention_in_splitting_ops)):
        if not isinstance(value, bool):
            raise TypeError(f"{flag} must be True or False, got {value!r}")
    vllm_compile = compilation_mode == CompilationMode.VLLM_COMPILE

    if enforce_eager:
        return CUDAGraphMode.NONE
    if mode.requires_piecewise_compilation() and not vllm_compile:
        if vllm_version == "0.22.1":
            return CUDAGraphMode.NONE
        mode = {CUDAGraphMode.PIECEWISE: CUDAGraphMode.NONE,
                CUDAGraphMode.FULL_AND_PIECEWISE: CUDAGraphMode.FULL_DECODE_ONLY}[mode]
    split = attention_in_splitting_ops and vllm_compile
    if mode.mixed_mode() is CUDAGraphMode.FULL and attention_support is not AttentionCGSupport.ALWAYS:
        if attention_support is AttentionCGSupport.NEVER:
            raise ValueError("cudagraph_mode FULL needs an attention backend that runs in full graphs; "
                             "its support is NEVER")
        return CUDAGraphMode.FULL_AND_PIECEWISE if split else CUDAGraphMode.FULL_DECODE_ONLY
    if mode.separate_routine() and attention_support is AttentionCGSupport.NEVER:
        return CUDAGraphMode.PIECEWISE if split else CUDAGraphMode.NONE
    return mode


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
    why = {
        CUDAGraphMode.NONE: "nothing is captured, so nothing can be stale",
        CUDAGraphMode.PIECEWISE: "attention stays live between replayed pieces",
        CUDAGraphMode.FULL: "needs a backend whose attention fits any batch in a graph",
        CUDAGraphMode.FULL_DECODE_ONLY: "uniform decode metadata has one shape per size; mixed runs eager",
        CUDAGraphMode.FULL_AND_PIECEWISE: "full graphs for decode, pieces for mixed batches",
    }
    return [Route(m, m.decode_mode(), m.mixed_mode(), why[m]) for m in CUDAGraphMode]


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
        # Padding is lab-05's rule: import mini_vllm.capture_sizes.padded_size or use your own.
        self.mode = parse_cudagraph_mode(cudagraph_mode)
        sizes = list(capture_sizes)
        if not sizes or any(not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError("capture_sizes must be non-empty ints >= 1")
        if not isinstance(max_num_seqs, int) or max_num_seqs < 1:
            raise ValueError("max_num_seqs must be an int >= 1")
        if not isinstance(uniform_decode_query_len, int) or uniform_decode_query_len < 1:
            raise ValueError("uniform_decode_query_len must be an int >= 1")
        if sizes != sorted(set(sizes)):
            raise ValueError(f"capture_sizes must be strictly increasing, got {sizes}")
        if any(s % uniform_decode_query_len for s in sizes):
            raise ValueError(f"capture_sizes must be multiples of {uniform_decode_query_len}, got {sizes}")
        self.sizes = sizes
        self.mns = max_num_seqs
        self.q = uniform_decode_query_len
        self.keys: dict[CUDAGraphMode, set[BatchDescriptor]] = {
            CUDAGraphMode.PIECEWISE: set(), CUDAGraphMode.FULL: set()}
        mixed = self.mode.mixed_mode()
        if mixed is not CUDAGraphMode.NONE:
            for s in self.sizes:
                self.keys[mixed].add(self._key(s, uniform=False, runtime=mixed))
        if self.mode.separate_routine():
            for s in self.sizes:
                if 1 <= s // self.q <= self.mns:
                    self.keys[CUDAGraphMode.FULL].add(self._key(s, uniform=True, runtime=CUDAGraphMode.FULL))

    def _key(self, tokens: int, uniform: bool, runtime: CUDAGraphMode) -> BatchDescriptor:
        if runtime is CUDAGraphMode.PIECEWISE:
            return BatchDescriptor(tokens)
        if uniform:
            return BatchDescriptor(tokens, min(tokens // self.q, self.mns), True)
        return BatchDescriptor(tokens, min(tokens, self.mns), False)

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
        if not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError(f"num_tokens must be an int >= 1, got {num_tokens!r}")
        for flag, value in (("uniform_decode", uniform_decode), ("has_lora", has_lora)):
            if not isinstance(value, bool):
                raise TypeError(f"{flag} must be True or False, got {value!r}")
        if isinstance(invalid_modes, str):
            raise TypeError(f"invalid_modes must be a collection of CUDAGraphMode members, not the string {invalid_modes!r}")
        banned = set(invalid_modes or ())
        for m in banned:
            if not isinstance(m, CUDAGraphMode) or not m.is_valid_runtime_mode():
                raise ValueError(f"invalid_modes holds runtime modes only, got {m!r}")
        if len(banned) == 3:
            raise ValueError("invalid_modes bans every runtime mode: nothing could run")
        eager = (CUDAGraphMode.NONE, BatchDescriptor(num_tokens))
        rung = next((s for s in self.sizes if s >= num_tokens), None)
        if self.mode is CUDAGraphMode.NONE or rung is None or has_lora:
            return _run_eagerly(eager, banned)
        uniform = uniform_decode and self.mode.separate_routine()
        if CUDAGraphMode.FULL not in banned:
            key = self._key(rung, uniform, CUDAGraphMode.FULL)
            if key in self.keys[CUDAGraphMode.FULL]:
                return CUDAGraphMode.FULL, key
        if CUDAGraphMode.PIECEWISE not in banned:
            key = BatchDescriptor(rung)
            if key in self.keys[CUDAGraphMode.PIECEWISE]:
                return CUDAGraphMode.PIECEWISE, key
        return _run_eagerly(eager, banned)

    def capture_descs(self) -> list[tuple[CUDAGraphMode, list[BatchDescriptor]]]:
        """What start-up captures, in order: PIECEWISE keys then FULL keys, each largest first.

        Largest first, so the smaller graphs reuse the big one's memory from the shared pool.
        Modes with no keys are left out. upstream: vllm/v1/cudagraph_dispatcher.py:330-354.
        """
        passes = []
        for runtime in (CUDAGraphMode.PIECEWISE, CUDAGraphMode.FULL):
            keys = sorted(self.keys[runtime], key=lambda k: k.num_tokens, reverse=True)
            if keys:
                passes.append((runtime, keys))
        return passes


def _run_eagerly(eager, banned):
    if CUDAGraphMode.NONE in banned:
        raise ValueError(f"no graph fits {eager[1].num_tokens} tokens and invalid_modes rules out NONE")
    return eager


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
    """README §8: the biggest decode, in requests, whose padded key is a captured FULL graph."""
    mode = resolve_cudagraph_mode(cudagraph_mode, compilation_mode, attention_support=attention_support,
                                  vllm_version=vllm_version)
    checked = CudagraphDispatcher(mode, capture_sizes, max_num_seqs, uniform_decode_query_len)
    q, mns, sizes = checked.q, checked.mns, checked.sizes
    if mode.decode_mode() is not CUDAGraphMode.FULL:
        return None
    if mode is CUDAGraphMode.FULL:  # decodes use the exact mixed keys, one on every rung
        return min(mns, sizes[-1] // q)
    below = [s for s in sizes if s <= q * mns]  # the decode keys; a decode past the last one pads beyond it
    return below[-1] // q if below else None


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
    if runner not in ("v1", "v2"):
        raise ValueError(f"runner must be 'v1' or 'v2', got {runner!r}")
    if vllm_version not in ("0.22.1", "0.33.0"):
        raise ValueError(f"vllm_version must be '0.22.1' or '0.33.0', got {vllm_version!r}")
    bars = []
    for runtime, descs in CudagraphDispatcher(cudagraph_mode, capture_sizes, max_num_seqs).capture_descs():
        label = str(runtime) if runner == "v2" else (
            f"{'decode' if descs[0].uniform else 'mixed prefill-decode'}, {runtime}")
        bars.append((label, runtime, len(descs)))
    if runner == "v2" and vllm_version == "0.33.0":
        bars = [(label, runtime, min(n, 2) if runtime is CUDAGraphMode.FULL else n)
                for label, runtime, n in bars] + bars
    return [f"Capturing CUDA graphs ({label}): 100%|██████████| {n}/{n}" for label, _, n in bars]
