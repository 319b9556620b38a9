"""Grading cs336-06: silu and SwiGLU.

Oracles: ``F.silu``, and the SwiGLU formula assembled from ``F.linear`` and
``F.silu`` with the same three weights (values and gradients).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_true

pytestmark = pytest.mark.exercise("cs336-06")

DEVICES = device_params()
TOL = {torch.float64: 1e-12, torch.float32: 1e-5}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shape,scale", [((0,), 1.0), ((7,), 1.0), ((3, 4, 5), 3.0), ((50,), 100.0)])
def test_silu_matches_f_silu(ex, device, dtype, shape, scale):
    call = f"silu(x of shape {shape}, |x| ~ {scale}, {dtype})"
    x = (scale * torch.randn(shape, generator=torch.Generator().manual_seed(6), dtype=torch.float64)).to(dtype).to(device)
    x.requires_grad_(True)
    x2 = x.detach().clone().requires_grad_(True)
    got, want = ex.silu(x), F.silu(x2)
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol, hint="silu(x) = x * sigmoid(x); torch.sigmoid is stable for ±100")
    got.sum().backward()
    want.sum().backward()
    expect_true(x.grad is not None, message=f"{call}: no gradient reached x")
    expect_close(x.grad, x2.grad, what=f"x.grad after {call}", rtol=tol, atol=tol)


def test_silu_does_not_call_the_builtin(ex, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("silu called F.silu; write x * sigmoid(x) yourself")

    monkeypatch.setattr(F, "silu", forbidden)
    got = ex.silu(torch.tensor([0.0, 1.0, -1.0], dtype=torch.float64))
    monkeypatch.undo()
    want = torch.tensor([0.0, 1 / (1 + torch.e ** -1), -1 / (1 + torch.e)], dtype=torch.float64)
    expect_close(got, want, what="silu([0, 1, -1])", rtol=1e-12, atol=1e-12, hint="hand-worked: x / (1 + exp(-x))")


# (leading dims, d_model, d_ff)
CASES = [((), 8, 16), ((3,), 8, 24), ((2, 5), 16, 40), ((2, 1, 3), 4, 7)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,d_model,d_ff", CASES)
def test_swiglu_matches_the_formula(ex, device, dtype, lead, d_model, d_ff):
    call = f"SwiGLU(d_model={d_model}, d_ff={d_ff}, dtype={dtype})(x of shape {(*lead, d_model)})"
    ffn = ex.SwiGLU(d_model, d_ff, device=device, dtype=dtype)
    names = sorted(n for n, _ in ffn.named_parameters())
    expect_equal(names, ["w1.weight", "w2.weight", "w3.weight"], call=f"parameter names of {call.split('(x')[0]}",
                 hint="three bias-free Linear submodules named w1, w2, w3")
    shapes = {n: tuple(p.shape) for n, p in ffn.named_parameters()}
    expect_equal(shapes, {"w1.weight": (d_ff, d_model), "w2.weight": (d_model, d_ff), "w3.weight": (d_ff, d_model)},
                 call="weight shapes", hint="w1 and w3: Linear(d_model, d_ff); w2: Linear(d_ff, d_model)")
    g = torch.Generator().manual_seed(6)
    ws = {n: (torch.randn(s, generator=g, dtype=torch.float64) / s[1] ** 0.5).to(dtype).to(device) for n, s in sorted(shapes.items())}
    params = dict(ffn.named_parameters())
    with torch.no_grad():
        for n, w in ws.items():
            params[n].copy_(w)
    x = torch.randn(*lead, d_model, generator=g, dtype=torch.float64).to(dtype).to(device).requires_grad_(True)
    x2 = x.detach().clone().requires_grad_(True)
    w1, w2, w3 = (ws[f"w{i}.weight"].clone().requires_grad_(True) for i in (1, 2, 3))
    want = F.linear(F.silu(F.linear(x2, w1)) * F.linear(x2, w3), w2)
    got = ffn(x)
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol,
                 hint="w2(silu(w1(x)) * w3(x)): the SiLU gate goes on the w1 branch only")
    g_out = torch.randn(want.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    (got * g_out).sum().backward()
    (want * g_out).sum().backward()
    expect_close(x.grad, x2.grad, what=f"x.grad after {call}", rtol=tol * 10, atol=tol * 10)
    for i, w in zip((1, 2, 3), (w1, w2, w3)):
        expect_close(params[f"w{i}.weight"].grad, w.grad, what=f"w{i}.weight.grad after {call}", rtol=tol * 10, atol=tol * 10)
