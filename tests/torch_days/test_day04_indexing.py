"""Grading torch-04: pick_logprobs, one_hot_scatter, mask_padding, topk_mask.

Oracles: ``F.cross_entropy`` (values and gradients, ``ignore_index``),
hand-worked log-probabilities, ``F.one_hot``, an explicit loop that slices
each sequence, and properties of a top-k mask (exactly k per slice, nothing
unselected is larger) checked with plain Python sorting and Hypothesis.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-04")

DEVICES = device_params()
CROSS_ENTROPY = F.cross_entropy  # oracles, saved before the tests hide them
ONE_HOT = F.one_hot


def _randn(*shape: int, seed: int = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def _randint(high: int, *shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randint(0, high, shape, generator=torch.Generator().manual_seed(seed))


def _forbid(monkeypatch, owner, name: str, why: str) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"{why}: it called {owner.__name__}.{name}")

    monkeypatch.setattr(owner, name, refuse)


# ---------------------------------------------------------------- pick_logprobs


@pytest.fixture
def no_loss_helpers(monkeypatch):
    for name in ("cross_entropy", "nll_loss"):
        _forbid(monkeypatch, F, name, "pick_logprobs must gather the log-probabilities itself")


def _ce_oracle(logits: torch.Tensor, targets: torch.Tensor, ignore_index: int) -> torch.Tensor:
    C = logits.shape[-1]
    flat = CROSS_ENTROPY(logits.reshape(-1, C), targets.reshape(-1).long(), reduction="none", ignore_index=ignore_index)
    return -flat.reshape(targets.shape)


def _targets_with_ignored(C: int, shape: tuple[int, ...], seed: int, ignore_index: int, every: int) -> torch.Tensor:
    t = _randint(C, *shape, seed=seed)
    flat = t.view(-1)
    flat[::every] = ignore_index  # every `every`-th position is padding
    return t


# (logits shape, ignore every n-th target (0: none), ignore_index, targets dtype)
PICK_CASES = [
    ((4, 5), 0, -100, torch.int64),
    ((2, 3, 7), 0, -100, torch.int64),  # (B, T, C)
    ((2, 3, 7), 2, -100, torch.int64),  # with padding
    ((6, 4), 3, -1, torch.int64),  # a custom ignore_index
    ((3, 1), 0, -100, torch.int64),  # one class: log-prob 0
    ((1, 4), 0, -100, torch.int64),  # one position
    ((0, 5), 0, -100, torch.int64),  # empty batch
    ((5, 6), 2, -100, torch.int32),  # int32 targets
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape,every,ignore_index,tdtype", PICK_CASES)
def test_pick_logprobs_matches_cross_entropy(ex, no_loss_helpers, device, shape, every, ignore_index, tdtype):
    *lead, C = shape
    logits0 = (3 * _randn(*shape, seed=C)).to(device)
    if every:
        targets = _targets_with_ignored(C, tuple(lead), C + 1, ignore_index, every)
    else:
        targets = _randint(C, *lead, seed=C + 1)
    targets = targets.to(tdtype).to(device)
    call = f"pick_logprobs(<{shape} logits>, <{tuple(lead)} {tdtype} targets>, ignore_index={ignore_index}) on {device}"
    logits = logits0.clone().requires_grad_(True)
    got = ex.pick_logprobs(logits, targets, ignore_index=ignore_index)
    ref_logits = logits0.clone().requires_grad_(True)
    expected = _ce_oracle(ref_logits, targets, ignore_index)
    expect_close(got.detach(), expected.detach(), what=call, rtol=1e-5, atol=1e-6,
                 hint="log_softmax over the last dim, gather with targets.unsqueeze(-1), squeeze; ignored positions are 0")
    if got.numel():
        upstream = _randn(*lead, seed=3).to(device)
        (got * upstream).sum().backward()
        (expected * upstream).sum().backward()
        expect_true(logits.grad is not None, message=f"{call} is not differentiable")
        expect_close(logits.grad, ref_logits.grad, what=f"gradient of sum({call} * upstream)", rtol=1e-5, atol=1e-6,
                     hint="ignored positions must pass no gradient: zero them with masked_fill/torch.where after the gather")


def test_pick_logprobs_hand_worked_values(ex, no_loss_helpers):
    logits = torch.tensor([[0.0, 0.0], [2.0, 0.0], [1.0, 2.0]])
    targets = torch.tensor([1, 0, -100])
    expected = torch.tensor([-math.log(2.0), -math.log(1.0 + math.exp(-2.0)), 0.0])
    expect_close(ex.pick_logprobs(logits, targets), expected, what="pick_logprobs([[0, 0], [2, 0], [1, 2]], [1, 0, -100])",
                 rtol=1e-6, atol=1e-6, hint="log p = logit - logsumexp(logits); the -100 target is ignored and gives 0")


def test_pick_logprobs_is_stable_for_huge_logits(ex, no_loss_helpers):
    logits = torch.tensor([[1000.0, 0.0, -1000.0], [-500.0, 500.0, 0.0]])
    targets = torch.tensor([2, 1])
    got = ex.pick_logprobs(logits, targets)
    expected = torch.tensor([-2000.0, 0.0])
    expect_close(got, expected, what="pick_logprobs([[1000, 0, -1000], [-500, 500, 0]], [2, 1])", rtol=1e-6, atol=1e-4,
                 hint="torch.log(torch.softmax(...)) underflows to log(0) = -inf: use torch.log_softmax")


@pytest.mark.parametrize(
    "targets,error",
    [
        (torch.tensor([0.0, 1.0]), TypeError),  # float targets
        (torch.tensor([True, False]), TypeError),
        (torch.tensor([0, 3]), ValueError),  # C == 3: 3 is out of range
        (torch.tensor([-1, 0]), ValueError),  # -1 is not the ignore_index
        (torch.tensor([0, 1, 2]), ValueError),  # wrong shape
        (torch.tensor([[0], [1]]), ValueError),  # (2, 1) instead of (2,)
    ],
)
def test_pick_logprobs_rejects_bad_targets(ex, no_loss_helpers, targets, error):
    logits = torch.zeros(2, 3)
    expect_raises(error, lambda: ex.pick_logprobs(logits, targets), call=f"pick_logprobs(<(2, 3) logits>, {targets!r})",
                  hint="targets: integer dtype, shape logits.shape[:-1], values in [0, C) or ignore_index")


# ---------------------------------------------------------------- one_hot_scatter


@pytest.fixture
def no_one_hot(monkeypatch):
    _forbid(monkeypatch, F, "one_hot", "one_hot_scatter must scatter the ones itself")


ONE_HOT_CASES = {
    "0-d": (torch.tensor(2), 4),
    "vector": (torch.tensor([3, 0, 1, 3]), 5),
    "repeated": (torch.tensor([1, 1, 1]), 2),
    "(B, T)": (_randint(6, 2, 3, seed=4), 6),
    "one class": (torch.zeros(4, dtype=torch.int64), 1),
    "empty": (torch.zeros(0, dtype=torch.int64), 3),
    "int32": (torch.tensor([2, 0], dtype=torch.int32), 3),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.bool])
@pytest.mark.parametrize("case", list(ONE_HOT_CASES))
def test_one_hot_scatter_matches_f_one_hot(ex, no_one_hot, device, dtype, case):
    indices, C = ONE_HOT_CASES[case]
    indices = indices.to(device)
    call = f"one_hot_scatter(<{case} indices {indices.tolist()}>, {C}, dtype={dtype}) on {device}"
    got = ex.one_hot_scatter(indices, C, dtype=dtype)
    expected = ONE_HOT(indices.long(), C).to(dtype)
    expect_close(got, expected, what=call, rtol=0, atol=0,
                 hint="zeros of shape (*indices.shape, C) and the requested dtype, then scatter_(-1, indices.long().unsqueeze(-1), 1)")
    expect_equal(got.device.type, device, call=f"{call}.device.type", hint="create the zeros on indices.device")


@pytest.mark.parametrize(
    "indices,C,error",
    [
        (torch.tensor([0, 3]), 3, ValueError),
        (torch.tensor([-1, 0]), 3, ValueError),
        (torch.tensor([0, 1]), 0, ValueError),
        (torch.tensor([0.0, 1.0]), 3, TypeError),
        (torch.tensor([0, 1]), 3.0, TypeError),
    ],
)
def test_one_hot_scatter_rejects_bad_input(ex, no_one_hot, indices, C, error):
    expect_raises(error, lambda: ex.one_hot_scatter(indices, C), call=f"one_hot_scatter({indices!r}, {C!r})",
                  hint="indices: integer tensor with values in [0, num_classes); num_classes: an int >= 1")


# ---------------------------------------------------------------- mask_padding


def _loop_mask(scores: torch.Tensor, lengths: list[int], value: float) -> torch.Tensor:
    out = scores.clone()
    for b, n in enumerate(lengths):
        out[b, ..., n:] = value
    return out


# (scores shape, lengths, value)
MASK_CASES = [
    ((3, 5), [0, 3, 5], float("-inf")),
    ((2, 2, 4, 6), [6, 1], float("-inf")),  # (B, H, Tq, T)
    ((1, 4), [2], float("-inf")),
    ((2, 3, 4), [4, 2], -1e9),  # a custom fill value
    ((0, 5), [], float("-inf")),  # empty batch
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape,lengths,value", MASK_CASES)
def test_mask_padding_matches_a_loop(ex, device, shape, lengths, value):
    scores0 = _randn(*shape, seed=len(shape)).to(device)
    lens = torch.tensor(lengths, dtype=torch.int64, device=device)
    call = f"mask_padding(<{shape} scores>, lengths={lengths}, value={value}) on {device}"
    before = scores0.clone()
    scores = scores0.clone().requires_grad_(True)
    got = ex.mask_padding(scores, lens, value=value)
    ref = scores0.clone().requires_grad_(True)
    expected = _loop_mask(ref, lengths, value)
    expect_close(got.detach(), expected.detach(), what=call, rtol=0, atol=0,
                 hint="positions t >= lengths[b] get `value`: compare torch.arange(T) with lengths[:, None], reshape to (B, 1, ..., T)")
    expect_close(scores.detach(), before, what=f"the scores after {call} (must be unchanged)", rtol=0, atol=0,
                 hint="use masked_fill, not the in-place masked_fill_")
    if got.numel():
        upstream = _randn(*shape, seed=8).to(device)
        (torch.where(torch.isinf(got), 0.0, got) * upstream).sum().backward()
        (torch.where(torch.isinf(expected), 0.0, expected) * upstream).sum().backward()
        expect_true(scores.grad is not None, message=f"{call} is not differentiable")
        expect_close(scores.grad, ref.grad, what=f"gradient through {call}", rtol=0, atol=0,
                     hint="padded positions are constants: their gradient is 0")


@pytest.mark.parametrize("device", DEVICES)
def test_mask_padding_then_softmax_ignores_padding(ex, device):
    scores = _randn(3, 2, 6, seed=9).to(device)
    lengths = [1, 4, 6]
    probs = torch.softmax(ex.mask_padding(scores, torch.tensor(lengths, device=device)), dim=-1)
    for b, n in enumerate(lengths):
        expect_true(bool((probs[b, :, n:] == 0).all()),
                    message=f"after mask_padding and softmax, sequence {b} (length {n}) gives padded positions probability > 0")
        expect_close(probs[b].sum(-1), torch.ones(2, device=device), what=f"softmax rows of sequence {b} sum", rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "shape,lengths,error",
    [
        ((2, 5), torch.tensor([1.0, 2.0]), TypeError),
        ((2, 5), torch.tensor([1, 6]), ValueError),  # longer than T
        ((2, 5), torch.tensor([-1, 2]), ValueError),
        ((2, 5), torch.tensor([1, 2, 3]), ValueError),  # B mismatch
        ((2, 5), torch.tensor([[1], [2]]), ValueError),  # (B, 1) instead of (B,)
    ],
)
def test_mask_padding_rejects_bad_lengths(ex, shape, lengths, error):
    expect_raises(error, lambda: ex.mask_padding(torch.zeros(shape), lengths), call=f"mask_padding(<{shape}>, {lengths!r})",
                  hint="lengths: an integer (B,) tensor with values in [0, T]")


# ---------------------------------------------------------------- topk_mask


def _check_topk(got, x: torch.Tensor, k: int, dim: int, call: str) -> None:
    expect_true(isinstance(got, torch.Tensor) and got.dtype == torch.bool,
                message=f"{call} should return a torch.bool tensor, got {getattr(got, 'dtype', type(got).__name__)}")
    expect_equal(tuple(got.shape), tuple(x.shape), call=f"{call}.shape")
    rows_x = x.movedim(dim, -1).reshape(-1, x.shape[dim]).tolist()
    rows_m = got.movedim(dim, -1).reshape(-1, x.shape[dim]).tolist()
    for i, (vals, keep) in enumerate(zip(rows_x, rows_m)):
        chosen = [v for v, m in zip(vals, keep) if m]
        others = [v for v, m in zip(vals, keep) if not m]
        expect_equal(len(chosen), k, call=f"{call}: number of True entries in slice {i} ({vals})",
                     hint="exactly k per slice: torch.topk(x, k, dim).indices, then scatter True")
        if chosen and others and min(chosen) < max(others):
            raise AssertionError(f"{call}: slice {i} = {vals} selects {chosen} but leaves the larger {max(others)} out"
                                 "\n  hint: the mask must cover the k largest values of each slice")


TOPK_CASES = {
    "rows": (_randn(3, 6, seed=10), 2, -1),
    "k = 0": (_randn(4, 5, seed=11), 0, -1),
    "k = size": (_randn(4, 5, seed=12), 5, -1),
    "dim 0": (_randn(5, 3, seed=13), 2, 0),
    "middle dim": (_randn(2, 5, 3, seed=14), 3, 1),
    "ties": (torch.tensor([[1.0, 1.0, 1.0, 0.0], [2.0, 2.0, 3.0, 3.0]]), 2, -1),
    "integers, negatives": (torch.tensor([[-5, -1, -3], [7, -7, 0]]), 1, -1),
    "1-d": (torch.tensor([4.0, -2.0, 9.0, 0.5]), 3, 0),
    "empty batch": (torch.zeros(0, 4), 2, -1),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(TOPK_CASES))
def test_topk_mask_selects_the_largest(ex, device, case):
    x, k, dim = TOPK_CASES[case]
    x = x.to(device)
    call = f"topk_mask(<{case} {tuple(x.shape)}>, k={k}, dim={dim}) on {device}"
    got = ex.topk_mask(x, k, dim=dim)
    _check_topk(got.cpu() if isinstance(got, torch.Tensor) else got, x.cpu(), k, dim, call)


def test_topk_mask_known_values(ex):
    x = torch.tensor([[1.0, 5.0, 3.0], [9.0, 2.0, 4.0]])
    expected = torch.tensor([[False, True, True], [True, False, True]])
    expect_close(ex.topk_mask(x, 2), expected, what="topk_mask([[1, 5, 3], [9, 2, 4]], 2)", rtol=0, atol=0)


@given(
    st.integers(1, 4),
    st.integers(1, 6),
    st.integers(0, 10**6),
    st.data(),
)
def test_topk_mask_property_with_many_ties(ex, rows, cols, seed, data):
    x = torch.randint(0, 3, (rows, cols), generator=torch.Generator().manual_seed(seed))  # values 0..2: lots of ties
    dim = data.draw(st.sampled_from([0, 1, -1]))
    k = data.draw(st.integers(0, x.shape[dim]))
    _check_topk(ex.topk_mask(x, k, dim=dim), x, k, dim, f"topk_mask({x.tolist()}, k={k}, dim={dim})")


@pytest.mark.parametrize("k,error", [(-1, ValueError), (5, ValueError), (1.0, TypeError), (True, TypeError)])
def test_topk_mask_rejects_bad_k(ex, k, error):
    expect_raises(error, lambda: ex.topk_mask(torch.zeros(3, 4), k), call=f"topk_mask(<(3, 4)>, {k!r})",
                  hint="k must be an int with 0 <= k <= x.shape[dim]")
