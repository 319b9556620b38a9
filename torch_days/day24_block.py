"""Day 24: the Transformer block — multi-head attention, MLP, residuals, LayerNorm.

Read top to bottom in the order the data flows::

    x ─┬─ ln1 ─ MultiHeadAttention ─ dropout ─(+)─┬─ ln2 ─ MLP ─ dropout ─(+)─> out     pre-norm
       └──────────────────────────────────────────┘└──────────────────────────┘

    x ─ MultiHeadAttention ─ dropout ─(+ x)─ ln1 ─ MLP ─ dropout ─(+)─ ln2 ─> out       post-norm

- ``MultiHeadAttention``: one fused input projection to q, k, v, split into
  ``n_heads`` heads, attention per head, heads merged, output projection;
- ``MLP``: ``Linear(d_model, d_ff) -> GELU -> dropout -> Linear(d_ff, d_model)``;
- ``TransformerBlock``: the two sub-layers with residual connections, with the
  LayerNorm before each sub-layer (``norm_first=True``, GPT-2 and most modern
  LMs) or after each residual sum (``norm_first=False``, the 2017 paper).

Parameter names are part of the contract (the tests copy the weights into
``nn.MultiheadAttention`` and ``nn.TransformerEncoderLayer`` to compare):
``attn.in_proj``, ``attn.out_proj``, ``mlp.fc1``, ``mlp.fc2``, ``ln1``, ``ln2``.

In scope: heads, shapes, residuals, pre- vs post-norm, dropout placement.
Out of scope: KV caches, grouped-query attention, RMSNorm, rotary positions
inside attention (all in cs336).

Run the demo: .venv/bin/python -m torch_days.day24_block
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class MultiHeadAttention(nn.Module):
    """Multi-head self-attention over ``x`` of shape ``(..., seq, d_model)``.

    Layers (their names are part of the contract):

    - ``in_proj = nn.Linear(d_model, 3 * d_model)``: rows ``0:d`` of its
      weight make q, rows ``d:2d`` make k, rows ``2d:3d`` make v (the layout of
      ``nn.MultiheadAttention.in_proj_weight``);
    - ``out_proj = nn.Linear(d_model, d_model)``.

    Head ``h`` uses features ``h * hd : (h + 1) * hd`` of q, k and v, with
    ``hd = d_model // n_heads``; each head attends with scale ``1/sqrt(hd)``
    (causally if ``causal``); the heads' outputs are concatenated in head
    order and projected by ``out_proj``. ``dropout`` is applied to the
    attention weights in training mode only.

    Args:
        d_model: model width, ``> 0`` and divisible by ``n_heads``.
        n_heads: number of heads, ``> 0``.
        causal: position ``i`` attends only to positions ``<= i``.
        dropout: probability of dropping an attention weight while training.

    Raises:
        ValueError: ``d_model`` not divisible by ``n_heads`` (or a size ``<= 0``).

    Example:
        >>> mha = MultiHeadAttention(d_model=16, n_heads=4, causal=True)
        >>> mha(torch.randn(2, 5, 16)).shape
        torch.Size([2, 5, 16])

    Edge cases the tests try: no batch dimension, two batch dimensions,
    ``seq`` 1, one head, ``n_heads == d_model``, causal and not, float64,
    gradients of the input and of every parameter.
    """

    def __init__(self, d_model: int, n_heads: int, causal: bool = False, dropout: float = 0.0) -> None:
        super().__init__()
        # TODO: validate, then create self.in_proj and self.out_proj (names
        # matter) and keep n_heads, causal and dropout.
        raise NotImplementedError("torch-24: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(..., seq, d_model) -> (..., seq, d_model)``."""
        # TODO: in_proj, split into q, k, v; reshape each to
        # (..., n_heads, seq, head_dim) with unflatten + transpose; attend (you
        # may call F.scaled_dot_product_attention or your Day 23 function);
        # transpose back, merge the heads, out_proj. Do not use
        # nn.MultiheadAttention.
        raise NotImplementedError("torch-24: forward is not written yet")


class MLP(nn.Module):
    """The position-wise feed-forward network: ``fc2(dropout(gelu(fc1(x))))``.

    ``fc1 = nn.Linear(d_model, d_ff)``, ``fc2 = nn.Linear(d_ff, d_model)``,
    GELU is the exact (erf) one, ``F.gelu``'s default. Works on
    ``(..., d_model)``; every position is transformed independently.

    Example:
        >>> MLP(8, 32)(torch.randn(3, 4, 8)).shape
        torch.Size([3, 4, 8])
    """

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0) -> None:
        super().__init__()
        # TODO: create self.fc1, self.fc2 and a dropout layer.
        raise NotImplementedError("torch-24: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(..., d_model) -> (..., d_model)``."""
        # TODO: fc1, F.gelu, dropout, fc2.
        raise NotImplementedError("torch-24: forward is not written yet")


class TransformerBlock(nn.Module):
    """One Transformer layer: attention and MLP sub-layers with residuals and LayerNorm.

    Sub-modules (names are part of the contract): ``ln1``, ``attn``
    (a :class:`MultiHeadAttention`), ``ln2``, ``mlp`` (an :class:`MLP`), and a
    residual ``nn.Dropout(dropout)`` applied to each sub-layer's output before
    it is added.

    ``norm_first=True`` (pre-norm)::

        x = x + dropout(attn(ln1(x)))
        x = x + dropout(mlp(ln2(x)))

    ``norm_first=False`` (post-norm)::

        x = ln1(x + dropout(attn(x)))
        x = ln2(x + dropout(mlp(x)))

    ``dropout`` is also the attention-weight dropout and the MLP's inner
    dropout, as in ``nn.TransformerEncoderLayer``. In eval mode, or with
    ``dropout=0``, the block is deterministic.

    Args:
        d_model: width, divisible by ``n_heads``.
        n_heads: attention heads.
        d_ff: hidden width of the MLP (usually ``4 * d_model``).
        dropout: dropout probability used in the three places above.
        norm_first: pre-norm (True) or post-norm (False).
        causal: causal attention (for a language model).

    Example:
        >>> block = TransformerBlock(d_model=16, n_heads=2, d_ff=64, dropout=0.0)
        >>> block(torch.randn(4, 10, 16)).shape
        torch.Size([4, 10, 16])

    Edge cases the tests try: pre- and post-norm, causal and not, no batch
    dimension, extra batch dimensions, dropout active in training and off in
    eval mode, gradients of the input and of every parameter.
    """

    def __init__(
        self,
        d_model: int,
        n_heads: int,
        d_ff: int,
        dropout: float = 0.0,
        norm_first: bool = True,
        causal: bool = False,
    ) -> None:
        super().__init__()
        # TODO: create ln1, attn, ln2, mlp and the residual dropout; keep norm_first.
        raise NotImplementedError("torch-24: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(..., seq, d_model) -> (..., seq, d_model)``."""
        # TODO: the two residual updates, in the order given by norm_first.
        raise NotImplementedError("torch-24: forward is not written yet")


if __name__ == "__main__":
    torch.manual_seed(0)
    block = TransformerBlock(d_model=16, n_heads=2, d_ff=64, causal=True)
    x = torch.randn(4, 10, 16)
    print(block(x).shape, sum(p.numel() for p in block.parameters()), "parameters")
