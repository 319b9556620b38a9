"""Grading torch-12: DigitsDataset, RandomShift, pad_collate, make_loader, class_balanced_sampler.

Oracles: ``sklearn.datasets.load_digits`` (the raw data, item by item), an
explicit pixel loop for every possible shift, ``nn.utils.rnn.pad_sequence``,
``collections.Counter`` over many sampler draws, and properties (a shuffle is
a permutation; equal seeds give equal orders whatever the global RNG).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from sklearn.datasets import load_digits
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset, Sampler, TensorDataset

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-12")

DEVICES = device_params()
DIGITS = load_digits()
N_TRAIN = 1437  # int(0.8 * 1797), as the contract states


# ---------------------------------------------------------------- DigitsDataset


@pytest.mark.parametrize("split,offset,size", [("train", 0, N_TRAIN), ("val", N_TRAIN, 1797 - N_TRAIN)])
def test_digits_dataset_matches_load_digits(ex, split, offset, size):
    ds = ex.DigitsDataset(split)
    expect_equal(len(ds), size, call=f"len(DigitsDataset({split!r}))",
                 hint="train is the first int(0.8 * 1797) = 1437 samples of load_digits(), val the remaining 360")
    items = [ds[i] for i in range(len(ds))]
    image, label = items[0]
    expect_true(isinstance(image, torch.Tensor) and isinstance(label, torch.Tensor),
                message=f"DigitsDataset({split!r})[0] should be (image tensor, label tensor), got "
                f"({type(image).__name__}, {type(label).__name__})")
    expect_equal(tuple(image.shape), (1, 8, 8), call=f"DigitsDataset({split!r})[0][0].shape",
                 hint="add the channel dimension: (1, 8, 8)")
    expect_equal(image.dtype, torch.float32, call=f"DigitsDataset({split!r})[0][0].dtype",
                 hint="load_digits gives float64 arrays: convert to float32")
    expect_equal((label.dtype, tuple(label.shape)), (torch.int64, ()), call=f"DigitsDataset({split!r})[0][1] dtype and shape",
                 hint="a label is a 0-d int64 tensor, what cross_entropy expects after batching")
    images = torch.stack([im for im, _ in items])  # (size, 1, 8, 8)
    labels = torch.stack([lb for _, lb in items])  # (size,)
    want_images = torch.from_numpy(DIGITS.images[offset : offset + size] / 16.0).float().unsqueeze(1)
    want_labels = torch.from_numpy(DIGITS.target[offset : offset + size]).long()
    expect_close(images, want_images, what=f"all images of DigitsDataset({split!r}) vs load_digits().images / 16",
                 rtol=0, atol=1e-7, hint="scale the 0..16 pixel values by 1/16 and keep load_digits() order")
    expect_true(torch.equal(labels, want_labels),
                message=f"the labels of DigitsDataset({split!r}) differ from load_digits().target[{offset}:{offset + size}]",
                hint="keep the labels in the same order as the images")


def test_digits_dataset_attributes(ex):
    ds = ex.DigitsDataset("val")
    expect_equal((tuple(ds.images.shape), ds.images.dtype), ((360, 1, 8, 8), torch.float32),
                 call="DigitsDataset('val').images shape and dtype")
    expect_equal((tuple(ds.labels.shape), ds.labels.dtype), ((360,), torch.int64), call="DigitsDataset('val').labels shape and dtype")
    expect_true(float(ds.images.min()) == 0.0 and float(ds.images.max()) == 1.0,
                message=f"DigitsDataset('val').images should span [0, 1]; got [{float(ds.images.min())}, {float(ds.images.max())}]")


@pytest.mark.parametrize("index,source", [(-1, 1796), (-360, N_TRAIN), (np.int64(5), N_TRAIN + 5)])
def test_digits_dataset_index_forms(ex, index, source):
    image, label = ex.DigitsDataset("val")[index]
    expect_close(image[0], torch.from_numpy(DIGITS.images[source] / 16.0).float(), what=f"DigitsDataset('val')[{index!r}] image",
                 rtol=0, atol=1e-7, hint="negative indices count from the end, like a list")
    expect_equal(int(label), int(DIGITS.target[source]), call=f"DigitsDataset('val')[{index!r}] label")


@pytest.mark.parametrize("index", [360, 10_000, -361])
def test_digits_dataset_out_of_range(ex, index):
    ds = ex.DigitsDataset("val")
    expect_raises(IndexError, lambda: ds[index], call=f"DigitsDataset('val')[{index}]",
                  hint="check -len <= i < len and raise IndexError: `for x in ds` stops on it")


@pytest.mark.parametrize("split", ["test", "Train", "", None])
def test_digits_dataset_rejects_unknown_splits(ex, split):
    expect_raises(ValueError, lambda: ex.DigitsDataset(split), call=f"DigitsDataset({split!r})",
                  hint="accept exactly 'train' and 'val'")


def test_digits_dataset_applies_the_transform_to_the_image_only(ex):
    seen = []

    def spy(image):
        seen.append((tuple(image.shape), image.dtype))
        return image * 0 + 7.0

    ds = ex.DigitsDataset("train", transform=spy)
    image, label = ds[3]
    expect_equal(seen, [((1, 8, 8), torch.float32)], call="the transform's calls for DigitsDataset('train', transform=spy)[3]",
                 hint="call transform(image) once per item, on the (1, 8, 8) float32 image")
    expect_true(bool((image == 7.0).all()), message="DigitsDataset(..., transform=spy)[3] should return the transform's output")
    expect_equal(int(label), int(DIGITS.target[3]), call="label of DigitsDataset('train', transform=spy)[3]",
                 hint="the transform changes the image, never the label")


def test_digits_dataset_items_are_copies(ex):
    ds = ex.DigitsDataset("train", transform=lambda im: im.mul_(0))  # a careless in-place transform
    ds[0]
    ds.transform = None
    image, _ = ds[0]
    image.fill_(-1.0)
    again, _ = ds[0]
    expect_close(again[0], torch.from_numpy(DIGITS.images[0] / 16.0).float(), what="DigitsDataset('train')[0] after writing into earlier items",
                 rtol=0, atol=1e-7, hint="self.images[i] is a view of the stored data: return self.images[i].clone()")


def test_digits_dataset_works_with_a_dataloader(ex):
    loader = DataLoader(ex.DigitsDataset("val"), batch_size=64)
    batches = list(loader)
    images, labels = batches[0]
    expect_equal((tuple(images.shape), tuple(labels.shape), labels.dtype), ((64, 1, 8, 8), (64,), torch.int64),
                 call="the first batch of DataLoader(DigitsDataset('val'), batch_size=64)")
    expect_equal([len(lb) for _, lb in batches], [64] * 5 + [40], call="the batch sizes over DigitsDataset('val')")


# ---------------------------------------------------------------- RandomShift


def shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """out[..., y + dy, x + dx] = image[..., y, x], zero elsewhere: an explicit pixel loop."""
    out = np.zeros_like(image)
    height, width = image.shape[-2:]
    for y in range(height):
        for x in range(width):
            if 0 <= y + dy < height and 0 <= x + dx < width:
                out[..., y + dy, x + dx] = image[..., y, x]
    return out


def which_shift(out: torch.Tensor, image: torch.Tensor, max_shift: int) -> tuple[int, int] | None:
    got = out.detach().cpu().numpy()
    src = image.cpu().numpy()
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            if np.array_equal(got, shifted(src, dy, dx)):
                return dy, dx
    return None


def border_image(shape=(1, 8, 8), seed=0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return 0.2 + 0.8 * torch.rand(shape, generator=g)  # every pixel > 0, so a wrap-around shows


@pytest.mark.parametrize("device", DEVICES)
def test_random_shift_produces_every_shift_equally_often(ex, device):
    image = border_image().to(device)
    before = image.clone()
    shift = ex.RandomShift(1, generator=torch.Generator().manual_seed(0))
    counts = Counter()
    for _ in range(270):
        out = shift(image)
        expect_equal((tuple(out.shape), out.dtype, out.device.type), ((1, 8, 8), torch.float32, device),
                     call="RandomShift(1)(image (1, 8, 8)) shape, dtype, device")
        found = which_shift(out, image, 1)
        expect_true(found is not None,
                    message="RandomShift(1)(image) is not the image shifted by some (dy, dx) in -1..1 with zero fill",
                    hint="copy the overlapping window into torch.zeros_like(image); torch.roll wraps pixels around, that is wrong")
        counts[found] += 1
    expect_equal(sorted(counts), [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)], call="the shifts seen in 270 calls of RandomShift(1)",
                 hint="draw dy and dx uniformly from -max_shift .. max_shift inclusive")
    expect_true(all(12 <= c <= 55 for c in counts.values()),
                message=f"270 calls should give each of the 9 shifts about 30 times; got {dict(counts)}",
                hint="dy and dx are independent and uniform: torch.randint(-m, m + 1, (2,), generator=g)")
    expect_true(torch.equal(image, before), message="RandomShift changed its input image", hint="write into a new tensor")


@pytest.mark.parametrize("max_shift,min_distinct", [(0, 1), (2, 20), (8, 30)])
def test_random_shift_other_ranges(ex, max_shift, min_distinct):
    image = border_image((3, 5, 7), seed=1)
    shift = ex.RandomShift(max_shift, generator=torch.Generator().manual_seed(1))
    seen = set()
    for _ in range(120):
        found = which_shift(shift(image), image, max_shift)
        expect_true(found is not None,
                    message=f"RandomShift({max_shift})(image (3, 5, 7)) is not a zero-filled shift by at most {max_shift}",
                    hint="a shift by |d| >= the image size leaves only zeros")
        seen.add(found)
    expect_true(len(seen) >= min_distinct,
                message=f"RandomShift({max_shift}) produced only {len(seen)} distinct results in 120 calls; want at least {min_distinct}",
                hint="draw dy and dx uniformly from -max_shift .. max_shift inclusive")
    if max_shift == 8:
        all_zero = which_shift(torch.zeros_like(image), image, max_shift)
        expect_true(all_zero in seen, message="RandomShift(8) on a 5 x 7 image never shifted the content out entirely",
                    hint="|dy| >= H or |dx| >= W must give an all-zero image, not an error or a wrap-around")


def test_random_shift_moves_all_leading_dims_together(ex):
    image = border_image((2, 3, 5, 7), seed=2).double()
    shift = ex.RandomShift(2, generator=torch.Generator().manual_seed(2))
    for _ in range(10):
        out = shift(image)
        expect_equal((tuple(out.shape), out.dtype), ((2, 3, 5, 7), torch.float64), call="RandomShift(2)(float64 (2, 3, 5, 7)) shape, dtype")
        expect_true(which_shift(out, image, 2) is not None,
                    message="RandomShift(2) on a (2, 3, 5, 7) image should shift every (H, W) plane by the same (dy, dx)",
                    hint="slice the last two dimensions with out[..., rows, cols]")


def test_random_shift_noise_statistics(ex):
    image = torch.full((1, 64, 64), 0.5)
    out = ex.RandomShift(0, 0.1, generator=torch.Generator().manual_seed(3))(image)
    noise = out - 0.5
    expect_true(abs(float(noise.mean())) < 0.01 and 0.09 < float(noise.std()) < 0.11,
                message=f"RandomShift(0, noise_std=0.1) on a constant 0.5 image: noise mean {float(noise.mean()):.4f} "
                f"(want ~0), std {float(noise.std()):.4f} (want ~0.1)",
                hint="add noise_std * torch.randn(image.shape, generator=...)")
    clamped = ex.RandomShift(0, 1.0, generator=torch.Generator().manual_seed(3))(image)
    expect_true(float(clamped.min()) == 0.0 and float(clamped.max()) == 1.0,
                message=f"RandomShift(0, noise_std=1.0) should clamp to [0, 1]; got [{float(clamped.min())}, {float(clamped.max())}]",
                hint="clamp after adding the noise")


def test_random_shift_identity_and_no_clamp_without_noise(ex):
    image = torch.tensor([[[-1.0, 2.0], [0.5, 3.0]]])
    out = ex.RandomShift(0, 0.0, generator=torch.Generator().manual_seed(0))(image)
    expect_close(out, image, what="RandomShift(0, 0.0)(image with values outside [0, 1])", rtol=0, atol=0,
                 hint="with noise_std == 0 nothing is added and nothing is clamped")


@pytest.mark.parametrize("device", DEVICES)
def test_random_shift_is_reproducible_and_leaves_the_global_rng(ex, device):
    image = border_image().to(device)

    def outputs(seed):
        shift = ex.RandomShift(1, 0.05, generator=torch.Generator().manual_seed(seed))
        return [shift(image) for _ in range(8)]

    state = torch.get_rng_state()
    a, b, c = outputs(4), outputs(4), outputs(5)
    expect_true(all(torch.equal(x, y) for x, y in zip(a, b)),
                message="two RandomShift transforms with generators seeded 4 gave different outputs",
                hint="draw the shift and the noise from self.generator")
    expect_true(any(not torch.equal(x, y) for x, y in zip(a, c)),
                message="RandomShift with generators seeded 4 and 5 gave the same 8 outputs")
    expect_true(torch.equal(state, torch.get_rng_state()),
                message="RandomShift(..., generator=g) changed the global torch RNG state",
                hint="pass generator= to every torch.randint / torch.randn call")


@pytest.mark.parametrize(
    "args,error",
    [((-1,), ValueError), ((1.5,), TypeError), ((True,), TypeError), ((1, -0.1), ValueError), ((1, float("nan")), ValueError)],
)
def test_random_shift_rejects_bad_settings(ex, args, error):
    expect_raises(error, lambda: ex.RandomShift(*args), call=f"RandomShift{args!r}",
                  hint="max_shift is an int >= 0 (not bool), noise_std a finite number >= 0")


@pytest.mark.parametrize("image,error", [(torch.ones(8), ValueError), (torch.ones(1, 8, 8, dtype=torch.uint8), TypeError)])
def test_random_shift_rejects_bad_images(ex, image, error):
    shift = ex.RandomShift(1, generator=torch.Generator().manual_seed(0))
    expect_raises(error, lambda: shift(image), call=f"RandomShift(1)(<{image.dtype} tensor of shape {tuple(image.shape)}>)",
                  hint="an image is a floating-point tensor (..., H, W)")


# ---------------------------------------------------------------- pad_collate


def _sequences():
    g = torch.Generator().manual_seed(5)
    ints = [torch.randint(1, 50, (n,), generator=g) for n in (3, 7, 1, 7, 4)]
    return {
        "ints": (ints, 0),
        "one": ([torch.tensor([4, 5, 6])], 0),
        "same_length": ([torch.arange(4), torch.arange(4, 8)], 0),
        "floats": ([torch.randn(n, generator=g) for n in (2, 5, 3)], -1.0),
        "pad_occurs_in_data": ([torch.tensor([0, 0, 3]), torch.tensor([0])], 0),
        "with_empty": ([torch.tensor([1, 2]), torch.zeros(0, dtype=torch.int64), torch.tensor([3])], -1),
        "all_empty": ([torch.zeros(0), torch.zeros(0)], 0.0),
    }


SEQUENCES = _sequences()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", list(SEQUENCES))
def test_pad_collate_matches_pad_sequence(ex, device, case):
    seqs, pad = SEQUENCES[case]
    seqs = [s.to(device) for s in seqs]
    call = f"pad_collate(<{case}: lengths {[len(s) for s in seqs]}>, padding_value={pad!r}) on {device}"
    got = ex.pad_collate(seqs, padding_value=pad)
    expect_true(isinstance(got, tuple) and len(got) == 3, message=f"{call} should return a tuple (padded, lengths, mask)")
    padded, lengths, mask = got
    want = pad_sequence([s.cpu() for s in seqs], batch_first=True, padding_value=pad)
    expect_equal((padded.device.type, padded.dtype), (device, seqs[0].dtype), call=f"{call}: padded device and dtype",
                 hint="allocate with seqs[0].new_full(...) to keep the dtype and device")
    expect_close(padded.cpu(), want, what=f"{call}: padded vs nn.utils.rnn.pad_sequence(batch_first=True)", rtol=0, atol=0)
    want_lengths = torch.tensor([len(s) for s in seqs])
    expect_equal((lengths.dtype, lengths.device.type), (torch.int64, "cpu"), call=f"{call}: lengths dtype and device",
                 hint="keep lengths as an int64 CPU tensor (pack_padded_sequence wants them there)")
    expect_equal(lengths.tolist(), want_lengths.tolist(), call=f"{call}: lengths")
    want_mask = torch.tensor([[t < len(s) for t in range(want.shape[1])] for s in seqs], dtype=torch.bool).reshape(want.shape)
    expect_equal((mask.dtype, tuple(mask.shape), mask.device.type), (torch.bool, tuple(want.shape), device),
                 call=f"{call}: mask dtype, shape and device")
    expect_true(torch.equal(mask.cpu(), want_mask), message=f"{call}: mask\n  expected: {want_mask}\n  got:      {mask}",
                hint="build the mask from the lengths, not from the padded values (the padding value can occur in the data)")


@given(lengths=st.lists(st.integers(0, 9), min_size=1, max_size=6), pad=st.integers(-3, 3), seed=st.integers(0, 2**16))
def test_pad_collate_property(ex, lengths, pad, seed):
    g = torch.Generator().manual_seed(seed)
    seqs = [torch.randint(-3, 4, (n,), generator=g) for n in lengths]  # values overlap the padding value
    padded, got_lengths, mask = ex.pad_collate(seqs, padding_value=pad)
    call = f"pad_collate(<lengths {lengths}>, padding_value={pad})"
    expect_close(padded, pad_sequence(seqs, batch_first=True, padding_value=pad), what=f"{call}: padded", rtol=0, atol=0)
    expect_equal(got_lengths.tolist(), lengths, call=f"{call}: lengths")
    expect_equal(mask.sum(dim=1).tolist(), lengths, call=f"{call}: mask.sum(dim=1)", hint="mask[i, t] is t < lengths[i]")


def test_pad_collate_in_a_dataloader(ex):
    class Sentences(Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            return torch.arange(1, i % 4 + 2)  # lengths 1, 2, 3, 4, 1, ...

    batches = list(DataLoader(Sentences(), batch_size=4, collate_fn=ex.pad_collate))
    expect_equal([tuple(b[0].shape) for b in batches], [(4, 4), (4, 4), (2, 2)],
                 call="padded shapes from DataLoader(<10 sequences>, batch_size=4, collate_fn=pad_collate)")
    expect_equal(batches[2][1].tolist(), [1, 2], call="the lengths of the last batch")


@pytest.mark.parametrize(
    "batch,what",
    [
        ([], "an empty batch"),
        ([torch.ones(2, 3)], "a 2-D item"),
        ([torch.tensor([1, 2]), torch.tensor([1.0])], "an int64 and a float32 item"),
        ([torch.tensor(3)], "a 0-d item"),
    ],
)
def test_pad_collate_rejects_bad_batches(ex, batch, what):
    expect_raises(ValueError, lambda: ex.pad_collate(batch), call=f"pad_collate(<{what}>)",
                  hint="check the batch is non-empty and every item is a 1-D tensor of one dtype")


# ---------------------------------------------------------------- make_loader


class Indices(Dataset):
    """Item i is i, so a loader's batches spell out its order."""

    def __init__(self, n: int):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


def epoch_orders(loader, epochs: int = 2) -> list[list[int]]:
    return [torch.cat([torch.as_tensor(b) for b in loader]).tolist() if len(loader) else [] for _ in range(epochs)]


def test_make_loader_is_reproducible_whatever_the_global_rng(ex):
    torch.manual_seed(0)
    first = epoch_orders(ex.make_loader(Indices(23), 4, seed=5))
    torch.manual_seed(12345)
    torch.rand(7)
    second = epoch_orders(ex.make_loader(Indices(23), 4, seed=5))
    expect_equal(first, second, call="two epochs of make_loader(<23 items>, 4, seed=5), made twice under different torch.manual_seed",
                 hint="without DataLoader(generator=...) the shuffle draws from the global RNG")
    for epoch in first:
        expect_equal(sorted(epoch), list(range(23)), call="one epoch of make_loader(<23 items>, 4, seed=5), sorted",
                     hint="each epoch visits every item exactly once")
    expect_true(first[0] != first[1], message=f"the same loader gave the same order in epochs 1 and 2: {first[0]}",
                hint="create the generator once, in make_loader; do not re-seed it at every epoch")
    expect_true(first[0] != list(range(23)), message="make_loader(..., shuffle=True) did not shuffle")


def test_make_loader_ignores_draws_between_creation_and_iteration(ex):
    torch.manual_seed(3)
    state = torch.get_rng_state()
    early = ex.make_loader(Indices(23), 4, seed=8)
    expect_true(torch.equal(state, torch.get_rng_state()), message="make_loader changed the global torch RNG",
                hint="seed a torch.Generator of the loader's own instead of calling torch.manual_seed")
    torch.rand(10)  # other code draws from the global RNG before the first epoch
    late = ex.make_loader(Indices(23), 4, seed=8)
    expect_equal(epoch_orders(early), epoch_orders(late),
                 call="make_loader(<23 items>, 4, seed=8): a loader iterated after other random draws vs one iterated at once",
                 hint="the order must come from the loader's own generator, not from the global RNG at iteration time")


def test_make_loader_order_depends_on_the_seed(ex):
    orders = {tuple(epoch_orders(ex.make_loader(Indices(23), 4, seed=s), 1)[0]) for s in range(5)}
    expect_equal(len(orders), 5, call="number of distinct first-epoch orders for seeds 0..4",
                 hint="seed the loader's generator with `seed`")


@pytest.mark.parametrize(
    "n,batch_size,drop_last,sizes",
    [(23, 4, False, [4, 4, 4, 4, 4, 3]), (23, 4, True, [4, 4, 4, 4, 4]), (8, 8, False, [8]), (1, 5, False, [1]), (3, 5, True, [])],
)
def test_make_loader_batch_sizes(ex, n, batch_size, drop_last, sizes):
    loader = ex.make_loader(Indices(n), batch_size, seed=0, drop_last=drop_last)
    expect_true(isinstance(loader, DataLoader), message=f"make_loader should return a DataLoader, got {type(loader).__name__}")
    expect_equal([len(b) for b in loader], sizes, call=f"batch sizes of make_loader(<{n} items>, {batch_size}, seed=0, drop_last={drop_last})")


def test_make_loader_without_shuffle_keeps_the_order(ex):
    expect_equal(epoch_orders(ex.make_loader(Indices(10), 3, seed=1, shuffle=False)), [list(range(10))] * 2,
                 call="make_loader(<10 items>, 3, seed=1, shuffle=False), two epochs")


def test_make_loader_passes_the_collate_fn(ex):
    seqs = [torch.arange(n) for n in (3, 1, 2, 5)]

    def collate(batch):
        return pad_sequence(batch, batch_first=True, padding_value=-1)

    loader = ex.make_loader(seqs, 2, seed=0, shuffle=False, collate_fn=collate)
    expect_equal([tuple(b.shape) for b in loader], [(2, 3), (2, 5)], call="make_loader(<4 sequences>, 2, seed=0, shuffle=False, collate_fn=...)")


@pytest.mark.parametrize("batch_size", [0, -2])
def test_make_loader_rejects_bad_batch_sizes(ex, batch_size):
    expect_raises(ValueError, lambda: ex.make_loader(Indices(5), batch_size, seed=0), call=f"make_loader(<5 items>, {batch_size}, seed=0)")


# ---------------------------------------------------------------- class_balanced_sampler

IMBALANCED = [-3] * 900 + [7] * 90 + [42] * 10


def draws(sampler) -> list[int]:
    return list(iter(sampler))


def test_class_balanced_sampler_balances_classes(ex):
    sampler = ex.class_balanced_sampler(IMBALANCED, 30_000, generator=torch.Generator().manual_seed(0))
    expect_true(isinstance(sampler, Sampler), message=f"class_balanced_sampler should return a Sampler, got {type(sampler).__name__}")
    expect_equal(len(sampler), 30_000, call="len(class_balanced_sampler(<1000 labels>, 30000))")
    picks = draws(sampler)
    expect_true(all(0 <= i < 1000 for i in picks), message="class_balanced_sampler drew indices outside 0 .. 999")
    share = {label: n / len(picks) for label, n in Counter(IMBALANCED[i] for i in picks).items()}
    expect_true(set(share) == {-3, 7, 42} and all(0.30 < s < 0.37 for s in share.values()),
                message=f"labels 900 x -3, 90 x 7, 10 x 42: each class should get ~1/3 of 30000 draws; got {share}",
                hint="weight sample i by 1 / count(labels[i]); find the counts with torch.unique (labels can be negative)")
    inside = Counter(i for i in picks if IMBALANCED[i] == 7)
    expect_true(len(inside) == 90 and max(inside.values()) < 2.5 * min(inside.values()),
                message=f"inside class 7 the 90 samples should be drawn about equally often; counts range "
                f"{min(inside.values())}..{max(inside.values())} over {len(inside)} distinct samples",
                hint="every sample of one class gets the same weight")


@pytest.mark.parametrize(
    "labels",
    [pytest.param([5] * 4, id="one-class"), pytest.param([9], id="one-sample"),
     pytest.param(np.array([0, 1, 1, 1]), id="numpy"), pytest.param(torch.tensor([2, 2, 0]), id="tensor")],
)
def test_class_balanced_sampler_small_inputs(ex, labels):
    n = len(labels)
    sampler = ex.class_balanced_sampler(labels, generator=torch.Generator().manual_seed(1))
    picks = draws(sampler)
    expect_equal(len(picks), n, call=f"len(list(class_balanced_sampler({labels!r})))", hint="num_samples=None means len(labels)")
    expect_true(all(isinstance(i, int) and 0 <= i < n for i in picks), message=f"class_balanced_sampler({labels!r}) drew {picks}")


def test_class_balanced_sampler_is_reproducible_and_leaves_the_global_rng(ex):
    state = torch.get_rng_state()
    a = draws(ex.class_balanced_sampler(IMBALANCED, 50, generator=torch.Generator().manual_seed(3)))
    b = draws(ex.class_balanced_sampler(IMBALANCED, 50, generator=torch.Generator().manual_seed(3)))
    expect_equal(a, b, call="class_balanced_sampler(..., generator seeded 3), twice", hint="pass the generator to WeightedRandomSampler")
    expect_true(torch.equal(state, torch.get_rng_state()), message="class_balanced_sampler(..., generator=g) used the global RNG")


def test_class_balanced_sampler_in_a_dataloader(ex):
    labels = torch.tensor(IMBALANCED)
    ds = TensorDataset(torch.arange(1000), labels)
    sampler = ex.class_balanced_sampler(labels, 3000, generator=torch.Generator().manual_seed(4))
    seen = torch.cat([y for _, y in DataLoader(ds, batch_size=100, sampler=sampler)])
    counts = Counter(seen.tolist())
    expect_true(len(seen) == 3000 and all(800 < c < 1200 for c in counts.values()),
                message=f"DataLoader(..., sampler=class_balanced_sampler(labels, 3000)) label counts {dict(counts)}, want ~1000 each")


@pytest.mark.parametrize(
    "labels,num_samples,what",
    [([], None, "empty labels"), ([[0, 1], [1, 0]], None, "2-D labels"), ([0.0, 1.0], None, "float labels"), ([0, 1], 0, "num_samples=0")],
)
def test_class_balanced_sampler_rejects_bad_input(ex, labels, num_samples, what):
    expect_raises(ValueError, lambda: ex.class_balanced_sampler(labels, num_samples), call=f"class_balanced_sampler(<{what}>)")
