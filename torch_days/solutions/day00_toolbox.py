"""Day 0: the toolbox — choose a device, time code honestly, read a tensor's facts.

Three small functions that use the workspace helpers in ``utils`` the way the
later days will:

- ``resolve_device``: turn ``"auto"``, ``"cpu"``, ``"cuda:1"`` or ``"mps"`` into a
  ``torch.device``, refusing a device this machine does not have;
- ``median_time``: call a function a few times, timing each call with
  ``utils.time_block``, and return the median after warm-up calls;
- ``tensor_facts``: the handful of facts to check first when a tensor looks
  wrong (shape, dtype, device, size in bytes, NaN and Inf counts).

In scope: device availability checks, warm-up and median timing, reading
tensor metadata. Out of scope: ``$LEARN_DEVICE`` (that is
``utils.get_device``'s job), profilers, statistics beyond the median.

Run the demo: .venv/bin/python -m torch_days.day00_toolbox
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

import torch

from utils.tensor_inspect import inspect
from utils.timing import format_duration, time_block


def resolve_device(spec: str | None = "auto") -> torch.device:
    """The ``torch.device`` named by ``spec``, checked against this machine.

    ``"auto"`` (or ``None``) picks the best available device: CUDA if
    ``torch.cuda.is_available()``, else Apple MPS if
    ``torch.backends.mps.is_available()``, else the CPU. An explicit request is
    returned as given (``"cuda:1"`` keeps its index) when the machine has it.
    Names are case-insensitive and may carry surrounding spaces. Unlike
    ``utils.get_device``, this function ignores ``$LEARN_DEVICE``: the caller
    decides.

    Args:
        spec: ``"auto"``, ``None``, ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"mps"``.

    Returns:
        the device; for ``"auto"`` one of ``cuda`` (no index), ``mps``, ``cpu``.

    Raises:
        TypeError: ``spec`` is neither a string nor ``None``.
        ValueError: ``spec`` is not a device name (``"gpu"``), names a device type
            other than cpu/cuda/mps, or a device this machine does not have
            (``"cuda"`` without CUDA, ``"cuda:3"`` with two GPUs, ``"mps"`` off a
            Mac). The message says what was asked for and what is available.

    Example:
        >>> resolve_device("cpu")
        device(type='cpu')
        >>> resolve_device("auto")  # on a machine with one GPU
        device(type='cuda')

    Edge cases the tests try: ``None``, ``"AUTO"``, ``" cpu "``, a fake machine
    with 0, 1 or 2 GPUs and with or without MPS (the tests replace
    ``torch.cuda.is_available``, ``torch.cuda.device_count`` and
    ``torch.backends.mps.is_available``), ``"cuda:1"`` with one GPU, ``"gpu"``,
    ``"xla"``, ``$LEARN_DEVICE`` set (must be ignored), and a non-string.
    """
    # TODO: check availability yourself with torch.cuda.is_available(),
    # torch.cuda.device_count() and torch.backends.mps.is_available() (call them
    # when resolving, not at import time). Parse names with torch.device(...),
    # which raises RuntimeError for an unknown name: turn that into ValueError.
    # Do not call utils.get_device.
    # BEGIN SOLUTION
    if spec is not None and not isinstance(spec, str):
        raise TypeError(f"resolve_device expects a device name such as 'cuda' or 'cpu', got {type(spec).__name__}")
    name = "auto" if spec is None else spec.strip().lower()
    cuda_count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    has_mps = torch.backends.mps.is_available()
    available = [f"cuda:{i}" for i in range(cuda_count)] + (["mps"] if has_mps else []) + ["cpu"]

    if name == "auto":
        if cuda_count:
            return torch.device("cuda")
        return torch.device("mps") if has_mps else torch.device("cpu")

    try:
        device = torch.device(name)
    except RuntimeError:
        raise ValueError(f"{spec!r} is not a device name; use 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps'") from None

    if device.type == "cpu":
        return device
    if device.type == "cuda":
        index = device.index or 0
        if index < cuda_count:
            return device
        reason = "CUDA is not available" if cuda_count == 0 else f"this machine has {cuda_count} CUDA device(s)"
    elif device.type == "mps":
        if has_mps:
            return device
        reason = "Apple MPS is not available"
    else:
        reason = f"device type {device.type!r} is not supported (only cpu, cuda, mps)"
    raise ValueError(f"cannot use {spec!r}: {reason}; available: {', '.join(available)}")
    # END SOLUTION


def median_time(fn: Callable[[], object], *, repeats: int = 5, warmup: int = 1, sync: bool | None = None) -> float:
    """The median wall-clock time of ``fn()`` in seconds, over ``repeats`` timed calls.

    First call ``fn()`` ``warmup`` times without keeping their times (the first
    calls pay for caches, lazy initialisation and compilation). Then time each
    of ``repeats`` calls separately with ``utils.time_block(..., sync=sync,
    quiet=True)`` and return the median of those times (for an even count, the
    mean of the two middle values, as ``statistics.median``). ``fn``'s return
    value is ignored. Nothing is printed.

    Args:
        fn: a function of no arguments (wrap arguments with a lambda).
        repeats: how many timed calls; ``>= 1``.
        warmup: how many untimed calls first; ``>= 0``.
        sync: passed on to ``time_block``: ``None`` synchronises CUDA when it
            is in use, ``False`` never does.

    Returns:
        the median time of one call, in seconds.

    Raises:
        TypeError: ``fn`` is not callable, or ``repeats``/``warmup`` is not an int.
        ValueError: ``repeats < 1`` or ``warmup < 0``.

    Example:
        >>> median_time(lambda: sum(range(10_000)), repeats=5, warmup=1)
        0.00021...

        If the timed calls take 3, 1, 2, 5 and 4 ms, the result is 0.003.

    Edge cases the tests try: a fake clock (the tests replace the clock of
    ``utils.timing``, so time each call with ``time_block``, not with your own
    clock) where the warm-up call is very slow, an even number of repeats,
    ``repeats=1``, ``warmup=0``, the number of calls to ``fn``, CUDA
    synchronisation with ``sync=None`` and ``sync=False``, bad arguments.
    """
    # TODO: validate the arguments, call fn() `warmup` times, then time each of
    # `repeats` calls in its own `with time_block(..., sync=sync, quiet=True) as t:`
    # and collect t.elapsed. Use statistics.median; do not use timeit.
    # BEGIN SOLUTION
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    for name, value, least in (("repeats", repeats, 1), ("warmup", warmup, 0)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < least:
            raise ValueError(f"{name} must be >= {least}, got {value}")

    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        with time_block("median_time", sync=sync, quiet=True) as t:
            fn()
        times.append(t.elapsed)
    return statistics.median(times)
    # END SOLUTION


def tensor_facts(x: torch.Tensor) -> dict[str, object]:
    """The first facts to check about a tensor, as a dict.

    Keys and values:

    - ``"shape"``: ``tuple[int, ...]``, e.g. ``(2, 3)``; ``()`` for a 0-d tensor;
    - ``"dtype"``: the dtype's name without ``torch.``, e.g. ``"float32"``;
    - ``"device"``: ``str(x.device)``, e.g. ``"cpu"`` or ``"cuda:0"``;
    - ``"numel"``: the number of elements;
    - ``"nbytes"``: the bytes the elements take, ``numel * bytes per element``
      (``float32``: 4, ``bfloat16``: 2, ``bool``: 1, ``complex64``: 8);
    - ``"requires_grad"``: ``bool``;
    - ``"nan"``, ``"inf"``: how many elements are NaN / infinite (``+inf`` and
      ``-inf``; a complex element counts once when either part is); always 0
      for integer and bool tensors.

    ``utils.inspect(x, show=False)`` already returns most of these with the
    same conventions; ``nbytes`` you compute yourself.

    Args:
        x: any ``torch.Tensor``, on any device, with or without ``requires_grad``.

    Returns:
        a new dict with exactly the keys above.

    Raises:
        TypeError: ``x`` is not a ``torch.Tensor`` (a NumPy array included).

    Example:
        >>> tensor_facts(torch.tensor([[1.0, float("nan"), 3.0]]))
        {'shape': (1, 3), 'dtype': 'float32', 'device': 'cpu', 'numel': 3, 'nbytes': 12,
         'requires_grad': False, 'nan': 1, 'inf': 0}

    Edge cases the tests try: an empty tensor, a 0-d tensor, int64, bool,
    bfloat16 and complex64 tensors, NaN and ±Inf, a tensor that requires grad,
    a NumPy array and a list (TypeError), every available device.
    """
    # TODO: reject non-tensors with TypeError, take the facts from utils.inspect
    # (or compute them with torch), and add nbytes (see Tensor.element_size()).
    # BEGIN SOLUTION
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"tensor_facts expects a torch.Tensor, got {type(x).__name__} (use torch.as_tensor first)")
    facts = inspect(x, show=False)
    return {
        "shape": facts["shape"],
        "dtype": facts["dtype"],
        "device": facts["device"],
        "numel": facts["numel"],
        "nbytes": x.numel() * x.element_size(),  # bytes per element x elements
        "requires_grad": facts["requires_grad"],
        "nan": facts["nan"],
        "inf": facts["inf"],
    }
    # END SOLUTION


if __name__ == "__main__":
    device = resolve_device("auto")
    print("device:", device)
    a = torch.randn(256, 256, device=device)
    print("matmul 256x256, median of 5:", format_duration(median_time(lambda: a @ a, repeats=5, warmup=2)))
    print(tensor_facts(torch.tensor([[1.0, float("nan"), 3.0]])))
