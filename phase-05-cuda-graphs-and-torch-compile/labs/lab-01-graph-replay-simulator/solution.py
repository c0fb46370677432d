"""Lab 01 reference: the capture/replay simulator lives in mini_vllm/graph_simulator.py.

One implementation, exposed here under the lab's API so the tests grade it like any other file.
"""

from mini_vllm.graph_simulator import (
    GraphEntry,
    GraphRunner,
    PiecewiseGraphRunner,
    eager,
    piecewise_launches,
)

__all__ = ["GraphEntry", "GraphRunner", "PiecewiseGraphRunner", "eager", "piecewise_launches"]
