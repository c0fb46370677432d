#!/usr/bin/env bash
# Real vLLM 0.22.1 on a GPU machine without network, for lab-04's run.py.
#
# The GPU machines lab-04 was measured on already carry what vLLM 0.22.1 pins (torch 2.11.0 for
# CUDA 13.0, Python 3.12) but cannot reach a package index. So the wheel and the small
# pure-Python packages vLLM imports at start-up travel as a bundle:
#
#   bash tools/offline_vllm_bundle.sh build OUTDIR    # where the index is reachable (~2 min):
#                                                      # OUTDIR/part-* (each <= 60 MB)
#   bash tools/offline_vllm_bundle.sh install PARTS    # on the GPU machine, PARTS = the part-* folder;
#   source /tmp/vl/env.sh                              # then run vLLM as usual
#
# To fit in three parts the bundle drops pieces an offline OPT benchmark never loads: the
# FlashAttention-2 and MoE kernels, FlashMLA, DeepGEMM headers, the Rust front end, the API
# server's static files and FlashInfer (env.sh selects vLLM's PyTorch sampler instead). A model
# or feature that needs them fails when it imports them.
set -euo pipefail
VERSION=0.22.1

build() {
  local out=${1:?usage: offline_vllm_bundle.sh build OUTDIR} work
  mkdir -p "$out"; out=$(cd "$out" && pwd)
  # The trap runs after build() returns, when the `local` work is gone (set -u: "unbound
  # variable"), so the path is expanded into the trap now, not looked up then.
  work=$(mktemp -d); trap "rm -rf -- '$work'" EXIT
  # Wheels for the GPU machine's interpreter and platform, whatever this machine runs.
  local target=(--only-binary=:all: --python-version 3.12 --implementation cp --platform any)
  for tag in manylinux1 manylinux2014 manylinux_2_17 manylinux_2_26 manylinux_2_27 manylinux_2_28 manylinux_2_31; do
    target+=(--platform "${tag}_x86_64")
  done
  fetch() { python3 -m pip download -q --no-deps "${target[@]}" -d "$@"; }
  fetch "$work" "vllm==$VERSION"
  # What vLLM 0.22.1 imports at start-up that the CUDA image lacks, found by importing it there.
  mkdir -p "$work/deps"
  fetch "$work/deps" annotated-types==0.8.0 astor==0.8.1 blake3==1.0.11 cachetools==8.0.1 cbor2==6.2.1 \
    compressed-tensors==0.15.0.1 depyf==0.20.0 diskcache==5.6.3 distro==1.9.0 fastapi==0.165.0 gguf==0.19.0 \
    ijson==3.6.0 interegular==0.3.3 jiter==0.19.0 lark==1.2.2 llguidance==1.7.6 lm-format-enforcer==0.11.3 \
    mistral-common==1.13.1 msgspec==0.22.0 "openai>=2,<3" openai-harmony==0.0.8 outlines-core==0.2.14 \
    partial-json-parser==0.2.1.1.post7 prometheus-fastapi-instrumentator==8.1.0 pybase64==1.5.1 \
    pydantic==2.14.3 pydantic-core==2.50.4 python-json-logger==4.2.0 pyzmq==27.3.0 setproctitle==1.3.8 \
    starlette==1.10.0 typing-inspection==0.4.5 watchfiles==1.3.0 xgrammar==0.2.0 apache-tvm-ffi==0.1.9 \
    sniffio dill jsonschema referencing rpds-py jsonschema-specifications pycountry pydantic-extra-types \
    loguru frozendict uvicorn python-multipart \
    opentelemetry-api opentelemetry-sdk opentelemetry-semantic-conventions opentelemetry-semantic-conventions-ai \
    opentelemetry-exporter-otlp opentelemetry-exporter-otlp-proto-grpc opentelemetry-exporter-otlp-proto-http \
    opentelemetry-exporter-otlp-proto-common opentelemetry-proto googleapis-common-protos importlib-metadata \
    deprecated anthropic docstring-parser mcp httpx-sse pydantic-settings python-dotenv sse-starlette \
    model-hosting-container-standards
  # vLLM itself goes unpacked ("slim"), minus what the benchmark never loads.
  mkdir -p "$work/slim"
  (cd "$work/slim" && python3 -m zipfile -e "$work"/vllm-"$VERSION"-*.whl .)
  local v="$work/slim/vllm"
  rm -rf "$v/vllm-rs" "$v/_moe_C.abi3.so" "$v/_flashmla_C.abi3.so" "$v/vllm_flash_attn/_vllm_fa2_C.abi3.so" \
         "$v/third_party/deep_gemm" "$v/entrypoints/serve/instrumentator/static"
  tar -C "$work" -cf - slim deps | xz -T0 -6 > "$work/bundle.tar.xz"
  rm -f "$out"/part-*
  split -b 60000000 "$work/bundle.tar.xz" "$out/part-"
  ls -l "$out"
}

install() {
  local parts=${1:?usage: offline_vllm_bundle.sh install PARTS_DIR}
  if [ ! -d /tmp/vl/slim ]; then  # unpack once; a second install only rewrites env.sh
    mkdir -p /tmp/vl
    cat "$parts"/part-* | xz -d | tar -x -C /tmp/vl
    python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/vl/site /tmp/vl/deps/*.whl
  fi
  cat > /tmp/vl/env.sh <<'ENV'
export PYTHONPATH=/tmp/vl/slim:/tmp/vl/site${PYTHONPATH:+:$PYTHONPATH}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1
export VLLM_USE_FLASHINFER_SAMPLER=0
ENV
  python3 -c "import sys; sys.path[:0] = ['/tmp/vl/slim', '/tmp/vl/site']; import torch, vllm; print('vllm', vllm.__version__, 'torch', torch.__version__)"
}

case ${1:-} in
  build) build "${@:2}" ;;
  install) install "${@:2}" ;;
  *) echo "usage: offline_vllm_bundle.sh build OUTDIR | install PARTS_DIR" >&2; exit 2 ;;
esac
