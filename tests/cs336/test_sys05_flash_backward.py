"""Grading sys-05: the FlashAttention-2 backward by recomputation.

Oracles: autograd through a naive attention written here (materialised scores
in float64), autograd through ``F.scaled_dot_product_attention``, and
``torch.autograd.gradcheck`` (finite differences) in float64.
``flash_backward`` is fed ``o`` and ``lse`` from the float64 oracle, so its
grade does not depend on sys-04. Properties: no intermediate the size of the
``(n_queries, n_keys)`` matrix, causal mode computes roughly half the blocks,
the Function saves only ``lse, q, k, v, o``.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from oracles import FLASH_CASES, attention_with_lse, flash_case_id, op_output_shapes

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("sys-05")

DEVICES = device_params()
GRAD_TOL = 5e-5  # float32 accumulation vs float64 autograd, inputs ~ N(0, 1)


def oracle(q, k, v, grad_o, is_causal):
    """(o, lse, dq, dk, dv) in float64 by autograd through the naive attention."""
    q64, k64, v64 = (t.detach().double().requires_grad_(True) for t in (q, k, v))
    o, lse = attention_with_lse(q64, k64, v64, is_causal)
    dq, dk, dv = torch.autograd.grad(o, (q64, k64, v64), grad_o.double())
    return o.detach(), lse.detach(), dq, dk, dv


def make_inputs(lead, n_q, n_k, d, *, seed, dtype=torch.float32, device="cpu"):
    g = torch.Generator().manual_seed(seed)
    q, k, v, grad_o = (torch.randn(*lead, n, d, generator=g).to(dtype).to(device) for n in (n_q, n_k, n_k, n_q))
    return q, k, v, grad_o


HINT = ("P = exp(S - lse) with S scaled by 1/sqrt(d); D = rowsum(dO * O); dS = P * (dP - D); "
        "dQ and dK carry the 1/sqrt(d) factor too")

@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", FLASH_CASES, ids=[flash_case_id(c) for c in FLASH_CASES])
def test_flash_backward_matches_autograd_of_naive_attention(ex, device, case):
    lead, n_q, n_k, d, q_tile, k_tile, causal = case
    q, k, v, grad_o = make_inputs(lead, n_q, n_k, d, seed=5, device=device)
    o, lse, *want = oracle(q, k, v, grad_o, causal)
    call = (f"flash_backward(q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}, o, grad_o, lse, "
            f"is_causal={causal}, q_tile={q_tile}, k_tile={k_tile})")
    out = ex.flash_backward(q, k, v, o.float(), grad_o, lse.float(), causal, q_tile=q_tile, k_tile=k_tile)
    expect_true(isinstance(out, tuple) and len(out) == 3, message=f"{call} returned {type(out).__name__}, not (dq, dk, dv)")
    hint = HINT
    if causal:
        hint += "; causal: mask j > i with absolute indices in blocks that cross the diagonal"
    if n_q % q_tile or n_k % k_tile:
        hint += "; the last tile is shorter: slice with min(start + tile, n)"
    for name, got, w, like in zip(("dq", "dk", "dv"), out, want, (q, k, v)):
        expect_close(got, w.to(like.dtype), what=f"{name} of {call} vs autograd (float64)", rtol=GRAD_TOL, atol=GRAD_TOL, hint=hint)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_function_gradients_match_sdpa(ex, device, causal):
    q, k, v, grad_o = make_inputs((2, 2), 100, 100, 32, seed=6, device=device)
    q, k, v = (t.requires_grad_(True) for t in (q, k, v))
    # The library oracle runs in float64 on the CPU, so its own kernel choice on CUDA does not matter.
    q2, k2, v2 = (t.detach().double().cpu().requires_grad_(True) for t in (q, k, v))
    call = f"FlashAttention2.apply(q, k, v, {causal}) with q, k, v of shape {tuple(q.shape)}, then .backward(grad_o)"
    want = F.scaled_dot_product_attention(q2, k2, v2, is_causal=causal)
    want.backward(grad_o.double().cpu())
    o = ex.FlashAttention2.apply(q, k, v, causal)
    expect_close(o.detach().cpu(), want.detach().float(), what=f"o of {call}", rtol=2e-5, atol=2e-5, hint="forward is sys-04's flash_forward")
    o.backward(grad_o)
    for name, mine, theirs in (("q", q, q2), ("k", k, k2), ("v", v, v2)):
        expect_true(mine.grad is not None, message=f"{call}: no gradient reached {name}",
                    hint="backward returns (dq, dk, dv, None): one value per forward input")
        expect_close(mine.grad.cpu(), theirs.grad.float(), what=f"{name}.grad of {call} vs F.scaled_dot_product_attention",
                     rtol=GRAD_TOL, atol=GRAD_TOL, hint=HINT)


@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
@pytest.mark.parametrize("n_q,n_k", [(5, 5), (1, 3), (4, 7)])
def test_gradcheck_float64(ex, n_q, n_k, causal):
    if causal and n_q != n_k:
        pytest.skip("causal needs n_queries == n_keys")
    g = torch.Generator().manual_seed(7)
    q, k, v = (torch.randn(2, n, 4, generator=g, dtype=torch.float64, requires_grad=True) for n in (n_q, n_k, n_k))
    ok = torch.autograd.gradcheck(lambda a, b, c: ex.FlashAttention2.apply(a, b, c, causal), (q, k, v),
                                  eps=1e-6, atol=1e-7, rtol=1e-5, raise_exception=False)
    expect_true(ok, message=f"gradcheck(FlashAttention2.apply, q {tuple(q.shape)}, k/v {tuple(k.shape)}, is_causal={causal}) "
                            "in float64: analytic gradients differ from finite differences",
                hint=HINT + "; in float64 keep lse and the accumulators float64 too")


@pytest.mark.parametrize("device", DEVICES)
def test_bfloat16_gradients(ex, device):
    q, k, v, grad_o = make_inputs((2,), 80, 80, 64, seed=8, dtype=torch.bfloat16, device=device)
    o, lse, *want = oracle(q, k, v, grad_o, True)
    call = "flash_backward(q, k, v, o, grad_o in bfloat16, lse in float32, is_causal=True, q_tile=32, k_tile=16)"
    out = ex.flash_backward(q, k, v, o.to(torch.bfloat16), grad_o, lse.float(), True, q_tile=32, k_tile=16)
    # Inputs are exact bfloat16 values; float32 accumulation then one rounding stays within ~0.4 of this
    # tolerance, accumulating in bfloat16 exceeds it.
    for name, got, w in zip(("dq", "dk", "dv"), out, want):
        expect_equal(got.dtype, torch.bfloat16, call=f"{call}: {name}.dtype", hint="return gradients in the inputs' dtype")
        expect_close(got.float(), w.float(), what=f"{name} of {call}", rtol=1e-2, atol=1e-2,
                     hint="accumulate in float32 and cast only the final gradients to bfloat16")


@pytest.mark.parametrize("device", DEVICES)
def test_causal_needs_as_many_queries_as_keys(ex, device):
    q, k, v, _ = make_inputs((1,), 8, 12, 16, seed=9, device=device)
    o, lse = torch.zeros_like(q), torch.zeros(1, 8, device=device)
    expect_raises(ValueError, ex.flash_backward, q, k, v, o, o, lse, True,
                  call="flash_backward(8 queries, 12 keys, ..., is_causal=True)",
                  hint="query i sees keys j <= i only makes sense with n_queries == n_keys")


def backward_shapes(ex, n, d, tile, causal, seed):
    q, k, v, grad_o = make_inputs((1,), n, n, d, seed=seed)
    o, lse, *_ = oracle(q, k, v, grad_o, causal)
    o, lse = o.float(), lse.float()
    return op_output_shapes(ex.flash_backward, q, k, v, o, grad_o, lse, causal, q_tile=tile, k_tile=tile)


@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_never_allocates_the_score_matrix(ex, causal):
    n, d, tile = 256, 16, 32
    shapes = backward_shapes(ex, n, d, tile, causal, seed=10)
    limit = n * n // 4  # the full matrix has n*n elements; a block tile*tile = n*n/64; q has n*d = n*n/16
    op, shape = max(shapes, key=lambda item: math.prod(item[1]))
    expect_true(math.prod(shape) <= limit,
                message=f"flash_backward(n_queries=n_keys={n}, d={d}, tiles {tile}x{tile}, is_causal={causal}) produced a "
                        f"tensor of shape {shape} (by {op}); nothing larger than {limit} elements is expected",
                hint="recompute P block by block from lse; no (n, n) mask, no autograd through a full attention")


def test_causal_skips_the_blocks_above_the_diagonal(ex):
    n, d, tile = 256, 16, 32
    work = {c: sum(math.prod(s) for _, s in backward_shapes(ex, n, d, tile, c, seed=11)) for c in (False, True)}
    ratio = work[True] / work[False]
    expect_true(ratio < 0.8,
                message=f"flash_backward(n={n}, tiles {tile}x{tile}): the causal run produced {ratio:.2f}x the tensor elements "
                        "of the non-causal run; expected well under 0.8x (36 of the 64 blocks are needed)",
                hint="for the key tile [j0, j1) only queries i >= j0 matter: start the query loop at the tile holding j0")


@pytest.mark.parametrize("causal", [False, True], ids=["full", "causal"])
def test_function_saves_only_lse_q_k_v_o(ex, causal):
    lead, n, d = (2,), 40, 16
    q, k, v, _ = make_inputs(lead, n, n, d, seed=12)
    q, k, v = (t.requires_grad_(True) for t in (q, k, v))
    call = f"FlashAttention2.apply(q, k, v, {causal}) with q, k, v of shape {tuple(q.shape)}"
    o = ex.FlashAttention2.apply(q, k, v, causal)
    expect_true(o.grad_fn is not None, message=f"{call}: the output has no grad_fn", hint="call it through .apply")
    shapes = [tuple(t.shape) for t in o.grad_fn.saved_tensors]
    expect_equal(shapes, [(*lead, n), (*lead, n, d), (*lead, n, d), (*lead, n, d), (*lead, n, d)],
                 call=f"{call}: shapes of ctx.saved_tensors",
                 hint="save exactly ctx.save_for_backward(lse, q, k, v, o): the backward recomputes P from lse")
