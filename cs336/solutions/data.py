"""CS336 component 16: sampling training batches from a token array.

- ``get_batch``: draw ``batch_size`` windows of ``context_length + 1``
  consecutive tokens at uniformly random start positions; the first
  ``context_length`` tokens of each window are the inputs, the last
  ``context_length`` the targets (the next token at every position).

The token array is usually a ``np.memmap`` of ``uint16`` ids on disk, far
larger than memory: read only the windows you need, never the whole array.

In scope: uniform start positions over every valid start, int64 output on a
chosen device, a reproducible ``rng``, clear errors for a dataset that is too
short and for a device that does not exist. Out of scope: epochs (sampling
without replacement), document boundaries, ``torch.utils.data.DataLoader``,
pinned memory and background prefetching.

Run the demo: .venv/bin/python -m cs336.data
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch

# BEGIN SOLUTION


def _check_device(device: str | torch.device) -> torch.device:
    """``device`` as a torch.device, or a ValueError that says what to use instead."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"unknown device {device!r}: use 'cpu', 'cuda', 'cuda:<index>' or 'mps' ({err})") from None
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise ValueError(f"device {str(device)!r} is not available: this machine has no CUDA GPU; use device='cpu'")
        if dev.index is not None and dev.index >= count:
            raise ValueError(
                f"device {str(device)!r} is not available: this machine has {count} CUDA GPU(s), "
                f"cuda:0 .. cuda:{count - 1}; use one of those or device='cpu'"
            )
        return dev
    if dev.type == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError(f"device {str(device)!r} is not available: no Apple MPS here; use device='cpu'")
        return dev
    raise ValueError(f"unsupported device {str(device)!r}: use 'cpu', 'cuda', 'cuda:<index>' or 'mps'")


# END SOLUTION


def get_batch(
    dataset: npt.NDArray[np.integer],
    batch_size: int,
    context_length: int,
    device: str | torch.device = "cpu",
    *,
    rng: np.random.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Sample a batch of (inputs, next-token targets) windows from a 1-D token array.

    For each row a start ``s`` is drawn uniformly from ``0 .. n - context_length - 1``
    (``n = len(dataset)``; every start is possible, the last one included), and::

        inputs[i]  = dataset[s     : s + context_length]
        targets[i] = dataset[s + 1 : s + context_length + 1]

    Args:
        dataset: a 1-D integer array, typically ``np.memmap(path, dtype=np.uint16, mode="r")``.
            Only ``len(dataset)``, ``dataset.ndim`` and slicing ``dataset[a:b]`` are needed;
            read just the windows you use (never ``np.asarray(dataset)`` or ``dataset[:]``).
        batch_size: number of rows, ``>= 1``.
        context_length: tokens per row, ``>= 1``.
        device: where the tensors go: ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"`` or a
            ``torch.device``.
        rng: the random generator for the start positions (keyword only); ``None`` means
            a fresh ``np.random.default_rng()``. The same seed gives the same batch.

    Returns:
        ``(inputs, targets)``, both ``(batch_size, context_length)`` ``torch.int64``
        on ``device``.

    Raises:
        ValueError: ``dataset`` is not 1-D; ``len(dataset) < context_length + 1`` (no
            complete window); ``batch_size < 1`` or ``context_length < 1``; a device
            string torch does not know (``"gpu"``) or one that is not on this machine
            (``"cuda:99"``, ``"cuda"`` without a GPU) -- the message says what to use.

    Example:
        >>> data = np.arange(10, dtype=np.uint16)
        >>> x, y = get_batch(data, 2, 4, "cpu", rng=np.random.default_rng(0))
        >>> x            # starts drawn from 0..5
        tensor([[5, 6, 7, 8],
                [3, 4, 5, 6]])
        >>> y
        tensor([[6, 7, 8, 9],
                [4, 5, 6, 7]])

    Edge cases the tests try: ``len(dataset) == context_length + 1`` (one possible
    start), one token too few, ``uint16`` ids up to 65535 (no sign wrap-around),
    ``context_length == 1``, ``batch_size == 1``, a 2-D array, bad devices.
    """
    # TODO: validate the arguments and the device first; draw the starts with
    # rng.integers (mind that its upper bound is exclusive); slice one window of
    # context_length + 1 tokens per start, convert to int64, split into inputs
    # and targets, move to the device. Do not read the whole dataset.
    # BEGIN SOLUTION
    dev = _check_device(device)
    if getattr(dataset, "ndim", 1) != 1:
        raise ValueError(f"dataset must be a 1-D token array, got shape {tuple(dataset.shape)}")
    if batch_size < 1 or context_length < 1:
        raise ValueError(f"batch_size and context_length must be >= 1, got {batch_size} and {context_length}")
    n = len(dataset)
    if n < context_length + 1:
        raise ValueError(
            f"dataset has {n} tokens but one window needs context_length + 1 = {context_length + 1} "
            "(inputs plus the one-token-shifted targets); use a shorter context_length or more data"
        )
    rng = np.random.default_rng() if rng is None else rng
    starts = rng.integers(0, n - context_length, size=batch_size)  # high is exclusive: 0 .. n - L - 1
    windows = np.stack([np.asarray(dataset[s : s + context_length + 1], dtype=np.int64) for s in starts])
    chunk = torch.from_numpy(windows)  # (B, L + 1)
    inputs = chunk[:, :-1].contiguous().to(dev)  # (B, L)
    targets = chunk[:, 1:].contiguous().to(dev)  # (B, L)
    return inputs, targets
    # END SOLUTION


if __name__ == "__main__":
    data = np.arange(10, dtype=np.uint16)
    x, y = get_batch(data, 2, 4, "cpu", rng=np.random.default_rng(0))
    print(x)
    print(y)
