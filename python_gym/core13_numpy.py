"""Core day 13: the NumPy you need to read model code -- axes, keepdims, broadcasting, views.

Four small functions that show up, in one form or another, in every
training script:

- ``standardize``: zero mean, unit variance along an axis (per feature over a
  batch, or per row like LayerNorm), with ``eps`` inside the square root;
- ``pairwise_sq_dists``: all squared Euclidean distances between two sets of
  points, by broadcasting ``(n, 1, d) - (1, m, d)``;
- ``to_channels_first``: images from ``(N, H, W, C)`` (NumPy, PIL, TensorFlow)
  to ``(N, C, H, W)`` (PyTorch) as a view, without copying;
- ``softmax``: numerically stable, along any axis.

All four are loop-free: a Python loop over elements is 10-100x slower than
the same work done by NumPy's compiled loops.

In scope: ``axis``/``keepdims``, broadcasting, ``transpose``/``moveaxis``,
dtypes (``float32`` stays ``float32``, integers become ``float64``). Out of
scope: ``einsum`` and the ``|a|^2 + |b|^2 - 2ab`` distance trick (both in
the lesson), and anything with torch.
"""

from __future__ import annotations

import numpy as np



def standardize(x: np.ndarray, axis: int = 0, eps: float = 1e-8) -> np.ndarray:
    """Return ``(x - mean) / sqrt(var + eps)``, with mean and variance taken along ``axis``.

    The variance is the population variance (``ddof=0``, divide by ``n``),
    as in BatchNorm and LayerNorm. ``eps`` keeps a constant slice finite: it
    becomes all zeros instead of ``nan``.

    For a batch ``x`` of shape ``(batch, features)``, ``axis=0`` standardises
    every feature (column) over the batch; ``axis=-1`` standardises every row.

    Args:
        x: an array of any shape with at least one dimension; ints and bools
            are converted to ``float64``, floating dtypes are kept
            (``float32`` in, ``float32`` out).
        axis: the axis to reduce over; negative values count from the end.
        eps: a non-negative number added to the variance.

    Returns:
        A new array of the same shape as ``x``; ``x`` is not modified.

    Raises:
        ValueError: if ``eps < 0``, ``axis`` is out of range, or ``x`` has
            length 0 along ``axis``.

    Example:
        >>> standardize(np.array([[1.0, 10.0], [3.0, 10.0]]), axis=0)
        array([[-1.,  0.],
               [ 1.,  0.]])

    Edge cases the tests try: a (100, 28) batch (per-column mean 0 and std 1),
    ``axis=1`` and ``axis=-1``, a 3-D array, a constant column, integer and
    float32 input, a single row, ``eps = 0`` on data with spread, negative
    ``eps``, an empty axis.
    """
    # TODO: x.mean(axis=axis, keepdims=True) and x.var(axis=axis, keepdims=True)
    # TODO: keep the reduced axis with length 1, so the result broadcasts
    # TODO: against x. No Python loops.
    raise NotImplementedError("core-13: standardize is not written yet")


def pairwise_sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the ``(n, m)`` matrix of squared distances ``sum_k (a[i, k] - b[j, k]) ** 2``.

    Computed by broadcasting the differences: ``a[:, None, :]`` has shape
    ``(n, 1, d)``, ``b[None, :, :]`` has shape ``(1, m, d)``, their difference
    ``(n, m, d)``. Because every entry is a sum of squares, the result is
    never negative, and ``pairwise_sq_dists(a, a)`` has an exactly-zero
    diagonal (the ``|a|^2 + |b|^2 - 2ab`` shortcut gives neither guarantee).

    Args:
        a: shape ``(n, d)``; ``n`` may be 0.
        b: shape ``(m, d)``, the same ``d``; ``m`` may be 0.

    Returns:
        A ``float64`` (or ``float32`` if both inputs are ``float32``) array of
        shape ``(n, m)``.

    Raises:
        ValueError: if ``a`` or ``b`` is not 2-D, or their ``d`` differ.

    Example:
        >>> pairwise_sq_dists(np.array([[0, 0], [1, 1]]), np.array([[1, 0]]))
        array([[1.],
               [1.]])

    Edge cases the tests try: ``n = 0``, ``m = 0``, ``d = 1``, a set against
    itself, integer inputs, random inputs against a triple loop, 1-D or 3-D
    inputs, mismatched ``d``.
    """
    # TODO: add axes with None (or np.newaxis) so the shapes broadcast to
    # TODO: (n, m, d), square, sum over the last axis. No Python loops.
    raise NotImplementedError("core-13: pairwise_sq_dists is not written yet")


def to_channels_first(x: np.ndarray) -> np.ndarray:
    """Move the channel axis from last to before height and width, as a view.

    ``(N, H, W, C) -> (N, C, H, W)`` for a batch, ``(H, W, C) -> (C, H, W)``
    for one image: ``out[n, c, h, w] == x[n, h, w, c]``.

    The result is a *view*: it shares memory with ``x`` (only the strides
    change), so it is O(1) and writing to it writes to ``x``. Call
    ``np.ascontiguousarray`` on it if you need a compact copy.

    Args:
        x: a 3-D or 4-D array of any dtype.

    Returns:
        A view of ``x`` with the axes reordered; dtype unchanged.

    Raises:
        ValueError: if ``x`` is not 3-D or 4-D.

    Example:
        >>> to_channels_first(np.zeros((8, 32, 32, 3))).shape
        (8, 3, 32, 32)

    Edge cases the tests try: 3-D and 4-D input, ``C = 1``, non-square images,
    memory sharing, 2-D and 5-D input.
    """
    # TODO: np.transpose with an explicit axes order, or np.moveaxis; no copy.
    raise NotImplementedError("core-13: to_channels_first is not written yet")


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Return ``exp(x) / sum(exp(x))`` along ``axis``, computed without overflow.

    Subtracting the maximum along ``axis`` first does not change the result
    (the factor ``exp(-max)`` cancels) and keeps every exponent ``<= 0``, so
    ``softmax([1000, 1000])`` is ``[0.5, 0.5]`` instead of ``nan``.

    Args:
        x: an array with at least one dimension; ints become ``float64``,
            floating dtypes are kept.
        axis: the axis that sums to 1.

    Returns:
        A new array of the same shape; every slice along ``axis`` is
        non-negative and sums to 1.

    Example:
        >>> softmax(np.array([0.0, np.log(3.0)]))
        array([0.25, 0.75])

    Edge cases the tests try: huge and very negative values, ``-inf``
    entries, one element along ``axis``, ``axis=0`` on a matrix, integers,
    float32, shift invariance (Hypothesis), a 3-D array.
    """
    # TODO: m = x.max(axis=axis, keepdims=True); e = np.exp(x - m); divide by
    # TODO: e.sum(axis=axis, keepdims=True).
    raise NotImplementedError("core-13: softmax is not written yet")


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    batch = rng.normal(5.0, 3.0, size=(100, 28))
    z = standardize(batch)
    print(z.shape, np.abs(z.mean(axis=0)).max(), z.std(axis=0).min(), z.std(axis=0).max())
    print(pairwise_sq_dists(np.array([[0, 0], [1, 1]]), np.array([[1, 0]])))
    print(to_channels_first(np.zeros((8, 32, 32, 3))).shape, softmax(np.array([1000.0, 1000.0])))
