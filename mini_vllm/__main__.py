"""`python -m mini_vllm`: the `mini-vllm` command, for when the script is not on PATH."""

from mini_vllm.cli import main

raise SystemExit(main())
