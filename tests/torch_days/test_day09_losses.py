"""Grading torch-09: cross_entropy, bce_with_logits, check_loss_inputs.

Oracles: ``F.cross_entropy`` and ``F.binary_cross_entropy_with_logits`` (values
and gradients, float64 unless the test is about float32 overflow), and, for
the input checks, whether ``F.cross_entropy`` itself raises or silently
returns a number on the same inputs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-09")

DEVICES = device_params()
RTOL, ATOL = 1e-9, 1e-12  # float64


def skip_float64_on_mps(device: str) -> None:
    if device == "mps":
        pytest.skip("MPS has no float64")


# ---------------------------------------------------------------- cross_entropy


def make_ce_case(shape: tuple[int, ...], kind: str, ignore: str, seed: int = 9):
    """Float64 logits of ``shape`` and a target of ``kind`` ("idx" or "prob")."""
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(shape, generator=g, dtype=torch.float64) * 3
    class_dim = 0 if len(shape) == 1 else 1
    n_classes = shape[class_dim]
    index_shape = () if len(shape) == 1 else shape[:1] + shape[2:]
    if kind == "prob":
        return logits, torch.randn(shape, generator=g, dtype=torch.float64).softmax(class_dim), {}
    target = torch.randint(0, n_classes, index_shape, generator=g)
    kwargs = {}
    if ignore == "default" and target.dim() > 0:
        mask = torch.rand(index_shape, generator=g) < 0.3
        target = target.masked_fill(mask, -100)
    elif ignore == "class0":
        kwargs = {"ignore_index": 0}  # a real class id, e.g. the padding token
    return logits, target, kwargs


CE_SHAPES = [(6, 5), (1, 4), (4, 5, 7), (2, 3, 4, 5), (5,)]
CE_CASES = (
    [(s, "idx", ign) for s in CE_SHAPES for ign in ("none", "default", "class0")]
    + [(s, "prob", "none") for s in CE_SHAPES]
)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("shape,kind,ignore", CE_CASES, ids=[f"{s}-{k}-ignore_{i}" for s, k, i in CE_CASES])
def test_cross_entropy_matches_torch(ex, device, shape, kind, ignore, smoothing):
    skip_float64_on_mps(device)
    logits, target, kwargs = make_ce_case(shape, kind, ignore)
    logits, target = logits.to(device), target.to(device)
    for reduction in ("mean", "sum", "none"):
        mine_in = logits.clone().requires_grad_(True)
        ref_in = logits.clone().requires_grad_(True)
        call = (f"cross_entropy(<{shape} logits>, <{kind} target>, reduction={reduction!r}, "
                f"label_smoothing={smoothing}{''.join(f', {k}={v}' for k, v in kwargs.items())})")
        got = ex.cross_entropy(mine_in, target, reduction=reduction, label_smoothing=smoothing, **kwargs)
        want = F.cross_entropy(ref_in, target, reduction=reduction, label_smoothing=smoothing, **kwargs)
        expect_close(got, want.detach(), what=call, rtol=RTOL, atol=ATOL,
                     hint="class dim is 1; mean over the non-ignored positions; smoothing: (1-ε)*nll + ε*mean_c(-logp)")
        # a fixed random upstream gradient, so every element of "none" is checked too
        upstream = torch.randn(want.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64).to(device)
        (got * upstream).sum().backward()
        (want * upstream).sum().backward()
        expect_close(mine_in.grad, ref_in.grad, what=f"d/dlogits of {call}", rtol=RTOL, atol=ATOL,
                     hint="build the loss from differentiable torch ops (log_softmax, gather, masked_fill)")


@pytest.mark.parametrize("dtype", [torch.int32, torch.uint8, torch.int16])
def test_cross_entropy_accepts_other_integer_indices(ex, dtype):
    logits, target, _ = make_ce_case((6, 5), "idx", "none")
    got = ex.cross_entropy(logits, target.to(dtype))
    want = F.cross_entropy(logits, target)
    expect_close(got, want, what=f"cross_entropy(logits, <{dtype} indices>)", rtol=RTOL, atol=ATOL,
                 hint="gather needs int64 indices: convert with .long()")


@pytest.mark.parametrize("device", DEVICES)
def test_cross_entropy_every_position_ignored(ex, device):
    skip_float64_on_mps(device)
    logits = torch.randn(3, 4, dtype=torch.float64, device=device, requires_grad=True)
    target = torch.full((3,), -100, device=device)
    mean = ex.cross_entropy(logits, target)
    expect_true(bool(torch.isnan(mean)), message=f"cross_entropy(<every target ignored>) should be nan (0/0, as F.cross_entropy), got {mean}",
                hint="mean divides by the number of positions that are not ignored")
    mean.backward()
    expect_close(logits.grad, torch.zeros(3, 4, dtype=torch.float64), what="d/dlogits with every target ignored",
                 rtol=0, atol=0, hint="zero the ignored positions with masked_fill/where (their gradient is 0)")
    expect_close(ex.cross_entropy(logits, target, reduction="sum").detach(), torch.tensor(0.0, dtype=torch.float64, device=device),
                 what="cross_entropy(<every target ignored>, reduction='sum')", rtol=0, atol=0)
    expect_close(ex.cross_entropy(logits, target, reduction="none").detach(), torch.zeros(3, dtype=torch.float64, device=device),
                 what="cross_entropy(<every target ignored>, reduction='none')", rtol=0, atol=0)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind", ["idx", "prob"])
def test_cross_entropy_large_logits_float32(ex, device, kind):
    logits = torch.tensor([[1e4, 0.0, -1e4], [-5e3, 5e3, 0.0]], device=device)
    target = torch.tensor([1, 1], device=device) if kind == "idx" else torch.tensor([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0]], device=device)
    got = ex.cross_entropy(logits, target, reduction="none")
    want = F.cross_entropy(logits, target, reduction="none")
    expect_true(bool(torch.isfinite(got).all()), message=f"cross_entropy(<logits ±1e4 in float32>) gave {got}",
                hint="exp(1e4) overflows: use log_softmax (it subtracts the max), not log(softmax) or exp by hand")
    expect_close(got, want, what="cross_entropy(<logits ±1e4 in float32>, reduction='none')", rtol=1e-6, atol=1e-3)


def test_cross_entropy_empty_batch(ex):
    logits = torch.randn(0, 3)
    mean = ex.cross_entropy(logits, torch.zeros(0, dtype=torch.long))
    expect_true(bool(torch.isnan(mean)), message=f"cross_entropy(<0 samples>) should be nan like F.cross_entropy, got {mean}")
    expect_close(ex.cross_entropy(logits, torch.zeros(0, dtype=torch.long), reduction="sum"), torch.tensor(0.0),
                 what="cross_entropy(<0 samples>, reduction='sum')", rtol=0, atol=0)
    expect_close(ex.cross_entropy(logits, torch.zeros(0, 3), reduction="none"), torch.zeros(0),
                 what="cross_entropy(<0 samples, probability target>, reduction='none')", rtol=0, atol=0)


def test_cross_entropy_keeps_float32(ex):
    logits, target, _ = make_ce_case((6, 5), "idx", "none")
    got = ex.cross_entropy(logits.float(), target)
    expect_close(got, F.cross_entropy(logits.float(), target), what="cross_entropy(<float32 logits>, target)",
                 rtol=1e-5, atol=1e-6, hint="compute in the logits' dtype")


@pytest.mark.parametrize(
    "what,logits,target,kwargs,error",
    [
        ("target 5 for 5 classes", torch.randn(3, 5), torch.tensor([0, 5, 1]), {}, IndexError),
        ("target -1 (not the ignore_index)", torch.randn(3, 5), torch.tensor([0, -1, 1]), {}, IndexError),
        ("float target of index shape", torch.randn(3, 5), torch.tensor([0.0, 1.0, 2.0]), {}, ValueError),
        ("index target of the wrong shape", torch.randn(3, 5), torch.tensor([[0], [1], [2]]), {}, ValueError),
        ("bool target", torch.randn(3, 5), torch.tensor([True, False, True]), {}, TypeError),
        ("integer logits", torch.tensor([[1, 2], [3, 4]]), torch.tensor([0, 1]), {}, TypeError),
        ("0-d logits", torch.tensor(1.0), torch.tensor(0), {}, ValueError),
        ("reduction='avg'", torch.randn(3, 5), torch.tensor([0, 1, 2]), {"reduction": "avg"}, ValueError),
        ("label_smoothing=1.5", torch.randn(3, 5), torch.tensor([0, 1, 2]), {"label_smoothing": 1.5}, ValueError),
    ],
)
def test_cross_entropy_rejects_bad_input(ex, what, logits, target, kwargs, error):
    expect_raises(error, ex.cross_entropy, logits, target, **kwargs, call=f"cross_entropy(<{what}>)",
                  hint="see the Raises section of the docstring")


# ---------------------------------------------------------------- bce_with_logits


def make_bce_case(shape, seed=19):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(shape, generator=g, dtype=torch.float64) * 4
    target = torch.rand(shape, generator=g, dtype=torch.float64)
    target[..., 0] = (target[..., 0] > 0.5).to(torch.float64)  # hard labels next to soft ones
    pos_weight = torch.rand(shape[-1:], generator=g, dtype=torch.float64) * 3 + 0.5
    return logits, target, pos_weight


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("weighted", [False, True], ids=["no_pos_weight", "pos_weight"])
@pytest.mark.parametrize("shape", [(7,), (4, 3), (2, 3, 5)], ids=str)
def test_bce_with_logits_matches_torch(ex, device, shape, weighted):
    skip_float64_on_mps(device)
    logits, target, pos_weight = (t.to(device) for t in make_bce_case(shape))
    pw = pos_weight if weighted else None
    for reduction in ("mean", "sum", "none"):
        mine_in, ref_in = logits.clone().requires_grad_(True), logits.clone().requires_grad_(True)
        call = (f"bce_with_logits(<{shape} logits>, <soft labels>, "
                f"pos_weight={'<(%d,)>' % shape[-1] if weighted else None}, reduction={reduction!r})")
        got = ex.bce_with_logits(mine_in, target, pos_weight=pw, reduction=reduction)
        want = F.binary_cross_entropy_with_logits(ref_in, target, pos_weight=pw, reduction=reduction)
        expect_close(got, want.detach(), what=call, rtol=RTOL, atol=ATOL,
                     hint="loss = (1 - y) * x - (1 + (p - 1) * y) * logsigmoid(x)")
        upstream = torch.randn(want.shape, generator=torch.Generator().manual_seed(2), dtype=torch.float64).to(device)
        (got * upstream).sum().backward()
        (want * upstream).sum().backward()
        expect_close(mine_in.grad, ref_in.grad, what=f"d/dlogits of {call}", rtol=RTOL, atol=ATOL)


EXTREME_X = [-1000.0, -100.0, -30.0, -1.0, 1.0, 30.0, 100.0, 1000.0]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_bce_with_logits_is_stable_for_large_scores(ex, device, y):
    x = torch.tensor(EXTREME_X, device=device)  # float32
    target = torch.full_like(x, y)
    mine_in, ref_in = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    got = ex.bce_with_logits(mine_in, target, reduction="none")
    want = F.binary_cross_entropy_with_logits(ref_in, target, reduction="none")
    call = f"bce_with_logits(x={EXTREME_X}, y={y}, float32, reduction='none')"
    expect_true(bool(torch.isfinite(got).all()), message=f"{call} is not finite: {got.tolist()}",
                hint="sigmoid(100.) == 1.0 in float32, so log(1 - sigmoid(x)) = -inf: use F.logsigmoid")
    expect_close(got, want.detach(), what=call, rtol=1e-6, atol=1e-5)
    got.sum().backward()
    want.sum().backward()
    expect_close(mine_in.grad, ref_in.grad, what=f"d/dx of {call}", rtol=1e-6, atol=1e-6,
                 hint="the gradient is sigmoid(x) - y; exp(-x) in the formula overflows to inf and gives nan")


@pytest.mark.parametrize("y", [0.0, 1.0, 0.25])
def test_bce_with_logits_gradient_at_zero(ex, y):
    x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    pos_weight = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    ex.bce_with_logits(x, torch.full((3,), y, dtype=torch.float64), pos_weight=pos_weight, reduction="sum").backward()
    want = (0.5 * (1 + (pos_weight - 1) * y) - pos_weight * y)  # d/dx at x = 0, by hand
    ref = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(ref, torch.full((3,), y, dtype=torch.float64), pos_weight=pos_weight, reduction="sum").backward()
    expect_close(ref.grad, want, what="(oracle self-check) torch's gradient at x = 0", rtol=1e-12, atol=1e-12)
    expect_close(x.grad, want, what=f"d/dx bce_with_logits(x=0, y={y}, pos_weight=[1, 2, 0.5])", rtol=1e-12, atol=1e-12,
                 hint="at x = 0 autograd picks one-sided slopes for the kinks of max(x, 0) and |x|, and they do not "
                 "add up to the true slope sigmoid(0) - y: use F.logsigmoid or F.softplus")


def test_bce_with_logits_empty_input(ex):
    got = ex.bce_with_logits(torch.zeros(0), torch.zeros(0))
    expect_true(bool(torch.isnan(got)), message=f"bce_with_logits(<empty>) should be nan (mean of nothing), got {got}")


@pytest.mark.parametrize(
    "what,logits,target,kwargs,error,word",
    [
        ("integer target", torch.zeros(3), torch.tensor([0, 1, 1]), {}, TypeError, "float"),
        ("bool target", torch.zeros(3), torch.tensor([False, True, True]), {}, TypeError, "float"),
        ("(N, 1) logits, (N,) target", torch.zeros(3, 1), torch.zeros(3), {}, ValueError, ""),
        ("reduction='avg'", torch.zeros(3), torch.zeros(3), {"reduction": "avg"}, ValueError, ""),
    ],
)
def test_bce_with_logits_rejects_bad_input(ex, what, logits, target, kwargs, error, word):
    expect_raises(error, ex.bce_with_logits, logits, target, **kwargs, match=word, call=f"bce_with_logits(<{what}>)",
                  hint="integer labels must become float (target.float()); shapes must be equal, no broadcasting")


# ---------------------------------------------------------------- check_loss_inputs


def _g(seed=3):
    return torch.Generator().manual_seed(seed)


def _logits(*shape):
    return torch.randn(*shape, generator=_g())


def _with(t, index, value):
    t = t.clone()
    t[index] = value
    return t


VALID = [
    ("indices (N, C)", _logits(4, 3), torch.tensor([0, 2, 1, -100]), {}, "indices"),
    ("uint8 indices", _logits(4, 3), torch.tensor([0, 2, 1, 1], dtype=torch.uint8), {}, "indices"),
    ("indices (N, C, d1, d2)", _logits(2, 3, 4, 5), torch.randint(0, 3, (2, 4, 5), generator=_g()), {}, "indices"),
    ("unbatched (C,)", _logits(5), torch.tensor(3), {}, "indices"),
    ("log_softmax output", _logits(4, 3).log_softmax(1), torch.tensor([0, 2, 1, 1]), {}, "indices"),
    ("ignore_index=0 among real classes", _logits(4, 3), torch.tensor([0, 1, 2, 0]), {"ignore_index": 0}, "indices"),
    ("ignore_index=3 outside the classes", _logits(4, 3), torch.tensor([3, 1, 2, 3]), {"ignore_index": 3}, "indices"),
    ("empty batch", _logits(0, 3), torch.zeros(0, dtype=torch.long), {}, "indices"),
    ("-inf logits (masked classes)", _with(_logits(4, 3), (slice(None), 2), float("-inf")), torch.tensor([0, 1, 0, 1]), {}, "indices"),
    ("probabilities (N, C)", _logits(4, 3), _logits(4, 3).softmax(1), {}, "probabilities"),
    ("one-hot float", _logits(4, 3), F.one_hot(torch.tensor([0, 2, 1, 1]), 3).float(), {}, "probabilities"),
    ("probabilities (N, C, d1)", _logits(2, 3, 4), torch.rand(2, 3, 4, generator=_g()).softmax(1), {}, "probabilities"),
    ("almost softmax: one value outside [0, 1]", _with(_logits(4, 2).softmax(1), (0, 0), 1.5), torch.tensor([0, 1, 1, 0]), {}, "indices"),
]


@pytest.mark.parametrize("what,logits,target,kwargs,kind", VALID, ids=[v[0] for v in VALID])
def test_check_loss_inputs_accepts_valid_pairs(ex, what, logits, target, kwargs, kind):
    got = ex.check_loss_inputs(logits, target, **kwargs)
    expect_equal(got, kind, call=f"check_loss_inputs(<{what}>)",
                 hint="float target shaped like the logits: 'probabilities'; integer target of the index shape: 'indices'")
    loss = F.cross_entropy(logits, target.long() if target.dtype == torch.uint8 else target, **kwargs)
    expect_true(loss.dim() == 0, message=f"(oracle self-check) F.cross_entropy accepts <{what}>")


# (what, logits, target, error, word the message must contain, does F.cross_entropy raise on it?)
MISTAKES = [
    ("a NumPy target", _logits(4, 3), np.array([0, 1, 2, 0]), TypeError, "Tensor", True),
    ("argmax predictions as logits", torch.tensor([[0, 2, 1]]), torch.tensor([1]), TypeError, "float", True),
    ("0-d logits", torch.tensor(1.0), torch.tensor(0), ValueError, "class", True),
    ("a single class", _logits(4, 1), torch.zeros(4, dtype=torch.long), ValueError, "bce_with_logits", False),
    ("nan in the logits", _with(_logits(4, 3), (1, 1), float("nan")), torch.tensor([0, 1, 2, 0]), ValueError, "nan", False),
    ("softmaxed logits", _logits(4, 3).softmax(1), torch.tensor([0, 1, 2, 0]), ValueError, "softmax", False),
    ("softmaxed (N, C, d1) logits", _logits(2, 3, 5).softmax(1), torch.randint(0, 3, (2, 5), generator=_g()), ValueError, "softmax", False),
    ("softmaxed unbatched logits", _logits(4).softmax(0), torch.tensor(2), ValueError, "softmax", False),
    ("a bool target", _logits(4, 3), torch.tensor([True, False, True, True]), TypeError, "long", True),
    ("float class indices", _logits(4, 3), torch.tensor([0.0, 2.0, 1.0, 1.0]), TypeError, "long", True),
    ("int32 class indices", _logits(4, 3), torch.tensor([0, 2, 1, 1], dtype=torch.int32), TypeError, "long", True),
    ("float target not summing to 1", _logits(4, 3), torch.rand(4, 3, generator=_g()), ValueError, "sum to 1", False),
    ("negative soft labels", _logits(4, 3), torch.tensor([[1.5, -0.5, 0.0]] * 4), ValueError, "sum to 1", False),
    ("one-hot int64 target", _logits(4, 3), F.one_hot(torch.tensor([0, 2, 1, 1]), 3), ValueError, "argmax", True),
    ("(N, T, C) logits with (N, T) target", _logits(2, 7, 5), torch.randint(0, 5, (2, 7), generator=_g()), ValueError, "transpose", True),
    ("(N, 1) target for (N, C) logits", _logits(4, 3), torch.tensor([[0], [2], [1], [1]]), ValueError, "squeeze", True),
    ("a target of the wrong length", _logits(4, 3), torch.tensor([0, 2, 1, 1, 0]), ValueError, "shape", True),
    ("labels counted from 1", _logits(4, 3), torch.tensor([1, 2, 3, 3]), ValueError, "[0, C)", True),
    ("a negative label", _logits(4, 3), torch.tensor([0, -1, 2, 1]), ValueError, "[0, C)", True),
]


@pytest.mark.parametrize("what,logits,target,error,word,torch_raises", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_check_loss_inputs_catches_mistakes(ex, what, logits, target, error, word, torch_raises):
    expect_raises(error, ex.check_loss_inputs, logits, target, match=word, call=f"check_loss_inputs(<{what}>)",
                  hint=f"this mistake should raise {error.__name__} whose message names the fix ({word!r})")
    try:
        F.cross_entropy(logits, target)
        raised = False
    except Exception:  # noqa: BLE001 - any error counts: torch rejects the pair
        raised = True
    expect_equal(raised, torch_raises, call=f"(oracle self-check) does F.cross_entropy raise on <{what}>?")


def test_check_loss_inputs_does_not_flag_logits_that_happen_to_be_small(ex):
    logits = torch.full((4, 3), 0.2)  # in [0, 1], but rows sum to 0.6: not probabilities
    expect_equal(ex.check_loss_inputs(logits, torch.tensor([0, 1, 2, 0])), "indices",
                 call="check_loss_inputs(torch.full((4, 3), 0.2), <indices>)",
                 hint="flag softmax output only when every row also sums to 1 (within 1e-3)")
    expect_true(math.isfinite(F.cross_entropy(logits, torch.tensor([0, 1, 2, 0])).item()),
                message="(oracle self-check) F.cross_entropy on constant logits")
