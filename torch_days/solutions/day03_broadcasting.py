"""Day 3: broadcasting — the rule, the keepdim habit and the silent (N,) vs (N, 1) bug.

Four functions:

- ``broadcast_shape``: the broadcasting rule itself, on plain shapes;
- ``normalize_rows``: divide each row by its L2 norm (``keepdim=True`` at work);
- ``pairwise_l2``: all pairwise distances between two point sets, by
  broadcasting ``(N, 1, D)`` against ``(1, M, D)``;
- ``mse_loss_safe``: a mean squared error that refuses to broadcast
  ``pred`` and ``target`` of different shapes.

In scope: the broadcasting rule, ``keepdim``, ``None``/``unsqueeze`` to add
axes, reductions. Out of scope: memory-efficient distance tricks (mentioned in
the lesson), ``expand`` in depth.

Run the demo: .venv/bin/python -m torch_days.day03_broadcasting
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def broadcast_shape(*shapes: Sequence[int]) -> tuple[int, ...]:
    """The shape that broadcasting ``shapes`` together produces.

    The rule: align the shapes on the right (pad the shorter ones with 1s on
    the left); in each position the sizes must be equal, or one of them must
    be 1, which stretches to the other. A size 0 is an ordinary size: it
    matches 0 or 1 (and the result is 0), nothing else.

    Args:
        *shapes: zero or more shapes, each a tuple, list or ``torch.Size`` of
            non-negative ints.

    Returns:
        the broadcast shape as a tuple of ints (``()`` for no shapes or only
        0-d shapes).

    Raises:
        TypeError: a shape is not a sequence of ints (``True`` is rejected).
        ValueError: a size is negative, or two sizes in one position are
            different and neither is 1; the message names both sizes and the
            position (counted from the right, like ``dim -1``).

    Example:
        >>> broadcast_shape((8, 1, 6, 1), (7, 1, 5))
        (8, 7, 6, 5)
        >>> broadcast_shape((5,), (5, 1))
        (5, 5)
        >>> broadcast_shape((2, 3), (4,))
        Traceback (most recent call last):
        ...
        ValueError: cannot broadcast size 3 with size 4 at dim -1

    Edge cases the tests try: no shapes, ``()``, three or more shapes, zeros,
    ``torch.Size`` and lists, incompatible shapes (Hypothesis), negative sizes,
    non-int sizes; ``torch.broadcast_shapes`` and NumPy's broadcasting helpers
    are unavailable during the tests.
    """
    # TODO: walk the positions from the right. Do not call
    # torch.broadcast_shapes, torch.broadcast_tensors, np.broadcast_shapes or
    # np.broadcast: the point is to write the rule yourself.
    # BEGIN SOLUTION
    for shape in shapes:
        if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence):
            raise TypeError(f"a shape must be a sequence of ints, got {type(shape).__name__} {shape!r}")
        for size in shape:
            if isinstance(size, bool) or not isinstance(size, int):
                raise TypeError(f"sizes must be ints, got {type(size).__name__} {size!r} in {shape!r}")
            if size < 0:
                raise ValueError(f"sizes must be >= 0, got {size} in {tuple(shape)!r}")

    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for i, size in enumerate(reversed(shape), start=1):  # i-th position from the right
            have = result[-i]
            if have == 1:
                result[-i] = size
            elif size != 1 and size != have:
                raise ValueError(f"cannot broadcast size {have} with size {size} at dim {-i}")
    return tuple(result)
    # END SOLUTION


def normalize_rows(x: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """Scale each row (the last dim) of ``x`` to unit L2 norm.

    ``out[..., i, :] = x[..., i, :] / max(||x[..., i, :]||_2, eps)``, so a
    row of zeros stays zeros instead of becoming NaN. Same definition as
    ``F.normalize(x, p=2, dim=-1, eps=eps)``.

    Args:
        x: ``(*, D)`` floating-point tensor; any leading dims.
        eps: the smallest norm divided by, ``> 0``.

    Returns:
        ``(*, D)``, same dtype and device; differentiable.

    Raises:
        TypeError: ``x`` is not floating point (normalizing integers makes no sense).

    Example:
        >>> normalize_rows(torch.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor([[0.6000, 0.8000],
                [0.0000, 0.0000]])

    Edge cases the tests try: a square matrix (where a missing ``keepdim``
    still broadcasts, silently wrong), a row of zeros, one column, leading
    batch dims, empty tensors, float64, gradients, an int tensor.
    """
    # TODO: the norm over dim=-1 with keepdim=True, clamp it from below with
    # eps, divide. Do not call F.normalize.
    # BEGIN SOLUTION
    if not x.is_floating_point():
        raise TypeError(f"normalize_rows needs a floating-point tensor, got {x.dtype}")
    norms = x.norm(dim=-1, keepdim=True)  # (*, 1): broadcasts over the row
    return x / norms.clamp_min(eps)  # (*, D)
    # END SOLUTION


def pairwise_l2(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Euclidean distances between every point of ``x`` and every point of ``y``.

    ``out[..., i, j] = ||x[..., i, :] - y[..., j, :]||_2``, the same as
    ``torch.cdist(x, y)``. The leading dims of ``x`` and ``y`` broadcast.

    Args:
        x: ``(*, N, D)`` points.
        y: ``(*, M, D)`` points, same ``D``.

    Returns:
        ``(*, N, M)`` distances, dtype of ``x - y``; differentiable where the
        distance is not zero.

    Raises:
        ValueError: ``x`` or ``y`` has fewer than 2 dims, or their ``D`` differ.

    Example:
        >>> pairwise_l2(torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[3.0, 4.0]]))
        tensor([[5.0000],
                [3.6056]])

    Edge cases the tests try: ``N == 1``, ``M == 1``, ``N == 0``, ``D == 1``,
    batch dims that broadcast (``(2, 1, N, D)`` with ``(3, M, D)``), identical
    points (distance exactly 0), float64, gradients, a ``D`` mismatch;
    ``torch.cdist`` is unavailable during the tests.
    """
    # TODO: insert axes so that x becomes (*, N, 1, D) and y (*, 1, M, D),
    # subtract, square, sum over D, square root. Do not call torch.cdist.
    # BEGIN SOLUTION
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(f"x and y must be (*, N, D) and (*, M, D), got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"x and y must have the same D, got {x.shape[-1]} and {y.shape[-1]}")
    diff = x.unsqueeze(-2) - y.unsqueeze(-3)  # (*, N, 1, D) - (*, 1, M, D) -> (*, N, M, D)
    return diff.pow(2).sum(dim=-1).sqrt()  # (*, N, M)
    # END SOLUTION


def mse_loss_safe(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error that refuses mismatched shapes instead of broadcasting.

    ``mean((pred - target) ** 2)`` over every element, a 0-d tensor, but only
    when ``pred.shape == target.shape``. The classic bug: ``pred`` of shape
    ``(N, 1)`` from a Linear layer and ``target`` of shape ``(N,)`` broadcast
    to ``(N, N)``, and the loss quietly averages ``N * N`` wrong differences.

    Args:
        pred: any shape, floating point.
        target: the same shape as ``pred``.

    Returns:
        a 0-d tensor, the mean (NaN for empty inputs, like ``F.mse_loss``);
        dtype of ``pred - target``; differentiable.

    Raises:
        ValueError: the shapes differ, even when they would broadcast. The
            message names both shapes and suggests ``squeeze(-1)`` or
            ``unsqueeze(-1)``.

    Example:
        >>> mse_loss_safe(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
        tensor(2.)
        >>> mse_loss_safe(torch.zeros(3, 1), torch.zeros(3))
        Traceback (most recent call last):
        ...
        ValueError: pred has shape (3, 1) but target has shape (3,): they would broadcast to (3, 3); use squeeze(-1) or unsqueeze(-1) to match them

    Edge cases the tests try: ``(N, 1)`` vs ``(N,)`` both ways, ``(N,)`` vs
    ``(1,)``, 0-d vs ``(N,)``, 0-d inputs, empty inputs, leading batch dims,
    float64 with float32, gradients.
    """
    # TODO: compare the shapes first and raise ValueError with both shapes in
    # the message; only then compute the mean. Do not call F.mse_loss.
    # BEGIN SOLUTION
    if pred.shape != target.shape:
        try:
            joint = f"they would broadcast to {tuple(torch.broadcast_shapes(pred.shape, target.shape))}"
        except RuntimeError:
            joint = "they do not even broadcast"
        raise ValueError(
            f"pred has shape {tuple(pred.shape)} but target has shape {tuple(target.shape)}: {joint}; "
            "use squeeze(-1) or unsqueeze(-1) to match them"
        )
    return (pred - target).pow(2).mean()
    # END SOLUTION


if __name__ == "__main__":
    print(broadcast_shape((8, 1, 6, 1), (7, 1, 5)))
    print(normalize_rows(torch.tensor([[3.0, 4.0], [0.0, 0.0]])))
    print(pairwise_l2(torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[3.0, 4.0]])))
    try:
        mse_loss_safe(torch.zeros(3, 1), torch.zeros(3))
    except ValueError as err:
        print("ValueError:", err)
