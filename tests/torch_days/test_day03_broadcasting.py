"""Grading torch-03: broadcast_shape, normalize_rows, pairwise_l2, mse_loss_safe.

Oracles: ``torch.broadcast_shapes`` (saved before the tests hide it) and
Hypothesis over random shapes, hand-worked shapes, ``F.normalize``,
``torch.cdist`` and ``F.mse_loss`` for values and gradients.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-03")

DEVICES = device_params()
TORCH_BROADCAST_SHAPES = torch.broadcast_shapes  # the oracle, saved before the tests hide it
CDIST = torch.cdist
NORMALIZE = F.normalize
MSE = F.mse_loss


def _randn(*shape: int, seed: int = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def _forbid(monkeypatch, owner, name: str, why: str) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"{why}: it called {getattr(owner, '__name__', owner)}.{name}")

    monkeypatch.setattr(owner, name, refuse)


# ---------------------------------------------------------------- broadcast_shape


@pytest.fixture
def no_broadcast_helpers(monkeypatch):
    why = "broadcast_shape must apply the rule itself"
    for owner, name in [(torch, "broadcast_shapes"), (torch, "broadcast_tensors"), (torch, "broadcast_to"),
                        (np, "broadcast_shapes"), (np, "broadcast_to"), (np, "broadcast_arrays")]:
        _forbid(monkeypatch, owner, name, why)


def _oracle(shapes) -> tuple[int, ...] | None:
    try:
        return tuple(TORCH_BROADCAST_SHAPES(*[tuple(s) for s in shapes]))
    except RuntimeError:
        return None


def _check_broadcast(ex, shapes, call: str) -> None:
    expected = _oracle(shapes)
    if expected is None:
        expect_raises(ValueError, lambda: ex.broadcast_shape(*shapes), call=call,
                      hint="two sizes in one position must be equal, or one of them 1 (0 matches only 0 and 1)")
        return
    got = ex.broadcast_shape(*shapes)
    expect_equal(got, expected, call=call, hint="align on the right; a size 1 stretches to the other size; return a tuple")
    expect_true(all(type(s) is int for s in got), message=f"{call} should contain Python ints, got {got!r}")


@pytest.mark.parametrize(
    "shapes,expected",
    [
        ([], ()),
        ([()], ()),
        ([(3,)], (3,)),
        ([(8, 1, 6, 1), (7, 1, 5)], (8, 7, 6, 5)),
        ([(5,), (5, 1)], (5, 5)),  # the silent (N,) vs (N, 1) trap
        ([(5, 1), (5,)], (5, 5)),
        ([(), (2, 3)], (2, 3)),
        ([(0,), (1,)], (0,)),
        ([(2, 0), (1,)], (2, 0)),
        ([(1, 0), (3, 1)], (3, 0)),
        ([(2, 1, 1), (1, 3, 1), (4,)], (2, 3, 4)),
        ([torch.Size([4, 1]), [1, 6]], (4, 6)),
    ],
)
def test_broadcast_shape_known_values(ex, no_broadcast_helpers, shapes, expected):
    call = f"broadcast_shape({', '.join(repr(s) for s in shapes)})"
    got = ex.broadcast_shape(*shapes)
    expect_equal(got, expected, call=call, hint="align on the right; a size 1 stretches to the other size; return a tuple")


@pytest.mark.parametrize(
    "shapes,sizes",
    [([(2, 3), (4,)], ("3", "4")), ([(5, 2), (3, 2)], ("5", "3")), ([(0,), (2,)], ("0", "2")), ([(2, 1), (1, 3), (4, 3)], ("2", "4"))],
)
def test_broadcast_shape_names_the_conflict(ex, no_broadcast_helpers, shapes, sizes):
    call = f"broadcast_shape({', '.join(repr(s) for s in shapes)})"
    err = expect_raises(ValueError, lambda: ex.broadcast_shape(*shapes), call=call,
                        hint="sizes in one position must be equal, or one of them 1")
    numbers = re.findall(r"\d+", str(err))
    expect_true(all(s in numbers for s in sizes),
                message=f"the ValueError from {call} should name the clashing sizes {' and '.join(sizes)}; got: {err}")


shape_lists = st.lists(st.lists(st.sampled_from([0, 1, 1, 2, 3]), max_size=4).map(tuple), max_size=4)


@given(shape_lists)
def test_broadcast_shape_matches_torch(ex, no_broadcast_helpers, shapes):
    _check_broadcast(ex, shapes, f"broadcast_shape({', '.join(repr(s) for s in shapes)})")


@pytest.mark.parametrize(
    "shapes,error",
    [([(2, -1)], ValueError), ([(2.0, 3)], TypeError), ([(True, 3)], TypeError), (["ab"], TypeError), ([3], TypeError), ([(2,), None], TypeError)],
)
def test_broadcast_shape_rejects_bad_shapes(ex, no_broadcast_helpers, shapes, error):
    expect_raises(error, lambda: ex.broadcast_shape(*shapes), call=f"broadcast_shape({', '.join(repr(s) for s in shapes)})",
                  hint="a shape is a sequence of ints >= 0 (not bool, not float, not a bare int)")


# ---------------------------------------------------------------- normalize_rows


@pytest.fixture
def no_normalize(monkeypatch):
    _forbid(monkeypatch, F, "normalize", "normalize_rows must divide by the norm itself")


NORMALIZE_CASES = {
    "square (keepdim trap)": lambda: _randn(4, 4, seed=1),
    "wide": lambda: _randn(3, 5, seed=2),
    "one column": lambda: _randn(5, 1, seed=3),
    "batch dims": lambda: _randn(2, 3, 4, seed=4),
    "one row": lambda: _randn(6, seed=5),
    "with a zero row": lambda: torch.cat([_randn(2, 3, seed=6), torch.zeros(1, 3)]),
    "empty": lambda: torch.zeros(0, 3),
    "float64": lambda: _randn(3, 3, seed=7, dtype=torch.float64),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(NORMALIZE_CASES))
def test_normalize_rows_matches_f_normalize(ex, no_normalize, device, case):
    x = NORMALIZE_CASES[case]().to(device)
    if device == "mps" and x.dtype == torch.float64:
        pytest.skip("MPS has no float64")
    call = f"normalize_rows(<{case} {tuple(x.shape)} on {device}>)"
    mine = x.clone().requires_grad_(True)
    got = ex.normalize_rows(mine)
    ref = x.clone().requires_grad_(True)
    expected = NORMALIZE(ref, p=2.0, dim=-1, eps=1e-12)
    expect_close(got.detach(), expected.detach(), what=call, rtol=1e-5, atol=1e-6,
                 hint="divide by the norm over dim=-1 with keepdim=True: without it a (4, 4) input broadcasts the norms along the wrong axis")
    if x.numel():
        upstream = _randn(*x.shape, seed=9, dtype=x.dtype).to(device)
        (got * upstream).sum().backward()
        (expected * upstream).sum().backward()
        expect_true(mine.grad is not None, message=f"{call} is not differentiable")
        expect_close(mine.grad, ref.grad, what=f"gradient of sum({call} * upstream)", rtol=1e-4, atol=1e-5,
                     hint="use x.norm(dim=-1, keepdim=True) (its backward is defined at 0) and clamp_min(eps)")


def test_normalize_rows_eps_controls_tiny_rows(ex, no_normalize):
    x = torch.tensor([[3e-4, 4e-4], [3.0, 4.0]])
    got = ex.normalize_rows(x, eps=1e-2)
    expected = torch.tensor([[0.03, 0.04], [0.6, 0.8]])  # the tiny row is divided by eps, not by its norm
    expect_close(got, expected, what="normalize_rows([[3e-4, 4e-4], [3, 4]], eps=1e-2)", rtol=1e-5, atol=1e-7,
                 hint="divide by max(norm, eps)")


def test_normalize_rows_rejects_integers(ex, no_normalize):
    expect_raises(TypeError, lambda: ex.normalize_rows(torch.tensor([[3, 4]])), call="normalize_rows(torch.tensor([[3, 4]]))",
                  hint="check x.is_floating_point()")


# ---------------------------------------------------------------- pairwise_l2


@pytest.fixture
def no_cdist(monkeypatch):
    _forbid(monkeypatch, torch, "cdist", "pairwise_l2 must broadcast the differences itself")


def _cdist(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return CDIST(x, y, compute_mode="donot_use_mm_for_euclid_dist")  # the exact (non-matmul) formula


PAIRWISE_CASES = [
    ((5, 3), (4, 3)),
    ((1, 3), (6, 3)),
    ((6, 2), (1, 2)),
    ((7, 1), (5, 1)),  # D == 1
    ((0, 3), (4, 3)),  # no points in x
    ((2, 4, 3), (2, 5, 3)),  # batch dims
    ((2, 1, 4, 3), (3, 5, 3)),  # batch dims broadcast to (2, 3)
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("xs,ys", PAIRWISE_CASES)
def test_pairwise_l2_matches_cdist(ex, no_cdist, device, xs, ys):
    x = _randn(*xs, seed=11).to(device)
    y = _randn(*ys, seed=12).to(device)
    call = f"pairwise_l2(<{xs}>, <{ys}>) on {device}"
    got = ex.pairwise_l2(x, y)
    expect_close(got, _cdist(x, y), what=call, rtol=1e-5, atol=1e-5,
                 hint="x.unsqueeze(-2) is (*, N, 1, D), y.unsqueeze(-3) is (*, 1, M, D): their difference is (*, N, M, D)")


@pytest.mark.parametrize("device", DEVICES)
def test_pairwise_l2_identical_points_and_float64(ex, no_cdist, device):
    if device == "mps":
        pytest.skip("MPS has no float64")
    x = _randn(4, 3, seed=13, dtype=torch.float64).to(device)
    y = torch.cat([x[:2], _randn(3, 3, seed=14, dtype=torch.float64).to(device)])
    got = ex.pairwise_l2(x, y)
    expect_close(got, _cdist(x, y), what="pairwise_l2(x, y) where y starts with two points of x (float64)", rtol=1e-12, atol=1e-12,
                 hint="keep the dtype of the inputs; the distance of a point to itself is exactly 0")


@pytest.mark.parametrize("device", DEVICES)
def test_pairwise_l2_gradients_match_cdist(ex, no_cdist, device):
    x0 = _randn(2, 5, 3, seed=15).to(device)
    y0 = _randn(2, 4, 3, seed=16).to(device)
    upstream = _randn(2, 5, 4, seed=17).to(device)
    x, y = x0.clone().requires_grad_(True), y0.clone().requires_grad_(True)
    (ex.pairwise_l2(x, y) * upstream).sum().backward()
    xr, yr = x0.clone().requires_grad_(True), y0.clone().requires_grad_(True)
    (_cdist(xr, yr) * upstream).sum().backward()
    expect_true(x.grad is not None and y.grad is not None, message="pairwise_l2 is not differentiable in both inputs")
    expect_close(x.grad, xr.grad, what="d/dx sum(pairwise_l2(x, y) * upstream)", rtol=1e-4, atol=1e-5)
    expect_close(y.grad, yr.grad, what="d/dy sum(pairwise_l2(x, y) * upstream)", rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("xs,ys", [((4, 3), (5, 2)), ((3,), (4, 3)), ((4, 3), (3,))])
def test_pairwise_l2_rejects_bad_shapes(ex, no_cdist, xs, ys):
    expect_raises(ValueError, lambda: ex.pairwise_l2(torch.zeros(xs), torch.zeros(ys)), call=f"pairwise_l2(<{xs}>, <{ys}>)",
                  hint="both inputs need (*, points, D) with the same D")


# ---------------------------------------------------------------- mse_loss_safe


@pytest.fixture
def no_mse(monkeypatch):
    _forbid(monkeypatch, F, "mse_loss", "mse_loss_safe must compute the mean itself")


MSE_CASES = [((6,), torch.float32), ((6, 1), torch.float32), ((2, 3, 4), torch.float32), ((), torch.float32), ((5,), torch.float64)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape,dtype", MSE_CASES)
def test_mse_loss_safe_matches_f_mse_loss(ex, no_mse, device, shape, dtype):
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")
    pred0 = _randn(*shape, seed=21, dtype=dtype).to(device)
    target = _randn(*shape, seed=22, dtype=dtype).to(device)
    call = f"mse_loss_safe(<{shape} {dtype}>, <{shape} {dtype}>) on {device}"
    pred = pred0.clone().requires_grad_(True)
    got = ex.mse_loss_safe(pred, target)
    ref = pred0.clone().requires_grad_(True)
    expected = MSE(ref, target)
    expect_close(got.detach(), expected.detach(), what=call, rtol=1e-6, atol=1e-7, hint="the mean of (pred - target) ** 2, a 0-d tensor")
    got.backward()
    expected.backward()
    expect_true(pred.grad is not None, message=f"{call} is not differentiable")
    expect_close(pred.grad, ref.grad, what=f"gradient of {call}", rtol=1e-5, atol=1e-7)


def test_mse_loss_safe_mixed_dtypes_and_empty(ex, no_mse):
    pred, target = _randn(4, seed=23), _randn(4, seed=24, dtype=torch.float64)
    got = ex.mse_loss_safe(pred, target)
    expect_close(got, MSE(pred.double(), target), what="mse_loss_safe(<float32 (4,)>, <float64 (4,)>)", rtol=1e-6, atol=1e-7,
                 hint="let torch promote: pred - target is float64")
    empty = ex.mse_loss_safe(torch.zeros(0), torch.zeros(0))
    expect_true(isinstance(empty, torch.Tensor) and empty.ndim == 0 and bool(torch.isnan(empty)),
                message=f"mse_loss_safe(<(0,)>, <(0,)>) should be a 0-d NaN like F.mse_loss, got {empty!r}")


def _names_shape(message: str, shape: tuple[int, ...]) -> bool:
    return any(form in message for form in (str(shape), str(list(shape)), str(torch.Size(shape))))


@pytest.mark.parametrize(
    "pred_shape,target_shape",
    [((4, 1), (4,)), ((4,), (4, 1)), ((4,), (1,)), ((), (4,)), ((2, 3), (3,)), ((3,), (4,))],
)
def test_mse_loss_safe_refuses_mismatched_shapes(ex, no_mse, pred_shape, target_shape):
    call = f"mse_loss_safe(<{pred_shape}>, <{target_shape}>)"
    err = expect_raises(ValueError, lambda: ex.mse_loss_safe(torch.zeros(pred_shape), torch.zeros(target_shape)), call=call,
                        hint="compare pred.shape with target.shape before computing: broadcasting would hide the bug")
    expect_true(_names_shape(str(err), pred_shape) and _names_shape(str(err), target_shape),
                message=f"the ValueError from {call} should name both shapes; got: {err}")
