"""cs336-18: the training script that puts every component together.

- ``tokenize_to_memmap``: write token ids to disk as a flat ``uint16`` file.
- ``TrainConfig``: every knob of a run, in one dataclass.
- ``train``: memory-map the train/val token files, build ``TransformerLM``
  (cs336-11), and run AdamW (cs336-13) with the cosine schedule (cs336-14),
  gradient clipping (cs336-15), batches from ``get_batch`` (cs336-16), the
  loss from ``cross_entropy`` (cs336-12) and checkpoints (cs336-17); evaluate
  periodically, show a rich progress bar, resume from ``checkpoint_path``.
- ``plot_losses``: the train/val curves as a PNG.

Reproducibility contract (what makes an interrupted run resume *exactly*):

- the model is built right after ``torch.manual_seed(config.seed)``;
- step ``t`` (0-based; ``t`` steps already done) draws its batch with
  ``get_batch(train, batch_size, context_length, device,
  rng=np.random.default_rng([seed, 0, t]))`` -- it depends on ``(seed, t)``
  only, never on how many steps this process has run;
- the loss estimates use ``eval_iters`` fixed batches,
  ``rng=np.random.default_rng([seed, 1, j])`` for ``j < eval_iters``;
- the checkpoint holds the model, AdamW's state and the iteration.

In scope: the loop, evaluation, logging, checkpoint/resume, clear errors for
bad data. Out of scope: mixed precision, gradient accumulation, several
devices, ``torch.compile``, tokenising raw text (the BPE exercises), wandb.

Run the demo: .venv/bin/python -m cs336.train
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cs336.adamw import AdamW
from cs336.checkpointing import load_checkpoint, save_checkpoint
from cs336.clipping import clip_grad_norm
from cs336.cross_entropy import cross_entropy
from cs336.data import get_batch
from cs336.schedule import cosine_lr
from cs336.transformer_lm import TransformerLM

UINT16_LIMIT = 65536  # ids must lie in [0, 65536) to fit a uint16


@dataclass
class TrainConfig:
    """One training run. Paths are ``str`` or ``Path``; sizes are ints.

    ``cosine_cycle_iters`` (``T_c`` of ``cosine_lr``) defaults to ``max_iters``;
    set it when a run is meant to stop early and be resumed later, so that the
    schedule does not depend on where the process stopped.
    """

    train_path: str | os.PathLike
    val_path: str | os.PathLike
    vocab_size: int
    context_length: int
    d_model: int
    num_layers: int
    num_heads: int
    d_ff: int
    rope_theta: float = 10000.0
    batch_size: int = 32
    max_iters: int = 1000
    lr_max: float = 1e-3
    lr_min: float = 1e-4
    warmup_iters: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0  # 0 disables clipping
    eval_interval: int = 100
    eval_iters: int = 10
    checkpoint_path: str | os.PathLike | None = None
    seed: int = 0
    device: str = "cpu"
    betas: tuple[float, float] = (0.9, 0.95)
    eps: float = 1e-8
    cosine_cycle_iters: int | None = None


def tokenize_to_memmap(ids: Iterable[int], path: str | os.PathLike) -> int:
    """Write token ids to ``path`` as raw little-endian ``uint16`` (no header).

    The file can be read back with ``np.memmap(path, dtype=np.uint16, mode="r")``.

    Args:
        ids: the token ids, each in ``[0, 65536)`` (a list, a numpy array, ...).
        path: the file to (over)write.

    Returns:
        The number of tokens written.

    Raises:
        ValueError: no ids at all, or an id outside ``[0, 65536)`` -- the message
            gives the offending id and its position (uint16 would silently wrap
            65536 to 0; a vocabulary that large needs a uint32 file).

    Example:
        >>> tokenize_to_memmap([1, 2, 65535], "toy.bin")
        3
        >>> np.memmap("toy.bin", dtype=np.uint16, mode="r").tolist()
        [1, 2, 65535]

    Edge cases the tests try: 65535 (fits), 65536 and -1 (rejected), an empty list.
    """
    # TODO: convert to an int64 array first (so that big ids do not wrap), check
    # the range, then .astype(np.uint16).tofile(path).
    raise NotImplementedError("cs336-18: tokenize_to_memmap is not written yet")




def train(config: TrainConfig, *, progress: bool = True) -> dict:
    """Train ``TransformerLM`` on ``config.train_path``; return the evaluation history.

    Iterations: step ``t`` runs for ``t = start .. max_iters - 1`` (``start`` is 0,
    or the iteration stored in ``checkpoint_path`` when that file exists). Step ``t``:
    set every group's lr to ``cosine_lr(t, lr_max, lr_min, warmup_iters,
    cosine_cycle_iters or max_iters)``, draw the batch (see the module docstring),
    ``cross_entropy(model(x), y)``, backward, ``clip_grad_norm`` (if ``grad_clip > 0``),
    ``optimizer.step()``.

    Evaluation happens *before* step ``t`` whenever ``t % eval_interval == 0``, and
    once more after the last step (at ``t = max_iters``); each appends::

        {"iter": t, "train_loss": float, "val_loss": float, "lr": cosine_lr(t, ...)}

    (``t`` = steps done so far; the losses are means over the ``eval_iters`` fixed
    batches of each split) and, when ``checkpoint_path`` is set, saves a checkpoint
    with iteration ``t``. A resumed run does not repeat the evaluation at ``start``:
    its history holds the entries with ``iter > start``.

    Args:
        config: the run (see ``TrainConfig``).
        progress: show a rich progress bar (keyword only); ``False`` prints nothing.

    Returns:
        ``{"history": [...], "start_iter": start}``: the history is the list of dicts
        above, in order of ``iter``; ``start_iter`` is 0 or the resumed iteration.

    Raises:
        FileNotFoundError: a token file does not exist.
        ValueError: a token file has fewer than ``context_length + 1`` tokens.

    Example:
        >>> result = train(TrainConfig("train.bin", "val.bin", vocab_size=16, context_length=8,
        ...                             d_model=32, num_layers=1, num_heads=2, d_ff=64,
        ...                             max_iters=20, eval_interval=10), progress=False)
        >>> [h["iter"] for h in result["history"]]
        [0, 10, 20]

    Edge cases the tests try: resuming from a checkpoint (bit-identical to a run
    that never stopped), ``max_iters`` not a multiple of ``eval_interval``, a missing
    or too short token file.
    """
    # TODO: open both files with np.memmap (clear errors first); torch.manual_seed,
    # then the model and AdamW; resume if the checkpoint exists; loop as described,
    # with rich.progress.Progress(disable=not progress). Use your own components,
    # not torch.optim.AdamW or F.cross_entropy.
    raise NotImplementedError("cs336-18: train is not written yet")


def plot_losses(history: list[dict], path: str | os.PathLike) -> None:
    """Plot ``train_loss`` and ``val_loss`` against ``iter`` and save a PNG at ``path``.

    Uses matplotlib's Agg canvas (no display needed; does not change the global backend).

    Raises:
        ValueError: an empty history (nothing to plot).

    Example:
        >>> plot_losses([{"iter": 0, "train_loss": 2.8, "val_loss": 2.8, "lr": 0.0}], "loss.png")
    """
    # TODO: matplotlib.figure.Figure + FigureCanvasAgg (or matplotlib.use("Agg")),
    # two lines, axis labels, a legend, savefig.
    raise NotImplementedError("cs336-18: plot_losses is not written yet")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pattern = list(range(8)) * 64
        tokenize_to_memmap(pattern, f"{tmp}/train.bin")
        tokenize_to_memmap(pattern[:200], f"{tmp}/val.bin")
        cfg = TrainConfig(f"{tmp}/train.bin", f"{tmp}/val.bin", vocab_size=8, context_length=8, d_model=32,
                          num_layers=1, num_heads=2, d_ff=64, batch_size=8, max_iters=100, lr_max=1e-2,
                          warmup_iters=10, eval_interval=25, eval_iters=2)
        for row in train(cfg)["history"]:
            print({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()})
        print("uniform guess: ln(8) =", round(math.log(8), 4))
