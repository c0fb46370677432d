"""Reading a real deployment: what a vLLM log says, and the capture ladder its traffic wants.

`facts` holds the types (provided to lab-07), `log_reader` decodes a start-up log and
`graph_stats` turns vLLM's own `--cudagraph-metrics` tables into traffic and padding (lab-07's
answers), `evidence` reads any source of traffic (those tables, a Prometheus scrape, a CSV),
`tune` picks the ladder lab-05's `optimal_ladder` wants for it, and `check` holds a log's facts
against what `mini_vllm` predicts for the same config. Nothing here
imports torch or vLLM: a log is text.
"""
