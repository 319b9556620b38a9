"""CS336 component 17: checkpoints, so that a training run can stop and resume.

- ``save_checkpoint``: write the model's and the optimizer's state and the
  iteration number to a path or a binary file object. To a path the write is
  atomic: a crash mid-write leaves the previous checkpoint (or nothing), never
  a half-written file.
- ``load_checkpoint``: read one back into an existing model and optimizer and
  return the iteration. It refuses, with a ValueError that names the problem,
  a checkpoint of another architecture and a file that is not a checkpoint.

The checkpoint is a dict ``{"model": model.state_dict(), "optimizer":
optimizer.state_dict(), "iteration": int}`` written with ``torch.save`` and
read with ``torch.load(..., weights_only=True)`` (no arbitrary pickles).

In scope: the round trip (resuming gives bit-identical training), paths and
file objects, atomic replacement, clear errors. Out of scope: RNG states,
data-loader position, sharded or distributed checkpoints, safetensors,
keeping the last k checkpoints.

Run the demo: .venv/bin/python -m cs336.checkpointing
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

import torch

# BEGIN SOLUTION


def _check_architecture(saved: dict, model: torch.nn.Module) -> None:
    """Raise ValueError naming the first key or shape where ``saved`` and ``model`` disagree."""
    expected = model.state_dict()
    for key, tensor in expected.items():
        if key not in saved:
            raise ValueError(f"checkpoint does not match the model: key {key!r} is missing from the checkpoint")
        got = saved[key]
        if not isinstance(got, torch.Tensor) or got.shape != tensor.shape:
            shape = tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__
            raise ValueError(
                f"checkpoint does not match the model: {key!r} has shape {shape} in the checkpoint "
                f"but {tuple(tensor.shape)} in the model"
            )
    for key in saved:
        if key not in expected:
            raise ValueError(f"checkpoint does not match the model: unexpected key {key!r} (not in the model)")


# END SOLUTION


def save_checkpoint(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    iteration: int,
    out: str | os.PathLike | BinaryIO,
) -> None:
    """Save ``{"model": ..., "optimizer": ..., "iteration": ...}`` with ``torch.save``.

    Args:
        model: its ``state_dict()`` is saved (parameters and buffers).
        optimizer: its ``state_dict()`` is saved (e.g. AdamW's step, m and v per
            parameter, and the param groups' hyperparameters).
        iteration: the number of steps done so far, saved as a Python int.
        out: a path (``str`` or ``pathlib.Path``) or a binary file object opened for
            writing (``io.BytesIO``, ``open(..., "wb")``).

    With a path, write to a temporary file in the same directory and
    ``os.replace`` it onto ``out`` only after ``torch.save`` succeeded; if saving
    fails, delete the temporary file and re-raise. ``out`` then still holds the
    previous checkpoint (or does not exist), and no stray file is left behind.

    Example:
        >>> buf = io.BytesIO()
        >>> save_checkpoint(model, opt, 100, buf); _ = buf.seek(0)
        >>> load_checkpoint(buf, model, opt)
        100

    Edge cases the tests try: ``str`` and ``Path`` targets, ``io.BytesIO``,
    overwriting an existing checkpoint, a save that fails midway (an
    unpicklable object in the optimizer's param group).
    """
    # TODO: build the dict; for a file object call torch.save on it directly; for
    # a path use tempfile.mkstemp(dir=<same directory>) + torch.save + os.replace,
    # removing the temporary file if anything fails.
    # BEGIN SOLUTION
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "iteration": int(iteration)}
    if not isinstance(out, (str, os.PathLike)):
        torch.save(checkpoint, out)
        return
    target = Path(out)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(checkpoint, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)  # atomic on POSIX and Windows: readers see old or new, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # END SOLUTION


def load_checkpoint(
    src: str | os.PathLike | BinaryIO,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
) -> int:
    """Restore ``model`` and ``optimizer`` from a checkpoint and return its iteration.

    Read with ``torch.load(src, map_location="cpu", weights_only=True)``;
    ``load_state_dict`` then copies the tensors onto the model's and optimizer's
    own devices.

    Args:
        src: a path or a binary file object positioned at the checkpoint's start.
        model: a model of the same architecture as the saved one (same keys, same shapes).
        optimizer: an optimizer over ``model``'s parameters, of the same kind as the saved one.

    Returns:
        The saved iteration, a Python ``int``.

    Raises:
        FileNotFoundError: ``src`` is a path that does not exist.
        ValueError: the file is not a readable checkpoint (empty, truncated, random
            bytes, a pickle with arbitrary objects that ``weights_only=True`` refuses,
            a tensor instead of the dict); or its model state does not match
            ``model`` -- the message names the first missing / unexpected key or the
            first key whose shape differs. Nothing is loaded in that case.

    Example:
        >>> save_checkpoint(model, opt, 7, "ckpt.pt")
        >>> load_checkpoint("ckpt.pt", model, opt)
        7

    Edge cases the tests try: a wider model, a model with an extra layer,
    corrupt and truncated files, a pickle with a non-tensor object, CPU and CUDA.
    """
    # TODO: torch.load with weights_only=True, turning its errors into a ValueError;
    # check the dict's keys, then every model key and shape *before* calling
    # model.load_state_dict and optimizer.load_state_dict.
    # BEGIN SOLUTION
    if isinstance(src, (str, os.PathLike)) and not Path(src).exists():
        raise FileNotFoundError(f"no checkpoint at {str(src)!r}")
    try:
        checkpoint = torch.load(src, map_location="cpu", weights_only=True)
    except Exception as err:  # UnpicklingError, EOFError, RuntimeError (bad zip), ...
        raise ValueError(f"could not read a checkpoint from {src!r}: the file is corrupt or not a checkpoint ({type(err).__name__}: {str(err)[:200]})") from err
    if not isinstance(checkpoint, dict) or not {"model", "optimizer", "iteration"} <= checkpoint.keys():
        raise ValueError(
            f"{src!r} is not a checkpoint: expected a dict with 'model', 'optimizer' and 'iteration', "
            f"got {type(checkpoint).__name__}"
        )
    _check_architecture(checkpoint["model"], model)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return int(checkpoint["iteration"])
    # END SOLUTION


if __name__ == "__main__":
    import io

    model = torch.nn.Linear(4, 2)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model(torch.randn(3, 4)).sum().backward()
    opt.step()
    buf = io.BytesIO()
    save_checkpoint(model, opt, 1, buf)
    buf.seek(0)
    fresh = torch.nn.Linear(4, 2)
    print("iteration", load_checkpoint(buf, fresh, torch.optim.AdamW(fresh.parameters())))
    print("same weights:", torch.equal(fresh.weight, model.weight))
