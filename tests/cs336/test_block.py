"""Grading cs336-10: the pre-norm TransformerBlock.

Oracle: the block assembled in tests/cs336/oracles.py from PyTorch built-ins with the
module's weights — ``nn.RMSNorm`` (eps 1e-5),
``F.linear``, ``F.silu``, ``F.scaled_dot_product_attention(is_causal=True)``
and complex-number RoPE — compared in values and gradients of every parameter.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_true

import oracles

pytestmark = pytest.mark.exercise("cs336-10")

DEVICES = device_params()
TOL = {torch.float64: 1e-6, torch.float32: 5e-5}  # RoPE tables may be float32
THETA = 10000.0








def shapes(d_model, d_ff):
    sq = (d_model, d_model)
    return {"attn.q_proj.weight": sq, "attn.k_proj.weight": sq, "attn.v_proj.weight": sq, "attn.output_proj.weight": sq,
            "ln1.weight": (d_model,), "ln2.weight": (d_model,),
            "ffn.w1.weight": (d_ff, d_model), "ffn.w2.weight": (d_model, d_ff), "ffn.w3.weight": (d_ff, d_model)}


def build(ex, d_model, num_heads, d_ff, device, dtype, seed):
    block = ex.TransformerBlock(d_model, num_heads, d_ff, 32, THETA, device=device, dtype=dtype)
    want_shapes = shapes(d_model, d_ff)
    got_shapes = {n: tuple(t.shape) for n, t in block.named_parameters()}
    expect_equal(got_shapes, want_shapes, call=f"{{name: shape}} of TransformerBlock({d_model}, {num_heads}, {d_ff}).named_parameters()",
                 hint="submodules ln1, attn, ln2, ffn (your RMSNorm, CausalMultiHeadSelfAttention, RMSNorm, SwiGLU)")
    g = torch.Generator().manual_seed(seed)
    values = {}
    for n, s in want_shapes.items():
        t = torch.randn(s, generator=g, dtype=torch.float64)
        # norm gains near 1 but not 1 (so ln1 and ln2 are told apart), matrices scaled by 1/sqrt(fan_in)
        values[n] = (1.0 + 0.2 * t if len(s) == 1 else t / s[1] ** 0.5).to(dtype).to(device)
    params = dict(block.named_parameters())
    with torch.no_grad():
        for n, t in values.items():
            params[n].copy_(t)
    return block, values


# (leading dims, seq, d_model, num_heads, d_ff, positions)
CASES = [
    ((), 6, 16, 4, 32, None),
    ((2,), 1, 8, 2, 24, None),  # one token
    ((2,), 7, 8, 1, 20, None),  # one head, d_ff not a multiple of d_model
    ((2, 3), 5, 16, 4, 40, None),
    ((2,), 4, 16, 2, 32, [7, 1, 30, 2]),  # explicit positions
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,seq,d_model,num_heads,d_ff,positions", CASES)
def test_block_matches_the_builtin_assembly(ex, device, dtype, lead, seq, d_model, num_heads, d_ff, positions):
    call = (f"TransformerBlock(d_model={d_model}, num_heads={num_heads}, d_ff={d_ff}, max_seq_len=32, theta={THETA}, {dtype})"
            f"(x of shape {(*lead, seq, d_model)}, token_positions={positions})")
    block, values = build(ex, d_model, num_heads, d_ff, device, dtype, seed=10)
    g = torch.Generator().manual_seed(20)
    x = (3.0 * torch.randn(*lead, seq, d_model, generator=g, dtype=torch.float64)).to(dtype).to(device).requires_grad_(True)
    pos = None if positions is None else torch.tensor(positions, device=device)
    x2 = x.detach().clone().requires_grad_(True)
    p2 = {n: nn.Parameter(t.clone()) for n, t in values.items()}
    want = oracles.block(x2, p2, num_heads, THETA, pos)
    got = block(x) if pos is None else block(x, pos)
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol,
                 hint="pre-norm: x = x + attn(ln1(x)); return x + ffn(ln2(x)) — normalise the sub-layer's input, add to the raw x")
    g_out = torch.randn(want.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    (got * g_out).sum().backward()
    (want * g_out).sum().backward()
    params = dict(block.named_parameters())
    for name, mine, theirs in [("x", x, x2)] + [(n, params[n], p2[n]) for n in values]:
        expect_true(mine.grad is not None, message=f"{call}: no gradient reached {name}")
        expect_close(mine.grad, theirs.grad, what=f"{name}.grad after {call}", rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("device", DEVICES)
def test_a_future_token_does_not_change_earlier_outputs(ex, device):
    seq, t = 8, 3
    block, _ = build(ex, 16, 4, 32, device, torch.float64, seed=11)
    g = torch.Generator().manual_seed(12)
    x = torch.randn(2, seq, 16, generator=g, dtype=torch.float64).to(device)
    x_changed = x.clone()
    x_changed[:, t] += 5.0 * torch.randn(2, 16, generator=g, dtype=torch.float64).to(device)
    with torch.no_grad():
        before, after = block(x), block(x_changed)
    call = f"TransformerBlock(16, 4, 32) with token {t} of {seq} changed"
    expect_close(after[:, :t], before[:, :t], what=f"{call}: outputs at positions 0..{t - 1}", rtol=1e-12, atol=1e-12,
                 hint="only attention mixes positions, and it must be causal; the norms and the FFN act per position")
    expect_true(bool((after[:, t:] - before[:, t:]).abs().amax(dim=-1).min() > 1e-6),
                message=f"{call}: some output at position >= {t} did not change", hint="later tokens must see token t")
