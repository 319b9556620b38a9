"""cs336-08: a numerically stable softmax and scaled dot-product attention.

- ``softmax(x, dim)``: subtracts the maximum along ``dim`` before ``exp``,
  so logits of 1e4 do not overflow;
- ``scaled_dot_product_attention(Q, K, V, mask)``: ``softmax(Q K^T / sqrt(d_k)) V``
  with a boolean mask (True = may attend) and any leading batch dimensions.

In scope: the two functions. Out of scope: multiple heads and projections
(the next component), fused kernels (FlashAttention-2 comes later), dropout.

Run the demo: .venv/bin/python -m cs336.attention
"""

from __future__ import annotations

import math

import torch


def softmax(x: torch.Tensor, dim: int) -> torch.Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed as ``exp(x - max)`` for stability.

    Same shape and dtype as ``x``; ``dim`` may be negative. Entries of ``-inf``
    get probability 0 (as long as the slice has one finite entry).

    Example:
        >>> softmax(torch.tensor([1e4, 1e4 + 1.0]), dim=0)
        tensor([0.2689, 0.7311])

    Edge cases the tests try: logits of 1e4 in float32, a single element,
    negative ``dim``, ``-inf`` entries, 3-D input reduced over each dimension,
    float64, gradients.
    """
    # TODO: subtract x.amax(dim, keepdim=True), exp, divide by the sum along dim.
    # Do not call torch.softmax, F.softmax or Tensor.softmax.
    # BEGIN SOLUTION
    # softmax(x - c) == softmax(x) for any c constant along dim, so the max needs no gradient:
    # detaching it saves autograd a pass through amax's backward.
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    e = torch.exp(shifted)
    return e / e.sum(dim=dim, keepdim=True)
    # END SOLUTION


def scaled_dot_product_attention(
    Q: torch.Tensor,
    K: torch.Tensor,
    V: torch.Tensor,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """``softmax(Q K^T / sqrt(d_k), dim=-1) V`` with an optional boolean mask.

    Shapes (``...``: any leading batch dimensions, the same for all three)::

        Q: (..., queries, d_k)   K: (..., keys, d_k)   V: (..., keys, d_v)
        mask: (..., queries, keys) bool, or broadcastable to it
        returns (..., queries, d_v)

    ``mask[i, j]`` True means query ``i`` may attend to key ``j``; a False
    entry's score becomes ``-inf`` before the softmax, so its weight is 0.
    Every query must be allowed at least one key (a fully masked row is
    outside the contract).

    Example:
        >>> Q = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> causal = torch.tensor([[True, False], [True, True]])
        >>> scaled_dot_product_attention(Q, Q, torch.eye(2), mask=causal)
        tensor([[1.0000, 0.0000],
                [0.3302, 0.6698]])

    Edge cases the tests try: no batch dimension, two batch dimensions,
    ``queries != keys``, one query, ``d_v != d_k``, a causal mask, a random
    mask, scores of order 1e4 in float32, float64, gradients of Q, K, V.
    """
    # TODO: scores = Q @ K.transpose(-2, -1) / sqrt(d_k); masked_fill(~mask, -inf); your softmax
    # over the keys; multiply by V. Do not call F.scaled_dot_product_attention or a built-in softmax.
    # BEGIN SOLUTION
    d_k = Q.shape[-1]
    scores = (Q / math.sqrt(d_k)) @ K.transpose(-2, -1)  # (..., queries, keys); scaling Q is cheaper than the scores
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return softmax(scores, dim=-1) @ V  # (..., queries, d_v)
    # END SOLUTION


if __name__ == "__main__":
    print(softmax(torch.tensor([1e4, 1e4 + 1.0]), dim=0))
    Q = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    print(scaled_dot_product_attention(Q, Q, torch.eye(2), mask=torch.tensor([[True, False], [True, True]])))
