"""sys-04: the FlashAttention-2 forward pass, tiled, in pure PyTorch.

- ``flash_forward(q, k, v, is_causal)``: ``softmax(q k^T / sqrt(d)) v`` computed
  one (query tile, key tile) block at a time with the online softmax (running
  max ``m``, running sum ``l``, a rescaled accumulator), never holding the full
  ``(n_queries, n_keys)`` score matrix; also returns the log-sum-exp of each
  query's scaled scores, which is all the backward pass needs to rebuild the
  attention weights;
- ``FlashAttentionPyTorch``: a ``torch.autograd.Function`` whose forward calls
  ``flash_forward`` and saves only ``lse, q, k, v, o`` for the backward.

In scope: the forward algorithm, causal masking with whole key tiles skipped
above the diagonal, float32 accumulation for low-precision inputs. Out of
scope: the backward pass (sys-05: ``FlashAttentionPyTorch.backward`` raises
``NotImplementedError`` here, on purpose), dropout, arbitrary masks, speed
(a Python loop over tiles is slow; sys-06 writes the same loop as a Triton
kernel).

Run the demo: .venv/bin/python -m cs336.sys04_flash_forward
"""

from __future__ import annotations

import math

import torch


def flash_forward(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    is_causal: bool = False,
    *,
    q_tile: int = 64,
    k_tile: int = 64,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Tiled attention forward: ``(o, lse)`` with ``o = softmax(q k^T / sqrt(d)) v``.

    Shapes (``...``: any leading dimensions, usually ``(batch,)`` or
    ``(batch, heads)``, the same for all three inputs)::

        q: (..., n_queries, d)   k: (..., n_keys, d)   v: (..., n_keys, d_v)
        returns o:   (..., n_queries, d_v)   dtype of q (same shape as q when d_v == d)
                lse: (..., n_queries)        float32 (float64 for float64 inputs)

    ``lse[..., i] = log(sum_j exp(q_i . k_j / sqrt(d)))`` over the keys query
    ``i`` may attend to. With ``is_causal`` query ``i`` attends to keys
    ``j <= i``; this needs ``n_queries == n_keys``, and key tiles that lie
    entirely above the diagonal are never computed.

    The queries are processed ``q_tile`` at a time and, for each query tile,
    the keys ``k_tile`` at a time: no intermediate is larger than
    ``(..., q_tile, k_tile)`` or ``(..., q_tile, d)``. Sizes need not be
    multiples of the tiles (the last tile is shorter). Arithmetic is done in
    float32 (float64 for float64 inputs), whatever the input dtype.

    Example:
        >>> q = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])   # (1, 2, 2)
        >>> o, lse = flash_forward(q, q, torch.eye(2)[None], is_causal=True, q_tile=1, k_tile=1)
        >>> o
        tensor([[[1.0000, 0.0000],
                 [0.3302, 0.6698]]])
        >>> lse      # [log(e^0.7071), log(e^0 + e^0.7071)]
        tensor([[0.7071, 1.1079]])

    Raises:
        ValueError: fewer than 2 dimensions, mismatched shapes, no keys,
            a tile size < 1, or ``is_causal`` with ``n_queries != n_keys``.

    Edge cases the tests try: sizes that are not multiples of the tiles,
    tiles of 16/32/64, d of 16 and 64, one query, extra leading dimensions,
    causal and not, bfloat16 on CUDA.
    """
    if q.dim() < 2 or k.dim() != q.dim() or v.dim() != q.dim():
        raise ValueError(f"q, k, v must have the same number (>= 2) of dimensions, got {q.dim()}, {k.dim()}, {v.dim()}")
    if q.shape[:-2] != k.shape[:-2] or k.shape[:-1] != v.shape[:-1] or q.shape[-1] != k.shape[-1]:
        raise ValueError(f"shapes do not fit: q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}; "
                         "expected q (..., n_queries, d), k (..., n_keys, d), v (..., n_keys, d_v)")
    n_q, n_k, d = q.shape[-2], k.shape[-2], q.shape[-1]
    if n_k == 0:
        raise ValueError("flash_forward needs at least one key (softmax over no keys is undefined)")
    if q_tile < 1 or k_tile < 1:
        raise ValueError(f"tile sizes must be >= 1, got q_tile={q_tile}, k_tile={k_tile}")
    # TODO: raise ValueError if is_causal and n_queries != n_keys. Flatten the leading dims.
    # For each query tile keep m (running max), l (running sum) and acc (unnormalised output) in
    # float32; for each key tile: scores scaled by 1/sqrt(d), the causal mask on diagonal tiles,
    # the new max, rescale l and acc by exp(m_old - m_new), add the tile's exp(scores - m_new)
    # and its product with v. Then o = acc / l, lse = m + log(l).
    # Limits: never build an (n_queries, n_keys) tensor (not even a mask); skip key tiles above
    # the diagonal when causal; do not call F.scaled_dot_product_attention or a built-in softmax.
    # BEGIN SOLUTION
    if is_causal and n_q != n_k:
        raise ValueError(f"is_causal needs n_queries == n_keys, got {n_q} queries and {n_k} keys")
    lead = q.shape[:-2]
    d_v = v.shape[-1]
    acc_dtype = torch.promote_types(q.dtype, torch.float32)  # float32, or float64 for float64 inputs
    qf = q.reshape(-1, n_q, d)  # (B, n_q, d)
    kf = k.reshape(-1, n_k, d)  # (B, n_k, d)
    vf = v.reshape(-1, n_k, d_v)  # (B, n_k, d_v)
    batch = qf.shape[0]
    scale = 1.0 / math.sqrt(d)

    o = torch.empty(batch, n_q, d_v, dtype=q.dtype, device=q.device)
    lse = torch.empty(batch, n_q, dtype=acc_dtype, device=q.device)
    for i0 in range(0, n_q, q_tile):
        i1 = min(i0 + q_tile, n_q)
        q_i = qf[:, i0:i1].to(acc_dtype)  # (B, Bq, d)
        m = torch.full((batch, i1 - i0), float("-inf"), dtype=acc_dtype, device=q.device)  # running max
        l = torch.zeros(batch, i1 - i0, dtype=acc_dtype, device=q.device)  # running sum of exp(s - m)
        acc = torch.zeros(batch, i1 - i0, d_v, dtype=acc_dtype, device=q.device)  # running sum of exp(s - m) v
        # Causal: a key tile starting at j0 >= i1 lies above the diagonal for every query here: skip it.
        k_end = min(n_k, i1) if is_causal else n_k
        for j0 in range(0, k_end, k_tile):
            j1 = min(j0 + k_tile, n_k)
            k_j = kf[:, j0:j1].to(acc_dtype)  # (B, Bk, d)
            v_j = vf[:, j0:j1].to(acc_dtype)  # (B, Bk, d_v)
            s = (q_i @ k_j.transpose(-2, -1)) * scale  # (B, Bq, Bk)
            if is_causal and j1 - 1 > i0:  # the tile crosses the diagonal: mask keys j > i
                rows = torch.arange(i0, i1, device=q.device)[:, None]
                cols = torch.arange(j0, j1, device=q.device)[None, :]
                s = s.masked_fill(cols > rows, float("-inf"))
            # Key tile 0 always has key 0 <= i, so m is finite after the first tile: no (-inf) - (-inf).
            m_new = torch.maximum(m, s.amax(dim=-1))  # (B, Bq)
            p = torch.exp(s - m_new[..., None])  # (B, Bq, Bk)
            alpha = torch.exp(m - m_new)  # (B, Bq) rescales what was summed against the old max
            l = alpha * l + p.sum(dim=-1)
            acc = alpha[..., None] * acc + p @ v_j  # (B, Bq, d_v)
            m = m_new
        o[:, i0:i1] = (acc / l[..., None]).to(q.dtype)
        lse[:, i0:i1] = m + torch.log(l)
    return o.reshape(*lead, n_q, d_v), lse.reshape(*lead, n_q)
    # END SOLUTION


class FlashAttentionPyTorch(torch.autograd.Function):
    """Attention as an autograd Function: ``FlashAttentionPyTorch.apply(q, k, v, is_causal)``.

    ``forward`` returns ``o`` only (shape ``(..., n_queries, d_v)``, dtype of
    ``q``) and saves exactly five tensors for the backward, in this order:
    ``ctx.save_for_backward(lse, q, k, v, o)``, plus ``ctx.is_causal``. No
    ``(n_queries, n_keys)`` tensor is kept: the backward rebuilds the attention
    weights from ``lse`` (sys-05).

    ``backward`` is not part of sys-04: it raises ``NotImplementedError``
    (sys-05's ``FlashAttention2`` adds it), so this Function is for inference
    or for checking what the forward saves.
    """

    @staticmethod
    def forward(ctx, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, is_causal: bool = False) -> torch.Tensor:
        # TODO: call flash_forward, save (lse, q, k, v, o) with ctx.save_for_backward, remember is_causal.
        # BEGIN SOLUTION
        o, lse = flash_forward(q, k, v, is_causal)
        ctx.save_for_backward(lse, q, k, v, o)
        ctx.is_causal = is_causal
        return o
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_o: torch.Tensor):
        raise NotImplementedError("see sys-05: FlashAttention2 recomputes the attention weights from lse")


if __name__ == "__main__":
    torch.manual_seed(0)
    q, k, v = torch.randn(3, 2, 100, 16).unbind(0)
    o, lse = flash_forward(q, k, v, is_causal=True, q_tile=32, k_tile=32)
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    print("o", tuple(o.shape), "lse", tuple(lse.shape), "max |o - sdpa| =", f"{(o - want).abs().max().item():.2e}")
