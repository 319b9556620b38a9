"""Grading torch-06: to_model_input, memory_overlaps, promote_types.

Oracles: NumPy's own cast (``np.array(arr, dtype=np.float32)``) and
``np.isfinite``; ``np.may_share_memory`` (saved before the tests hide it) on
hand-built and random views; torch's own promotion table
(``torch.promote_types``, saved before the tests hide it) over all 144 pairs.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-06")

DEVICES = device_params()
MAY_SHARE = np.may_share_memory  # oracles, saved before the tests hide them
PROMOTE = torch.promote_types


# ---------------------------------------------------------------- to_model_input


def _read_only(values) -> np.ndarray:
    return np.frombuffer(np.asarray(values, dtype=np.float64).tobytes(), dtype=np.float64)


def _arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    grid = rng.standard_normal((4, 6))
    return {
        "float64": grid,
        "float32 (no cast needed, still a copy)": grid.astype(np.float32),
        "float16": grid.astype(np.float16),
        "int64": np.arange(-6, 6).reshape(3, 4),
        "uint8 image": rng.integers(0, 256, size=(2, 3, 3), dtype=np.uint8),
        "bool": np.array([[True, False], [False, True]]),
        "read-only (np.frombuffer)": _read_only([1.5, -2.0, 3.25]),
        "read-only float32": np.frombuffer(np.array([0.5, 4.0], dtype=np.float32).tobytes(), dtype=np.float32),
        "reversed (arr[::-1])": grid[::-1],
        "Fortran order": np.asfortranarray(grid),
        "strided view": grid[::2, 1::2],
        "0-d": np.array(2.5),
        "empty": np.zeros((0, 3)),
        "nan and inf": np.array([np.nan, np.inf, -np.inf, 1.0]),
    }


ARRAYS = _arrays()


@contextlib.contextmanager
def _torch_warns_every_time():
    """torch warns about read-only arrays once per process; make it warn on every call here."""
    before = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    try:
        yield
    finally:
        torch.set_warn_always(before)


def _expected(arr: np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    if dtype == torch.bfloat16:  # NumPy has no bfloat16: torch's cast of the float64 values is the reference
        return torch.from_numpy(np.array(arr, dtype=np.float64)).to(torch.bfloat16)
    np_dtype = {torch.float32: np.float32, torch.float16: np.float16, torch.float64: np.float64}[dtype]
    return torch.from_numpy(np.array(arr, dtype=np_dtype))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(ARRAYS))
def test_to_model_input_values_dtype_and_layout(ex, device, case):
    arr = ARRAYS[case]
    call = f"to_model_input(<{case} array, dtype {arr.dtype}>, device={device!r})"
    with warnings.catch_warnings(), _torch_warns_every_time():
        warnings.simplefilter("error")  # torch warns on read-only arrays; NumPy warns on overflow in casts
        got = ex.to_model_input(arr, device=device)
    expect_true(isinstance(got, torch.Tensor), message=f"{call} should return a torch.Tensor, got {type(got).__name__}")
    expect_equal(got.device.type, device, call=f"{call}.device.type")
    expect_true(got.is_contiguous(), message=f"{call} is not contiguous")
    expected = _expected(arr, torch.float32)
    expect_true(torch.equal(torch.isnan(got.cpu()), torch.isnan(expected)), message=f"{call} does not keep NaN where the array has NaN")
    expect_close(got.cpu().nan_to_num(nan=0.0, posinf=torch.inf, neginf=-torch.inf), expected.nan_to_num(nan=0.0, posinf=torch.inf, neginf=-torch.inf),
                 what=call, rtol=0, atol=0, hint="cast to float32 (the model's dtype), whatever the array's dtype; keep NaN and inf")
    if device == "cpu" and arr.size:
        expect_true(not np.shares_memory(got.numpy(), arr), message=f"{call} shares memory with the array",
                    hint="torch.from_numpy/as_tensor share; copy the array first")


@pytest.mark.parametrize("case", ["float64", "float32 (no cast needed, still a copy)", "int64", "Fortran order"])
def test_to_model_input_is_independent_of_later_writes(ex, case):
    arr = ARRAYS[case].copy(order="A")
    got = ex.to_model_input(arr)
    before = got.clone()
    arr[...] = 0
    expect_close(got, before, what=f"to_model_input(<{case} array>) after the array was overwritten", rtol=0, atol=0,
                 hint="the tensor must own a copy: a batch must not change when the loader reuses its buffer")


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_to_model_input_other_float_dtypes(ex, dtype):
    arr = ARRAYS["float64"]
    call = f"to_model_input(<float64 array>, dtype={dtype})"
    got = ex.to_model_input(arr, dtype=dtype)
    expect_close(got, _expected(arr, dtype), what=call, rtol=0, atol=0, hint="cast once, from the array's dtype to `dtype`")


@pytest.mark.parametrize(
    "arr,dtype",
    [
        (np.array([1.0, 1e300]), torch.float32),
        (np.array([[-1e39]]), torch.float32),
        (np.array([70000], dtype=np.int64), torch.float16),
        (np.array(1e5, dtype=np.float32), torch.float16),
    ],
)
def test_to_model_input_refuses_silent_overflow(ex, arr, dtype):
    call = f"to_model_input({arr!r}, dtype={dtype})"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        err = expect_raises(ValueError, lambda: ex.to_model_input(arr, dtype=dtype), call=call,
                            hint="compare np.isfinite(arr) with torch.isfinite(result): a finite value became inf")
    expect_true(str(dtype).removeprefix("torch.") in str(err), message=f"the ValueError from {call} should name {dtype}; got: {err}")


@pytest.mark.parametrize(
    "arr,dtype,error",
    [
        ([1.0, 2.0], torch.float32, TypeError),
        (np.array([1 + 2j]), torch.float32, TypeError),
        (np.array(["a"]), torch.float32, TypeError),
        (np.array([None, 1.0], dtype=object), torch.float32, TypeError),
        (np.array([1.0]), torch.int64, ValueError),
        (np.array([1.0]), torch.bool, ValueError),
    ],
)
def test_to_model_input_rejects_bad_input(ex, arr, dtype, error):
    expect_raises(error, lambda: ex.to_model_input(arr, dtype=dtype), call=f"to_model_input({arr!r}, dtype={dtype})",
                  hint="arr: a NumPy array of bool/int/float; dtype: a floating torch dtype")


# ---------------------------------------------------------------- memory_overlaps


@pytest.fixture
def no_numpy_overlap(monkeypatch):
    for name in ("may_share_memory", "shares_memory"):
        def refuse(*args, _name=name, **kwargs):
            raise AssertionError(f"memory_overlaps must compute the byte ranges itself: it called np.{_name}")

        monkeypatch.setattr(np, name, refuse)


def _pairs():
    base = np.arange(12.0)  # 12 float64 = 96 bytes
    shared = torch.from_numpy(base)
    owned = torch.arange(5.0)
    return {
        "from_numpy": (shared, base, True),
        "torch.tensor copies": (torch.tensor(base), base, False),
        "as_tensor shares": (torch.as_tensor(base), base, True),
        "t.numpy() shares": (owned, owned.numpy(), True),
        "slices that touch": (shared[6:], base[:6], False),
        "slices sharing one element": (shared[5:], base[:6], True),
        "transposed view": (shared.view(3, 4).t(), base[10:], True),
        "interleaved strides": (shared[::3], base[1::3], True),
        "reversed array, just misses": (shared[:8], base[::-1][:4], False),
        "reversed array, shares": (shared[:9], base[::-1][:4], True),
        "0-d tensor": (shared[3], base[3:4], True),
        "0-d tensor, next element": (shared[3], base[4:], False),
        "empty tensor": (shared[:0], base, False),
        "empty array": (shared, base[:0], False),
        "requires grad": (torch.from_numpy(base).requires_grad_(True), base[11:], True),
        "other dtype, same bytes": (torch.from_numpy(base.view(np.uint8))[48:], base[:6], False),
        "other dtype, overlapping": (torch.from_numpy(base.view(np.uint8))[47:], base[:6], True),
        "meta tensor": (torch.empty(12, device="meta"), base, False),
    }


PAIRS = _pairs()


@pytest.mark.parametrize("case", list(PAIRS))
def test_memory_overlaps_on_known_pairs(ex, no_numpy_overlap, case):
    t, a, expected = PAIRS[case]
    if t.device.type == "cpu":  # the table agrees with NumPy's own answer
        assert MAY_SHARE(t.detach().numpy(), a) == expected, f"test data disagrees with np.may_share_memory for {case!r}"
    got = ex.memory_overlaps(t, a)
    expect_equal(got, expected, call=f"memory_overlaps(<{case}>)  (tensor shape {tuple(t.shape)} stride {t.stride()}, "
                 f"array shape {a.shape} strides {a.strides})",
                 hint="span = [start, start + sum((n - 1) * stride) + itemsize); torch strides count elements, NumPy's count bytes and may be negative")


@given(
    st.integers(0, 23), st.integers(0, 24), st.integers(1, 4),
    st.integers(-24, 23), st.integers(-25, 24), st.sampled_from([1, 2, 3, -1, -2, -5]),
    st.booleans(),
)
def test_memory_overlaps_matches_numpy_on_random_slices(ex, no_numpy_overlap, t0, t1, tstep, a0, a1, astep, reshape):
    base = np.arange(24.0)
    t = torch.from_numpy(base)[t0:t1:tstep]
    if reshape and t.numel() % 2 == 0 and t.numel():
        t = t.view(2, -1).t()  # a transposed 2-D view of the slice
    a = base[a0:a1:astep]
    expected = MAY_SHARE(t.numpy(), a)
    call = f"memory_overlaps(torch.from_numpy(base)[{t0}:{t1}:{tstep}]{'.view(2, -1).t()' if t.ndim == 2 else ''}, base[{a0}:{a1}:{astep}])"
    expect_equal(ex.memory_overlaps(t, a), bool(expected), call=call,
                 hint="with a negative step the array's lowest address is not a.ctypes.data")


@pytest.mark.parametrize("t,a", [(np.zeros(2), np.zeros(2)), (torch.zeros(2), [0.0, 0.0]), (torch.zeros(2), torch.zeros(2))])
def test_memory_overlaps_rejects_other_types(ex, no_numpy_overlap, t, a):
    expect_raises(TypeError, lambda: ex.memory_overlaps(t, a), call=f"memory_overlaps({type(t).__name__}, {type(a).__name__})",
                  hint="the first argument is a torch.Tensor, the second a numpy.ndarray")


# ---------------------------------------------------------------- promote_types

DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128]


@pytest.fixture
def no_promotion_helpers(monkeypatch):
    for name in ("promote_types", "result_type", "can_cast"):
        def refuse(*args, _name=name, **kwargs):
            raise AssertionError(f"promote_types must apply the rule itself: it called torch.{_name}")

        monkeypatch.setattr(torch, name, refuse)


@pytest.mark.parametrize("a", DTYPES, ids=[str(d).removeprefix("torch.") for d in DTYPES])
def test_promote_types_matches_torch_table(ex, no_promotion_helpers, a):
    wrong = []
    for b in DTYPES:
        expected = PROMOTE(a, b)
        got = ex.promote_types(a, b)
        if got != expected:
            wrong.append(f"promote_types({a}, {b}): expected {expected}, got {got}")
    expect_true(not wrong, message="\n".join(wrong),
                hint="higher category wins (complex + float64 -> complex128); inside a category the wider wins; uint8+int8 -> int16; float16+bfloat16 -> float32")


@pytest.mark.parametrize(
    "a,b,error",
    [
        (torch.uint16, torch.int8, ValueError),
        (torch.float32, torch.complex32, ValueError),
        (torch.float8_e4m3fn, torch.float32, ValueError),
        ("float32", torch.float32, TypeError),
        (torch.int64, np.float32, TypeError),
    ],
)
def test_promote_types_rejects_other_dtypes(ex, no_promotion_helpers, a, b, error):
    expect_raises(error, lambda: ex.promote_types(a, b), call=f"promote_types({a!r}, {b!r})",
                  hint="accept the twelve listed torch dtypes; other torch dtypes: ValueError; non-dtypes: TypeError")
