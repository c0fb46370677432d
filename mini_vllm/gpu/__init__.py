"""The GPU twin of the phase: a real decoder, a real CUDA-graph runner, a real benchmark.

Everything here needs torch (most of it a CUDA GPU too), so nothing in this package is imported by
`mini_vllm` or `mini_vllm.cli` at import time: the CPU labs stay torch-free. Import the modules
directly (`from mini_vllm.gpu.capturable_decoder import CapturableOptDecoder`).

- `capturable_decoder.py`: an OPT-125m-shaped decoder whose decode step has static shapes (a preallocated
  KV cache, positions as a device tensor), so it can be captured.
- `cuda_graph_runner.py`: `CudaGraphRunner`, lab-01's GraphRunner on `torch.cuda.CUDAGraph`.
- `bench.py`: the four-arm benchmark (eager, eager + graphs, compile, compile + graphs), the
  microbenchmarks behind lab-02's two predictions, and the JSON it writes.
- `cuda_graph_standin.py`: torch.cuda's graph API on CPU torch (record the ops, replay them on
  the same tensors, count pools), so the runner's tests run without a GPU.
- `runner_checks.py`: what lab-04's runner tests measure in the graded process (where its graphs
  are captured), returned by value for the tests to judge.
- `timeline.py`: one eager and one replayed step under torch.profiler, and its picture (the
  drawing needs only matplotlib).
- `piecewise.py`: lab-06's compiled pieces captured with the runner, attention live between them;
  launches per step for eager, PIECEWISE and FULL.
"""
