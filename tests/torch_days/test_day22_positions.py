"""Grading torch-22: sinusoidal_positions, LearnedPositional, apply_rotary.

Oracles: the sinusoidal formula evaluated element by element with Python
loops in float64 (``math.sin``/``math.cos``); the rotation property of the
table checked against 2x2 rotation matrices built with NumPy; ``F.embedding``
for the learned table; RoPE as complex multiplication (NumPy ``complex128``
for values, ``torch.view_as_complex`` + autograd for gradients); and the
relative-position property of RoPE checked with Hypothesis.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-22")

DEVICES = device_params()


def skip_float64_on_mps(device: str, dtype: torch.dtype) -> None:
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")


# ---------------------------------------------------------------- sinusoidal_positions


def loop_table(seq_len: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """The paper's formula, one element at a time, in float64."""
    table = [[0.0] * d_model for _ in range(seq_len)]
    for pos in range(seq_len):
        for i in range(d_model // 2):
            angle = pos / base ** (2 * i / d_model)
            table[pos][2 * i] = math.sin(angle)
            table[pos][2 * i + 1] = math.cos(angle)
    return torch.tensor(table, dtype=torch.float64).reshape(seq_len, d_model)


# (seq_len, d_model, base, dtype, tolerance)
SINUSOID_CASES = [
    (0, 4, 10000.0, torch.float32, 0),
    (1, 2, 10000.0, torch.float32, 1e-7),
    (6, 8, 10000.0, torch.float32, 1e-6),
    (9, 6, 100.0, torch.float64, 1e-12),
    (2048, 16, 10000.0, torch.float32, 2e-6),  # angles up to 2047 rad: float32 angles would be off by ~1e-4
    (33, 12, 10000.0, torch.bfloat16, 1e-2),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("seq_len,d_model,base,dtype,tol", SINUSOID_CASES)
def test_sinusoidal_positions_match_the_formula(ex, device, seq_len, d_model, base, dtype, tol):
    skip_float64_on_mps(device, dtype)
    call = f"sinusoidal_positions({seq_len}, {d_model}, base={base}, dtype={dtype}, device={device!r})"
    got = ex.sinusoidal_positions(seq_len, d_model, base=base, dtype=dtype, device=device)
    expect_true(isinstance(got, torch.Tensor), message=f"{call} should return a tensor, got {type(got).__name__}")
    expect_equal(got.device.type, device, call=f"{call}.device.type", hint="create the table on `device`")
    expected = loop_table(seq_len, d_model, base).to(dtype)
    expect_close(got.cpu(), expected, what=call, rtol=tol, atol=tol,
                 hint="column 2i is sin(pos * base**(-2i/d)), column 2i+1 the cos; compute the angles in float64, cast at the end")


@pytest.mark.parametrize("k", [0, 1, 2, 7, 100, 400])
def test_sinusoidal_shift_is_a_rotation_of_each_pair(ex, k):
    d_model = 8
    table = ex.sinusoidal_positions(801, d_model, dtype=torch.float64).numpy()  # (801, 8)
    expect_true(bool(np.all(np.abs(table) <= 1.0)), message="sinusoidal_positions: every entry is a sin or a cos, so |PE| <= 1")
    for i in range(d_model // 2):
        w = 10000.0 ** (-2 * i / d_model)
        c, s = math.cos(k * w), math.sin(k * w)
        rotation = np.array([[c, s], [-s, c]])  # (sin a, cos a) -> (sin(a + kw), cos(a + kw)), whatever a is
        pairs, shifted = table[:401, 2 * i : 2 * i + 2], table[k : k + 401, 2 * i : 2 * i + 2]  # (401, 2) each
        worst = int(np.abs(pairs @ rotation.T - shifted).max(axis=1).argmax())
        expect_true(np.allclose(pairs @ rotation.T, shifted, atol=1e-9),
                    message=f"PE[pos + {k}] should be PE[pos] with pair {i} rotated by {k} * w_{i} for every pos; "
                            f"at pos={worst}: expected {rotation @ pairs[worst]}, got {shifted[worst]}",
                    hint="pair i is (sin(pos * w_i), cos(pos * w_i)), in that order")


@pytest.mark.parametrize("args", [(-1, 4), (4, 5), (4, 0), (4, -2)])
def test_sinusoidal_positions_rejects_bad_sizes(ex, args):
    expect_raises(ValueError, lambda: ex.sinusoidal_positions(*args), call=f"sinusoidal_positions{args}",
                  hint="seq_len >= 0, d_model even and > 0")


# ---------------------------------------------------------------- LearnedPositional


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("lead,seq,offset", [((), 5, 0), ((3,), 7, 0), ((2, 3), 4, 9), ((2,), 16, 0), ((2,), 0, 3), ((1,), 1, 15)])
def test_learned_positional_adds_the_right_rows(ex, device, lead, seq, offset):
    torch.manual_seed(22)
    pe = ex.LearnedPositional(16, 8).to(device)
    params = dict(pe.named_parameters())
    expect_equal(sorted(params), ["weight"], call="sorted(dict(LearnedPositional(16, 8).named_parameters()))",
                 hint="register the table as self.weight = nn.Parameter(...), and nothing else")
    expect_equal(tuple(pe.weight.shape), (16, 8), call="LearnedPositional(16, 8).weight.shape")
    x = torch.randn(*lead, seq, 8, device=device, requires_grad=True)
    call = f"LearnedPositional(16, 8)(x of shape {(*lead, seq, 8)}, offset={offset})"
    out = pe(x, offset=offset)
    rows = F.embedding(torch.arange(offset, offset + seq, device=device), pe.weight)  # (seq, 8), the oracle
    expect_close(out.detach(), (x + rows).detach(), what=call, rtol=0, atol=1e-6,
                 hint="add weight[offset : offset + seq]; broadcasting handles the leading dims")
    g = torch.randn_like(out)
    out.backward(g)
    grad = torch.zeros(16, 8, device=device)
    grad[offset : offset + seq] = g.reshape(math.prod(lead), seq, 8).sum(0)
    expect_close(pe.weight.grad, grad, what=f"weight.grad after {call}.backward(g)", rtol=1e-5, atol=1e-5,
                 hint="rows outside the window get no gradient; rows inside get g summed over the batch")
    expect_close(x.grad, g, what=f"x.grad after {call}.backward(g)", rtol=0, atol=0)


def test_learned_positional_initial_scale(ex):
    torch.manual_seed(0)
    weight = ex.LearnedPositional(512, 64).weight.detach()
    std, mean = weight.std().item(), weight.mean().item()
    expect_true(0.018 < std < 0.022 and abs(mean) < 0.002,
                message=f"LearnedPositional(512, 64).weight should be drawn from N(0, 0.02**2); got mean {mean:.4f}, std {std:.4f}",
                hint="torch.randn(max_len, d_model) * 0.02")


@pytest.mark.parametrize(
    "init,shape,offset",
    [((16, 8), (2, 17, 8), 0), ((16, 8), (2, 10, 8), 7), ((16, 8), (2, 4, 8), -1), ((16, 8), (2, 4, 6), 0)],
)
def test_learned_positional_rejects_what_does_not_fit(ex, init, shape, offset):
    pe = ex.LearnedPositional(*init)
    expect_raises(ValueError, lambda: pe(torch.zeros(shape), offset=offset),
                  call=f"LearnedPositional{init}(torch.zeros{shape}, offset={offset})",
                  hint="check offset >= 0, offset + seq <= max_len and the feature size")


@pytest.mark.parametrize("init", [(0, 8), (8, 0)])
def test_learned_positional_rejects_empty_tables(ex, init):
    expect_raises(ValueError, lambda: ex.LearnedPositional(*init), call=f"LearnedPositional{init}")


# ---------------------------------------------------------------- apply_rotary


def complex_rope(x: np.ndarray, positions: np.ndarray, base: float) -> np.ndarray:
    """RoPE as z * exp(i * p * w) on complex128 numbers."""
    d = x.shape[-1]
    z = x[..., 0::2] + 1j * x[..., 1::2]
    w = base ** (-2 * np.arange(d // 2) / d)
    rotated = z * np.exp(1j * positions[..., None] * w)
    out = np.stack([rotated.real, rotated.imag], axis=-1)
    return out.reshape(*out.shape[:-2], d)


# (x shape, positions shape or None for arange(seq), base, dtype, tolerance)
ROPE_CASES = [
    ((5, 8), None, 10000.0, torch.float64, 1e-12),
    ((1, 2), None, 10000.0, torch.float64, 1e-12),
    ((2, 3, 6, 4), None, 500.0, torch.float64, 1e-12),
    ((3, 7, 16), (3, 7), 10000.0, torch.float64, 1e-12),  # per-row positions, e.g. left-padded batches
    ((2, 5, 32), None, 10000.0, torch.float32, 1e-5),
    ((4, 8), "far", 10000.0, torch.float32, 2e-5),  # positions in the thousands
]


def rope_inputs(shape, positions, dtype, device, seed=7):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g, dtype=torch.float64)
    seq = shape[-2]
    if positions is None:
        pos = torch.arange(seq)
    elif positions == "far":
        pos = torch.arange(seq) * 997 + 3000
    else:
        pos = torch.randint(0, 50, positions, generator=g)
    return x.to(dtype).to(device), pos.to(device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape,positions,base,dtype,tol", ROPE_CASES)
def test_apply_rotary_matches_complex_multiplication(ex, device, shape, positions, base, dtype, tol):
    skip_float64_on_mps(device, dtype)
    x, pos = rope_inputs(shape, positions, dtype, device)
    before = x.clone()
    call = f"apply_rotary(x of shape {shape} {dtype}, positions of shape {tuple(pos.shape)}, base={base})"
    got = ex.apply_rotary(x, pos, base)
    expected = complex_rope(x.double().cpu().numpy(), pos.double().cpu().numpy(), base)
    expect_close(got.cpu(), torch.from_numpy(expected).to(dtype), what=call, rtol=tol, atol=tol,
                 hint="pair i is (x[2i], x[2i+1]); rotate it by positions * base**(-2i/d) (angles in float64)")
    expect_true(torch.equal(x, before), message=f"{call} modified x in place", hint="build a new tensor; do not write into x")


def test_apply_rotary_at_position_zero_is_the_identity(ex):
    x = torch.randn(3, 1, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    expect_close(ex.apply_rotary(x, torch.tensor([0])), x, what="apply_rotary(x, positions=[0])", rtol=0, atol=1e-15,
                 hint="angle 0 means cos = 1 and sin = 0")


@given(m=st.integers(0, 300), n=st.integers(0, 300), shift=st.integers(-200, 200), seed=st.integers(0, 2**16))
def test_apply_rotary_dot_products_depend_only_on_relative_position(ex, m, n, shift, seed):
    g = torch.Generator().manual_seed(seed)
    q, k = torch.randn(2, 1, 16, generator=g, dtype=torch.float64)

    def score(a: int, b: int) -> float:
        return float((ex.apply_rotary(q, torch.tensor([a])) * ex.apply_rotary(k, torch.tensor([b]))).sum())

    if min(m, n) + shift < 0:
        shift = -min(m, n)
    here, there = score(m, n), score(m + shift, n + shift)
    expect_true(math.isclose(here, there, rel_tol=1e-9, abs_tol=1e-9),
                message=f"rot(q, {m}) . rot(k, {n}) = {here!r} but rot(q, {m + shift}) . rot(k, {n + shift}) = {there!r}",
                hint="both positions moved by the same amount: a pure rotation per pair keeps the dot product")
    norm = ex.apply_rotary(q, torch.tensor([m])).norm().item()
    expect_true(math.isclose(norm, q.norm().item(), rel_tol=1e-12),
                message=f"apply_rotary changed the norm of q: {q.norm().item()!r} -> {norm!r}", hint="a rotation keeps lengths")


@pytest.mark.parametrize("device", DEVICES)
def test_apply_rotary_gradients_match_complex_autograd(ex, device):
    skip_float64_on_mps(device, torch.float64)
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 6, 8, generator=g, dtype=torch.float64).to(device).requires_grad_(True)
    upstream = torch.randn(2, 6, 8, generator=g, dtype=torch.float64).to(device)
    pos = torch.arange(6, device=device) + 11
    ex.apply_rotary(x, pos).backward(upstream)

    x_ref = x.detach().clone().requires_grad_(True)
    w = 10000.0 ** (-2 * torch.arange(4, dtype=torch.float64, device=device) / 8)
    phase = torch.polar(torch.ones(6, 4, dtype=torch.float64, device=device), pos[:, None].double() * w)
    z = torch.view_as_complex(x_ref.reshape(2, 6, 4, 2)) * phase
    torch.view_as_real(z).reshape(2, 6, 8).backward(upstream)
    expect_close(x.grad, x_ref.grad, what="x.grad after apply_rotary(x, arange(6) + 11).backward(g)", rtol=1e-12, atol=1e-12,
                 hint="build the output from x with differentiable ops (no .detach(), no in-place writes to a view of x)")


@pytest.mark.parametrize("shape,positions", [((4, 5), (4,)), ((2, 4, 8), (5,)), ((2, 4, 8), (3, 4))])
def test_apply_rotary_rejects_bad_shapes(ex, shape, positions):
    expect_raises(ValueError, lambda: ex.apply_rotary(torch.zeros(shape), torch.zeros(positions, dtype=torch.long)),
                  call=f"apply_rotary(torch.zeros{shape}, positions of shape {positions})",
                  hint="d must be even; positions must broadcast against x.shape[:-1]")
