"""Grading sys-04: the tiled FlashAttention-2 forward in pure PyTorch.

Oracles: a naive attention written here (materialised scores in float64,
``torch.softmax`` and ``torch.logsumexp``) and ``F.scaled_dot_product_attention``.
Properties: no intermediate the size of the ``(n_queries, n_keys)`` matrix is
ever allocated (checked with a ``TorchDispatchMode`` that sees every op's
output), causal mode computes roughly half the blocks, and the autograd
Function saves only ``lse, q, k, v, o``.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from oracles import FLASH_CASES, attention_with_lse, flash_case_id, op_output_shapes

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("sys-04")

DEVICES = device_params()
# float32 inputs, float32 accumulation, compared with float64: errors are a few ulps of float32.
O_TOL = 2e-5
LSE_TOL = 2e-5


def naive_attention(q, k, v, is_causal):
    """Materialised attention in float64: (o, lse)."""
    return attention_with_lse(q.double(), k.double(), v.double(), is_causal)


def make_qkv(lead, n_q, n_k, d, *, seed, dtype=torch.float32, device="cpu", scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return tuple((scale * torch.randn(*lead, n, d, generator=g)).to(dtype).to(device) for n in (n_q, n_k, n_k))


def forbid_builtins(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a built-in softmax or attention was called; write the online softmax yourself")

    for owner, name in ((F, "scaled_dot_product_attention"), (F, "softmax"), (torch, "softmax"), (torch.Tensor, "softmax")):
        monkeypatch.setattr(owner, name, forbidden)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", FLASH_CASES, ids=[flash_case_id(c) for c in FLASH_CASES])
def test_forward_matches_naive_attention_and_sdpa(ex, monkeypatch, device, case):
    lead, n_q, n_k, d, q_tile, k_tile, causal = case
    q, k, v = make_qkv(lead, n_q, n_k, d, seed=4, device=device)
    call = (f"flash_forward(q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}, is_causal={causal}, "
            f"q_tile={q_tile}, k_tile={k_tile})")
    want_o, want_lse = naive_attention(q, k, v, causal)
    # The library oracle runs in float64 on the CPU, so its own kernel choice on CUDA does not matter.
    sdpa = F.scaled_dot_product_attention(*(t.double().cpu() for t in (q, k, v)), is_causal=causal).float()
    forbid_builtins(monkeypatch)
    out = ex.flash_forward(q, k, v, causal, q_tile=q_tile, k_tile=k_tile)
    monkeypatch.undo()
    expect_true(isinstance(out, tuple) and len(out) == 2, message=f"{call} returned {type(out).__name__}, not a tuple (o, lse)")
    o, lse = out
    expect_equal(o.dtype, q.dtype, call=f"{call}: o.dtype", hint="cast the float32 accumulator back to the input dtype")
    expect_equal(lse.dtype, torch.float32, call=f"{call}: lse.dtype", hint="keep lse in float32 (the accumulator's dtype)")
    hint = ("o = acc / l after the last key tile; rescale acc and l by exp(m_old - m_new) whenever the running max grows; "
            "scale the scores by 1/sqrt(d)")
    if causal:
        hint += "; causal: mask keys j > i inside tiles that cross the diagonal (absolute indices, not tile-local ones)"
    if n_q % q_tile or n_k % k_tile:
        hint += "; the last tile is shorter: slice with min(start + tile, n)"
    expect_close(o, want_o.to(o.dtype), what=f"o of {call} vs naive float64 attention", rtol=O_TOL, atol=O_TOL, hint=hint)
    expect_close(o.cpu(), sdpa, what=f"o of {call} vs F.scaled_dot_product_attention", rtol=O_TOL, atol=O_TOL, hint=hint)
    expect_close(lse, want_lse.float(), what=f"lse of {call} vs torch.logsumexp of the scaled scores",
                 rtol=LSE_TOL, atol=LSE_TOL, hint="lse = m + log(l), with m the running max of the *scaled* scores")


@pytest.mark.parametrize("device", DEVICES)
def test_huge_scores_do_not_overflow(ex, device):
    q, k, v = make_qkv((2,), 48, 48, 16, seed=5, device=device, scale=20.0)
    v = v / 20.0
    call = "flash_forward(q * 20, k * 20, v, q_tile=16, k_tile=16) (scores ~ 1e2 to 1e3 in float32)"
    o, lse = ex.flash_forward(q, k, v, False, q_tile=16, k_tile=16)
    want_o, want_lse = naive_attention(q, k, v, False)
    expect_true(bool(torch.isfinite(o).all() and torch.isfinite(lse).all()), message=f"{call} produced inf or NaN",
                hint="exp(s - m_new) with the running max, never exp(s) alone")
    expect_close(o, want_o.float(), what=call, rtol=1e-4, atol=1e-4)
    expect_close(lse, want_lse.float(), what=f"lse of {call}", rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("device", DEVICES)
def test_bfloat16_inputs_accumulate_in_float32(ex, device):
    q, k, v = make_qkv((2,), 80, 80, 64, seed=6, dtype=torch.bfloat16, device=device)
    call = "flash_forward(q, k, v in bfloat16, is_causal=True, q_tile=32, k_tile=16)"
    o, lse = ex.flash_forward(q, k, v, True, q_tile=32, k_tile=16)
    want_o, want_lse = naive_attention(q, k, v, True)  # float64 from the same bfloat16 values
    expect_equal(o.dtype, torch.bfloat16, call=f"{call}: o.dtype", hint="return o in the input dtype")
    expect_equal(lse.dtype, torch.float32, call=f"{call}: lse.dtype", hint="lse stays float32 whatever the input dtype")
    # o: one bfloat16 rounding of the result (2^-8 relative); lse: float32 arithmetic on exact bfloat16 inputs.
    expect_close(o.float(), want_o.float(), what=f"o of {call}", rtol=1.6e-2, atol=1e-2,
                 hint="accumulate m, l and acc in float32; cast only the final o to bfloat16")
    expect_close(lse, want_lse.float(), what=f"lse of {call}", rtol=1e-4, atol=1e-4,
                 hint="summing exp() in bfloat16 loses ~3 digits: upcast each tile to float32 before the matmul")


@pytest.mark.parametrize("device", DEVICES)
def test_causal_needs_as_many_queries_as_keys(ex, device):
    q, k, v = make_qkv((1,), 8, 12, 16, seed=7, device=device)
    expect_raises(ValueError, ex.flash_forward, q, k, v, True, call="flash_forward(8 queries, 12 keys, is_causal=True)",
                  hint="the causal convention here is query i sees keys j <= i, which needs n_queries == n_keys")


@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_never_allocates_the_score_matrix(ex, causal):
    n, d, tile = 256, 16, 32
    q, k, v = make_qkv((1,), n, n, d, seed=8)
    sizes = op_output_shapes(ex.flash_forward, q, k, v, causal, q_tile=tile, k_tile=tile)
    limit = n * n // 4  # the full matrix has n*n elements; a tile has tile*tile = n*n/64, q has n*d = n*n/16
    op, shape = max(sizes, key=lambda item: math.prod(item[1]))
    expect_true(math.prod(shape) <= limit,
                message=f"flash_forward(n_queries=n_keys={n}, d={d}, tiles {tile}x{tile}, is_causal={causal}) produced a tensor "
                        f"of shape {shape} (by {op}); nothing larger than {limit} elements is expected",
                hint="work one (q_tile, k_tile) block at a time, and build causal masks per tile from arange, "
                     "not as an (n, n) tril matrix")


def test_causal_skips_the_tiles_above_the_diagonal(ex):
    n, d, tile = 256, 16, 32
    q, k, v = make_qkv((1,), n, n, d, seed=9)
    work = {c: sum(math.prod(shape) for _, shape in op_output_shapes(ex.flash_forward, q, k, v, c, q_tile=tile, k_tile=tile))
            for c in (False, True)}
    ratio = work[True] / work[False]
    # 8 x 8 tiles: causal needs 36 of the 64 blocks (0.56) plus masks on the 8 diagonal ones.
    expect_true(ratio < 0.8,
                message=f"flash_forward(n={n}, tiles {tile}x{tile}): the causal run produced {ratio:.2f}x the tensor elements "
                        "of the non-causal run; expected well under 0.8x",
                hint="for the query tile [i0, i1) stop the key loop at min(n_keys, i1): later key tiles are all masked")


@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_autograd_function_saves_only_lse_q_k_v_o(ex, causal):
    lead, n, d = (2,), 40, 16
    q, k, v = (t.requires_grad_(True) for t in make_qkv(lead, n, n, d, seed=10))
    call = f"FlashAttentionPyTorch.apply(q, k, v, {causal}) with q, k, v of shape {tuple(q.shape)}"
    o = ex.FlashAttentionPyTorch.apply(q, k, v, causal)
    want_o, want_lse = naive_attention(q.detach(), k.detach(), v.detach(), causal)
    expect_close(o.detach(), want_o.float(), what=call, rtol=O_TOL, atol=O_TOL, hint="forward returns o from flash_forward")
    expect_true(o.grad_fn is not None, message=f"{call}: the output has no grad_fn", hint="call it through .apply")
    saved = o.grad_fn.saved_tensors
    shapes = [tuple(t.shape) for t in saved]
    expect_equal(shapes, [(*lead, n), (*lead, n, d), (*lead, n, d), (*lead, n, d), (*lead, n, d)],
                 call=f"{call}: shapes of ctx.saved_tensors",
                 hint="save exactly ctx.save_for_backward(lse, q, k, v, o): no (n_queries, n_keys) matrix, nothing else")
    expect_close(saved[0].detach(), want_lse.float(), what=f"{call}: the first saved tensor (lse)", rtol=LSE_TOL, atol=LSE_TOL,
                 hint="save lse first: ctx.save_for_backward(lse, q, k, v, o)")
    for name, got, want in (("q", saved[1], q), ("k", saved[2], k), ("v", saved[3], v), ("o", saved[4], o)):
        expect_close(got.detach(), want.detach(), what=f"{call}: saved tensor {name}", rtol=0, atol=0,
                     hint="the order is (lse, q, k, v, o)")
