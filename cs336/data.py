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
    raise NotImplementedError("cs336-16: get_batch is not written yet")


if __name__ == "__main__":
    data = np.arange(10, dtype=np.uint16)
    x, y = get_batch(data, 2, 4, "cpu", rng=np.random.default_rng(0))
    print(x)
    print(y)
