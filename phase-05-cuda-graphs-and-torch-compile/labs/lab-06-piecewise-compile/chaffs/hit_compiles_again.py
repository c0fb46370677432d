"""An Inductor hit compiles its piece again instead of loading the artifact its entry names."""

from mini_vllm.compilation import *
from mini_vllm.compilation import backend
from mini_vllm.compilation.compilers import compile_piece

CAUGHT_BY = ["test_cache_with_inductor_saves_each_piece_and_a_hit_loads_it"]


class PiecewiseBackend(backend.PiecewiseBackend):
    def _compile_or_load(self, item, example, index):
        compiled = super()._compile_or_load(item, example, index)
        return compile_piece(self.compiler, item.graph, example) if self.hits else compiled
