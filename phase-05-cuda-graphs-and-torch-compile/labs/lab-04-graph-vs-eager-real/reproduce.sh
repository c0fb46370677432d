#!/usr/bin/env bash
# How the committed results were made on an offline Hopper GPU machine (torch 2.11, Python 3.12).
# Run from the repository root; each step writes into OUT (default: this lab's results/; the
# H200 run used OUT=$lab/results/h200).
#   bash reproduce.sh env            # the machine: GPU, driver, torch, tqdm, matplotlib
#   bash reproduce.sh twin           # mini-vllm bench: four arms, constants, JSON + PNG (15 repeats)
#   bash reproduce.sh tests          # the gpu-marked tests (LAB_REQUIRE_GPU=1: no skipping)
#   bash reproduce.sh timeline       # one eager and one replayed step under torch.profiler: JSON + PNG
#   bash reproduce.sh latency        # after `vllm`: upstream's latency benchmark on the same A/B
#   bash reproduce.sh piecewise      # lab-06's pieces as CUDA graphs: launches and step times
#   bash reproduce.sh shapes [SHAPE ...]  # the twin, eager and graphs, on shapes the predictor never saw
#   bash reproduce.sh vllm PARTS     # install the offline vLLM bundle from PARTS, then run.py --offline
#                                    # (PARTS: bash tools/offline_vllm_bundle.sh build PARTS, with network)
set -euo pipefail
lab=phase-05-cuda-graphs-and-torch-compile/labs/lab-04-graph-vs-eager-real
out=${OUT:-$lab/results}
mkdir -p "$out"
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1

case ${1:?usage: reproduce.sh env|twin|shapes|tests|timeline|vllm PARTS|latency|piecewise} in
  env)
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
    python3 -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name())'
    python3 -c 'import tqdm, matplotlib; print("tqdm", tqdm.__version__, "matplotlib", matplotlib.__version__)'
    ;;
  twin)
    # 15 repeats, not the default 5: on a virtualized host the eager arm's CPU time swings by 2x
    # from one second to the next, and the medians need the extra samples to settle.
    python3 -m mini_vllm.cli bench --repeats 15 --out "$out/twin.json" --plot "$out/twin.png" "${@:2}" 2>&1 | tee "$out/twin.log"
    ;;
  shapes)
    # One run per shape (default: the OPT-125m twin first, the same-session twin §7's check
    # predicts from, then opt-350m and opt-1.3b, 24 layers x 1024 and x 2048, dummy weights),
    # each a fresh process, into $out/<card>/<shape>/run<N>/ with N the next free number: call it
    # three times for three runs. Eager and graphs only, 9 interleaved repeats of 64 steps (the
    # twin's 15 x 128 would take about 3 min per shape): about 100 s for the three on an H200.
    # Then: python tools/predict_check.py $out --out $out/predict_check.json
    card=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1 | grep -o 'H[12]00' | tr H h)
    for shape in "${@:2}"; do [[ -f $lab/offline-$shape/config.json ]] || { echo "no shape $shape" >&2; exit 2; }; done
    shapes=("${@:2}"); [[ ${#shapes[@]} -gt 0 ]] || shapes=(opt-125m opt-350m opt-1.3b)
    for shape in "${shapes[@]}"; do
      n=1; while [[ -e $out/${card:?not an H100 or H200}/$shape/run$n ]]; do n=$((n + 1)); done
      dir=$out/$card/$shape/run$n; mkdir -p "$dir"
      start=$SECONDS
      python3 -m mini_vllm.cli bench --shape "$shape" --arms eager graphs --steps "${STEPS:-64}" \
        --repeats "${REPEATS:-9}" --out "$dir/twin.json" 2>&1 | tee "$dir/twin.log"
      echo "$shape run$n: $((SECONDS - start)) s" | tee -a "$dir/twin.log"
    done
    ;;
  tests)
    LAB_REQUIRE_GPU=1 python3 -m pytest "$lab" tests -m gpu -q -p no:cacheprovider "${@:2}" 2>&1 | tee "$out/gpu-tests.log"
    ;;
  vllm)
    parts=${2:?usage: reproduce.sh vllm PARTS_DIR}
    bash tools/offline_vllm_bundle.sh install "$parts"
    # shellcheck disable=SC1091
    source /tmp/vl/env.sh
    python3 "$lab/run.py" --offline --tensor-parallel-size 1 --out "$out" "${@:3}"
    ;;
  timeline)
    python3 -m mini_vllm.gpu.timeline record --out "$out/timeline.json"
    python3 -m mini_vllm.gpu.timeline render "$out/timeline.json" --out "$out/timeline.png"
    ;;
  latency)
    # shellcheck disable=SC1091
    source /tmp/vl/env.sh
    python3 "$lab/latency_check.py" --out "$out/latency" "${@:2}" && cp "$out/latency/latency.json" "$out/"
    ;;
  piecewise)
    six=phase-05-cuda-graphs-and-torch-compile/labs/lab-06-piecewise-compile/results
    mkdir -p "$six"
    python3 -m mini_vllm.gpu.piecewise --out "$six/piecewise.json" --plot "$six/piecewise.png" "${@:2}"
    ;;
  *) echo "unknown step $1 (env, twin, tests, timeline, vllm, latency, piecewise)" >&2; exit 2 ;;
esac
