"""DataLoader workers: num_workers 0 / 1 / 2, pin_memory off / on, for a CPU-bound per-sample transform.

    learn bench dataloader
    learn bench dataloader --quick
    python -m benchmarks.dataloader --rounds 1 4 16 --samples 256 --batch-size 32 --workers 0 1 2 --repeats 5

The data: :class:`SyntheticImages`, a map-style ``Dataset`` of deterministic
(3, 32, 32) float32 "images" with an integer label. Sample ``i`` is drawn from
its own generator, seeded with ``(seed, i)``, and then augmented ``rounds``
times in NumPy: reflect-pad by 4 and crop back at a random offset, flip half of
the time, blur with a 3x3 box filter, normalise each channel. A round costs a
few hundred µs of single-threaded CPU work, the kind of transform that makes a
training loop wait for its data. The class lives at module level, so it can be
pickled (spawn and forkserver start methods pickle the dataset for each
worker; the default start method is used here, recorded in the parameters).

What is timed: one epoch (``samples`` samples in batches of ``batch_size``, no
shuffling) through a ``torch.utils.data.DataLoader`` per configuration:

    workers=K       num_workers=K, pin_memory=False
    workers=K pin   num_workers=K, pin_memory=True

for each K in ``--workers`` (default 0, 1, 2), with ``persistent_workers=True``
whenever K > 0: the worker processes are started once, in the untimed warm-up
epoch that the harness runs first, and reused by every timed epoch after it.
The cases alternate within each repeat. Each batch is summed into a checksum
(on the GPU, after a ``non_blocking`` copy, when CUDA is present), compared at
the end of every epoch with the checksum of indexing the dataset directly, so
every configuration is checked to deliver the same data in the same order.

pin_memory: pinned (page-locked) host memory only matters for copies to a
CUDA device. Without CUDA, DataLoader ignores the flag (and warns; the warning
is silenced here), so the ``pin`` columns measure the same work as the others:
their difference is the noise of the machine. With CUDA, batches are copied
to the GPU with ``non_blocking=True`` and the epoch ends with a synchronize.

What to expect: with K workers, K processes run the transform in parallel
while the main process only receives finished batches, so a heavy transform
can go up to K times faster, limited by the CPU cores (``cpu_count`` in the
machine line; on a two-core machine that also runs other work, ``workers=2``
cannot reach 2x, and more workers than cores only adds contention; when the
machine is oversubscribed, the CPU pressure quoted in the description near
100 %, extra workers only take turns with the other work and gain nothing). With a
light transform, the cost of passing each batch between processes (pickling
the indices, a shared-memory tensor back) eats the gain: ``workers=1`` is then
slower than ``workers=0``. The swept parameter is the number of transform
rounds per sample; the time per epoch grows with it (log-log slope towards 1
once the transform dominates), and the ratio ``workers=2/workers=0`` falls.
Each point also records the samples per second of every case and the median
time one sample takes to load in the main process.

Results go to ``benchmarks/results/dataloader.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import statistics
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from rich.console import Console
from torch.utils.data import DataLoader, Dataset

from benchmarks import harness
from benchmarks.vectorize import torch_threads

NAME = "dataloader"
TITLE = "DataLoader: num_workers and pin_memory for a CPU-bound transform"
FULL = {"rounds": (1, 4, 16), "samples": 256, "batch_size": 32, "workers": (0, 1, 2), "repeats": 5}
QUICK = {"rounds": (1, 2), "samples": 32, "batch_size": 8, "workers": (0, 1, 2), "repeats": 2}
IMAGE_SHAPE = (3, 32, 32)
CLASSES = 10
BASELINE = "workers=0"


# ---------------------------------------------------------------- the data


def augment(image: np.ndarray, rng: np.random.Generator, rounds: int) -> np.ndarray:
    """``rounds`` rounds of pad-crop, flip, 3x3 blur and per-channel normalisation of a (C, H, W) image.

    Deterministic for a given ``rng`` state; returns a new C-contiguous float32
    array of the same shape (``rounds=0``: a plain copy).
    """
    _, h, w = image.shape
    x = image
    for _ in range(rounds):
        padded = np.pad(x, ((0, 0), (4, 4), (4, 4)), mode="reflect")  # (C, H+8, W+8)
        top, left = rng.integers(0, 9, size=2)
        x = padded[:, top:top + h, left:left + w]  # random crop back to (C, H, W)
        if rng.random() < 0.5:
            x = x[:, :, ::-1]  # horizontal flip
        edged = np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="edge")  # (C, H+2, W+2)
        x = sum(edged[:, i:i + h, j:j + w] for i in range(3) for j in range(3)) / 9.0  # 3x3 box blur
        mean = x.mean(axis=(1, 2), keepdims=True)  # (C, 1, 1)
        std = x.std(axis=(1, 2), keepdims=True)
        x = (x - mean) / (std + 1e-6)
    return np.array(x, dtype=np.float32, order="C")  # always a new array (np.array copies by default)


class SyntheticImages(Dataset):
    """``n`` deterministic (3, 32, 32) images with labels in 0..9, each augmented ``rounds`` times on access.

    ``SyntheticImages(4, rounds=1)[2] -> (tensor of shape (3, 32, 32), label)``,
    the same every time it is asked for (its generator is seeded with
    ``(seed, index)``). Indices outside ``0 .. n-1`` raise ``IndexError``.
    Module-level and made of plain attributes, so it pickles for worker
    processes started with spawn or forkserver.
    """

    def __init__(self, n: int, *, rounds: int, seed: int = 0) -> None:
        if n < 0 or rounds < 0:
            raise ValueError(f"n and rounds must be 0 or more, got n={n}, rounds={rounds}")
        self.n, self.rounds, self.seed = n, rounds, seed

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        if not 0 <= index < self.n:
            raise IndexError(f"index {index} is out of range for {self.n} samples")
        rng = np.random.default_rng((self.seed, index))
        image = rng.random(IMAGE_SHAPE, dtype=np.float32)
        label = int(rng.integers(CLASSES))
        return torch.from_numpy(augment(image, rng, self.rounds)), label


def expected_checksum(dataset: Dataset, batch_size: int) -> float:
    """What :func:`epoch_checksum` must return, from indexing the dataset directly in this process."""
    total = 0.0
    for start in range(0, len(dataset), batch_size):
        items = [dataset[i] for i in range(start, min(start + batch_size, len(dataset)))]
        xb = torch.stack([x for x, _ in items])  # (B, 3, 32, 32), as default_collate builds it
        yb = torch.tensor([y for _, y in items])
        total += float(xb.sum(dtype=torch.float64)) + float(yb.sum())
    return total


def epoch_checksum(loader: DataLoader, device: torch.device) -> float:
    """Run one epoch; return the sum of every image value plus every label.

    On CUDA each batch is copied with ``non_blocking=True`` (overlapping the
    copy only helps from pinned memory) and summed on the GPU; the one
    ``float()`` at the end waits for all of it.
    """
    total = torch.zeros((), dtype=torch.float64, device=device)
    for xb, yb in loader:
        if device.type == "cuda":
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
        total += xb.sum(dtype=torch.float64) + yb.sum()
    return float(total)


# ---------------------------------------------------------------- cases


def case_name(workers: int, pin: bool) -> str:
    """``case_name(2, True) -> 'workers=2 pin'``."""
    return f"workers={workers}" + (" pin" if pin else "")


def make_loader(dataset: Dataset, *, batch_size: int, workers: int, pin: bool) -> DataLoader:
    """A DataLoader in sample order; its workers (if any) persist from one epoch to the next."""
    return DataLoader(
        dataset, batch_size=batch_size, shuffle=False, num_workers=workers, pin_memory=pin,
        persistent_workers=workers > 0,
    )


def make_cases(
    rounds: int,
    *,
    samples: int,
    batch_size: int,
    workers: Sequence[int] = FULL["workers"],
    device: torch.device | None = None,
) -> dict[str, harness.Case]:
    """One timed callable per (num_workers, pin_memory): each runs an epoch and checks its checksum.

    A callable raises ``RuntimeError`` if its epoch's checksum differs from
    indexing the dataset directly. The loaders' persistent workers start on the
    first call (the harness's untimed warm-up) and end when the cases are
    garbage-collected.
    """
    device = device or torch.device("cpu")
    dataset = SyntheticImages(samples, rounds=rounds)
    expected = expected_checksum(dataset, batch_size)

    def epoch(loader: DataLoader, name: str) -> harness.Case:
        def call() -> float:
            got = epoch_checksum(loader, device)
            if not math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-6):
                raise RuntimeError(f"{name}: the epoch's checksum is {got}, indexing the dataset gives {expected}")
            return got

        return call

    cases = {}
    for pin in (False, True):
        for k in workers:
            name = case_name(k, pin)
            cases[name] = epoch(make_loader(dataset, batch_size=batch_size, workers=k, pin=pin), name)
    return cases


def cpu_pressure() -> float | None:
    """Percent of the last minute in which some runnable task waited for a CPU (Linux PSI), else None.

    Reads the ``some avg60=...`` field of ``/proc/pressure/cpu``: near 0 on an
    idle machine, near 100 when every core is oversubscribed, so that extra
    worker processes only take turns with the rest of the machine.
    """
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as f:
            for line in f:
                if line.startswith("some"):
                    fields = dict(item.split("=") for item in line.split()[1:])
                    return float(fields["avg60"])
    except (OSError, KeyError, ValueError):
        pass
    return None


def load_time(rounds: int, *, tries: int = 15) -> float:
    """Median seconds to build one sample (generate + augment) in this process, for the description."""
    dataset = SyntheticImages(tries, rounds=rounds, seed=1)
    times = []
    for i in range(tries):
        start = time.perf_counter()
        dataset[i]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(
    rounds: Sequence[int] = FULL["rounds"],
    *,
    samples: int = FULL["samples"],
    batch_size: int = FULL["batch_size"],
    workers: Sequence[int] = FULL["workers"],
    repeats: int = FULL["repeats"],
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time an epoch per DataLoader configuration at every number of transform rounds; return the result dict.

    All configurations alternate in one sweep; the result then has two parts,
    ``pin_memory=False`` and ``pin_memory=True``, each with the cases
    ``workers=K`` and ratios to ``workers=0`` of the same part.

    ``run((1, 4), samples=64, batch_size=16, repeats=2)["parts"][0]["points"][-1]["samples_per_s"]``
    ``-> {"workers=0": ..., "workers=1": ..., "workers=2": ...}``
    """
    if not rounds or any(r < 1 for r in rounds):
        raise ValueError(f"rounds must be positive integers, got {list(rounds)}")
    if samples < 1 or batch_size < 1:
        raise ValueError(f"samples and batch_size must be at least 1, got {samples} and {batch_size}")
    if 0 not in workers or any(k < 0 for k in workers) or len(set(workers)) != len(workers):
        raise ValueError(f"workers must be distinct counts >= 0 and include 0 (the baseline), got {list(workers)}")
    workers = sorted(workers)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    # The main process runs single-threaded, like every worker (DataLoader sets 1 thread in each): on a
    # busy machine a 2-thread reduction of a small batch can wait milliseconds for a descheduled thread.
    with torch_threads(1), warnings.catch_warnings():
        # Without an accelerator DataLoader ignores pin_memory=True and says so, once per loader.
        warnings.filterwarnings("ignore", message=".*pin_memory.*")
        points = harness.sweep(
            rounds,
            lambda r: make_cases(r, samples=samples, batch_size=batch_size, workers=workers, device=device),
            repeats=repeats,
            baseline=BASELINE,
            number=1,  # one epoch per sample; the warm-up epoch starts the persistent workers
            progress=progress,
            label=NAME,
            console=console,
        )
        load_times = {r: load_time(r) for r in rounds}
    pressure = cpu_pressure()
    parts = [
        _part(points, pin, workers, samples=samples, load_times=load_times, device=device) for pin in (False, True)
    ]
    return {
        "name": NAME,
        "title": TITLE,
        "description": _description(samples=samples, batch_size=batch_size, load_times=load_times, pressure=pressure),
        "machine": harness.machine_info(),
        "params": {
            "rounds": list(rounds),
            "samples": samples,
            "batch_size": batch_size,
            "workers": list(workers),
            "repeats": repeats,
            "device": device.type,
            "start_method": multiprocessing.get_start_method(),
            "cpu_count": os.cpu_count(),
            "main_process_threads": 1,
            "cpu_pressure_avg60_percent": pressure,
        },
        "parts": parts,
    }


def _part(
    points: Sequence[dict], pin: bool, workers: Sequence[int], *, samples: int, load_times: dict[int, float],
    device: torch.device,
) -> dict:
    """The cases of one pin_memory setting, renamed ``workers=K``, with ratios to ``workers=0`` of that setting."""
    names = {case_name(k, pin): case_name(k, False) for k in workers}  # sweep name -> name in this part
    mine = []
    for p in points:
        stats = {names[n]: s for n, s in p["stats"].items() if n in names}
        mine.append({
            "x": p["x"],
            "number": {names[n]: v for n, v in p["number"].items() if n in names},
            "samples": {names[n]: v for n, v in p["samples"].items() if n in names},
            "stats": stats,
            "ratios": harness.ratios(stats, BASELINE),
            "samples_per_s": {n: samples / s["median"] for n, s in stats.items()},
            "load_s_per_sample": load_times[p["x"]],
        })
    last = mine[-1]
    rates = ", ".join(f"{name} {rate:,.0f}" for name, rate in last["samples_per_s"].items())
    if not pin:
        note = "Pageable host memory."
    elif device.type == "cuda":
        note = "Pinned host memory; batches are copied to the GPU with non_blocking=True."
    else:
        note = ("No CUDA here: DataLoader ignores pin_memory=True, so this part repeats the one above; "
                "the difference between them is the machine's noise.")
    return {
        "title": f"pin_memory={pin}" + ("" if device.type == "cuda" or not pin else " (no effect without CUDA)"),
        "description": f"{note} Samples per second at {last['x']} rounds: {rates}.",
        "x_name": "transform rounds",
        "unit": "s",
        "measure": "time per epoch",
        "cases": [case_name(k, False) for k in workers],
        "baseline": BASELINE,
        "points": mine,
        "slopes": harness.slopes(mine) if len({p["x"] for p in mine}) > 1 else {},
        "slope_label": "log-log slope of epoch time vs transform rounds (1 = all transform, 0 = all overhead)",
    }


def _description(*, samples: int, batch_size: int, load_times: dict[int, float], pressure: float | None) -> str:
    """What ran, on how many cores, how busy they were, and what one sample costs to build."""
    costs = ", ".join(
        f"{harness.format_seconds(t)} ({r} round{'s' if r > 1 else ''})" for r, t in load_times.items()
    )
    busy = (
        "" if pressure is None else
        f" Over the last minute of the run, some task was waiting for a CPU {pressure:.0f}% of the time "
        "(Linux CPU pressure): near 100% means the cores were already oversubscribed, and extra workers "
        "only take turns with the rest of the machine."
    )
    return (
        f"One epoch of {samples} synthetic 3x32x32 images in batches of {batch_size}, through a DataLoader per "
        "(num_workers, pin_memory) with persistent workers, timed after one untimed warm-up epoch; all six "
        f"configurations alternate in each repeat. This machine has {os.cpu_count()} CPU cores, shared with other "
        "work while measuring, so more workers than that cannot help. Building one sample in the main process "
        f"takes {costs}.{busy}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])

    def default(key: str) -> str:
        full, quick = FULL[key], QUICK[key]
        show = (lambda v: " ".join(map(str, v))) if isinstance(full, tuple) else str
        return f"(default {show(full)}; --quick: {show(quick)})"

    parser.add_argument("--rounds", type=harness.positive_int, nargs="+", default=None,
                        help=f"augmentation rounds per sample, the swept parameter {default('rounds')}")
    parser.add_argument("--samples", type=harness.size_arg, default=None,
                        help=f"samples per epoch {default('samples')}")
    parser.add_argument("--batch-size", type=harness.positive_int, default=None,
                        help=f"samples per batch {default('batch_size')}")
    parser.add_argument("--workers", type=_worker_count, nargs="+", default=None,
                        help=f"num_workers values, 0 included {default('workers')}")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    def pick(key: str):
        value = getattr(args, key)
        return preset[key] if value is None else value

    console = Console()
    start = time.perf_counter()
    try:
        result = run(
            pick("rounds"),
            samples=pick("samples"),
            batch_size=pick("batch_size"),
            workers=pick("workers"),
            repeats=pick("repeats"),
            progress=not args.no_progress,
            console=console,
        )
    except ValueError as err:
        parser.error(str(err))
    harness.publish(result, out, console, started=start)
    return 0


def _worker_count(text: str) -> int:
    """An argparse type: ``'2' -> 2``, ``'0' -> 0``; negatives and words are usage errors."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


if __name__ == "__main__":
    raise SystemExit(main())
