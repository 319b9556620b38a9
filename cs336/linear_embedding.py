"""cs336-04: the two parameter-holding layers every Transformer starts from.

- ``Linear``: ``y = x @ W.T`` with ``W`` of shape ``(d_out, d_in)`` and no bias,
  initialised from a truncated normal with ``std = sqrt(2 / (d_in + d_out))``;
- ``Embedding``: a lookup table ``(num_embeddings, embedding_dim)``, initialised
  from a truncated normal with ``std = 1``, indexed by integer token ids.

In scope: parameters as ``nn.Parameter`` named ``weight``, initialisation,
``device``/``dtype`` arguments, arbitrary leading batch dimensions. Out of
scope: biases, weight tying, sparse gradients.

Run the demo: .venv/bin/python -m cs336.linear_embedding
"""

from __future__ import annotations

import math

import torch
from torch import nn


class Linear(nn.Module):
    """A bias-free linear map ``y = x @ W.T``.

    Shapes: ``x (..., in_features) -> y (..., out_features)``; ``weight`` is
    ``(out_features, in_features)`` (the same layout as ``nn.Linear``).

    Initialisation: ``nn.init.trunc_normal_`` with mean 0,
    ``std = sqrt(2 / (in_features + out_features))``, truncated at ``±3 std``.

    Args:
        in_features: size of the last dimension of the input (``d_in``).
        out_features: size of the last dimension of the output (``d_out``).
        device: where to create ``weight`` (``None``: the default device).
        dtype: dtype of ``weight`` (``None``: the default dtype).

    Example:
        >>> layer = Linear(3, 2)
        >>> layer.weight.shape
        torch.Size([2, 3])
        >>> layer(torch.ones(4, 5, 3)).shape
        torch.Size([4, 5, 2])

    Edge cases the tests try: no batch dimension, two batch dimensions,
    ``in_features = 1``, float64 and bfloat16 weights, a large matrix's
    init statistics, gradients of input and weight.
    """

    def __init__(self, in_features: int, out_features: int, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # TODO: create self.weight = nn.Parameter of shape (out_features, in_features) on `device`
        # with `dtype`, then fill it with nn.init.trunc_normal_ (std above, a = -3 std, b = 3 std).
        # Do not use nn.Linear.
        raise NotImplementedError("cs336-04: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x (..., in_features) -> (..., out_features)``."""
        # TODO: one matrix product; do not call F.linear.
        raise NotImplementedError("cs336-04: forward is not written yet")


class Embedding(nn.Module):
    """A table of learned vectors, one row per token id.

    Shapes: ``token_ids (...)`` of integer dtype ``-> (..., embedding_dim)``;
    ``weight`` is ``(num_embeddings, embedding_dim)``.

    Initialisation: ``nn.init.trunc_normal_`` with mean 0, std 1, truncated at ``±3``.

    Args:
        num_embeddings: vocabulary size; valid ids are ``0 .. num_embeddings - 1``.
        embedding_dim: length of each vector (``d_model``).
        device: where to create ``weight``.
        dtype: dtype of ``weight``.

    Raises:
        IndexError (or another exception from indexing): an id outside
        ``0 .. num_embeddings - 1`` — never a silent wrong row.

    Example:
        >>> emb = Embedding(10, 4)
        >>> emb(torch.tensor([[1, 2, 2]])).shape
        torch.Size([1, 3, 4])

    Edge cases the tests try: a scalar id, repeated ids (their gradients add
    up), two batch dimensions, an id equal to ``num_embeddings``, float64 weights.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # TODO: self.weight = nn.Parameter of shape (num_embeddings, embedding_dim), filled with
        # nn.init.trunc_normal_(std=1, a=-3, b=3). Do not use nn.Embedding.
        raise NotImplementedError("cs336-04: __init__ is not written yet")

    def forward(self, token_ids: torch.Tensor) -> torch.Tensor:
        """``token_ids (...) -> (..., embedding_dim)``."""
        # TODO: index the rows of self.weight; do not call F.embedding.
        raise NotImplementedError("cs336-04: forward is not written yet")


if __name__ == "__main__":
    torch.manual_seed(0)
    layer = Linear(3, 2)
    print(layer.weight, layer(torch.ones(4, 3)).shape)
    emb = Embedding(10, 4)
    print(emb(torch.tensor([[1, 2, 2]])).shape)
