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

from cs336.solutions.adamw import AdamW
from cs336.solutions.checkpointing import load_checkpoint, save_checkpoint
from cs336.solutions.clipping import clip_grad_norm
from cs336.solutions.cross_entropy import cross_entropy
from cs336.solutions.data import get_batch
from cs336.solutions.schedule import cosine_lr
from cs336.solutions.transformer_lm import TransformerLM

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
    # BEGIN SOLUTION
    arr = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64).reshape(-1)
    if arr.size == 0:
        raise ValueError("no token ids to write: a token file needs at least one id")
    bad = np.flatnonzero((arr < 0) | (arr >= UINT16_LIMIT))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"token id {int(arr[i])} at position {i} does not fit in uint16 (valid ids: 0 .. 65535); "
            "use a vocabulary of at most 65536 tokens or store the ids as uint32"
        )
    arr.astype(np.uint16).tofile(path)
    return int(arr.size)
    # END SOLUTION


# BEGIN SOLUTION


def _open_tokens(path: str | os.PathLike, context_length: int, what: str) -> np.ndarray:
    """Memory-map a uint16 token file, or raise a clear error."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{what} token file {str(path)!r} does not exist; write one with tokenize_to_memmap")
    n = path.stat().st_size // 2
    if n < context_length + 1:
        raise ValueError(
            f"{what} token file {str(path)!r} has {n} tokens but one training window needs "
            f"context_length + 1 = {context_length + 1}; use more data or a shorter context_length"
        )
    return np.memmap(path, dtype=np.uint16, mode="r")


@torch.no_grad()
def _estimate_loss(model: TransformerLM, data: np.ndarray, config: TrainConfig) -> float:
    """Mean loss over ``eval_iters`` fixed batches (rng seeded with ``[seed, 1, j]``)."""
    model.eval()
    losses = []
    for j in range(config.eval_iters):
        x, y = get_batch(data, config.batch_size, config.context_length, config.device,
                         rng=np.random.default_rng([config.seed, 1, j]))
        losses.append(float(cross_entropy(model(x), y)))
    model.train()
    return sum(losses) / len(losses)


# END SOLUTION


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
    # BEGIN SOLUTION
    train_data = _open_tokens(config.train_path, config.context_length, "train")
    val_data = _open_tokens(config.val_path, config.context_length, "val")
    cycle = config.cosine_cycle_iters or config.max_iters

    torch.manual_seed(config.seed)
    model = TransformerLM(config.vocab_size, config.context_length, config.d_model, config.num_layers,
                          config.num_heads, config.d_ff, config.rope_theta, device=config.device)
    optimizer = AdamW(model.parameters(), lr=config.lr_max, betas=config.betas, eps=config.eps,
                      weight_decay=config.weight_decay)
    ckpt = Path(config.checkpoint_path) if config.checkpoint_path is not None else None
    start = load_checkpoint(ckpt, model, optimizer) if ckpt is not None and ckpt.exists() else 0

    history: list[dict] = []

    def evaluate(t: int) -> None:
        history.append({"iter": t, "train_loss": _estimate_loss(model, train_data, config),
                        "val_loss": _estimate_loss(model, val_data, config),
                        "lr": cosine_lr(t, config.lr_max, config.lr_min, config.warmup_iters, cycle)})
        if ckpt is not None:
            save_checkpoint(model, optimizer, t, ckpt)

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task("training", total=config.max_iters, completed=start)
        for t in range(start, config.max_iters):
            if t % config.eval_interval == 0 and (t > start or start == 0):  # not again at a resume point
                evaluate(t)
            lr = cosine_lr(t, config.lr_max, config.lr_min, config.warmup_iters, cycle)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, y = get_batch(train_data, config.batch_size, config.context_length, config.device,
                             rng=np.random.default_rng([config.seed, 0, t]))  # depends on (seed, t) only
            loss = cross_entropy(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip > 0:
                clip_grad_norm(model.parameters(), config.grad_clip)
            optimizer.step()
            bar.update(task, advance=1, description=f"loss {loss.item():.3f} lr {lr:.2e}")
        if config.max_iters > start:
            evaluate(config.max_iters)
    return {"history": history, "start_iter": start}
    # END SOLUTION


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
    # BEGIN SOLUTION
    if not history:
        raise ValueError("history is empty: nothing to plot (did train run any iteration?)")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    iters = [h["iter"] for h in history]
    ax.plot(iters, [h["train_loss"] for h in history], marker="o", label="train")
    ax.plot(iters, [h["val_loss"] for h in history], marker="o", label="val")
    ax.set_xlabel("iteration")
    ax.set_ylabel("cross-entropy (nats)")
    ax.legend()
    fig.savefig(path, format="png")
    # END SOLUTION


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
