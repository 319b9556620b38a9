"""Grading cs336-15: clip_grad_norm.

Oracle: ``torch.nn.utils.clip_grad_norm_`` on an identical copy of the
gradients (the returned norm and the clipped gradients), plus hand-worked
values (a 3-4-5 triangle). Convention: both scale by
``max_norm / (total + 1e-6)``; below the limit this exercise leaves the
gradients bit-for-bit unchanged (torch multiplies by a clamped factor of 1.0,
also a no-op), so the comparison is tight.
"""

from __future__ import annotations

import pytest
import torch

from curriculum.grading.testing import device_params, expect_close, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-15")

DEVICES = device_params()


def make_params(shapes, dtype, device, scale=1.0, seed=15, without_grad=()):
    """Parameters with seeded grads; indices in `without_grad` get grad None."""
    g = torch.Generator().manual_seed(seed)
    params = []
    for i, shape in enumerate(shapes):
        p = torch.nn.Parameter(torch.randn(shape, generator=g, dtype=torch.float64).to(dtype).to(device))
        if i not in without_grad:
            p.grad = (torch.randn(shape, generator=g, dtype=torch.float64) * scale).to(dtype).to(device)
        params.append(p)
    return params


def as_float(total):
    """The returned norm as a float (a 0-d tensor is tolerated); anything else is passed through to fail."""
    return float(total) if isinstance(total, (int, float, torch.Tensor)) else total


def clone_params(params):
    out = []
    for p in params:
        q = torch.nn.Parameter(p.detach().clone())
        q.grad = None if p.grad is None else p.grad.clone()
        out.append(q)
    return out


# (shapes, grad scale, max_norm, indices without grad)
CASES = [
    ([(5,)], 10.0, 1.0, ()),
    ([(3, 4), (4,), (2, 2, 2)], 3.0, 0.5, ()),
    ([(3, 4), (4,), (2, 2, 2)], 0.01, 5.0, ()),  # already below the limit
    ([(8, 8), (8,), (3,)], 2.0, 1.0, (1,)),      # one parameter without grad
    ([(16, 4), (4,)], 1.0, 0.0, ()),             # max_norm 0: everything goes (nearly) to 0
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shapes,scale,max_norm,without_grad", CASES, ids=lambda c: str(c))
def test_clip_grad_norm_matches_torch(ex, device, dtype, shapes, scale, max_norm, without_grad):
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")
    mine = make_params(shapes, dtype, device, scale=scale, without_grad=without_grad)
    theirs = clone_params(mine)
    call = f"clip_grad_norm(<params {shapes}, grads * {scale}, no grad at {list(without_grad)}>, max_norm={max_norm}) in {dtype}"
    total = ex.clip_grad_norm(iter(mine), max_norm)  # a one-shot iterator, like model.parameters()
    want_total = float(torch.nn.utils.clip_grad_norm_(theirs, max_norm))
    rel = 1e-12 if dtype == torch.float64 else 1e-5
    expect_float(as_float(total), want_total, rel=rel, abs=1e-12,
                 call=f"{call} return value",
                 hint="return the global norm BEFORE clipping: sqrt of the sum over all grads of their squares")
    for i, (p, q) in enumerate(zip(mine, theirs)):
        if q.grad is None:
            expect_true(p.grad is None, message=f"{call}: parameter {i} had no grad but now has one",
                        hint="skip parameters whose .grad is None")
            continue
        expect_close(p.grad, q.grad, what=f"{call}: grad of parameter {i}", rtol=rel, atol=1e-7 if dtype == torch.float32 else 1e-14,
                     hint="one factor for all grads: max_norm / (total + 1e-6), applied in place, only when total > max_norm; "
                          "read the parameters once (a generator is consumed by the first loop)")


def test_clip_grad_norm_three_four_five(ex):
    a, b = torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1, 1))
    a.grad, b.grad = torch.tensor([3.0], dtype=torch.float32), torch.tensor([[4.0]])
    call = "clip_grad_norm([a, b], 1.0) with a.grad = [3], b.grad = [[4]]"
    total = ex.clip_grad_norm((p for p in (a, b)), 1.0)
    expect_float(as_float(total), 5.0, rel=1e-6, call=call,
                 hint="the global norm: sqrt(3^2 + 4^2) over both parameters together, not per parameter")
    expect_close(a.grad, torch.tensor([3.0 / (5.0 + 1e-6)]), what=f"{call}: a.grad", rtol=1e-6, atol=0)
    expect_close(b.grad, torch.tensor([[4.0 / (5.0 + 1e-6)]]), what=f"{call}: b.grad", rtol=1e-6, atol=0,
                 hint="every grad is multiplied by the same max_norm / (total + 1e-6)")


@pytest.mark.parametrize("max_norm", [5.0, 5.5, 1e6], ids=["equal", "above", "far-above"])
def test_clip_grad_norm_leaves_small_grads_untouched(ex, max_norm):
    p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([3.0, 4.0], dtype=torch.float64)
    before = p.grad.clone()
    call = f"clip_grad_norm([p], {max_norm}) with p.grad = [3, 4] (norm 5)"
    total = ex.clip_grad_norm([p], max_norm)
    expect_float(as_float(total), 5.0, rel=1e-12, call=call)
    expect_close(p.grad, before, what=f"{call}: p.grad", rtol=0, atol=0,
                 hint="scale only when total > max_norm; otherwise leave the grads exactly as they are")


def test_clip_grad_norm_without_any_grad(ex):
    params = [torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(2))]
    total = ex.clip_grad_norm(params, 1.0)
    expect_float(as_float(total), 0.0, abs=0.0,
                 call="clip_grad_norm(<two params, no grads>, 1.0)", hint="no grads: the norm is 0.0 and nothing changes")
    expect_true(all(p.grad is None for p in params), message="clip_grad_norm created grads for parameters that had none")


def test_clip_grad_norm_rejects_a_negative_limit(ex):
    p = torch.nn.Parameter(torch.zeros(2))
    p.grad = torch.ones(2)
    expect_raises(ValueError, ex.clip_grad_norm, [p], -1.0, call="clip_grad_norm([p], -1.0)",
                  hint="a norm is never negative: reject max_norm < 0")


def test_clip_grad_norm_computes_the_norm_itself(ex, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("clip_grad_norm called torch's clipping helpers; compute the norm and scale yourself")

    for name in ("clip_grad_norm_", "clip_grad_norm", "clip_grads_with_norm_", "get_total_norm"):
        if hasattr(torch.nn.utils, name):
            monkeypatch.setattr(torch.nn.utils, name, forbidden)
    p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([6.0, 8.0], dtype=torch.float64)
    total = ex.clip_grad_norm([p], 2.0)
    monkeypatch.undo()
    expect_float(as_float(total), 10.0, rel=1e-12, call="clip_grad_norm([p], 2.0) with p.grad = [6, 8]")
    expect_close(p.grad, torch.tensor([6.0, 8.0], dtype=torch.float64) * 2.0 / (10.0 + 1e-6),
                 what="p.grad after clip_grad_norm([p], 2.0)", rtol=1e-12, atol=0)
