"""Grading torch-18: NoisyBlurDataset, make_fast_loader, measure_epoch.

Oracles: the noise drawn from a seeded ``torch.Generator`` by the test
itself, the blur as a power of a circulant matrix (``torch.linalg.matrix_power``),
the data in dataset order read by plain indexing, ``DataLoader``'s own
attributes, worker identities from ``torch.utils.data.get_worker_info``, and
sleeps of known length for the timer. Speed is never asserted: the
``dataloader`` benchmark measures it.
"""

from __future__ import annotations

import os
import time

import pytest
import torch
from torch.utils.data import DataLoader, Dataset, get_worker_info

from curriculum.grading.testing import expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-18")


def _data(n: int = 23, d: int = 6, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g), torch.randint(0, 10, (n,), generator=g)


def blur_matrix(d: int, passes: int) -> torch.Tensor:
    """(D, D) matrix M with x @ M = `passes` circular 3-tap box blurs of x (float64)."""
    c = torch.zeros(d, d, dtype=torch.float64)
    for j in range(d):
        for k in (j - 1, j, j + 1):
            c[k % d, j] += 1 / 3
    return torch.linalg.matrix_power(c, passes)


def expected_sample(features, i, *, noise_std, blur_passes, seed):
    g = torch.Generator().manual_seed(seed + i)
    noisy = features[i].double() + noise_std * torch.randn(features.shape[1], generator=g).double()
    return (noisy @ blur_matrix(features.shape[1], blur_passes)).float()


# ---------------------------------------------------------------- NoisyBlurDataset


@pytest.mark.parametrize("noise_std,blur_passes,seed", [(0.0, 0, 0), (0.5, 0, 3), (0.0, 1, 0), (0.2, 3, 11), (1.0, 20, 5)])
def test_dataset_samples_match_the_formula(ex, noise_std, blur_passes, seed):
    features, labels = _data()
    ds = ex.NoisyBlurDataset(features, labels, noise_std=noise_std, blur_passes=blur_passes, seed=seed)
    expect_equal(len(ds), 23, call="len(NoisyBlurDataset(<23 samples>))")
    for i in (0, 7, 22):
        call = f"NoisyBlurDataset(..., noise_std={noise_std}, blur_passes={blur_passes}, seed={seed})[{i}]"
        x, y = ds[i]
        expect_close(x, expected_sample(features, i, noise_std=noise_std, blur_passes=blur_passes, seed=seed),
                     what=call, rtol=1e-5, atol=1e-5,
                     hint="noise from torch.Generator().manual_seed(seed + i), torch.randn(D, generator=g); then the "
                          "blur (x.roll(1) + x + x.roll(-1)) / 3, blur_passes times")
        expect_true(isinstance(y, torch.Tensor) and y.dtype == torch.int64 and y.shape == () and int(y) == int(labels[i]),
                    message=f"{call} label: expected a 0-d int64 tensor {int(labels[i])}, got {y!r}")


def test_dataset_ignores_the_global_rng(ex):
    features, labels = _data()
    ds = ex.NoisyBlurDataset(features, labels, noise_std=1.0, blur_passes=2, seed=4)
    torch.manual_seed(1)
    first = ds[5][0]
    torch.manual_seed(2)
    torch.randn(100)
    second = ds[5][0]
    expect_close(second, first, what="NoisyBlurDataset(...)[5] after reseeding the global RNG", rtol=0, atol=0,
                 hint="draw the noise from a local torch.Generator seeded with seed + index; each worker process has "
                      "its own global RNG, so global randomness changes with num_workers")


def test_dataset_negative_and_out_of_range_indices(ex):
    features, labels = _data()
    ds = ex.NoisyBlurDataset(features, labels, noise_std=0.3, seed=1)
    expect_close(ds[-1][0], ds[22][0], what="NoisyBlurDataset(<23 samples>)[-1] vs [22]", rtol=0, atol=0,
                 hint="a negative index counts from the end; seed with the normalised index")
    for bad in (23, 100, -24):
        expect_raises(IndexError, lambda: ds[bad], call=f"NoisyBlurDataset(<23 samples>)[{bad}]",
                      hint="raise IndexError outside [-N, N)")


# ---------------------------------------------------------------- make_fast_loader


@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"batch_size": True}, "batch_size"),
        ({"batch_size": 4, "num_workers": -1}, "num_workers"),
        ({"batch_size": 4, "persistent_workers": True}, "persistent_workers"),
        ({"batch_size": 4, "num_workers": 0, "prefetch_factor": 2}, "prefetch_factor"),
        ({"batch_size": 4, "num_workers": 2, "prefetch_factor": 0}, "prefetch_factor"),
    ],
)
def test_make_fast_loader_rejects_invalid_options(ex, kwargs, fragment):
    features, labels = _data()
    ds = ex.NoisyBlurDataset(features, labels)
    batch_size = kwargs.pop("batch_size")
    err = expect_raises(ValueError, ex.make_fast_loader, ds, batch_size, **kwargs,
                        call=f"make_fast_loader(ds, {batch_size!r}, **{kwargs})",
                        hint="check the rules yourself and raise ValueError with the reason")
    expect_true(fragment in str(err), message=f"the ValueError should name {fragment!r}; got: {err}")


@pytest.mark.parametrize("cuda", [0, 1])
def test_make_fast_loader_pins_memory_only_with_cuda(ex, fake_devices, cuda):
    fake_devices(cuda=cuda)
    features, labels = _data()
    loader = ex.make_fast_loader(ex.NoisyBlurDataset(features, labels), 4, pin_memory=True)
    expect_equal(loader.pin_memory, bool(cuda), call=f"make_fast_loader(ds, 4, pin_memory=True).pin_memory with {cuda} CUDA device(s)",
                 hint="pinned host memory only speeds up copies to a GPU: pass pin_memory and torch.cuda.is_available()")
    plain = ex.make_fast_loader(ex.NoisyBlurDataset(features, labels), 4)
    expect_equal(plain.pin_memory, False, call="make_fast_loader(ds, 4).pin_memory")


def test_make_fast_loader_passes_its_options(ex):
    features, labels = _data()
    loader = ex.make_fast_loader(ex.NoisyBlurDataset(features, labels), 5, num_workers=2, persistent_workers=True,
                                 prefetch_factor=3, drop_last=True)
    expect_true(isinstance(loader, DataLoader), message=f"make_fast_loader returned a {type(loader).__name__}, expected a DataLoader")
    got = (loader.batch_size, loader.num_workers, loader.persistent_workers, loader.prefetch_factor, loader.drop_last)
    expect_equal(got, (5, 2, True, 3, True),
                 call="(batch_size, num_workers, persistent_workers, prefetch_factor, drop_last) of the loader")


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (4, False), (4, True), (23, False), (50, False)])
def test_loader_without_shuffle_keeps_dataset_order(ex, batch_size, drop_last):
    features, labels = _data()
    ds = ex.NoisyBlurDataset(features, labels, noise_std=0.2, blur_passes=1)
    loader = ex.make_fast_loader(ds, batch_size, drop_last=drop_last)
    batches = list(loader)
    keep = (23 // batch_size) * batch_size if drop_last else 23
    expected_x = torch.stack([expected_sample(features, i, noise_std=0.2, blur_passes=1, seed=0) for i in range(keep)])
    call = f"make_fast_loader(ds, {batch_size}, drop_last={drop_last})"
    sizes = [batch_size] * (keep // batch_size) + ([keep % batch_size] if keep % batch_size else [])
    expect_equal([len(b[1]) for b in batches], sizes, call=f"{call}: batch sizes",
                 hint="pass batch_size and drop_last to the DataLoader")
    got_x = torch.cat([b[0] for b in batches]) if batches else torch.empty(0, 6)
    expect_close(got_x, expected_x, what=f"{call}: all samples in order", rtol=1e-5, atol=1e-5,
                 hint="shuffle=False must give samples 0, 1, 2, ... in order")
    got_y = torch.cat([b[1] for b in batches]) if batches else torch.empty(0, dtype=torch.int64)
    expect_close(got_y, labels[:keep], what=f"{call}: labels in order", rtol=0, atol=0)


def _epoch_order(loader) -> list[int]:
    return torch.cat([y for _, y in loader]).tolist()


def test_shuffle_depends_on_the_seed_only(ex):
    features = torch.zeros(40, 2)
    labels = torch.arange(40)  # the label is the index: the batches show the order
    ds = ex.NoisyBlurDataset(features, labels, noise_std=0.0)
    torch.manual_seed(123)
    first = _epoch_order(ex.make_fast_loader(ds, 8, shuffle=True, seed=5))
    torch.manual_seed(999)
    again = _epoch_order(ex.make_fast_loader(ds, 8, shuffle=True, seed=5))
    other = _epoch_order(ex.make_fast_loader(ds, 8, shuffle=True, seed=6))
    expect_equal(sorted(first), list(range(40)), call="the indices of one shuffled epoch, sorted",
                 hint="a shuffled epoch is a permutation of the dataset")
    expect_true(first != list(range(40)), message="shuffle=True gave the samples in dataset order")
    expect_equal(again, first, call="shuffled order with seed=5 after reseeding the global RNG",
                 hint="pass generator=torch.Generator().manual_seed(seed) to the DataLoader")
    expect_true(other != first, message="seed=5 and seed=6 gave the same shuffled order")


@pytest.mark.slow
@pytest.mark.parametrize("shuffle", [False, True])
def test_same_samples_for_zero_and_two_workers(ex, shuffle):
    features, labels = _data(n=30)
    ds = ex.NoisyBlurDataset(features, labels, noise_std=0.5, blur_passes=2, seed=3)
    results = {}
    for workers in (0, 2):
        loader = ex.make_fast_loader(ds, 4, shuffle=shuffle, num_workers=workers, seed=1)
        batches = list(loader)
        results[workers] = (torch.cat([b[0] for b in batches]), torch.cat([b[1] for b in batches]))
    expect_close(results[2][0], results[0][0], what=f"samples with num_workers=2 vs 0 (shuffle={shuffle})", rtol=0, atol=0,
                 hint="each worker has its own global RNG: the noise must come from a Generator seeded by the index")
    expect_close(results[2][1], results[0][1], what=f"labels with num_workers=2 vs 0 (shuffle={shuffle})", rtol=0, atol=0)


class WhoLoads(Dataset):
    """Returns the loading process's id, and the worker id (-1 in the main process)."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return torch.tensor([os.getpid(), -1 if info is None else info.id])


@pytest.mark.slow
@pytest.mark.parametrize("persistent", [True, False])
def test_persistent_workers_survive_between_epochs(ex, persistent):
    loader = ex.make_fast_loader(WhoLoads(), 2, num_workers=2, persistent_workers=persistent)
    epochs = [{tuple(row) for batch in loader for row in batch.tolist()} for _ in range(2)]
    pids = [{pid for pid, _ in e} for e in epochs]
    expect_true(os.getpid() not in pids[0], message="with num_workers=2 the samples were loaded in the main process",
                hint="pass num_workers to the DataLoader")
    expect_equal(pids[0] == pids[1], persistent,
                 call=f"same worker processes in epochs 1 and 2 with persistent_workers={persistent}",
                 hint="pass persistent_workers to the DataLoader")


# ---------------------------------------------------------------- measure_epoch


@pytest.mark.parametrize("n,batch_size,drop_last,batches,samples",
                         [(23, 4, False, 6, 23), (23, 4, True, 5, 20), (8, 8, False, 1, 8), (0, 4, False, 0, 0), (5, 10, True, 0, 0)])
def test_measure_epoch_counts(ex, n, batch_size, drop_last, batches, samples):
    features, labels = _data(n=max(n, 1))
    ds = ex.NoisyBlurDataset(features[:n], labels[:n])
    got = ex.measure_epoch(DataLoader(ds, batch_size=batch_size, drop_last=drop_last))
    expect_true(isinstance(got, dict), message=f"measure_epoch returned a {type(got).__name__}, expected a dict")
    expect_equal(sorted(got), ["batches", "samples", "seconds"], call="sorted(measure_epoch(loader))")
    expect_equal((got["batches"], got["samples"]), (batches, samples),
                 call=f"measure_epoch(DataLoader(<{n} samples>, batch_size={batch_size}, drop_last={drop_last})) (batches, samples)",
                 hint="count batches, and add up each batch's size (dim 0 of its first tensor)")
    expect_true(isinstance(got["seconds"], float) and got["seconds"] >= 0,
                message=f"measure_epoch(...)['seconds'] should be a float >= 0, got {got['seconds']!r}")


class Sleepy(Dataset):
    def __init__(self, n, pause):
        self.n, self.pause = n, pause

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(self.pause)
        return {"pixels": torch.full((3,), float(i)), "label": torch.tensor(i)}


def test_measure_epoch_dict_batches_and_time(ex):
    got = ex.measure_epoch(DataLoader(Sleepy(6, 0.02), batch_size=4))
    expect_equal((got["batches"], got["samples"]), (2, 6), call="measure_epoch(<dict batches of 4 + 2>) (batches, samples)",
                 hint="for a dict batch, count dim 0 of its first value")
    expect_true(got["seconds"] >= 6 * 0.02 * 0.9,
                message=f"measure_epoch timed {got['seconds']:.4f} s for six samples that each sleep 0.02 s",
                hint="start time.perf_counter() before iterating and stop it after the last batch")


def test_measure_epoch_plain_tensor_batches(ex):
    loader = DataLoader(torch.arange(10.0).reshape(10, 1), batch_size=3)
    got = ex.measure_epoch(loader)
    expect_equal((got["batches"], got["samples"]), (4, 10), call="measure_epoch(<tensor batches of 3>) (batches, samples)",
                 hint="a batch may be a bare tensor")
