"""Real data sets for learners with the internet: MNIST, CIFAR-10, TinyStories.

Tests and CI never download: they use scikit-learn's offline sets and corpora
the workspace makes. These loaders are for the full-size versions:

    learn data                 what is available and what is already here
    learn data mnist           download (progress bar, checksum, cache, resume)

    from utils.datasets import download, load_mnist
    images, labels = load_mnist(download("mnist"), split="train")   # (60000, 28, 28) uint8, (60000,) int64

Files go to ``$LEARN_DATA_DIR`` (default ``.learn/data`` in the workspace).
The MNIST and CIFAR-10 checksums are the published MD5 sums; TinyStories
publishes none, so its first download's SHA-256 is recorded and checked from
then on (see ``utils.download``).
"""

from __future__ import annotations

import gzip
import os
import pickle
import struct
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from utils.download import fetch

DATA_ENV = "LEARN_DATA_DIR"


@dataclass(frozen=True)
class RemoteFile:
    name: str
    md5: str | None = None


@dataclass(frozen=True)
class DataSet:
    name: str
    description: str
    base_url: str
    files: tuple[RemoteFile, ...]


DATASETS: dict[str, DataSet] = {
    "mnist": DataSet(
        "mnist",
        "70,000 handwritten digits, 28x28 grey (11 MB)",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        (
            RemoteFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            RemoteFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            RemoteFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            RemoteFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
        ),
    ),
    "cifar10": DataSet(
        "cifar10",
        "60,000 colour images in 10 classes, 32x32 (163 MB)",
        "https://www.cs.toronto.edu/~kriz/",
        (RemoteFile("cifar-10-python.tar.gz", "c58f30108f718f92721af3b95e74349a"),),
    ),
    "tinystories": DataSet(
        "tinystories",
        "short children's stories for small language models (2.2 GB train + 22 MB valid)",
        "https://huggingface.co/datasets/roneneldan/TinyStories/resolve/main/",
        (RemoteFile("TinyStoriesV2-GPT4-valid.txt"), RemoteFile("TinyStoriesV2-GPT4-train.txt")),
    ),
}


def data_dir() -> Path:
    """Where data sets live: ``$LEARN_DATA_DIR``, else ``.learn/data`` in the workspace."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    from curriculum.paths import state_dir

    return state_dir() / "data"


def get(name: str) -> DataSet:
    if name not in DATASETS:
        raise KeyError(f"unknown data set {name!r}; available: {', '.join(DATASETS)}")
    return DATASETS[name]


def is_downloaded(name: str) -> bool:
    folder = data_dir() / name
    return all((folder / f.name).is_file() for f in get(name).files)


def download(name: str, *, base_url: str | None = None, progress: bool = True) -> Path:
    """Fetch every file of data set ``name`` (resuming, verifying); return its folder."""
    ds = get(name)
    folder = data_dir() / name
    for f in ds.files:
        fetch((base_url or ds.base_url) + f.name, folder / f.name, md5=f.md5, progress=progress)
    return folder


# ------------------------------------------------------------------ parsers


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (MNIST's format; gzip or raw): big-endian magic, dims, then uint8 data."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape} ({int(np.prod(shape))} bytes) but {body.size} follow")
    return body.reshape(shape).copy()


def load_mnist(folder: Path, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 28, 28)`` uint8 and labels ``(N,)`` int64 for split 'train' (60k) or 'test' (10k)."""
    prefix = {"train": "train", "test": "t10k"}[split]
    images = read_idx(Path(folder) / f"{prefix}-images-idx3-ubyte.gz")
    labels = read_idx(Path(folder) / f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    if len(images) != len(labels):
        raise ValueError(f"{folder}: {len(images)} images but {len(labels)} labels")
    return images, labels


def load_cifar10(folder: Path, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 32, 32, 3)`` uint8 (HWC) and labels ``(N,)`` int64; 'train' is 50k, 'test' 10k."""
    names = [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
    images, labels = [], []
    with tarfile.open(Path(folder) / "cifar-10-python.tar.gz", "r:gz") as tar:
        for name in names:
            member = tar.extractfile(f"cifar-10-batches-py/{name}")
            if member is None:
                raise ValueError(f"{folder}: archive has no {name}")
            batch = pickle.load(member, encoding="bytes")  # the official format is a pickle of plain arrays
            images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
            labels.append(np.asarray(batch[b"labels"], dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def iter_tinystories(folder: Path, split: str = "valid", *, separator: str = "<|endoftext|>") -> Iterator[str]:
    """Stories one at a time, streaming the file (the train split is larger than many laptops' memory)."""
    path = Path(folder) / f"TinyStoriesV2-GPT4-{split}.txt"
    buffer = ""
    with open(path, encoding="utf-8") as f:
        for block in iter(lambda: f.read(1 << 20), ""):
            buffer += block
            *stories, buffer = buffer.split(separator)
            yield from (s.strip() for s in stories if s.strip())
    if buffer.strip():
        yield buffer.strip()
