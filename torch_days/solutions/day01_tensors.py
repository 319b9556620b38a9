"""Day 1: tensor basics — creation, dtypes, devices and the NumPy bridge.

Three functions a training script needs on its first day:

- ``make_grid_tensor``: a ``(rows, cols)`` tensor of evenly spaced values, made
  directly on the target device with the right default dtype;
- ``to_numpy_safe``: any tensor (on a GPU, requiring grad, bfloat16, a
  conjugate view) to a NumPy array that owns its memory;
- ``numpy_to_tensor``: a NumPy array to a tensor, either sharing its memory
  (zero-copy, CPU only) or as an independent copy on any device.

In scope: factory functions, dtype inference and casting, ``.to(device)``,
memory sharing between NumPy and torch. Out of scope: views and strides in
depth (a later day), autograd, pinned memory.

Run the demo: .venv/bin/python -m torch_days.day01_tensors
"""

from __future__ import annotations

import numpy as np
import torch


def make_grid_tensor(
    rows: int,
    cols: int,
    *,
    start: int | float = 0,
    step: int | float = 1,
    dtype: torch.dtype | None = None,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """A ``(rows, cols)`` tensor whose element ``[i, j]`` is ``start + step * (i * cols + j)``.

    The values run in row-major order, like counting across the rows of a grid.
    The tensor is created directly on ``device`` (not built on the CPU and
    copied over).

    dtype: if ``dtype`` is ``None``, follow torch's own inference for Python
    numbers: ``torch.int64`` when ``start`` and ``step`` are both ints,
    otherwise the current default float dtype (``torch.get_default_dtype()``,
    usually ``float32``). An explicit ``dtype`` is the dtype of the result.

    Args:
        rows, cols: the shape, each ``>= 0``.
        start: the value at ``[0, 0]``.
        step: the difference between neighbours in row-major order.
        dtype: the result's dtype, or ``None`` to infer it as above.
        device: where the tensor lives, e.g. ``"cpu"``, ``"cuda"``, ``torch.device("mps")``.

    Returns:
        a tensor of shape ``(rows, cols)``.

    Raises:
        TypeError: ``rows`` or ``cols`` is not an int (``2.0`` and ``True`` are rejected).
        ValueError: ``rows`` or ``cols`` is negative.

    Example:
        >>> make_grid_tensor(2, 3, start=1, step=2)
        tensor([[ 1,  3,  5],
                [ 7,  9, 11]])
        >>> make_grid_tensor(1, 3, start=1.0, step=0.1)
        tensor([[1.0000, 1.1000, 1.2000]])

    Edge cases the tests try: 0 rows or 0 cols, one element, int and float
    ``start``/``step`` (dtype inference), ``torch.set_default_dtype(torch.float64)``,
    explicit ``float16``/``float64``/``int32`` dtypes, a fractional step where
    ``torch.arange(start, end, step)`` gives one element too many, negative
    steps, bad shapes, every available device.
    """
    # TODO: build the flat index 0 .. rows*cols-1 with torch.arange on `device`,
    # scale and shift it, then reshape. Do not use a float step in torch.arange:
    # floating-point rounding can change the number of elements. Do not create
    # on the CPU and then call .to(device).
    # BEGIN SOLUTION
    for name, n in (("rows", rows), ("cols", cols)):
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"{name} must be an int, got {type(n).__name__} {n!r}")
        if n < 0:
            raise ValueError(f"{name} must be >= 0, got {n}")
    if dtype is None:
        both_int = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, step))
        dtype = torch.int64 if both_int else torch.get_default_dtype()

    index = torch.arange(rows * cols, device=device)  # (rows * cols,) int64: exact counting
    if dtype.is_floating_point or dtype.is_complex:
        # Scale in float64 and round once to `dtype` (MPS has no float64).
        wide = torch.float32 if index.device.type == "mps" else torch.float64
        values = index.to(wide) * step + start
    else:
        values = index * step + start
    return values.to(dtype).reshape(rows, cols)  # (rows, cols)
    # END SOLUTION


def to_numpy_safe(t: torch.Tensor) -> np.ndarray:
    """A NumPy copy of ``t``'s values that shares no memory with ``t``.

    Works for every tensor ``Tensor.numpy()`` refuses or mishandles:

    - on a GPU (``.numpy()`` needs a CPU tensor);
    - requiring grad (``.numpy()`` refuses; detach first);
    - a conjugate view such as ``z.conj()`` (its conjugation is resolved);
    - ``bfloat16``, which NumPy has no dtype for: the result is ``float32``;
    - on the CPU, where ``.numpy()`` would *share* memory: the result is a copy,
      so writing to it never changes ``t`` (and vice versa).

    Every other dtype keeps its NumPy equivalent (``float32 -> float32``,
    ``int64 -> int64``, ``bool -> bool``, ``complex64 -> complex64``). The shape is
    kept, including ``()`` for a 0-d tensor and zero-size shapes.

    Args:
        t: any ``torch.Tensor``.

    Returns:
        a writable ``np.ndarray`` of shape ``tuple(t.shape)``.

    Raises:
        TypeError: ``t`` is not a ``torch.Tensor``.

    Example:
        >>> w = torch.ones(2, requires_grad=True)
        >>> a = to_numpy_safe(w)
        >>> a[0] = 5.0
        >>> a, w
        (array([5., 1.], dtype=float32), tensor([1., 1.], requires_grad=True))

    Edge cases the tests try: requires_grad, a non-contiguous view, 0-d and
    empty tensors, int64/bool/float64/complex64/bfloat16, a conjugate view,
    writing to the result, every available device, a NumPy array and a list
    (TypeError).
    """
    # TODO: detach, move to the CPU, resolve the conjugate bit, handle bfloat16,
    # and make sure the result is a copy: on the CPU, .cpu() returns the very
    # same tensor and .numpy() shares its memory.
    # BEGIN SOLUTION
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"to_numpy_safe expects a torch.Tensor, got {type(t).__name__}")
    t = t.detach().cpu().resolve_conj().resolve_neg()
    if t.dtype == torch.bfloat16:
        t = t.to(torch.float32)  # NumPy has no bfloat16; float32 holds every bfloat16 exactly
    return t.numpy().copy()  # .numpy() shares memory with t; copy() gives the array its own
    # END SOLUTION


def numpy_to_tensor(
    arr: np.ndarray,
    *,
    device: str | torch.device = "cpu",
    share_memory: bool = False,
) -> torch.Tensor:
    """A tensor with ``arr``'s values, shape and dtype (``float64`` stays ``float64``).

    With ``share_memory=True`` the tensor is a zero-copy view of ``arr``'s
    buffer (``torch.from_numpy``): writing to one shows in the other. That is
    only possible on the CPU, for a writable array whose strides are all
    non-negative.

    With ``share_memory=False`` (the default) the tensor owns a fresh copy on
    ``device``; any array torch supports works, including reversed views like
    ``arr[::-1]`` (negative strides) and read-only arrays.

    Args:
        arr: a NumPy array of a dtype torch supports (bool, ints, floats, complex).
        device: where the tensor lives.
        share_memory: share ``arr``'s memory instead of copying it.

    Returns:
        a tensor with ``shape == arr.shape`` and the matching dtype.

    Raises:
        TypeError: ``arr`` is not a NumPy array, or has a dtype torch does not
            support (strings, objects).
        ValueError: ``share_memory=True`` with a non-CPU ``device``, a
            read-only array, or an array with a negative stride; the message
            says to pass ``share_memory=False``.

    Example:
        >>> a = np.zeros(3)
        >>> t = numpy_to_tensor(a, share_memory=True)
        >>> a[0] = 7.0
        >>> t
        tensor([7., 0., 0.], dtype=torch.float64)

    Edge cases the tests try: float64/float16/int32/uint8/bool/complex128
    arrays, a 0-d array, an empty array, a non-contiguous view (shared and
    copied), ``arr[::-1]``, a read-only array, writing through either side,
    every available device, a list and a string array (TypeError).
    """
    # TODO: share with torch.from_numpy; copy with arr.copy() (which also fixes
    # negative strides) before handing it to torch. Check the share_memory
    # conditions yourself and raise ValueError with a clear reason.
    # np.ascontiguousarray turns a 0-d array into shape (1,): avoid it.
    # BEGIN SOLUTION
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"numpy_to_tensor expects a numpy.ndarray, got {type(arr).__name__} (use np.asarray first)")
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"torch has no dtype for NumPy arrays of dtype {arr.dtype}")
    if not share_memory:
        return torch.from_numpy(arr.copy()).to(device)  # the copy is ours alone: sharing it is fine

    where = torch.device(device)
    if where.type != "cpu":
        raise ValueError(f"cannot share memory with a tensor on {where}: NumPy lives on the CPU; pass share_memory=False")
    if not arr.flags.writeable:
        raise ValueError("cannot share a read-only array (the tensor could write to it); pass share_memory=False")
    if any(s < 0 for s in arr.strides):
        raise ValueError(f"cannot share an array with negative strides {arr.strides}; pass share_memory=False")
    return torch.from_numpy(arr)
    # END SOLUTION


if __name__ == "__main__":
    print(make_grid_tensor(2, 3, start=1, step=2))
    print(make_grid_tensor(1, 3, start=1.0, step=0.1))
    print(to_numpy_safe(torch.ones(2, requires_grad=True)))
    shared = np.zeros(3)
    t = numpy_to_tensor(shared, share_memory=True)
    shared[0] = 7.0
    print(t)
