"""An index entry counts as a hit even when the artifact file it names is gone."""

from mini_vllm.compilation import *
from mini_vllm.compilation import backend

CAUGHT_BY = ["test_an_entry_whose_artifact_is_gone_is_a_miss"]


class PiecewiseBackend(backend.PiecewiseBackend):
    def _loadable(self, entry):
        return True

    def _compile_or_load(self, item, example, index):
        entry = index.get(str(item.graph_id))
        if entry is not None and entry["artifact"] is not None:
            index[str(item.graph_id)] = {**entry, "artifact": None}  # "load" the traced piece instead
        return super()._compile_or_load(item, example, index)
