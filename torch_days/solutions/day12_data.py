"""Day 12: data — a Dataset, an augmentation, a collate function, reproducible loaders.

Five pieces of the input pipeline every training script has:

- ``DigitsDataset``: scikit-learn's 8x8 handwritten digits as a map-style
  ``Dataset`` with a fixed train/validation split, float32 images in [0, 1]
  and int64 labels;
- ``RandomShift``: an augmentation (a random shift with zero fill, then
  Gaussian noise) that draws from an explicit ``torch.Generator``;
- ``pad_collate``: batch variable-length 1-D sequences into a padded
  ``(B, T_max)`` tensor, their lengths and a mask;
- ``make_loader``: a ``DataLoader`` whose shuffling depends on ``seed`` alone
  (not on the global RNG, not on what ran before);
- ``class_balanced_sampler``: a sampler that draws every class equally often,
  however imbalanced the labels.

In scope: ``Dataset``/``DataLoader``/``Sampler``, ``collate_fn``, generators
and reproducibility. Out of scope: worker processes (``num_workers > 0``, see
the lesson), iterable-style datasets, pinned memory.

Run the demo: .venv/bin/python -m torch_days.solutions.day12_data
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Sequence

import torch
from sklearn.datasets import load_digits
from torch import Tensor
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler

TRAIN_FRACTION = 0.8  # the first int(0.8 * 1797) = 1437 samples train, the last 360 validate

# ---------------------------------------------------------------- the dataset


# BEGIN SOLUTION
@functools.lru_cache(maxsize=1)
def _digits() -> tuple[Tensor, Tensor]:
    """All 1797 digits once per process: images (N, 1, 8, 8) float32 in [0, 1], labels (N,) int64."""
    data = load_digits()
    images = torch.from_numpy(data.images).to(torch.float32).div_(16.0).unsqueeze(1)  # pixel values are 0..16
    labels = torch.from_numpy(data.target).to(torch.int64)
    return images, labels


# END SOLUTION
class DigitsDataset(Dataset):
    """scikit-learn's digits (``sklearn.datasets.load_digits``) as a map-style Dataset.

    The split is fixed and uses no randomness: in ``load_digits()`` order, the
    first ``int(TRAIN_FRACTION * 1797) = 1437`` samples are ``"train"`` and the
    remaining 360 are ``"val"``. (The last samples come from other writers, so
    this split is a fair held-out set; every class has 33 to 37 of them.)

    Attributes:
        images: ``(N, 1, 8, 8)`` float32, pixel values divided by 16 (so in [0, 1]).
        labels: ``(N,)`` int64, the digits 0..9.
        transform: the callable applied to each image in ``__getitem__``, or ``None``.

    ``dataset[i]`` returns ``(image, label)``: image ``(1, 8, 8)`` float32 (after
    ``transform``), label a 0-d int64 tensor. Negative indices count from the
    end like a list; ``i`` outside ``[-N, N)`` raises ``IndexError`` (Python's
    ``for x in dataset`` relies on it to stop). The item is a fresh tensor:
    writing to it, or an in-place transform, never changes the dataset.

    Raises:
        ValueError: ``split`` is not ``"train"`` or ``"val"``.

    Example:
        >>> ds = DigitsDataset("val")
        >>> image, label = ds[0]
        >>> len(ds), tuple(image.shape), image.dtype, label.dtype
        (360, (1, 8, 8), torch.float32, torch.int64)

    Edge cases the tests try: both splits against ``load_digits()`` item by
    item, index ``-1``, ``len(ds)`` and ``-len(ds) - 1`` (IndexError), a bad
    split name, a spy transform (called on the image only), writing into an
    item, a ``DataLoader`` with the default collate.
    """

    def __init__(self, split: str, transform: Callable[[Tensor], Tensor] | None = None) -> None:
        # TODO: check the split, load the digits, scale to [0, 1], add the channel
        # dimension, and keep the split's part in self.images / self.labels.
        # Load the data once here, not in __getitem__.
        # BEGIN SOLUTION
        if split not in ("train", "val"):
            raise ValueError(f"split must be 'train' or 'val', got {split!r}")
        images, labels = _digits()
        n_train = int(TRAIN_FRACTION * len(labels))
        part = slice(0, n_train) if split == "train" else slice(n_train, None)
        self.images = images[part]  # (N, 1, 8, 8)
        self.labels = labels[part]  # (N,)
        self.transform = transform
        # END SOLUTION

    def __len__(self) -> int:
        # BEGIN SOLUTION
        return len(self.labels)
        # END SOLUTION

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        # TODO: bounds-check (IndexError), copy the image, apply the transform.
        # BEGIN SOLUTION
        i = operator.index(index)
        n = len(self.labels)
        if not -n <= i < n:
            raise IndexError(f"index {index} is out of range for a dataset of {n} samples")
        image = self.images[i].clone()  # (1, 8, 8); a copy, so an in-place transform cannot damage the data
        if self.transform is not None:
            image = self.transform(image)
        return image, self.labels[i].clone()
        # END SOLUTION


# ---------------------------------------------------------------- an augmentation


class RandomShift:
    """Shift an image by a random ``(dy, dx)``, fill the uncovered pixels with 0, then add noise.

    ``dy`` and ``dx`` are drawn independently and uniformly from the integers
    ``-max_shift .. max_shift``, one pair per call (every leading dimension
    gets the same shift). The content moves down by ``dy`` rows and right by
    ``dx`` columns: ``out[..., y + dy, x + dx] = image[..., y, x]``; pixels
    that move out are dropped, the ones uncovered are 0 (no wrap-around).

    When ``noise_std > 0``, Gaussian noise with that standard deviation is
    added and the result is clamped to ``[0, 1]``. With ``noise_std == 0`` no
    noise is drawn and nothing is clamped.

    Every random number comes from ``generator`` (the global RNG when it is
    ``None``), so two transforms with equally seeded generators produce the
    same sequence of outputs, and the global RNG is left alone.

    Args:
        max_shift: the largest shift in pixels, an int ``>= 0``.
        noise_std: the noise's standard deviation, ``>= 0``.
        generator: a CPU ``torch.Generator``, or ``None``.

    Call: ``transform(image)`` with ``image`` a floating tensor ``(..., H, W)``
    on any device; returns a new tensor of the same shape, dtype and device
    (``image`` itself is not modified).

    Raises:
        TypeError: ``max_shift`` is not an int (``True`` and ``1.5`` are
            rejected); the image is not a floating-point tensor.
        ValueError: ``max_shift < 0``; ``noise_std`` negative or not finite;
            the image has fewer than 2 dimensions.

    Example:
        >>> shift = RandomShift(1, generator=torch.Generator().manual_seed(0))
        >>> shift(torch.ones(1, 3, 3))  # one of 9 results, e.g. moved down-right:
        tensor([[[0., 0., 0.],
                 [0., 1., 1.],
                 [0., 1., 1.]]])

    Edge cases the tests try: every one of the 9 shifts for ``max_shift=1``
    against an explicit pixel loop, roughly equally often; a border that is
    not zero (wrap-around is wrong); ``max_shift=0``; the noise's mean and
    standard deviation; clamping; ``(2, 3, 5, 7)`` and float64 input; equal
    seeds, different seeds; the global RNG state; every available device.
    """

    def __init__(self, max_shift: int = 1, noise_std: float = 0.0, *, generator: torch.Generator | None = None) -> None:
        # TODO: validate and store the settings.
        # BEGIN SOLUTION
        if isinstance(max_shift, bool) or not isinstance(max_shift, int):
            raise TypeError(f"max_shift must be an int, got {type(max_shift).__name__} {max_shift!r}")
        if max_shift < 0:
            raise ValueError(f"max_shift must be >= 0, got {max_shift}")
        if not math.isfinite(noise_std) or noise_std < 0:
            raise ValueError(f"noise_std must be a finite number >= 0, got {noise_std!r}")
        self.max_shift = max_shift
        self.noise_std = float(noise_std)
        self.generator = generator
        # END SOLUTION

    def __call__(self, image: Tensor) -> Tensor:
        # TODO: draw (dy, dx) with torch.randint(..., generator=self.generator),
        # copy the overlapping window into torch.zeros_like(image) (torch.roll
        # wraps around: do not use it), then add noise drawn from the same
        # generator and clamp. Never touch the global RNG when a generator is given.
        # BEGIN SOLUTION
        if not isinstance(image, Tensor) or not image.is_floating_point():
            raise TypeError("RandomShift expects a floating-point tensor image; convert with .float() first")
        if image.dim() < 2:
            raise ValueError(f"RandomShift expects an image (..., H, W), got shape {tuple(image.shape)}")
        m = self.max_shift
        dy, dx = torch.randint(-m, m + 1, (2,), generator=self.generator).tolist()
        height, width = image.shape[-2:]
        out = torch.zeros_like(image)
        if abs(dy) < height and abs(dx) < width:
            out[..., max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] = image[
                ..., max(-dy, 0) : height + min(-dy, 0), max(-dx, 0) : width + min(-dx, 0)
            ]
        if self.noise_std > 0:
            where = self.generator.device if self.generator is not None else image.device
            noise = torch.randn(image.shape, generator=self.generator, device=where, dtype=image.dtype)
            out = (out + self.noise_std * noise.to(image.device)).clamp_(0.0, 1.0)
        return out
        # END SOLUTION


# ---------------------------------------------------------------- batching


def pad_collate(batch: Sequence[Tensor], *, padding_value: float = 0) -> tuple[Tensor, Tensor, Tensor]:
    """Batch 1-D sequences of different lengths: pad them to the longest.

    Use it as ``DataLoader(..., collate_fn=pad_collate)`` for a dataset whose
    items are 1-D tensors (token ids, say).

    Args:
        batch: ``B >= 1`` one-dimensional tensors ``(T_i,)`` of one dtype, on one
            device; lengths may be 0.
        padding_value: the value written after each sequence's end.

    Returns:
        ``(padded, lengths, mask)``:

        - ``padded``: ``(B, T_max)`` with the inputs' dtype and device; row ``i``
          is ``batch[i]`` followed by ``padding_value``; ``T_max = max(T_i)``;
        - ``lengths``: ``(B,)`` int64 on the CPU (where
          ``nn.utils.rnn.pack_padded_sequence`` wants it);
        - ``mask``: ``(B, T_max)`` bool on the inputs' device, True at real
          positions (``mask[i, t] == t < lengths[i]``).

    Raises:
        ValueError: an empty batch; an item that is not a 1-D tensor; items with
            different dtypes or devices.

    Example:
        >>> padded, lengths, mask = pad_collate([torch.tensor([5, 6, 7]), torch.tensor([8])])
        >>> padded, lengths, mask
        (tensor([[5, 6, 7],
                [8, 0, 0]]), tensor([3, 1]), tensor([[ True,  True,  True],
                [ True, False, False]]))

    Edge cases the tests try: one sequence, all the same length, empty
    sequences (``T_max`` may be 0), float and int64 items, ``padding_value=-1``,
    a padding value that also occurs in the data, an empty batch, a 2-D item,
    mixed dtypes, inside a ``DataLoader``, every available device.
    """
    # TODO: do not call nn.utils.rnn.pad_sequence (the tests use it as the oracle).
    # Allocate the (B, T_max) result once and copy each sequence into its row.
    # BEGIN SOLUTION
    if len(batch) == 0:
        raise ValueError("pad_collate got an empty batch")
    for i, seq in enumerate(batch):
        if not isinstance(seq, Tensor) or seq.dim() != 1:
            what = f"shape {tuple(seq.shape)}" if isinstance(seq, Tensor) else type(seq).__name__
            raise ValueError(f"pad_collate expects 1-D tensors; item {i} is {what}")
    first = batch[0]
    for i, seq in enumerate(batch):
        if seq.dtype != first.dtype or seq.device != first.device:
            raise ValueError(
                f"item {i} is {seq.dtype} on {seq.device} but item 0 is {first.dtype} on {first.device}; "
                "convert them to one dtype and device"
            )
    lengths = torch.tensor([len(seq) for seq in batch], dtype=torch.int64)  # (B,) on the CPU
    t_max = int(lengths.max())
    padded = first.new_full((len(batch), t_max), padding_value)  # (B, T_max)
    for i, seq in enumerate(batch):
        padded[i, : len(seq)] = seq
    positions = torch.arange(t_max, device=first.device)  # (T_max,)
    mask = positions[None, :] < lengths.to(first.device)[:, None]  # (B, T_max)
    return padded, lengths, mask
    # END SOLUTION


# ---------------------------------------------------------------- order and sampling


def make_loader(
    dataset: Dataset,
    batch_size: int,
    seed: int,
    *,
    shuffle: bool = True,
    drop_last: bool = False,
    collate_fn: Callable | None = None,
) -> DataLoader:
    """A single-process ``DataLoader`` whose order is a function of ``seed`` alone.

    With ``shuffle=True`` every epoch (every ``iter(loader)``) visits the
    dataset in a new random order; the sequence of orders depends only on
    ``seed``: two loaders made with the same seed give the same first epoch,
    the same second epoch, and so on, whatever the global RNG
    (``torch.manual_seed``) was set to. Different seeds give different orders.
    With ``shuffle=False`` the order is ``0, 1, ..., len(dataset) - 1``.

    Args:
        dataset: a map-style dataset.
        batch_size: samples per batch, an int ``>= 1``.
        seed: the seed of the loader's own ``torch.Generator``.
        shuffle: shuffle each epoch.
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        collate_fn: passed to the ``DataLoader`` (``None``: the default collate).

    Returns:
        a ``torch.utils.data.DataLoader`` with ``num_workers=0``.

    Raises:
        ValueError: ``batch_size`` is not a positive int.

    Example:
        >>> order = lambda loader: torch.cat(list(loader)).tolist()
        >>> data = torch.arange(6)
        >>> order(make_loader(data, 4, seed=1)) == order(make_loader(data, 4, seed=1))
        True

    Edge cases the tests try: two loaders with one seed (two epochs each)
    under different global seeds, different seeds, the same loader's two
    epochs differing, ``shuffle=False``, ``drop_last``, batch sizes of the
    last batch, a ``collate_fn``, ``batch_size=0``.
    """
    # TODO: give the DataLoader its own torch.Generator seeded with `seed`;
    # without one, shuffling draws from the global RNG.
    # BEGIN SOLUTION
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle,
        drop_last=drop_last,
        collate_fn=collate_fn,
        generator=generator,  # the sampler's permutations come from here, epoch after epoch
    )
    # END SOLUTION


def class_balanced_sampler(
    labels: Sequence[int] | Tensor,
    num_samples: int | None = None,
    *,
    generator: torch.Generator | None = None,
) -> WeightedRandomSampler:
    """A sampler that draws every class equally often, with replacement.

    Sample ``i`` gets weight ``1 / count(labels[i])``, so each class carries
    the same total weight and, inside a class, every sample is equally likely.
    Labels are any integers (negative, with gaps: ``[-3, 7, 42]`` are three
    classes). Use it as ``DataLoader(dataset, batch_size, sampler=...)``.

    Args:
        labels: ``(N,)`` integer class labels (list, NumPy array or tensor), ``N >= 1``.
        num_samples: indices drawn per epoch; ``None`` means ``N``.
        generator: the ``torch.Generator`` to draw from (``None``: the global RNG).

    Returns:
        a ``WeightedRandomSampler`` with ``replacement=True``.

    Raises:
        ValueError: empty or non-1-D labels, floating-point labels,
            ``num_samples < 1``.

    Example:
        >>> s = class_balanced_sampler([0] * 99 + [1], 1000, generator=torch.Generator().manual_seed(0))
        >>> picks = list(s)
        >>> len(picks), 400 < sum(i == 99 for i in picks) < 600
        (1000, True)

    Edge cases the tests try: a 900/90/10 imbalance with labels ``-3, 7, 42``
    (each class near 1/3 over 30000 draws), uniformity inside a class, one
    class, one sample, a list, a NumPy array, equal seeds, the global RNG
    untouched, empty, 2-D and float labels.
    """
    # TODO: count each label with torch.unique(..., return_inverse=True,
    # return_counts=True): torch.bincount fails on negative labels and wastes
    # memory on large gaps.
    # BEGIN SOLUTION
    labels = torch.as_tensor(labels)
    if labels.dim() != 1 or labels.numel() == 0:
        raise ValueError(f"labels must be a non-empty 1-D sequence, got shape {tuple(labels.shape)}")
    if labels.is_floating_point() or labels.is_complex():
        raise ValueError(f"labels must be integers, got {labels.dtype}")
    if num_samples is None:
        num_samples = len(labels)
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 1:
        raise ValueError(f"num_samples must be a positive int, got {num_samples!r}")
    _, inverse, counts = torch.unique(labels, return_inverse=True, return_counts=True)
    weights = 1.0 / counts[inverse].to(torch.float64)  # (N,): every class sums to 1
    return WeightedRandomSampler(weights, num_samples, replacement=True, generator=generator)
    # END SOLUTION


if __name__ == "__main__":
    train = DigitsDataset("train", transform=RandomShift(1, 0.05, generator=torch.Generator().manual_seed(0)))
    images, labels = next(iter(make_loader(train, 8, seed=0)))
    print("batch:", tuple(images.shape), images.dtype, labels.tolist())
    print(pad_collate([torch.tensor([5, 6, 7]), torch.tensor([8])]))
    picks = list(class_balanced_sampler([0] * 99 + [1], 1000, generator=torch.Generator().manual_seed(0)))
    print("share of the rare class:", sum(i == 99 for i in picks) / len(picks))
