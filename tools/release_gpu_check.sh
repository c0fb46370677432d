#!/usr/bin/env bash
# The student release's lab-04 on a CUDA GPU: does a student's own runner run the twin there?
#
#   bash tools/release_gpu_check.sh OUTDIR     # from the course root, on a CUDA machine with torch
#
# Writes the release into OUTDIR/course and a "finished" copy into OUTDIR/finished, where lab-02,
# lab-04 and lab-05's independent files (written from their READMEs) stand in for the student's
# starter.py. Then, each step logged to OUTDIR/*.log:
#   starter   the untouched release: `mini-vllm bench` ends in one line naming the unfinished part;
#   tests     the finished release grades lab-04's runner on CUDA (LAB_REQUIRE_GPU=1, -m gpu);
#   twin      the finished release measures its own runner: a short twin run into OUTDIR/twin.json
#             (eager and graphs, batches 1 and 8; the committed results/ are never touched).
# Nothing needs the network. Exit status: 0 when all three behave as stated.
set -euo pipefail
out=${1:?usage: release_gpu_check.sh OUTDIR}
[[ ! -e $out/course ]] || { echo "$out/course exists: name a new OUTDIR" >&2; exit 2; }
mkdir -p "$out"; out=$(cd "$out" && pwd)
labs=phase-05-cuda-graphs-and-torch-compile/labs
PYTHONPATH=$PWD python3 -m mini_vllm release student "$out/course"
cp -r "$out/course" "$out/finished"
for lab in lab-02-launch-overhead lab-04-graph-vs-eager-real lab-05-capture-sizes; do
  cp "$labs/$lab/independent/from_readme.py" "$out/finished/$labs/$lab/starter.py"
done

cd "$out/course"
if PYTHONPATH=$PWD python3 -m mini_vllm bench --arms eager graphs --batch-sizes 1 8 >"$out/starter.log" 2>&1; then
  echo "FAIL starter: the untouched release ran the twin" >&2; exit 1
fi
grep -q "not finished yet: lab-0" "$out/starter.log" || { echo "FAIL starter: see $out/starter.log" >&2; exit 1; }
echo "ok   starter: $(tail -1 "$out/starter.log")"

cd "$out/finished"
PYTHONPATH=$PWD LAB_IMPL=starter LAB_REQUIRE_GPU=1 python3 -m pytest "$labs/lab-04-graph-vs-eager-real" -m gpu -q \
  -p no:cacheprovider >"$out/tests.log" 2>&1 || { echo "FAIL tests: see $out/tests.log" >&2; exit 1; }
echo "ok   tests: $(grep -E 'passed|failed' "$out/tests.log" | tail -1)"

PYTHONPATH=$PWD python3 -m mini_vllm bench --arms eager graphs --batch-sizes 1 8 --steps 32 --repeats 3 \
  --out "$out/twin.json" >"$out/twin.log" 2>&1 || { echo "FAIL twin: see $out/twin.log" >&2; exit 1; }
echo "ok   twin: $out/twin.json"; grep -A3 "speedup over eager" "$out/twin.log"
