"""Project 5: transfer learning in miniature — digits 0-4, then 5-9.

A small CNN is pre-trained on the digits 0-4. Its convolutional ``features``
then serve a new task, the digits 5-9, with a fresh classification ``head``,
fine-tuned on only a hundred images in two ways:

- **frozen**: the features stay exactly as pre-trained (no gradients, and
  batch-norm statistics frozen too); only the head learns;
- **unfrozen**: everything learns, starting from the pre-trained weights.

A model trained from scratch on the same hundred images is the baseline.

- ``DigitNet``: the model (given): ``features`` (conv-BN-ReLU-pool x 2) then ``head``;
- ``load_class_split``: the images of some classes, labels renumbered ``0..k-1``;
- ``replace_head``, ``set_trainable``: model surgery;
- ``fine_tune``: a training loop that respects frozen features;
- ``transfer_experiment``: pre-train once, compare frozen, unfrozen and scratch.

In scope: ``requires_grad``, which parameters an optimizer sees, ``eval()``
on a sub-module, copying models. Out of scope: large pre-trained models,
discriminative learning rates, gradual unfreezing (mentioned in the lesson).

Run the demo: .venv/bin/python -m torch_days.solutions.p05_transfer
"""

from __future__ import annotations

import copy
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn


class DigitNet(nn.Module):
    """``features``: ``(N, 1, 8, 8) -> (N, 8 * channels)``; ``head``: ``Linear(8 * channels, n_classes)``.

    ``features`` is ``Conv2d(1, c, 3, padding=1), BatchNorm2d(c), ReLU, MaxPool2d(2)``
    (``(N, c, 4, 4)``), then ``Conv2d(c, 2c, 3, padding=1), BatchNorm2d(2c), ReLU,
    MaxPool2d(2)`` (``(N, 2c, 2, 2)``), then ``Flatten``.
    """

    def __init__(self, n_classes: int = 5, *, channels: int = 16):
        super().__init__()
        c = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(2),  # (N, c, 4, 4)
            nn.Conv2d(c, 2 * c, 3, padding=1), nn.BatchNorm2d(2 * c), nn.ReLU(), nn.MaxPool2d(2),  # (N, 2c, 2, 2)
            nn.Flatten(),  # (N, 8c)
        )
        self.head = nn.Linear(8 * c, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))  # (N, n_classes)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Accuracy in eval mode without a graph; the model's mode is restored (given, not an exercise)."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        result = (model(x).argmax(dim=1) == y).float().mean().item()
    model.train(was_training)
    return result


def load_class_split(
    classes: Sequence[int], *, train_size: int | None = None, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The digits of ``classes`` only, labels renumbered by position in ``classes``, split in two.

    Take every image of scikit-learn's digits whose label is in ``classes``
    (pixels divided by 16, shape ``(1, 8, 8)``, float32), in data-set order;
    shuffle them with ``torch.randperm(n, generator=torch.Generator().manual_seed(seed))``;
    the first ``n // 4`` are the validation set, the rest the training set, of
    which only the first ``train_size`` are kept when ``train_size`` is given.
    Label ``classes[i]`` becomes ``i``: ``classes=[5, 6, 7, 8, 9]`` maps 7 to 2.

    Args:
        classes: distinct digits in ``0..9``, at least one.
        train_size: keep this many training images (``1 <= train_size <=`` available), or all.
        seed: the shuffle's seed.

    Returns:
        ``(x_train, y_train, x_val, y_val)``: ``(n, 1, 8, 8)`` float32 and ``(n,)`` int64 in ``0..len(classes)-1``.

    Raises:
        ValueError: no classes, duplicates, a digit outside 0..9, a bad ``train_size``.

    Example:
        >>> x_train, y_train, x_val, y_val = load_class_split([5, 6, 7, 8, 9], train_size=100)
        >>> x_train.shape, x_val.shape, sorted(y_val.unique().tolist())
        (torch.Size([100, 1, 8, 8]), torch.Size([224, 1, 8, 8]), [0, 1, 2, 3, 4])

    Edge cases the tests try: labels renumbered in the order given
    (``[9, 5]`` maps 9 to 0), every image really of its class (against the
    data set), seeds, one class, bad arguments.
    """
    # TODO: torch.isin finds the rows of the classes; a lookup table
    # (a (10,) tensor with table[classes[i]] = i) renumbers the labels.
    raise NotImplementedError("torch-p05: load_class_split is not written yet")


def replace_head(model: DigitNet, n_classes: int) -> None:
    """Give ``model`` a new, freshly initialised ``head`` with ``n_classes`` outputs.

    The new ``nn.Linear`` reads the same number of features as the old head
    and lives on the old head's device and dtype. ``model.features`` is not touched.

    Example:
        >>> model = DigitNet(5)
        >>> replace_head(model, 3)
        >>> model.head
        Linear(in_features=128, out_features=3, bias=True)

    Edge cases the tests try: a model on every device, float64, the features
    keep their very parameter objects.
    """
    # TODO: read in_features from the old head; nn.Linear(..., device=..., dtype=...).
    raise NotImplementedError("torch-p05: replace_head is not written yet")


def set_trainable(module: nn.Module, trainable: bool) -> None:
    """Set ``requires_grad`` of every parameter of ``module`` (and its sub-modules) to ``trainable``.

    Buffers (batch-norm running statistics) are not parameters and are not
    touched; whether they change is decided by train/eval mode, not by this.

    Example:
        >>> model = DigitNet()
        >>> set_trainable(model.features, False)
        >>> any(p.requires_grad for p in model.features.parameters()), model.head.weight.requires_grad
        (False, True)
    """
    # TODO: loop over module.parameters().
    raise NotImplementedError("torch-p05: set_trainable is not written yet")


def fine_tune(
    model: DigitNet,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    freeze_features: bool,
    epochs: int,
    lr: float = 1e-2,
    batch_size: int = 32,
    seed: int = 0,
) -> list[float]:
    """Train ``model`` on ``(x, y)`` with the features frozen or not; return the loss per epoch.

    With ``freeze_features=True`` the features must come out *bit-identical*:

    - ``set_trainable(model.features, False)``, so no gradient is computed for
      them (their ``.grad`` stays ``None``) and the optimizer never sees them;
    - ``model.features.eval()`` after ``model.train()``: in train mode,
      batch-norm layers normalise with the batch's statistics and update their
      running statistics, which would change the features without any gradient.

    With ``freeze_features=False`` everything is trainable (``set_trainable(model, True)``)
    and the whole model is in train mode. The head is always trainable.

    The loop: ``torch.optim.Adam`` over the parameters that require grad,
    one ``torch.Generator().manual_seed(seed)``, each epoch a ``randperm``
    order in batches of ``batch_size``, ``F.cross_entropy``. The model is left
    in train mode (features in eval mode when frozen) and with the
    ``requires_grad`` flags set as above.

    Args:
        model: a ``DigitNet`` (or any module with ``features`` and ``head``).
        x: ``(N, 1, 8, 8)``; y: ``(N,)`` int64 labels in ``0..n_classes-1``.
        freeze_features: keep the features as they are.
        epochs: ``>= 1``; lr, batch_size, seed: the loop's settings.

    Returns:
        ``epochs`` floats, each epoch's mean loss over its samples.

    Raises:
        ValueError: ``epochs < 1`` or ``batch_size < 1``.

    Example:
        >>> x_train, y_train, _, _ = load_class_split([5, 6, 7, 8, 9], train_size=100)
        >>> model = DigitNet(5)
        >>> before = model.features[0].weight.clone()
        >>> losses = fine_tune(model, x_train, y_train, freeze_features=True, epochs=3)
        >>> torch.equal(model.features[0].weight, before), model.features[0].weight.grad is None
        (True, True)

    Edge cases the tests try: frozen (parameters *and* batch-norm buffers
    unchanged, no gradients, the head changed), unfrozen after frozen (the
    features learn again), every device.
    """
    # TODO: set requires_grad first, then build the optimizer from
    # [p for p in model.parameters() if p.requires_grad]; model.train(), then
    # model.features.eval() when frozen.
    raise NotImplementedError("torch-p05: fine_tune is not written yet")


def transfer_experiment(
    *, train_size: int = 100, pretrain_epochs: int = 5, finetune_epochs: int = 10, seed: int = 0
) -> dict[str, float]:
    """Pre-train on digits 0-4, then compare three ways to learn digits 5-9.

    1. ``torch.manual_seed(seed)``, a ``DigitNet(5)``, ``fine_tune`` it
       unfrozen on ``load_class_split([0, 1, 2, 3, 4], seed=seed)`` for
       ``pretrain_epochs``; ``pretrain_acc`` is its validation accuracy.
    2. For ``frozen`` and ``unfrozen``: a ``copy.deepcopy`` of the pre-trained
       model, ``torch.manual_seed(seed + 1)``, ``replace_head(copy, 5)``, then
       ``fine_tune`` on ``load_class_split([5, 6, 7, 8, 9], train_size=train_size, seed=seed)``
       for ``finetune_epochs``, with ``freeze_features`` True or False.
    3. ``scratch``: ``torch.manual_seed(seed + 1)``, a new ``DigitNet(5)``,
       trained like ``unfrozen``.

    Accuracies are on the 5-9 validation set (``accuracy``, given).

    Returns:
        ``{"pretrain_acc": ..., "frozen_acc": ..., "unfrozen_acc": ..., "scratch_acc": ...}``.

    Example:
        >>> result = transfer_experiment()
        >>> result["frozen_acc"] > 0.85 and result["unfrozen_acc"] > 0.9
        True

    Edge cases the tests try: the four keys, the stated accuracies (each
    fine-tuning run must start from its own copy of the pre-trained model).
    """
    # TODO: use load_class_split, DigitNet, fine_tune, replace_head and accuracy.
    raise NotImplementedError("torch-p05: transfer_experiment is not written yet")


if __name__ == "__main__":
    for size in (25, 100):
        outcome = transfer_experiment(train_size=size)
        print(f"train_size={size}: " + ", ".join(f"{k} {v:.3f}" for k, v in outcome.items()))
