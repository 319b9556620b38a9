"""Day 18: DataLoader speed — workers, pinned memory, and a loader you can trust.

- ``NoisyBlurDataset``: a map-style dataset with a CPU-bound per-sample
  transform (seeded noise, then passes of a circular 3-tap blur) whose
  randomness depends on the sample's index alone, so every worker count
  gives the same samples;
- ``make_fast_loader``: a ``DataLoader`` built with the rules that keep its
  speed options valid (workers, ``persistent_workers``, ``prefetch_factor``,
  ``pin_memory`` only where there is a GPU to copy to, a seeded shuffle);
- ``measure_epoch``: one pass over a loader: batches, samples, seconds.

How much the workers buy is measured by the ``dataloader`` benchmark
(``learn bench dataloader``), never asserted in a test.

In scope: map-style datasets, ``DataLoader`` arguments, worker seeding,
epoch timing. Out of scope: iterable datasets, samplers beyond shuffling,
distributed loading, custom ``collate_fn``.

Run the demo: .venv/bin/python -m torch_days.day18_dataloader
"""

from __future__ import annotations

import time
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset


class NoisyBlurDataset(Dataset):
    """``(features[i] + noise, labels[i])`` with a deterministic, CPU-bound transform.

    Sample ``i`` (``0 <= i < N``; a negative ``i`` counts from the end, like a
    list) is computed from ``features[i]`` of shape ``(D,)``:

    1. ``g = torch.Generator().manual_seed(seed + i)``;
       ``x = features[i] + noise_std * torch.randn(D, generator=g)``: the noise
       depends on ``seed`` and the index only, never on the global RNG, so it
       is the same in the main process and in any worker;
    2. ``blur_passes`` times: ``x = (x.roll(1) + x + x.roll(-1)) / 3`` (a
       circular 3-tap box blur along the features; each pass is a few tensor
       ops, which makes the transform CPU-bound for large ``blur_passes``).

    ``__getitem__`` returns ``(x, y)``: ``x`` float32 of shape ``(D,)`` and
    ``y`` a 0-d int64 tensor ``labels[i]``.

    Args:
        features: ``(N, D)`` floats.
        labels: ``(N,)`` integer labels.
        noise_std: the standard deviation of the noise, ``>= 0``.
        blur_passes: the number of blur passes, ``>= 0``.
        seed: the base seed.

    Raises:
        ValueError: shapes that do not match, ``noise_std < 0`` or ``blur_passes < 0``.
        IndexError: ``__getitem__`` with ``i`` outside ``[-N, N)``.

    Example:
        >>> ds = NoisyBlurDataset(torch.zeros(4, 3), torch.arange(4), noise_std=0.0, blur_passes=1)
        >>> ds[2]
        (tensor([0., 0., 0.]), tensor(2))

    Edge cases the tests try: ``noise_std=0`` and ``blur_passes=0`` (the
    features unchanged), blur against a circulant matrix power, the noise
    against a seeded generator, the global RNG reseeded between calls (no
    effect), negative and out-of-range indices.
    """

    def __init__(
        self,
        features: torch.Tensor,
        labels: torch.Tensor,
        *,
        noise_std: float = 0.1,
        blur_passes: int = 0,
        seed: int = 0,
    ):
        if features.dim() != 2 or labels.dim() != 1 or features.shape[0] != labels.shape[0]:
            raise ValueError(f"need features (N, D) and labels (N,), got {tuple(features.shape)} and {tuple(labels.shape)}")
        if noise_std < 0 or blur_passes < 0:
            raise ValueError(f"noise_std and blur_passes must be >= 0, got {noise_std} and {blur_passes}")
        self.features = features.to(torch.float32)
        self.labels = labels.to(torch.int64)
        self.noise_std = float(noise_std)
        self.blur_passes = int(blur_passes)
        self.seed = int(seed)

    def __len__(self) -> int:
        return self.features.shape[0]

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        # TODO: normalise a negative index, raise IndexError outside [-N, N),
        # draw the noise from a Generator seeded with seed + index (never the
        # global RNG: each worker has its own), then the blur passes.
        raise NotImplementedError("torch-18: __getitem__ is not written yet")


def make_fast_loader(
    dataset: Dataset,
    batch_size: int,
    *,
    shuffle: bool = False,
    num_workers: int = 0,
    pin_memory: bool = False,
    persistent_workers: bool = False,
    prefetch_factor: int | None = None,
    drop_last: bool = False,
    seed: int = 0,
) -> DataLoader:
    """A ``DataLoader`` whose speed options are checked, with a reproducible shuffle.

    Rules (each broken rule is a ``ValueError`` whose message says why and
    what to pass instead):

    - ``batch_size`` is an int ``>= 1``; ``num_workers`` an int ``>= 0``
      (``bool`` is not accepted as either);
    - ``persistent_workers=True`` needs ``num_workers > 0`` (there is no worker
      to keep alive otherwise);
    - ``prefetch_factor`` (batches each worker loads ahead) needs
      ``num_workers > 0`` and must be ``>= 1``;
    - ``pin_memory`` is honoured only when ``torch.cuda.is_available()``:
      page-locked host memory only speeds up copies to a GPU, so without
      one the loader is built with ``pin_memory=False`` (no error).

    The loader always gets ``generator=torch.Generator().manual_seed(seed)``,
    so with ``shuffle=True`` the order depends on ``seed`` only, not on the
    global RNG nor on ``num_workers`` (the sampler runs in the main process).

    Args:
        dataset: a map-style dataset.
        batch_size: samples per batch.
        shuffle: reshuffle every epoch.
        num_workers: worker processes (0: load in the main process).
        pin_memory: ask for pinned batches (honoured only with CUDA).
        persistent_workers: keep the workers alive between epochs.
        prefetch_factor: batches loaded ahead per worker (``None``: torch's default).
        drop_last: drop the last incomplete batch.
        seed: the shuffling seed.

    Returns:
        the ``DataLoader``.

    Example:
        >>> loader = make_fast_loader(ds, 32, num_workers=2, persistent_workers=True, pin_memory=True)
        >>> loader.pin_memory        # on a machine without CUDA
        False

    Edge cases the tests try: every rule above, ``pin_memory`` with a faked
    CUDA device, the order with ``shuffle=False``, the same samples and
    shuffled order for 0 and 2 workers, a different ``seed``, the same
    worker processes across epochs with ``persistent_workers=True``.
    """
    # TODO: check the rules in order and raise ValueError with the reason;
    # then DataLoader(...) with pin_memory=pin_memory and torch.cuda.is_available()
    # and a seeded torch.Generator. Pass prefetch_factor only when it is not None.
    raise NotImplementedError("torch-18: make_fast_loader is not written yet")


def _batch_size_of(batch: Any) -> int:
    """Samples in a batch: dim 0 of the first tensor in it (tensor, tuple/list or dict)."""
    if isinstance(batch, torch.Tensor):
        return batch.shape[0] if batch.dim() else 1
    if isinstance(batch, (tuple, list)) and batch:
        return _batch_size_of(batch[0])
    if isinstance(batch, dict) and batch:
        return _batch_size_of(next(iter(batch.values())))
    raise TypeError(f"cannot count the samples of a batch of type {type(batch).__name__}")


def measure_epoch(loader: DataLoader) -> dict[str, int | float]:
    """Iterate ``loader`` once and report ``{"batches", "samples", "seconds"}``.

    ``batches`` counts the batches, ``samples`` adds up each batch's size (the
    size of dimension 0 of its first tensor: the batch itself, the first
    element of a tuple/list, or the first value of a dict), and ``seconds``
    is the ``time.perf_counter()`` time from creating the iterator (which
    starts the workers) to the end of the epoch.

    Args:
        loader: any iterable of batches, usually a ``DataLoader``.

    Returns:
        ``{"batches": int, "samples": int, "seconds": float}``.

    Example:
        >>> measure_epoch(make_fast_loader(ds, 32))       # 100 samples
        {'batches': 4, 'samples': 100, 'seconds': 0.0123}

    Edge cases the tests try: an uneven last batch, ``drop_last=True``, an
    empty dataset, dict and plain-tensor batches, a slow dataset (``seconds``
    at least its sleeps).
    """
    # TODO: start the clock, then iter(loader); count while iterating.
    raise NotImplementedError("torch-18: measure_epoch is not written yet")


if __name__ == "__main__":
    from sklearn.datasets import load_digits

    digits = load_digits()
    features = torch.tensor(digits.data, dtype=torch.float32) / 16
    labels = torch.tensor(digits.target)
    ds = NoisyBlurDataset(features, labels, noise_std=0.1, blur_passes=50)
    for workers in (0, 2):
        loader = make_fast_loader(ds, 64, num_workers=workers, persistent_workers=workers > 0)
        print(f"num_workers={workers}:", measure_epoch(loader))
