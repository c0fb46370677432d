"""Lab 06 spec: split at attention like vLLM, compile the pieces, cache them across processes.

Oracles are computed here: op counts by walking the FX graph in this file, piece layouts from
the runs of a pattern string, launch counts by lab-01's arithmetic, eager outputs by running
the model uncompiled. torch is imported inside the helpers, so collecting this file never
needs it; every test carries the `torch` marker (skipped without torch, a failure under
LAB_REQUIRE_TORCH=1). The implementation under test arrives through the `lab` fixture.
"""

from __future__ import annotations

import copy
import functools
import itertools
import os
from pathlib import Path

import pytest

from mini_vllm.grading.messages import naming

pytestmark = pytest.mark.torch

ATTENTION = "minivllm::attention"
HIDDEN, TOKENS, HEADS = 32, 6, 4


# --- helpers: the oracles and the graphs they are checked on ----------------------------------


def is_op(node) -> bool:
    return node.op in ("call_function", "call_method")


def ops_in(gm) -> int:
    return sum(is_op(n) for n in gm.graph.nodes)


def is_attention(node) -> bool:
    """Our own matcher, independent of the lab's should_split."""
    import torch

    target = node.target
    if node.op != "call_function" or not isinstance(target, (torch._ops.OpOverloadPacket, torch._ops.OpOverload)):
        return False
    packet = target if isinstance(target, torch._ops.OpOverloadPacket) else target.overloadpacket
    return packet._qualified_op_name == ATTENTION


def attention_calls(gm) -> int:
    return sum(is_attention(n) for n in gm.graph.nodes)


def op_sequence(gm) -> list[str]:
    return [f"{n.op}:{getattr(n.target, '__name__', n.target)}" for n in gm.graph.nodes if is_op(n)]


@functools.cache
def _trace(layers: int, hidden: int) -> tuple:
    """The FX graph Dynamo hands a backend for splittable_decoder(layers, hidden), and its inputs."""
    import torch

    from mini_vllm.compilation.splittable_decoder import splittable_decoder

    captured = []

    def capture(gm, example_inputs):
        captured.append((gm, list(example_inputs)))
        return gm.forward

    torch._dynamo.reset()
    with torch.no_grad():
        torch.compile(splittable_decoder(layers, hidden), backend=capture, fullgraph=True, dynamic=False)(
            torch.randn(TOKENS, hidden))
    return captured[0]


def decoder_graph(layers: int, hidden: int = HIDDEN) -> tuple:
    """A private copy of the traced graph (a wrong implementation may edit what it is given)."""
    gm, example_inputs = _trace(layers, hidden)
    return copy.deepcopy(gm), example_inputs


def pattern_graph(pattern: str):
    """'CCAAC' -> a graph of tanh (C) and minivllm::attention (A) calls, in that order."""
    import torch

    import mini_vllm.compilation.splittable_decoder  # noqa: F401  (registers minivllm::attention)

    graph = torch.fx.Graph()
    x = graph.placeholder("x")
    for c in pattern:
        if c == "A":
            x = graph.call_function(torch.ops.minivllm.attention.default, (x, x, x, 2))
        else:
            x = graph.call_function(torch.tanh, (x,))
    graph.output((x,))
    return torch.fx.GraphModule(torch.nn.Module(), graph)


def small_input():
    """An input for pattern_graph: 4 tokens of width 8 (attention with 2 heads of 4)."""
    import torch

    return torch.randn(4, 8, generator=torch.Generator().manual_seed(0))


def run_graph(fn, example_inputs):
    import torch

    with torch.no_grad():
        return fn(*example_inputs)


# --- count_ops ---------------------------------------------------------------------------------


def hand_graph():
    """placeholder, call_module, call_method, get_attr, 2 x call_function, call_method, output."""
    import torch

    class Hand(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(4, 4)
            self.scale = torch.nn.Parameter(torch.ones(4))

        def forward(self, x):
            y = self.lin(x).relu() * self.scale
            return torch.tanh(y).sum(-1)

    return torch.fx.symbolic_trace(Hand())


def test_count_ops_counts_function_and_method_calls(lab):
    gm = hand_graph()
    kinds = [n.op for n in gm.graph.nodes]
    assert lab.count_ops(gm) == 4, (
        f"nodes are {kinds}: 2 call_function (mul, tanh) + 2 call_method (relu, sum) = 4 ops; "
        f"got {lab.count_ops(gm)}. Placeholders, get_attr, call_module and output are not ops."
    )


@pytest.mark.parametrize("layers", [1, 3])
def test_count_ops_on_the_decoder(lab, layers):
    gm, _ = decoder_graph(layers)
    assert lab.count_ops(gm) == ops_in(gm), (
        f"{layers}-layer decoder: {ops_in(gm)} call_function + call_method nodes, got {lab.count_ops(gm)}"
    )


# --- should_split -------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["packet", "overload"])
def test_should_split_matches_the_attention_op(lab, form):
    import torch

    import mini_vllm.compilation.splittable_decoder  # noqa: F401

    op = torch.ops.minivllm.attention
    target = op if form == "packet" else op.default
    graph = torch.fx.Graph()
    x = graph.placeholder("x")
    node = graph.call_function(target, (x, x, x, 2))
    assert lab.should_split(node, [ATTENTION]), (
        f"a call_function on {target!r} (an OpOverload{'Packet' if form == 'packet' else ''}) "
        f"must match splitting op {ATTENTION!r}: Dynamo graphs hold packets, aten graphs overloads"
    )


def _decoys():
    import torch

    def attention(x):  # a Python function that merely has the name
        return x

    graph = torch.fx.Graph()
    x = graph.placeholder("attention")
    return {
        "aten::scaled_dot_product_attention": graph.call_function(
            torch.ops.aten.scaled_dot_product_attention.default, (x, x, x)),
        "python function named attention": graph.call_function(attention, (x,)),
        "call_method named attention": graph.call_method("attention", (x,)),
        "placeholder named attention": x,
        "torch.tanh": graph.call_function(torch.tanh, (x,)),
    }


@pytest.mark.parametrize("decoy", ["aten::scaled_dot_product_attention", "python function named attention",
                                   "call_method named attention", "placeholder named attention", "torch.tanh"])
def test_should_split_ignores_other_nodes(lab, decoy):
    node = _decoys()[decoy]
    assert not lab.should_split(node, [ATTENTION]), (
        f"{decoy} is not {ATTENTION}: only a call_function on that registered op splits "
        "(compare qualified op names exactly, not substrings of a name)"
    )


# --- split_graph --------------------------------------------------------------------------------


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_n_layers_give_n_plus_1_compiled_pieces(lab, layers):
    gm, _ = decoder_graph(layers)
    _, items = lab.split_graph(gm, [ATTENTION])
    compiled = [i for i in items if not i.is_splitting_graph]
    islands = [i for i in items if i.is_splitting_graph]
    assert (len(compiled), len(islands)) == (layers + 1, layers), (
        f"{layers} attention layers: expected {layers + 1} compiled pieces around {layers} eager "
        f"attention islands, got {len(compiled)} and {len(islands)} (OPT-125m: 12 layers, 13 pieces)"
    )


@pytest.mark.parametrize("layers", [2, 3])
def test_each_attention_call_is_alone_in_its_piece(lab, layers):
    gm, _ = decoder_graph(layers)
    _, items = lab.split_graph(gm, [ATTENTION])
    for item in items:
        calls = attention_calls(item.graph)
        if item.is_splitting_graph:
            assert calls == 1 and ops_in(item.graph) == 1, (
                f"{item.submod_name} is a splitting piece with {ops_in(item.graph)} ops, {calls} of "
                "them attention: it must hold the attention call and nothing else"
            )
        else:
            assert calls == 0, f"compiled piece {item.submod_name} holds {calls} attention call(s)"


@pytest.mark.parametrize("layers", [1, 3])
def test_piece_op_counts_sum_to_the_whole_graph(lab, layers):
    gm, _ = decoder_graph(layers)
    _, items = lab.split_graph(gm, [ATTENTION])
    per_piece = [ops_in(i.graph) for i in items]
    assert sum(per_piece) == ops_in(gm), (
        f"the pieces hold {per_piece} ops, sum {sum(per_piece)}; the graph has {ops_in(gm)}: "
        "splitting must neither lose nor duplicate an op"
    )


def test_pieces_keep_graph_order(lab):
    gm = pattern_graph("CA" * 5 + "C")  # 11 pieces, so submod_10 exists
    split_gm, items = lab.split_graph(gm, [ATTENTION])
    ids = [i.graph_id for i in items]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), (
        f"items must come in graph order (by integer id); got ids {ids}. "
        "Sorting by name puts submod_10 before submod_2."
    )
    pieces_in_order = list(itertools.chain.from_iterable(op_sequence(i.graph) for i in items))
    assert pieces_in_order == op_sequence(gm), "reading the pieces in order must replay the graph's ops in order"
    called = [n.target for n in split_gm.graph.nodes if n.op == "call_module"]
    assert called == [i.submod_name for i in items], f"the split graph calls {called}: not the items' order"
    names = [(i.submod_name, i.graph_id) for i in items]
    assert all(name == f"submod_{gid}" for name, gid in names), (
        f"each piece is the child submod_<graph_id> of the split graph; got (name, id) pairs {names}"
    )


def branching_graph():
    """tanh(x) -> attention and cos(x) -> attention, added: the cos piece does not need the first island."""
    import torch

    import mini_vllm.compilation.splittable_decoder  # noqa: F401  (registers minivllm::attention)

    graph = torch.fx.Graph()
    x = graph.placeholder("x")
    branches = []
    for op in (torch.tanh, torch.cos):  # in this order: tanh | attention | cos | attention | add
        y = graph.call_function(op, (x,))
        branches.append(graph.call_function(torch.ops.minivllm.attention.default, (y, y, y, 2)))
    graph.output((graph.call_function(torch.add, tuple(branches)),))
    return torch.fx.GraphModule(torch.nn.Module(), graph)


def test_branching_pieces_are_called_in_graph_order(lab):
    import torch

    gm = branching_graph()
    split_gm, items = lab.split_graph(gm, [ATTENTION])
    called = [n.target for n in split_gm.graph.nodes if n.op == "call_module"]
    assert called == [i.submod_name for i in items], (
        f"the split graph must call its pieces in graph order, {[i.submod_name for i in items]}, even where a "
        f"later piece does not depend on an earlier one; it calls {called} (split_module reorders the "
        "pieces by their dependencies unless told to keep the original order)"
    )
    x = small_input()
    assert torch.allclose(run_graph(split_gm, [x])[0], run_graph(gm, [x])[0]), "the split graph computes something else"


def test_split_graph_computes_what_the_graph_computes(lab):
    import torch

    gm, example_inputs = decoder_graph(2)
    split_gm, _ = lab.split_graph(gm, [ATTENTION])
    want, got = run_graph(gm, example_inputs), run_graph(split_gm, example_inputs)
    assert all(torch.allclose(w, g) for w, g in zip(want, got, strict=True)), "split graph output differs"


def expected_layout(pattern: str) -> list[tuple[bool, int]]:
    """(is_splitting_graph, ops) per piece: one piece per run of equal letters."""
    return [(c == "A", len(list(run))) for c, run in itertools.groupby(pattern)]


@pytest.mark.parametrize("pattern", ["CACC", "CCACCACC", "ACC", "CCA", "ACACA", "CCC"])
def test_split_layout_follows_the_graph(lab, pattern):
    _, items = lab.split_graph(pattern_graph(pattern), [ATTENTION])
    got = [(i.is_splitting_graph, ops_in(i.graph)) for i in items]
    assert got == expected_layout(pattern), (
        f"{pattern}: expected pieces (is_splitting, ops) {expected_layout(pattern)}, got {got}"
    )


@pytest.mark.parametrize("pattern", ["CAAC", "CCAAACC", "AAC", "CAACAAC"])
def test_back_to_back_splitting_ops_share_one_piece(lab, pattern):
    _, items = lab.split_graph(pattern_graph(pattern), [ATTENTION])
    got = [(i.is_splitting_graph, ops_in(i.graph)) for i in items]
    assert got == expected_layout(pattern), (
        f"{pattern}: consecutive splitting ops form one eager island (upstream: kv-cache update + "
        f"attention); expected {expected_layout(pattern)}, got {got}"
    )


def test_a_getitem_stays_with_the_splitting_op_it_unpacks(lab):
    import operator

    import torch

    import mini_vllm.compilation.splittable_decoder  # noqa: F401

    graph = torch.fx.Graph()
    x = graph.placeholder("x")
    x = graph.call_function(torch.tanh, (x,))
    attended = graph.call_function(torch.ops.minivllm.attention.default, (x, x, x, 2))
    row = graph.call_function(operator.getitem, (attended, 0))  # unpacks the splitting op's result
    graph.output((graph.call_function(torch.tanh, (row,)),))
    gm = torch.fx.GraphModule(torch.nn.Module(), graph)
    split_gm, items = lab.split_graph(gm, [ATTENTION])
    got = [(i.is_splitting_graph, ops_in(i.graph)) for i in items]
    assert got == [(False, 1), (True, 2), (False, 1)], (
        "tanh, attention, getitem(attention, 0), tanh: the getitem stays in the island of the op it "
        f"unpacks, so the pieces (is_splitting, ops) are [(False, 1), (True, 2), (False, 1)]; got {got}"
    )
    want, got_out = run_graph(gm, [small_input()]), run_graph(split_gm, [small_input()])
    assert torch.allclose(want[0], got_out[0]), "the split graph must compute what the graph computes"


# --- the backend --------------------------------------------------------------------------------


@pytest.mark.parametrize("compiler", ["eager", pytest.param("aot_eager", marks=pytest.mark.slow)])
def test_compiled_decoder_matches_eager(lab, compiler):
    import torch

    from mini_vllm.compilation.splittable_decoder import splittable_decoder

    model = splittable_decoder(2)
    torch._dynamo.reset()
    compiled = torch.compile(model, backend=lab.PiecewiseBackend(compiler=compiler), fullgraph=True, dynamic=False)
    for seed in range(2):
        x = torch.randn(TOKENS, HIDDEN, generator=torch.Generator().manual_seed(seed))
        with torch.no_grad():
            want, got = model(x), compiled(x)
        assert torch.allclose(got, want, atol=1e-5), (
            f"call {seed}: compiled ({compiler}) output differs from eager by "
            f"{(got - want).abs().max():.2e}"
        )


@pytest.mark.parametrize("layers", [1, 3])
def test_backend_reports_ops_and_pieces(lab, layers):
    gm, example_inputs = decoder_graph(layers)
    want = ops_in(gm)
    backend = lab.PiecewiseBackend()
    backend(gm, example_inputs)
    assert backend.num_ops == want, f"num_ops: expected {want} FX ops, got {backend.num_ops}"
    assert len(backend.items) == 2 * layers + 1, (
        f"{layers} layers: {layers + 1} compiled pieces + {layers} islands expected, got {len(backend.items)}"
    )


@pytest.mark.parametrize("layers", [1, 3])
def test_only_non_attention_pieces_are_compiled(lab, layers):
    gm, example_inputs = decoder_graph(layers)
    seen = []

    def spy(piece, piece_inputs):
        seen.append((attention_calls(piece), len(piece_inputs),
                     sum(n.op == "placeholder" for n in piece.graph.nodes)))
        return piece

    out = lab.PiecewiseBackend(compiler=spy)(gm, example_inputs)
    assert len(seen) == layers + 1, f"the compiler must see the {layers + 1} compiled pieces once each, saw {len(seen)}"
    assert all(calls == 0 for calls, _, _ in seen), (
        "the compiler was handed a piece holding attention: attention islands run eagerly, uncompiled"
    )
    assert all(given == wanted for _, given, wanted in seen), (
        f"each piece must be compiled with one example input per placeholder: (attention, given, wanted) {seen}"
    )
    run_graph(out, example_inputs)


@pytest.mark.parametrize("name", ["minivllm::atention", "attention", "nosuchns::attention",
                                  "minivllm::attention.nosuchoverload"])
def test_unknown_splitting_op_is_a_value_error(lab, name):
    import mini_vllm.compilation.splittable_decoder  # noqa: F401

    with pytest.raises(ValueError, match=naming("splitting_ops")):
        lab.PiecewiseBackend(splitting_ops=[name])


@pytest.mark.parametrize("splitting_ops", [ATTENTION, [ATTENTION, 7], None],
                         ids=["bare-string", "non-str-entry", "none"])
def test_splitting_ops_of_the_wrong_type_is_a_type_error(lab, splitting_ops):
    import mini_vllm.compilation.splittable_decoder  # noqa: F401

    with pytest.raises(TypeError, match=naming("splitting_ops")):
        lab.PiecewiseBackend(splitting_ops=splitting_ops)


def test_a_callable_compiler_with_a_cache_dir_is_a_value_error(lab, tmp_path):
    import mini_vllm.compilation.splittable_decoder  # noqa: F401  (registers minivllm::attention)

    with pytest.raises(ValueError, match=naming("cache_dir")):
        lab.PiecewiseBackend(compiler=lambda piece, example_inputs: piece, cache_dir=tmp_path)


def test_a_new_backend_starts_empty(lab):
    import mini_vllm.compilation.splittable_decoder  # noqa: F401  (registers minivllm::attention)

    backend = lab.PiecewiseBackend()
    state = {name: getattr(backend, name, "missing") for name in
             ("num_ops", "items", "hits", "misses", "compile_seconds", "load_seconds", "seconds_saved")}
    assert state == {"num_ops": 0, "items": [], "hits": 0, "misses": 0, "compile_seconds": 0,
                     "load_seconds": 0, "seconds_saved": 0}, f"before any call the state is 0 and []; got {state}"


def test_graph_without_attention_is_a_value_error(lab):
    import torch

    gm = pattern_graph("CCC")
    with pytest.raises(ValueError, match=naming("splitting_ops")):
        lab.PiecewiseBackend()(gm, [torch.randn(4, 8)])


def test_unknown_compiler_is_a_value_error(lab):
    with pytest.raises(ValueError, match=naming("compiler")):
        lab.PiecewiseBackend(compiler="tensorrt")


def test_without_a_cache_every_compiled_piece_is_a_miss(lab):
    gm, example_inputs = pattern_graph("CACAC"), [small_input()]
    backend = lab.PiecewiseBackend(compiler="eager")
    for _ in range(2):
        backend(copy.deepcopy(gm), example_inputs)
    assert (backend.hits, backend.misses, backend.seconds_saved) == (0, 6, 0), (
        "no cache_dir: nothing can be found, so each of the 3 compiled pieces is a miss on each of "
        f"the 2 calls (misses add up over calls); got hits={backend.hits}, misses={backend.misses}, "
        f"seconds_saved={backend.seconds_saved}"
    )


# --- the compile cache --------------------------------------------------------------------------

@pytest.mark.parametrize("factor", ["config", "graph", "input shapes"])
def test_cache_key_changes_with_each_factor(lab, factor):
    gm, example_inputs = decoder_graph(2)
    config = {"splitting_ops": [ATTENTION], "compiler": "eager"}
    base = lab.cache_key(gm, example_inputs, config)
    assert lab.cache_key(copy.deepcopy(gm), list(example_inputs), dict(config)) == base, (
        "the same graph, inputs and config must give the same key"
    )
    if factor == "config":
        other = lab.cache_key(gm, example_inputs, {**config, "compiler": "inductor"})
    elif factor == "graph":
        other = lab.cache_key(*decoder_graph(3), config)
    else:
        other = lab.cache_key(*decoder_graph(2, 2 * HIDDEN), config)
    assert other != base, f"changing the {factor} must change the key (both gave {base!r})"


def test_cache_key_is_10_hex_digits(lab):
    key = lab.cache_key(*decoder_graph(1), {"splitting_ops": [ATTENTION], "compiler": "eager"})
    assert isinstance(key, str) and len(key) == 10 and set(key) <= set("0123456789abcdef"), (
        f"the key names a directory: 10 lowercase hex digits of a sha256, as upstream keeps; got {key!r}"
    )


def test_the_index_records_each_compiled_piece(lab, tmp_path):
    from mini_vllm.compilation.cache_files import read_index

    gm, example_inputs = pattern_graph("CACAC"), [small_input()]
    backend = lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
    backend(gm, example_inputs)
    (directory,) = [d for d in tmp_path.iterdir() if d.is_dir()]
    index = read_index(directory)
    compiled_ids = sorted(str(i.graph_id) for i in backend.items if not i.is_splitting_graph)
    assert sorted(index) == compiled_ids, (
        f"the index maps each compiled piece's id, as a string, to its entry: ids {compiled_ids}, got {sorted(index)}"
    )
    for piece, entry in index.items():
        assert entry.get("compiler") == "eager" and entry.get("artifact") is None, (
            f"piece {piece}: an eager piece is recorded as {{'compiler': 'eager', 'artifact': None, ...}}; got {entry}"
        )
    assert sum(e["compile_seconds"] for e in index.values()) == pytest.approx(backend.compile_seconds), (
        f"the entries' compile_seconds must add up to the backend's compile_seconds ({backend.compile_seconds}); "
        f"got {[e['compile_seconds'] for e in index.values()]}"
    )


def test_a_cache_hit_computes_what_the_graph_computes(lab, tmp_path):
    import torch

    gm, example_inputs = pattern_graph("CACAC"), [small_input()]
    want = run_graph(copy.deepcopy(gm), example_inputs)
    lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)(copy.deepcopy(gm), example_inputs)
    backend = lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
    got = run_graph(backend(copy.deepcopy(gm), example_inputs), example_inputs)
    assert backend.hits == 3, f"control: the second compile must hit all 3 pieces; got hits={backend.hits}"
    assert all(torch.allclose(w, g) for w, g in zip(want, got, strict=True)), (
        "after 3 hits the returned callable computes something else than the graph: a hit must install "
        "the loaded piece (for eager, the traced piece itself)"
    )


def test_compile_and_load_seconds_fit_inside_the_calls(lab, tmp_path):
    import time

    gm, example_inputs = pattern_graph("CACAC"), [small_input()]
    first = lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
    start = time.perf_counter()
    first(copy.deepcopy(gm), example_inputs)
    first_call = time.perf_counter() - start
    second = lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
    start = time.perf_counter()
    second(copy.deepcopy(gm), example_inputs)
    second_call = time.perf_counter() - start
    got = {"compile_seconds": (first.compile_seconds, second.compile_seconds),
           "load_seconds": (first.load_seconds, second.load_seconds)}
    assert 0 < first.compile_seconds <= first_call and second.compile_seconds == 0, (
        f"compile_seconds is time spent compiling, inside the call ({first_call:.4f} s), none on 3 hits; got {got}"
    )
    assert first.load_seconds == 0 and 0 <= second.load_seconds <= second_call, (
        f"load_seconds is time spent loading hits, inside the call ({second_call:.4f} s); got {got}"
    )


def test_an_entry_whose_artifact_is_gone_is_a_miss(lab, tmp_path):
    from mini_vllm.compilation.cache_files import read_index, write_index

    gm, example_inputs = pattern_graph("CACAC"), [small_input()]
    lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)(copy.deepcopy(gm), example_inputs)
    (directory,) = [d for d in tmp_path.iterdir() if d.is_dir()]
    index = read_index(directory)
    assert len(index) == 3, f"the first run must record its 3 compiled pieces in the index; got {index}"
    write_index(directory, {piece: {**entry, "artifact": "deleted_artifact"} for piece, entry in index.items()})
    backend = lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
    backend(gm, example_inputs)
    assert (backend.hits, backend.misses) == (0, 3), (
        "each entry now names an artifact file that does not exist: a hit needs the entry *and* its "
        f"artifact file, so all 3 pieces miss; got hits={backend.hits}, misses={backend.misses}"
    )


@pytest.mark.slow
def test_cache_hits_in_a_fresh_process(lab, lab_in_a_fresh_process, tmp_path):
    gm, example_inputs = pattern_graph("CACAC"), [small_input()]
    first = lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
    first(copy.deepcopy(gm), example_inputs)
    assert (first.hits, first.misses) == (0, 3), (
        f"an empty cache: 3 compiled pieces, all misses; got hits={first.hits}, misses={first.misses}"
    )
    second = lab_in_a_fresh_process.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
    run_graph(second, [gm, example_inputs])
    got = (second.hits, second.misses)
    assert got == (3, 0), (
        f"a fresh process (its own salt for Python's hash()) compiling the same graph must find all 3 pieces "
        f"on disk; got (hits, misses) = {got}. Is the key stable across processes (sha256, not hash())?"
    )
    assert second.seconds_saved == pytest.approx(first.compile_seconds, rel=1e-6), (
        f"seconds_saved must be what the hits cost to compile the first time "
        f"({first.compile_seconds:.6f} s); got {second.seconds_saved}"
    )


def two_inductor_pieces():
    """x -> mm(sin x, x) | attention | mm(a, sin a): two compiled pieces that differ, on (4, 4) inputs.

    Both pieces compute on the same shape and share their one fused kernel (sin), so Inductor
    runs the C++ compiler once; swapping their artifacts changes the result.
    """
    import torch

    import mini_vllm.compilation.splittable_decoder  # noqa: F401  (registers minivllm::attention)

    graph = torch.fx.Graph()
    x = graph.placeholder("x")
    a = graph.call_function(torch.mm, (graph.call_function(torch.sin, (x,)), x))
    a = graph.call_function(torch.ops.minivllm.attention.default, (a, a, a, 2))
    graph.output((graph.call_function(torch.mm, (a, graph.call_function(torch.sin, (a,)))),))
    return torch.fx.GraphModule(torch.nn.Module(), graph), [torch.randn(4, 4, generator=torch.Generator().manual_seed(0))]


@pytest.mark.slow
@pytest.mark.timeout(300)  # Inductor's first compile in a process probes the CPU with gcc: ~20 s at rest, minutes under load
def test_cache_with_inductor_saves_each_piece_and_a_hit_loads_it(lab, tmp_path):
    import shutil

    if not any(shutil.which(cxx) for cxx in (os.environ.get("CXX", ""), "g++", "clang++", "c++") if cxx):
        pytest.skip("Inductor compiles C++ on the CPU and no C++ compiler is on PATH (install g++, or set CXX)")
    import torch

    from mini_vllm.compilation.cache_files import read_index, write_index
    from mini_vllm.grading.probe import in_graded_process

    gm, example_inputs = two_inductor_pieces()
    first = lab.PiecewiseBackend(compiler="inductor", cache_dir=tmp_path)
    got = run_graph(first(copy.deepcopy(gm), example_inputs), example_inputs)
    assert torch.allclose(got[0], run_graph(gm, example_inputs)[0], atol=1e-5), (
        "compiled with Inductor, the returned callable must compute what the graph computes")
    (directory,) = [d for d in tmp_path.iterdir() if d.is_dir()]
    set_to = in_graded_process(lab, "mini_vllm.grading.instruments:environment", "TORCHINDUCTOR_CACHE_DIR")
    assert Path(set_to or "unset") == directory / "inductor_cache", (
        "with a cache_dir and Inductor, keep_inductor_cache(compiler, directory) points TORCHINDUCTOR_CACHE_DIR "
        f"at {directory / 'inductor_cache'}; got {set_to}")
    index = read_index(directory)
    artifacts = sorted(str(e.get("artifact")) for e in index.values())
    assert len(index) == 2 and len(set(artifacts)) == 2 and all((directory / a).is_file() for a in artifacts), (
        "each Inductor piece is saved (store_artifact) to its own file inside the directory, which its entry "
        f"names; got the index {index} and the files {sorted(p.name for p in directory.iterdir())}")

    # Swap the two entries' artifacts: a hit that loads what its entry names now computes the pieces
    # in the other order; one that compiles again (or runs the traced piece) computes the graph.
    ids = sorted(index, key=int)
    write_index(directory, {ids[0]: {**index[ids[0]], "artifact": index[ids[1]]["artifact"]},
                            ids[1]: {**index[ids[1]], "artifact": index[ids[0]]["artifact"]}})
    second = lab.PiecewiseBackend(compiler="inductor", cache_dir=tmp_path)
    in_graded_process(lab, "mini_vllm.grading.instruments:time_artifact_loads", 0.01)  # each load: 10 ms more
    try:
        got = run_graph(second(copy.deepcopy(gm), example_inputs), example_inputs)
        spent = in_graded_process(lab, "mini_vllm.grading.instruments:artifact_load_times")
    finally:
        in_graded_process(lab, "mini_vllm.grading.instruments:stop_timing_artifact_loads")
    assert (second.hits, second.misses, second.compile_seconds) == (2, 0, 0), (
        f"the same graph and config again: both pieces hit; got hits={second.hits}, misses={second.misses}, "
        f"compile_seconds={second.compile_seconds}")
    x = example_inputs[0]
    a = torch.ops.minivllm.attention(*[torch.mm(x, torch.sin(x))] * 3, 2)
    swapped = torch.mm(torch.sin(a), a)
    assert torch.allclose(got[0], swapped, atol=1e-5), (
        "after swapping the two entries' artifact files, a hit must run the artifact its entry names "
        "(load_artifact), not compile the piece again")
    assert second.load_seconds >= 0.999 * sum(spent), (
        f"load_seconds adds up the time spent loading every hit: the 2 loads took {sum(spent):.4f} s "
        f"({', '.join(f'{s:.4f}' for s in spent)}); got load_seconds={second.load_seconds:.4f}")


@pytest.mark.parametrize("change", [{"compiler": "aot_eager"},
                                    {"splitting_ops": [ATTENTION, "aten::scaled_dot_product_attention"]}],
                         ids=["compiler", "splitting_ops"])
def test_cache_misses_when_config_changes(lab, tmp_path, change):
    gm, example_inputs = pattern_graph("CACAC"), [small_input()]
    for _ in range(2):
        same = lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
        same(copy.deepcopy(gm), example_inputs)
    assert (same.hits, same.misses) == (3, 0), f"control: the same config must hit; got {same.hits}, {same.misses}"
    changed = lab.PiecewiseBackend(**{"compiler": "eager", **change}, cache_dir=tmp_path)
    changed(gm, example_inputs)
    assert (changed.hits, changed.misses) == (0, 3), (
        f"the config changed ({change}) while the pieces did not: the key must cover the config, "
        f"so all 3 pieces miss; got hits={changed.hits}, misses={changed.misses}"
    )


@pytest.mark.parametrize("model", [(3, HIDDEN), (2, 2 * HIDDEN)], ids=["more-layers", "wider-same-code"])
def test_cache_misses_when_model_changes(lab, tmp_path, model):
    gm, example_inputs = decoder_graph(2)
    lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)(gm, example_inputs)
    layers, hidden = model
    other, other_inputs = decoder_graph(layers, hidden)
    backend = lab.PiecewiseBackend(compiler="eager", cache_dir=tmp_path)
    backend(other, other_inputs)
    assert (backend.hits, backend.misses) == (0, layers + 1), (
        f"{layers} layers, hidden {hidden}: a different model must miss all {layers + 1} pieces; "
        f"got hits={backend.hits}, misses={backend.misses}. A wider model traces to the same code "
        "with other shapes: the key needs the input shapes too"
    )


# --- launch accounting --------------------------------------------------------------------------


def decoder_layout(layers: int) -> str:
    """The traced decoder's ops in order as a pattern: A for an attention call, C for any other op."""
    gm, _ = decoder_graph(layers)
    return "".join("A" if is_attention(n) else "C" for n in gm.graph.nodes if is_op(n))


@pytest.mark.parametrize("layers, steps", [(2, 1), (2, 10), (3, 100)])
def test_launch_accounting_matches_lab_01(lab, layers, steps):
    pattern = decoder_layout(layers)
    items = hand_items(lab, pattern)  # the decoder's layout, never through the lab's split_graph
    ops, pieces, attention = len(pattern), layers + 1, layers
    want = {"eager": steps * ops, "piecewise": ops + (steps - 1) * (pieces + attention)}
    got = lab.launch_accounting(items, steps)
    assert got == want, (
        f"{layers} layers ({ops} ops), {steps} steps: eager pays {ops}/step; piecewise pays one eager "
        f"pass to capture, then {pieces} replays + {attention} live attention ops per step. "
        f"Expected {want}, got {got}"
    )


@pytest.mark.parametrize("steps", [0, -1, 2.5])
def test_launch_accounting_rejects_bad_steps(lab, steps):
    with pytest.raises(ValueError, match=naming("steps")):
        lab.launch_accounting(hand_items(lab, "CAC"), steps)


def hand_items(lab, pattern: str) -> list:
    """SplitItems built here, one per run of equal letters: never through the lab's split_graph."""
    runs = [(c, len(list(run))) for c, run in itertools.groupby(pattern)]
    return [lab.SplitItem(f"submod_{i}", i, c == "A", pattern_graph(c * n)) for i, (c, n) in enumerate(runs)]


def piecewise_oracle(pattern: str) -> int:
    """One replay per run of compiled ops (C), one live launch per splitting op (A)."""
    return sum(len(list(run)) if c == "A" else 1 for c, run in itertools.groupby(pattern))


@pytest.mark.parametrize("pattern", ["CACAC", "CAAC", "AAC", "CCA", "CCAAACC"])
def test_launches_per_step_none_is_every_op(lab, pattern):
    got = lab.launches_per_step(hand_items(lab, pattern), "NONE")
    assert got == len(pattern), f"{pattern}: eager launches every one of its {len(pattern)} ops; got {got}"


@pytest.mark.parametrize("pattern", ["CACAC", "CAAC", "C"])
def test_launches_per_step_full_is_one_replay(lab, pattern):
    got = lab.launches_per_step(hand_items(lab, pattern), "FULL")
    assert got == 1, f"{pattern}: FULL replays the whole step as one graph, 1 launch; got {got}"


def test_launches_per_step_piecewise_on_the_decoder_layout(lab):
    got = lab.launches_per_step(hand_items(lab, "CACAC"), "PIECEWISE")
    assert got == 5, (
        f"CACAC (2 layers): 3 compiled pieces replayed + 2 attention ops live = 5; got {got}"
    )


@pytest.mark.parametrize("pattern", ["CAAC", "CCAAACC", "CAACAAAC", "AAC", "CCA"])
def test_adjacent_splitting_ops_each_launch_live(lab, pattern):
    want = piecewise_oracle(pattern)
    got = lab.launches_per_step(hand_items(lab, pattern), "PIECEWISE")
    assert got == want, (
        f"{pattern}: back-to-back splitting ops share one island, but each of them still runs live, "
        f"one launch each; compiled pieces replay as one launch. Expected {want}, got {got}"
    )


def test_no_splitting_op_makes_piecewise_a_full_graph(lab):
    _, items = lab.split_graph(pattern_graph("CCC"), ())
    assert [(i.is_splitting_graph, ops_in(i.graph)) for i in items] == [(False, 3)], (
        "split_graph with splitting_ops=() has nothing to cut at: one compiled piece of 3 ops"
    )
    got = {mode: lab.launches_per_step(items, mode) for mode in ("NONE", "PIECEWISE", "FULL")}
    assert got == {"NONE": 3, "PIECEWISE": 1, "FULL": 1}, (
        f"one compiled piece and no island: PIECEWISE replays it in 1 launch, the same as FULL; got {got}"
    )


def test_split_then_count_agrees_with_the_layout(lab):
    pattern = "CCAACAAAC"
    _, items = lab.split_graph(pattern_graph(pattern), [ATTENTION])
    got = lab.launches_per_step(items, "PIECEWISE")
    assert got == piecewise_oracle(pattern), f"{pattern}: expected {piecewise_oracle(pattern)}, got {got}"


@pytest.mark.parametrize(("mode", "items", "names"), [("full", "CAC", "mode"), ("EAGER", "CAC", "mode"),
                                                      ("NONE", "", "items")])
def test_launches_per_step_refuses_bad_input(lab, mode, items, names):
    with pytest.raises(ValueError, match=naming(names)):
        lab.launches_per_step(hand_items(lab, items), mode)


def test_launches_per_step_refuses_items_that_are_not_split_items(lab):
    items = [*hand_items(lab, "CA"), "submod_2"]
    with pytest.raises(TypeError, match=naming("items")):
        lab.launches_per_step(items, "PIECEWISE")


# --- §7 transfer: a stack of layers, counted without building it ---------------------------------


def stack_oracle(layer: str, num_layers: int, mode: str) -> int:
    """Built here: the stack's own pattern, one replay per run of C, one launch per A (small stacks)."""
    stack = layer * num_layers
    return {"NONE": len(stack), "FULL": 1, "PIECEWISE": piecewise_oracle(stack)}[mode]


# Layers the README never draws: a splitting op first, last, alone, doubled; no splitting op at all.
STACK_LAYERS = ["AC", "CA", "ACA", "A", "C", "CAAC", "AACCA", "CCACCAC"]


@pytest.mark.parametrize("num_layers", [1, 2, 5])
@pytest.mark.parametrize("layer", STACK_LAYERS)
def test_stacked_piecewise_launches_count_the_whole_stack(lab, layer, num_layers):
    want = stack_oracle(layer, num_layers, "PIECEWISE")
    got = lab.stacked_launches(layer, num_layers, "PIECEWISE")
    assert got == want, (
        f"{num_layers} x {layer!r} is the stack {layer * num_layers!r}: PIECEWISE pays {want}, got {got}. "
        "The stack is split as one graph: where do one layer's pieces end and the next layer's begin?"
    )


@pytest.mark.parametrize("mode", ["NONE", "FULL"])
@pytest.mark.parametrize("layer", ["CAAC", "A", "CCACCAC"])
def test_stacked_none_and_full_launches(lab, layer, mode):
    want = stack_oracle(layer, 3, mode)
    got = lab.stacked_launches(layer, 3, mode)
    assert got == want, f"3 x {layer!r} under {mode}: expected {want}, got {got}"


@pytest.mark.parametrize("layer", ["CAC", "AC", "CA", "CAAC", "A", "C"])
def test_stacked_launches_without_building_the_stack(lab, layer):
    num_layers = 10**18
    first, second = stack_oracle(layer, 1, "PIECEWISE"), stack_oracle(layer, 2, "PIECEWISE")
    want = first + (num_layers - 1) * (second - first)  # every further layer adds what the second did
    got = lab.stacked_launches(layer, num_layers, "PIECEWISE")
    assert got == want, (
        f"10**18 x {layer!r}: expected {want}, got {got}. A stack this deep cannot be built; "
        "the count has to come from one layer's pattern"
    )


@pytest.mark.parametrize(("layer", "num_layers", "mode", "error", "names"), [
    ("CAC", 2, "full", ValueError, "mode"),
    ("", 2, "PIECEWISE", ValueError, "layer"),
    ("CXA", 2, "PIECEWISE", ValueError, "layer"),
    ("cac", 2, "PIECEWISE", ValueError, "layer"),
    (["C", "A"], 2, "PIECEWISE", TypeError, "layer"),
    ("CAC", 0, "PIECEWISE", ValueError, "num_layers"),
    ("CAC", 2.5, "PIECEWISE", TypeError, "num_layers"),
    ("CAC", True, "PIECEWISE", TypeError, "num_layers"),
])
def test_stacked_launches_refuses_bad_input(lab, layer, num_layers, mode, error, names):
    with pytest.raises(error, match=naming(names)):
        lab.stacked_launches(layer, num_layers, mode)
