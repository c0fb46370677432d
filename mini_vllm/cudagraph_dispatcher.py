"""The run-time half of the mode machinery: one concrete mode and one graph key per batch.

At start-up the dispatcher turns the resolved policy and the capture ladder into sets of keys
(`BatchDescriptor`s), one set per runtime mode; those keys are exactly the graphs captured.
Each step, `dispatch` pads the batch up to its rung and looks the key up: an exact FULL key
first, then the relaxed PIECEWISE key, else NONE (eager). The graph wrappers then replay
whatever the key names. upstream (0.22.1): vllm/v1/cudagraph_dispatcher.py:170 (key building),
vllm/v1/cudagraph_dispatcher.py:239-328 (dispatch), vllm/v1/cudagraph_dispatcher.py:330-354
(capture order); BatchDescriptor is vllm/forward_context.py:29-57.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mini_vllm.capture_sizes import check_capture_sizes, rung_for
from mini_vllm.checks import check_bool, check_int
from mini_vllm.cudagraph_mode import (
    AttentionCGSupport,
    CompilationMode,
    CUDAGraphMode,
    parse_cudagraph_mode,
    resolve_cudagraph_mode,
)
from mini_vllm.vllm_versions import RUNNERS, check_vllm_version


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
        self.cudagraph_mode = parse_cudagraph_mode(cudagraph_mode)
        self.capture_sizes = check_capture_sizes(capture_sizes, "capture_sizes")
        self.max_num_seqs = check_int(max_num_seqs, "max_num_seqs")
        self.uniform_decode_query_len = q = check_int(
            uniform_decode_query_len, "uniform_decode_query_len")
        if any(s % q for s in self.capture_sizes):  # vLLM rounds them up: compilation.py:1464-1509
            raise ValueError(f"capture_sizes must be multiples of uniform_decode_query_len={q}, "
                             f"got {self.capture_sizes}")
        self.keys: dict[CUDAGraphMode, set[BatchDescriptor]] = {
            CUDAGraphMode.PIECEWISE: set(), CUDAGraphMode.FULL: set()}
        mode = self.cudagraph_mode
        if mode.mixed_mode() is not CUDAGraphMode.NONE:
            for s in self.capture_sizes:
                key = self._padded(s, uniform=False)
                if mode.mixed_mode() is CUDAGraphMode.PIECEWISE:
                    key = _relaxed(key)
                self.keys[mode.mixed_mode()].add(key)
        if mode.separate_routine() and mode.decode_mode() is CUDAGraphMode.FULL:
            for s in self.capture_sizes:
                if q <= s <= q * self.max_num_seqs:
                    self.keys[CUDAGraphMode.FULL].add(self._padded(s, uniform=True))

    def _padded(self, num_tokens: int, uniform: bool, has_lora: bool = False) -> BatchDescriptor:
        """The key a batch of num_tokens pads to (num_tokens must be <= the top rung)."""
        tokens = rung_for(num_tokens, self.capture_sizes)
        if uniform:  # FULL decode graphs bake in the request count: tokens // q requests
            reqs = min(tokens // self.uniform_decode_query_len, self.max_num_seqs)
        else:
            reqs = min(tokens, self.max_num_seqs)
        return BatchDescriptor(tokens, reqs, uniform, has_lora)

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
        num_tokens = check_int(num_tokens, "num_tokens")
        uniform_decode = check_bool(uniform_decode, "uniform_decode")
        has_lora = check_bool(has_lora, "has_lora")
        allowed = _allowed_modes(invalid_modes)
        eager = (CUDAGraphMode.NONE, BatchDescriptor(num_tokens))
        if not self.cudagraph_mode or num_tokens > self.capture_sizes[-1]:
            return _eager_if_allowed(eager, allowed)
        key = self._padded(num_tokens, uniform_decode and self.cudagraph_mode.separate_routine(),
                           has_lora)
        if CUDAGraphMode.FULL in allowed and key in self.keys[CUDAGraphMode.FULL]:
            return CUDAGraphMode.FULL, key
        relaxed = _relaxed(key)
        if CUDAGraphMode.PIECEWISE in allowed and relaxed in self.keys[CUDAGraphMode.PIECEWISE]:
            return CUDAGraphMode.PIECEWISE, relaxed
        return _eager_if_allowed(eager, allowed)

    def capture_descs(self) -> list[tuple[CUDAGraphMode, list[BatchDescriptor]]]:
        """What start-up captures, in order: PIECEWISE keys then FULL keys, each largest first.

        Largest first, so the smaller graphs reuse the big one's memory from the shared pool.
        Modes with no keys are left out. upstream: vllm/v1/cudagraph_dispatcher.py:330-354.
        """
        return [(mode, sorted(self.keys[mode], key=lambda d: d.num_tokens, reverse=True))
                for mode in (CUDAGraphMode.PIECEWISE, CUDAGraphMode.FULL) if self.keys[mode]]


def _allowed_modes(invalid_modes: Iterable[CUDAGraphMode] | None) -> set[CUDAGraphMode]:
    """The runtime modes left once invalid_modes is removed; none left is an error, as
    0.22.1 asserts len(allowed_modes) >= 1 (vllm/v1/cudagraph_dispatcher.py:272-275)."""
    if invalid_modes is None:
        return set(CUDAGraphMode.valid_runtime_modes())
    if isinstance(invalid_modes, (str, bytes)) or not isinstance(invalid_modes, Iterable):
        raise TypeError(f"invalid_modes must be a set of runtime modes (NONE, PIECEWISE, FULL), "
                        f"got {type(invalid_modes).__name__}")
    invalid = set(invalid_modes)
    for mode in invalid:
        if not isinstance(mode, CUDAGraphMode) or not mode.is_valid_runtime_mode():
            raise ValueError(f"invalid_modes must hold runtime modes (NONE, PIECEWISE, FULL), got {mode!r}")
    allowed = set(CUDAGraphMode.valid_runtime_modes()) - invalid
    if not allowed:
        raise ValueError("invalid_modes lists every runtime mode (NONE, PIECEWISE, FULL): no batch "
                         "can run; 0.22.1 asserts against it (vllm/v1/cudagraph_dispatcher.py:272-275)")
    return allowed


def _eager_if_allowed(
    eager: tuple[CUDAGraphMode, BatchDescriptor], allowed: set[CUDAGraphMode]
) -> tuple[CUDAGraphMode, BatchDescriptor]:
    """The eager answer, unless NONE is in invalid_modes: then no mode can run this batch.

    0.22.1 asserts NONE is allowed when no graph fits (vllm/v1/cudagraph_dispatcher.py:324-327),
    but its early return for mode NONE or a batch above the top rung (:278-285) skips that
    check; here both refuse, so dispatch never returns a mode it was told not to use.
    """
    if CUDAGraphMode.NONE not in allowed:
        raise ValueError(f"no captured graph fits {eager[1].num_tokens} tokens in the allowed modes "
                         f"{sorted(m.name for m in allowed)} and NONE is in invalid_modes: this batch cannot run")
    return eager


def _relaxed(key: BatchDescriptor) -> BatchDescriptor:
    """The PIECEWISE form of a key: any number of requests, not marked uniform."""
    return dataclasses.replace(key, num_reqs=None, uniform=False)


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
    mode = resolve_cudagraph_mode(cudagraph_mode, compilation_mode, attention_support=attention_support,
                                  vllm_version=vllm_version)
    dispatcher = CudagraphDispatcher(mode, capture_sizes, max_num_seqs, uniform_decode_query_len)
    if mode.decode_mode() is not CUDAGraphMode.FULL:
        return None
    # A decode of n requests pads to the rung above n*q and replays FULL iff that key was captured.
    # The FULL keys a decode looks up are uniform under a composite (they stop at q*mns tokens) and
    # the plain mixed ones under FULL (one per rung); every smaller decode pads to one of them too.
    decode_keys = [k.num_tokens for k in dispatcher.keys[CUDAGraphMode.FULL] if k.uniform == mode.separate_routine()]
    return min(max(decode_keys) // dispatcher.uniform_decode_query_len, dispatcher.max_num_seqs) if decode_keys else None


#: 0.33.0's Model Runner V2 sizes its graph memory by capturing once before the real capture, the
#: FULL pass cut to its largest graphs (vllm/v1/worker/gpu/cudagraph_utils.py:916, 0.33.0).
V2_PROFILED_FULL_GRAPHS = 2


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
    if runner not in RUNNERS:
        raise ValueError(f"runner must be one of {RUNNERS}, got {runner!r}")
    check_vllm_version(vllm_version)
    passes = [(mode, descs[0].uniform, len(descs)) for mode, descs in
              CudagraphDispatcher(cudagraph_mode, capture_sizes, max_num_seqs).capture_descs()]
    if runner == "v2" and vllm_version == "0.33.0":
        profiling = [(mode, uniform, min(n, V2_PROFILED_FULL_GRAPHS) if mode is CUDAGraphMode.FULL else n)
                     for mode, uniform, n in passes]
        passes = profiling + passes
    lines = []
    for mode, uniform, n in passes:
        kind = "decode" if uniform else "mixed prefill-decode"
        label = f"{kind}, {mode.name}" if runner == "v1" else mode.name
        lines.append(f"Capturing CUDA graphs ({label}): 100%|{'█' * 10}| {n}/{n}")
    return lines
