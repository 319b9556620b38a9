"""Day 23: self-attention from Q, K and V, and a picture of where it looks.

- ``scaled_dot_product_attention``: ``softmax(q k^T / sqrt(d) + mask) v`` written
  out by hand — a numerically stable softmax, boolean and causal masks, any
  number of leading batch dimensions — returning the output *and* the
  attention weights (``F.scaled_dot_product_attention`` returns only the
  output);
- ``attention_heatmap``: those weights as a PNG, one row per query token.

In scope: the formula, masking conventions, the fully-masked-row case,
stability in float32, plotting with matplotlib's Agg backend. Out of scope:
multiple heads and projections (Day 24), fused kernels (FlashAttention is a
cs336 topic), dropout on the weights.

Run the demo: .venv/bin/python -m torch_days.day23_attention
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import torch


def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: torch.Tensor | None = None,
    causal: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention of each query over all keys: ``softmax(q k^T / sqrt(d) + masks) v``.

    Shapes (``...`` is any number of leading batch dimensions, the same for
    ``q``, ``k`` and ``v``, including none)::

        q: (..., Lq, d)      k: (..., Lk, d)      v: (..., Lk, dv)
        mask: broadcastable to (..., Lq, Lk), dtype bool
        returns output (..., Lq, dv) and weights (..., Lq, Lk)

    Masks follow ``F.scaled_dot_product_attention``'s boolean convention:
    ``mask[i, j]`` True means query ``i`` *may* attend to key ``j``; a masked
    score is ``-inf`` before the softmax, so its weight is exactly 0.
    ``causal=True`` additionally lets query ``i`` see only keys ``j <= i``
    (the top-left aligned lower triangle, as ``is_causal=True`` does, also
    when ``Lq != Lk``). Both may be given; a key must pass both.

    The softmax subtracts each row's maximum before ``exp`` so that large
    scores do not overflow in float32.

    Contract for a fully masked row (a query that may see no key at all):
    its weights are all 0 and its output is all 0 — never NaN — and no
    gradient flows through it. (``F.scaled_dot_product_attention`` does the
    same.)

    Args:
        q, k, v: floating tensors of one dtype, shapes as above.
        mask: an optional bool tensor; True = keep.
        causal: apply the causal (lower-triangular) mask.

    Returns:
        ``(output, weights)``; each row of ``weights`` sums to 1, or to 0 if
        the row is fully masked.

    Raises:
        ValueError: ``q`` and ``k`` differ in ``d``, ``k`` and ``v`` differ in
            ``Lk``, or ``mask`` is not a bool tensor.

    Example:
        >>> q = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> out, w = scaled_dot_product_attention(q, q, torch.eye(2), causal=True)
        >>> w
        tensor([[1.0000, 0.0000],
                [0.3302, 0.6698]])

    Edge cases the tests try: no batch dimension, two batch dimensions,
    ``Lq != Lk`` (also with ``causal``), ``Lq = 1``, a padding mask of shape
    ``(batch, 1, 1, Lk)``, a fully masked row, scores of 1e4 in float32,
    float32 and float64, gradients of ``q``, ``k``, ``v``.
    """
    # TODO: scores = q @ k^T / sqrt(d); combine `mask` and the causal
    # triangle into one boolean `keep`; masked_fill the rest with -inf; write
    # the softmax yourself (subtract the row max; a row that is all -inf must
    # give weights 0, not NaN). Do not call F.scaled_dot_product_attention,
    # torch.softmax, F.softmax or Tensor.softmax.
    raise NotImplementedError("torch-23: scaled_dot_product_attention is not written yet")


def attention_heatmap(
    weights: torch.Tensor,
    tokens: list[str],
    path: str | Path,
    *,
    size: tuple[int, int] = (480, 480),
    title: str = "",
) -> Path:
    """Save a self-attention weight matrix as a PNG heat map.

    Row ``i`` is query token ``tokens[i]``, column ``j`` key token
    ``tokens[j]``; both axes are labelled with the tokens. The image is
    exactly ``size = (width, height)`` pixels: a figure of
    ``figsize=(width / 100, height / 100)`` inches saved at ``dpi=100``
    (do not pass ``bbox_inches="tight"``, which changes the size). Use the
    Agg backend (no window), and close the figure so that repeated calls do
    not leak memory. Parent folders are created when missing.

    Args:
        weights: ``(n, n)`` weights of one head, on any device, may require grad.
        tokens: ``n`` labels (any Unicode; glyphs the font lacks may render as boxes).
        path: where to write the PNG.
        size: ``(width, height)`` in pixels, each ``>= 50``.
        title: an optional title above the plot.

    Returns:
        ``Path(path)``.

    Raises:
        ValueError: ``weights`` is not square and 2-D, ``len(tokens)`` is not
            ``n``, or a size is below 50.

    Example:
        >>> w = torch.tensor([[1.0, 0.0], [0.4, 0.6]])
        >>> attention_heatmap(w, ["hello", "world"], "/tmp/attn.png")
        PosixPath('/tmp/attn.png')

    Edge cases the tests try: a 1x1 matrix, weights that require grad, a
    non-default size, a missing parent folder, Unicode tokens, a wrong
    number of tokens, a non-square matrix, no figure left open afterwards.
    """
    # TODO: matplotlib.figure.Figure(figsize=..., dpi=100) needs no pyplot and
    # no global state; ax.imshow(weights.detach().cpu().numpy()), set the tick
    # labels, fig.savefig(path, dpi=100). If you use pyplot, call
    # matplotlib.use("Agg") first and plt.close(fig) at the end.
    raise NotImplementedError("torch-23: attention_heatmap is not written yet")


if __name__ == "__main__":
    q = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    out, w = scaled_dot_product_attention(q, q, torch.eye(2), causal=True)
    print(w)
    print(attention_heatmap(w, ["hello", "world"], "/tmp/attn.png"))
