"""Grading torch-p01: standardize, fit_normal_equations, mse_and_gradient,
fit_gradient_descent, fit_torch, r2_score.

Oracles: scikit-learn (``StandardScaler``, ``LinearRegression``, ``Ridge``,
``metrics.r2_score``), ``np.linalg.lstsq``, ``torch.autograd`` for the
hand-written gradient, and hand-worked values. Data: scikit-learn's diabetes
set (442 x 10, offline) and seeded random matrices.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score as sk_r2_score
from sklearn.preprocessing import StandardScaler

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-p01")

DEVICES = device_params()
X_RAW, Y = load_diabetes(return_X_y=True)  # (442, 10) float64, (442,) float64
X_STD = StandardScaler().fit_transform(X_RAW)  # the oracle's standardisation, not the learner's


def random_problem(n: int, d: int, seed: int, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * 2 - 1
    y = X @ rng.normal(size=d) * 3 - 4 + noise * rng.normal(size=n)
    return X, y


def lstsq_oracle(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    A = np.column_stack([np.ones(len(X)), X])
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)
    return theta[1:], float(theta[0])


def arrays_close(got, want, *, what: str, rtol: float, atol: float, hint: str = "") -> None:
    expect_true(isinstance(got, np.ndarray), message=f"{what} should be a numpy.ndarray, got {type(got).__name__}", hint=hint)
    expect_close(torch.from_numpy(np.asarray(got, dtype=np.float64)), torch.from_numpy(np.asarray(want, dtype=np.float64)),
                 what=what, rtol=rtol, atol=atol, hint=hint)


# ---------------------------------------------------------------- standardize


@pytest.mark.parametrize(
    "name,X",
    [
        ("diabetes", X_RAW),
        ("constant column", np.array([[1.0, 7.0, -2.0], [3.0, 7.0, 5.0], [8.0, 7.0, 0.5]])),
        ("one row", np.array([[4.0, -1.0]])),
    ],
)
def test_standardize_matches_standard_scaler(ex, name, X):
    before = X.copy()
    got, mean, std = ex.standardize(X)
    scaler = StandardScaler().fit(X)
    hint = "population std (ddof=0); a column with std 0 is divided by 1, not 0"
    arrays_close(got, scaler.transform(X), what=f"standardize(<{name}>)[0]", rtol=1e-10, atol=1e-10, hint=hint)
    arrays_close(mean, scaler.mean_, what=f"standardize(<{name}>)[1] (mean)", rtol=1e-12, atol=1e-12)
    arrays_close(std, scaler.scale_, what=f"standardize(<{name}>)[2] (std)", rtol=1e-12, atol=1e-12, hint=hint)
    expect_true(np.array_equal(X, before), message=f"standardize(<{name}>) modified its input X", hint="work on a copy")


def test_standardize_applies_given_statistics(ex):
    train, val = X_RAW[:300], X_RAW[300:]
    _, mean, std = ex.standardize(train)
    got, mean2, std2 = ex.standardize(val, mean=mean, std=std)
    want = StandardScaler().fit(train).transform(val)
    arrays_close(got, want, what="standardize(val, mean=<train mean>, std=<train std>)[0]", rtol=1e-10, atol=1e-10,
                 hint="with mean= and std= given, use them: a validation set is scaled by the training statistics")
    expect_true(np.array_equal(mean2, mean) and np.array_equal(std2, std),
                message="standardize(val, mean=m, std=s) should return the m and s it was given")


# ---------------------------------------------------------------- fit_normal_equations

NE_CASES = {
    "diabetes raw": (X_RAW, Y),
    "diabetes standardised": (X_STD, Y),
    "one feature": random_problem(20, 1, seed=1),
    "exactly determined (n = d + 1)": random_problem(4, 3, seed=2, noise=0.0),
    "negative targets": (random_problem(30, 5, seed=3)[0], -np.abs(random_problem(30, 5, seed=3)[1])),
}


@pytest.mark.parametrize("case", list(NE_CASES))
def test_normal_equations_match_sklearn_and_lstsq(ex, case):
    X, y = NE_CASES[case]
    w, b = ex.fit_normal_equations(X, y)
    sk = LinearRegression().fit(X, y)
    w_ls, b_ls = lstsq_oracle(X, y)
    scale = float(np.abs(sk.coef_).max()) + 1.0
    call = f"fit_normal_equations(<{case}>)"
    hint = "solve (AᵀA) θ = Aᵀy for A = [1 | X]; θ[0] is b, θ[1:] is w"
    arrays_close(w, sk.coef_, what=f"{call} w vs LinearRegression.coef_", rtol=1e-6, atol=1e-7 * scale, hint=hint)
    arrays_close(w, w_ls, what=f"{call} w vs np.linalg.lstsq", rtol=1e-6, atol=1e-7 * scale, hint=hint)
    expect_true(isinstance(b, float), message=f"{call} should return b as a Python float, got {type(b).__name__}")
    expect_float(b, float(sk.intercept_), call=f"{call} b vs LinearRegression.intercept_", rel=1e-6, abs=1e-7 * scale, hint=hint)


@pytest.mark.parametrize("ridge", [0.1, 10.0, 1000.0])
@pytest.mark.parametrize("case", ["diabetes standardised", "one feature"])
def test_ridge_matches_sklearn_ridge(ex, case, ridge):
    X, y = NE_CASES[case]
    w, b = ex.fit_normal_equations(X, y, ridge=ridge)
    sk = Ridge(alpha=ridge, solver="cholesky").fit(X, y)
    call = f"fit_normal_equations(<{case}>, ridge={ridge})"
    hint = "add ridge to the diagonal of AᵀA except the bias entry: sklearn never penalises the intercept"
    arrays_close(w, sk.coef_, what=f"{call} w vs Ridge.coef_", rtol=1e-6, atol=1e-6, hint=hint)
    expect_float(b, float(sk.intercept_), call=f"{call} b vs Ridge.intercept_", rel=1e-6, abs=1e-6, hint=hint)


RANK_DEFICIENT = {
    "a duplicated column": np.column_stack([X_STD[:, :3], X_STD[:, 1]]),
    "a constant column (duplicates the bias)": np.column_stack([X_STD[:, :3], np.full(len(X_STD), 2.0)]),
    "fewer samples than parameters": X_STD[:5],
}


@pytest.mark.parametrize("case", list(RANK_DEFICIENT))
def test_rank_deficient_needs_ridge(ex, case):
    X = RANK_DEFICIENT[case]
    y = Y[: len(X)]
    err = expect_raises(ValueError, lambda: ex.fit_normal_equations(X, y), call=f"fit_normal_equations(<{case}>)",
                        hint="check np.linalg.matrix_rank(A) < A.shape[1] before solving")
    expect_true("ridge" in str(err), message=f"the ValueError should suggest ridge > 0; got: {err}")
    w, b = ex.fit_normal_equations(X, y, ridge=1.0)
    sk = Ridge(alpha=1.0, solver="svd").fit(X, y)
    arrays_close(w, sk.coef_, what=f"fit_normal_equations(<{case}>, ridge=1.0) w vs Ridge.coef_", rtol=1e-6, atol=1e-6,
                 hint="with ridge > 0 the system is always solvable")


@pytest.mark.parametrize(
    "what,args,kwargs",
    [
        ("X 1-D", (X_STD[:, 0], Y), {}),
        ("y 2-D", (X_STD, Y[:, None]), {}),
        ("lengths differ", (X_STD, Y[:-1]), {}),
        ("no samples", (np.zeros((0, 3)), np.zeros(0)), {}),
        ("negative ridge", (X_STD, Y), {"ridge": -1.0}),
    ],
)
def test_normal_equations_reject_bad_input(ex, what, args, kwargs):
    expect_raises(ValueError, lambda: ex.fit_normal_equations(*args, **kwargs), call=f"fit_normal_equations(<{what}>)",
                  hint="X is (n, d), y is (n,), n >= 1, ridge >= 0")


# ---------------------------------------------------------------- mse_and_gradient


def test_mse_and_gradient_hand_worked(ex):
    loss, gw, gb = ex.mse_and_gradient(np.array([[1.0], [2.0]]), np.array([1.0, 3.0]), np.array([0.0]), 0.0)
    call = "mse_and_gradient([[1], [2]], [1, 3], w=[0], b=0)"
    expect_float(loss, 5.0, call=f"{call} loss", hint="loss = mean(r²) with r = X @ w + b - y = [-1, -3]")
    arrays_close(gw, np.array([-7.0]), what=f"{call} grad_w", rtol=0, atol=1e-12, hint="grad_w = (2 / n) Xᵀ r")
    expect_float(gb, -4.0, call=f"{call} grad_b", hint="grad_b = (2 / n) Σ r")


@pytest.mark.parametrize("n,d,seed", [(1, 1, 0), (7, 3, 1), (50, 10, 2), (3, 6, 3)])
def test_mse_gradient_matches_autograd(ex, n, d, seed):
    rng = np.random.default_rng(seed)
    X, y, w, b = rng.normal(size=(n, d)) * 3, rng.normal(size=n) - 2, rng.normal(size=d), float(rng.normal())
    loss, gw, gb = ex.mse_and_gradient(X, y, w, b)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    ref = ((torch.from_numpy(X) @ wt + bt - torch.from_numpy(y)) ** 2).mean()
    ref.backward()
    call = f"mse_and_gradient(<X ({n}, {d}), seed {seed}>)"
    expect_float(loss, ref.item(), call=f"{call} loss vs torch", rel=1e-12, abs=1e-12)
    arrays_close(gw, wt.grad.numpy(), what=f"{call} grad_w vs autograd", rtol=1e-10, atol=1e-12,
                 hint="grad_w = (2 / n) Xᵀ (X @ w + b - y): mind the factor 2 and the mean's 1/n")
    expect_float(gb, bt.grad.item(), call=f"{call} grad_b vs autograd", rel=1e-10, abs=1e-12)


# ---------------------------------------------------------------- fit_gradient_descent


def test_gradient_descent_reaches_the_least_squares_fit(ex):
    w, b, losses = ex.fit_gradient_descent(X_STD, Y, lr=0.2, steps=500)
    best = LinearRegression().fit(X_STD, Y).score(X_STD, Y)
    got = sk_r2_score(Y, X_STD @ w + b)
    call = "fit_gradient_descent(<standardised diabetes>, lr=0.2, steps=500)"
    expect_float(got, best, call=f"{call}: R² vs LinearRegression's", rel=0, abs=1e-3,
                 hint="each step: w -= lr * grad_w, b -= lr * grad_b, with the gradient of the current w and b")
    expect_equal(len(losses), 500, call=f"len({call}[2])", hint="one loss per step")
    expect_float(losses[0], float(np.mean(Y**2)), call=f"{call}[2][0]", rel=1e-12,
                 hint="record the loss before the update: with w = 0, b = 0 it is mean(y²)")
    rises = [k for k in range(1, len(losses)) if losses[k] > losses[k - 1] * (1 + 1e-12)]
    expect_true(not rises, message=f"{call}: the loss rose at steps {rises[:5]} although lr=0.2 is below 2 / L",
                hint="use the gradient at the current (w, b); with lr = 0.2 < 2 / L every step must lower the loss")


def test_gradient_descent_recovers_well_conditioned_weights(ex):
    X, y = random_problem(200, 4, seed=7)
    X = X - X.mean(axis=0)
    X = X / X.std(axis=0)
    w, b, _ = ex.fit_gradient_descent(X, y, lr=0.1, steps=400)
    w_ls, b_ls = lstsq_oracle(X, y)
    arrays_close(w, w_ls, what="fit_gradient_descent(<well-conditioned (200, 4)>, lr=0.1, steps=400) w vs lstsq",
                 rtol=1e-5, atol=1e-5)
    expect_float(b, b_ls, call="... b vs lstsq", rel=1e-5, abs=1e-5)


def test_gradient_descent_one_step(ex):
    X, y = random_problem(10, 2, seed=4)
    w, b, losses = ex.fit_gradient_descent(X, y, lr=0.01, steps=1)
    n = len(y)
    arrays_close(w, 0.01 * 2 / n * X.T @ y, what="fit_gradient_descent(<(10, 2)>, lr=0.01, steps=1) w", rtol=1e-12, atol=1e-12,
                 hint="from w = 0, b = 0 the first step is w = -lr * (2/n) Xᵀ(0 - y)")
    expect_float(b, 0.01 * 2 * float(np.mean(y)), call="... b after one step", rel=1e-12)
    expect_equal(len(losses), 1, call="len(losses) after one step")


@pytest.mark.parametrize("kwargs", [{"lr": 0.0, "steps": 10}, {"lr": -0.1, "steps": 10}, {"lr": 0.1, "steps": 0}])
def test_gradient_descent_rejects_bad_settings(ex, kwargs):
    expect_raises(ValueError, lambda: ex.fit_gradient_descent(X_STD, Y, **kwargs), call=f"fit_gradient_descent(X, y, **{kwargs})",
                  hint="lr must be > 0 and steps >= 1")


def test_gradient_descent_diverges_loudly(ex):
    expect_raises(FloatingPointError, lambda: ex.fit_gradient_descent(X_STD, Y, lr=1.0, steps=1000),
                  call="fit_gradient_descent(<standardised diabetes>, lr=1.0, steps=1000)",
                  hint="lr = 1.0 is above 2 / L ≈ 0.25: the loss overflows; check np.isfinite and raise FloatingPointError")


# ---------------------------------------------------------------- fit_torch


def skip_float64_on_mps(device: str, dtype: torch.dtype) -> None:
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_torch_descent_reaches_the_least_squares_fit(ex, device, dtype):
    skip_float64_on_mps(device, dtype)
    X = torch.from_numpy(X_STD).to(device=device, dtype=dtype)
    y = torch.from_numpy(Y).to(device=device, dtype=dtype)
    call = f"fit_torch(<standardised diabetes, {dtype}, {device}>, lr=0.2, steps=400)"
    w, b, losses = ex.fit_torch(X, y, lr=0.2, steps=400)
    for name, t, shape in (("w", w, (10,)), ("b", b, ())):
        expect_true(isinstance(t, torch.Tensor), message=f"{call}: {name} should be a tensor, got {type(t).__name__}")
        expect_equal(tuple(t.shape), shape, call=f"{call}: {name}.shape")
        expect_equal((t.device.type, t.dtype), (device, dtype), call=f"{call}: ({name}.device.type, {name}.dtype)",
                     hint="create w and b with device=X.device, dtype=X.dtype")
        expect_true(not t.requires_grad, message=f"{call}: {name} should be detached (requires_grad False)", hint="return w.detach()")
    best = LinearRegression().fit(X_STD, Y).score(X_STD, Y)
    got = sk_r2_score(Y, X_STD @ w.double().cpu().numpy() + b.item())
    expect_float(got, best, call=f"{call}: R² vs LinearRegression's", rel=0, abs=2e-3,
                 hint="set w.grad = None (or zero it) after each update: gradients accumulate across backward() calls")
    expect_true(isinstance(losses, list) and len(losses) == 400 and all(isinstance(v, float) for v in losses),
                message=f"{call}: losses should be a list of 400 Python floats; got {type(losses).__name__} of length {len(losses) if hasattr(losses, '__len__') else '?'}")
    expect_float(losses[0], float(np.mean(Y**2)), call=f"{call}: losses[0]", rel=1e-5, hint="the loss before the first update is mean(y²)")


def test_torch_descent_matches_the_numpy_formula(ex):
    X, y = random_problem(25, 3, seed=11)
    w, b, losses = ex.fit_torch(torch.from_numpy(X), torch.from_numpy(y), lr=0.05, steps=30)
    w_ref, b_ref = np.zeros(3), 0.0  # the descent written out here, with the textbook gradient
    for _ in range(30):
        r = X @ w_ref + b_ref - y
        w_ref, b_ref = w_ref - 0.05 * 2 / len(y) * X.T @ r, b_ref - 0.05 * 2 * r.mean()
    arrays_close(w.numpy(), w_ref, what="fit_torch(<(25, 3) float64>, lr=0.05, steps=30) w vs descent by hand", rtol=1e-9, atol=1e-9,
                 hint="clear the gradients after each update; update under torch.no_grad()")
    expect_float(b.item(), b_ref, call="... b vs descent by hand", rel=1e-9, abs=1e-9)


def test_torch_descent_diverges_loudly(ex):
    X, y = torch.from_numpy(X_STD), torch.from_numpy(Y)
    expect_raises(FloatingPointError, lambda: ex.fit_torch(X, y, lr=1.0, steps=1000), call="fit_torch(<diabetes>, lr=1.0, steps=1000)",
                  hint="check torch.isfinite on the result and raise FloatingPointError")


# ---------------------------------------------------------------- r2_score


@pytest.mark.parametrize(
    "y_true,y_pred",
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0, 4.0]),
        ([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]),
        ([1.0, 2.0], [1.0, 2.0]),
        ([-5.0, 5.0, 0.0], [5.0, -5.0, 1.0]),
    ],
)
def test_r2_matches_sklearn(ex, y_true, y_pred):
    got = ex.r2_score(np.array(y_true), np.array(y_pred))
    expect_float(got, float(sk_r2_score(y_true, y_pred)), call=f"r2_score({y_true}, {y_pred})", rel=1e-12, abs=1e-12,
                 hint="1 - SS_res / SS_tot, SS_tot around the mean of y_true")


@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=2, max_size=30))
def test_r2_matches_sklearn_property(ex, pairs):
    y_true = np.array([p[0] for p in pairs])
    y_pred = np.array([p[1] for p in pairs])
    assume(np.var(y_true) > 1e-6)
    expect_float(ex.r2_score(y_true, y_pred), float(sk_r2_score(y_true, y_pred)), call=f"r2_score({y_true!r}, {y_pred!r})",
                 rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("y_true,y_pred", [([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]), ([1.0], [1.0]), ([1.0, 2.0], [1.0, 2.0, 3.0])])
def test_r2_rejects_undefined_cases(ex, y_true, y_pred):
    expect_raises(ValueError, lambda: ex.r2_score(np.array(y_true), np.array(y_pred)), call=f"r2_score({y_true}, {y_pred})",
                  hint="R² needs two or more samples, equal lengths and a y_true that is not constant")
