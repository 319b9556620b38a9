"""Grading cs336-04: Linear and Embedding.

Oracles: ``F.linear`` and ``nn.Embedding`` given the same weights (values and
gradients); the truncated normal's known statistics for the initialisation
(std of the truncated distribution, nothing beyond ±3 std).
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-04")

DEVICES = device_params()
TOL = {torch.float64: 1e-12, torch.float32: 1e-5}
# std of N(0, 1) truncated at ±3: sqrt(1 - 6 phi(3) / (2 Phi(3) - 1)) ≈ 0.98658
TRUNC3_STD = math.sqrt(1 - 6 * math.exp(-4.5) / math.sqrt(2 * math.pi) / math.erf(3 / math.sqrt(2)))


def param_names(module: nn.Module) -> list[str]:
    return sorted(name for name, _ in module.named_parameters())


# (leading dims, d_in, d_out)
LINEAR_CASES = [((), 4, 3), ((5,), 1, 7), ((2, 3), 8, 8), ((2, 1, 4), 6, 2), ((0,), 3, 2)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,d_in,d_out", LINEAR_CASES)
def test_linear_matches_f_linear(ex, device, dtype, lead, d_in, d_out):
    call = f"Linear({d_in}, {d_out}, dtype={dtype})(x of shape {(*lead, d_in)})"
    layer = ex.Linear(d_in, d_out, device=device, dtype=dtype)
    expect_equal(param_names(layer), ["weight"], call=f"parameter names of Linear({d_in}, {d_out})",
                 hint="one nn.Parameter named weight, no bias")
    expect_equal(tuple(layer.weight.shape), (d_out, d_in), call=f"Linear({d_in}, {d_out}).weight.shape",
                 hint="the weight is (out_features, in_features), like nn.Linear")
    g = torch.Generator().manual_seed(4)
    w = torch.randn(d_out, d_in, generator=g, dtype=torch.float64).to(dtype)
    with torch.no_grad():
        layer.weight.copy_(w)
    x = torch.randn(*lead, d_in, generator=g, dtype=torch.float64).to(dtype).to(device).requires_grad_(True)
    y = layer(x)
    x2 = x.detach().clone().requires_grad_(True)
    w2 = w.to(device).requires_grad_(True)
    want = F.linear(x2, w2)
    tol = TOL[dtype]
    expect_close(y, want, what=call, rtol=tol, atol=tol, hint="y = x @ W.T")
    g_out = torch.randn(want.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    (y * g_out).sum().backward()
    (want * g_out).sum().backward()
    expect_close(x.grad, x2.grad, what=f"x.grad after {call}", rtol=tol, atol=tol)
    expect_close(layer.weight.grad, w2.grad, what=f"weight.grad after {call}", rtol=tol, atol=tol,
                 hint="the weight must be an nn.Parameter used directly in forward")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("d_in,d_out", [(512, 256), (1024, 128)])
def test_linear_init_is_truncated_normal(ex, device, d_in, d_out):
    torch.manual_seed(0)
    w = ex.Linear(d_in, d_out, device=device).weight.detach().cpu().double()
    std = math.sqrt(2 / (d_in + d_out))
    call = f"Linear({d_in}, {d_out}).weight"
    expect_true(w.abs().max().item() <= 3 * std + 1e-6, message=f"{call} has a value {w.abs().max().item():.4f} beyond 3 std = {3 * std:.4f}",
                hint="truncate at a = -3 std, b = 3 std (trunc_normal_'s a and b are absolute values)")
    got_std = w.std().item()
    expect_true(abs(got_std - std * TRUNC3_STD) < 0.03 * std, message=f"{call}: std {got_std:.5f}, expected about {std * TRUNC3_STD:.5f}",
                hint="std = sqrt(2 / (d_in + d_out))")
    expect_true(abs(w.mean().item()) < 0.02 * std, message=f"{call}: mean {w.mean().item():.5f}, expected about 0")


@pytest.mark.parametrize("device", DEVICES)
def test_embedding_init_is_truncated_normal(ex, device):
    torch.manual_seed(0)
    w = ex.Embedding(1000, 256, device=device).weight.detach().cpu().double()
    call = "Embedding(1000, 256).weight"
    expect_equal(tuple(w.shape), (1000, 256), call=f"{call}.shape", hint="(num_embeddings, embedding_dim)")
    expect_true(w.abs().max().item() <= 3.0 + 1e-6, message=f"{call} has a value {w.abs().max().item():.4f} beyond 3",
                hint="nn.init.trunc_normal_(w, mean=0, std=1, a=-3, b=3)")
    expect_true(abs(w.std().item() - TRUNC3_STD) < 0.01, message=f"{call}: std {w.std().item():.4f}, expected about {TRUNC3_STD:.4f}",
                hint="std 1, truncated at ±3")


EMBED_CASES = [((), 10, 4), ((7,), 10, 4), ((2, 3), 5, 8), ((4,), 1, 3)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("id_shape,vocab,dim", EMBED_CASES)
def test_embedding_matches_nn_embedding(ex, device, dtype, id_shape, vocab, dim):
    call = f"Embedding({vocab}, {dim}, dtype={dtype})(ids of shape {id_shape})"
    emb = ex.Embedding(vocab, dim, device=device, dtype=dtype)
    expect_equal(param_names(emb), ["weight"], call=f"parameter names of Embedding({vocab}, {dim})")
    expect_equal(emb.weight.dtype, dtype, call=f"Embedding(..., dtype={dtype}).weight.dtype")
    oracle = nn.Embedding(vocab, dim, device=device, dtype=dtype)
    with torch.no_grad():
        oracle.weight.copy_(emb.weight)
    g = torch.Generator().manual_seed(4)
    ids = torch.randint(0, vocab, id_shape, generator=g)
    if ids.numel() > 1:
        ids.view(-1)[-1] = ids.view(-1)[0]  # a repeated id: its gradient rows add up
    ids = ids.to(device)
    got = emb(ids)
    want = oracle(ids)
    expect_close(got, want.detach(), what=call, rtol=0, atol=0, hint="row i of the output is weight[ids[i]]")
    g_out = torch.randn(want.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    (got * g_out).sum().backward()
    (want * g_out).sum().backward()
    expect_close(emb.weight.grad, oracle.weight.grad, what=f"weight.grad after {call}", rtol=1e-6, atol=1e-6,
                 hint="a repeated id must accumulate both gradient rows (indexing does that)")


@pytest.mark.parametrize("bad", [10, 25])
def test_embedding_rejects_an_id_out_of_range(ex, bad):
    emb = ex.Embedding(10, 4)
    expect_raises(Exception, lambda: emb(torch.tensor([1, bad])), call=f"Embedding(10, 4)(torch.tensor([1, {bad}]))",
                  hint="valid ids are 0 .. 9; plain indexing raises IndexError, do not clamp")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("cls,args", [("Linear", (3, 5)), ("Embedding", (6, 2))])
@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16], ids=["float64", "bfloat16"])
def test_device_and_dtype_are_respected(ex, device, cls, args, dtype):
    module = getattr(ex, cls)(*args, device=device, dtype=dtype)
    expect_equal(module.weight.dtype, dtype, call=f"{cls}(*{args}, dtype={dtype}).weight.dtype",
                 hint="pass dtype= to torch.empty")
    expect_equal(module.weight.device.type, device, call=f"{cls}(*{args}, device={device!r}).weight.device.type",
                 hint="pass device= to torch.empty")
