"""splitting_ops given as one bare string (or with a non-str entry) refused as a ValueError, not a TypeError."""

from mini_vllm.compilation import *
from mini_vllm.compilation import backend

CAUGHT_BY = ["test_splitting_ops_of_the_wrong_type_is_a_type_error"]


class PiecewiseBackend(backend.PiecewiseBackend):
    def __init__(self, splitting_ops=DEFAULT_SPLITTING_OPS, compiler="eager", cache_dir=None):
        try:
            super().__init__(splitting_ops, compiler, cache_dir)
        except TypeError as err:
            raise ValueError(str(err)) from None
