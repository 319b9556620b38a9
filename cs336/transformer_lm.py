"""cs336-11: the whole Transformer language model.

token ids -> ``token_embeddings`` (cs336-04) -> ``num_layers`` pre-norm blocks
(cs336-10) -> ``ln_final`` (RMSNorm) -> ``lm_head`` (a Linear to the
vocabulary, not tied to the embedding) -> logits. Positions are ``0 .. seq-1``.

In scope: stacking the blocks, the parameter names, the context-length check.
Out of scope: the loss (cs336 cross-entropy), sampling, weight tying, KV caches.

Run the demo: .venv/bin/python -m cs336.transformer_lm
"""

from __future__ import annotations

import torch
from torch import nn

from cs336.block import TransformerBlock
from cs336.linear_embedding import Embedding, Linear
from cs336.rmsnorm import RMSNorm


class TransformerLM(nn.Module):
    """A decoder-only Transformer LM returning next-token logits.

    Shapes: ``token_ids (..., seq)`` integers with ``seq <= context_length``
    -> logits ``(..., seq, vocab_size)`` (unnormalised; logits at position
    ``i`` predict token ``i + 1`` and depend only on tokens ``0 .. i``).

    Parameters (the tests load a ``state_dict`` with these names, strictly)::

        token_embeddings.weight          (vocab_size, d_model)
        layers.{i}.attn.{q,k,v,output}_proj.weight, layers.{i}.ln1.weight,
        layers.{i}.ffn.{w1,w2,w3}.weight, layers.{i}.ln2.weight   for i < num_layers
        ln_final.weight                  (d_model,)
        lm_head.weight                   (vocab_size, d_model)

    Args:
        vocab_size: number of token ids.
        context_length: longest sequence the model accepts (RoPE's max_seq_len).
        d_model, num_layers, num_heads, d_ff: sizes.
        rope_theta: RoPE base.
        device, dtype: passed to every sub-module.

    Raises:
        ValueError: in ``forward``, a sequence longer than ``context_length``.

    Example:
        >>> lm = TransformerLM(vocab_size=100, context_length=16, d_model=32, num_layers=2,
        ...                    num_heads=4, d_ff=64, rope_theta=10000.0)
        >>> lm(torch.randint(0, 100, (2, 10))).shape
        torch.Size([2, 10, 100])

    Edge cases the tests try: one token, exactly ``context_length`` tokens,
    ``context_length + 1`` tokens, no batch dimension, ``num_layers = 1``,
    float64, the parameter count, the loss at initialisation.
    """

    def __init__(self, vocab_size: int, context_length: int, d_model: int, num_layers: int, num_heads: int,
                 d_ff: int, rope_theta: float, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # TODO: token_embeddings (your Embedding), layers = nn.ModuleList of your TransformerBlock,
        # ln_final (your RMSNorm), lm_head (your Linear(d_model, vocab_size)); keep context_length.
        raise NotImplementedError("cs336-11: __init__ is not written yet")

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        """``token_ids (..., seq)`` -> logits ``(..., seq, vocab_size)``."""
        # TODO: raise ValueError (naming seq and context_length) if the sequence is too long;
        # embed, run every block, final norm, lm_head.
        raise NotImplementedError("cs336-11: forward is not written yet")


if __name__ == "__main__":
    torch.manual_seed(0)
    lm = TransformerLM(vocab_size=100, context_length=16, d_model=32, num_layers=2, num_heads=4, d_ff=64,
                       rope_theta=10000.0)
    print(lm(torch.randint(0, 100, (2, 10))).shape, sum(p.numel() for p in lm.parameters()))
