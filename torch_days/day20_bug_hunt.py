"""Day 20: the bug hunt — a training script with five planted bugs, and its fix.

``train_buggy`` trains a small MLP on scikit-learn's digits (8x8 images, 10
classes) with per-sample loss weights. It runs without an error and prints
plausible numbers, and it is wrong in five ways. Find them, then write
``train_fixed`` with the same signature and the contract below. Each bug has
its own grading test; a last test checks that the fixed script learns.

Given: ``load_split`` (the data), ``make_model`` (the network),
``TrainResult`` and ``train_buggy``. To write: ``train_fixed``.

In scope: the mistakes that do not crash: what the loss receives, gradient
bookkeeping, train/eval mode, broadcasting, leaking test data. Out of scope:
model or hyper-parameter tuning.

Run the demo: .venv/bin/python -m torch_days.day20_bug_hunt
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class Split:
    """A train/test split: raw pixels (0..16), labels, and one weight per training sample.

    ``w_train`` is a column, shape ``(N, 1)``, as it comes out of a table.
    """

    x_train: torch.Tensor  # (N, 64) float32
    y_train: torch.Tensor  # (N,) int64
    w_train: torch.Tensor  # (N, 1) float32
    x_test: torch.Tensor  # (M, 64) float32
    y_test: torch.Tensor  # (M,) int64


@dataclass
class TrainResult:
    model: nn.Module
    test_accuracy: float  # after the last epoch
    mean: torch.Tensor  # (64,) the normalisation statistics used
    std: torch.Tensor  # (64,)
    losses: list[float] = field(default_factory=list)  # mean weighted training loss per epoch


def load_split(*, seed: int = 0, test_fraction: float = 0.25) -> Split:
    """scikit-learn's digits, shuffled with ``seed`` and split; ``w_train`` balances the classes.

    ``w_train[i] = N / (10 * count of y_train[i] in y_train)``: a rare class weighs more.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32)
    y = torch.tensor(digits.target, dtype=torch.int64)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    n_test = int(len(y) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    counts = torch.bincount(y[train], minlength=10).float()
    w = (len(train) / (10 * counts))[y[train]].unsqueeze(1)  # (N, 1)
    return Split(x[train], y[train], w, x[test], y[test])


def make_model(seed: int = 0) -> nn.Module:
    """The network: 64 -> 64 -> 10 with ReLU and Dropout(0.2), initialised from ``seed``."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 10))


def train_buggy(
    split: Split,
    *,
    model: nn.Module | None = None,
    epochs: int = 20,
    lr: float = 0.05,
    batch_size: int = 64,
    seed: int = 0,
) -> TrainResult:
    """Train with SGD (momentum 0.9) on the weighted cross-entropy. Five bugs live here."""
    model = make_model(seed) if model is None else model
    everything = torch.cat([split.x_train, split.x_test])
    mean, std = everything.mean(dim=0), everything.std(dim=0)
    std = torch.where(std > 0, std, torch.ones_like(std))
    x_train = (split.x_train - mean) / std
    x_test = (split.x_test - mean) / std
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    g = torch.Generator().manual_seed(seed)
    losses, accuracy = [], 0.0
    for _ in range(epochs):
        order = torch.randperm(len(x_train), generator=g)
        total = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            xb, yb, wb = x_train[idx], split.y_train[idx], split.w_train[idx]
            probs = model(xb).softmax(dim=1)
            per_sample = F.cross_entropy(probs, yb, reduction="none")
            loss = (per_sample * wb).sum() / wb.sum()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / len(x_train))
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_test).argmax(dim=1) == split.y_test).float().mean().item()
    return TrainResult(model, accuracy, mean, std, losses)


def train_fixed(
    split: Split,
    *,
    model: nn.Module | None = None,
    epochs: int = 20,
    lr: float = 0.05,
    batch_size: int = 64,
    seed: int = 0,
) -> TrainResult:
    """``train_buggy`` without its bugs: the contract the tests check.

    1. Normalisation uses statistics of ``split.x_train`` alone:
       ``mean = x_train.mean(0)``, ``std = x_train.std(0)`` (unbiased) with
       zeros replaced by 1; both the training and the test inputs are
       ``(x - mean) / std``. The test set is never used for anything but
       the evaluation.
    2. Every step: gradients cleared, then one forward pass of the model in
       **training** mode on the normalised batch, then
       ``per_sample = F.cross_entropy(logits, yb, reduction="none")`` called
       once, on the model's raw output (logits, not probabilities), then
    3. the weighted mean ``loss = sum(w_i * per_sample_i) / sum(w_i)`` over
       the batch, a 0-d tensor (``wb`` is ``(B, 1)``: make it ``(B,)`` first),
    4. one ``loss.backward()`` and one ``optimizer.step()``
       (``torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)``).
    5. After each epoch, the test accuracy in **eval** mode under
       ``torch.no_grad()``; the next epoch trains in training mode again.

    Batches are ``batch_size`` rows of a fresh random permutation per epoch
    (from ``torch.Generator().manual_seed(seed)``); the last one may be smaller.

    Args:
        split: the data (``load_split()``).
        model: the network to train; ``None`` for ``make_model(seed)``.
        epochs: passes over the training set, ``>= 1``.
        lr: the SGD learning rate.
        batch_size: rows per step.
        seed: seeds the model (when made here) and the batch order.

    Returns:
        ``TrainResult(model, test_accuracy, mean, std, losses)``, ``losses``
        holding each epoch's mean training loss (each batch's loss weighted by
        its number of rows).

    Example:
        >>> result = train_fixed(load_split())
        >>> result.test_accuracy > 0.9
        True

    What the tests check, one bug each: the statistics and the inputs the
    model sees (train rows normalised by train statistics), the gradient at
    every ``optimizer.step()`` (it must be the gradient of that step's loss
    alone), the mode of every forward pass, the tensor handed to
    ``F.cross_entropy`` (the model's output itself), the loss value against
    the weighted mean; then the test accuracy after training.
    """
    # TODO: start from a copy of train_buggy's body and fix it. Read each line
    # and ask: what shape is this? which mode is the model in? what does the
    # loss expect? which data does this statistic see? Keep the single
    # F.cross_entropy(..., reduction="none") call per step: the tests spy on it.
    raise NotImplementedError("torch-20: train_fixed is not written yet")


if __name__ == "__main__":
    split = load_split()
    for name, train in (("buggy", train_buggy), ("fixed", train_fixed)):
        result = train(split)
        print(f"{name}: test accuracy {result.test_accuracy:.3f}, last loss {result.losses[-1]:.4f}")
