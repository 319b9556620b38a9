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

from cs336.solutions.attention import scaled_dot_product_attention
from cs336.solutions.linear_embedding import Linear
from cs336.solutions.rope import RotaryPositionalEmbedding


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
        # BEGIN SOLUTION
        if d_model % num_heads != 0:
            raise ValueError(f"d_model={d_model} must be divisible by num_heads={num_heads}")
        if theta is not None and max_seq_len is None:
            raise ValueError("RoPE (theta given) needs max_seq_len to precompute its tables")
        self.num_heads = num_heads
        self.d_head = d_model // num_heads
        self.q_proj = Linear(d_model, d_model, device=device, dtype=dtype)
        self.k_proj = Linear(d_model, d_model, device=device, dtype=dtype)
        self.v_proj = Linear(d_model, d_model, device=device, dtype=dtype)
        self.output_proj = Linear(d_model, d_model, device=device, dtype=dtype)
        self.rope = None if theta is None else RotaryPositionalEmbedding(theta, self.d_head, max_seq_len, device=device)
        # END SOLUTION

    def forward(self, x: torch.Tensor, token_positions: torch.Tensor | None = None) -> torch.Tensor:
        """``x (..., seq, d_model)``, optional ``token_positions (..., seq)`` -> ``(..., seq, d_model)``."""
        # TODO: project, reshape (..., seq, d_model) -> (..., heads, seq, d_head), apply RoPE to Q and K
        # (positions get a head axis: unsqueeze(-2)), causal attention with your
        # scaled_dot_product_attention, merge the heads, output_proj. Do not call
        # F.scaled_dot_product_attention.
        # BEGIN SOLUTION
        *lead, seq, d_model = x.shape

        def split_heads(t: torch.Tensor) -> torch.Tensor:  # (..., seq, d_model) -> (..., heads, seq, d_head)
            return t.reshape(*lead, seq, self.num_heads, self.d_head).transpose(-3, -2)

        q, k, v = split_heads(self.q_proj(x)), split_heads(self.k_proj(x)), split_heads(self.v_proj(x))
        if self.rope is not None:
            if token_positions is None:
                token_positions = torch.arange(seq, device=x.device)
            positions = token_positions.unsqueeze(-2)  # (..., 1, seq): the same positions for every head
            q, k = self.rope(q, positions), self.rope(k, positions)
        causal = torch.ones(seq, seq, dtype=torch.bool, device=x.device).tril()  # (seq, seq), True = may attend
        out = scaled_dot_product_attention(q, k, v, mask=causal)  # (..., heads, seq, d_head)
        out = out.transpose(-3, -2).reshape(*lead, seq, d_model)  # heads back side by side
        return self.output_proj(out)
        # END SOLUTION


if __name__ == "__main__":
    torch.manual_seed(0)
    mha = CausalMultiHeadSelfAttention(d_model=8, num_heads=2, max_seq_len=16, theta=10000.0)
    print(mha(torch.randn(3, 5, 8)).shape)
