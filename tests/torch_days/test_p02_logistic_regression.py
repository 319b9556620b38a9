"""Grading torch-p02: sigmoid, binary_cross_entropy, logistic_gradients,
fit_logistic, predict, accuracy.

Oracles: ``torch.sigmoid`` and ``F.binary_cross_entropy_with_logits`` (values
and autograd gradients), ``torch.autograd`` for the hand-written gradient,
scikit-learn's ``LogisticRegression`` (its optimum of the same regularised
objective, and its validation accuracy), and hand-worked values (the first
loss is log 2). Data: scikit-learn's breast-cancer set (569 x 30, offline),
split and standardised here with a fixed seed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-p02")

DEVICES = device_params()
L2 = 0.01


def _split():
    X, y = load_breast_cancer(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(y))
    train, val = order[:455], order[455:]
    scaler = StandardScaler().fit(X[train])
    return scaler.transform(X[train]), y[train].astype(np.float64), scaler.transform(X[val]), y[val].astype(np.float64)


X_TRAIN, Y_TRAIN, X_VAL, Y_VAL = _split()


def skip_float64_on_mps(device: str, dtype: torch.dtype) -> None:
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")


# ---------------------------------------------------------------- sigmoid

Z_CASES = {
    "extremes": torch.tensor([-1000.0, -100.0, -88.8, -20.0, -1.0, 0.0, 1.0, 20.0, 88.8, 100.0, 1000.0]),
    "3-D": torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0)) * 10,
    "empty": torch.empty(0, 5),
    "float64": torch.linspace(-800.0, 800.0, 33, dtype=torch.float64),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(Z_CASES))
def test_sigmoid_values_and_gradients(ex, device, case):
    z0 = Z_CASES[case]
    skip_float64_on_mps(device, z0.dtype)
    z = z0.clone().to(device).requires_grad_(True)  # a fresh leaf: .to("cpu") alone would return z0 itself
    got = ex.sigmoid(z)
    call = f"sigmoid(<{case} {z0.dtype} on {device}>)"
    tol = 1e-12 if z0.dtype == torch.float64 else 1e-6
    expect_close(got, torch.sigmoid(z0).to(device), what=call, rtol=tol, atol=tol,
                 hint="use e = exp(-|z|) and pick 1/(1+e) or e/(1+e) by the sign of z")
    got.sum().backward()
    zr = z0.clone().to(device).requires_grad_(True)
    torch.sigmoid(zr).sum().backward()
    expect_true(bool(torch.isfinite(z.grad).all()), message=f"{call}: the gradient has NaN or inf: {z.grad}",
                hint="torch.where computes both branches; an inf or NaN in the branch not taken still reaches the gradient")
    expect_close(z.grad, zr.grad, what=f"{call}: gradient vs torch.sigmoid's", rtol=tol, atol=tol)


# ---------------------------------------------------------------- binary_cross_entropy


def bce_case(name: str):
    g = torch.Generator().manual_seed(3)
    if name == "extremes":
        z = torch.tensor([-1000.0, -50.0, 0.0, 0.0, 50.0, 1000.0, 1000.0, -1000.0])
        y = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0])
    elif name == "soft labels":
        z = torch.randn(20, generator=g) * 4
        y = torch.rand(20, generator=g)
    elif name == "2-D":
        z = torch.randn(4, 5, generator=g) * 3
        y = (torch.rand(4, 5, generator=g) > 0.5).float()
    else:  # "one element at zero"
        z, y = torch.tensor([0.0]), torch.tensor([1.0])
    return z, y


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", ["extremes", "soft labels", "2-D", "one element at zero"])
def test_bce_matches_torch(ex, device, case):
    z0, y0 = bce_case(case)
    z = z0.clone().to(device).requires_grad_(True)
    y = y0.to(device)
    call = f"binary_cross_entropy(<{case} on {device}>)"
    got = ex.binary_cross_entropy(z, y)
    want = F.binary_cross_entropy_with_logits(z0, y0)
    expect_close(got, want.to(device), what=call, rtol=1e-5, atol=1e-5,
                 hint="softplus(z) - y * z, with a stable softplus (torch.logaddexp(0, z)); never log(sigmoid(z))")
    got.backward()
    expect_close(z.grad.cpu(), (torch.sigmoid(z0) - y0) / z0.numel(), what=f"{call}: gradient", rtol=1e-5, atol=1e-7,
                 hint="the gradient is (sigmoid(z) - y) / N; at z = 0 max(z, 0) and |z| give autograd the wrong side")


def test_bce_rejects_mismatched_shapes(ex):
    expect_raises(ValueError, lambda: ex.binary_cross_entropy(torch.zeros(4), torch.zeros(4, 1)),
                  call="binary_cross_entropy(<(4,)>, <(4, 1)>)",
                  hint="a (4,) and a (4, 1) tensor broadcast to (4, 4) silently: check the shapes first")


# ---------------------------------------------------------------- logistic_gradients


def autograd_oracle(X, y, w, b, l2):
    wt, bt = w.clone().requires_grad_(True), b.clone().requires_grad_(True)
    loss = F.binary_cross_entropy_with_logits(X @ wt + bt, y) + l2 / 2 * (wt * wt).sum()
    loss.backward()
    return loss.detach(), wt.grad, bt.grad


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n,d,l2", [(1, 1, 0.0), (6, 3, 0.0), (40, 8, 0.5), (455, 30, L2)])
def test_logistic_gradients_match_autograd(ex, device, n, d, l2):
    skip_float64_on_mps(device, torch.float64)
    g = torch.Generator().manual_seed(n + d)
    X = torch.randn(n, d, generator=g, dtype=torch.float64) * 2
    y = (torch.rand(n, generator=g) > 0.4).double()
    w = torch.randn(d, generator=g, dtype=torch.float64)
    b = torch.tensor(-0.3, dtype=torch.float64)
    loss, gw, gb = ex.logistic_gradients(X.to(device), y.to(device), w.to(device), b.to(device), l2=l2)
    ref_loss, ref_gw, ref_gb = autograd_oracle(X, y, w, b, l2)
    call = f"logistic_gradients(<X ({n}, {d}) on {device}>, l2={l2})"
    expect_close(loss, ref_loss.to(device), what=f"{call} loss", rtol=1e-10, atol=1e-12,
                 hint="loss = mean BCE + l2 / 2 * ||w||²")
    expect_close(gw, ref_gw.to(device), what=f"{call} grad_w vs autograd", rtol=1e-10, atol=1e-12,
                 hint="grad_w = Xᵀ (sigmoid(z) - y) / n + l2 * w")
    expect_close(gb, ref_gb.to(device), what=f"{call} grad_b vs autograd", rtol=1e-10, atol=1e-12,
                 hint="grad_b = mean(sigmoid(z) - y); the bias is not penalised")


def test_logistic_gradients_need_no_autograd(ex):
    X, y = torch.tensor(X_TRAIN[:10]), torch.tensor(Y_TRAIN[:10])
    with torch.no_grad():
        loss, gw, gb = ex.logistic_gradients(X, y, torch.zeros(30, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64))
    _, ref_gw, _ = autograd_oracle(X, y, torch.zeros(30, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64), 0.0)
    expect_close(gw, ref_gw, what="logistic_gradients(...) inside torch.no_grad()", rtol=1e-10, atol=1e-12,
                 hint="write the formula; do not call backward() or torch.autograd.grad")


# ---------------------------------------------------------------- fit_logistic


def sklearn_optimum():
    """scikit-learn's minimiser of the same objective: C = 1 / (n * l2)."""
    sk = LogisticRegression(C=1.0 / (len(Y_TRAIN) * L2), tol=1e-10, max_iter=10_000).fit(X_TRAIN, Y_TRAIN)
    w = torch.tensor(sk.coef_[0])
    b = torch.tensor(sk.intercept_[0])
    X, y = torch.tensor(X_TRAIN), torch.tensor(Y_TRAIN)
    objective = (F.binary_cross_entropy_with_logits(X @ w + b, y) + L2 / 2 * (w @ w)).item()
    return objective, sk.score(X_VAL, Y_VAL)


SK_OBJECTIVE, SK_VAL_ACCURACY = sklearn_optimum()


@pytest.mark.parametrize("device", DEVICES)
def test_fit_reaches_sklearns_optimum(ex, device):
    X = torch.tensor(X_TRAIN, dtype=torch.float32, device=device)
    y = torch.tensor(Y_TRAIN, dtype=torch.float32, device=device)
    call = f"fit_logistic(<breast cancer, float32 on {device}>, lr=1.0, steps=500, l2={L2})"
    w, b, losses = ex.fit_logistic(X, y, lr=1.0, steps=500, l2=L2)
    expect_equal((tuple(w.shape), tuple(b.shape)), ((30,), ()), call=f"{call}: (w.shape, b.shape)")
    expect_equal(w.device.type, device, call=f"{call}: w.device.type", hint="create w and b on X.device")
    expect_true(isinstance(losses, list) and len(losses) == 500,
                message=f"{call}: losses should be a list of 500 floats, got {type(losses).__name__}")
    expect_float(losses[0], math.log(2), call=f"{call}: losses[0]", rel=1e-5,
                 hint="with w = 0, b = 0 every probability is 0.5, so the first loss is log 2")
    w64, b64 = w.double().cpu(), b.double().cpu()
    Xd, yd = torch.tensor(X_TRAIN), torch.tensor(Y_TRAIN)
    objective = (F.binary_cross_entropy_with_logits(Xd @ w64 + b64, yd) + L2 / 2 * (w64 @ w64)).item()
    expect_float(objective, SK_OBJECTIVE, call=f"{call}: the objective at your w, b vs at scikit-learn's optimum", rel=0, abs=1e-4,
                 hint="update w -= lr * grad_w and b -= lr * grad_b with the gradient at the current parameters")
    val_acc = ((torch.tensor(X_VAL) @ w64 + b64 >= 0).double() == torch.tensor(Y_VAL)).double().mean().item()
    expect_true(val_acc >= max(0.95, SK_VAL_ACCURACY - 0.02),
                message=f"{call}: validation accuracy {val_acc:.3f}, scikit-learn's {SK_VAL_ACCURACY:.3f}")


def test_fit_one_step_and_no_grad(ex):
    X, y = torch.tensor(X_TRAIN), torch.tensor(Y_TRAIN)
    with torch.no_grad():
        w, b, losses = ex.fit_logistic(X, y, lr=0.5, steps=1)
    expect_close(w, 0.5 * X.T @ (y - 0.5) / len(y), what="fit_logistic(X, y, lr=0.5, steps=1) under torch.no_grad(): w",
                 rtol=1e-10, atol=1e-12, hint="the first step from w = 0 is w = -lr * Xᵀ(0.5 - y) / n; no autograd is needed")
    expect_equal(len(losses), 1, call="len(losses) after one step")


@pytest.mark.parametrize("kwargs", [{"lr": 0.0, "steps": 5}, {"lr": 1.0, "steps": 0}, {"lr": 1.0, "steps": 5, "l2": -0.1}])
def test_fit_rejects_bad_settings(ex, kwargs):
    X, y = torch.tensor(X_TRAIN[:5]), torch.tensor(Y_TRAIN[:5])
    expect_raises(ValueError, lambda: ex.fit_logistic(X, y, **kwargs), call=f"fit_logistic(X, y, **{kwargs})",
                  hint="lr > 0, steps >= 1, l2 >= 0")


# ---------------------------------------------------------------- predict and accuracy


def test_predict_thresholds_the_logit_at_zero(ex):
    X = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.5, 1.0], [0.0, 0.0]])
    w, b = torch.tensor([2.0, -1.0]), torch.tensor(0.0)
    got = ex.predict(X, w, b)
    expect_true(isinstance(got, torch.Tensor) and got.dtype == torch.int64,
                message=f"predict should return an int64 tensor, got {got!r}", hint="(logits >= 0).long()")
    expect_equal(got.tolist(), [1, 0, 1, 1], call="predict(X, w=[2, -1], b=0) with logits [2, -2, 0, 0]",
                 hint="a logit of exactly 0 means probability 0.5, which counts as class 1")
    expect_equal(tuple(ex.predict(torch.empty(0, 2), w, b).shape), (0,), call="predict(<empty X>, w, b).shape")


@pytest.mark.parametrize(
    "pred,labels,want",
    [([1, 0, 1, 1], [1.0, 0.0, 0.0, 1.0], 0.75), ([0, 0], [0, 0], 1.0), ([1, 1, 1], [0, 0, 0], 0.0), ([1], [1.0], 1.0)],
)
def test_accuracy_hand_worked(ex, pred, labels, want):
    got = ex.accuracy(torch.tensor(pred), torch.tensor(labels))
    expect_true(isinstance(got, float), message=f"accuracy should return a Python float, got {type(got).__name__}")
    expect_float(got, want, call=f"accuracy({pred}, {labels})")


@pytest.mark.parametrize("pred,labels", [(torch.zeros(0), torch.zeros(0)), (torch.zeros(3), torch.zeros(3, 1))])
def test_accuracy_rejects_bad_input(ex, pred, labels):
    expect_raises(ValueError, lambda: ex.accuracy(pred, labels), call=f"accuracy(<{tuple(pred.shape)}>, <{tuple(labels.shape)}>)",
                  hint="empty input has no accuracy; (3,) vs (3, 1) would broadcast to (3, 3)")
