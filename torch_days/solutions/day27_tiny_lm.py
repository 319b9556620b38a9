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
        # BEGIN SOLUTION
        self.n_heads = n_heads
        self.in_proj = nn.Linear(d_model, 3 * d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: project, split heads, causal attention (F.scaled_dot_product_attention
        # with is_causal=True, or your Day 23 function), merge heads, project.
        # Write the shape of every intermediate tensor in a comment.
        # BEGIN SOLUTION
        B, T, C = x.shape
        q, k, v = self.in_proj(x).split(C, dim=-1)  # 3 x (B, T, C)
        q, k, v = (t.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hd)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, T, hd)
        y = y.transpose(1, 2).reshape(B, T, C)  # (B, T, C)
        return self.out_proj(y)  # (B, T, C)
        # END SOLUTION


class MLP(nn.Module):
    """``fc2(gelu(fc1(x)))`` with ``fc1 = Linear(C, 4C)``, ``fc2 = Linear(4C, C)``, exact GELU."""

    def __init__(self, d_model: int) -> None:
        super().__init__()
        # TODO: fc1 and fc2.
        # BEGIN SOLUTION
        self.fc1 = nn.Linear(d_model, 4 * d_model)
        self.fc2 = nn.Linear(4 * d_model, d_model)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: fc1, F.gelu, fc2; note the shapes.
        # BEGIN SOLUTION
        return self.fc2(F.gelu(self.fc1(x)))  # (B, T, C) -> (B, T, 4C) -> (B, T, C)
        # END SOLUTION


class Block(nn.Module):
    """A pre-norm block: ``x + attn(ln1(x))``, then ``x + mlp(ln2(x))``; ``(B, T, C) -> (B, T, C)``."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        # TODO: ln1, attn, ln2, mlp (the names are part of the contract).
        # BEGIN SOLUTION
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = MLP(d_model)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: the two pre-norm residual updates.
        # BEGIN SOLUTION
        x = x + self.attn(self.ln1(x))  # (B, T, C)
        x = x + self.mlp(self.ln2(x))  # (B, T, C)
        return x
        # END SOLUTION


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
        # BEGIN SOLUTION
        if min(vocab, d_model, n_heads, n_layers, context) <= 0 or d_model % n_heads:
            raise ValueError(
                f"need positive sizes with d_model divisible by n_heads; got vocab={vocab}, d_model={d_model}, "
                f"n_heads={n_heads}, n_layers={n_layers}, context={context}"
            )
        self.context = context
        self.tok_emb = nn.Embedding(vocab, d_model)
        self.pos_emb = nn.Embedding(context, d_model)
        self.blocks = nn.ModuleList(Block(d_model, n_heads) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab, bias=False)
        self.apply(self._init_weights)
        # END SOLUTION

    # BEGIN SOLUTION
    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)
    # END SOLUTION

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        # TODO: check the shapes first (raise ValueError with both shapes in
        # the message), then embeddings -> blocks -> ln_f -> head, and the loss.
        # BEGIN SOLUTION
        if idx.dim() != 2 or not 1 <= idx.shape[1] <= self.context:
            raise ValueError(f"idx must have shape (B, T) with 1 <= T <= {self.context}, got {tuple(idx.shape)}")
        if targets is not None and targets.shape != idx.shape:
            raise ValueError(f"targets must have the shape of idx {tuple(idx.shape)}, got {tuple(targets.shape)}")
        B, T = idx.shape
        pos = torch.arange(T, device=idx.device)  # (T,)
        x = self.tok_emb(idx) + self.pos_emb(pos)  # (B, T, C) + (T, C) -> (B, T, C)
        for block in self.blocks:
            x = block(x)  # (B, T, C)
        logits = self.head(self.ln_f(x))  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(B * T, -1), targets.reshape(B * T))  # ()
        return logits, loss
        # END SOLUTION


if __name__ == "__main__":
    torch.manual_seed(0)
    model = TinyLM(vocab=65, d_model=32, n_heads=4, n_layers=2, context=16)
    idx = torch.randint(0, 65, (3, 10))
    logits, loss = model(idx, idx)
    print(logits.shape, f"loss {loss.item():.3f} (log 65 = {torch.tensor(65.0).log().item():.3f})")
    print(sum(p.numel() for p in model.parameters()), "parameters")
