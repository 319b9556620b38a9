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

from cs336.solutions.sys04_flash_forward import flash_forward


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
    # BEGIN SOLUTION
    if is_causal and n_q != n_k:
        raise ValueError(f"is_causal needs n_queries == n_keys, got {n_q} queries and {n_k} keys")
    acc_dtype = torch.promote_types(q.dtype, torch.float32)
    qf = q.reshape(-1, n_q, d).to(acc_dtype)  # (B, n_q, d)
    kf = k.reshape(-1, n_k, d).to(acc_dtype)  # (B, n_k, d)
    vf = v.reshape(-1, n_k, d_v).to(acc_dtype)  # (B, n_k, d_v)
    dof = grad_o.reshape(-1, n_q, d_v).to(acc_dtype)  # (B, n_q, d_v)
    lsef = lse.reshape(-1, n_q).to(acc_dtype)  # (B, n_q)
    delta = (dof * o.reshape(-1, n_q, d_v).to(acc_dtype)).sum(dim=-1)  # D: (B, n_q)
    scale = 1.0 / math.sqrt(d)

    dq = torch.zeros_like(qf)
    dk = torch.empty_like(kf)
    dv = torch.empty_like(vf)
    for j0 in range(0, n_k, k_tile):
        j1 = min(j0 + k_tile, n_k)
        k_j, v_j = kf[:, j0:j1], vf[:, j0:j1]  # (B, Bk, d), (B, Bk, d_v)
        dk_j = torch.zeros_like(k_j)
        dv_j = torch.zeros_like(v_j)
        # Causal: only queries i >= j0 see any key of this tile; start at the query tile holding j0.
        i_start = (j0 // q_tile) * q_tile if is_causal else 0
        for i0 in range(i_start, n_q, q_tile):
            i1 = min(i0 + q_tile, n_q)
            q_i, do_i = qf[:, i0:i1], dof[:, i0:i1]  # (B, Bq, d), (B, Bq, d_v)
            s = (q_i @ k_j.transpose(-2, -1)) * scale  # (B, Bq, Bk)
            if is_causal and j1 - 1 > i0:  # the block crosses the diagonal
                rows = torch.arange(i0, i1, device=q.device)[:, None]
                cols = torch.arange(j0, j1, device=q.device)[None, :]
                s = s.masked_fill(cols > rows, float("-inf"))
            p = torch.exp(s - lsef[:, i0:i1, None])  # (B, Bq, Bk): the forward's softmax, exactly
            dv_j += p.transpose(-2, -1) @ do_i  # (B, Bk, d_v)
            dp = do_i @ v_j.transpose(-2, -1)  # (B, Bq, Bk)
            ds = p * (dp - delta[:, i0:i1, None])  # (B, Bq, Bk)
            dq[:, i0:i1] += (ds @ k_j) * scale
            dk_j += (ds.transpose(-2, -1) @ q_i) * scale
        dk[:, j0:j1] = dk_j
        dv[:, j0:j1] = dv_j
    return (dq.reshape(q.shape).to(q.dtype), dk.reshape(k.shape).to(k.dtype), dv.reshape(v.shape).to(v.dtype))
    # END SOLUTION


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
        # BEGIN SOLUTION
        o, lse = flash_forward(q, k, v, is_causal)
        ctx.save_for_backward(lse, q, k, v, o)
        ctx.is_causal = is_causal
        return o
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_o: torch.Tensor):
        # TODO: unpack ctx.saved_tensors, call flash_backward, return one gradient per forward input.
        # BEGIN SOLUTION
        lse, q, k, v, o = ctx.saved_tensors
        dq, dk, dv = flash_backward(q, k, v, o, grad_o, lse, ctx.is_causal)
        return dq, dk, dv, None
        # END SOLUTION


if __name__ == "__main__":
    torch.manual_seed(0)
    q, k, v = (torch.randn(2, 100, 16, requires_grad=True) for _ in range(3))
    FlashAttention2.apply(q, k, v, True).square().sum().backward()
    q2, k2, v2 = (t.detach().clone().requires_grad_(True) for t in (q, k, v))
    torch.nn.functional.scaled_dot_product_attention(q2, k2, v2, is_causal=True).square().sum().backward()
    for name, a, b in (("dq", q, q2), ("dk", k, k2), ("dv", v, v2)):
        print(name, f"max |flash - sdpa| = {(a.grad - b.grad).abs().max().item():.2e}")
