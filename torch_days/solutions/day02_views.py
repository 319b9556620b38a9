"""Day 2: views, strides and reshaping — when torch copies and when it does not.

Four functions that move dimensions around without touching the values:

- ``to_patches``: images ``(B, C, H, W)`` cut into non-overlapping square
  patches ``(B, N, C*p*p)``, the first step of a Vision Transformer;
- ``split_heads`` / ``merge_heads``: ``(*, T, D) <-> (*, H, T, D/H)``, the
  reshuffle around multi-head attention;
- ``safe_flatten``: ``torch.flatten`` that also reports whether it had to copy,
  deciding from the shape and the strides.

In scope: ``view``/``reshape``/``permute``/``transpose``/``contiguous``,
strides, storage sharing. Out of scope: attention itself (a later day),
``F.unfold`` with overlapping windows, memory formats (``channels_last``).

Run the demo: .venv/bin/python -m torch_days.day02_views
"""

from __future__ import annotations

import torch


def to_patches(images: torch.Tensor, patch: int) -> torch.Tensor:
    """Cut ``(B, C, H, W)`` images into ``(B, N, C*patch*patch)`` flattened patches.

    The image is split into a grid of ``H/patch`` rows by ``W/patch`` columns
    of non-overlapping ``patch x patch`` squares. Patch ``n = i * (W/patch) + j``
    is the square at grid row ``i``, column ``j`` (row-major, like reading a
    page). Inside a patch, the ``C*patch*patch`` features are ordered channel
    first, then row, then column: feature ``c*patch*patch + u*patch + v`` is
    ``images[b, c, i*patch + u, j*patch + v]``. This is the order
    ``F.unfold(images, patch, stride=patch).transpose(1, 2)`` uses.

    Args:
        images: ``(B, C, H, W)``, any dtype, contiguous or not.
        patch: the side of a square patch, an int ``>= 1`` dividing both H and W.

    Returns:
        ``(B, (H/patch) * (W/patch), C*patch*patch)``, same dtype and device;
        differentiable with respect to ``images``.

    Raises:
        TypeError: ``patch`` is not an int (``True`` and ``2.0`` are rejected).
        ValueError: ``images`` is not 4-D, ``patch < 1``, or ``patch`` does not
            divide H or W (the message names the sizes).

    Example:
        >>> x = torch.arange(16).reshape(1, 1, 4, 4)
        >>> to_patches(x, 2)
        tensor([[[ 0,  1,  4,  5],
                 [ 2,  3,  6,  7],
                 [ 8,  9, 12, 13],
                 [10, 11, 14, 15]]])

    Edge cases the tests try: ``patch == 1`` and ``patch == H == W`` (one
    patch), non-square images, an empty batch, integer images, a
    non-contiguous input (a transposed or sliced view), gradients, every
    available device, ``meta`` tensors of ViT size (shape only).
    """
    # TODO: one reshape that splits H into (H/p, p) and W into (W/p, p), one
    # permute that brings the grid dims forward and (C, p, p) to the back, one
    # final reshape. No Python loops over patches, no F.unfold.
    # BEGIN SOLUTION
    if isinstance(patch, bool) or not isinstance(patch, int):
        raise TypeError(f"patch must be an int, got {type(patch).__name__} {patch!r}")
    if images.ndim != 4:
        raise ValueError(f"images must be (B, C, H, W), got shape {tuple(images.shape)}")
    if patch < 1:
        raise ValueError(f"patch must be >= 1, got {patch}")
    B, C, H, W = images.shape
    if H % patch or W % patch:
        raise ValueError(f"patch {patch} must divide the image size, got H={H}, W={W}")
    gh, gw = H // patch, W // patch
    x = images.reshape(B, C, gh, patch, gw, patch)  # (B, C, gh, p, gw, p)
    x = x.permute(0, 2, 4, 1, 3, 5)  # (B, gh, gw, C, p, p): a view with shuffled strides
    return x.reshape(B, gh * gw, C * patch * patch)  # (B, N, C*p*p): copies, the dims no longer merge
    # END SOLUTION


def split_heads(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    """Split the last dim into heads: ``(*, T, D) -> (*, n_heads, T, D // n_heads)``.

    ``out[..., h, t, :] == x[..., t, h*hd:(h+1)*hd]`` with ``hd = D // n_heads``:
    head ``h`` owns the ``h``-th slice of every feature vector.

    The result is always a *view* of ``x`` (it shares ``x``'s storage and
    starts at the same address): splitting one dimension into two can always
    be expressed with strides, whatever the layout of ``x``. It is in general
    not contiguous.

    Args:
        x: ``(*, T, D)`` with at least 2 dims; any leading batch dims.
        n_heads: an int ``>= 1`` dividing ``D``.

    Returns:
        ``(*, n_heads, T, D // n_heads)``, a view of ``x``.

    Raises:
        TypeError: ``n_heads`` is not an int.
        ValueError: ``x`` has fewer than 2 dims, ``n_heads < 1``, or ``D`` is
            not a multiple of ``n_heads`` (the message names both).

    Example:
        >>> x = torch.arange(8).reshape(1, 2, 4)       # (B=1, T=2, D=4)
        >>> split_heads(x, 2)                          # (1, 2, 2, 2)
        tensor([[[[0, 1],
                  [4, 5]],
        <BLANKLINE>
                 [[2, 3],
                  [6, 7]]]])

    Edge cases the tests try: ``n_heads == 1`` and ``n_heads == D``, no batch
    dims and several batch dims, ``T == 1``, an empty batch, a non-contiguous
    ``x`` (still a view), ``data_ptr`` and storage sharing, bad head counts.
    """
    # TODO: split the last dim with .unflatten (or .view/.reshape) into
    # (n_heads, D // n_heads), then swap the T and head dims with .transpose.
    # Never call .contiguous(): the contract promises a view.
    # BEGIN SOLUTION
    if isinstance(n_heads, bool) or not isinstance(n_heads, int):
        raise TypeError(f"n_heads must be an int, got {type(n_heads).__name__} {n_heads!r}")
    if x.ndim < 2:
        raise ValueError(f"x must be (*, T, D) with at least 2 dims, got shape {tuple(x.shape)}")
    if n_heads < 1:
        raise ValueError(f"n_heads must be >= 1, got {n_heads}")
    D = x.shape[-1]
    if D % n_heads:
        raise ValueError(f"D={D} is not a multiple of n_heads={n_heads}")
    x = x.unflatten(-1, (n_heads, D // n_heads))  # (*, T, H, hd): splitting a dim is always a view
    return x.transpose(-3, -2)  # (*, H, T, hd): a view with swapped strides
    # END SOLUTION


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """Undo ``split_heads``: ``(*, H, T, hd) -> (*, T, H * hd)``, contiguous.

    ``out[..., t, h*hd:(h+1)*hd] == x[..., h, t, :]``, so
    ``merge_heads(split_heads(x, n))`` equals ``x`` for any ``n`` dividing D.

    The result is always contiguous (ready for ``.view`` or a Linear layer);
    it is a fresh copy whenever the heads cannot be merged in place.

    Args:
        x: ``(*, H, T, hd)`` with at least 3 dims.

    Returns:
        ``(*, T, H * hd)``, contiguous, same dtype and device.

    Raises:
        ValueError: ``x`` has fewer than 3 dims.

    Example:
        >>> heads = torch.tensor([[[[0, 1], [4, 5]], [[2, 3], [6, 7]]]])   # (1, 2, 2, 2)
        >>> merge_heads(heads)
        tensor([[[0, 1, 2, 3],
                 [4, 5, 6, 7]]])

    Edge cases the tests try: the round trip with ``split_heads``, ``H == 1``,
    ``T == 1``, leading batch dims, an empty batch, a non-contiguous input, the
    result is contiguous, gradients.
    """
    # TODO: transpose the head and time dims back, then merge the last two.
    # `.view` raises here (the transposed tensor is not contiguous): use
    # .reshape, or .contiguous() then .view.
    # BEGIN SOLUTION
    if x.ndim < 3:
        raise ValueError(f"x must be (*, H, T, hd) with at least 3 dims, got shape {tuple(x.shape)}")
    x = x.transpose(-3, -2)  # (*, T, H, hd)
    return x.contiguous().flatten(-2)  # (*, T, H*hd); .contiguous() is a no-op when already contiguous
    # END SOLUTION


def safe_flatten(x: torch.Tensor, start_dim: int = 0, end_dim: int = -1) -> tuple[torch.Tensor, bool]:
    """``torch.flatten(x, start_dim, end_dim)``, plus whether it had to copy.

    Returns ``(out, copied)``. ``out`` has the shape and values of
    ``torch.flatten(x, start_dim, end_dim)`` (a 0-d ``x`` becomes shape ``(1,)``).

    - ``copied is False``: ``out`` is a view of ``x``: same storage, same
      ``data_ptr()``. This must happen whenever a view is possible, that is
      whenever ``x.view(out.shape)`` would succeed.
    - ``copied is True``: no view is possible; ``out`` is a contiguous copy.

    The rule: dims ``start_dim..end_dim`` merge into one without a copy when,
    ignoring dims of size 1, each dim's stride equals the next dim's stride
    times the next dim's size. A tensor with no elements never needs a copy.

    Args:
        x: any tensor.
        start_dim, end_dim: the range to merge, inclusive; negative values
            count from the end (``-1`` is the last dim). For a 0-d tensor,
            ``0`` and ``-1`` are valid.

    Returns:
        ``(out, copied)``.

    Raises:
        ValueError: a dim is out of range, or ``start_dim`` comes after ``end_dim``.

    Example:
        >>> x = torch.arange(24).reshape(2, 3, 4)
        >>> out, copied = safe_flatten(x[::2], 1)       # slicing dim 0 leaves dims 1..2 mergeable
        >>> out.shape, copied
        (torch.Size([1, 12]), False)
        >>> out, copied = safe_flatten(x.transpose(1, 2), 1)
        >>> out.shape, copied
        (torch.Size([2, 12]), True)

    Edge cases the tests try: contiguous, transposed, sliced (``x[::2]``,
    ``x[:, ::2]``), expanded (stride 0) and arbitrary ``as_strided`` tensors
    (Hypothesis), size-1 dims with odd strides, empty tensors, 0-d tensors,
    ``start_dim == end_dim``, negative dims, bad dims.
    """
    # TODO: normalize the dims, then apply the stride rule to dims
    # start_dim..end_dim (or try x.view(...) and catch RuntimeError). Return a
    # view when you can; copy (reshape, or .contiguous().view) only when you must.
    # BEGIN SOLUTION
    ndim = max(x.ndim, 1)  # a 0-d tensor flattens like a 1-element 1-d tensor
    start, end = start_dim, end_dim
    for name, d in (("start_dim", start), ("end_dim", end)):
        if not -ndim <= d < ndim:
            raise ValueError(f"{name}={d} is out of range for a tensor with {x.ndim} dims")
    start, end = start % ndim, end % ndim
    if start > end:
        raise ValueError(f"start_dim ({start_dim}) comes after end_dim ({end_dim})")
    if x.ndim == 0:
        return x.view(1), False

    shape, stride = list(x.shape), list(x.stride())
    merged = 1
    for s in shape[start : end + 1]:
        merged *= s
    new_shape = shape[:start] + [merged] + shape[end + 1 :]
    if x.numel() == 0:
        return x.view(new_shape), False  # no elements: any strides will do

    kept = [d for d in range(start, end + 1) if shape[d] != 1]  # size-1 dims never block a merge
    mergeable = all(stride[a] == stride[b] * shape[b] for a, b in zip(kept, kept[1:]))
    if mergeable:
        return x.view(new_shape), False
    return x.contiguous().view(new_shape), True
    # END SOLUTION


if __name__ == "__main__":
    images = torch.arange(16).reshape(1, 1, 4, 4)
    print(to_patches(images, 2))
    x = torch.arange(8).reshape(1, 2, 4)
    heads = split_heads(x, 2)
    print(heads.shape, heads.stride(), heads.data_ptr() == x.data_ptr())
    print(merge_heads(heads))
    grid = torch.arange(24).reshape(2, 3, 4)
    print(safe_flatten(grid[::2], 1)[1], safe_flatten(grid.transpose(1, 2), 1)[1])
