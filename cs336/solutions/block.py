"""cs336-10: the pre-norm Transformer block.

``y = x + attn(ln1(x))`` then ``z = y + ffn(ln2(y))``: RMSNorm (cs336-05)
before each sub-layer, a residual connection around it. The attention is your
causal multi-head self-attention with RoPE (cs336-09), the feed-forward
network your SwiGLU (cs336-06).

In scope: wiring the sub-layers, the parameter names. Out of scope: post-norm,
dropout, parallel (attention + MLP side by side) blocks.

Run the demo: .venv/bin/python -m cs336.block
"""

from __future__ import annotations

import torch
from torch import nn

from cs336.solutions.mha import CausalMultiHeadSelfAttention
from cs336.solutions.rmsnorm import RMSNorm
from cs336.solutions.swiglu import SwiGLU


class TransformerBlock(nn.Module):
    """One pre-norm block: ``x + attn(ln1(x))``, then ``+ ffn(ln2(.))``.

    Shapes: ``x (..., seq, d_model) -> (..., seq, d_model)``.
    Parameters (the tests load weights by these names)::

        attn.q_proj.weight, attn.k_proj.weight, attn.v_proj.weight,
        attn.output_proj.weight                     (d_model, d_model)
        ln1.weight, ln2.weight                      (d_model,)
        ffn.w1.weight, ffn.w3.weight                (d_ff, d_model)
        ffn.w2.weight                               (d_model, d_ff)

    Args:
        d_model: model width.
        num_heads: attention heads; must divide ``d_model``.
        d_ff: SwiGLU hidden width.
        max_seq_len: positions RoPE precomputes.
        theta: RoPE base.
        device, dtype: passed to every sub-module.

    Example:
        >>> block = TransformerBlock(d_model=16, num_heads=4, d_ff=32, max_seq_len=8, theta=10000.0)
        >>> block(torch.randn(2, 8, 16)).shape
        torch.Size([2, 8, 16])

    Edge cases the tests try: no batch dimension, one token, one head,
    explicit positions, float64, gradients of x and of every parameter,
    exactly the nine parameters above, the causal property.
    """

    def __init__(self, d_model: int, num_heads: int, d_ff: int, max_seq_len: int, theta: float,
                 device: torch.device | str | None = None, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # TODO: ln1 = RMSNorm(d_model), attn = CausalMultiHeadSelfAttention(... with RoPE ...),
        # ln2 = RMSNorm(d_model), ffn = SwiGLU(d_model, d_ff) — your own modules, these names.
        # BEGIN SOLUTION
        self.ln1 = RMSNorm(d_model, device=device, dtype=dtype)
        self.attn = CausalMultiHeadSelfAttention(d_model, num_heads, max_seq_len=max_seq_len, theta=theta,
                                                 device=device, dtype=dtype)
        self.ln2 = RMSNorm(d_model, device=device, dtype=dtype)
        self.ffn = SwiGLU(d_model, d_ff, device=device, dtype=dtype)
        # END SOLUTION

    def forward(self, x: torch.Tensor, token_positions: torch.Tensor | None = None) -> torch.Tensor:
        """``x (..., seq, d_model)``, optional ``token_positions`` -> ``(..., seq, d_model)``."""
        # TODO: two residual sub-layers, each normalising its *input* (pre-norm); the residual
        # adds the un-normalised x.
        # BEGIN SOLUTION
        x = x + self.attn(self.ln1(x), token_positions)
        return x + self.ffn(self.ln2(x))
        # END SOLUTION


if __name__ == "__main__":
    torch.manual_seed(0)
    block = TransformerBlock(d_model=16, num_heads=4, d_ff=32, max_seq_len=8, theta=10000.0)
    print(block(torch.randn(2, 8, 16)).shape)
