#!/usr/bin/env bash
# How every recorded log in this folder was made: real vLLM 0.22.1 on one GPU, offline (dummy
# weights, the config.json folders named in record.py), after
#   bash tools/offline_vllm_bundle.sh install PARTS && source /tmp/vl/env.sh
# Run from the repository root: bash <this folder>/record.sh GROUP [OUTDIR]. Each log is the
# process's stdout and stderr as vLLM wrote them (tqdm's carriage returns included).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here}
mkdir -p "$out"
export PYTHONUNBUFFERED=1 VLLM_LOG_STATS_INTERVAL=1

rec() {  # rec NAME [ENV=VALUE ...] -- RECORD.PY ARGS...
  local name=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  echo "== $name: ${envs[*]} python record.py $*"
  env "${envs[@]}" timeout 240 python3 "$here/record.py" "$@" >"$out/$name.log" 2>&1
  echo "   rc=$? $(wc -c <"$out/$name.log") bytes"
}

case ${1:?usage: record.sh modes|ladders|traffic|tuned|ab} in
  modes)
    rec default -- --model opt-125m
    rec enforce-eager -- --enforce-eager
    rec mode-piecewise -- --cudagraph-mode PIECEWISE
    rec mode-full-decode-only -- --cudagraph-mode FULL_DECODE_ONLY
    rec mode-full -- --cudagraph-mode FULL
    rec mode-none -- --cudagraph-mode NONE
    rec compile-off-graphs-on -- --compile-mode 0
    ;;
  ladders)
    rec sizes-off-stride -- --cudagraph-capture-sizes 1 3 7 13 50 137
    rec max-num-seqs-24 -- --max-num-seqs 24
    rec v2-qwen3 -- --model qwen3-0.6b
    rec v2-forced-opt VLLM_USE_V2_MODEL_RUNNER=1 -- --model opt-125m
    ;;
  traffic)
    rec metrics-chat -- --cudagraph-metrics --traffic chat --scrape "$out/metrics-chat.prom"
    rec metrics-wide -- --cudagraph-metrics --traffic wide --scrape "$out/metrics-wide.prom"
    ;;
  tuned)  # after `mini-vllm tune metrics-wide.log`: the same traffic on the recommended ladder
    rec metrics-wide-tuned -- --cudagraph-metrics --traffic wide --scrape "$out/metrics-wide-tuned.prom" --cudagraph-capture-sizes ${TUNED_SIZES:?}
    ;;
  ab)  # the closed loop timed: the arms' ladders (JSON) replay the same plan, interleaved, one process
    echo "== ab-wide: python ab.py --arms '${AB_ARMS:?}' --rounds 4"
    timeout 420 python3 "$here/ab.py" --arms "$AB_ARMS" --rounds 4 >"$out/ab-wide.log" 2>&1
    echo "   rc=$? $(wc -c <"$out/ab-wide.log") bytes"
    ;;
  *) echo "unknown group $1 (modes, ladders, traffic, tuned, ab)" >&2; exit 2 ;;
esac
