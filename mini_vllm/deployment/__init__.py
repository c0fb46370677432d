"""Reading a real deployment: what a vLLM log says, and the capture ladder its traffic wants.

`facts` holds the types (provided to lab-07), `log_reader` decodes a start-up log and
`graph_stats` turns vLLM's own `--cudagraph-metrics` tables into traffic and padding (lab-07's
answers), `evidence` reads the other sources of traffic (a Prometheus scrape, a CSV), and
`check` holds a log's facts against what `mini_vllm` predicts for the same config. Nothing here
imports torch or vLLM: a log is text.
"""
