"""Project 1: linear regression from scratch, three ways.

The model is ``y_hat = X @ w + b``; the loss is the mean squared error. The
same weights are found three ways, each a step closer to how a network trains:

- ``fit_normal_equations``: the closed form, solving ``(A^T A) theta = A^T y``
  for the design matrix ``A = [1 | X]`` (optionally with an L2 penalty, ridge);
- ``fit_gradient_descent``: full-batch gradient descent in NumPy, with the
  gradient worked out by hand in ``mse_and_gradient``;
- ``fit_torch``: the same descent in PyTorch, with autograd computing the
  gradient.

Around them: ``standardize`` (features on one scale, so one learning rate
suits them all) and ``r2_score`` (the fraction of the variance explained).

In scope: NumPy linear algebra, the MSE gradient, a manual update under
``torch.no_grad()``. Out of scope: ``torch.optim``, mini-batches,
regularisation other than ridge in the closed form.

Run the demo: .venv/bin/python -m torch_days.solutions.p01_linear_regression
"""

from __future__ import annotations

import numpy as np
import torch


def _check_xy(X, y) -> None:
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {tuple(X.shape)}")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (n_samples,), got shape {tuple(y.shape)}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} values")
    if X.shape[0] == 0:
        raise ValueError("cannot fit on an empty data set (0 samples)")


def _check_lr_steps(lr: float, steps: int) -> None:
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")


def standardize(
    X: np.ndarray,
    *,
    mean: np.ndarray | None = None,
    std: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale each column of ``X`` to mean 0 and standard deviation 1.

    ``mean`` and ``std`` default to the column statistics of ``X`` itself
    (population std, ``ddof=0``). Pass the training set's ``mean`` and ``std``
    to scale a validation set the same way. A column with ``std == 0`` (a
    constant feature) is divided by 1 instead, so it becomes all zeros rather
    than NaN; the returned ``std`` holds that 1.

    Args:
        X: ``(n_samples, n_features)`` floats.
        mean, std: ``(n_features,)`` statistics to use instead of ``X``'s.

    Returns:
        ``(X_scaled, mean, std)``: the scaled copy (float64) and the
        statistics used. ``X`` itself is not modified.

    Raises:
        ValueError: ``X`` is not 2-D or has no rows (when its own statistics
            are needed).

    Example:
        >>> Xs, mean, std = standardize(np.array([[1.0, 5.0], [3.0, 5.0]]))
        >>> Xs
        array([[-1.,  0.],
               [ 1.,  0.]])
        >>> mean, std
        (array([2., 5.]), array([1., 1.]))

    Edge cases the tests try: the diabetes features, a constant column, one
    row, given ``mean``/``std`` (as ``sklearn``'s ``StandardScaler.transform``).
    """
    # TODO: compute column means and np.std (ddof=0) unless given; replace a
    # zero std by 1. Return a new array; never write into X.
    raise NotImplementedError("torch-p01: standardize is not written yet")


def fit_normal_equations(X: np.ndarray, y: np.ndarray, *, ridge: float = 0.0) -> tuple[np.ndarray, float]:
    """Least-squares weights in closed form: minimise ``||y - X w - b||^2 + ridge * ||w||^2``.

    With the design matrix ``A = [1 | X]`` (a column of ones for the bias) and
    ``theta = [b, w]``, the minimum solves the normal equations
    ``(A^T A + ridge * D) theta = A^T y``, where ``D`` is the identity with a 0
    in the bias position (the bias is never penalised, as in
    ``sklearn.linear_model.Ridge``).

    With ``ridge == 0`` the solution is unique only when ``A`` has full column
    rank: duplicated or collinear features, a constant feature (it duplicates
    the bias column), or fewer samples than ``n_features + 1`` all make
    ``A^T A`` singular. Check the rank with ``np.linalg.matrix_rank(A)`` and
    raise instead of returning numbers that mean nothing.

    Args:
        X: ``(n_samples, n_features)``.
        y: ``(n_samples,)``.
        ridge: the L2 penalty ``>= 0`` on ``w`` (0: ordinary least squares).

    Returns:
        ``(w, b)``: ``w`` of shape ``(n_features,)`` (float64) and ``b`` a float.

    Raises:
        ValueError: bad shapes, no samples, ``ridge < 0``, or (with
            ``ridge == 0``) rank-deficient ``A``; the message suggests ``ridge > 0``.

    Example:
        >>> X = np.array([[0.0], [1.0], [2.0]])
        >>> w, b = fit_normal_equations(X, np.array([1.0, 3.0, 5.0]))   # y = 2x + 1
        >>> w.round(6), round(b, 6)
        (array([2.]), 1.0)

    Edge cases the tests try: the diabetes data raw and standardised (against
    ``LinearRegression`` and ``np.linalg.lstsq``), an exactly determined
    system (n = d + 1), a duplicated column and too few samples (ValueError
    with ridge 0, fine with ridge > 0 against ``sklearn.linear_model.Ridge``),
    negative ridge, mismatched shapes.
    """
    # TODO: build A with np.column_stack, solve with np.linalg.solve (never
    # np.linalg.inv). Do not call np.linalg.lstsq or scikit-learn.
    raise NotImplementedError("torch-p01: fit_normal_equations is not written yet")


def mse_and_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> tuple[float, np.ndarray, float]:
    """The mean squared error of ``X @ w + b`` and its gradient, by hand.

    With the residual ``r = X @ w + b - y`` (shape ``(n,)``):
    ``loss = mean(r^2)``, ``dloss/dw = (2 / n) * X^T r`` and
    ``dloss/db = (2 / n) * sum(r)``.

    Args:
        X: ``(n, d)``; y: ``(n,)``; w: ``(d,)``; b: a float.

    Returns:
        ``(loss, grad_w, grad_b)``: a float, a ``(d,)`` array and a float.

    Raises:
        ValueError: bad shapes or no samples.

    Example:
        >>> mse_and_gradient(np.array([[1.0], [2.0]]), np.array([1.0, 3.0]), np.array([0.0]), 0.0)
        (5.0, array([-7.]), -4.0)

    Edge cases the tests try: one sample, one feature, negative values,
    against ``torch.autograd`` on the same expression.
    """
    # TODO: no loops over samples: one matrix-vector product for the
    # prediction, one for the gradient.
    raise NotImplementedError("torch-p01: mse_and_gradient is not written yet")


def fit_gradient_descent(X: np.ndarray, y: np.ndarray, *, lr: float, steps: int) -> tuple[np.ndarray, float, list[float]]:
    """Full-batch gradient descent on the MSE, starting from ``w = 0, b = 0``.

    Each step computes ``loss, gw, gb = mse_and_gradient(X, y, w, b)``, records
    ``loss`` (the loss *before* the update), then ``w -= lr * gw``,
    ``b -= lr * gb``. So ``losses[0] == mean(y ** 2)``.

    On a quadratic like the MSE, descent with ``lr`` below ``2 / L`` (``L`` the
    largest eigenvalue of ``2 X^T X / n``) lowers the loss every step; above
    it, the loss grows geometrically until it overflows.

    Args:
        X: ``(n, d)``, preferably standardised; y: ``(n,)``.
        lr: the learning rate, ``> 0``.
        steps: the number of updates, ``>= 1``.

    Returns:
        ``(w, b, losses)``: ``(d,)`` weights, the bias and ``steps`` floats.

    Raises:
        ValueError: bad shapes, ``lr <= 0``, ``steps < 1``.
        FloatingPointError: the loss or the weights stopped being finite
            (the run diverged; the message suggests a smaller ``lr``).

    Example:
        >>> X = np.array([[-1.0], [1.0]])
        >>> w, b, losses = fit_gradient_descent(X, np.array([0.0, 2.0]), lr=0.25, steps=60)
        >>> w.round(4), round(b, 4), losses[0]
        (array([1.]), 1.0, 2.0)

    Edge cases the tests try: the standardised diabetes data (R² against
    ``LinearRegression``), well-conditioned data (weights against
    ``np.linalg.lstsq``), one step, a learning rate that diverges.
    """
    # TODO: use mse_and_gradient. Silence NumPy's overflow warnings with
    # np.errstate and raise FloatingPointError yourself when a value is not finite.
    raise NotImplementedError("torch-p01: fit_gradient_descent is not written yet")


def fit_torch(X: torch.Tensor, y: torch.Tensor, *, lr: float, steps: int) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """The same descent as ``fit_gradient_descent``, with autograd for the gradient.

    ``w`` (shape ``(d,)``) and ``b`` (shape ``()``) start at zero with
    ``requires_grad=True``, on ``X``'s device and dtype. Each step: the loss
    ``((X @ w + b - y) ** 2).mean()``, ``loss.backward()``, then, under
    ``torch.no_grad()``, ``w -= lr * w.grad`` (likewise ``b``) and the
    gradients are reset (``.grad`` *accumulates*: forget to clear it and every
    step adds all the previous gradients).

    Keep the losses as tensors inside the loop and convert them once at the
    end: ``.item()`` every step forces a device synchronisation on a GPU.

    Args:
        X: ``(n, d)`` on any device (float32 or float64); y: ``(n,)``, same device and dtype.
        lr: ``> 0``; steps: ``>= 1``.

    Returns:
        ``(w, b, losses)``: ``w`` ``(d,)`` and ``b`` ``()`` detached tensors on
        ``X``'s device and dtype (``requires_grad`` False), and ``steps``
        Python floats, each the loss before its update.

    Raises:
        ValueError: bad shapes, ``lr <= 0``, ``steps < 1``.
        FloatingPointError: the final loss or weights are not finite.

    Example:
        >>> X = torch.tensor([[-1.0], [1.0]], dtype=torch.float64)
        >>> w, b, losses = fit_torch(X, torch.tensor([0.0, 2.0], dtype=torch.float64), lr=0.25, steps=60)
        >>> w, b, losses[0]
        (tensor([1.], dtype=torch.float64), tensor(1., dtype=torch.float64), 2.0)

    Edge cases the tests try: float64 and float32, step-by-step agreement
    with a descent written out with the textbook gradient, a diverging
    learning rate, every device.
    """
    # TODO: do not write the gradient formula here and do not use torch.optim:
    # let loss.backward() fill w.grad and b.grad, and update them yourself.
    raise NotImplementedError("torch-p01: fit_torch is not written yet")


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The coefficient of determination ``1 - SS_res / SS_tot``.

    ``SS_res = sum((y_true - y_pred) ** 2)``, ``SS_tot = sum((y_true - mean(y_true)) ** 2)``.
    1 is a perfect fit, 0 is as good as predicting the mean, and it is
    negative for anything worse.

    Args:
        y_true, y_pred: ``(n,)`` arrays of the same length.

    Returns:
        a float.

    Raises:
        ValueError: different lengths, fewer than two samples, or a constant
            ``y_true`` (``SS_tot == 0``: R² is undefined).

    Example:
        >>> r2_score(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))
        0.5

    Edge cases the tests try: perfect and worse-than-the-mean predictions,
    negative values, against ``sklearn.metrics.r2_score``, constant targets.
    """
    # TODO: two sums of squares; check the undefined cases first.
    raise NotImplementedError("torch-p01: r2_score is not written yet")


if __name__ == "__main__":
    from sklearn.datasets import load_diabetes

    X_raw, target = load_diabetes(return_X_y=True)
    Xs, _, _ = standardize(X_raw)
    w_ne, b_ne = fit_normal_equations(Xs, target)
    w_gd, b_gd, hist = fit_gradient_descent(Xs, target, lr=0.2, steps=500)
    w_t, b_t, _ = fit_torch(torch.from_numpy(Xs), torch.from_numpy(target), lr=0.2, steps=500)
    print(f"normal equations R² = {r2_score(target, Xs @ w_ne + b_ne):.5f}")
    print(f"gradient descent R² = {r2_score(target, Xs @ w_gd + b_gd):.5f} (loss {hist[0]:.0f} -> {hist[-1]:.0f})")
    print(f"torch autograd   R² = {r2_score(target, Xs @ w_t.numpy() + b_t.item()):.5f}")
