"""Lab 04: read a real benchmark, and build a real CUDA-graph runner. Your work goes here.

Fill in every body that raises NotImplementedError; README.md §5 (the analysis, any laptop),
§6 (the runner, a CUDA GPU) and §7 (the transfer task) state the contract. The result types
are given (from mini_vllm.bench_results; their field order is in README §5), and so are §7's
helpers for a model's shape and bytes (`ModelShape`, `load_shape`, `weight_bytes`,
`kv_cache_bytes`, from mini_vllm.model_shapes).
Grade yourself: LAB_IMPL=starter pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-04-graph-vs-eager-real -q
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mini_vllm.bench_results import (
    Extrapolation,
    Prediction,
    PredictionRow,
    SpeedupRow,
    Spread,
    Verdict,
)
from mini_vllm.model_shapes import OPT_125M, ModelShape, kv_cache_bytes, load_shape, weight_bytes

__all__ = [
    "CudaGraphRunner",
    "Extrapolation",
    "ModelShape",
    "OPT_125M",
    "Prediction",
    "PredictionRow",
    "SpeedupRow",
    "Spread",
    "Verdict",
    "claims_verdict",
    "extrapolate",
    "kv_cache_bytes",
    "load_shape",
    "predict_speedup",
    "prediction_error",
    "speedup_table",
    "spread",
    "weight_bytes",
]


def spread(samples: Sequence[float]) -> Spread:
    """Median (the middle two averaged for an even count), min and max of the repeats.

    The median, not the mean: one repeat disturbed by a background process should not move
    the headline number. The min-max range is the honest error bar for 5 repeats.
    """
    raise NotImplementedError("lab-04: spread — see README §5.1")


def speedup_table(results: Mapping[str, Any], arm: str, baseline: str = "eager") -> list[SpeedupRow]:
    """Per batch present in both arms, sorted by batch: arm / baseline throughput.

    speedup = median(arm tokens/s) / median(baseline tokens/s), a ratio of medians (not a
    median of per-repeat ratios: the repeats of two arms are not paired). The spread is
    carried through as the worst and the best case the repeats allow: if even the worst
    case is above 1, the win is not noise.
    """
    # results["runs"] is a list of {"arm": str, "batch": int, "tokens_per_s": [samples], ...}.
    raise NotImplementedError("lab-04: speedup_table — see README §5.2")


def prediction_error(
    results: Mapping[str, Any], arm: str = "graphs", baseline: str = "eager"
) -> list[PredictionRow]:
    """lab-02's predicted step speedup vs the measured speedup, per batch size.

    The prediction takes `constants["launch_us"]` (CPU cost of one eager launch) and, per batch,
    `per_batch[str(batch)]["kernels_per_step"]` and `["gpu_us"]` (GPU time of one step with the
    launches out of the way), and returns predicted_step_speedup(kernels, launch_us, gpu_us).
    error = predicted / measured - 1, so +0.30 means the model promised 30% more than the GPU
    delivered.
    """
    # lab-02's function: use it, don't copy it. `from mini_vllm.lab_code import lab_module`, then
    # lab_module("lab-02").predicted_step_speedup (the reference, or your lab-02 where there is none).
    raise NotImplementedError("lab-04: prediction_error — see README §5.3")


def extrapolate(
    results: Mapping[str, Any], batch: int, *, num_layers: int, weight_bytes: float,
    bandwidth_gb_per_s: float, launch_us: float | None = None, reference_layers: int = 12,
) -> Extrapolation:
    """lab-02's predicted graph speedup for a model and card you pick, from the twin's run.

    The naive first step of README §7: each input comes from where it lives (kernels per step
    from the code, GPU time from the model and the card, launch cost from the host), each in
    its simplest form. README §7.1 states the contract; §7.2 improves on it.
    """
    raise NotImplementedError("lab-04: extrapolate — see README §7.1")


def predict_speedup(
    results: Mapping[str, Any], shape: ModelShape, batch: int, *, bandwidth_gb_per_s: float,
    launch_us: float | None = None, reference_shape: ModelShape = OPT_125M,
) -> Prediction:
    """The graph speed-up the overlap-aware model predicts for `shape` at `batch` on a card.

    The twin (`results`, run with `reference_shape`) lends the host's launch cost and, at batch
    1, the GPU cost per kernel that its bytes do not explain; the target's bytes come from its
    shape, moved at `bandwidth_gb_per_s`. README §7 states the contract.
    """
    # lab-02's overlap-aware model is lab_module("lab-02").overlapped_step_speedup (mini_vllm.lab_code): use it.
    raise NotImplementedError("lab-04: predict_speedup — see README §7.2")


def claims_verdict(rows: Sequence[SpeedupRow], tolerance: float = 0.02) -> Verdict:
    """Judge the three claims on the median speedups, ordered by batch.

    Differences within `tolerance` (relative) are noise, not evidence: a rise from 1.50 to
    1.52 does not refute fading at tolerance 0.02, and 0.99 is not an inversion.
    - biggest_at_smallest_batch: no speedup exceeds the smallest batch's by more than tolerance;
    - fades: no step to the next larger batch rises by more than tolerance;
    - never_inverts: every speedup is >= 1 - tolerance.
    """
    raise NotImplementedError("lab-04: claims_verdict — see README §5.4")


class CudaGraphRunner:
    """Capture a step once per rung of a ladder, then serve any batch by padding and replaying.

    `step(*inputs)` must be capturable: every input and the returned tensor have the batch on
    dim 0, shapes depend only on the batch, and nothing waits on the CPU. `capture(*examples)`
    records the whole ladder (largest first, after `num_warmups` eager runs per size on a side
    stream), into one pool shared by every graph when `shared_pool` is true or a private pool
    per graph otherwise. A call copies its inputs into the static buffers, replays the graph of
    the smallest rung >= batch and returns the first `batch` rows of that graph's static output:
    a view that the next replay of any graph in the pool may overwrite, so copy what you keep.
    Above the top rung the step runs eagerly. State to print: `entries` (size -> CUDAGraphEntry)
    and its views `graphs`, `static_outputs`, `captures`; `static_inputs`, `replays`,
    `eager_calls`, `capture_seconds`, `capture_bytes`.
    """

    def __init__(
        self,
        step: Callable[..., Any],
        capture_sizes: Sequence[int],
        *,
        num_warmups: int = 1,
        shared_pool: bool = True,
        progress: bool = True,
    ) -> None:
        # Import torch inside methods only (the CPU labs must stay torch-free). One entry per
        # rung: `self.entries = {}` maps size -> an object with .graph and .output (a small
        # dataclass of those two fields will do); graphs, static_outputs, captures read it.
        raise NotImplementedError("lab-04: CudaGraphRunner.__init__ — see README §6")

    @property
    def graphs(self) -> dict[int, Any]:
        """size -> torch.cuda.CUDAGraph: one graph per captured rung."""
        return {size: entry.graph for size, entry in self.entries.items()}

    @property
    def static_outputs(self) -> dict[int, Any]:
        """size -> the output tensor that rung's replays write."""
        return {size: entry.output for size, entry in self.entries.items()}

    @property
    def captures(self) -> int:
        """Graphs captured so far: one per rung."""
        return len(self.entries)

    def capture(self, *example_inputs: Any) -> None:
        """Record one graph per capture size, largest first; examples give dtype, device, row shape."""
        raise NotImplementedError("lab-04: CudaGraphRunner.capture — see README §6")

    def __call__(self, *inputs: Any) -> Any:
        """Copy the inputs in, replay the padded size's graph, return its first `batch` rows."""
        raise NotImplementedError("lab-04: CudaGraphRunner.__call__ — see README §6")
