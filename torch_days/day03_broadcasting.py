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
    raise NotImplementedError("torch-03: broadcast_shape is not written yet")


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
    raise NotImplementedError("torch-03: normalize_rows is not written yet")


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
    raise NotImplementedError("torch-03: pairwise_l2 is not written yet")


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
    raise NotImplementedError("torch-03: mse_loss_safe is not written yet")


if __name__ == "__main__":
    print(broadcast_shape((8, 1, 6, 1), (7, 1, 5)))
    print(normalize_rows(torch.tensor([[3.0, 4.0], [0.0, 0.0]])))
    print(pairwise_l2(torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[3.0, 4.0]])))
    try:
        mse_loss_safe(torch.zeros(3, 1), torch.zeros(3))
    except ValueError as err:
        print("ValueError:", err)
