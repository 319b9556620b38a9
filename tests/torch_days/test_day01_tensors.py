"""Grading torch-01: make_grid_tensor, to_numpy_safe, numpy_to_tensor.

Oracles: NumPy (values computed with ``np.arange`` in float64, dtype mapping),
``Tensor.tolist()``, and memory checks nobody here wrote (``np.shares_memory``,
``data_ptr`` against ``arr.ctypes.data``, writing through one side).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-01")

DEVICES = device_params()


def skip_unsupported(device: str, dtype) -> None:
    if device == "mps" and dtype in (torch.float64, torch.complex64, torch.complex128, np.float64, np.complex128):
        pytest.skip("MPS has no float64/complex support")


# ---------------------------------------------------------------- make_grid_tensor

# (rows, cols, start, step, dtype, expected dtype, tolerance)
GRID_CASES = [
    (2, 3, 0, 1, None, torch.int64, 0),
    (2, 3, 1, 2, None, torch.int64, 0),
    (3, 4, -5, -3, None, torch.int64, 0),
    (1, 3, 1.0, 0.1, None, torch.float32, 1e-6),  # arange(1.0, 1.3, 0.1) has 4 elements
    (4, 5, 0, 0.25, None, torch.float32, 1e-6),  # int start, float step -> default float dtype
    (3, 7, 2.5, -0.3, torch.float64, torch.float64, 1e-12),
    (2, 2, 10, 5, torch.float16, torch.float16, 1e-3),
    (3, 3, 1.0, 1.0, torch.int32, torch.int32, 0),
    (0, 4, 0, 1, None, torch.int64, 0),
    (4, 0, 0.5, 1.0, None, torch.float32, 0),
    (1, 1, 7, 3, None, torch.int64, 0),
    (40, 50, 0.0, 1e-3, torch.float32, torch.float32, 1e-6),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("rows,cols,start,step,dtype,want_dtype,tol", GRID_CASES)
def test_make_grid_tensor_matches_numpy(ex, device, rows, cols, start, step, dtype, want_dtype, tol):
    skip_unsupported(device, want_dtype)
    call = f"make_grid_tensor({rows}, {cols}, start={start!r}, step={step!r}, dtype={dtype}, device={device!r})"
    got = ex.make_grid_tensor(rows, cols, start=start, step=step, dtype=dtype, device=device)
    expect_true(isinstance(got, torch.Tensor), message=f"{call} should return a torch.Tensor, got {type(got).__name__}")
    expect_equal(tuple(got.shape), (rows, cols), call=f"{call}.shape",
                 hint="build rows * cols values with torch.arange(n) (an int count), not with a float step")
    expect_equal(got.dtype, want_dtype, call=f"{call}.dtype",
                 hint="None means int64 for int start/step, else torch.get_default_dtype()")
    expect_equal(got.device.type, device, call=f"{call}.device.type", hint="pass device= to the factory function")
    oracle = (np.arange(rows * cols, dtype=np.float64) * step + start).reshape(rows, cols)
    expected = torch.from_numpy(oracle).to(want_dtype)
    expect_close(got.cpu(), expected, what=call, rtol=tol, atol=tol, hint="element [i, j] is start + step * (i * cols + j)")


def test_make_grid_tensor_follows_the_default_dtype(ex):
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        got = ex.make_grid_tensor(2, 2, start=0.5, step=1)
    finally:
        torch.set_default_dtype(previous)
    expect_equal(got.dtype, torch.float64, call="make_grid_tensor(2, 2, start=0.5) under torch.set_default_dtype(torch.float64)",
                 hint="ask torch.get_default_dtype() instead of writing float32")


@pytest.mark.parametrize(
    "rows,cols,error",
    [(-1, 3, ValueError), (2, -4, ValueError), (2.0, 3, TypeError), (2, "3", TypeError), (True, 3, TypeError)],
)
def test_make_grid_tensor_rejects_bad_shapes(ex, rows, cols, error):
    expect_raises(error, lambda: ex.make_grid_tensor(rows, cols), call=f"make_grid_tensor({rows!r}, {cols!r})",
                  hint="rows and cols must be ints (not bool, not float) and >= 0")


# ---------------------------------------------------------------- to_numpy_safe


def _tensors():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, 4, generator=g)
    z = torch.complex(torch.randn(3, generator=g), torch.randn(3, generator=g))
    return {
        "float32": (x, np.float32),
        "float64": (x.double(), np.float64),
        "int64": (torch.arange(-3, 3), np.int64),
        "bool": (torch.tensor([[True, False]]), np.bool_),
        "uint8": (torch.tensor([0, 200, 255], dtype=torch.uint8), np.uint8),
        "bfloat16": (x.to(torch.bfloat16), np.float32),
        "float16": (x.half(), np.float16),
        "complex64": (z, np.complex64),
        "conj_view": (z.conj(), np.complex64),
        "transposed": (x.t(), np.float32),
        "strided": (x[::2, 1::2], np.float32),
        "scalar": (torch.tensor(2.5), np.float32),
        "empty": (torch.empty(0, 3), np.float32),
        "requires_grad": (x.clone().requires_grad_(True), np.float32),
        "non_leaf": (x.clone().requires_grad_(True) * 2, np.float32),
    }


TENSORS = _tensors()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(TENSORS))
def test_to_numpy_safe_values_and_dtype(ex, device, case):
    t, want_dtype = TENSORS[case]
    skip_unsupported(device, t.dtype)
    if device == "mps" and t.dtype is torch.bfloat16:
        pytest.skip("bfloat16 on MPS depends on the macOS version")
    t = t.to(device)
    call = f"to_numpy_safe(<{case} tensor on {device}>)"
    got = ex.to_numpy_safe(t)
    expect_true(isinstance(got, np.ndarray), message=f"{call} should return a numpy.ndarray, got {type(got).__name__}")
    expect_equal(got.shape, tuple(t.shape), call=f"{call}.shape")
    expect_equal(got.dtype, np.dtype(want_dtype), call=f"{call}.dtype",
                 hint="keep the NumPy equivalent of the dtype; bfloat16 (no NumPy dtype) becomes float32")
    values = t.detach().cpu()
    values = values.float() if values.dtype == torch.bfloat16 else values
    expected = np.array(values.tolist(), dtype=want_dtype).reshape(got.shape)  # the conjugation is in tolist()
    expect_true(np.array_equal(got, expected),
                message=f"{call} values differ\n  expected: {expected!r}\n  got:      {got!r}",
                hint="resolve the conjugate bit (resolve_conj) and convert, do not round")


@pytest.mark.parametrize("case", ["float32", "int64", "transposed", "requires_grad", "scalar"])
def test_to_numpy_safe_returns_a_copy(ex, case):
    t, _ = TENSORS[case]
    t = t.detach().clone()  # our own tensor, so writing to it is harmless
    got = ex.to_numpy_safe(t)
    call = f"to_numpy_safe(<{case} CPU tensor>)"
    expect_true(not np.shares_memory(got, t.numpy()),
                message=f"{call} shares memory with the tensor",
                hint="on the CPU, t.cpu() is t itself and .numpy() is a view of its memory: copy it")
    before = t.clone()
    got[...] = 1
    expect_true(torch.equal(t, before), message=f"writing to the result of {call} changed the tensor")
    expect_true(got.flags.writeable, message=f"the result of {call} should be writable")


@pytest.mark.parametrize("bad", [np.zeros(3), [1.0, 2.0], 3.0])
def test_to_numpy_safe_rejects_non_tensors(ex, bad):
    expect_raises(TypeError, lambda: ex.to_numpy_safe(bad), call=f"to_numpy_safe({bad!r})",
                  hint="check isinstance(t, torch.Tensor) first")


# ---------------------------------------------------------------- numpy_to_tensor

ARRAYS = {
    "float64": np.linspace(-1.0, 1.0, 12).reshape(3, 4),
    "float32": np.arange(6, dtype=np.float32).reshape(2, 3),
    "float16": np.array([0.5, -2.0], dtype=np.float16),
    "int32": np.array([[-7, 0, 7]], dtype=np.int32),
    "uint8": np.array([0, 128, 255], dtype=np.uint8),
    "bool": np.array([True, False, True]),
    "complex128": np.array([1 + 2j, -3j]),
    "scalar": np.array(4.5),
    "empty": np.zeros((0, 2), dtype=np.float32),
    "view": np.arange(24, dtype=np.float64).reshape(4, 6)[1:, ::2],
}
TORCH_DTYPE = {
    np.float64: torch.float64, np.float32: torch.float32, np.float16: torch.float16, np.int32: torch.int32,
    np.uint8: torch.uint8, np.bool_: torch.bool, np.complex128: torch.complex128,
}


def _check_converted(got, arr: np.ndarray, device: str, call: str) -> None:
    expect_true(isinstance(got, torch.Tensor), message=f"{call} should return a torch.Tensor, got {type(got).__name__}")
    expect_equal(tuple(got.shape), arr.shape, call=f"{call}.shape")
    expect_equal(got.dtype, TORCH_DTYPE[arr.dtype.type], call=f"{call}.dtype",
                 hint="keep the array's dtype: float64 stays float64 (torch.tensor(arr, dtype=...) would change it)")
    expect_equal(got.device.type, device, call=f"{call}.device.type")
    back = np.array(got.cpu().tolist(), dtype=arr.dtype).reshape(arr.shape)
    expect_true(np.array_equal(back, arr), message=f"{call} values differ\n  expected: {arr!r}\n  got:      {back!r}")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(ARRAYS))
def test_numpy_to_tensor_copies(ex, device, case):
    arr = ARRAYS[case].copy() if case != "view" else ARRAYS[case]
    skip_unsupported(device, arr.dtype.type)
    call = f"numpy_to_tensor(<{case} array>, device={device!r})"
    got = ex.numpy_to_tensor(arr, device=device)
    _check_converted(got, arr, device, call)
    if device == "cpu" and arr.size:
        expect_true(not np.shares_memory(got.numpy(), arr), message=f"{call} shares memory with the array",
                    hint="share_memory=False must copy: torch.from_numpy alone shares")


@pytest.mark.parametrize("case", ["float64", "int32", "bool", "scalar", "view"])
def test_numpy_to_tensor_shares_memory(ex, case):
    arr = ARRAYS[case].copy() if case != "view" else np.arange(24, dtype=np.float64).reshape(4, 6)[1:, ::2]
    call = f"numpy_to_tensor(<{case} array>, share_memory=True)"
    got = ex.numpy_to_tensor(arr, share_memory=True)
    _check_converted(got, arr, "cpu", call)
    expect_equal(got.data_ptr(), arr.ctypes.data, call=f"{call}.data_ptr() vs arr.ctypes.data",
                 hint="torch.from_numpy(arr) reuses the array's buffer")
    arr[...] = arr.dtype.type(1)  # write through the array ...
    expect_true(bool((got == 1).all()), message=f"after {call}, writing to the array did not show in the tensor")


@pytest.mark.parametrize("case", ["float64", "view", "scalar", "uint8"])
def test_numpy_to_tensor_copy_is_independent(ex, case):
    arr = ARRAYS[case].copy()
    got = ex.numpy_to_tensor(arr)
    before = got.clone()
    arr[...] = 0
    expect_true(torch.equal(got, before), message=f"numpy_to_tensor(<{case} array>) changed when the array was written to",
                hint="the default share_memory=False must copy the data")


@pytest.mark.parametrize("device", DEVICES)
def test_numpy_to_tensor_handles_negative_strides_and_read_only(ex, device):
    reversed_view = np.arange(8, dtype=np.float32)[::-1]
    _check_converted(ex.numpy_to_tensor(reversed_view, device=device), reversed_view, device,
                     f"numpy_to_tensor(np.arange(8)[::-1], device={device!r})")
    read_only = np.arange(4, dtype=np.int32)
    read_only.flags.writeable = False
    import warnings

    previous = torch.is_warn_always_enabled()
    torch.set_warn_always(True)  # torch warns about a read-only buffer only once per process otherwise
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = ex.numpy_to_tensor(read_only, device=device)
    finally:
        torch.set_warn_always(previous)
    _check_converted(got, read_only, device, f"numpy_to_tensor(<read-only array>, device={device!r})")


def _read_only():
    a = np.arange(3.0)
    a.flags.writeable = False
    return a


@pytest.mark.parametrize(
    "what,arr,device",
    [
        ("a reversed view", np.arange(5.0)[::-1], "cpu"),
        ("a read-only array", _read_only(), "cpu"),
        ("a non-CPU device", np.arange(3.0), "meta"),
    ],
)
def test_numpy_to_tensor_refuses_impossible_sharing(ex, what, arr, device):
    err = expect_raises(
        ValueError, lambda: ex.numpy_to_tensor(arr, device=device, share_memory=True),
        call=f"numpy_to_tensor(<{what}>, device={device!r}, share_memory=True)",
        hint="check the device, arr.flags.writeable and arr.strides before torch.from_numpy",
    )
    expect_true("share_memory=False" in str(err), message=f"the ValueError should tell the caller to pass share_memory=False; got: {err}")


@pytest.mark.parametrize("device", DEVICES[1:])
def test_numpy_to_tensor_cannot_share_with_an_accelerator(ex, device):
    err = expect_raises(ValueError, lambda: ex.numpy_to_tensor(np.ones(2), device=device, share_memory=True),
                        call=f"numpy_to_tensor(np.ones(2), device={device!r}, share_memory=True)")
    expect_true("share_memory=False" in str(err), message=f"the ValueError should suggest share_memory=False; got: {err}")


@pytest.mark.parametrize("bad", [[1.0, 2.0], 3.0, np.array(["a", "b"]), np.array([{}, None], dtype=object)])
def test_numpy_to_tensor_rejects_other_inputs(ex, bad):
    expect_raises(TypeError, lambda: ex.numpy_to_tensor(bad), call=f"numpy_to_tensor({bad!r})",
                  hint="accept numpy.ndarray of bool/int/float/complex dtype only")
