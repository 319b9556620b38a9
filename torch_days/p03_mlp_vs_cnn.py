"""Project 3: an MLP and a LeNet-style CNN on 8x8 digits, compared.

Both models read scikit-learn's digits (1797 grey images of 8x8 pixels, ten
classes) and output ten logits. The MLP sees 64 unrelated numbers; the CNN
sees an image: its convolutions share weights across positions and its
pooling forgives small shifts. The comparison puts parameter counts (by
formula, checked against ``sum(p.numel())``) next to validation accuracy.

- ``load_digits_tensors``: the images as ``(N, 1, 8, 8)`` float32 in ``[0, 1]``, a seeded split;
- ``MLP`` and ``LeNet``: the two models, and ``mlp_param_count``, ``lenet_param_count``;
- ``train_classifier``: a plain mini-batch loop with Adam and cross-entropy;
- ``evaluate``: accuracy in eval mode, without building a graph;
- ``compare_models``: train several models on the same data, one row each.

In scope: ``nn.Module`` composition, ``nn.Conv2d``/``nn.MaxPool2d`` shapes,
counting parameters, a reproducible training loop. Out of scope: data
augmentation, learning-rate schedules, early stopping (later projects).

Run the demo: .venv/bin/python -m torch_days.solutions.p03_mlp_vs_cnn
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def load_digits_tensors(*, val_size: int = 360, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """scikit-learn's digits as tensors, split into training and validation sets.

    The pixel values 0..16 are divided by 16. The split is a random
    permutation from ``torch.Generator().manual_seed(seed)``
    (``torch.randperm``): its first ``val_size`` indices are the validation
    set, the rest the training set. The same ``seed`` gives the same split.

    Args:
        val_size: the number of validation images, ``0 < val_size < 1797``.
        seed: the split's seed.

    Returns:
        ``(x_train, y_train, x_val, y_val)``: images ``(n, 1, 8, 8)`` float32
        in ``[0, 1]`` and labels ``(n,)`` int64 in ``0..9``.

    Raises:
        ValueError: ``val_size`` out of range.

    Example:
        >>> x_train, y_train, x_val, y_val = load_digits_tensors()
        >>> x_train.shape, y_val.shape, x_train.dtype, y_train.dtype
        (torch.Size([1437, 1, 8, 8]), torch.Size([360]), torch.float32, torch.int64)

    Edge cases the tests try: the split is a partition of the data set (no
    image lost or duplicated), it depends on the seed only, ``val_size`` 0 or 1797.
    """
    # TODO: sklearn.datasets.load_digits(); .images is (1797, 8, 8) float64.
    # Add the channel dimension with unsqueeze(1).
    raise NotImplementedError("torch-p03: load_digits_tensors is not written yet")


class MLP(nn.Module):
    """``64 -> hidden -> n_classes`` with one ReLU: ``Linear, ReLU, Linear``.

    ``forward`` flattens its input, so it accepts ``(N, 1, 8, 8)`` images as
    well as ``(N, 64)`` vectors, and returns ``(N, n_classes)`` logits.

    Example:
        >>> MLP(32)(torch.zeros(5, 1, 8, 8)).shape
        torch.Size([5, 10])
    """

    def __init__(self, hidden: int = 64, *, in_features: int = 64, n_classes: int = 10):
        super().__init__()
        # TODO: two nn.Linear layers (with bias) and a ReLU between them.
        raise NotImplementedError("torch-p03: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: flatten everything after the batch dimension first.
        raise NotImplementedError("torch-p03: forward is not written yet")


class LeNet(nn.Module):
    """A LeNet-style CNN for ``(N, 1, 8, 8)`` images, in this exact layout:

    ``Conv2d(1, c1, 3, padding=1) -> ReLU -> MaxPool2d(2)``  gives ``(N, c1, 4, 4)``;
    ``Conv2d(c1, c2, 3, padding=1) -> ReLU -> MaxPool2d(2)`` gives ``(N, c2, 2, 2)``;
    flatten to ``(N, 4 * c2)``, ``Linear(4 * c2, hidden) -> ReLU -> Linear(hidden, n_classes)``.

    Every layer has a bias. Create the four layers in this order (conv1, conv2,
    fc1, fc2): the tests copy your parameters, in order, into the same layout
    built from ``nn.Sequential`` and compare the outputs.

    Example:
        >>> LeNet(8, 16, 32)(torch.zeros(5, 1, 8, 8)).shape
        torch.Size([5, 10])
    """

    def __init__(self, c1: int = 8, c2: int = 16, hidden: int = 32, *, n_classes: int = 10):
        super().__init__()
        # TODO: two nn.Conv2d (kernel 3, padding 1) and two nn.Linear; pooling
        # and ReLU have no parameters (F.max_pool2d and F.relu in forward, or
        # modules: either works).
        raise NotImplementedError("torch-p03: __init__ is not written yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: (N, 1, 8, 8) -> (N, c1, 4, 4) -> (N, c2, 2, 2) -> (N, 4 * c2) -> (N, n_classes).
        raise NotImplementedError("torch-p03: forward is not written yet")


def mlp_param_count(hidden: int, *, in_features: int = 64, n_classes: int = 10) -> int:
    """The number of parameters of ``MLP(hidden)``, by formula (no model built).

    A ``Linear(i, o)`` has ``i * o`` weights and ``o`` biases.

    Example:
        >>> mlp_param_count(32)   # 64*32 + 32 + 32*10 + 10
        2410
    """
    # TODO: add up the two Linear layers. Do not build a module.
    raise NotImplementedError("torch-p03: mlp_param_count is not written yet")


def lenet_param_count(c1: int, c2: int, hidden: int, *, n_classes: int = 10) -> int:
    """The number of parameters of ``LeNet(c1, c2, hidden)``, by formula.

    A ``Conv2d(i, o, k)`` has ``o * i * k * k`` weights and ``o`` biases,
    whatever the image size: the same kernel slides over every position.

    Example:
        >>> lenet_param_count(8, 16, 32)   # 80 + 1168 + 2080 + 330
        3658
    """
    # TODO: two convolutions with 3x3 kernels, then two Linear layers; the
    # first Linear reads 4 * c2 features (a 2x2 map per channel).
    raise NotImplementedError("torch-p03: lenet_param_count is not written yet")


def train_classifier(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    lr: float = 1e-2,
    batch_size: int = 64,
    seed: int = 0,
) -> list[float]:
    """Train ``model`` with Adam and cross-entropy on mini-batches; return the loss per epoch.

    Puts the model in training mode. Builds ``torch.optim.Adam(model.parameters(), lr=lr)``
    and one ``torch.Generator().manual_seed(seed)``; each epoch draws a new
    order with ``torch.randperm(len(x), generator=g)`` and walks it in batches
    of ``batch_size`` (the last batch may be smaller). Each batch:
    ``zero_grad``, forward, ``F.cross_entropy``, ``backward``, ``step``.

    Args:
        model: maps ``(B, 1, 8, 8)`` to ``(B, C)`` logits.
        x: ``(N, 1, 8, 8)`` float; y: ``(N,)`` int64 class indices.
        epochs: ``>= 1``; lr: Adam's learning rate; batch_size: ``>= 1``; seed: the order's seed.

    Returns:
        ``epochs`` floats: each epoch's mean loss over its samples (a batch of
        ``b`` samples weighs ``b``), computed from the losses seen during the epoch.

    Raises:
        ValueError: ``epochs < 1``, ``batch_size < 1``, or ``x`` and ``y`` of different lengths.

    Example:
        >>> x_train, y_train, x_val, y_val = load_digits_tensors()
        >>> losses = train_classifier(MLP(32), x_train, y_train, epochs=8)
        >>> losses[-1] < losses[0]
        True

    Edge cases the tests try: the same seed and initial weights give the
    same losses (and weights), a batch larger than the data set, bad settings.
    """
    # TODO: sum loss.detach() * batch size into a tensor per epoch and convert
    # once per epoch (no .item() per batch).
    raise NotImplementedError("torch-p03: train_classifier is not written yet")


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Accuracy of ``model`` on ``(x, y)``: the fraction of ``argmax`` predictions equal to ``y``.

    Runs in eval mode (dropout off, batch-norm statistics frozen) under
    ``torch.no_grad()`` (no graph is built), and puts the model back in the
    mode it was in (``model.training`` before the call).

    Args:
        model: maps ``(N, ...)`` to ``(N, C)`` logits.
        x: inputs; y: ``(N,)`` int64 labels, ``N >= 1``.

    Returns:
        a float in ``[0, 1]``.

    Raises:
        ValueError: no samples.

    Example:
        >>> evaluate(MLP(32), torch.zeros(4, 1, 8, 8), torch.tensor([0, 1, 2, 3])) in (0.0, 0.25)
        True

    Edge cases the tests try: a model with dropout (the result must be
    deterministic), a model in train mode and one in eval mode (each left as
    it was), one sample.
    """
    # TODO: remember model.training, call model.eval(), compute under
    # torch.no_grad(), restore the mode with model.train(was_training).
    raise NotImplementedError("torch-p03: evaluate is not written yet")


def compare_models(
    models: dict[str, nn.Module],
    data: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor],
    *,
    epochs: int = 8,
    lr: float = 1e-2,
    batch_size: int = 64,
    seed: int = 0,
) -> list[dict]:
    """Train each model the same way on the same data; one result row per model, in order.

    Each row is ``{"name": str, "params": int, "train_loss": float, "val_acc": float}``:
    ``params`` counts the trainable parameters (``p.numel()`` of those with
    ``requires_grad``), ``train_loss`` is the last epoch's loss from
    ``train_classifier``, ``val_acc`` is ``evaluate`` on the validation set.

    Args:
        models: name -> an untrained model.
        data: ``(x_train, y_train, x_val, y_val)`` as from ``load_digits_tensors``.
        epochs, lr, batch_size, seed: passed to ``train_classifier`` for every model.

    Returns:
        a list of dicts, one per model, in ``models``' order.

    Example:
        >>> rows = compare_models({"mlp": MLP(64), "cnn": LeNet()}, load_digits_tensors())
        >>> [r["name"] for r in rows], rows[0]["params"]
        (['mlp', 'cnn'], 4810)

    Edge cases the tests try: both models reach the stated validation
    accuracies (MLP >= 0.94, LeNet >= 0.93 after 8 epochs), ``params``
    against the formulas, an empty dict (an empty list).
    """
    # TODO: use train_classifier and evaluate; no new training code.
    raise NotImplementedError("torch-p03: compare_models is not written yet")


if __name__ == "__main__":
    torch.manual_seed(0)
    results = compare_models({"MLP(64)": MLP(64), "LeNet(8, 16, 32)": LeNet(8, 16, 32)}, load_digits_tensors())
    print(f"{'model':<18}{'params':>8}{'train loss':>12}{'val acc':>9}")
    for row in results:
        print(f"{row['name']:<18}{row['params']:>8}{row['train_loss']:>12.4f}{row['val_acc']:>9.3f}")
