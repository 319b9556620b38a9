"""Day 25: the language-model training loop — batches, steps, sampling.

A byte-level language model learns to continue text one byte at a time. The
model and the data are given; you write the three pieces every LM project
has:

- ``get_batch``: random windows of the token stream as inputs ``x`` and
  targets ``y`` (``y`` is ``x`` shifted left by one);
- ``train_lm``: the loop — batch, forward, cross-entropy, backward, AdamW
  step — returning the loss of every step;
- ``generate``: autoregressive sampling with a temperature and a seed
  (temperature 0 is greedy decoding).

Given (shared by the stub and the reference, not part of the exercise):

- ``build_corpus``: the docstrings of a fixed list of standard-library
  modules, gathered at run time in sorted order (about 230 KB of English and
  code, no download);
- ``encode`` / ``decode``: text <-> UTF-8 byte ids (vocabulary 256);
- ``TinyCharModel``: a small causal Transformer built from PyTorch's own
  layers (Day 27 is where you write one yourself).

In scope: the loop, its randomness, teacher forcing, sampling. Out of scope:
learning-rate schedules, mixed precision, evaluation on held-out data
(Day 27 and cs336 go further).

Run the demo (trains for a few seconds):
    .venv/bin/python -m torch_days.day25_lm_loop
"""

from __future__ import annotations

import importlib
import inspect
import warnings

import torch
import torch.nn.functional as F
from torch import nn

VOCAB = 256  # byte values

CORPUS_MODULES = (
    "argparse", "base64", "bisect", "calendar", "collections", "contextlib", "copy", "csv", "dataclasses",
    "datetime", "decimal", "difflib", "enum", "fractions", "functools", "gzip", "hashlib", "heapq", "html",
    "inspect", "io", "ipaddress", "itertools", "json", "logging", "operator", "pathlib", "pickle", "pprint",
    "queue", "random", "re", "shlex", "shutil", "statistics", "string", "struct", "tempfile", "textwrap",
    "threading", "timeit", "typing", "unittest", "uuid", "warnings", "zipfile",
)


def build_corpus(modules: tuple[str, ...] = CORPUS_MODULES) -> str:
    """The docstrings of ``modules`` and of their public functions and classes, as one text.

    Modules are read in sorted order, and within a module the public names in
    sorted order, so the text is the same on every run of the same Python.
    Docstrings are cleaned with ``inspect.getdoc`` and separated by a blank line.
    """
    parts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # e.g. typing.io, typing.re: deprecated aliases
        for name in sorted(modules):
            module = importlib.import_module(name)
            parts.append(inspect.getdoc(module) or "")
            for attr in sorted(vars(module)):
                if attr.startswith("_"):
                    continue
                obj = getattr(module, attr)
                if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, "__module__", None) == module.__name__:
                    parts.append(inspect.getdoc(obj) or "")
    return "\n\n".join(p for p in parts if p)


def encode(text: str) -> torch.Tensor:
    """Text to a 1-D int64 tensor of UTF-8 byte values: ``encode("hé") -> tensor([104, 195, 169])``."""
    return torch.tensor(list(text.encode("utf-8")), dtype=torch.long)


def decode(ids: torch.Tensor | list[int]) -> str:
    """Byte values back to text; a sequence cut inside a character shows U+FFFD."""
    return bytes(int(i) for i in ids).decode("utf-8", errors="replace")


class TinyCharModel(nn.Module):
    """A small causal Transformer LM from PyTorch's built-in layers: ``(B, T) -> (B, T, vocab)``.

    ``context`` is the longest input it accepts; ``generate`` must crop to it.
    """

    def __init__(self, vocab: int = VOCAB, d_model: int = 64, n_heads: int = 4, n_layers: int = 1, context: int = 32):
        super().__init__()
        self.context = context
        self.tok_emb = nn.Embedding(vocab, d_model)
        self.pos_emb = nn.Embedding(context, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, 4 * d_model, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        T = idx.shape[1]
        if T > self.context:
            raise ValueError(f"input of length {T} is longer than the model's context {self.context}; crop it")
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(T, device=idx.device))  # (B, T, C)
        mask = nn.Transformer.generate_square_subsequent_mask(T, device=idx.device)  # (T, T), -inf above the diagonal
        x = self.blocks(x, mask=mask, is_causal=True)  # (B, T, C)
        return self.head(self.ln_f(x))  # (B, T, vocab)


def get_batch(
    data: torch.Tensor,
    batch_size: int,
    context: int,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """``batch_size`` random windows of ``data``: inputs ``x`` and next-token targets ``y``.

    The window starts are drawn with exactly one call::

        starts = torch.randint(0, len(data) - context, (batch_size,), generator=generator)

    (every start ``0 .. len(data) - context - 1`` is possible; the last one
    still has a target for its final position). Then ``x[b] =
    data[s : s + context]`` and ``y[b] = data[s + 1 : s + context + 1]`` for
    ``s = starts[b]``. Drawing the starts this way makes a run reproducible
    from the generator's seed, and the tests rely on it.

    Args:
        data: 1-D int64 token ids, ``len(data) >= context + 1``.
        batch_size: rows, ``>= 1``.
        context: window length ``T``, ``>= 1``.
        generator: the random source (``None``: torch's global one).

    Returns:
        ``(x, y)``, each ``(batch_size, context)`` int64, on ``data``'s device.

    Raises:
        ValueError: ``data`` is not 1-D, ``len(data) < context + 1``, or a
            size is below 1.

    Example:
        >>> data = torch.arange(10)
        >>> x, y = get_batch(data, 2, 3, torch.Generator().manual_seed(0))
        >>> x, y
        (tensor([[4, 5, 6],
                [3, 4, 5]]), tensor([[5, 6, 7],
                [4, 5, 6]]))

    Edge cases the tests try: ``len(data) == context + 1`` (a single
    possible window), every start being reachable, ``context`` 1, data too
    short, 2-D data.
    """
    # TODO: validate, draw the starts exactly as above, and build x and y
    # (torch.stack of slices is fine; indexing with starts[:, None] +
    # torch.arange(context) avoids the Python loop).
    raise NotImplementedError("torch-25: get_batch is not written yet")


def train_lm(
    model: nn.Module,
    data: torch.Tensor,
    *,
    steps: int,
    batch_size: int = 32,
    context: int | None = None,
    lr: float = 3e-3,
    seed: int = 0,
) -> list[float]:
    """Train ``model`` to predict the next token of ``data``; return the loss of every step.

    The loop, exactly:

    - ``generator = torch.Generator().manual_seed(seed)`` for the batches
      (the model's initial weights are the caller's business);
    - ``optimizer = torch.optim.AdamW(model.parameters(), lr=lr)`` (defaults
      otherwise);
    - ``model.train()``; then ``steps`` times: ``x, y = get_batch(data,
      batch_size, context, generator)``, ``logits = model(x)`` of shape
      ``(B, T, V)``, ``loss = F.cross_entropy(logits.reshape(-1, V),
      y.reshape(-1))`` (mean over all ``B * T`` positions, in nats),
      zero the gradients, ``loss.backward()``, ``optimizer.step()``, record
      ``loss.item()``;
    - ``model.eval()`` at the end.

    Args:
        model: maps ``(B, T)`` int64 ids to ``(B, T, V)`` logits and has a
            ``context`` attribute.
        data: 1-D int64 token ids.
        steps: optimisation steps, ``>= 0``.
        batch_size: windows per step.
        context: window length; ``None`` means ``model.context``.
        lr: AdamW's learning rate.
        seed: seed of the batch generator.

    Returns:
        a list of ``steps`` Python floats: the training loss of each step,
        measured before that step's update.

    Raises:
        ValueError: ``steps < 0`` (and whatever ``get_batch`` raises).

    Example:
        >>> torch.manual_seed(0)
        >>> model = TinyCharModel(d_model=32, n_heads=2)
        >>> losses = train_lm(model, encode("abcd" * 100), steps=60, batch_size=8)
        >>> losses[0] > 5.0, losses[-1] < 0.5
        (True, True)

    Edge cases the tests try: ``steps`` 0 (no update, empty list), one step
    matching a hand-written step bit for bit, a short run matching a
    hand-written loop, the same seed twice, gradients reset every step, the
    model left in eval mode, and (marked slow) the stdlib corpus falling
    below 2.0 nats per byte in 600 steps.
    """
    # TODO: follow the recipe above exactly (the tests replay it); use
    # optimizer.zero_grad() every step, otherwise gradients accumulate.
    raise NotImplementedError("torch-25: train_lm is not written yet")


def generate(
    model: nn.Module,
    prompt: torch.Tensor,
    n: int,
    *,
    temperature: float = 1.0,
    seed: int = 0,
) -> torch.Tensor:
    """Continue ``prompt`` by ``n`` tokens, one at a time.

    At each step the model sees the last ``model.context`` tokens (fewer at
    the start), and only the logits of the *last* position are used:

    - ``temperature == 0``: greedy decoding, the ``argmax`` (ties: the lowest id);
    - ``temperature > 0``: sample from ``softmax(logits / temperature)`` with
      ``torch.multinomial(..., generator=g)``, where ``g`` is a
      ``torch.Generator`` on the model's device seeded with ``seed``.

    The same ``seed`` gives the same tokens, and torch's global random state
    is left untouched. The model runs in eval mode under ``torch.no_grad()``;
    its previous mode (train or eval) is restored afterwards.

    Args:
        model: maps ``(1, T)`` ids to ``(1, T, V)`` logits; has ``context``.
        prompt: 1-D int64 ids, at least one token.
        n: tokens to add, ``>= 0``.
        temperature: ``>= 0``; small values approach greedy decoding.
        seed: seed of the sampling generator.

    Returns:
        a 1-D int64 tensor: ``prompt`` followed by the ``n`` new tokens.

    Raises:
        ValueError: an empty prompt, ``n < 0`` or ``temperature < 0``.

    Example:
        >>> torch.manual_seed(0)
        >>> model = TinyCharModel(d_model=32, n_heads=2)
        >>> _ = train_lm(model, encode("abcd" * 100), steps=60, batch_size=8)
        >>> decode(generate(model, encode("ab"), 10, temperature=0))
        'abcdabcdabcd'

    Edge cases the tests try: ``n`` 0, a prompt longer than the context,
    temperature 0 and 1e-4 (both greedy), sample frequencies against
    ``softmax(logits / T)`` at temperatures 1 and 2, the same and different
    seeds, the global RNG untouched, the model's mode restored.
    """
    # TODO: validate; g = torch.Generator(device=...).manual_seed(seed);
    # loop n times: crop to the last model.context tokens, take logits[0, -1],
    # pick greedily or sample, append. Remember eval(), no_grad() and
    # restoring the mode.
    raise NotImplementedError("torch-25: generate is not written yet")


if __name__ == "__main__":
    import time

    data = encode(build_corpus())
    print(f"corpus: {len(data):,} bytes")
    torch.manual_seed(0)
    model = TinyCharModel()
    start = time.perf_counter()
    losses = train_lm(model, data, steps=600, batch_size=32, lr=1e-2)
    print(f"600 steps in {time.perf_counter() - start:.1f} s; loss {losses[0]:.2f} -> {sum(losses[-50:]) / 50:.2f} nats/byte")
    print(decode(generate(model, encode("Return the "), 200, temperature=0.8, seed=1)))
