"""Lab 05 spec: vLLM 0.22.1's capture-size ladder, the rung lookup, and what padding costs.

Every oracle is computed in this file: the stride rule written a second way (a filter over
1..max), rung lookups by linear scan, padding by hand, and the best ladder by brute force
over every subset. Rung counts and deployments are vLLM 0.22.1's own numbers
(deep dive §5, 01-deep-dive.md). The implementation arrives through the `lab` fixture.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from mini_vllm.grading.messages import naming

# Capture maxima that are not on the stride, plus the round ones: the off-stride ones are where
# a ladder and a separately computed eager cut-off disagree (nano-vllm's crash class).
OFF_STRIDE_MAXIMA = [1, 3, 8, 9, 12, 100, 255, 257, 500, 512]
SMALL_LADDER = [1, 2, 4, 8, 16, 24, 32, 40, 48]


def rule_ladder(max_size: int) -> list[int]:
    """vLLM 0.22.1's stride rule as a filter: 1, 2, 4; multiples of 8 below 256; of 16 from 256."""
    return [
        x for x in range(1, max_size + 1)
        if x in (1, 2, 4) or (x < 256 and x % 8 == 0) or (x >= 256 and x % 16 == 0)
    ]


def rule_deployment(max_num_seqs: int, tokens: int, user_max: int | None = None) -> list[int]:
    """_set_cudagraph_sizes' default path (vllm/config/vllm.py:1647-1708 at 0.22.1)."""
    top = min(2 * max_num_seqs, 512) if user_max is None else user_max
    top = min(top, tokens)
    ladder = rule_ladder(top)
    if tokens <= top and tokens not in ladder:
        ladder.append(tokens)
    return ladder


def first_difference(want: list[int], got) -> str:
    """Where two ladders part, instead of two whole lists to compare by eye."""
    got = list(got)
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            return f"rung {i} should be {w}, got {g} (expected {len(want)} rungs ending at {want[-1]})"
    if len(got) > len(want):
        return f"the expected {len(want)} rungs end at {want[-1]}, but {got[len(want)]} follows"
    return f"{got[-1] if got else 'nothing'} is followed by nothing; {want[len(got)]} is missing"


def rung_by_scan(batch: int, ladder: list[int]) -> int | None:
    for size in ladder:
        if size >= batch:
            return size
    return None


def padded_rows(weights: dict[int, float], ladder: list[int]) -> float:
    """Padding a ladder costs a traffic mix; batches above the top rung run eagerly, unpadded."""
    total = 0.0
    for batch, weight in weights.items():
        rung = rung_by_scan(batch, ladder)
        total += 0 if rung is None else weight * (rung - batch)
    return total


def brute_force_best(weights: dict[int, float], num_rungs: int, top: int) -> float:
    """Least padding over every ladder of <= num_rungs sizes in 1..top that ends at top."""
    best = padded_rows(weights, [top])
    for k in range(1, num_rungs):
        for lower in combinations(range(1, top), k):
            best = min(best, padded_rows(weights, [*lower, top]))
    return best


# --- §2 default_capture_sizes: vLLM 0.22.1's stride rule ------------------------------------


@pytest.mark.parametrize(("max_size", "rungs"), [(8, 4), (16, 5), (64, 11), (160, 23), (256, 35), (512, 51)])
def test_rung_counts_match_vllm_0_22_1(lab, max_size, rungs):
    got = lab.default_capture_sizes(max_size)
    assert len(got) == rungs, (
        f"default_capture_sizes({max_size}) must have {rungs} rungs as in vLLM 0.22.1, got "
        f"{len(got)}, ending at {list(got)[-1:]}. (A 23-rung ladder means a max of 160; 512 gives 51.)"
    )


@pytest.mark.parametrize("max_size", [*OFF_STRIDE_MAXIMA, 2, 4, 160, 256, 264, 1024])
def test_default_ladder_follows_the_stride_rule(lab, max_size):
    want = rule_ladder(max_size)
    got = lab.default_capture_sizes(max_size)
    assert list(got) == want, (
        f"default_capture_sizes({max_size}): {first_difference(want, got)}. The rule: 1, 2, 4, then "
        "every 8 from 8 up to 248, then every 16 from 256, all <= max (a user max may exceed 512)"
    )


def test_default_max_is_512(lab):
    got = lab.default_capture_sizes()
    assert list(got) == rule_ladder(512), (
        f"default_capture_sizes() must be the 512 ladder: {first_difference(rule_ladder(512), got)}")


@pytest.mark.parametrize("max_size", [1, 9, 100, 257, 512, 1024])
def test_default_ladder_is_sorted_and_unique(lab, max_size):
    got = list(lab.default_capture_sizes(max_size))
    bad = next(((a, b) for a, b in zip(got, got[1:]) if a >= b), None)
    assert bad is None, (
        f"default_capture_sizes({max_size}) must be strictly increasing (vLLM sorts a set of "
        f"sizes), but {bad[0]} is followed by {bad[1]}"
    )


@pytest.mark.parametrize("max_size", [0, -8, 2**20 + 1, 10**30])
def test_default_capture_sizes_rejects_a_max_out_of_range(lab, max_size):
    with pytest.raises(ValueError, match=naming("max_capture_size")):
        lab.default_capture_sizes(max_size)


# --- §3 padded_size and padding_waste: the rung a batch replays at --------------------------


@pytest.mark.parametrize(("batch", "rung"), [(33, 40), (32, 32), (1, 1), (3, 4), (5, 8), (9, 16),
                                             (249, 256), (256, 256), (257, 272), (511, 512),
                                             (512, 512), (513, None)])
def test_batch_pads_to_its_rung_on_the_512_ladder(lab, batch, rung):
    got = lab.padded_size(batch, rule_ladder(512))
    assert got == rung, (
        f"on vLLM 0.22.1's 512 ladder, batch {batch} must replay at {rung}, got {got}"
        + (" (above the top rung the batch runs eagerly: None)" if rung is None else "")
    )


def test_batch_pads_up_to_the_smallest_rung_at_least_it(lab):
    wrong = [(b, rung_by_scan(b, SMALL_LADDER), lab.padded_size(b, SMALL_LADDER))
             for b in range(1, SMALL_LADDER[-1] + 1)]
    wrong = [case for case in wrong if case[1] != case[2]]
    assert not wrong, (
        f"on {SMALL_LADDER}, (batch, expected rung, got): {wrong[:6]}. Padding goes up: a "
        "smaller graph cannot hold the batch, and a larger one than needed wastes rows"
    )


@pytest.mark.parametrize("rung", SMALL_LADDER)
def test_batch_equal_to_a_rung_is_not_padded(lab, rung):
    got = lab.padded_size(rung, SMALL_LADDER)
    assert got == rung, f"batch {rung} is itself a rung and must replay at {rung}, got {got} (>= not >)"


@pytest.mark.parametrize("batch", [49, 50, 64, 513, 10_000])
def test_batch_above_the_top_rung_runs_eagerly(lab, batch):
    got = lab.padded_size(batch, SMALL_LADDER)
    assert got is None, (
        f"batch {batch} is above the top rung {SMALL_LADDER[-1]}: no graph can hold it, so it "
        f"runs eagerly (None), got {got}. Clamping to the top rung would drop rows"
    )


@pytest.mark.parametrize("max_size", OFF_STRIDE_MAXIMA)
def test_eager_cutoff_is_the_ladders_own_top_rung(lab, max_size):
    ladder = rule_ladder(max_size)
    wrong = []
    for batch in range(1, max_size + 17):
        want = rung_by_scan(batch, ladder)
        got = lab.padded_size(batch, ladder)
        if got != want:
            wrong.append((batch, want, got))
    assert not wrong, (
        f"ladder for max {max_size} (top rung {ladder[-1]}): every batch up to the top rung "
        f"replays, everything above is eager (None). Wrong (batch, expected, got): {wrong[:5]}. "
        "A cut-off kept apart from the ladder (a literal 512, or the configured max) breaks "
        "on off-stride maxima"
    )


@pytest.mark.parametrize(("batch", "sizes", "arg"), [
    (0, [1, 2], "batch"), (-3, [1, 2], "batch"), (1, [], "sizes"), (1, [4, 2], "sizes"),
    (1, [2, 2, 4], "sizes"), (1, [0, 1], "sizes"),
])
def test_padded_size_rejects_bad_input(lab, batch, sizes, arg):
    with pytest.raises(ValueError, match=naming(arg)):
        lab.padded_size(batch, sizes)


@pytest.mark.parametrize(("batch", "sizes", "arg"), [
    (0, [1, 2], "batch"), (-3, [1, 2], "batch"), (1, [4, 2], "sizes"),
])
def test_padding_waste_rejects_bad_input(lab, batch, sizes, arg):
    with pytest.raises(ValueError, match=naming(arg)):
        lab.padding_waste(batch, sizes)


@pytest.mark.parametrize(("batch", "waste"), [(33, 7), (3, 1), (5, 3), (8, 0), (17, 7), (41, 7), (1, 0)])
def test_padding_waste_is_rung_minus_batch(lab, batch, waste):
    got = lab.padding_waste(batch, SMALL_LADDER)
    assert got == waste, f"batch {batch} on {SMALL_LADDER} computes {waste} padded rows, got {got}"


@pytest.mark.parametrize("batch", [49, 100])
def test_padding_waste_is_zero_for_an_eager_batch(lab, batch):
    got = lab.padding_waste(batch, SMALL_LADDER)
    assert got == 0, f"batch {batch} runs eagerly (above {SMALL_LADDER[-1]}): no padding, got {got}"


# --- §4 capture_sizes_for: the ladder a deployment captures ---------------------------------


@pytest.mark.parametrize(("max_num_seqs", "tokens", "rungs"), [
    (256, 8192, 51),     # LLM() on an L4 (under 70 GiB) or any A100 (0.22.1)
    (1024, 16384, 51),   # LLM() on an H100
    (128, 2048, 35),     # the fallback scheduler defaults
    (80, 8192, 23),      # the one natural 23-rung deployment
    (32, 8192, 11),
    (8, 8192, 5),
    (4, 8192, 4),
    (153, 153, 23),      # token budget 153: stride to 152, then 153 appended
])
def test_deployment_rung_counts(lab, max_num_seqs, tokens, rungs):
    got = lab.capture_sizes_for(max_num_seqs, tokens)
    assert len(got) == rungs, (
        f"max_num_seqs={max_num_seqs}, max_num_batched_tokens={tokens} captures {rungs} sizes in "
        f"vLLM 0.22.1, got {len(got)}, ending at {list(got)[-1:]}. The max is min(2 x max_num_seqs, 512, tokens)"
    )


@pytest.mark.parametrize(("max_num_seqs", "tokens", "user_max"), [
    (256, 8192, None), (1024, 16384, None), (80, 8192, None), (3, 8192, None), (100, 100, None),
    (256, 500, None), (153, 153, None), (256, 300, None), (256, 8192, 100), (256, 8192, 1024),
    (256, 600, 1024), (64, 8192, 1),
])
def test_deployment_ladder_matches_vllm(lab, max_num_seqs, tokens, user_max):
    want = rule_deployment(max_num_seqs, tokens, user_max)
    got = lab.capture_sizes_for(max_num_seqs, tokens, user_max)
    assert list(got) == want, (
        f"capture_sizes_for({max_num_seqs}, {tokens}, {user_max}): {first_difference(want, got)}. "
        "The 512 cap applies only to the default max; a user max is clipped by the token budget"
    )


@pytest.mark.parametrize("budget", OFF_STRIDE_MAXIMA)
def test_deployment_ladder_covers_every_batch_up_to_the_token_budget(lab, budget):
    got = list(lab.capture_sizes_for(budget, budget))
    assert got and got[-1] == budget, (
        f"with max_num_seqs = max_num_batched_tokens = {budget}, the top rung must be {budget} "
        f"(appended when off the stride), got a ladder ending at {got[-1:]}"
    )
    uncovered = [b for b in range(1, budget + 1) if not any(size >= b for size in got)]
    assert not uncovered, f"batches {uncovered[:5]} have no rung (the ladder ends at {got[-1]})"


@pytest.mark.parametrize(("args", "arg"), [
    ((0, 8192), "max_num_seqs"), ((256, 0), "max_num_batched_tokens"), ((256, 8192, 0), "max_capture_size"),
    ((256, 8192, 2**20 + 1), "max_capture_size"), ((256, 8192, 10**7), "max_capture_size"),
])
def test_capture_sizes_for_rejects_bad_input(lab, args, arg):
    with pytest.raises(ValueError, match=naming(arg)):
        lab.capture_sizes_for(*args)


@pytest.mark.parametrize(("max_num_seqs", "tokens"), [(256, 255), (1024, 512), (2, 1)])
def test_a_token_budget_below_max_num_seqs_is_refused(lab, max_num_seqs, tokens):
    """vLLM's scheduler config refuses it (vllm/config/scheduler.py:259-278): a step could not even
    hold one token for each request it schedules."""
    with pytest.raises(ValueError, match=naming("max_num_batched_tokens")):
        lab.capture_sizes_for(max_num_seqs, tokens)


# --- §4 at vLLM 0.33.0: a max_num_seqs rung, and 1024 on compute capability 10.x -----------


def rule_deployment_0_33_0(max_num_seqs: int, tokens: int, user_max: int | None = None,
                           major: int | None = None) -> list[int]:
    """0.33.0's default path (vllm/config/vllm.py:2463-2465 and 2549-2550 at 0.33.0)."""
    if user_max is not None:
        return rule_deployment(max_num_seqs, tokens, user_max)
    top = min(2 * max_num_seqs, 1024 if major == 10 else 512)
    ladder = set(rule_ladder(min(top, tokens)))
    ladder |= {tokens} if tokens <= top else set()
    ladder |= {max_num_seqs} if max_num_seqs <= top else set()
    return sorted(ladder)


@pytest.mark.parametrize(("max_num_seqs", "tokens", "user_max", "major"), [
    (100, 8192, None, None), (100, 8192, None, 10), (256, 8192, None, None), (300, 8192, None, None),
    (1024, 8192, None, 10), (1024, 8192, None, 9), (600, 8192, None, 10), (3, 8192, None, None),
    (130, 200, None, None), (100, 8192, 300, None), (1024, 8192, 1000, 10), (153, 153, None, 10),
])
def test_deployment_ladder_matches_vllm_0_33_0(lab, max_num_seqs, tokens, user_max, major):
    want = rule_deployment_0_33_0(max_num_seqs, tokens, user_max, major)
    capability = None if major is None else (major, 0)
    got = lab.capture_sizes_for(max_num_seqs, tokens, user_max, vllm_version="0.33.0",
                                compute_capability=capability)
    assert list(got) == want, (
        f"capture_sizes_for({max_num_seqs}, {tokens}, {user_max}, vllm_version='0.33.0', "
        f"compute_capability={capability}): {first_difference(want, got)}. At 0.33.0 the default max is "
        "min(2 x max_num_seqs, 1024 on a 10.x GPU else 512), and max_num_seqs is a rung when it fits; "
        "an explicit max gets neither"
    )


def test_max_num_seqs_is_a_rung_only_from_0_33_0(lab):
    old = list(lab.capture_sizes_for(100, 8192))
    new = list(lab.capture_sizes_for(100, 8192, vllm_version="0.33.0"))
    assert 100 not in old and 100 in new, (
        f"max_num_seqs=100 is off the stride: 0.22.1 pads a 100-request decode to 104 ({old[-14:]}), "
        f"0.33.0 captures 100 itself ({new[-14:]})")
    assert sorted(set(new) - {100}) == old, "0.33.0 adds that one rung and nothing else here"


def test_1024_needs_0_33_0_and_a_10_x_gpu(lab):
    counts = {(v, cc): len(lab.capture_sizes_for(1024, 16384, vllm_version=v, compute_capability=cc))
              for v in ("0.22.1", "0.33.0") for cc in (None, (9, 0), (10, 0), (12, 0))}
    want = {key: 51 for key in counts} | {("0.33.0", (10, 0)): 83}
    assert counts == want, f"rung counts by (version, capability): expected {want}, got {counts}"


def test_the_stride_rule_is_the_same_at_both_versions(lab):
    assert list(lab.default_capture_sizes(1024, vllm_version="0.33.0")) == rule_ladder(1024)
    assert list(lab.default_capture_sizes(100, vllm_version="0.33.0")) == rule_ladder(100)


@pytest.mark.parametrize("version", ["0.33", "0.22.0", "latest", "", " 0.33.0", "0.22.1 "])
def test_an_unknown_vllm_version_is_refused_by_name(lab, version):
    for call in (lambda: lab.capture_sizes_for(256, 8192, vllm_version=version),
                 lambda: lab.capture_sizes_for(256, 8192, 100, vllm_version=version),
                 lambda: lab.default_capture_sizes(512, vllm_version=version)):
        with pytest.raises(ValueError) as err:
            call()
        assert "0.22.1" in str(err.value) and "0.33.0" in str(err.value), (
            f"vllm_version={version!r} must be refused with a message naming the choices, got {err.value}")


@pytest.mark.parametrize(("capability", "error"), [
    (10, TypeError), ("10.0", TypeError), ((10,), TypeError), ((10, 0, 0), TypeError),
    ((10.0, 0), TypeError), ((-1, 0), ValueError), ((10, -1), ValueError), ([10, 0], TypeError),
])
@pytest.mark.parametrize("version", ["0.22.1", "0.33.0"])
@pytest.mark.parametrize("user_max", [None, 512])
def test_compute_capability_is_a_major_minor_pair(lab, capability, error, version, user_max):
    with pytest.raises(error, match=naming("compute_capability")) as err:
        lab.capture_sizes_for(1024, 8192, user_max, vllm_version=version, compute_capability=capability)
    assert err.type is error, (
        f"compute_capability={capability!r} must be refused at every version, with or without "
        f"max_capture_size, as a {error.__name__}; got {err.type.__name__}")


# --- §5 expected_waste: what a ladder costs a traffic mix -----------------------------------


@pytest.mark.parametrize(("traffic", "sizes", "share"), [
    ({33: 1}, [32, 40], 7 / 40),
    ({1: 3, 3: 1}, [1, 4], 1 / 7),                     # padding 1; rows 3*1 + 4
    ([33, 33, 40], [8, 40], 14 / 120),                 # two 33s pad 7 each; rows 3*40
    ({5: 1, 100: 1}, [8], 3 / 108),                    # 100 runs eagerly: 100 rows, no padding
    ({2: 0.5, 3: 0.25}, [4], 1.25 / 3),                # padding .5*2 + .25*1; rows .75*4
    ({1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, [1, 2, 4, 8], 4 / 19),  # 3->4 pads 1, 5->8 pads 3; rows 1+2+4+4+8
])
def test_expected_waste_on_hand_computed_mixes(lab, traffic, sizes, share):
    got = lab.expected_waste(traffic, sizes)
    assert got == pytest.approx(share), (
        f"expected_waste({traffic}, {sizes}) = padded rows / all computed rows = {share:.4f}, "
        f"got {got}. Eager batches add their own rows to the total and no padding"
    )


def test_expected_waste_is_zero_when_every_batch_hits_a_rung(lab):
    got = lab.expected_waste({1: 5, 8: 2, 40: 1}, SMALL_LADDER)
    assert got == 0, f"1, 8 and 40 are rungs: nothing is padded, got {got}"


def test_observed_batches_and_weights_agree(lab):
    seen = [3, 3, 3, 5, 17, 17]
    as_seq = lab.expected_waste(seen, SMALL_LADDER)
    as_map = lab.expected_waste({3: 3, 5: 1, 17: 2}, SMALL_LADDER)
    assert as_seq == pytest.approx(as_map) == pytest.approx((3 * 1 + 3 + 2 * 7) / (3 * 4 + 8 + 2 * 24)), (
        f"a sequence of observed batches counts repeats: {seen} must price like "
        f"{{3: 3, 5: 1, 17: 2}}; got {as_seq} vs {as_map}"
    )


@pytest.mark.parametrize(("traffic", "arg"), [
    ({}, "traffic"), ([], "traffic"), ({3: 0}, "traffic"), ({3: -1.0}, "traffic"),
    ({0: 1}, "traffic"), ([2, 0], "traffic"),
])
def test_expected_waste_rejects_bad_traffic(lab, traffic, arg):
    with pytest.raises(ValueError, match=naming(arg)):
        lab.expected_waste(traffic, SMALL_LADDER)


# --- §6 optimal_ladder: the ladder a rung budget should buy ---------------------------------

MIXES = {
    "uniform 1..10": {b: 1 for b in range(1, 11)},
    "decode heavy": {1: 50, 2: 20, 3: 9, 7: 4, 9: 2, 10: 1},
    "bimodal": {2: 5, 3: 5, 9: 6, 10: 1},
    "observed": [4, 4, 4, 5, 6, 6, 8, 8, 8, 8, 1, 10],
    "float weights": {1: 0.1, 4: 0.35, 5: 0.05, 6: 0.3, 10: 0.2},
    "sparse": {6: 1, 8: 3},
}


def as_weights(traffic) -> dict[int, float]:
    if isinstance(traffic, dict):
        return dict(traffic)
    weights: dict[int, float] = {}
    for b in traffic:
        weights[b] = weights.get(b, 0) + 1
    return weights


@pytest.mark.parametrize("num_rungs", [1, 2, 3, 4])
@pytest.mark.parametrize("mix", MIXES)
def test_optimal_ladder_matches_brute_force(lab, mix, num_rungs):
    traffic = MIXES[mix]
    weights = as_weights(traffic)
    best = brute_force_best(weights, num_rungs, 10)
    got = list(lab.optimal_ladder(traffic, num_rungs, max_batch=10))
    assert len(got) <= num_rungs and got and got[-1] == 10, (
        f"optimal_ladder({mix}, {num_rungs}, max_batch=10) must hold at most {num_rungs} sizes "
        f"ending at 10, got {got}"
    )
    assert padded_rows(weights, got) == pytest.approx(best), (
        f"{mix} with {num_rungs} rungs: the best ladder pads {best} rows (brute force over every "
        f"ladder), {got} pads {padded_rows(weights, got)}"
    )


@pytest.mark.parametrize("num_rungs", [1, 3, 6, 20])
def test_optimal_ladder_is_a_valid_ladder_ending_at_max_batch(lab, num_rungs):
    got = list(lab.optimal_ladder({3: 2, 5: 1, 9: 4, 12: 1}, num_rungs, max_batch=16))
    assert got == sorted(set(got)) and 1 <= len(got) <= num_rungs and got[0] >= 1, (
        f"the ladder must be strictly increasing with 1..{num_rungs} sizes, got {got}"
    )
    assert got[-1] == 16, f"the top rung must be max_batch=16 so every batch up to it replays, got {got}"


def test_optimal_ladder_defaults_max_batch_to_the_largest_batch(lab):
    got = list(lab.optimal_ladder({3: 1, 7: 1, 30: 1}, 2))
    assert got[-1] == 30, f"with no max_batch the top rung is the largest batch seen (30), got {got}"


def test_optimal_ladder_ignores_traffic_above_max_batch(lab):
    got = list(lab.optimal_ladder({5: 1, 9: 1, 50: 100}, 2, max_batch=10))
    assert got == [5, 10], (
        f"batch 50 is above max_batch=10 and runs eagerly, so the second rung goes to 5 "
        f"(5 pads 0, 9 pads 1): expected [5, 10], got {got}"
    )


def test_optimal_ladder_with_enough_rungs_pads_nothing(lab):
    traffic = {2: 1, 3: 4, 7: 2, 11: 1}
    got = list(lab.optimal_ladder(traffic, 4))
    # the top rung first: a ladder that sends batches to eager also "pads nothing"
    assert len(got) <= 4 and got[-1:] == [11], f"at most 4 rungs ending at the largest batch, 11; got {got}"
    assert padded_rows(traffic, got) == 0, f"4 rungs for 4 batch sizes must pad nothing, got {got}"


@pytest.mark.parametrize("max_size", [64, 160])
def test_optimal_ladder_never_pads_more_than_the_default(lab, max_size):
    default = rule_ladder(max_size)
    # decode-heavy traffic: small batches common, big ones rare
    traffic = {b: 1 + (max_size // b) for b in range(1, max_size + 1)}
    got = list(lab.optimal_ladder(traffic, len(default), max_batch=max_size))
    assert len(got) <= len(default) and got[-1] == max_size, got
    ours, theirs = padded_rows(traffic, got), padded_rows(traffic, default)
    assert ours <= theirs + 1e-9, (
        f"with the default's {len(default)} rungs, the optimal ladder must pad no more than the "
        f"default ({theirs} rows), got {ours}: {got}"
    )


@pytest.mark.parametrize(("args", "arg"), [
    (({3: 1}, 0), "num_rungs"), (({}, 2), "traffic"), (({3: 0}, 2), "traffic"),
    (({3: 1}, 2, 0), "max_batch"),
])
def test_optimal_ladder_rejects_bad_input(lab, args, arg):
    with pytest.raises(ValueError, match=naming(arg)):
        lab.optimal_ladder(*args)


# --- §7 transfer: fastest_ladder, when a row is not a unit of time ----------------------------

STEP_TIMES = {  # each never falls as rows grow
    "memory-bound up to 6": lambda rows: max(rows, 6),
    "linear": lambda rows: float(rows),
    "steps at 4 and 8": lambda rows: 1.0 + 5.0 * (rows > 4) + 3.0 * (rows > 8),
    "fixed cost plus rows": lambda rows: 20.0 + rows,
}


def step_seconds(weights: dict[int, float], ladder: list[int], step_time) -> float:
    """Expected time of the replayed steps: each batch at its rung's time; eager ones excluded."""
    total = 0.0
    for batch, weight in weights.items():
        rung = rung_by_scan(batch, ladder)
        total += 0.0 if rung is None else weight * step_time(rung)
    return total


def brute_force_fastest(weights: dict[int, float], num_rungs: int, top: int, step_time) -> float:
    best = step_seconds(weights, [top], step_time)
    for k in range(1, num_rungs):
        for lower in combinations(range(1, top), k):
            best = min(best, step_seconds(weights, [*lower, top], step_time))
    return best


def test_fastest_ladder_worked_example(lab):
    got = list(lab.fastest_ladder({1: 1, 2: 1, 3: 1, 4: 1}, 2, lambda rows: max(rows, 3)))
    assert got == [3, 4], (
        f"steps of up to 3 rows all cost 3, so one rung at 3 serves 1, 2 and 3 for free: "
        f"expected [3, 4] (time 13), got {got} (time "
        f"{step_seconds({1: 1, 2: 1, 3: 1, 4: 1}, got, lambda rows: max(rows, 3))})"
    )


@pytest.mark.parametrize("shape", STEP_TIMES)
def test_fastest_ladder_matches_brute_force(lab, shape):
    step_time = STEP_TIMES[shape]
    for mix in ("uniform 1..10", "decode heavy", "bimodal", "observed"):
        traffic, weights = MIXES[mix], as_weights(MIXES[mix])
        for num_rungs in (2, 3):
            best = brute_force_fastest(weights, num_rungs, 10, step_time)
            got = list(lab.fastest_ladder(traffic, num_rungs, step_time, max_batch=10))
            assert len(got) <= num_rungs and got and got[-1] == 10, (
                f"fastest_ladder({mix}, {num_rungs}, max_batch=10) must hold at most {num_rungs} "
                f"sizes ending at 10, got {got}"
            )
            ours = step_seconds(weights, got, step_time)
            assert ours == pytest.approx(best), (
                f"{mix}, step time {shape}, {num_rungs} rungs: the fastest ladder takes {best} (brute "
                f"force over every ladder), {got} takes {ours}. Fewest padded rows is not fastest "
                "when padding is free in some range."
            )


def test_fastest_ladder_is_a_valid_ladder_ending_at_max_batch(lab):
    got = list(lab.fastest_ladder({3: 2, 5: 1, 9: 4, 12: 1, 40: 9}, 3, lambda rows: rows, max_batch=16))
    assert got == sorted(set(got)) and 1 <= len(got) <= 3 and got[-1] == 16, (
        f"strictly increasing, at most 3 sizes, top rung max_batch=16 (batch 40 runs eagerly); got {got}"
    )
    got = list(lab.fastest_ladder({3: 1, 7: 1, 30: 1}, 2, lambda rows: rows))
    assert got[-1] == 30, f"with no max_batch the top rung is the largest batch seen (30), got {got}"


@pytest.mark.parametrize(("args", "error", "arg"), [
    (({3: 1}, 2, "fast"), TypeError, "step_time"), (({3: 1}, 0, abs), ValueError, "num_rungs"),
    (({}, 2, abs), ValueError, "traffic"), (({3: -1}, 2, abs), ValueError, "traffic"),
])
def test_fastest_ladder_rejects_bad_input(lab, args, error, arg):
    with pytest.raises(error, match=naming(arg)):
        lab.fastest_ladder(*args)


# --- gaps closed by one-bug variants and mutation testing (issue 16) ---------------------------


@pytest.mark.parametrize("max_size", range(15, 248, 8))
def test_default_ladder_for_maxima_7_mod_8(lab, max_size):
    want = rule_ladder(max_size)  # 15 ends at 8, 23 at 16, ..., 247 at 240: never past the max
    got = lab.default_capture_sizes(max_size)
    assert list(got) == want, (
        f"default_capture_sizes({max_size}): {first_difference(want, got)}. Every rung is <= the "
        "max: rounding the max up to the stride adds a rung nothing can fill"
    )


@pytest.mark.parametrize("budget", [8, 16, 64, 256, 272, 512])
def test_an_on_stride_token_budget_is_not_appended_twice(lab, budget):
    got = list(lab.capture_sizes_for(budget, budget))
    assert got == sorted(set(got)), (
        f"capture_sizes_for({budget}, {budget}) must be strictly increasing, got a ladder ending "
        f"at {got[-3:]}: {budget} is already on the stride, so it is not appended again"
    )
    assert got == rule_deployment(budget, budget)
