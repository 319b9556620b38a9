"""Day 27: the final check — a tiny GPT-style language model, every shape written down.

Everything of the last five days in one file, in the order the data flows::

    idx (B, T) ─ tok_emb + pos_emb ─> (B, T, C) ─ blocks × n_layers ─> (B, T, C) ─ ln_f ─ head ─> logits (B, T, V)

    block:  x = x + attn(ln1(x))      causal multi-head self-attention
            x = x + mlp(ln2(x))       Linear(C, 4C) -> GELU -> Linear(4C, C)

Letters used in the shape comments: ``B`` batch, ``T`` sequence length
(``1 <= T <= context``), ``C`` = ``d_model``, ``nh`` heads, ``hd = C // nh``,
``V`` vocabulary.

Parameter names are part of the contract (the tests copy the weights into a
model assembled from PyTorch's built-in layers and compare):

======================================  ==============================
``tok_emb.weight``                      ``(V, C)``
``pos_emb.weight``                      ``(context, C)``
``blocks.{i}.ln1.weight`` / ``.bias``   ``(C,)``
``blocks.{i}.attn.in_proj.weight``      ``(3C, C)`` rows: q, then k, then v
``blocks.{i}.attn.in_proj.bias``        ``(3C,)``
``blocks.{i}.attn.out_proj.weight``     ``(C, C)`` (and ``.bias`` ``(C,)``)
``blocks.{i}.ln2.weight`` / ``.bias``   ``(C,)``
``blocks.{i}.mlp.fc1.weight``           ``(4C, C)`` (and ``.bias`` ``(4C,)``)
``blocks.{i}.mlp.fc2.weight``           ``(C, 4C)`` (and ``.bias`` ``(C,)``)
``ln_f.weight`` / ``.bias``             ``(C,)``
``head.weight``                         ``(V, C)``, no bias, not tied
======================================  ==============================

In scope: the architecture, its shapes, its initialisation, its loss.
Out of scope: dropout, weight tying, KV caching, mixed precision (cs336).

Run the demo: .venv/bin/python -m torch_days.day27_tiny_lm
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class CausalSelfAttention(nn.Module):
    """Causal multi-head self-attention: ``(B, T, C) -> (B, T, C)``, layers ``in_proj`` and ``out_proj``."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        # TODO: in_proj = nn.Linear(C, 3C), out_proj = nn.Linear(C, C); keep n_heads.
        raise NotImplementedError("torch-27: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: project, split heads, causal attention (F.scaled_dot_product_attention
        # with is_causal=True, or your Day 23 function), merge heads, project.
        # Write the shape of every intermediate tensor in a comment.
        raise NotImplementedError("torch-27: forward is not written yet")


class MLP(nn.Module):
    """``fc2(gelu(fc1(x)))`` with ``fc1 = Linear(C, 4C)``, ``fc2 = Linear(4C, C)``, exact GELU."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        # TODO: fc1 and fc2.
        raise NotImplementedError("torch-27: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: fc1, F.gelu, fc2; note the shapes.
        raise NotImplementedError("torch-27: forward is not written yet")


class Block(nn.Module):
    """A pre-norm block: ``x + attn(ln1(x))``, then ``x + mlp(ln2(x))``; ``(B, T, C) -> (B, T, C)``."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        # TODO: ln1, attn, ln2, mlp (the names are part of the contract).
        raise NotImplementedError("torch-27: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: the two pre-norm residual updates.
        raise NotImplementedError("torch-27: forward is not written yet")


class TinyLM(nn.Module):
    """A GPT-style causal language model: ids ``(B, T)`` -> logits ``(B, T, V)`` (and a loss).

    Architecture and parameter names: see the module docstring. Initialise
    like GPT-2: every ``nn.Linear`` and ``nn.Embedding`` weight from
    ``N(0, 0.02**2)``, every ``nn.Linear`` bias zero, LayerNorms at their
    defaults (weight 1, bias 0). The logits then start close to 0 and the
    first loss close to ``log(V)``.

    The number of parameters is
    ``2*V*C + context*C + n_layers*(12*C**2 + 13*C) + 2*C``.

    Args:
        vocab: ``V``, ``> 0``.
        d_model: ``C``, divisible by ``n_heads``.
        n_heads: attention heads, ``> 0``.
        n_layers: blocks, ``>= 1``.
        context: the longest sequence, ``> 0``.

    Raises:
        ValueError: a size ``<= 0`` or ``d_model % n_heads != 0``.

    ``forward(idx, targets=None)``:

    - ``idx``: ``(B, T)`` integer ids with ``B >= 1`` and ``1 <= T <= context``;
    - ``targets``: ``None``, or ids of the same shape as ``idx``;
    - returns ``(logits, loss)``: logits ``(B, T, V)``; ``loss`` is
      ``F.cross_entropy`` over all ``B * T`` positions (a 0-d tensor), or
      ``None`` without targets.
    - raises ``ValueError`` (naming the expected and the actual shape) when
      ``idx`` is not 2-D, ``T`` is 0 or above ``context``, or ``targets`` has
      another shape.

    Position ``t``'s logits depend on ``idx[:, :t + 1]`` only (causality).

    Example:
        >>> model = TinyLM(vocab=65, d_model=32, n_heads=4, n_layers=2, context=16)
        >>> logits, loss = model(torch.zeros(3, 10, dtype=torch.long), torch.zeros(3, 10, dtype=torch.long))
        >>> logits.shape, loss.shape
        (torch.Size([3, 10, 65]), torch.Size([]))
        >>> sum(p.numel() for p in model.parameters())
        30144

    Edge cases the tests try: ``T`` 1 and ``T == context``, batch 1,
    ``n_layers`` 1 and 3, one head, changing a future token, too long or
    badly shaped inputs, overfitting one small batch, float64.
    """

    def __init__(self, vocab: int, d_model: int, n_heads: int, n_layers: int, context: int) -> None:
        super().__init__()
        # TODO: validate; create tok_emb, pos_emb, blocks (an nn.ModuleList of
        # n_layers blocks), ln_f and head (bias=False) with the names above;
        # then initialise as stated (self.apply(fn) visits every sub-module).
        # You may reuse your Day 24 classes only if the parameter names match.
        raise NotImplementedError("torch-27: __init__ is not written yet")


    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        # TODO: check the shapes first (raise ValueError with both shapes in
        # the message), then embeddings -> blocks -> ln_f -> head, and the loss.
        raise NotImplementedError("torch-27: forward is not written yet")


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TinyLM(vocab=65, d_model=32, n_heads=4, n_layers=2, context=16)
    idx = torch.randint(0, 65, (3, 10))
    logits, loss = model(idx, idx)
    print(logits.shape, f"loss {loss.item():.3f} (log 65 = {torch.tensor(65.0).log().item():.3f})")
    print(sum(p.numel() for p in model.parameters()), "parameters")
