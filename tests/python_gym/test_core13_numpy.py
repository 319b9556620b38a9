"""Grading tests for core-13: standardize, pairwise_sq_dists, to_channels_first and softmax.

Oracles: explicit Python loops with ``math`` (mean, population variance,
squared distances, index permutation, exponentials), hand-worked values
(``softmax([0, log 3]) = [1/4, 3/4]``), and properties: standardised columns
have mean 0 and standard deviation 1, softmax is invariant to adding a
constant and sums to 1. Every random input is seeded; tolerances are stated
at each comparison.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from curriculum.grading.testing import expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-13")


def expect_array(got, expected, *, call, rtol, atol, dtype=None, hint=""):
    """Teaching comparison for arrays: type, shape, dtype (if given), then values within tolerance."""
    expected = np.asarray(expected)
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{call}\n  expected: a numpy array of shape {expected.shape}\n  got:      a {type(got).__name__}"
                             + (f"\n  hint: {hint}" if hint else ""))
    if got.shape != expected.shape:
        raise AssertionError(f"{call}\n  expected: shape {expected.shape}\n  got:      shape {got.shape}\n"
                             "  hint: check which axis you reduce (keepdims=True keeps it for broadcasting)")
    if dtype is not None and got.dtype != dtype:
        raise AssertionError(f"{call}\n  expected: dtype {np.dtype(dtype)}\n  got:      dtype {got.dtype}\n"
                             "  hint: floating inputs keep their dtype; integer inputs become float64")
    if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=False):
        bad = np.argwhere(~np.isclose(got, expected, rtol=rtol, atol=atol))[0]
        where = tuple(int(i) for i in bad)
        raise AssertionError(f"{call}\n  expected: {expected[where]!r} at index {where} (rtol {rtol:g}, atol {atol:g})\n"
                             f"  got:      {got[where]!r}" + (f"\n  hint: {hint}" if hint else ""))


# ---------------------------------------------------------------- standardize


def loop_standardize(x, axis, eps):
    """The oracle: Python arithmetic on every 1-D slice along ``axis``."""
    moved = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    out = np.empty(moved.shape)
    for idx in np.ndindex(moved.shape[:-1]):
        values = [float(v) for v in moved[idx]]
        n = len(values)
        mean = sum(values) / n
        var = sum((v - mean) ** 2 for v in values) / n
        out[idx] = [(v - mean) / math.sqrt(var + eps) for v in values]
    return np.moveaxis(out, -1, axis)


def test_standardize_batch_of_100_by_28(ex):
    rng = np.random.default_rng(0)
    x = rng.normal(loc=5.0, scale=3.0, size=(100, 28)) * np.arange(1, 29)  # every column its own scale
    z = ex.standardize(x)
    expect_array(z, loop_standardize(x, 0, 1e-8), call="standardize(<(100, 28) batch>)", rtol=1e-9, atol=1e-9,
                 hint="(x - x.mean(axis=0, keepdims=True)) / np.sqrt(x.var(axis=0, keepdims=True) + eps)")
    expect_array(z.mean(axis=0), np.zeros(28), call="standardize(x).mean(axis=0)", rtol=0, atol=1e-10, hint="every column has mean 0")
    expect_array(z.std(axis=0), np.ones(28), call="standardize(x).std(axis=0)", rtol=1e-6, atol=0,
                 hint="population variance (ddof=0), and eps inside the square root")


@pytest.mark.parametrize(
    "shape,axis",
    [((6, 4), 1), ((6, 4), -1), ((4, 5, 3), 0), ((4, 5, 3), 1), ((4, 5, 3), -1), ((1, 7), 1), ((7,), 0)],
)
def test_standardize_axes_match_loops(ex, shape, axis):
    rng = np.random.default_rng(sum(shape) + axis)
    x = rng.uniform(-10, 10, size=shape)
    expect_array(ex.standardize(x, axis=axis), loop_standardize(x, axis, 1e-8), call=f"standardize(<{shape} array>, axis={axis})",
                 rtol=1e-9, atol=1e-9, hint="reduce over `axis` with keepdims=True so the mean broadcasts back over x")


def test_standardize_constant_column_and_single_row(ex):
    x = np.array([[1.0, 7.0], [3.0, 7.0], [5.0, 7.0]])
    expect_array(ex.standardize(x), loop_standardize(x, 0, 1e-8), call="standardize([[1, 7], [3, 7], [5, 7]])", rtol=1e-12, atol=0,
                 hint="a constant column has variance 0: eps keeps 0 / sqrt(0 + eps) = 0 instead of nan")
    one_row = np.array([[2.0, -3.0, 5.0]])
    expect_array(ex.standardize(one_row), np.zeros((1, 3)), call="standardize([[2, -3, 5]]) (one row, axis=0)", rtol=0, atol=0,
                 hint="each column has one value: it equals its mean")


def test_standardize_eps_matters(ex):
    x = np.array([[0.0], [2.0]])  # mean 1, variance 1
    for eps in (0.0, 3.0):
        expect_array(ex.standardize(x, eps=eps), np.array([[-1.0], [1.0]]) / math.sqrt(1 + eps),
                     call=f"standardize([[0], [2]], eps={eps})", rtol=1e-12, atol=0, hint="divide by sqrt(var + eps), not std + eps")


@pytest.mark.parametrize("dtype,expected", [(np.int64, np.float64), (np.float32, np.float32), (np.float64, np.float64), (np.bool_, np.float64)])
def test_standardize_dtypes(ex, dtype, expected):
    x = (np.arange(12).reshape(4, 3) % 3 == 0) if dtype is np.bool_ else np.arange(12, dtype=dtype).reshape(4, 3) ** 2
    z = ex.standardize(x)
    rtol = 1e-5 if expected is np.float32 else 1e-9
    expect_array(z, loop_standardize(x, 0, 1e-8), call=f"standardize(<{np.dtype(dtype)} array>)", rtol=rtol, atol=rtol, dtype=expected,
                 hint="convert non-floating input with astype(np.float64); leave float32 alone")


def test_standardize_does_not_modify_input(ex):
    x = np.array([[1.0, 2.0], [3.0, 5.0]])
    before = x.copy()
    ex.standardize(x)
    expect_true(np.array_equal(x, before), message=f"standardize(x) changed x to {x.tolist()}",
                hint="x -= mean works in place on the caller's array; compute a new array")


@pytest.mark.parametrize("kwargs,shape", [({"eps": -1e-3}, (3, 2)), ({}, (0, 3)), ({"axis": 2}, (3, 2))], ids=["negative-eps", "empty-axis", "bad-axis"])
def test_standardize_rejects(ex, kwargs, shape):
    ex.standardize(np.ones((2, 2)))  # a valid call must work first
    expect_raises(ValueError, ex.standardize, np.ones(shape), **kwargs, call=f"standardize(np.ones({shape}), **{kwargs})",
                  hint="ValueError for eps < 0, an axis out of range, and an empty axis (the mean of nothing is nan)")


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=5), elements=st.floats(-1e3, 1e3)),
       st.integers(0, 1))
def test_standardize_property(ex, x, axis):
    expect_array(ex.standardize(x, axis=axis), loop_standardize(x, axis, 1e-8), call=f"standardize({x.tolist()}, axis={axis})",
                 rtol=1e-7, atol=1e-6)


# ---------------------------------------------------------------- pairwise_sq_dists


def loop_sq_dists(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = np.zeros((a.shape[0], b.shape[0]))
    for i in range(a.shape[0]):
        for j in range(b.shape[0]):
            out[i, j] = sum((float(a[i, k]) - float(b[j, k])) ** 2 for k in range(a.shape[1]))
    return out


@pytest.mark.parametrize("n,m,d", [(5, 4, 3), (1, 1, 1), (3, 6, 1), (0, 4, 2), (4, 0, 2), (7, 7, 16)])
def test_pairwise_matches_triple_loop(ex, n, m, d):
    rng = np.random.default_rng(n * 100 + m * 10 + d)
    a, b = rng.normal(size=(n, d)), rng.normal(size=(m, d))
    expect_array(ex.pairwise_sq_dists(a, b), loop_sq_dists(a, b), call=f"pairwise_sq_dists(<({n}, {d})>, <({m}, {d})>)",
                 rtol=1e-12, atol=1e-12, hint="a[:, None, :] - b[None, :, :] has shape (n, m, d); square it and sum over axis -1")


def test_pairwise_known_values_and_int_input(ex):
    got = ex.pairwise_sq_dists(np.array([[0, 0], [1, 1], [3, 4]]), np.array([[1, 0], [0, 0]]))
    expect_array(got, [[1.0, 0.0], [1.0, 2.0], [20.0, 25.0]], call="pairwise_sq_dists([[0, 0], [1, 1], [3, 4]], [[1, 0], [0, 0]])",
                 rtol=0, atol=0, dtype=np.float64, hint="integer points give float64 distances")


def test_pairwise_self_distances_are_exact(ex):
    rng = np.random.default_rng(42)
    a = 1e4 + rng.normal(scale=1e-3, size=(50, 8))  # far from the origin, close together: the shortcut formula loses digits here
    d = ex.pairwise_sq_dists(a, a)
    expect_true(d.shape == (50, 50) and np.all(np.diag(d) == 0) and np.all(d >= 0),
                message=f"pairwise_sq_dists(a, a): diagonal max {np.abs(np.diag(d)).max() if d.ndim == 2 else d!r}, minimum {d.min()!r}",
                hint="broadcast the differences; |a|^2 + |b|^2 - 2 a.b cancels catastrophically and can go negative")
    expect_array(d, loop_sq_dists(a, a), call="pairwise_sq_dists(<50 points near 1e4>, same)", rtol=1e-6, atol=1e-15)


def test_pairwise_float32_stays_float32(ex):
    a = np.ones((2, 3), dtype=np.float32)
    expect_array(ex.pairwise_sq_dists(a, 2 * a), np.full((2, 2), 3.0), call="pairwise_sq_dists(<float32 ones>, <float32 twos>)",
                 rtol=0, atol=0, dtype=np.float32)


@pytest.mark.parametrize("a_shape,b_shape", [((3,), (2, 3)), ((2, 3), (2, 3, 1)), ((2, 3), (2, 4))], ids=["1-D", "3-D", "mismatched-d"])
def test_pairwise_rejects(ex, a_shape, b_shape):
    ex.pairwise_sq_dists(np.ones((1, 2)), np.ones((1, 2)))  # a valid call must work first
    expect_raises(ValueError, ex.pairwise_sq_dists, np.ones(a_shape), np.ones(b_shape),
                  call=f"pairwise_sq_dists(np.ones({a_shape}), np.ones({b_shape}))",
                  hint="check ndim == 2 for both and equal last dimensions before broadcasting (broadcasting might silently succeed)")


# ---------------------------------------------------------------- to_channels_first


def loop_channels_first(x):
    if x.ndim == 3:
        return loop_channels_first(x[None])[0]
    n, h, w, c = x.shape
    out = np.empty((n, c, h, w), dtype=x.dtype)
    for i in range(n):
        for j in range(c):
            for k in range(h):
                for m in range(w):
                    out[i, j, k, m] = x[i, k, m, j]
    return out


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 2, 2, 1), (3, 4, 3), (5, 2, 1)])
def test_channels_first_matches_loops(ex, shape):
    x = np.arange(math.prod(shape), dtype=np.uint8).reshape(shape)
    got = ex.to_channels_first(x)
    expect_array(got, loop_channels_first(x), call=f"to_channels_first(<{shape} uint8>)", rtol=0, atol=0, dtype=np.uint8,
                 hint="out[n, c, h, w] == x[n, h, w, c]: np.moveaxis(x, -1, -3); reshape would scramble the pixels")


def test_channels_first_is_a_view(ex):
    x = np.zeros((2, 4, 3, 3))
    got = ex.to_channels_first(x)
    got[1, 2, 3, 0] = 7.0
    expect_true(np.shares_memory(got, x) and x[1, 3, 0, 2] == 7.0,
                message="writing to to_channels_first(x)[1, 2, 3, 0] did not change x[1, 3, 0, 2]",
                hint="transpose/moveaxis return views (new strides, same buffer); np.ascontiguousarray or copy() would not")


@pytest.mark.parametrize("shape", [(4, 4), (1, 2, 3, 4, 5), (3,)])
def test_channels_first_rejects(ex, shape):
    ex.to_channels_first(np.zeros((2, 2, 1)))  # a valid call must work first
    expect_raises(ValueError, ex.to_channels_first, np.zeros(shape), call=f"to_channels_first(np.zeros({shape}))",
                  hint="only (H, W, C) and (N, H, W, C) are images here")


# ---------------------------------------------------------------- softmax


def loop_softmax_1d(values):
    exps = [math.exp(v) for v in values]  # fine for |v| < 700
    total = sum(exps)
    return [e / total for e in exps]


@pytest.mark.parametrize(
    "x,expected",
    [
        pytest.param([0.0, math.log(3.0)], [0.25, 0.75], id="quarter-three-quarters"),
        pytest.param([1000.0, 1000.0], [0.5, 0.5], id="huge-equal"),
        pytest.param([1000.0, 0.0], [1.0, 0.0], id="huge-gap"),
        pytest.param([-1000.0, -1000.0, -1000.0], [1 / 3] * 3, id="very-negative"),
        pytest.param([-math.inf, 0.0], [0.0, 1.0], id="minus-inf"),
        pytest.param([5.0], [1.0], id="single"),
        pytest.param([0, 0, 0, 0], [0.25] * 4, id="ints"),
    ],
)
def test_softmax_known_values(ex, x, expected):
    expect_array(ex.softmax(np.array(x)), expected, call=f"softmax(np.array({x}))", rtol=1e-12, atol=1e-300,
                 hint="subtract x.max(axis, keepdims=True) before np.exp so nothing overflows")


def test_softmax_axes_match_loops(ex):
    rng = np.random.default_rng(3)
    m = rng.normal(scale=4.0, size=(3, 5))
    expect_array(ex.softmax(m), np.array([loop_softmax_1d(row) for row in m]), call="softmax(<(3, 5)>)  (axis=-1: rows sum to 1)",
                 rtol=1e-12, atol=1e-15)
    expect_array(ex.softmax(m, axis=0), np.array([loop_softmax_1d(col) for col in m.T]).T, call="softmax(<(3, 5)>, axis=0)",
                 rtol=1e-12, atol=1e-15, hint="reduce along `axis` with keepdims=True, for the max and for the sum")
    t = rng.normal(size=(2, 4, 3))
    expected = np.moveaxis(np.array([[loop_softmax_1d(t[i, :, k]) for k in range(3)] for i in range(2)]), -1, 1)
    expect_array(ex.softmax(t, axis=1), expected, call="softmax(<(2, 4, 3)>, axis=1)", rtol=1e-12, atol=1e-15)


def test_softmax_dtypes(ex):
    x32 = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    expect_array(ex.softmax(x32), [loop_softmax_1d([1.0, 2.0, 3.0])], call="softmax(<float32>)", rtol=1e-6, atol=1e-7, dtype=np.float32)
    expect_array(ex.softmax(np.array([1, 2, 3])), loop_softmax_1d([1, 2, 3]), call="softmax(np.array([1, 2, 3]))", rtol=1e-12, atol=0,
                 dtype=np.float64, hint="integers become float64")


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6), elements=st.floats(-30, 30)),
       st.floats(-500, 500))
def test_softmax_shift_invariance_and_normalisation(ex, x, c):
    p = ex.softmax(x)
    expect_array(p, ex.softmax(x + c), call=f"softmax(x) vs softmax(x + {c!r}) for x = {x.tolist()}", rtol=1e-9, atol=1e-12,
                 hint="softmax is invariant to adding a constant along the axis")
    expect_array(np.asarray(p.sum(axis=-1)), np.ones(x.shape[:-1]), call=f"softmax({x.tolist()}).sum(axis=-1)", rtol=1e-12, atol=1e-12)
    expect_array(p, np.apply_along_axis(loop_softmax_1d, -1, x), call=f"softmax({x.tolist()})", rtol=1e-9, atol=1e-15)
