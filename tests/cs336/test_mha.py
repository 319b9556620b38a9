"""Grading cs336-09: CausalMultiHeadSelfAttention.

Oracle: the same computation assembled in tests/cs336/oracles.py from PyTorch built-ins
with the module's weights — ``F.linear`` for the projections,
``F.scaled_dot_product_attention(is_causal=True)`` per head, and RoPE written
with complex numbers (``torch.polar``) — compared in values and gradients.
Property: changing a future token leaves every earlier output unchanged.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

import oracles
from oracles import PROJ

pytestmark = pytest.mark.exercise("cs336-09")

DEVICES = device_params()
# the RoPE tables may be kept in float32, so float64 is only float32-accurate once RoPE is on
TOL = {torch.float64: 1e-6, torch.float32: 5e-5}






def build(ex, d_model, num_heads, max_seq_len, theta, device, dtype, seed):
    """The learner's module with random weights copied in; returns (module, {name: weight})."""
    mha = ex.CausalMultiHeadSelfAttention(d_model, num_heads, max_seq_len=max_seq_len, theta=theta, device=device, dtype=dtype)
    names = sorted(n for n, _ in mha.named_parameters())
    expect_equal(names, sorted(f"{n}.weight" for n in PROJ), call=f"parameter names of CausalMultiHeadSelfAttention({d_model}, {num_heads})",
                 hint="four Linear(d_model, d_model) submodules named q_proj, k_proj, v_proj, output_proj; RoPE has no parameters")
    g = torch.Generator().manual_seed(seed)
    weights = {n: (torch.randn(d_model, d_model, generator=g, dtype=torch.float64) / d_model ** 0.5).to(dtype).to(device) for n in PROJ}
    params = dict(mha.named_parameters())
    with torch.no_grad():
        for n, wt in weights.items():
            expect_equal(tuple(params[f"{n}.weight"].shape), (d_model, d_model), call=f"{n}.weight.shape")
            params[f"{n}.weight"].copy_(wt)
    return mha, weights


# (leading dims, seq, d_model, num_heads, theta, positions); max_seq_len is 32
CASES = [
    ((), 5, 8, 2, 10000.0, None),
    ((3,), 6, 16, 4, 10000.0, None),
    ((2, 3), 4, 12, 3, 10000.0, None),
    ((2,), 1, 8, 4, 10000.0, None),  # one token, d_head = 2
    ((2,), 7, 8, 1, 10000.0, None),  # one head
    ((3,), 5, 16, 4, None, None),  # no RoPE
    ((3,), 4, 8, 2, 10000.0, [9, 2, 30, 4]),  # positions shared by the batch
    ((2,), 4, 16, 4, 500.0, [[5, 0, 17, 3], [1, 2, 3, 4]]),  # positions per batch row
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,seq,d_model,num_heads,theta,positions", CASES)
def test_mha_matches_the_builtin_assembly(ex, monkeypatch, device, dtype, lead, seq, d_model, num_heads, theta, positions):
    call = (f"CausalMultiHeadSelfAttention(d_model={d_model}, num_heads={num_heads}, max_seq_len=32, theta={theta}, {dtype})"
            f"(x of shape {(*lead, seq, d_model)}, token_positions={positions})")
    mha, weights = build(ex, d_model, num_heads, 32, theta, device, dtype, seed=9)
    g = torch.Generator().manual_seed(10)
    x = torch.randn(*lead, seq, d_model, generator=g, dtype=torch.float64).to(dtype).to(device).requires_grad_(True)
    pos = None if positions is None else torch.tensor(positions, device=device)
    x2 = x.detach().clone().requires_grad_(True)
    w2 = {n: wt.clone().requires_grad_(True) for n, wt in weights.items()}
    want = oracles.mha(x2, w2, num_heads, theta, pos)

    def forbidden(*args, **kwargs):
        raise AssertionError("F.scaled_dot_product_attention was called; use your own from cs336-08")

    monkeypatch.setattr(F, "scaled_dot_product_attention", forbidden)
    got = mha(x) if pos is None else mha(x, pos)
    monkeypatch.undo()
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol,
                 hint="head h is slice h*d_head:(h+1)*d_head of each projection; RoPE on Q and K only (d_k = d_head); "
                      "mask future keys; concatenate the heads in order before output_proj")
    g_out = torch.randn(want.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    (got * g_out).sum().backward()
    (want * g_out).sum().backward()
    params = dict(mha.named_parameters())
    for name, mine, theirs in [("x", x, x2)] + [(f"{n}.weight", params[f"{n}.weight"], w2[n]) for n in PROJ]:
        expect_true(mine.grad is not None, message=f"{call}: no gradient reached {name}")
        expect_close(mine.grad, theirs.grad, what=f"{name}.grad after {call}", rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("theta", [10000.0, None], ids=["rope", "no-rope"])
def test_a_future_token_does_not_change_earlier_outputs(ex, device, theta):
    seq, t = 8, 5
    mha, _ = build(ex, 16, 4, 16, theta, device, torch.float64, seed=11)
    g = torch.Generator().manual_seed(12)
    x = torch.randn(2, seq, 16, generator=g, dtype=torch.float64).to(device)
    x_changed = x.clone()
    x_changed[:, t] += 5.0 * torch.randn(2, 16, generator=g, dtype=torch.float64).to(device)
    with torch.no_grad():
        before, after = mha(x), mha(x_changed)
    call = f"CausalMultiHeadSelfAttention(16, 4, theta={theta}) with token {t} of {seq} changed"
    expect_close(after[:, :t], before[:, :t], what=f"{call}: outputs at positions 0..{t - 1}", rtol=1e-12, atol=1e-12,
                 hint="query i may attend only to keys j <= i: mask = torch.ones(seq, seq, dtype=torch.bool).tril()")
    expect_true(bool((after[:, t] - before[:, t]).abs().max() > 1e-3),
                message=f"{call}: the output at position {t} did not change", hint="token t must attend to itself")


@pytest.mark.parametrize("device", DEVICES)
def test_default_positions_are_zero_to_seq(ex, device):
    mha, _ = build(ex, 8, 2, 16, 10000.0, device, torch.float64, seed=13)
    x = torch.randn(2, 6, 8, generator=torch.Generator().manual_seed(14), dtype=torch.float64).to(device)
    with torch.no_grad():
        got, want = mha(x), mha(x, torch.arange(6, device=device))
        shifted = mha(x, torch.arange(3, 9, device=device))
    expect_close(got, want, what="mha(x) vs mha(x, torch.arange(seq))", rtol=1e-12, atol=1e-12,
                 hint="token_positions=None means positions 0 .. seq-1")
    # RoPE scores depend only on relative positions, so shifting all positions changes nothing
    expect_close(shifted, want, what="mha(x, arange(3, 9)) vs mha(x, arange(0, 6))", rtol=1e-6, atol=1e-6,
                 hint="rotate Q and K with the same positions; do not rotate V")


@pytest.mark.parametrize("kwargs,match", [({"d_model": 10, "num_heads": 4}, "divisible"),
                                          ({"d_model": 8, "num_heads": 2, "theta": 10000.0}, "max_seq_len")])
def test_bad_arguments_raise_value_error(ex, kwargs, match):
    expect_raises(ValueError, ex.CausalMultiHeadSelfAttention, **kwargs, call=f"CausalMultiHeadSelfAttention(**{kwargs})",
                  hint=f"check the arguments in __init__ and say what is wrong (the message should mention {match!r})")
