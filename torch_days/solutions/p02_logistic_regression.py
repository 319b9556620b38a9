"""Project 2: binary logistic regression by hand.

The model is ``p = sigmoid(X @ w + b)``, the probability of class 1; it is
trained by minimising the mean binary cross-entropy (plus an optional L2
penalty ``l2 / 2 * ||w||^2``) with full-batch gradient descent. Every piece is
written out, and autograd is used only to *check* the hand-written gradient:

- ``sigmoid``: ``1 / (1 + exp(-z))`` without overflow or NaN, in value and gradient;
- ``binary_cross_entropy``: the loss computed from logits, stable at ``|z| = 1000``;
- ``logistic_gradients``: the loss and its gradient, ``X^T (p - y) / n + l2 * w``;
- ``fit_logistic``: gradient descent with those gradients, no autograd;
- ``predict`` and ``accuracy``.

In scope: the sigmoid/BCE pair and why it gives such a simple gradient, numerical
stability, L2 regularisation. Out of scope: more than two classes (softmax), Newton's
method and L-BFGS (what scikit-learn uses), ``torch.optim``.

Run the demo: .venv/bin/python -m torch_days.solutions.p02_logistic_regression
"""

from __future__ import annotations

import torch


def _check_xy(X: torch.Tensor, y: torch.Tensor) -> None:
    if X.dim() != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {tuple(X.shape)}")
    if y.shape != X.shape[:1]:
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {tuple(y.shape)}")
    if X.shape[0] == 0:
        raise ValueError("cannot fit on an empty data set (0 samples)")


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """The logistic function ``1 / (1 + exp(-z))``, elementwise, stable for any ``z``.

    ``exp(-z)`` overflows to ``inf`` for ``z < -88`` in float32; the result is
    still right (``1 / inf = 0``) but its *gradient* becomes NaN, and
    ``exp(z) / (1 + exp(z))`` gives ``inf / inf = NaN`` for large positive
    ``z``. The stable form uses ``e = exp(-|z|)``, which lies in ``(0, 1]``:
    ``1 / (1 + e)`` for ``z >= 0`` and ``e / (1 + e)`` for ``z < 0``.
    Two gradient traps: ``torch.where`` computes both branches, and a NaN or
    ``inf`` in the branch not taken still poisons the gradient; and autograd
    gives ``z.abs()`` the derivative ``sign(0) = 0`` at ``z = 0``, which would
    make the sigmoid's gradient there 0 instead of 0.25. Build ``-|z|`` as
    ``torch.where(z >= 0, -z, z)`` instead.

    Args:
        z: any shape, float dtype, any device.

    Returns:
        a tensor of ``z``'s shape, dtype and device with values in ``[0, 1]``;
        differentiable, with a finite gradient ``s * (1 - s)`` everywhere.

    Example:
        >>> sigmoid(torch.tensor([-1000.0, 0.0, 2.0, 1000.0]))
        tensor([0.0000, 0.5000, 0.8808, 1.0000])

    Edge cases the tests try: ``z = ±1000`` and ``±100`` in float32 (values and
    gradients), ``z = 0`` (gradient 0.25), empty and 3-D tensors, float64, every device.
    """
    # TODO: compute e = exp(-|z|) once and pick the right formula with
    # torch.where. Do not call torch.sigmoid, F.sigmoid or torch.special.expit.
    # BEGIN SOLUTION
    e = torch.exp(torch.where(z >= 0, -z, z))  # exp(-|z|) in (0, 1]; d/dz is right at z = 0
    return torch.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    # END SOLUTION


def binary_cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of labels ``y`` under probabilities ``sigmoid(logits)``.

    Per element, ``-(y * log(p) + (1 - y) * log(1 - p))`` with ``p = sigmoid(z)``.
    Computed from the logit ``z`` it simplifies to ``softplus(z) - y * z``, with
    ``softplus(z) = log(1 + exp(z))``: use a stable softplus
    (``torch.logaddexp(zeros, z)`` or ``F.softplus``). Never take ``log`` of a
    probability that has rounded to 0 or 1. The gradient with respect to ``z``
    is ``(sigmoid(z) - y) / N``, also at ``z = 0``.

    Args:
        logits: ``z``, any shape, float.
        y: the same shape as ``logits``, float, values in ``[0, 1]`` (soft labels allowed).

    Returns:
        a 0-d tensor, the mean over all elements; differentiable.

    Raises:
        ValueError: ``y`` and ``logits`` have different shapes, or are empty.

    Example:
        >>> binary_cross_entropy(torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0]))
        tensor(1.4100)

    Edge cases the tests try: ``|z| = 1000`` in float32, ``z = 0`` (gradient),
    soft labels, 2-D inputs, values and gradients against
    ``F.binary_cross_entropy_with_logits``, shape mismatch, every device.
    """
    # TODO: one line of softplus(z) - y * z, averaged. Do not call
    # F.binary_cross_entropy(_with_logits), nn.BCELoss or nn.BCEWithLogitsLoss.
    # Avoid max(z, 0) + log1p(exp(-|z|)): right values, wrong gradient at z = 0.
    # BEGIN SOLUTION
    if logits.shape != y.shape:
        raise ValueError(f"logits and y must have the same shape, got {tuple(logits.shape)} and {tuple(y.shape)}")
    if logits.numel() == 0:
        raise ValueError("binary_cross_entropy of an empty tensor is undefined")
    softplus = torch.logaddexp(torch.zeros_like(logits), logits)  # log(1 + e^z), stable both ways
    return (softplus - y * logits).mean()
    # END SOLUTION


def logistic_gradients(
    X: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor, *, l2: float = 0.0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The regularised loss and its gradient, derived by hand.

    With ``z = X @ w + b`` and ``p = sigmoid(z)``:

    - ``loss = binary_cross_entropy(z, y) + l2 / 2 * (w @ w)``;
    - ``grad_w = X^T (p - y) / n + l2 * w``;
    - ``grad_b = mean(p - y)`` (the bias is not penalised).

    Args:
        X: ``(n, d)``; y: ``(n,)`` of 0/1 floats; w: ``(d,)``; b: ``()``.
        l2: the penalty ``>= 0``.

    Returns:
        ``(loss, grad_w, grad_b)``: shapes ``()``, ``(d,)``, ``()``, on ``X``'s device.

    Raises:
        ValueError: bad shapes, no samples, ``l2 < 0``.

    Example:
        >>> X = torch.tensor([[1.0], [-1.0]])
        >>> logistic_gradients(X, torch.tensor([1.0, 0.0]), torch.zeros(1), torch.tensor(0.0))
        (tensor(0.6931), tensor([-0.5000]), tensor(0.))

    Edge cases the tests try: ``l2`` 0 and > 0, one sample, one feature,
    float64 against ``torch.autograd`` on ``F.binary_cross_entropy_with_logits``,
    every device.
    """
    # TODO: no autograd here (no .backward(), no torch.autograd.grad): write
    # the two gradient formulas with one matrix-vector product.
    # BEGIN SOLUTION
    _check_xy(X, y)
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2}")
    z = X @ w + b  # (n,)
    residual = sigmoid(z) - y  # (n,): dloss/dz times n
    loss = binary_cross_entropy(z, y) + l2 / 2 * (w @ w)
    grad_w = X.T @ residual / X.shape[0] + l2 * w  # (d,)
    return loss, grad_w, residual.mean()
    # END SOLUTION


def fit_logistic(
    X: torch.Tensor, y: torch.Tensor, *, lr: float, steps: int, l2: float = 0.0
) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """Full-batch gradient descent from ``w = 0, b = 0`` with ``logistic_gradients``.

    Each step computes ``loss, gw, gb`` at the current ``w, b``, records the
    loss, then ``w -= lr * gw`` and ``b -= lr * gb``. So ``losses[0]`` is
    ``log(2)`` (every probability starts at 0.5). The objective is convex,
    so with a small enough ``lr`` it reaches the same minimum as any other
    solver: with ``l2 > 0`` that minimum is unique and equals scikit-learn's
    ``LogisticRegression(C=1 / (n * l2))``.

    Needs no autograd: it works inside ``torch.no_grad()``.

    Args:
        X: ``(n, d)`` float (standardise the features first); y: ``(n,)`` of 0/1 floats.
        lr: ``> 0``; steps: ``>= 1``; l2: ``>= 0``.

    Returns:
        ``(w, b, losses)``: ``(d,)`` and ``()`` tensors on ``X``'s device and
        dtype, and ``steps`` Python floats (the loss before each update).

    Raises:
        ValueError: bad shapes, ``lr <= 0``, ``steps < 1``, ``l2 < 0``.

    Example:
        >>> X = torch.tensor([[-2.0], [-1.0], [1.0], [2.0]])
        >>> w, b, losses = fit_logistic(X, torch.tensor([0.0, 0.0, 1.0, 1.0]), lr=1.0, steps=50)
        >>> round(losses[0], 4), bool(w > 0), predict(X, w, b)
        (0.6931, True, tensor([0, 0, 1, 1]))

    Edge cases the tests try: the breast-cancer data (objective against
    scikit-learn's optimum, validation accuracy against scikit-learn's),
    ``losses[0] == log(2)``, one step, under ``torch.no_grad()``, bad settings,
    every device.
    """
    # TODO: use logistic_gradients; collect the losses as tensors and convert
    # them once at the end (no .item() in the loop).
    # BEGIN SOLUTION
    _check_xy(X, y)
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2}")
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    b = torch.zeros((), dtype=X.dtype, device=X.device)
    losses = []
    for _ in range(steps):
        loss, gw, gb = logistic_gradients(X, y, w, b, l2=l2)
        losses.append(loss)
        w = w - lr * gw
        b = b - lr * gb
    return w, b, torch.stack(losses).tolist()
    # END SOLUTION


def predict(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Class labels: 1 where ``sigmoid(X @ w + b) >= 0.5``, i.e. where the logit is ``>= 0``.

    Args:
        X: ``(n, d)``; w: ``(d,)``; b: ``()``.

    Returns:
        ``(n,)`` int64 tensor of 0s and 1s on ``X``'s device.

    Example:
        >>> predict(torch.tensor([[1.0], [-1.0], [0.0]]), torch.tensor([2.0]), torch.tensor(0.0))
        tensor([1, 0, 1])

    Edge cases the tests try: a logit of exactly 0 (class 1), an empty ``X``.
    """
    # TODO: compare the logit with 0 (no sigmoid needed) and cast to int64.
    # BEGIN SOLUTION
    return (X @ w + b >= 0).long()
    # END SOLUTION


def accuracy(predictions: torch.Tensor, labels: torch.Tensor) -> float:
    """The fraction of positions where ``predictions == labels``, as a Python float.

    Args:
        predictions, labels: tensors of the same shape (any dtype: 1 and 1.0 match).

    Returns:
        a float in ``[0, 1]``.

    Raises:
        ValueError: different shapes, or no elements.

    Example:
        >>> accuracy(torch.tensor([1, 0, 1, 1]), torch.tensor([1.0, 0.0, 0.0, 1.0]))
        0.75

    Edge cases the tests try: int against float labels, all right, all wrong,
    empty tensors, mismatched shapes.
    """
    # TODO: compare, count with .sum(), divide by the number of elements.
    # BEGIN SOLUTION
    if predictions.shape != labels.shape:
        raise ValueError(f"predictions and labels must have the same shape, got {tuple(predictions.shape)} and {tuple(labels.shape)}")
    if predictions.numel() == 0:
        raise ValueError("accuracy of zero predictions is undefined")
    return (predictions == labels).sum().item() / predictions.numel()
    # END SOLUTION


if __name__ == "__main__":
    from sklearn.datasets import load_breast_cancer

    data, target = load_breast_cancer(return_X_y=True)
    X_all = torch.tensor(data, dtype=torch.float32)
    y_all = torch.tensor(target, dtype=torch.float32)
    order = torch.randperm(len(y_all), generator=torch.Generator().manual_seed(0))
    train, val = order[:455], order[455:]
    mean, std = X_all[train].mean(0), X_all[train].std(0)
    X_all = (X_all - mean) / std
    w_fit, b_fit, hist = fit_logistic(X_all[train], y_all[train], lr=1.0, steps=500, l2=0.01)
    print(f"loss {hist[0]:.4f} -> {hist[-1]:.4f}")
    print(f"validation accuracy {accuracy(predict(X_all[val], w_fit, b_fit), y_all[val]):.3f}")
