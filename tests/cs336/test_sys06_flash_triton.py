"""Grading sys-06: the FlashAttention-2 forward pass as a Triton kernel.

Oracles: naive attention written here in float64 (materialised scores,
``torch.logsumexp`` for L), ``F.scaled_dot_product_attention`` and, for the
gradients, autograd through the naive attention.

Where the kernel runs: without CUDA, Triton's interpreter (numpy, one program
at a time, slow), so the CPU cases are small (batch 2, up to 48 queries, d 16
or 32; the module takes a few seconds). Triton reads ``TRITON_INTERPRET``
when ``@triton.jit`` decorates the kernel, i.e. when the exercise's module is
imported; it is set here too, before the ``ex`` fixture imports it, in case a
learner's module lost its own line. With CUDA the kernel is compiled, the CPU
cases skip (a compiled kernel cannot read CPU tensors) and the CUDA cases run
bigger sizes in float32 and bfloat16. Without triton (macOS) everything skips.
"""

from __future__ import annotations

import importlib
import math
import os

import pytest
import torch
import torch.nn.functional as F

if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")  # before the exercise's module decorates its kernel

from oracles import attention_with_lse

from curriculum.grading.testing import device_params, expect_close, expect_raises, expect_true

pytestmark = pytest.mark.exercise("sys-06")

DEVICES = device_params()
CUDA_ONLY = [p for p in DEVICES if p.id == "cuda"]
F32_TOL = 1e-5  # float32 kernel vs a float64 oracle, at these small sizes (interpreter: numpy float32 matmuls)


@pytest.fixture
def kernel(ex, request):
    """The exercise's module, once we know its kernel can run on the test's device (else skip, with the reason)."""
    device = request.node.callspec.params.get("device", "cpu")
    problem = ex.backend_problem(device)
    if problem is not None:
        pytest.skip(problem)
    return ex


def make_qkv(batch, n_queries, n_keys, d, *, seed, device="cpu", dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, n_queries, d, generator=g)
    k = torch.randn(batch, n_keys, d, generator=g)
    v = torch.randn(batch, n_keys, d, generator=g)
    return q.to(device, dtype), k.to(device, dtype), v.to(device, dtype)


def naive_attention(q, k, v, is_causal):
    """``(o, lse)`` from the materialised (n_queries, n_keys) scores, in float64."""
    return attention_with_lse(q.double(), k.double(), v.double(), is_causal)


def forbid_torch_attention(monkeypatch):
    """The kernel must do the work: torch matmuls, softmax and SDPA raise while the forward runs."""

    def forbidden(*args, **kwargs):
        raise AssertionError("torch computed attention; the Triton kernel (tl.dot, tl.exp, ...) should")

    for owner, name in ((F, "scaled_dot_product_attention"), (torch, "matmul"), (torch, "bmm"), (torch, "einsum"),
                        (torch, "softmax"), (torch.Tensor, "softmax"), (torch.Tensor, "__matmul__")):
        monkeypatch.setattr(owner, name, forbidden)


# (batch, n_queries, n_keys, d, is_causal, q_tile, k_tile)
FORWARD_CASES = [
    (2, 16, 16, 16, False, 16, 16),  # one tile exactly
    (2, 33, 33, 16, True, 16, 16),  # 33 = 2 tiles + 1 row: bounds masks
    (2, 47, 47, 16, False, 16, 16),
    (1, 1, 17, 16, False, 16, 16),  # one query
    (2, 17, 40, 32, False, 16, 32),  # n_queries != n_keys, k_tile > q_tile
    (2, 40, 40, 16, True, 32, 16),  # causal, q_tile > k_tile
    (2, 40, 40, 16, True, 16, 32),  # causal, k_tile > q_tile: the last key tile straddles the diagonal
    (1, 40, 24, 16, True, 16, 16),  # causal with more queries than keys
]
FORWARD_IDS = [f"b{b}-q{nq}-k{nk}-d{d}-{'causal' if c else 'full'}-t{qt}x{kt}" for b, nq, nk, d, c, qt, kt in FORWARD_CASES]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("batch,n_queries,n_keys,d,is_causal,q_tile,k_tile", FORWARD_CASES, ids=FORWARD_IDS)
def test_forward_matches_naive_attention(kernel, monkeypatch, device, batch, n_queries, n_keys, d, is_causal, q_tile, k_tile):
    q, k, v = make_qkv(batch, n_queries, n_keys, d, seed=n_queries * 100 + n_keys, device=device)
    call = (f"flash_forward_triton(q {tuple(q.shape)}, k/v {tuple(k.shape)}, is_causal={is_causal}, "
            f"q_tile={q_tile}, k_tile={k_tile}) on {device}")
    want_o, want_lse = naive_attention(q, k, v, is_causal)
    forbid_torch_attention(monkeypatch)
    result = kernel.flash_forward_triton(q, k, v, is_causal, q_tile=q_tile, k_tile=k_tile)
    monkeypatch.undo()
    expect_true(isinstance(result, tuple) and len(result) == 2, message=f"{call} returned {type(result).__name__}",
                hint="return the pair (o, lse)")
    o, lse = result
    expect_close(o, want_o.float(), what=f"o from {call}", rtol=F32_TOL, atol=F32_TOL,
                 hint="rows or keys past the end must be masked (load with mask=..., other=0.0; scores of keys "
                      "past N_KEYS set to -inf), and the scores scaled by 1/sqrt(d)")
    expect_close(lse, want_lse.float(), what=f"lse from {call}", rtol=F32_TOL, atol=F32_TOL,
                 hint="L = m + log(l) per query, float32, shape (batch, n_queries); store it with the row mask")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("is_causal", [False, True], ids=["full", "causal"])
def test_forward_matches_sdpa_on_strided_inputs(kernel, device, is_causal):
    # Non-contiguous q, k, v (transposed views): the kernel must use the strides it is given.
    g = torch.Generator().manual_seed(6)
    q, k, v = (torch.randn(2, 16, 37, generator=g).to(device).transpose(1, 2) for _ in range(3))  # (2, 37, 16)
    call = f"flash_forward_triton(transposed views of shape {tuple(q.shape)}, is_causal={is_causal})"
    o, _ = kernel.flash_forward_triton(q, k, v, is_causal)
    want = F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
    expect_close(o, want, what=f"o from {call} against F.scaled_dot_product_attention", rtol=F32_TOL, atol=F32_TOL,
                 hint="pass q.stride(0), q.stride(1), q.stride(2) (and k's, v's, o's) to the kernel; "
                      "do not assume a contiguous layout")


@pytest.mark.parametrize("device", DEVICES)
def test_causal_skips_key_tiles_above_the_diagonal(kernel, device):
    # 16 queries, 48 keys, causal: only the first key tile can be attended. The later values are NaN, so a
    # kernel that still loads those tiles computes 0 * NaN = NaN in tl.dot(p, v).
    q, k, v = make_qkv(2, 16, 48, 16, seed=7, device=device)
    v[:, 16:] = float("nan")
    call = "flash_forward_triton(q (2, 16, 16), k/v (2, 48, 16) with v[:, 16:] = NaN, is_causal=True, tiles 16)"
    o, lse = kernel.flash_forward_triton(q, k, v, True, q_tile=16, k_tile=16)
    want_o, want_lse = naive_attention(q[:, :, :], k[:, :16], v[:, :16], True)
    expect_close(o, want_o.float(), what=f"o from {call}", rtol=F32_TOL, atol=F32_TOL,
                 hint="for causal attention stop the key loop at min((i + 1) * Q_TILE, N_KEYS): "
                      "tiles past the diagonal are masked for every row, so skip them instead of masking them")
    expect_close(lse, want_lse.float(), what=f"lse from {call}", rtol=F32_TOL, atol=F32_TOL)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n,is_causal", [(33, False), (40, True)], ids=["full-33", "causal-40"])
def test_gradients_through_the_function_match_autograd(kernel, device, n, is_causal):
    q, k, v = make_qkv(2, n, n, 16, seed=n, device=device)
    q, k, v = (t.requires_grad_(True) for t in (q, k, v))
    q2, k2, v2 = (t.detach().clone().requires_grad_(True) for t in (q, k, v))
    grad_o = torch.randn(2, n, 16, generator=torch.Generator().manual_seed(n + 1)).to(device)
    call = f"FlashAttentionTriton.apply(q, k, v, {is_causal}) with q, k, v of shape {tuple(q.shape)}"

    o = kernel.FlashAttentionTriton.apply(q, k, v, is_causal)
    want_o, _ = naive_attention(q2, k2, v2, is_causal)
    expect_close(o, want_o.float(), what=f"forward of {call}", rtol=F32_TOL, atol=F32_TOL,
                 hint="forward returns o only (the lse goes into ctx.save_for_backward)")
    o.backward(grad_o)
    want_o.backward(grad_o.double())
    for name, got, want in (("q", q, q2), ("k", k, k2), ("v", v, v2)):
        expect_true(got.grad is not None, message=f"{call}: {name}.grad is None after backward",
                    hint="backward must return (dq, dk, dv, None): one gradient per input of forward")
        expect_close(got.grad, want.grad.float(), what=f"d{name} from {call}", rtol=1e-4, atol=1e-4,
                     hint="save lse, q, k, v, o in forward and call flash_backward(q, k, v, o, grad_o, lse, is_causal)")


@pytest.mark.parametrize("device", DEVICES)
def test_function_saves_no_score_matrix(kernel, device):
    n = 48
    q, k, v = (t.requires_grad_(True) for t in make_qkv(2, n, n, 16, seed=3, device=device))
    saved: list[tuple] = []

    def pack(t):
        saved.append((tuple(t.shape), t.dtype))
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        kernel.FlashAttentionTriton.apply(q, k, v, False)
    big = [s for s in saved if math.prod(s[0]) >= n * n * 2]
    expect_true(not big, message=f"FlashAttentionTriton saved tensors of shapes {[s[0] for s in big]} (n = {n})",
                hint="save only lse, q, k, v, o: the backward recomputes the scores tile by tile")
    expect_true(((2, n), torch.float32) in saved,
                message=f"FlashAttentionTriton saved {saved}, but no float32 lse of shape (2, {n})",
                hint="ctx.save_for_backward(lse, q, k, v, o) in forward")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("d,q_tile,k_tile", [(24, 16, 16), (8, 16, 16), (16, 8, 16), (16, 16, 24)],
                         ids=["d24", "d8", "q_tile8", "k_tile24"])
def test_rejects_shapes_the_kernel_cannot_tile(kernel, device, d, q_tile, k_tile):
    q, k, v = make_qkv(1, 4, 4, d, seed=0, device=device)
    expect_raises(ValueError, kernel.flash_forward_triton, q, k, v, q_tile=q_tile, k_tile=k_tile,
                  call=f"flash_forward_triton(d={d}, q_tile={q_tile}, k_tile={k_tile})",
                  hint="tl.arange needs a power of two and tl.dot at least 16: check d and the tiles up front")


# ---------------------------------------------------------------- CUDA: real sizes, bfloat16


@pytest.mark.slow
@pytest.mark.parametrize("device", CUDA_ONLY)
@pytest.mark.parametrize("dtype,tol,tile", [(torch.float32, 1e-4, 32), (torch.bfloat16, 2e-2, 64)],
                         ids=["float32", "bfloat16"])
@pytest.mark.parametrize("d", [64, 128])
@pytest.mark.parametrize("is_causal", [False, True], ids=["full", "causal"])
def test_cuda_sizes_match_sdpa_and_the_pytorch_flash(kernel, device, dtype, tol, tile, d, is_causal):
    # float32 uses input_precision="ieee" in tl.dot (no TF32), so 1e-4; bfloat16 inputs keep ~3 significant
    # digits and P is rounded to bfloat16 before P @ V, so 2e-2 (absolute and relative) against float32 SDPA.
    # float32 tiles of 32: at d = 128, 64 x 64 float32 tiles need ~180 KB of shared memory (more than an A100 has).
    q, k, v = make_qkv(4, 1000, 1000, d, seed=d, device=device, dtype=dtype)
    call = f"flash_forward_triton({dtype}, (4, 1000, {d}), is_causal={is_causal}, tiles {tile}) on CUDA"
    o, lse = kernel.flash_forward_triton(q, k, v, is_causal, q_tile=tile, k_tile=tile)
    want_o, want_lse = naive_attention(q.float(), k.float(), v.float(), is_causal)
    expect_close(o.float(), want_o.float(), what=f"o from {call} vs float64 naive", rtol=tol, atol=tol)
    expect_close(lse, want_lse.float(), what=f"lse from {call} vs float64 naive", rtol=tol, atol=tol)
    sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
    expect_close(o.float(), sdpa.float(), what=f"o from {call} vs F.scaled_dot_product_attention",
                 rtol=2 * tol, atol=2 * tol)
    try:
        sys04 = importlib.import_module("cs336.solutions.sys04_flash_forward")
    except ImportError:
        return
    o_pt, lse_pt = sys04.flash_forward(q.float(), k.float(), v.float(), is_causal)
    expect_close(o.float(), o_pt.float(), what=f"o from {call} vs the PyTorch FlashAttention (sys-04)",
                 rtol=2 * tol, atol=2 * tol)
    expect_close(lse, lse_pt.float(), what=f"lse from {call} vs the PyTorch FlashAttention (sys-04)",
                 rtol=2 * tol, atol=2 * tol)
