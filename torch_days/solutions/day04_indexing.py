"""Day 4: advanced indexing and masks — gather, scatter, boolean masks, masked_fill.

Four functions that every language-model training loop contains in some form:

- ``pick_logprobs``: the log-probability of each target token, read out of
  ``(*, C)`` logits with ``gather`` (the heart of cross-entropy);
- ``one_hot_scatter``: one-hot vectors written with ``scatter_``;
- ``mask_padding``: attention scores with the padded key positions set to
  ``-inf``, from a per-sequence length;
- ``topk_mask``: a boolean mask of the ``k`` largest entries along a dim.

In scope: ``gather``, ``scatter``/``scatter_``, boolean masks, ``masked_fill``,
``torch.where``, ``topk``, integer-index dtypes. Out of scope: attention
itself, sparse tensors, ``index_put_`` with accumulation.

Run the demo: .venv/bin/python -m torch_days.day04_indexing
"""

from __future__ import annotations

import torch


def pick_logprobs(logits: torch.Tensor, targets: torch.Tensor, *, ignore_index: int = -100) -> torch.Tensor:
    """The log-probability the model gives to each target class.

    ``out[...] = log_softmax(logits, dim=-1)[..., targets[...]]``, so
    ``-out.mean()`` is the cross-entropy loss. Positions whose target equals
    ``ignore_index`` (padding) get ``0.0`` and pass no gradient, like
    ``F.cross_entropy(..., ignore_index=..., reduction="none")``.

    Computed stably: logits in the thousands must not turn into ``-inf`` or NaN.

    Args:
        logits: ``(*, C)`` floating point, ``C >= 1``; any leading dims.
        targets: ``(*)`` integer class indices in ``[0, C)`` or ``ignore_index``,
            with ``targets.shape == logits.shape[:-1]``.
        ignore_index: the target value that marks a position to skip.

    Returns:
        ``(*)`` log-probabilities (``<= 0``), dtype of ``logits``; differentiable
        with respect to ``logits``.

    Raises:
        TypeError: ``targets`` is not an integer tensor (float or bool).
        ValueError: the shapes do not match, or a target is outside ``[0, C)``
            and is not ``ignore_index``.

    Example:
        >>> logits = torch.tensor([[0.0, 0.0], [2.0, 0.0]])
        >>> pick_logprobs(logits, torch.tensor([1, 0]))
        tensor([-0.6931, -0.1269])

    Edge cases the tests try: ``(B, T, C)`` logits, one class, one position,
    an empty batch, ``ignore_index`` positions (including a custom value),
    int32 targets, logits around ``+-1000``, gradients, out-of-range targets,
    float targets, a shape mismatch.
    """
    # TODO: log_softmax over the last dim, then gather along it with the
    # targets as an index of shape (*, 1). gather needs an int64 index that is
    # valid everywhere: replace ignored targets by 0 before gathering, then
    # zero those positions with torch.where or masked_fill. Do not call
    # F.cross_entropy or F.nll_loss.
    # BEGIN SOLUTION
    if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(f"targets must be an integer tensor, got {targets.dtype}")
    if logits.ndim < 1 or targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets must have shape logits.shape[:-1]; got logits {tuple(logits.shape)}, targets {tuple(targets.shape)}")
    num_classes = logits.shape[-1]
    ignored = targets == ignore_index  # (*) bool
    bad = ~ignored & ((targets < 0) | (targets >= num_classes))
    if bool(bad.any()):
        raise ValueError(f"targets must be in [0, {num_classes}) or ignore_index={ignore_index}, got {targets[bad].tolist()[:5]}")

    logprobs = torch.log_softmax(logits, dim=-1)  # (*, C), stable
    index = targets.masked_fill(ignored, 0).long().unsqueeze(-1)  # (*, 1): valid everywhere
    picked = logprobs.gather(-1, index).squeeze(-1)  # (*)
    return picked.masked_fill(ignored, 0.0)
    # END SOLUTION


def one_hot_scatter(indices: torch.Tensor, num_classes: int, *, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """One-hot vectors: ``out[..., c] = 1`` where ``c == indices[...]``, else ``0``.

    Same values as ``F.one_hot(indices, num_classes).to(dtype)``, built with
    ``scatter_`` on a zero tensor.

    Args:
        indices: ``(*)`` integer tensor with values in ``[0, num_classes)``.
        num_classes: the length of each one-hot vector, an int ``>= 1``.
        dtype: the result's dtype (float by default, ready for a matmul).

    Returns:
        ``(*, num_classes)`` on ``indices.device``.

    Raises:
        TypeError: ``indices`` is not an integer tensor, or ``num_classes`` is not an int.
        ValueError: ``num_classes < 1``, or an index is outside ``[0, num_classes)``.

    Example:
        >>> one_hot_scatter(torch.tensor([2, 0]), 3)
        tensor([[0., 0., 1.],
                [1., 0., 0.]])

    Edge cases the tests try: a 0-d index, ``(B, T)`` indices, an empty
    tensor, ``num_classes == 1``, repeated indices, int32 indices,
    ``dtype=torch.int64`` and ``torch.bool``, negative and too-large indices;
    ``F.one_hot`` is unavailable during the tests.
    """
    # TODO: make torch.zeros(*indices.shape, num_classes) with the right dtype
    # and device, then scatter_ ones along the last dim at indices.unsqueeze(-1)
    # (an int64 index). Do not call F.one_hot.
    # BEGIN SOLUTION
    if indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool:
        raise TypeError(f"indices must be an integer tensor, got {indices.dtype}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int):
        raise TypeError(f"num_classes must be an int, got {type(num_classes).__name__}")
    if num_classes < 1:
        raise ValueError(f"num_classes must be >= 1, got {num_classes}")
    if bool(((indices < 0) | (indices >= num_classes)).any()):
        raise ValueError(f"indices must be in [0, {num_classes}), got min {indices.min().item()} max {indices.max().item()}")
    out = torch.zeros(*indices.shape, num_classes, dtype=dtype, device=indices.device)  # (*, C)
    return out.scatter_(-1, indices.long().unsqueeze(-1), 1)  # out[..., indices[...]] = 1
    # END SOLUTION


def mask_padding(scores: torch.Tensor, lengths: torch.Tensor, *, value: float = float("-inf")) -> torch.Tensor:
    """Fill the padded key positions of attention scores with ``value``.

    Sequence ``b`` has ``lengths[b]`` real tokens followed by padding, so
    ``out[b, ..., t] = value`` for every ``t >= lengths[b]``, and
    ``out[b, ..., t] = scores[b, ..., t]`` otherwise. After a softmax over the
    last dim, padded positions get probability 0. ``scores`` is not modified.

    Args:
        scores: ``(B, *, T)``, e.g. ``(B, T)`` or ``(B, H, T_query, T)``;
            floating point.
        lengths: ``(B,)`` integer lengths in ``[0, T]``, on the same device.
        value: the fill value (``-inf`` by default).

    Returns:
        a new tensor like ``scores``; differentiable (padded positions get
        zero gradient).

    Raises:
        TypeError: ``lengths`` is not an integer tensor.
        ValueError: ``lengths`` is not ``(B,)``, or a length is outside ``[0, T]``.

    Example:
        >>> mask_padding(torch.zeros(2, 3), torch.tensor([1, 3]))
        tensor([[0., -inf, -inf],
                [0., 0., 0.]])

    Edge cases the tests try: ``(B, T)`` and ``(B, H, Tq, T)`` scores, a length
    of 0 and of T, ``B == 1``, an empty batch, a custom ``value``, the input
    left unchanged, softmax zeros, gradients, bad lengths.
    """
    # TODO: build a (B, T) boolean mask from torch.arange(T) and lengths with
    # broadcasting (no Python loop over the batch), reshape it to
    # (B, 1, ..., 1, T) so it broadcasts against scores, then masked_fill
    # (not the in-place masked_fill_).
    # BEGIN SOLUTION
    if lengths.is_floating_point() or lengths.is_complex() or lengths.dtype == torch.bool:
        raise TypeError(f"lengths must be an integer tensor, got {lengths.dtype}")
    if scores.ndim < 2 or lengths.shape != scores.shape[:1]:
        raise ValueError(f"scores must be (B, *, T) and lengths (B,); got {tuple(scores.shape)} and {tuple(lengths.shape)}")
    T = scores.shape[-1]
    if bool(((lengths < 0) | (lengths > T)).any()):
        raise ValueError(f"lengths must be in [0, {T}], got {lengths.tolist()}")
    positions = torch.arange(T, device=scores.device)  # (T,)
    padded = positions >= lengths.unsqueeze(-1)  # (T,) vs (B, 1) -> (B, T)
    padded = padded.view(scores.shape[0], *([1] * (scores.ndim - 2)), T)  # (B, 1, ..., 1, T)
    return scores.masked_fill(padded, value)
    # END SOLUTION


def topk_mask(x: torch.Tensor, k: int, dim: int = -1) -> torch.Tensor:
    """A boolean mask that is ``True`` at the ``k`` largest entries along ``dim``.

    Every slice along ``dim`` has exactly ``k`` ``True`` entries, and each
    selected value is ``>=`` every unselected value of its slice. With ties at
    the boundary, any choice among the tied entries is accepted.

    Args:
        x: any real tensor with at least one dim.
        k: how many entries to keep per slice, ``0 <= k <= x.shape[dim]``.
        dim: the dim to rank along (negative counts from the end).

    Returns:
        a ``torch.bool`` tensor of ``x``'s shape, on ``x``'s device.

    Raises:
        TypeError: ``k`` is not an int.
        ValueError: ``k`` is negative or larger than ``x.shape[dim]``.

    Example:
        >>> topk_mask(torch.tensor([[1.0, 5.0, 3.0], [9.0, 2.0, 4.0]]), 2)
        tensor([[False,  True,  True],
                [ True, False,  True]])

    Edge cases the tests try: ``k == 0`` and ``k == size``, ``dim=0`` and a
    middle dim, ties, integer tensors, negative values, a 1-d tensor, an
    empty batch, bad ``k``.
    """
    # TODO: torch.topk gives the indices of the k largest along dim; scatter
    # True into a zero boolean tensor at those indices.
    # BEGIN SOLUTION
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    size = x.shape[dim]
    if not 0 <= k <= size:
        raise ValueError(f"k must be in [0, {size}] for dim {dim} of shape {tuple(x.shape)}, got {k}")
    index = x.topk(k, dim=dim).indices  # (..., k, ...) along dim
    mask = torch.zeros(x.shape, dtype=torch.bool, device=x.device)
    return mask.scatter_(dim, index, True)
    # END SOLUTION


if __name__ == "__main__":
    print(pick_logprobs(torch.tensor([[0.0, 0.0], [2.0, 0.0]]), torch.tensor([1, 0])))
    print(one_hot_scatter(torch.tensor([2, 0]), 3))
    print(mask_padding(torch.zeros(2, 3), torch.tensor([1, 3])))
    print(topk_mask(torch.tensor([[1.0, 5.0, 3.0], [9.0, 2.0, 4.0]]), 2))
