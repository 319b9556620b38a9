"""Grading cs336-16: get_batch.

Oracles: a brute-force search over every valid start (each row must be some
contiguous window of the data, its target the same window shifted by one),
a chi-square bound on the start positions over many seeded draws (uniform over
0 .. n - context_length - 1, the last start included), and a counting wrapper
around a np.memmap that records how many tokens were read.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import device_params, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-16")

DEVICES = device_params()


def write_memmap(path, values) -> np.memmap:
    """Write `values` as uint16 tokens to `path` and open them read-only, as a training run would."""
    np.asarray(values, dtype=np.uint16).tofile(path)
    return np.memmap(path, dtype=np.uint16, mode="r")


def check_batch(x, y, data, batch_size, context_length, device, call):
    """Shapes, dtype, device, the shift, and every row a contiguous window (brute force)."""
    for name, t in (("inputs", x), ("targets", y)):
        expect_true(isinstance(t, torch.Tensor), message=f"{call}: {name} is a {type(t).__name__}, not a torch.Tensor")
        expect_equal(tuple(t.shape), (batch_size, context_length), call=f"{call}: {name}.shape")
        expect_equal(t.dtype, torch.int64, call=f"{call}: {name}.dtype",
                     hint="nn.Embedding and cross_entropy want int64 ids: convert the uint16 window with np.int64")
        expect_equal(t.device.type, torch.device(device).type, call=f"{call}: {name}.device",
                     hint="move both tensors to the requested device with .to(device)")
    xs, ys = x.cpu().numpy(), y.cpu().numpy()
    full = np.asarray(data, dtype=np.int64)
    n = len(full)
    for i in range(batch_size):
        expect_true(np.array_equal(xs[i, 1:], ys[i, :-1]),
                    message=f"{call}: row {i}: targets is not inputs shifted by one\n  inputs:  {xs[i].tolist()}\n  targets: {ys[i].tolist()}",
                    hint="targets[i] = dataset[s + 1 : s + context_length + 1], the next token at every position")
        found = [s for s in range(n - context_length)
                 if np.array_equal(full[s:s + context_length], xs[i]) and full[s + context_length] == ys[i, -1]]
        expect_true(bool(found),
                    message=f"{call}: row {i} is not a window of the data\n  inputs:  {xs[i].tolist()}\n  targets: {ys[i].tolist()}",
                    hint="each row is one slice dataset[s : s + context_length + 1] with 0 <= s <= len - context_length - 1")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("n,batch_size,context_length", [(100, 8, 16), (17, 4, 16), (5, 3, 1), (50, 1, 7)],
                         ids=["typical", "one-start", "context-1", "batch-1"])
def test_get_batch_windows_from_a_memmap(ex, tmp_path, device, n, batch_size, context_length):
    values = np.random.default_rng(16).integers(0, 65536, size=n)  # uint16 ids up to 65535: no sign wrap
    data = write_memmap(tmp_path / "tokens.bin", values)
    call = f"get_batch(<memmap of {n} uint16 tokens>, {batch_size}, {context_length}, {device!r}, rng=default_rng(0))"
    x, y = ex.get_batch(data, batch_size, context_length, device, rng=np.random.default_rng(0))
    check_batch(x, y, values, batch_size, context_length, device, call)


@given(n=st.integers(2, 40), batch_size=st.integers(1, 6), context_length=st.integers(1, 12),
       vocab=st.sampled_from([2, 5, 65536]), seed=st.integers(0, 2**32 - 1))
def test_get_batch_rows_are_windows_property(ex, n, batch_size, context_length, vocab, seed):
    context_length = min(context_length, n - 1)
    values = np.random.default_rng(seed).integers(0, vocab, size=n).astype(np.uint16)  # duplicates when vocab is small
    call = f"get_batch(<{n} tokens from a vocabulary of {vocab}>, {batch_size}, {context_length}, rng=default_rng({seed}))"
    x, y = ex.get_batch(values, batch_size, context_length, "cpu", rng=np.random.default_rng(seed))
    check_batch(x, y, values, batch_size, context_length, "cpu", call)


def starts_of(ex, n, context_length, draws, batch_size, seed):
    """Start positions of `draws * batch_size` rows over data = arange(n) (the first input token is the start)."""
    data = np.arange(n, dtype=np.uint16)
    rng = np.random.default_rng(seed)
    return np.concatenate([ex.get_batch(data, batch_size, context_length, "cpu", rng=rng)[0][:, 0].numpy()
                           for _ in range(draws)])


def test_get_batch_starts_are_uniform(ex):
    n, context_length = 30, 5  # valid starts 0 .. 24: 25 of them
    starts = starts_of(ex, n, context_length, draws=20, batch_size=1000, seed=1616)
    counts = np.bincount(starts, minlength=n)
    expect_equal(int(counts[n - context_length:].sum()), 0, call="rows starting after len - context_length - 1",
                 hint="a start s needs s + context_length < len(dataset) for its last target")
    observed = counts[: n - context_length]
    expected = len(starts) / (n - context_length)
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    # 24 degrees of freedom: P(chi2 > 60) is about 5e-5 for a uniform sampler.
    expect_true(chi2 < 60.0,
                message=f"start positions over 20000 rows (seed 1616) are not uniform on 0..24: chi-square {chi2:.1f} >= 60\n"
                        f"  counts: {observed.tolist()}",
                hint="draw every start with equal probability: rng.integers(0, len(dataset) - context_length)")


@pytest.mark.parametrize("n,context_length", [(6, 5), (8, 3), (12, 1)])
def test_get_batch_reaches_every_start_including_the_last(ex, n, context_length):
    starts = starts_of(ex, n, context_length, draws=4, batch_size=200, seed=n)
    expect_equal(sorted(set(starts.tolist())), list(range(n - context_length)),
                 call=f"set of start positions over 800 rows, len(dataset)={n}, context_length={context_length}",
                 hint="valid starts are 0 .. len - context_length - 1 inclusive; rng.integers' upper bound is exclusive")


def test_get_batch_is_reproducible_with_the_rng(ex):
    data = np.arange(1000, dtype=np.uint16)
    a = ex.get_batch(data, 4, 8, "cpu", rng=np.random.default_rng(7))
    b = ex.get_batch(data, 4, 8, "cpu", rng=np.random.default_rng(7))
    c = ex.get_batch(data, 4, 8, "cpu", rng=np.random.default_rng(8))
    expect_true(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]),
                message="get_batch with rng=default_rng(7) twice gave different batches",
                hint="draw the starts from the rng argument, not from np.random or torch's global generator")
    expect_true(not torch.equal(a[0], c[0]), message="get_batch with seeds 7 and 8 gave the same batch",
                hint="use the rng argument for the start positions")


class CountingArray:
    """A 1-D array stand-in that counts the tokens read through it (slices and index arrays)."""

    def __init__(self, data):
        self._data = data
        self.read = 0
        self.ndim, self.shape, self.dtype = data.ndim, data.shape, data.dtype

    def __len__(self):
        return len(self._data)

    def __getitem__(self, key):
        out = self._data[key]
        self.read += int(np.size(out))
        return out

    def __array__(self, dtype=None, copy=None):
        self.read += len(self._data)  # converting the whole thing reads all of it
        return np.asarray(self._data, dtype=dtype)

    def __iter__(self):
        raise AssertionError("get_batch iterated over the whole dataset; slice the windows you need instead")


def test_get_batch_reads_only_the_windows(ex, tmp_path):
    n, batch_size, context_length = 60_000, 4, 32  # token i has id i: a row's first id is its start
    data = CountingArray(write_memmap(tmp_path / "big.bin", np.arange(n)))
    x, y = ex.get_batch(data, batch_size, context_length, "cpu", rng=np.random.default_rng(3))
    budget = batch_size * (context_length + 1)
    expect_true(data.read <= budget,
                message=f"get_batch(<memmap of {n} tokens>, {batch_size}, {context_length}) read {data.read} tokens; "
                        f"{batch_size} windows need at most {budget}",
                hint="slice dataset[s : s + context_length + 1] per row; np.asarray(dataset) or dataset[:] loads the whole file")
    for i, s in enumerate(x[:, 0].tolist()):
        expect_true(torch.equal(x[i], torch.arange(s, s + context_length)) and torch.equal(y[i], x[i] + 1),
                    message=f"get_batch(<memmap with token i = i>, 4, 32): row {i} is not dataset[s:s+32] / dataset[s+1:s+33]",
                    hint="slice one window of context_length + 1 tokens per row")


@pytest.mark.parametrize("n,context_length", [(16, 16), (3, 10), (0, 1)], ids=["one-short", "much-shorter", "empty"])
def test_get_batch_rejects_a_dataset_too_short(ex, n, context_length):
    data = np.arange(n, dtype=np.uint16)
    expect_raises(ValueError, ex.get_batch, data, 2, context_length, "cpu", rng=np.random.default_rng(0),
                  call=f"get_batch(<{n} tokens>, 2, context_length={context_length})",
                  hint="a window needs context_length + 1 tokens (inputs plus the shifted target); check before sampling")


@pytest.mark.parametrize("batch_size,context_length,shape", [(0, 4, (50,)), (2, 0, (50,)), (2, 4, (5, 10))],
                         ids=["batch-0", "context-0", "2-D"])
def test_get_batch_rejects_bad_arguments(ex, batch_size, context_length, shape):
    data = np.zeros(shape, dtype=np.uint16)
    expect_raises(ValueError, ex.get_batch, data, batch_size, context_length, "cpu", rng=np.random.default_rng(0),
                  call=f"get_batch(<array of shape {shape}>, {batch_size}, {context_length})",
                  hint="reject batch_size < 1, context_length < 1 and a dataset that is not 1-D with a ValueError")


def missing_devices():
    bad = ["gpu", "cuda:99", "tpu"]
    if not torch.cuda.is_available():
        bad.append("cuda")
    return bad


@pytest.mark.parametrize("device", missing_devices())
def test_get_batch_rejects_a_device_that_is_not_there(ex, device):
    data = np.arange(50, dtype=np.uint16)
    err = expect_raises(ValueError, ex.get_batch, data, 2, 4, device, rng=np.random.default_rng(0),
                        call=f"get_batch(<50 tokens>, 2, 4, device={device!r})", match=device,
                        hint="check the device first (torch.device(...) raises RuntimeError for unknown names; "
                             "torch.cuda.device_count() tells which cuda:<i> exist) and raise a ValueError naming it")
    expect_true("cpu" in str(err), message=f"the error for device={device!r} does not suggest a fix: {err}",
                hint="say what to use instead, e.g. \"use device='cpu'\"")
