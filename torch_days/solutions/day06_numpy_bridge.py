"""Day 6: the NumPy <-> PyTorch border — memory, dtypes and defaults that differ.

Three functions for the place where data enters a model:

- ``to_model_input``: a NumPy array (float64 by default, maybe read-only,
  maybe reversed) to a tensor of the model's dtype that owns its memory,
  without warnings and without silent overflow to ``inf``;
- ``memory_overlaps``: whether a tensor and an array reach into the same bytes
  of memory, from pointers, shapes and strides;
- ``promote_types``: torch's type-promotion table for two tensors, derived from
  categories (bool < integer < floating < complex) and widths.

In scope: ``data_ptr``/``ctypes.data``, strides in elements vs bytes, dtype
categories, float64 vs float32 defaults, read-only buffers. Out of scope:
pinned memory, DLPack, zero-dim and Python-scalar promotion (Day 1).

Run the demo: .venv/bin/python -m torch_days.day06_numpy_bridge
"""

from __future__ import annotations

import numpy as np
import torch


def to_model_input(
    arr: np.ndarray,
    *,
    dtype: torch.dtype = torch.float32,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """``arr``'s values as a contiguous tensor of ``dtype`` on ``device`` that owns its memory.

    The three traps this avoids:

    - NumPy's default float is float64; a model's weights are float32. The
      result has ``dtype`` (float32 by default), whatever ``arr``'s dtype.
    - ``torch.from_numpy`` and ``torch.as_tensor`` share memory with the
      array (a later write to the array would change the batch) and warn on
      read-only arrays such as ``np.frombuffer(...)``. The result never shares
      memory with ``arr`` and no warning is emitted.
    - Casting float64 to float32 turns ``1e300`` into ``inf`` without a word.
      A finite value that becomes infinite raises ``ValueError``; NaN and
      infinities already in ``arr`` are kept as they are.

    The values are those of ``torch.from_numpy(arr.copy()).to(dtype)``; the
    cast happens on the CPU, before the transfer (fewer bytes to move).

    Args:
        arr: a NumPy array of bool, integer or floating dtype; any shape
            (0-d included), any strides (negative, non-contiguous), read-only
            or writable.
        dtype: a floating torch dtype (``float32``, ``float16``, ``bfloat16``,
            ``float64``).
        device: where the result lives.

    Returns:
        a contiguous tensor with ``shape == arr.shape``.

    Raises:
        TypeError: ``arr`` is not a NumPy array, or its dtype is not bool,
            integer or floating (complex, strings, objects).
        ValueError: ``dtype`` is not a floating dtype, or a finite value
            overflows ``dtype`` (the message names the dtype).

    Example:
        >>> buf = np.frombuffer(np.array([1.5, -2.0]).tobytes())   # read-only float64
        >>> to_model_input(buf)
        tensor([ 1.5000, -2.0000])

    Edge cases the tests try: float64/float16/int64/uint8/bool arrays,
    read-only (``np.frombuffer``) and reversed (``arr[::-1]``) arrays, a
    Fortran-ordered array, 0-d and empty arrays, NaN and inf kept, ``1e300``
    and ``70000 -> float16`` refused, ``dtype=torch.bfloat16``, writing to
    the array afterwards, every available device, warnings turned into errors.
    """
    # TODO: check the types; copy the array with NumPy (arr.copy() also fixes
    # negative strides and read-only flags), hand the copy to torch.from_numpy,
    # cast with .to(dtype), compare np.isfinite(arr) with torch.isfinite of the
    # result, then move to the device.
    # BEGIN SOLUTION
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"to_model_input expects a numpy.ndarray, got {type(arr).__name__} (use np.asarray first)")
    if arr.dtype.kind not in "biuf" or arr.dtype == np.longdouble:
        raise TypeError(f"cannot feed an array of dtype {arr.dtype} to a model: bool, integer or floating only")
    if not dtype.is_floating_point:
        raise ValueError(f"dtype must be a floating dtype, got {dtype}")
    own = torch.from_numpy(arr.copy())  # our private copy: sharing it is harmless, no read-only warning
    out = own.to(dtype)  # cast on the CPU: fewer bytes to transfer
    overflow = torch.from_numpy(np.array(np.isfinite(arr))) & ~torch.isfinite(out)  # was finite, is not
    if bool(overflow.any()):
        raise ValueError(f"{int(overflow.sum())} finite value(s) overflow {dtype} (e.g. {arr[overflow.numpy()][0]!r})")
    return out.to(device).contiguous()
    # END SOLUTION


def memory_overlaps(t: torch.Tensor, a: np.ndarray) -> bool:
    """Whether the bytes ``t`` can reach and the bytes ``a`` can reach overlap.

    Each side spans the address range from its lowest to its highest element,
    inclusive of that element's bytes: for ``t``, from ``t.data_ptr()`` (torch
    strides are never negative) up; for ``a``, around ``a.ctypes.data`` (NumPy
    strides are in bytes and may be negative). The answer is ``True`` when the
    two ranges intersect; this is what ``np.may_share_memory`` computes. Two
    interleaved views (``x[::2]`` and ``x[1::2]``) overlap by this definition
    even though no element is shared.

    Tensors that are not on the CPU never overlap an array; neither does an
    empty tensor or an empty array.

    Args:
        t: any tensor (any dtype, strides, ``requires_grad``, device).
        a: any NumPy array.

    Returns:
        ``True`` if the byte ranges intersect.

    Raises:
        TypeError: ``t`` is not a tensor or ``a`` is not a NumPy array.

    Example:
        >>> a = np.zeros(4)
        >>> memory_overlaps(torch.from_numpy(a), a), memory_overlaps(torch.tensor(a), a)
        (True, False)
        >>> memory_overlaps(torch.from_numpy(a)[2:], a[:2])
        False

    Edge cases the tests try: ``from_numpy``/``tensor``/``as_tensor``/
    ``.numpy()`` pairs, slices that touch and slices that just miss, transposed
    and strided views, reversed arrays, 0-d, empty, a tensor requiring grad,
    different dtypes on one buffer, ``meta`` tensors, random slices
    (Hypothesis); ``np.may_share_memory`` and ``np.shares_memory`` are
    unavailable during the tests.
    """
    # TODO: compute [low, high) in bytes for each side from the start pointer,
    # the shape, the strides and the item size, then test the intersection.
    # Do not call np.may_share_memory or np.shares_memory.
    # BEGIN SOLUTION
    if not isinstance(t, torch.Tensor) or not isinstance(a, np.ndarray):
        raise TypeError(f"memory_overlaps expects (torch.Tensor, numpy.ndarray), got ({type(t).__name__}, {type(a).__name__})")
    if t.device.type != "cpu" or t.numel() == 0 or a.size == 0:
        return False
    t_low = t.data_ptr()
    t_high = t_low + sum((n - 1) * s for n, s in zip(t.shape, t.stride())) * t.element_size() + t.element_size()
    a_low = a_high = a.ctypes.data
    for n, s in zip(a.shape, a.strides):  # byte strides, possibly negative
        if s < 0:
            a_low += (n - 1) * s
        else:
            a_high += (n - 1) * s
    a_high += a.itemsize
    return t_low < a_high and a_low < t_high
    # END SOLUTION


def promote_types(a: torch.dtype, b: torch.dtype) -> torch.dtype:
    """The dtype of ``x + y`` for tensors (with at least one dim) of dtypes ``a`` and ``b``.

    torch's rule, for the twelve common dtypes ``bool, uint8, int8, int16,
    int32, int64, float16, bfloat16, float32, float64, complex64, complex128``:

    1. Categories are ordered ``bool < integer < floating < complex``. If the
       categories differ, the result is the dtype of the higher category, with
       one exception: complex with ``float64`` gives ``complex128`` (the
       complex keeps the float's precision).
    2. Inside a category, the wider dtype wins, with two exceptions:
       ``uint8`` with ``int8`` gives ``int16`` (the smallest type holding both
       ranges), and ``float16`` with ``bfloat16`` gives ``float32``.

    NumPy differs (``int64`` with ``float32`` is ``float64`` there; here it is
    ``float32``); the lesson has the table.

    Args:
        a, b: two of the twelve dtypes above, in any order.

    Returns:
        the promoted ``torch.dtype``.

    Raises:
        ValueError: a dtype outside the twelve (``torch.uint16``, ``torch.complex32``, ...).
        TypeError: an argument is not a ``torch.dtype``.

    Example:
        >>> promote_types(torch.int64, torch.float16), promote_types(torch.uint8, torch.int8)
        (torch.float16, torch.int16)

    Edge cases the tests try: all 144 ordered pairs against torch's own table;
    ``torch.promote_types`` and ``torch.result_type`` are unavailable during
    the tests.
    """
    # TODO: give each dtype a category and a width (a small dict), then apply
    # rules 1 and 2. Do not call torch.promote_types, torch.result_type or
    # torch.can_cast, and do not add tensors to find out.
    # BEGIN SOLUTION
    for d in (a, b):
        if not isinstance(d, torch.dtype):
            raise TypeError(f"expected a torch.dtype, got {type(d).__name__} {d!r}")
        if d not in _RANK:
            raise ValueError(f"promote_types covers {', '.join(str(x) for x in _RANK)}; got {d}")
    if a == b:
        return a
    (cat_a, bits_a), (cat_b, bits_b) = _RANK[a], _RANK[b]
    if cat_a != cat_b:
        high, low = (a, b) if cat_a > cat_b else (b, a)
        if _RANK[high][0] == _COMPLEX and low == torch.float64:
            return torch.complex128
        return high
    if {a, b} == {torch.uint8, torch.int8}:
        return torch.int16
    if {a, b} == {torch.float16, torch.bfloat16}:
        return torch.float32
    return a if bits_a > bits_b else b
    # END SOLUTION


# BEGIN SOLUTION
_BOOL, _INT, _FLOAT, _COMPLEX = range(4)
_RANK: dict[torch.dtype, tuple[int, int]] = {  # dtype -> (category, width in bits)
    torch.bool: (_BOOL, 1),
    torch.uint8: (_INT, 8),
    torch.int8: (_INT, 8),
    torch.int16: (_INT, 16),
    torch.int32: (_INT, 32),
    torch.int64: (_INT, 64),
    torch.float16: (_FLOAT, 16),
    torch.bfloat16: (_FLOAT, 16),
    torch.float32: (_FLOAT, 32),
    torch.float64: (_FLOAT, 64),
    torch.complex64: (_COMPLEX, 64),
    torch.complex128: (_COMPLEX, 128),
}
# END SOLUTION


if __name__ == "__main__":
    buf = np.frombuffer(np.array([1.5, -2.0]).tobytes())
    print(to_model_input(buf))
    a = np.zeros(4)
    print(memory_overlaps(torch.from_numpy(a), a), memory_overlaps(torch.tensor(a), a))
    print(promote_types(torch.int64, torch.float16), promote_types(torch.uint8, torch.int8))
