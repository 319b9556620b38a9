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

from cs336.sys05_flash_backward import flash_backward


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
    raise NotImplementedError("sys-06: flash_fwd_kernel is not written yet")


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
    raise NotImplementedError("sys-06: flash_forward_triton is not written yet")


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
        raise NotImplementedError("sys-06: forward is not written yet")

    @staticmethod
    def backward(ctx, grad_o: torch.Tensor):
        # TODO: unpack ctx.saved_tensors, call flash_backward, return (dq, dk, dv, None).
        raise NotImplementedError("sys-06: backward is not written yet")


if __name__ == "__main__":
    print(f"kernel mode: {kernel_mode()}")
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 40, 16, generator=gen) for _ in range(3))
    device = "cuda" if torch.cuda.is_available() else "cpu"
    q, k, v = q.to(device), k.to(device), v.to(device)
    o, lse = flash_forward_triton(q, k, v, is_causal=True)
    ref = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    print(f"o {tuple(o.shape)}, lse {tuple(lse.shape)}, max |o - sdpa| = {(o - ref).abs().max().item():.2e}")
