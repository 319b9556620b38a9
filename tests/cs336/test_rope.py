"""Grading cs336-07: RotaryPositionalEmbedding.

Oracle: RoPE written with complex numbers in tests/cs336/oracles.py — the pair
``(x[2k], x[2k+1])`` is the complex number ``x[2k] + i x[2k+1]``, and rotating
it by ``angle`` is multiplying by ``exp(i angle)`` (``torch.polar``), all in
float64. Properties: rotations preserve the norm, position 0 is the
identity, and a dot product depends only on the difference of positions.
"""

from __future__ import annotations

import pytest
import torch

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

from oracles import complex_rope

pytestmark = pytest.mark.exercise("cs336-07")

DEVICES = device_params()
THETA = 10000.0
# the tables may be kept in float32, so float64 input is only float32-accurate
TOL = {torch.float64: 1e-6, torch.float32: 1e-5}



# (x shape, positions, max_seq_len, d_k) — positions broadcast against x.shape[:-1]
CASES = [
    ((4, 8), [0, 1, 2, 3], 16, 8),
    ((2, 4, 16), [5, 0, 17, 3], 32, 16),  # non-contiguous, unsorted, shared by the batch
    ((2, 3, 5, 2), [[1, 2, 3, 4, 5], [9, 8, 7, 6, 0]], 10, 2),  # d_k = 2
    ((3, 6, 32), [[0, 1, 2, 3, 4, 5], [10, 11, 12, 13, 14, 15], [63, 0, 63, 1, 62, 2]], 64, 32),  # per-row positions
    ((1, 8), [7], 8, 8),  # one token, the last position
]


def positions_for(shape, positions, device):
    pos = torch.tensor(positions, device=device)
    if pos.dim() == 2 and len(shape) == 4:  # (batch, seq) positions for x (batch, heads, seq, d)
        pos = pos[:, None, :]
    return pos


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shape,positions,max_seq_len,d_k", CASES)
def test_rope_matches_the_complex_formulation(ex, device, dtype, shape, positions, max_seq_len, d_k):
    call = f"RotaryPositionalEmbedding({THETA}, {d_k}, {max_seq_len})(x of shape {shape} in {dtype}, token_positions={positions})"
    rope = ex.RotaryPositionalEmbedding(THETA, d_k, max_seq_len, device=device)
    pos = positions_for(shape, positions, device)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(7), dtype=torch.float64).to(dtype).to(device).requires_grad_(True)
    x2 = x.detach().clone().requires_grad_(True)
    got = rope(x, pos)
    want = complex_rope(x2, pos, THETA)
    tol = TOL[dtype]
    expect_close(got, want, what=call, rtol=tol, atol=tol,
                 hint="pairs are interleaved (x[2k], x[2k+1]), not the two halves; angle = position * theta ** (-2k / d_k)")
    g_out = torch.randn(shape, generator=torch.Generator().manual_seed(8), dtype=torch.float64).to(dtype).to(device)
    (got * g_out).sum().backward()
    (want * g_out).sum().backward()
    expect_true(x.grad is not None, message=f"{call}: no gradient reached x")
    expect_close(x.grad, x2.grad, what=f"x.grad after {call}", rtol=tol, atol=tol)


@pytest.mark.parametrize("device", DEVICES)
def test_rope_at_position_zero_is_the_identity_and_norms_are_kept(ex, device):
    rope = ex.RotaryPositionalEmbedding(THETA, 16, 128, device=device)
    x = torch.randn(3, 10, 16, generator=torch.Generator().manual_seed(1)).to(device)
    pos0 = torch.zeros(10, dtype=torch.long, device=device)
    expect_close(rope(x, pos0), x, what="RoPE at token_positions = zeros", rtol=1e-6, atol=1e-6, hint="angle 0: cos 1, sin 0")
    pos = torch.tensor([0, 3, 9, 27, 81, 100, 127, 1, 2, 50], device=device)
    y = rope(x, pos)
    expect_close(y.norm(dim=-1), x.norm(dim=-1), what="norms of each vector after RoPE", rtol=1e-5, atol=1e-5,
                 hint="a rotation keeps the length of each pair: use cos and sin of the same angle")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shift", [1, 7, 40])
def test_rope_dot_products_depend_on_relative_position(ex, device, shift):
    d_k = 32
    rope = ex.RotaryPositionalEmbedding(THETA, d_k, 128, device=device)
    g = torch.Generator().manual_seed(shift)
    q = torch.randn(d_k, generator=g, dtype=torch.float64).to(device)
    k = torch.randn(d_k, generator=g, dtype=torch.float64).to(device)
    m, n = 12, 5
    def score(a, b):
        rq = rope(q[None], torch.tensor([a], device=device))[0]
        rk = rope(k[None], torch.tensor([b], device=device))[0]
        return rq @ rk
    before, after = score(m, n), score(m + shift, n + shift)
    expect_close(after, before, what=f"<RoPE(q, {m + shift}), RoPE(k, {n + shift})> vs <RoPE(q, {m}), RoPE(k, {n})>",
                 rtol=1e-5, atol=1e-5, hint="q and k must be rotated by the same rule, so only m - n matters")
    expect_true(abs(float(score(m, m)) - float(q @ k)) < 1e-5, message="<RoPE(q, p), RoPE(k, p)> should equal <q, k>")


def test_rope_has_no_parameters_and_rejects_odd_d_k(ex):
    rope = ex.RotaryPositionalEmbedding(THETA, 8, 4)
    expect_equal([n for n, _ in rope.named_parameters()], [], call="parameter names of RotaryPositionalEmbedding",
                  hint="the cos/sin tables are buffers (register_buffer), not learned parameters")
    expect_raises(ValueError, lambda: ex.RotaryPositionalEmbedding(THETA, 7, 4), call="RotaryPositionalEmbedding(10000.0, 7, 4)",
                  hint="d_k must be even")


@pytest.mark.parametrize("device", DEVICES)
def test_rope_uses_theta(ex, device):
    rope = ex.RotaryPositionalEmbedding(100.0, 4, 8, device=device)
    x = torch.tensor([[1.0, 0.0, 1.0, 0.0]], device=device)
    # position 2: pair 0 turns by 2 rad, pair 1 by 2 * 100 ** (-2/4) = 0.2 rad
    want = torch.tensor([[torch.cos(torch.tensor(2.0)), torch.sin(torch.tensor(2.0)),
                          torch.cos(torch.tensor(0.2)), torch.sin(torch.tensor(0.2))]])
    expect_close(rope(x, torch.tensor([2], device=device)), want, what="RotaryPositionalEmbedding(100.0, 4, 8)([[1, 0, 1, 0]], [2])",
                 rtol=1e-6, atol=1e-6, hint="hand-worked: frequencies theta ** (-2k / d_k) = 1, 0.1")
