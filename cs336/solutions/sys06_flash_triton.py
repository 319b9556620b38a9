"""sys-06: the FlashAttention-2 forward pass as a Triton kernel.

- ``flash_fwd_kernel``: one Triton *program* per (query tile, batch element).
  It loads its ``Q_TILE x d`` tile of queries once, then walks over the keys
  ``K_TILE`` at a time with the online softmax (running max ``m``, running
  sum ``l``, un-normalised output ``acc``, all float32) and writes the tile of
  ``O`` and of ``L = logsumexp`` (one float per query).
- ``flash_forward_triton(q, k, v, is_causal)``: checks the inputs, allocates
  ``O`` and ``L`` and launches the kernel on a grid of
  ``(ceil(n_queries / q_tile), batch)`` programs.
- ``FlashAttentionTriton``: an ``autograd.Function`` whose forward is the kernel
  and whose backward is your sys-05 ``flash_backward`` (recomputation from
  ``Q, K, V, O, L``).

Where the kernel runs: with CUDA, Triton compiles it for the GPU. Without
CUDA, this module sets ``TRITON_INTERPRET=1`` (unless you set it yourself)
*before* importing triton: Triton 3.x reads the flag when ``@triton.jit``
decorates a function, and an interpreted kernel runs with numpy on the CPU,
one program after another (slow, but the same code and the same answers).
Without triton installed (e.g. on macOS) the module still imports and
``flash_forward_triton`` raises ``RuntimeError`` saying why.

In scope: the forward kernel (float32, bfloat16, float16 inputs; head
dimension a power of two from 16 to 256; causal or not; any sequence
lengths). Out of scope: a Triton backward kernel (the backward is sys-05's
PyTorch code), dropout, masks other than causal, autotuning.

Run the demo: .venv/bin/python -m cs336.sys06_flash_triton
"""

from __future__ import annotations

import math
import os

import torch

if not torch.cuda.is_available():
    # Must happen before `@triton.jit` runs below; an explicit TRITON_INTERPRET=0 is respected
    # (and reported by `backend_problem`).
    os.environ.setdefault("TRITON_INTERPRET", "1")

try:
    import triton
    import triton.language as tl
except ImportError:  # triton is not available on every platform (e.g. macOS)
    triton = None
    tl = None

from cs336.solutions.sys05_flash_backward import flash_backward


def _jit(fn):
    """``triton.jit`` where triton is installed; the plain function otherwise (never launched then)."""
    return triton.jit(fn) if triton is not None else fn


def kernel_mode() -> str:
    """How ``flash_fwd_kernel`` runs here: ``'interpreter'``, ``'compiled'`` or ``'unavailable'`` (no triton)."""
    if triton is None:
        return "unavailable"
    return "compiled" if isinstance(flash_fwd_kernel, triton.runtime.JITFunction) else "interpreter"


def backend_problem(device: torch.device | str) -> str | None:
    """Why the kernel cannot run on tensors of ``device`` here, or ``None`` when it can.

    ``backend_problem("cpu") -> None`` on a machine without CUDA (interpreter);
    ``backend_problem("cpu")`` on a CUDA machine says the kernel was compiled
    for the GPU (set ``TRITON_INTERPRET=1`` before importing to interpret it).
    """
    device = torch.device(device)
    mode = kernel_mode()
    if mode == "unavailable":
        return "triton is not installed (it ships for Linux; on macOS run this exercise on a Linux machine)"
    if mode == "interpreter":
        if isinstance(tl.max, triton.runtime.JITFunction):
            # triton was imported before TRITON_INTERPRET was set (torch's FlopCounterMode, for one, imports
            # it): its own library functions (tl.max, tl.sum, ...) were compiled-mode, and an interpreted
            # kernel cannot call them.
            return ("triton was imported before TRITON_INTERPRET=1 was set, so its library functions (tl.max, ...) "
                    "cannot run in the interpreter: set TRITON_INTERPRET=1 in the environment (or before anything "
                    "imports triton, e.g. torch.utils.flop_counter) and start Python again")
        return None  # the interpreter runs CPU and CUDA tensors alike (it copies through the host)
    if device.type != "cuda":
        return (
            f"the kernel is compiled for the GPU (TRITON_INTERPRET was not 1 when this module was imported), "
            f"so it cannot read {device.type} tensors: move them to CUDA, or set TRITON_INTERPRET=1 before "
            "importing this module (Triton reads the flag when @triton.jit decorates the kernel)"
        )
    return None


@_jit
def flash_fwd_kernel(
    Q_ptr, K_ptr, V_ptr, O_ptr, L_ptr,
    stride_qb, stride_qq, stride_qd,
    stride_kb, stride_kk, stride_kd,
    stride_vb, stride_vk, stride_vd,
    stride_ob, stride_oq, stride_od,
    stride_lb, stride_lq,
    N_QUERIES, N_KEYS,
    scale,
    D: tl.constexpr,
    Q_TILE: tl.constexpr,
    K_TILE: tl.constexpr,
    IS_CAUSAL: tl.constexpr,
    DOT_PRECISION: tl.constexpr,
):
    """One program: queries ``[i * Q_TILE, (i + 1) * Q_TILE)`` of batch element ``b``, where
    ``i = tl.program_id(0)`` and ``b = tl.program_id(1)``.

    Pointers address element ``[b, row, col]`` of a tensor as
    ``ptr + b * stride_b + row * stride_row + col * stride_col`` (strides in
    elements, from ``tensor.stride()``). ``D``, the tile sizes and
    ``IS_CAUSAL`` are ``tl.constexpr``: compile-time constants, so
    ``tl.arange(0, Q_TILE)`` has a static shape and the ``if IS_CAUSAL``
    branches are resolved when the kernel is compiled. ``DOT_PRECISION`` is
    ``tl.dot``'s ``input_precision``: ``"ieee"`` for float32 inputs (a GPU
    would otherwise round them to TF32's 10-bit mantissa), ``"tf32"`` (the
    default, no effect) for bfloat16 and float16.

    Writes ``O[b, rows]`` (in O's dtype) and ``L[b, rows]`` (float32) for
    the rows of the tile that exist (``row < N_QUERIES``).
    """
    # TODO: offsets of this program's query rows; load the Q tile (rows past N_QUERIES masked);
    # m = -inf, l = 0, acc = 0 in float32; loop over key tiles (for causal: stop after the tile
    # that holds key (i + 1) * Q_TILE - 1); scores = tl.dot(q, tl.trans(k)) * scale; mask keys past
    # N_KEYS (and, for causal, key > query) with -inf; online-softmax update; store acc / l and m + log(l).
    # BEGIN SOLUTION
    q_tile_index = tl.program_id(0)
    batch_index = tl.program_id(1)

    offs_q = q_tile_index * Q_TILE + tl.arange(0, Q_TILE)  # (Q_TILE,) query rows of this tile
    offs_d = tl.arange(0, D)  # (D,)
    q_in = offs_q < N_QUERIES  # rows past the end are padding: never loaded or stored

    q_ptrs = Q_ptr + batch_index * stride_qb + offs_q[:, None] * stride_qq + offs_d[None, :] * stride_qd
    q = tl.load(q_ptrs, mask=q_in[:, None], other=0.0)  # (Q_TILE, D)

    m_i = tl.full((Q_TILE,), float("-inf"), dtype=tl.float32)  # running row max of the scores
    l_i = tl.zeros((Q_TILE,), dtype=tl.float32)  # running sum of exp(score - m_i)
    acc = tl.zeros((Q_TILE, D), dtype=tl.float32)  # running sum of exp(score - m_i) * v

    if IS_CAUSAL:
        # Keys after this tile's last query are masked for every row: skip their tiles entirely.
        end = tl.minimum((q_tile_index + 1) * Q_TILE, N_KEYS)
    else:
        end = N_KEYS

    for start in range(0, end, K_TILE):
        offs_k = start + tl.arange(0, K_TILE)  # (K_TILE,) key rows of this tile
        k_in = offs_k < N_KEYS
        k = tl.load(
            K_ptr + batch_index * stride_kb + offs_k[:, None] * stride_kk + offs_d[None, :] * stride_kd,
            mask=k_in[:, None], other=0.0,
        )  # (K_TILE, D)
        v = tl.load(
            V_ptr + batch_index * stride_vb + offs_k[:, None] * stride_vk + offs_d[None, :] * stride_vd,
            mask=k_in[:, None], other=0.0,
        )  # (K_TILE, D)

        s = tl.dot(q, tl.trans(k), input_precision=DOT_PRECISION) * scale  # (Q_TILE, K_TILE), float32
        keep = k_in[None, :]
        if IS_CAUSAL:
            keep = keep & (offs_k[None, :] <= offs_q[:, None])  # only the diagonal tile has a partial mask
        s = tl.where(keep, s, float("-inf"))

        # Online softmax: key 0 is in the first tile and allowed for every row, so m_new is finite.
        m_new = tl.maximum(m_i, tl.max(s, axis=1))  # (Q_TILE,)
        alpha = tl.exp(m_i - m_new)  # rescales what was summed under the old max
        p = tl.exp(s - m_new[:, None])  # (Q_TILE, K_TILE); masked entries give exp(-inf) = 0
        l_i = alpha * l_i + tl.sum(p, axis=1)
        acc = acc * alpha[:, None] + tl.dot(p.to(v.dtype), v, input_precision=DOT_PRECISION)
        m_i = m_new

    o = acc / l_i[:, None]
    lse = m_i + tl.log(l_i)
    o_ptrs = O_ptr + batch_index * stride_ob + offs_q[:, None] * stride_oq + offs_d[None, :] * stride_od
    tl.store(o_ptrs, o.to(O_ptr.dtype.element_ty), mask=q_in[:, None])
    tl.store(L_ptr + batch_index * stride_lb + offs_q * stride_lq, lse, mask=q_in)
    # END SOLUTION


def flash_forward_triton(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    is_causal: bool = False,
    *,
    q_tile: int = 16,
    k_tile: int = 16,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention ``softmax(q k^T / sqrt(d)) v`` and its log-sum-exp, computed by ``flash_fwd_kernel``.

    Shapes::

        q: (batch, n_queries, d)   k, v: (batch, n_keys, d)
        returns o: (batch, n_queries, d) in q's dtype,
                lse: (batch, n_queries) float32, lse[b, i] = logsumexp_j(q[b, i] . k[b, j] / sqrt(d))

    ``is_causal``: query ``i`` attends to keys ``j <= i`` only.
    ``q_tile``, ``k_tile``: rows per tile, powers of two, at least 16 (``tl.dot``'s minimum).

    Raises ``ValueError`` for: tensors that are not 3-D, mismatched batch or
    d or key counts, mixed dtypes or devices, a dtype other than float32,
    bfloat16 or float16, ``d`` not a power of two in [16, 256], ``n_keys == 0``,
    bad tile sizes. Raises ``RuntimeError`` when the kernel cannot run here
    (see ``backend_problem``).

    Example (interpreter on a CPU):
        >>> q = k = v = torch.randn(1, 3, 16)
        >>> o, lse = flash_forward_triton(q, k, v)
        >>> o.shape, lse.shape, lse.dtype
        (torch.Size([1, 3, 16]), torch.Size([1, 3]), torch.float32)

    Edge cases the tests try: lengths that are not multiples of the tile
    (1, 17, 33, 47), ``n_queries != n_keys``, causal and not, non-contiguous
    inputs, tiles of 16 and 32, float32 against naive attention and
    ``F.scaled_dot_product_attention``; on CUDA bigger sizes in bfloat16.
    """
    problem = backend_problem(q.device)
    if problem is not None:
        raise RuntimeError(f"flash_forward_triton cannot run: {problem}")
    # TODO: validate the inputs (raise ValueError as documented); o = empty_like(q), lse float32
    # (batch, n_queries); launch flash_fwd_kernel[(cdiv(n_queries, q_tile), batch)] with every
    # stride, scale = 1 / sqrt(d) and the constexprs. Do not call F.scaled_dot_product_attention.
    # BEGIN SOLUTION
    for name, t in (("q", q), ("k", k), ("v", v)):
        if t.dim() != 3:
            raise ValueError(f"{name} must be (batch, seq, d), got shape {tuple(t.shape)}")
    batch, n_queries, d = q.shape
    if k.shape != v.shape or k.shape[0] != batch or k.shape[2] != d:
        raise ValueError(
            f"k and v must both be (batch={batch}, n_keys, d={d}), got {tuple(k.shape)} and {tuple(v.shape)}"
        )
    if not (q.dtype == k.dtype == v.dtype) or q.dtype not in (torch.float32, torch.bfloat16, torch.float16):
        raise ValueError(f"q, k, v must share one of float32, bfloat16, float16, got {q.dtype}, {k.dtype}, {v.dtype}")
    if not (q.device == k.device == v.device):
        raise ValueError(f"q, k, v must be on one device, got {q.device}, {k.device}, {v.device}")
    if d < 16 or d > 256 or d & (d - 1):
        raise ValueError(f"d must be a power of two from 16 to 256 (tl.arange needs a power of two), got {d}")
    for name, tile in (("q_tile", q_tile), ("k_tile", k_tile)):
        if tile < 16 or tile & (tile - 1):
            raise ValueError(f"{name} must be a power of two, at least 16 (tl.dot's minimum), got {tile}")
    n_keys = k.shape[1]
    if n_keys == 0:
        raise ValueError("n_keys must be at least 1: a query with no key has no softmax")

    o = torch.empty_like(q)  # (batch, n_queries, d)
    lse = torch.empty(batch, n_queries, dtype=torch.float32, device=q.device)
    if n_queries == 0 or batch == 0:
        return o, lse
    grid = (triton.cdiv(n_queries, q_tile), batch)
    flash_fwd_kernel[grid](
        q, k, v, o, lse,
        q.stride(0), q.stride(1), q.stride(2),
        k.stride(0), k.stride(1), k.stride(2),
        v.stride(0), v.stride(1), v.stride(2),
        o.stride(0), o.stride(1), o.stride(2),
        lse.stride(0), lse.stride(1),
        n_queries, n_keys,
        1.0 / math.sqrt(d),
        D=d, Q_TILE=q_tile, K_TILE=k_tile, IS_CAUSAL=bool(is_causal),
        # float32 exactly (a GPU's tl.dot would round float32 inputs to TF32); 16-bit inputs need no rounding.
        DOT_PRECISION="ieee" if q.dtype == torch.float32 else "tf32",
    )
    return o, lse
    # END SOLUTION


class FlashAttentionTriton(torch.autograd.Function):
    """``FlashAttentionTriton.apply(q, k, v, is_causal=False) -> o``: Triton forward, sys-05 backward.

    The forward saves ``lse, q, k, v, o`` (no n x n matrix) with
    ``ctx.save_for_backward`` and keeps ``is_causal`` on ``ctx``; the backward
    calls ``flash_backward(q, k, v, o, grad_o, lse, is_causal)`` and returns
    ``(dq, dk, dv, None)`` (no gradient for the flag).
    """

    @staticmethod
    def forward(ctx, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, is_causal: bool = False) -> torch.Tensor:
        # TODO: o, lse = flash_forward_triton(...); save lse, q, k, v, o; remember is_causal.
        # BEGIN SOLUTION
        o, lse = flash_forward_triton(q, k, v, is_causal)
        ctx.save_for_backward(lse, q, k, v, o)
        ctx.is_causal = bool(is_causal)
        return o
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_o: torch.Tensor):
        # TODO: unpack ctx.saved_tensors, call flash_backward, return (dq, dk, dv, None).
        # BEGIN SOLUTION
        lse, q, k, v, o = ctx.saved_tensors
        dq, dk, dv = flash_backward(q, k, v, o, grad_o, lse, ctx.is_causal)
        return dq, dk, dv, None
        # END SOLUTION


if __name__ == "__main__":
    print(f"kernel mode: {kernel_mode()}")
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 40, 16, generator=gen) for _ in range(3))
    device = "cuda" if torch.cuda.is_available() else "cpu"
    q, k, v = q.to(device), k.to(device), v.to(device)
    o, lse = flash_forward_triton(q, k, v, is_causal=True)
    ref = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    print(f"o {tuple(o.shape)}, lse {tuple(lse.shape)}, max |o - sdpa| = {(o - ref).abs().max().item():.2e}")
