"""cs336-09: causal multi-head self-attention with RoPE.

One module holds four bias-free projections (your ``Linear`` from cs336-04):
``q_proj``, ``k_proj``, ``v_proj`` map ``d_model -> d_model`` with the heads
stacked along the output rows (head ``h`` owns rows ``h*d_head .. (h+1)*d_head - 1``),
and ``output_proj`` maps the concatenated heads back. Each head attends with
your ``scaled_dot_product_attention`` (cs336-08) under a causal mask, after
RoPE (cs336-07) has rotated its queries and keys.

In scope: splitting and merging heads, the causal mask, RoPE per head, default
positions ``0 .. seq-1``. Out of scope: KV caches, grouped-query attention,
dropout, padding masks.

Run the demo: .venv/bin/python -m cs336.mha
"""

from __future__ import annotations

import torch
from torch import nn

from cs336.attention import scaled_dot_product_attention
from cs336.linear_embedding import Linear
from cs336.rope import RotaryPositionalEmbedding


class CausalMultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention where token ``i`` sees only tokens ``j <= i``.

    Shapes (``...``: any leading batch dimensions)::

        x: (..., seq, d_model) -> (..., seq, d_model)
        token_positions: (..., seq) or (seq,) integers, or None for 0 .. seq-1
        q_proj.weight, k_proj.weight, v_proj.weight, output_proj.weight: (d_model, d_model)

    With ``d_head = d_model // num_heads``: ``Q = x @ q_proj.weight.T`` is cut
    into ``num_heads`` slices of ``d_head`` along the last dimension (slice
    ``h`` is head ``h``); the same for K and V. If ``theta`` is given, RoPE
    with ``d_k = d_head`` rotates every head's Q and K at ``token_positions``
    (V is not rotated). Each head computes causal attention; the heads are
    concatenated back in order and multiplied by ``output_proj``.

    Args:
        d_model: model width.
        num_heads: number of heads; must divide ``d_model``.
        max_seq_len: positions RoPE precomputes (needed when ``theta`` is given).
        theta: RoPE base, e.g. ``10000.0``; ``None`` means no RoPE.
        device, dtype: passed to the projections (and the RoPE tables' device).

    Raises:
        ValueError: ``d_model`` not divisible by ``num_heads``, or ``theta``
            given without ``max_seq_len``.

    Example:
        >>> mha = CausalMultiHeadSelfAttention(d_model=8, num_heads=2, max_seq_len=16, theta=10000.0)
        >>> mha(torch.randn(3, 5, 8)).shape
        torch.Size([3, 5, 8])

    Edge cases the tests try: one head, ``d_head = 2``, one token, no batch
    dimension, two batch dimensions, explicit non-contiguous positions,
    without RoPE, float64, gradients of x and all four weights, changing a
    future token (earlier outputs must not move), ``d_model % num_heads != 0``.
    """

    def __init__(self, d_model: int, num_heads: int, max_seq_len: int | None = None, theta: float | None = None,
                 device: torch.device | str | None = None, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # TODO: validate the arguments; create q_proj, k_proj, v_proj, output_proj as your
        # Linear(d_model, d_model); if theta is given, a RotaryPositionalEmbedding(theta, d_head,
        # max_seq_len) (else no rope). Do not use nn.MultiheadAttention.
        raise NotImplementedError("cs336-09: __init__ is not written yet")

    def forward(self, x: torch.Tensor, token_positions: torch.Tensor | None = None) -> torch.Tensor:
        """``x (..., seq, d_model)``, optional ``token_positions (..., seq)`` -> ``(..., seq, d_model)``."""
        # TODO: project, reshape (..., seq, d_model) -> (..., heads, seq, d_head), apply RoPE to Q and K
        # (positions get a head axis: unsqueeze(-2)), causal attention with your
        # scaled_dot_product_attention, merge the heads, output_proj. Do not call
        # F.scaled_dot_product_attention.
        raise NotImplementedError("cs336-09: forward is not written yet")


if __name__ == "__main__":
    torch.manual_seed(0)
    mha = CausalMultiHeadSelfAttention(d_model=8, num_heads=2, max_seq_len=16, theta=10000.0)
    print(mha(torch.randn(3, 5, 8)).shape)
