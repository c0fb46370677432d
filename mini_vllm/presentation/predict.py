"""`mini-vllm predict`: the predicted graph speed-up of a model on a card, and the model behind it.

The constants come from a committed twin run on that card (`results/twin.json` on the H100,
`results/h200/twin.json` on the H200): its host's launch cost, its per-kernel GPU cost, its
measured copy bandwidth. A bandwidth given by hand replaces the card's, for a card we never ran;
a twin run given by path replaces the committed one, for a host measured on the day (lab-04's
check found the launch cost 20% apart between sessions on one machine).
"""

from __future__ import annotations

from pathlib import Path

from mini_vllm.bench_labs import lab04
from mini_vllm.bench_results import load_results
from mini_vllm.model_shapes import LAB04, OPT_125M, load_shape, weight_bytes
from mini_vllm.presentation import Shown

ROOT = LAB04.parents[2]
CARD_RUNS = {"h100": LAB04 / "results" / "twin.json", "h200": LAB04 / "results" / "h200" / "twin.json"}


def show_predict(model: str, card: str, batches: list[int], bandwidth_gb_per_s: float | None = None,
                 twin_run: Path | None = None) -> Shown:
    """One row per batch: kernels, GPU and CPU time of a step, and the predicted speed-up."""
    shape = load_shape(model)
    run = CARD_RUNS[card] if twin_run is None else Path(twin_run)
    twin = load_results(run)
    constants = twin["constants"]
    bandwidth = constants["d2d_gb_per_s"] if bandwidth_gb_per_s is None else bandwidth_gb_per_s
    rows = []
    for batch in batches:
        kernels, gpu_us, predicted = lab04().predict_speedup(twin, shape, batch, bandwidth_gb_per_s=bandwidth)
        rows.append({"batch": batch, "kernels_per_step": kernels, "gpu_us": gpu_us,
                     "eager_cpu_us": kernels * constants["launch_us"], "predicted": predicted})
    data = {"model": str(model), "shape": shape._asdict(), "weight_bytes": weight_bytes(shape),
            "card": card if twin_run is None else "own twin run", "bandwidth_gb_per_s": bandwidth,
            "twin_run": str(run.resolve().relative_to(ROOT)) if run.resolve().is_relative_to(ROOT) else str(run),
            "launch_us": constants["launch_us"], "reference_shape": OPT_125M._asdict(), "rows": rows}
    lines = [f"{model}: {shape.num_layers} layers x {shape.hidden} (FFN {shape.ffn}), "
             f"{weight_bytes(shape) / 1e9:.2f} GB of weights; "
             f"{'card ' + card if twin_run is None else 'the twin run' + chr(39) + 's card'} at {bandwidth:.0f} GB/s; "
             f"host launch {constants['launch_us']:.2f} us (twin run {data['twin_run']})",
             "", "| batch | kernels | eager CPU (us) | GPU (us) | predicted graphs / eager |", "|---|---|---|---|---|"]
    lines += [f"| {r['batch']} | {r['kernels_per_step']} | {r['eager_cpu_us']:.0f} | {r['gpu_us']:.0f} "
              f"| {r['predicted']:.2f}x |" for r in rows]
    lines += ["", "model: eager step = max(kernels x launch, GPU); graph step = launch + GPU; GPU = bytes "
              "(weights + the K/V the attention spans) / bandwidth + the twin's unexplained cost per kernel"]
    return Shown("\n".join(lines), data)
