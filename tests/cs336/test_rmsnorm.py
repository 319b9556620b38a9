"""Grading cs336-05: RMSNorm.

Oracle: ``nn.RMSNorm`` with the same weight and eps (values and gradients),
computed in float32 (or float64) and, for bfloat16 input, cast back.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal

pytestmark = pytest.mark.exercise("cs336-05")

DEVICES = device_params()
TOL = {torch.float64: 1e-12, torch.float32: 1e-5}


def make_pair(ex, d_model, eps, dtype, device, seed=5):
    """The learner's RMSNorm and nn.RMSNorm sharing one random (trained-looking) weight."""
    norm = ex.RMSNorm(d_model, eps=eps, device=device, dtype=dtype)
    oracle = nn.RMSNorm(d_model, eps=eps, device=device, dtype=dtype)
    w = 1 + 0.5 * torch.randn(d_model, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    with torch.no_grad():
        norm.weight.copy_(w)
        oracle.weight.copy_(w)
    return norm, oracle


# (leading dims, d_model, eps)
CASES = [((), 8, 1e-5), ((3,), 16, 1e-5), ((2, 5), 4, 1e-5), ((2, 2, 3), 32, 1e-2), ((4,), 1, 1e-5)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,d_model,eps", CASES)
def test_rmsnorm_matches_nn_rmsnorm(ex, device, dtype, lead, d_model, eps):
    call = f"RMSNorm({d_model}, eps={eps}, dtype={dtype})(x of shape {(*lead, d_model)})"
    norm, oracle = make_pair(ex, d_model, eps, dtype, device)
    expect_equal(sorted(n for n, _ in norm.named_parameters()), ["weight"], call=f"parameter names of RMSNorm({d_model})",
                 hint="one gain vector named weight, initialised to ones; no bias")
    g = torch.Generator().manual_seed(7)
    x = (3 * torch.randn(*lead, d_model, generator=g, dtype=torch.float64)).to(dtype).to(device).requires_grad_(True)
    x2 = x.detach().clone().requires_grad_(True)
    got, want = norm(x), oracle(x2)
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol,
                 hint="x / sqrt(mean(x**2 over the last dim) + eps) * weight; eps goes inside the square root")
    g_out = torch.randn(want.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    (got * g_out).sum().backward()
    (want * g_out).sum().backward()
    expect_close(x.grad, x2.grad, what=f"x.grad after {call}", rtol=tol * 10, atol=tol * 10)
    expect_close(norm.weight.grad, oracle.weight.grad, what=f"weight.grad after {call}", rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("device", DEVICES)
def test_rmsnorm_starts_with_a_weight_of_ones(ex, device):
    norm = ex.RMSNorm(6, device=device)
    expect_close(norm.weight.detach(), torch.ones(6), what="RMSNorm(6).weight at init", rtol=0, atol=0)
    x = torch.tensor([[3.0, 4.0, 0.0, 0.0, 0.0, 0.0]], device=device)  # mean(x**2) = 25 / 6
    want = x / torch.sqrt(torch.tensor(25 / 6 + 1e-5))
    expect_close(norm(x).detach(), want, what="RMSNorm(6)([[3, 4, 0, 0, 0, 0]])", rtol=1e-6, atol=1e-6,
                 hint="hand-worked: rms = sqrt(25/6 + 1e-5)")


@pytest.mark.parametrize("device", DEVICES)
def test_rmsnorm_of_zeros_is_zeros(ex, device):
    norm = ex.RMSNorm(4, device=device)
    got = norm(torch.zeros(2, 4, device=device)).detach()
    expect_close(got, torch.zeros(2, 4), what="RMSNorm(4)(zeros(2, 4))", rtol=0, atol=0,
                 hint="eps keeps the denominator positive: 0 / sqrt(eps) = 0, not NaN")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bfloat16", "float16"])
def test_rmsnorm_computes_low_precision_input_in_float32(ex, device, dtype):
    norm, oracle = make_pair(ex, 64, 1e-5, torch.float32, device)
    g = torch.Generator().manual_seed(9)
    # large values: x**2 summed in bfloat16/float16 would lose digits or overflow float16
    x = (200 * torch.randn(3, 5, 64, generator=g)).to(dtype).to(device)
    got = norm(x)
    call = f"RMSNorm(64)(x in {dtype} with |x| up to ~800)"
    expect_equal(got.dtype, dtype, call=f"dtype of {call}", hint="cast the result back to the input dtype")
    want = oracle(x.float()).detach().to(dtype)
    expect_close(got.detach(), want, what=call, rtol=1e-2, atol=1e-2,
                 hint="upcast to float32 before squaring (float16 overflows above 65504), then cast back")
