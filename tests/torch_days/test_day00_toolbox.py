"""Grading torch-00: resolve_device, median_time, tensor_facts.

Oracles: a fake machine (monkeypatched availability, known answers), a fake
clock with known call durations checked against ``statistics.median``, and
tensor facts computed directly with torch plus hand-known element sizes.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
import torch

import utils.timing
from curriculum.grading.testing import device_params, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-00")


# ---------------------------------------------------------------- resolve_device


@pytest.fixture
def machine(fake_devices, monkeypatch):
    """Pretend the machine has ``cuda`` GPUs and (or not) MPS; LEARN_DEVICE is set to prove it is ignored."""
    monkeypatch.setenv("LEARN_DEVICE", "cpu")
    return fake_devices


@pytest.mark.parametrize(
    "cuda,mps,spec,expected",
    [
        (2, True, "auto", "cuda"),
        (1, False, None, "cuda"),
        (0, True, "auto", "mps"),
        (0, False, "auto", "cpu"),
        (0, False, "AUTO", "cpu"),
        (1, True, " cpu ", "cpu"),
        (2, False, "cuda:1", "cuda:1"),
        (1, False, "cuda", "cuda"),
        (1, False, "CUDA:0", "cuda:0"),
        (0, True, "mps", "mps"),
    ],
)
def test_resolve_device_on_a_fake_machine(ex, machine, cuda, mps, spec, expected):
    machine(cuda=cuda, mps=mps)
    got = ex.resolve_device(spec)
    want = torch.device(expected)
    ok = isinstance(got, torch.device) and got.type == want.type and (
        got.index == want.index or (spec in (None, "auto") and got.index in (None, 0))
    )
    expect_true(
        ok,
        message=f"resolve_device({spec!r}) on a machine with {cuda} GPU(s), MPS={mps}\n"
        f"  expected: {want!r}\n  got:      {got!r}",
        hint="auto prefers CUDA, then MPS, then CPU; an explicit name keeps its index; LEARN_DEVICE must not matter",
    )


@pytest.mark.parametrize(
    "cuda,mps,spec",
    [
        (0, False, "cuda"),
        (0, True, "cuda:0"),
        (1, False, "cuda:1"),
        (2, True, "cuda:5"),
        (1, False, "mps"),
        (1, True, "gpu"),
        (1, True, "xla"),
        (0, False, ""),
    ],
)
def test_resolve_device_refuses_what_is_not_there(ex, machine, cuda, mps, spec):
    machine(cuda=cuda, mps=mps)
    err = expect_raises(
        ValueError, lambda: ex.resolve_device(spec),
        call=f"resolve_device({spec!r}) on a machine with {cuda} GPU(s), MPS={mps}",
        hint="check torch.cuda.is_available(), torch.cuda.device_count() and torch.backends.mps.is_available(); "
        "torch.device('gpu') raises RuntimeError: catch it and raise ValueError",
    )
    expect_true(spec in str(err), message=f"the ValueError should quote the request {spec!r}; got: {err}")


@pytest.mark.parametrize("bad", [0, 1.5, torch.device("cpu"), ["cpu"]])
def test_resolve_device_rejects_non_strings(ex, machine, bad):
    machine()
    expect_raises(TypeError, lambda: ex.resolve_device(bad), call=f"resolve_device({bad!r})",
                  hint="accept str or None only")


def test_resolve_device_on_this_machine(ex):
    want = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    expect_equal(ex.resolve_device("auto").type, want, call="resolve_device('auto').type (no monkeypatching)")
    expect_equal(ex.resolve_device("cpu"), torch.device("cpu"), call="resolve_device('cpu')")


# ---------------------------------------------------------------- median_time


class FakeClock:
    """Stands in for utils.timing.perf_counter: time moves only when ``fn`` runs."""

    def __init__(self, durations):
        self.now = 100.0
        self.durations = list(durations)
        self.calls = 0

    def __call__(self) -> float:
        return self.now

    def fn(self):
        self.now += self.durations[self.calls]
        self.calls += 1
        return "ignored"


@pytest.mark.parametrize(
    "durations,warmup,repeats",
    [
        ([9.0, 0.003, 0.001, 0.002, 0.005, 0.004], 1, 5),  # slow first call must be discarded
        ([0.003, 0.001, 0.002, 0.005], 0, 4),  # even count: mean of the two middle values
        ([50.0, 40.0, 0.25], 2, 1),
        ([1.0, 1.0, 0.5, 0.125, 0.75], 2, 3),
    ],
)
def test_median_time_with_a_fake_clock(ex, monkeypatch, capsys, durations, warmup, repeats):
    clock = FakeClock(durations)
    monkeypatch.setattr(utils.timing, "perf_counter", clock)
    got = ex.median_time(clock.fn, repeats=repeats, warmup=warmup)
    call = f"median_time(fn, repeats={repeats}, warmup={warmup}) with call durations {durations}"
    expect_equal(clock.calls, warmup + repeats, call=call + " -> number of calls to fn")
    expect_float(
        got, statistics.median(durations[warmup:]), call=call, rel=1e-9, abs=1e-12,
        hint="skip the warm-up calls, time each call in its own time_block (the test drives its clock), "
        "and use statistics.median",
    )
    expect_equal(capsys.readouterr().out, "", call=call + " -> printed output", hint="pass quiet=True to time_block")


def test_median_time_with_a_real_sleep(ex):
    import time

    got = ex.median_time(lambda: time.sleep(0.01), repeats=3, warmup=0)
    expect_true(
        isinstance(got, float) and 0.01 <= got < 1.0,
        message=f"median_time(sleep 10 ms, repeats=3, warmup=0) should be between 0.01 and 1 s, got {got!r}",
        hint="return seconds, as a float",
    )


class FakeCuda:
    def __init__(self):
        self.syncs = 0

    def synchronize(self):
        self.syncs += 1


@pytest.mark.parametrize("sync,at_least,at_most", [(None, 6, 10), (False, 0, 0)])
def test_median_time_passes_sync_on(ex, monkeypatch, sync, at_least, at_most):
    fake = FakeCuda()
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)  # "CUDA is in use"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "synchronize", fake.synchronize)
    ex.median_time(lambda: None, repeats=3, warmup=1, sync=sync)
    expect_true(
        at_least <= fake.syncs <= at_most,
        message=f"median_time(fn, repeats=3, warmup=1, sync={sync}) while CUDA is in use: "
        f"expected {at_least}..{at_most} calls to torch.cuda.synchronize, got {fake.syncs}",
        hint="pass sync=sync to time_block; it synchronises before and after each timed call",
    )


@pytest.mark.parametrize(
    "fn,kwargs,error",
    [
        ("not callable", {}, TypeError),
        (None, {"repeats": 0}, ValueError),
        (None, {"repeats": -2}, ValueError),
        (None, {"warmup": -1}, ValueError),
        (None, {"repeats": 2.5}, TypeError),
    ],
)
def test_median_time_rejects_bad_arguments(ex, fn, kwargs, error):
    calls = []
    target = fn if fn is not None else (lambda: calls.append(1))
    expect_raises(error, lambda: ex.median_time(target, **kwargs), call=f"median_time({'fn' if fn is None else repr(fn)}, {', '.join(f'{k}={v!r}' for k, v in kwargs.items())})",
                  hint="repeats >= 1 and warmup >= 0 must be ints; fn must be callable")
    expect_equal(calls, [], call=f"median_time(fn, **{kwargs}) -> calls made before the error",
                 hint="validate the arguments before calling fn")


# ---------------------------------------------------------------- tensor_facts

ITEM_SIZE = {  # bytes per element, known by heart
    torch.float32: 4, torch.float64: 8, torch.float16: 2, torch.bfloat16: 2,
    torch.int64: 8, torch.int32: 4, torch.uint8: 1, torch.bool: 1, torch.complex64: 8,
}


def _tensors():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 5, generator=g)
    x[0, 1], x[2, 2], x[1, 4] = math.nan, math.inf, -math.inf
    return {
        "float32_nan_inf": x,
        "empty": torch.empty(0, 4),
        "scalar": torch.tensor(3.5),
        "int64": torch.arange(12).reshape(3, 4),
        "uint8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([[True, False]]),
        "bfloat16": torch.tensor([1.0, math.nan], dtype=torch.bfloat16),
        "float64": torch.zeros(2, 2, 2, dtype=torch.float64),
        "complex64": torch.tensor([1 + 1j, complex(math.nan, 1.0), complex(0.0, math.inf)], dtype=torch.complex64),
        "transposed": x.t(),
    }


TENSORS = _tensors()


def oracle_facts(x: torch.Tensor) -> dict:
    floating = x.dtype.is_floating_point or x.dtype.is_complex
    return {
        "shape": tuple(x.shape),
        "dtype": str(x.dtype).split(".")[-1],
        "device": str(x.device),
        "numel": x.numel(),
        "nbytes": x.numel() * ITEM_SIZE[x.dtype],
        "requires_grad": x.requires_grad,
        "nan": int(torch.isnan(x).sum()) if floating else 0,
        "inf": int(torch.isinf(x).sum()) if floating else 0,
    }


@pytest.mark.parametrize("device", device_params())
@pytest.mark.parametrize("case", list(TENSORS))
def test_tensor_facts_match_torch(ex, case, device):
    x = TENSORS[case]
    if device == "mps" and x.dtype in (torch.float64, torch.complex64):
        pytest.skip("MPS has no float64/complex64")
    x = x.to(device)
    expect_equal(ex.tensor_facts(x), oracle_facts(x), call=f"tensor_facts(<{case} tensor on {device}>)",
                 hint="dtype without 'torch.', device as str(x.device), nbytes = numel * element_size()")


def test_tensor_facts_with_requires_grad(ex):
    w = torch.ones(2, 3, requires_grad=True)
    expect_equal(ex.tensor_facts(w * 2), oracle_facts(w * 2), call="tensor_facts(w * 2) where w requires grad")


@pytest.mark.parametrize("bad", [np.zeros(3), [1.0, 2.0], 3.0])
def test_tensor_facts_rejects_non_tensors(ex, bad):
    expect_raises(TypeError, lambda: ex.tensor_facts(bad), call=f"tensor_facts({bad!r})",
                  hint="check isinstance(x, torch.Tensor) first; utils.inspect accepts NumPy arrays, this function must not")
