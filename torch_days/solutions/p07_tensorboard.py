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
    # BEGIN SOLUTION
    if start_step < 0:
        raise ValueError(f"start_step must be >= 0, got {start_step}")
    clean: dict[str, list[float]] = {}
    for tag, values in history.items():
        if not isinstance(tag, str) or not tag:
            raise ValueError(f"tags must be non-empty strings, got {tag!r}")
        row = []
        for v in values:
            if isinstance(v, torch.Tensor) and v.numel() == 1 and not v.dtype == torch.bool:
                v = v.item()
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise ValueError(f"tag {tag!r}: values must be real numbers, got {v!r}")
            row.append(float(v))
        clean[tag] = row
    folder = Path(logdir)
    folder.mkdir(parents=True, exist_ok=True)
    before = _event_files(folder)
    with SummaryWriter(log_dir=str(folder)) as writer:
        for tag, row in clean.items():
            for i, value in enumerate(row):
                writer.add_scalar(tag, value, global_step=start_step + i)
        for i, snapshot in enumerate(weights):
            for name, tensor in snapshot.items():
                writer.add_histogram(f"weights/{name}", tensor.detach().float().cpu(), global_step=start_step + i)
    (new,) = _event_files(folder) - before  # the writer opens exactly one file
    return new
    # END SOLUTION


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
    # BEGIN SOLUTION
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no event file or run folder at {path}")
    acc = EventAccumulator(str(path), size_guidance={"scalars": 0})
    acc.Reload()
    return {tag: [(int(e.step), float(e.value)) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}
    # END SOLUTION


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
    # BEGIN SOLUTION
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
    events = [(step, value) for step, value in scalars[tag] if not math.isnan(value)]
    if not events:
        raise ValueError(f"tag {tag!r} has no value that is not NaN")
    sign = 1.0 if mode == "min" else -1.0
    step, value = min(events, key=lambda e: (sign * e[1], e[0]))
    return step, value
    # END SOLUTION


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
    # BEGIN SOLUTION
    from sklearn.datasets import load_digits

    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)  # (1797, 64)
    y = torch.tensor(digits.target, dtype=torch.int64)
    x_train, y_train, x_val, y_val = x[:1437], y[:1437], x[1437:], y[1437:]
    torch.manual_seed(seed)
    model = nn.Linear(64, 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"loss/train": [], "loss/val": [], "acc/val": []}
    Path(logdir).mkdir(parents=True, exist_ok=True)
    with SummaryWriter(log_dir=str(logdir)) as writer:
        for epoch in range(epochs):
            model.train()
            loss = F.cross_entropy(model(x_train), y_train)
            optimizer.zero_grad()
            loss.backward()
            for name, p in model.named_parameters():
                writer.add_histogram(f"weights/{name}", p.detach(), global_step=epoch)
                writer.add_histogram(f"grads/{name}", p.grad, global_step=epoch)
            optimizer.step()
            model.eval()
            with torch.no_grad():
                logits = model(x_val)
                val_loss = F.cross_entropy(logits, y_val).item()
                val_acc = (logits.argmax(dim=1) == y_val).float().mean().item()
            for tag, value in (("loss/train", loss.item()), ("loss/val", val_loss), ("acc/val", val_acc)):
                writer.add_scalar(tag, value, global_step=epoch)
                history[tag].append(value)
    return history
    # END SOLUTION


if __name__ == "__main__":
    run = Path("runs") / "digits-softmax"
    hist = train_and_log(run, epochs=20)
    scalars = read_scalars(run)
    print(f"logged tags: {sorted(scalars)}")
    print(f"best validation accuracy (step, value): {best_step(scalars, 'acc/val', mode='max')}")
