"""The GPU twin of the phase: a real decoder, a real CUDA-graph runner, a real benchmark.

Everything here needs torch and (to run) a CUDA GPU, so nothing in this package is imported by
`mini_vllm` or `mini_vllm.cli` at import time: the CPU labs stay torch-free. Import the modules
directly (`from mini_vllm.gpu.capturable_decoder import CapturableOptDecoder`).

- `capturable_decoder.py`: an OPT-125m-shaped decoder whose decode step has static shapes (a preallocated
  KV cache, positions as a device tensor), so it can be captured.
- `cuda_graph_runner.py`: `CudaGraphRunner`, lab-01's GraphRunner on `torch.cuda.CUDAGraph`.
- `bench.py`: the four-arm benchmark (eager, eager + graphs, compile, compile + graphs), the
  microbenchmarks behind lab-02's prediction, and the JSON it writes.
"""
