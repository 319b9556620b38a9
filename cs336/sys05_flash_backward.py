"""sys-05: the FlashAttention-2 backward pass, by recomputation, tiled, in pure PyTorch.

- ``flash_backward(q, k, v, o, grad_o, lse, is_causal)``: ``(dq, dk, dv)`` for
  ``o = softmax(q k^T / sqrt(d)) v``, rebuilding the attention weights of one
  (query tile, key tile) block at a time as ``P = exp(S - lse)``, with
  ``D = rowsum(dO * O)`` and ``dS = P * (dP - D)``; never holds the full
  ``(n_queries, n_keys)`` matrix;
- ``FlashAttention2``: a ``torch.autograd.Function`` whose forward is sys-04's
  ``flash_forward`` (saving only ``lse, q, k, v, o``) and whose backward is
  ``flash_backward``.

In scope: the exact gradient from the five saved tensors, causal masking with
whole tiles skipped. Out of scope: speed (a Python loop over tiles; sys-06
moves the forward into Triton), dropout, gradients of ``lse``.

Run the demo: .venv/bin/python -m cs336.sys05_flash_backward
"""

from __future__ import annotations

import math

import torch

from cs336.sys04_flash_forward import flash_forward


def flash_backward(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    o: torch.Tensor,
    grad_o: torch.Tensor,
    lse: torch.Tensor,
    is_causal: bool = False,
    *,
    q_tile: int = 64,
    k_tile: int = 64,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Gradients ``(dq, dk, dv)`` of attention from the forward's saved tensors.

    Shapes (``...``: any leading dimensions, the same for all)::

        q: (..., n_queries, d)   k: (..., n_keys, d)   v: (..., n_keys, d_v)
        o, grad_o: (..., n_queries, d_v)   lse: (..., n_queries)
        returns dq like q, dk like k, dv like v (shapes and dtypes)

    ``o`` and ``lse`` are what ``flash_forward(q, k, v, is_causal)`` returned
    and ``grad_o`` is dLoss/do. With ``S = q k^T / sqrt(d)`` (masked to
    ``-inf`` above the diagonal when ``is_causal``)::

        P  = exp(S - lse[..., None])          the attention weights, exactly
        dV = P^T dO          dP = dO V^T
        D  = rowsum(dO * O)  (= rowsum(P * dP))
        dS = P * (dP - D[..., None])
        dQ = dS K / sqrt(d)  dK = dS^T Q / sqrt(d)

    computed one (q_tile x k_tile) block at a time, accumulating in float32
    (float64 for float64 inputs); no ``(n_queries, n_keys)`` tensor is built.
    Sizes need not be multiples of the tiles.

    Example:
        >>> q = torch.zeros(1, 2, 4); k = torch.zeros(1, 3, 4)     # uniform weights 1/3
        >>> v = torch.arange(3.0).reshape(1, 3, 1)
        >>> o = torch.ones(1, 2, 1); lse = torch.full((1, 2), math.log(3.0))
        >>> dq, dk, dv = flash_backward(q, k, v, o, torch.ones(1, 2, 1), lse)
        >>> dv[0, :, 0]                          # each key gets 2 queries * 1/3
        tensor([0.6667, 0.6667, 0.6667])

    Raises:
        ValueError: mismatched shapes, or ``is_causal`` with ``n_queries != n_keys``.

    Edge cases the tests try: sizes that are not multiples of the tiles,
    tiles of 16/32/64, d of 16 and 64, one query, causal and not, extra
    leading dimensions, float64 (gradcheck), bfloat16 on CUDA.
    """
    n_q, n_k, d = q.shape[-2], k.shape[-2], q.shape[-1]
    d_v = v.shape[-1]
    if (k.shape[:-2] != q.shape[:-2] or v.shape[:-1] != k.shape[:-1] or k.shape[-1] != d
            or o.shape != (*q.shape[:-1], d_v) or grad_o.shape != o.shape or lse.shape != q.shape[:-1]):
        raise ValueError(f"shapes do not fit: q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}, "
                         f"o {tuple(o.shape)}, grad_o {tuple(grad_o.shape)}, lse {tuple(lse.shape)}")
    # TODO: raise ValueError if is_causal and n_queries != n_keys. D = rowsum(dO * O) first (one
    # number per query). Then loop over key tiles (outer) and query tiles (inner): recompute S for
    # the block, P = exp(S - lse), and accumulate dV_j, dK_j for the key tile and dQ_i (in a
    # float32 buffer of q's shape). Limits: never build an (n_queries, n_keys) tensor; skip the
    # blocks above the diagonal when causal; use only the arguments (no call to the forward, no
    # autograd through your own forward).
    raise NotImplementedError("sys-05: flash_backward is not written yet")


class FlashAttention2(torch.autograd.Function):
    """FlashAttention-2 as an autograd Function: ``FlashAttention2.apply(q, k, v, is_causal)``.

    ``forward`` runs sys-04's ``flash_forward`` with its default tiles, returns
    ``o`` (shape ``(..., n_queries, d_v)``, dtype of ``q``) and saves exactly
    ``ctx.save_for_backward(lse, q, k, v, o)`` plus ``ctx.is_causal``.
    ``backward(grad_o)`` returns ``flash_backward(...)``'s ``(dq, dk, dv)`` and
    ``None`` for ``is_causal``.
    """

    @staticmethod
    def forward(ctx, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, is_causal: bool = False) -> torch.Tensor:
        # TODO: o, lse = flash_forward(...); save (lse, q, k, v, o); remember is_causal.
        raise NotImplementedError("sys-05: forward is not written yet")

    @staticmethod
    def backward(ctx, grad_o: torch.Tensor):
        # TODO: unpack ctx.saved_tensors, call flash_backward, return one gradient per forward input.
        raise NotImplementedError("sys-05: backward is not written yet")


if __name__ == "__main__":
    torch.manual_seed(0)
    q, k, v = (torch.randn(2, 100, 16, requires_grad=True) for _ in range(3))
    FlashAttention2.apply(q, k, v, True).square().sum().backward()
    q2, k2, v2 = (t.detach().clone().requires_grad_(True) for t in (q, k, v))
    torch.nn.functional.scaled_dot_product_attention(q2, k2, v2, is_causal=True).square().sum().backward()
    for name, a, b in (("dq", q, q2), ("dk", k, k2), ("dv", v, v2)):
        print(name, f"max |flash - sdpa| = {(a.grad - b.grad).abs().max().item():.2e}")
