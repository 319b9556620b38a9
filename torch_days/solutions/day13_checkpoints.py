"""Day 13: checkpoints — save a run, stop it, and resume it bit for bit.

A resumed run continues exactly where the interrupted one stopped only if
*everything* that decides the next step comes back:

- the model's parameters and buffers, the optimizer's state (Adam's moments,
  momentum buffers), the LR scheduler's position: ``save_checkpoint`` /
  ``load_checkpoint``;
- every random number generator the step draws from (dropout, augmentation,
  ``random``, NumPy): ``rng_state_dict`` / ``load_rng_state_dict``, stored as
  tensors so the file loads with ``torch.load(weights_only=True)``;
- the order of the data: ``batch_indices`` makes the batch of step ``s`` a pure
  function of ``(seed, s)``, so a resumed run needs nothing but the step.

The file is written atomically (a temporary file in the same folder, then
``os.replace``): a crash while saving leaves the previous checkpoint intact.
Loading refuses, with a ``ValueError`` that names the problem, a corrupt file,
a file that would need arbitrary pickled objects, and a checkpoint from a
different architecture.

In scope: one process; the CPU, CUDA and MPS generators. Out of scope: sharded and
distributed checkpoints, DataLoader worker state, saving the ``GradScaler``.

Run the demo: .venv/bin/python -m torch_days.solutions.day13_checkpoints
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

CHECKPOINT_KEYS = ("step", "model", "optimizer", "scheduler", "rng")

# ---------------------------------------------------------------- random number generators


def rng_state_dict() -> dict[str, Tensor | list[Tensor]]:
    """A snapshot of every global RNG, made of tensors only.

    Keys and values (the tests only rely on "tensors only" and on the round trip):

    - ``"torch"``: ``torch.get_rng_state()`` (uint8);
    - ``"cuda"``: ``torch.cuda.get_rng_state_all()``, a list with one uint8
      tensor per GPU (present only when CUDA is available);
    - ``"mps"``: ``torch.mps.get_rng_state()`` (present only when Apple MPS is available);
    - ``"python"``: Python ``random``'s state (``random.getstate()``: a version,
      624 + 1 words, and the cached ``gauss`` value, which may be ``None``);
    - ``"numpy"``: NumPy's legacy global generator (``np.random.get_state()``:
      624 words, a position, and a cached Gaussian).

    Python ints and floats become int64 / float64 tensors; a missing cached
    Gaussian is an empty tensor. A plain ``torch.save`` of the result loads
    with ``torch.load(..., weights_only=True)``.

    Example:
        >>> state = rng_state_dict()
        >>> a = (torch.rand(2), random.random(), np.random.rand())
        >>> load_rng_state_dict(state)
        >>> b = (torch.rand(2), random.random(), np.random.rand())
        >>> torch.equal(a[0], b[0]) and a[1:] == b[1:]
        True

    Edge cases the tests try: a pending cached Gaussian in ``random`` and in
    NumPy (after one ``random.gauss`` / ``np.random.standard_normal`` call), a
    round trip through ``torch.save`` / ``torch.load(weights_only=True)``.
    """
    # TODO: read each generator's state and turn every part into a tensor:
    # torch.tensor(ints, dtype=torch.int64), torch.from_numpy(...), and an empty
    # tensor for a cached Gaussian that is None.
    # BEGIN SOLUTION
    version, words, gauss_next = random.getstate()
    _, keys, pos, has_gauss, cached_gaussian = np.random.get_state()
    state: dict[str, Tensor | list[Tensor]] = {
        "torch": torch.get_rng_state(),
        "python": torch.tensor([version, *words], dtype=torch.int64),  # (1 + 625,)
        "python_gauss": torch.tensor([] if gauss_next is None else [gauss_next], dtype=torch.float64),
        "numpy": torch.from_numpy(keys.astype(np.int64)),  # (624,) uint32 words, widened
        "numpy_pos": torch.tensor([pos, has_gauss], dtype=torch.int64),
        "numpy_gauss": torch.tensor([cached_gaussian], dtype=torch.float64),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    if torch.backends.mps.is_available():
        state["mps"] = torch.mps.get_rng_state()
    return state
    # END SOLUTION


def load_rng_state_dict(state: dict[str, Tensor | list[Tensor]]) -> None:
    """Restore every global RNG from a ``rng_state_dict()`` snapshot.

    The ``"cuda"`` entry is restored only when CUDA is available here, one
    state per GPU that both this machine and the snapshot have; a snapshot
    taken without CUDA leaves the CUDA generators alone. The same goes for
    ``"mps"``.

    Raises:
        ValueError: ``state`` lacks one of the CPU entries (the message names it).
    """
    # TODO: the inverse of rng_state_dict: rebuild the tuples random.setstate
    # and np.random.set_state expect (numpy wants uint32 words, python a tuple of ints).
    # BEGIN SOLUTION
    for key in ("torch", "python", "python_gauss", "numpy", "numpy_pos", "numpy_gauss"):
        if key not in state:
            raise ValueError(f"the RNG state has no {key!r} entry; was it made by rng_state_dict()?")
    torch.set_rng_state(state["torch"].cpu())
    version, *words = state["python"].tolist()
    gauss = state["python_gauss"].tolist()
    random.setstate((version, tuple(words), gauss[0] if gauss else None))
    pos, has_gauss = state["numpy_pos"].tolist()
    keys = state["numpy"].numpy().astype(np.uint32)
    np.random.set_state(("MT19937", keys, pos, has_gauss, float(state["numpy_gauss"][0])))
    if "cuda" in state and torch.cuda.is_available():
        for index, cuda_state in enumerate(state["cuda"][: torch.cuda.device_count()]):
            torch.cuda.set_rng_state(cuda_state.cpu(), index)
    if "mps" in state and torch.backends.mps.is_available():
        torch.mps.set_rng_state(state["mps"].cpu())
    # END SOLUTION


# ---------------------------------------------------------------- data order


def batch_indices(num_samples: int, batch_size: int, *, seed: int, step: int) -> Tensor:
    """The sample indices of global step ``step`` in a run that reshuffles every epoch.

    The run cuts each epoch into ``num_samples // batch_size`` full batches (the
    last, smaller one is dropped). Epoch ``e = step // batches_per_epoch``
    visits the samples in its own random order, and step ``step`` takes batch
    number ``step % batches_per_epoch`` of it.

    The result is a pure function of the arguments: no state, no global RNG
    (it is neither read nor advanced). That is what makes resuming trivial: a
    run restarted at step ``s`` gets exactly the batches the uninterrupted run
    got. The epoch's order comes from a fresh ``torch.Generator`` whose seed
    mixes ``seed`` and ``e`` so that different seeds never replay each other's
    epochs (``seed + e`` would: seed 0's second epoch would be seed 1's first).

    Args:
        num_samples: the dataset size, ``>= batch_size``.
        batch_size: samples per step, ``>= 1``.
        seed: the run's data seed, an int ``>= 0``.
        step: the global step, counted from 0 across epochs, ``>= 0``.

    Returns:
        ``(batch_size,)`` int64 indices in ``0 .. num_samples - 1``, all different.

    Raises:
        ValueError: ``batch_size < 1``, ``num_samples < batch_size``,
            ``seed < 0`` or ``step < 0``.

    Example:
        >>> batch_indices(10, 4, seed=0, step=0).shape
        torch.Size([4])
        >>> torch.equal(batch_indices(10, 4, seed=0, step=5), batch_indices(10, 4, seed=0, step=5))
        True

    Edge cases the tests try: one epoch's batches (disjoint, in range), the
    dropped remainder, different epochs and seeds, ``(seed 0, epoch 1)`` against
    ``(seed 1, epoch 0)``, the global RNG untouched, ``batch_size == num_samples``,
    bad arguments.
    """
    # TODO: batches_per_epoch = num_samples // batch_size; derive the epoch's
    # seed from (seed, epoch), e.g. seed * 1_000_003 + epoch; draw
    # torch.randperm(num_samples, generator=...) and slice out this step's batch.
    # BEGIN SOLUTION
    if batch_size < 1 or num_samples < batch_size:
        raise ValueError(f"need 1 <= batch_size <= num_samples, got batch_size={batch_size}, num_samples={num_samples}")
    if seed < 0 or step < 0:
        raise ValueError(f"seed and step must be >= 0, got seed={seed}, step={step}")
    batches_per_epoch = num_samples // batch_size
    epoch, position = divmod(step, batches_per_epoch)
    generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    order = torch.randperm(num_samples, generator=generator)  # (num_samples,)
    return order[position * batch_size : (position + 1) * batch_size]  # (batch_size,)
    # END SOLUTION


# ---------------------------------------------------------------- checkpoints


def save_checkpoint(
    path: str | os.PathLike,
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    step: int,
    rng_state: bool = True,
) -> None:
    """Write a checkpoint to ``path`` atomically.

    The file is a ``torch.save`` of a dict with exactly the keys of
    ``CHECKPOINT_KEYS``::

        {"step": step,
         "model": model.state_dict(),
         "optimizer": optimizer.state_dict() or None,
         "scheduler": scheduler.state_dict() or None,
         "rng": rng_state_dict() if rng_state else None}

    so it loads with ``torch.load(path, weights_only=True)``. It is written to
    a temporary file in ``path``'s folder and moved into place with
    ``os.replace``: readers see the old file or the new one, never half of
    one. If writing fails, the temporary file is removed, the error propagates
    and an existing checkpoint at ``path`` is left as it was. Missing parent
    folders are created.

    Args:
        path: the checkpoint file.
        model: the model whose ``state_dict()`` is saved.
        optimizer, scheduler: saved when given.
        step: the number of steps done so far (where a resumed run starts), ``>= 0``.
        rng_state: also save every RNG (``rng_state_dict()``).

    Raises:
        ValueError: ``step`` is not an int ``>= 0``.

    Example:
        >>> net = nn.Linear(2, 1)
        >>> save_checkpoint("/tmp/demo.pt", model=net, step=3)
        >>> sorted(torch.load("/tmp/demo.pt", weights_only=True))
        ['model', 'optimizer', 'rng', 'scheduler', 'step']

    Edge cases the tests try: ``str`` and ``Path`` paths, a folder that does
    not exist yet, overwriting, ``torch.save`` failing half-way (the old file
    must survive and no temporary file may stay), ``rng_state=False``.
    """
    # TODO: build the dict, then torch.save it to a temporary file made with
    # tempfile.mkstemp(dir=<the target's folder>) and os.replace it onto path.
    # The temporary file must be in the same folder: os.replace is atomic only
    # within one file system. Clean up in a `finally`/`except`.
    # BEGIN SOLUTION
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"step must be an int >= 0, got {step!r}")
    checkpoint = {
        "step": step,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "rng": rng_state_dict() if rng_state else None,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(checkpoint, f)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename makes them visible
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    # END SOLUTION


def load_checkpoint(
    path: str | os.PathLike,
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    restore_rng: bool = True,
) -> int:
    """Load a ``save_checkpoint`` file into fresh objects; return the saved step.

    The file is read with ``torch.load(path, map_location="cpu",
    weights_only=True)``: only tensors and plain containers, never arbitrary
    pickled objects (unpickling can run any code). ``model.load_state_dict``
    then copies the tensors onto the model's own device. The optimizer and
    scheduler are loaded when given; the RNGs are restored when
    ``restore_rng`` is true and the checkpoint has them.

    Before anything is changed, the checkpoint's model entries are compared
    with ``model.state_dict()``: in the model's key order, the first key that
    the checkpoint lacks or holds with another shape, then the first key the
    model does not have, is reported. Nothing is loaded in that case.

    Returns:
        the checkpoint's ``step``.

    Raises:
        FileNotFoundError: no file at ``path`` (the message names it).
        ValueError: the file is truncated or corrupt, holds objects other than
            tensors and plain data, or is not a dict with ``CHECKPOINT_KEYS``
            (the message names ``path``); a key or shape mismatch (the message
            names the first mismatching key); an ``optimizer`` or
            ``scheduler`` was passed but the checkpoint has none.

    Example:
        >>> net = nn.Linear(2, 1)
        >>> load_checkpoint("/tmp/demo.pt", model=net)
        3

    Edge cases the tests try: resuming mid-run (bit-identical parameters),
    another architecture (wider layer, renamed, extra and missing layers),
    a missing file, random bytes, a truncated file, a pickle that would run
    code, a tensor saved on its own, a checkpoint without optimizer state,
    ``restore_rng=False``, loading onto every available device.
    """
    # TODO: torch.load(..., weights_only=True) inside try/except (turn its
    # errors into ValueError naming the path); check the keys and shapes
    # yourself before load_state_dict (its RuntimeError lists everything and
    # is raised only after some tensors may already be copied).
    # BEGIN SOLUTION
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - every reason a file cannot be read safely is reported the same way
        raise ValueError(
            f"{path} is not a loadable checkpoint (truncated, corrupt, or it holds objects other than "
            f"tensors and plain data): {type(err).__name__}: {err}"
        ) from err
    if not isinstance(checkpoint, dict) or any(key not in checkpoint for key in CHECKPOINT_KEYS):
        found = sorted(checkpoint) if isinstance(checkpoint, dict) else type(checkpoint).__name__
        raise ValueError(f"{path} is not a checkpoint made by save_checkpoint: expected keys {CHECKPOINT_KEYS}, found {found}")

    _check_same_architecture(model.state_dict(), checkpoint["model"], path)
    for name, obj in (("optimizer", optimizer), ("scheduler", scheduler)):
        if obj is not None and checkpoint[name] is None:
            raise ValueError(f"{path} has no {name} state; pass {name}=None or save it with {name}=...")

    model.load_state_dict(checkpoint["model"])
    if optimizer is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])  # moves the state onto the parameters' device
    if scheduler is not None:
        scheduler.load_state_dict(checkpoint["scheduler"])
    if restore_rng and checkpoint["rng"] is not None:
        load_rng_state_dict(checkpoint["rng"])
    return int(checkpoint["step"])
    # END SOLUTION


# BEGIN SOLUTION
def _check_same_architecture(expected: dict[str, Tensor], saved: dict[str, Tensor], path: Path) -> None:
    """Raise ValueError naming the first key whose presence or shape differs."""
    for key, tensor in expected.items():
        if key not in saved:
            raise ValueError(f"{path} was saved from a different architecture: it has no entry {key!r}")
        if tuple(saved[key].shape) != tuple(tensor.shape):
            raise ValueError(
                f"{path} was saved from a different architecture: {key!r} has shape "
                f"{tuple(saved[key].shape)} in the checkpoint but {tuple(tensor.shape)} in the model"
            )
    for key in saved:
        if key not in expected:
            raise ValueError(f"{path} was saved from a different architecture: unexpected entry {key!r}")


# END SOLUTION
if __name__ == "__main__":
    folder = Path(tempfile.mkdtemp())
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-2)
    save_checkpoint(folder / "ckpt.pt", model=net, optimizer=opt, step=0)
    print("saved keys:", sorted(torch.load(folder / "ckpt.pt", weights_only=True)))
    print("step:", load_checkpoint(folder / "ckpt.pt", model=net, optimizer=opt))
    print("batch of step 5:", batch_indices(10, 4, seed=0, step=5).tolist())
