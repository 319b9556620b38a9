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
    # BEGIN SOLUTION
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share the feature size d: q {tuple(q.shape)}, k {tuple(k.shape)}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same number of keys Lk: k {tuple(k.shape)}, v {tuple(v.shape)}")
    if mask is not None and mask.dtype != torch.bool:
        raise ValueError(f"mask must be a bool tensor (True = attend), got {mask.dtype}")
    lq, lk = q.shape[-2], k.shape[-2]
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., Lq, Lk)

    keep = torch.ones(lq, lk, dtype=torch.bool, device=q.device)  # (Lq, Lk)
    if causal:
        keep = keep.tril()  # key j <= query i
    if mask is not None:
        keep = keep & mask  # broadcasts to (..., Lq, Lk)
    scores = scores.masked_fill(~keep, float("-inf"))

    row_max = scores.amax(dim=-1, keepdim=True)  # (..., Lq, 1); -inf for a fully masked row
    row_max = torch.where(torch.isfinite(row_max), row_max, torch.zeros_like(row_max)).detach()
    e = torch.exp(scores - row_max)  # masked entries: exp(-inf) = 0
    total = e.sum(dim=-1, keepdim=True)  # (..., Lq, 1); 0 for a fully masked row
    weights = e / torch.where(total > 0, total, torch.ones_like(total))  # (..., Lq, Lk)
    return weights @ v, weights  # (..., Lq, dv), (..., Lq, Lk)
    # END SOLUTION


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
    # BEGIN SOLUTION
    if weights.dim() != 2 or weights.shape[0] != weights.shape[1]:
        raise ValueError(f"weights must be a square (n, n) matrix, got shape {tuple(weights.shape)}")
    n = weights.shape[0]
    if len(tokens) != n:
        raise ValueError(f"got {len(tokens)} tokens for a {n}x{n} weight matrix")
    width, height = size
    if width < 50 or height < 50:
        raise ValueError(f"size must be at least (50, 50) pixels, got {size}")
    from matplotlib.figure import Figure  # the object API: no pyplot, no open windows, nothing to leak

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    ax = fig.add_subplot()
    image = ax.imshow(weights.detach().float().cpu().numpy(), cmap="viridis", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(n), labels=tokens, rotation=90)
    ax.set_yticks(range(n), labels=tokens)
    ax.set_xlabel("key")
    ax.set_ylabel("query")
    if title:
        ax.set_title(title)
    fig.colorbar(image, ax=ax)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")  # e.g. CJK tokens, drawn as boxes
        fig.savefig(path, dpi=100, format="png")
    return path
    # END SOLUTION


if __name__ == "__main__":
    q = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    out, w = scaled_dot_product_attention(q, q, torch.eye(2), causal=True)
    print(w)
    print(attention_heatmap(w, ["hello", "world"], "/tmp/attn.png"))
