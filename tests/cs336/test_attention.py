"""Grading cs336-08: softmax and scaled_dot_product_attention.

Oracles: ``torch.softmax`` and ``F.scaled_dot_product_attention`` with a
boolean ``attn_mask`` (True = attend), values and gradients.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from curriculum.grading.testing import device_params, expect_close, expect_true

pytestmark = pytest.mark.exercise("cs336-08")

DEVICES = device_params()
TOL = {torch.float64: 1e-10, torch.float32: 2e-5}


def forbid_builtins(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a built-in softmax or attention was called; write it yourself")

    for owner, name in ((F, "scaled_dot_product_attention"), (F, "softmax"), (torch, "softmax"),
                        (torch.special, "softmax"), (torch.Tensor, "softmax")):
        monkeypatch.setattr(owner, name, forbidden)


# (shape, dim, scale)
SOFTMAX_CASES = [((5,), 0, 1.0), ((1,), 0, 1.0), ((3, 4), -1, 1.0), ((3, 4), 0, 1.0), ((2, 3, 4), 1, 5.0), ((2, 6), -1, 1e4)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shape,dim,scale", SOFTMAX_CASES)
def test_softmax_matches_torch_softmax(ex, monkeypatch, device, dtype, shape, dim, scale):
    call = f"softmax(x of shape {shape} with |x| ~ {scale:g}, dim={dim}) in {dtype}"
    x = (scale * torch.randn(shape, generator=torch.Generator().manual_seed(8), dtype=torch.float64)).to(dtype).to(device)
    x.requires_grad_(True)
    x2 = x.detach().clone().requires_grad_(True)
    want = torch.softmax(x2, dim=dim)
    forbid_builtins(monkeypatch)
    got = ex.softmax(x, dim)
    monkeypatch.undo()
    expect_true(bool(torch.isfinite(got).all()), message=f"{call} produced inf or NaN",
                hint="exp(1e4) overflows: subtract the maximum along dim before exp")
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol, hint="normalise along the given dim (keepdim=True), not over the whole tensor")
    g_out = torch.randn(shape, generator=torch.Generator().manual_seed(9), dtype=torch.float64).to(dtype).to(device)
    (got * g_out).sum().backward()
    (want * g_out).sum().backward()
    expect_close(x.grad, x2.grad, what=f"x.grad after {call}", rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("device", DEVICES)
def test_softmax_gives_minus_inf_a_zero_probability(ex, device):
    x = torch.tensor([[0.0, float("-inf"), 1.0], [float("-inf"), 2.0, float("-inf")]], device=device)
    expect_close(ex.softmax(x, -1), torch.softmax(x, -1), what="softmax([[0, -inf, 1], [-inf, 2, -inf]], -1)",
                 rtol=1e-6, atol=1e-6, hint="exp(-inf - max) = 0; the max of a row with one finite entry is finite")


# (leading dims, queries, keys, d_k, d_v, mask kind)
ATTN_CASES = [
    ((), 5, 5, 8, 8, None),
    ((), 4, 4, 8, 8, "causal"),
    ((3,), 4, 7, 16, 5, None),
    ((3,), 4, 7, 16, 5, "random"),
    ((2, 3), 6, 6, 4, 4, "causal"),
    ((2, 3), 6, 6, 4, 4, "random"),
    ((2, 2), 1, 9, 8, 3, "random"),
]


def make_mask(kind, lead, lq, lk, g):
    if kind is None:
        return None
    if kind == "causal":
        return torch.ones(lq, lk, dtype=torch.bool).tril()
    mask = torch.rand(*lead, lq, lk, generator=g) < 0.6
    mask[..., 0] = True  # every query may attend to at least one key
    return mask


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,lq,lk,d_k,d_v,mask_kind", ATTN_CASES)
def test_attention_matches_the_builtin(ex, monkeypatch, device, dtype, lead, lq, lk, d_k, d_v, mask_kind):
    call = f"scaled_dot_product_attention(Q {(*lead, lq, d_k)}, K {(*lead, lk, d_k)}, V {(*lead, lk, d_v)}, mask={mask_kind}) in {dtype}"
    g = torch.Generator().manual_seed(8)
    Q, K, V = (torch.randn(*lead, n, d, generator=g, dtype=torch.float64).to(dtype).to(device).requires_grad_(True)
               for n, d in ((lq, d_k), (lk, d_k), (lk, d_v)))
    mask = make_mask(mask_kind, lead, lq, lk, g)
    mask = None if mask is None else mask.to(device)
    Q2, K2, V2 = (t.detach().clone().requires_grad_(True) for t in (Q, K, V))
    want = F.scaled_dot_product_attention(Q2, K2, V2, attn_mask=mask)
    forbid_builtins(monkeypatch)
    got = ex.scaled_dot_product_attention(Q, K, V, mask=mask)
    monkeypatch.undo()
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol,
                 hint="softmax(Q K^T / sqrt(d_k)) V over the keys (last dim); False in the mask means -inf before the softmax")
    g_out = torch.randn(want.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    (got * g_out).sum().backward()
    (want * g_out).sum().backward()
    for name, mine, theirs in (("Q", Q, Q2), ("K", K, K2), ("V", V, V2)):
        expect_true(mine.grad is not None, message=f"{call}: no gradient reached {name}")
        expect_close(mine.grad, theirs.grad, what=f"{name}.grad after {call}", rtol=tol * 10, atol=tol * 10,
                     hint="use out-of-place ops (masked_fill, not masked_fill_ on a tensor autograd needs)")


@pytest.mark.parametrize("device", DEVICES)
def test_attention_is_stable_for_huge_scores(ex, device):
    g = torch.Generator().manual_seed(3)
    Q, K, V = (torch.randn(2, 4, 8, generator=g, dtype=torch.float64) * s for s in (100.0, 100.0, 1.0))
    want = F.scaled_dot_product_attention(Q, K, V).float()
    got = ex.scaled_dot_product_attention(*(t.float().to(device) for t in (Q, K, V)))
    call = "scaled_dot_product_attention(Q * 100, K * 100, V) in float32 (scores ~ 1e4)"
    expect_true(bool(torch.isfinite(got).all()), message=f"{call} produced inf or NaN", hint="use your stable softmax")
    expect_close(got.cpu(), want, what=call, rtol=1e-4, atol=1e-4)
