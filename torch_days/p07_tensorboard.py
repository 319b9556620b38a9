"""Project 7: logging training to TensorBoard, and reading the logs back.

TensorBoard reads *event files*: append-only records of (tag, step, value)
written by ``torch.utils.tensorboard.SummaryWriter``. One run is one folder;
the TensorBoard UI (``tensorboard --logdir runs``) shows every run under a
folder side by side. This project writes and reads those files:

- ``log_training``: replay a finished history (per-step scalars and weight
  snapshots) into a new event file;
- ``read_scalars``: read every scalar of a run back, with
  ``tensorboard``'s ``EventAccumulator``;
- ``best_step``: the step with the best value of one tag;
- ``train_and_log``: train a small model and log as it goes (losses,
  accuracy, weight and gradient histograms), the way a real script does.

In scope: tags and steps, scalars and histograms, flushing and closing, one
folder per run. Out of scope: images, graphs, embeddings, the HParams plugin,
``add_scalars`` (it writes one sub-folder per key, a common surprise).

Run the demo: .venv/bin/python -m torch_days.solutions.p07_tensorboard
then: .venv/bin/tensorboard --logdir runs
"""

from __future__ import annotations

import math
import numbers
from pathlib import Path
from typing import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.tensorboard import SummaryWriter


def _event_files(folder: Path) -> set[Path]:
    return set(folder.glob("events.out.tfevents.*")) if folder.is_dir() else set()


def log_training(
    logdir: str | Path,
    history: Mapping[str, Sequence[float]],
    *,
    weights: Sequence[Mapping[str, torch.Tensor]] = (),
    start_step: int = 0,
) -> Path:
    """Write a finished run into a new event file in ``logdir``; return that file's path.

    - ``history[tag][i]`` becomes a scalar with that ``tag`` at step
      ``start_step + i`` (tags such as ``"loss/train"``: TensorBoard groups
      tags by the part before the ``/``). NaN values are written as NaN.
    - ``weights[i]`` (a mapping name -> tensor, e.g. a ``state_dict``) becomes
      one histogram per name, tag ``"weights/<name>"``, at step ``start_step + i``.
      Tensors on any device are accepted (histograms are computed on the CPU).

    The writer must be closed before returning (``SummaryWriter`` buffers
    events and writes them every ``flush_secs``; an unclosed writer can leave
    an empty file behind). Use it as a context manager. ``logdir`` is created
    if needed; a folder that already holds event files gets one more (the
    runs are then merged in the UI, so normally give each run its own folder).

    Args:
        logdir: the run's folder.
        history: tag -> values per step; each value a real number (int, float,
            or a 0-d tensor), not a bool. Tags are non-empty strings.
        weights: snapshots to log as histograms, one per step.
        start_step: the step of the first value (to continue an earlier run).

    Returns:
        the path of the event file written by this call.

    Raises:
        ValueError: an empty or non-string tag, a value that is not a real
            number, ``start_step < 0``.

    Example:
        >>> path = log_training("/tmp/run1", {"loss/train": [0.9, 0.5, 0.4]})
        >>> read_scalars(path)["loss/train"]   # stored as float32
        [(0, 0.8999999761581421), (1, 0.5), (2, 0.4000000059604645)]

    Edge cases the tests try: several tags of different lengths, a NaN, a
    Unicode tag, ``start_step``, histograms of a ``state_dict`` (count, min,
    max, sum), an empty history, a folder with an earlier run, bad values.
    """
    # TODO: validate first, then `with SummaryWriter(log_dir=...) as writer:`
    # add_scalar(tag, value, global_step=...) and add_histogram(...). Find the
    # new file by listing events.out.tfevents.* before and after.
    raise NotImplementedError("torch-p07: log_training is not written yet")


def read_scalars(path: str | Path) -> dict[str, list[tuple[int, float]]]:
    """Every scalar of a run: tag -> ``[(step, value), ...]`` in the order written.

    ``path`` is an event file or a run folder (all its event files are read).
    Use ``tensorboard.backend.event_processing.event_accumulator.EventAccumulator``
    with ``size_guidance={"scalars": 0}`` (0 keeps every event; the default
    keeps a *random sample* of 10,000 per tag), then ``Reload()``.

    Args:
        path: an ``events.out.tfevents.*`` file or a folder holding them.

    Returns:
        a dict of lists of ``(int step, float value)``; ``{}`` for a run with no scalars.

    Raises:
        FileNotFoundError: ``path`` does not exist.

    Example:
        >>> read_scalars("/tmp/run1")
        {'loss/train': [(0, 0.8999999761581421), (1, 0.5), (2, 0.4000000059604645)]}

    Edge cases the tests try: a file and a folder, values stored as float32
    (0.9 comes back as 0.8999999761581421), NaN, a run with no scalars, a missing path.
    """
    # TODO: acc.Tags()["scalars"] lists the tags; acc.Scalars(tag) gives
    # events with .step and .value.
    raise NotImplementedError("torch-p07: read_scalars is not written yet")


def best_step(scalars: Mapping[str, Sequence[tuple[int, float]]], tag: str, *, mode: str = "min") -> tuple[int, float]:
    """The ``(step, value)`` with the lowest (``mode="min"``) or highest (``"max"``) value of ``tag``.

    NaN values are skipped; on a tie the earliest step wins.

    Args:
        scalars: as returned by ``read_scalars``.
        tag: the tag to search.
        mode: ``"min"`` or ``"max"``.

    Returns:
        ``(step, value)``.

    Raises:
        KeyError: ``tag`` is not in ``scalars``.
        ValueError: a bad ``mode``, or no finite value under ``tag``.

    Example:
        >>> best_step({"acc/val": [(0, 0.5), (1, 0.9), (2, 0.9)]}, "acc/val", mode="max")
        (1, 0.9)
    """
    # TODO: filter out NaN with math.isnan; min/max over (value, step) pairs
    # breaks ties by step (for max, negate the value instead).
    raise NotImplementedError("torch-p07: best_step is not written yet")


def train_and_log(logdir: str | Path, *, epochs: int = 20, lr: float = 0.05, seed: int = 0) -> dict[str, list[float]]:
    """Train softmax regression on the digits and log every epoch to TensorBoard as it runs.

    The set-up: ``load_digits()``, pixels ``/ 16`` as ``(1797, 64)`` float32;
    the first 1437 images train, the last 360 validate. ``torch.manual_seed(seed)``,
    ``model = nn.Linear(64, 10)``, ``torch.optim.Adam(model.parameters(), lr=lr)``,
    one full-batch step per epoch.

    Epoch ``e`` (the step in TensorBoard), in this order: the training loss
    of the batch, ``backward``; histograms of every parameter
    (``"weights/<name>"``, values before this epoch's update) and of its
    gradient (``"grads/<name>"``), with ``name`` from ``named_parameters()``;
    ``optimizer.step()``; then, in eval mode without gradients, the
    validation loss and accuracy. Scalars: ``"loss/train"`` (the loss before
    the update), ``"loss/val"`` and ``"acc/val"`` (after it).

    Args:
        logdir: the run's folder (created if needed).
        epochs: ``>= 1``; lr: Adam's rate; seed: the initialisation seed.

    Returns:
        ``{"loss/train": [...], "loss/val": [...], "acc/val": [...]}``, one float
        per epoch: exactly the values written.

    Raises:
        ValueError: ``epochs < 1``.

    Example:
        >>> history = train_and_log("/tmp/run2", epochs=20)
        >>> history["acc/val"][-1] > 0.8
        True
    """
    # TODO: `with SummaryWriter(log_dir=str(logdir)) as writer:` around the
    # loop; writer.add_scalar / add_histogram with global_step=epoch.
    raise NotImplementedError("torch-p07: train_and_log is not written yet")


if __name__ == "__main__":
    run = Path("runs") / "digits-softmax"
    hist = train_and_log(run, epochs=20)
    scalars = read_scalars(run)
    print(f"logged tags: {sorted(scalars)}")
    print(f"best validation accuracy (step, value): {best_step(scalars, 'acc/val', mode='max')}")
