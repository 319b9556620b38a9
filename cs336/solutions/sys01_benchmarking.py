"""sys-01: benchmarking a training step done right (time, FLOPs, memory).

- ``summarize``: median, quartiles, min and max of a list of timings;
- ``make_sync``: ``torch.cuda.synchronize`` on a CUDA device, a no-op elsewhere;
- ``time_training_step``: forward (model + loss), backward and optimizer step
  timed separately, after warm-up steps, with a sync before every clock read;
- ``lm_parameter_count`` / ``lm_forward_flops``: the Transformer LM's size and
  the matrix-multiply FLOPs of one forward pass, counted by hand;
- ``saved_activation_bytes``: the bytes autograd keeps alive for backward
  (measured with ``saved_tensors_hooks``, works on CPU);
- ``peak_memory_by_phase``: CUDA peak memory per phase
  (``torch.cuda.reset_peak_memory_stats`` / ``max_memory_allocated``).

In scope: honest measurement of one training step. Out of scope: the
profiler (sys-02), mixed precision (sys-03), plots and result files (the
benchmarks do that).

Run the demo (times three model sizes on this machine):
    .venv/bin/python -m cs336.sys01_benchmarking
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from cs336.solutions.cross_entropy import cross_entropy
from cs336.solutions.transformer_lm import TransformerLM

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Stats:
    """Summary of repeated measurements (seconds, or any unit the samples use).

    ``q1`` / ``q3`` are the quartiles of ``statistics.quantiles(samples, n=4,
    method="inclusive")``; with one sample every field equals that sample.
    """

    samples: tuple[float, ...]
    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float

    @property
    def iqr(self) -> float:
        """Interquartile range ``q3 - q1``: the spread of the middle half."""
        return self.q3 - self.q1


@dataclass(frozen=True)
class StepTiming:
    """Per-phase timings of a training step; each field holds ``repeats`` samples."""

    forward: Stats  # model(inputs) and loss_fn(logits, targets)
    backward: Stats  # loss.backward()
    optimizer: Stats  # optimizer.step()


def summarize(samples: Sequence[float]) -> Stats:
    """Median, quartiles, min and max of ``samples`` (kept as a tuple, in order).

    Example:
        >>> s = summarize([3.0, 1.0, 2.0, 10.0])
        >>> s.median, s.q1, s.q3, s.minimum, s.maximum
        (2.5, 1.75, 4.75, 1.0, 10.0)

    Raises:
        ValueError: ``samples`` is empty.

    Edge cases the tests try: one sample (iqr 0), two samples, duplicates,
    an outlier (the median ignores it, the mean would not), unsorted input.
    """
    # TODO: statistics.median for the median; statistics.quantiles(samples, n=4, method="inclusive")
    # gives [q1, median, q3] (it needs at least two samples: one sample has q1 = q3 = that sample).
    # BEGIN SOLUTION
    values = tuple(float(s) for s in samples)
    if not values:
        raise ValueError("summarize needs at least one sample; did you run zero repeats?")
    if len(values) == 1:
        q1 = q3 = values[0]
    else:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Stats(values, statistics.median(values), q1, q3, min(values), max(values))
    # END SOLUTION


def make_sync(device: torch.device | str) -> Callable[[], None]:
    """A function that waits for the device's queued work: ``torch.cuda.synchronize`` on CUDA, a no-op elsewhere.

    CUDA kernels run asynchronously: ``y = a @ b`` returns as soon as the
    kernel is queued. A clock read without a sync measures the launch, not
    the work.

    Example:
        >>> make_sync("cpu")()          # does nothing
        >>> make_sync("cuda:0")         # a function calling torch.cuda.synchronize(device)

    Edge cases the tests try: ``"cpu"``, ``torch.device("cpu")``, ``"cuda"``
    and ``"cuda:0"`` (with ``torch.cuda.synchronize`` replaced by a recorder).
    """
    # TODO: torch.device(device).type == "cuda" -> a function calling torch.cuda.synchronize(device);
    # anything else -> a function that does nothing. Look up torch.cuda.synchronize when it is called.
    # BEGIN SOLUTION
    device = torch.device(device)
    if device.type == "cuda":
        def sync() -> None:
            torch.cuda.synchronize(device)
        return sync
    return lambda: None
    # END SOLUTION


def time_training_step(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    *,
    warmup: int = 2,
    repeats: int = 5,
    clock: Callable[[], float] = time.perf_counter,
    sync: Callable[[], None] | None = None,
) -> StepTiming:
    """Time ``warmup + repeats`` training steps; summarise the last ``repeats``, phase by phase.

    One step is::

        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(inputs), targets)      # forward phase
        loss.backward()                             # backward phase
        optimizer.step()                            # optimizer phase

    Every clock read is immediately preceded by ``sync()``, so each phase's
    time covers its own work and nothing else (the backward time must not
    include the forward). Warm-up steps run the same code but are not
    recorded (the first steps pay for allocation, kernel selection, caches).

    Args:
        model, inputs, targets, loss_fn, optimizer: the workload.
        warmup: steps run and discarded, ``>= 0``.
        repeats: steps recorded, ``>= 1``.
        clock: returns seconds; the tests pass a fake one.
        sync: waits for the device; default ``make_sync(inputs.device)``.

    Returns:
        A ``StepTiming`` whose three ``Stats`` each hold ``repeats`` samples, in step order.

    Raises:
        ValueError: ``warmup < 0`` or ``repeats < 1``.

    Example:
        >>> lm = TransformerLM(100, 16, 32, 2, 4, 64, 10000.0)
        >>> x = torch.randint(0, 100, (4, 16))
        >>> t = time_training_step(lm, x, x, cross_entropy, torch.optim.SGD(lm.parameters(), lr=0.1))
        >>> len(t.forward.samples)
        5

    Edge cases the tests try: warm-up steps that are much slower (excluded),
    ``warmup=0``, ``repeats=1``, phases of different known durations (a fake
    clock), the order of sync and clock calls, invalid counts.
    """
    # TODO: validate the counts; default sync = make_sync(inputs.device). For each step: zero_grad,
    # then sync(); clock() around each phase. Keep samples only for steps >= warmup; summarize each phase.
    # BEGIN SOLUTION
    if warmup < 0 or repeats < 1:
        raise ValueError(f"need warmup >= 0 and repeats >= 1, got warmup={warmup}, repeats={repeats}")
    if sync is None:
        sync = make_sync(inputs.device)

    def now() -> float:
        sync()  # wait for queued work before reading the clock
        return clock()

    phases: dict[str, list[float]] = {"forward": [], "backward": [], "optimizer": []}
    for step in range(warmup + repeats):
        optimizer.zero_grad(set_to_none=True)
        t0 = now()
        loss = loss_fn(model(inputs), targets)
        t1 = now()
        loss.backward()
        t2 = now()
        optimizer.step()
        t3 = now()
        if step >= warmup:
            phases["forward"].append(t1 - t0)
            phases["backward"].append(t2 - t1)
            phases["optimizer"].append(t3 - t2)
    return StepTiming(*(summarize(phases[name]) for name in ("forward", "backward", "optimizer")))
    # END SOLUTION


def lm_parameter_count(vocab_size: int, d_model: int, num_layers: int, d_ff: int) -> int:
    """Number of parameters of ``TransformerLM`` (cs336-11), counted by hand.

    Embedding and LM head: ``vocab_size * d_model`` each (not tied); per
    block: four ``d_model x d_model`` attention projections, three SwiGLU
    matrices of ``d_model x d_ff``, two RMSNorm gains of ``d_model``; plus the
    final RMSNorm's ``d_model``. RoPE's sin/cos tables are buffers, not parameters.

    Example:
        >>> lm_parameter_count(vocab_size=100, d_model=32, num_layers=2, d_ff=64)
        27040

    Edge cases the tests try: ``num_layers = 1``, ``num_layers = 0`` (embedding,
    final norm and head only), several sizes against ``sum(p.numel())`` of the
    real model.
    """
    # TODO: write the sum from the docstring; do not build a model.
    # BEGIN SOLUTION
    per_block = 4 * d_model * d_model + 3 * d_model * d_ff + 2 * d_model
    return 2 * vocab_size * d_model + num_layers * per_block + d_model
    # END SOLUTION


def lm_forward_flops(vocab_size: int, d_model: int, num_layers: int, d_ff: int, batch: int, seq: int) -> int:
    """Matrix-multiply FLOPs of one ``TransformerLM`` forward pass on ``(batch, seq)`` tokens.

    A product ``(m, k) @ (k, n)`` costs ``2 * m * k * n`` FLOPs (one multiply,
    one add per term). With ``N = batch * seq`` tokens, per block:
    Q, K, V and output projections ``4 * 2 * N * d_model**2``; scores ``Q K^T``
    and ``weights @ V`` ``2 * 2 * batch * seq**2 * d_model`` (all heads
    together); SwiGLU ``3 * 2 * N * d_model * d_ff``. Plus the LM head
    ``2 * N * d_model * vocab_size``. Element-wise work (norms, softmax, RoPE)
    is ignored: it is memory-bound, not FLOP-bound.

    A training step costs about three forward passes (backward ~ 2x forward),
    hence the rule of thumb ``6 * parameters * tokens``.

    Example:
        >>> lm_forward_flops(vocab_size=100, d_model=32, num_layers=2, d_ff=64, batch=4, seq=16)
        3293184

    Edge cases the tests try: ``seq = 1``, ``batch = 1``, ``num_layers = 0``,
    agreement with ``torch.utils.flop_counter.FlopCounterMode`` on the real model.
    """
    # TODO: add up the products listed in the docstring (python ints, no torch).
    # BEGIN SOLUTION
    tokens = batch * seq
    projections = 4 * 2 * tokens * d_model * d_model
    attention = 2 * 2 * batch * seq * seq * d_model
    ffn = 3 * 2 * tokens * d_model * d_ff
    head = 2 * tokens * d_model * vocab_size
    return num_layers * (projections + attention + ffn) + head
    # END SOLUTION


def saved_activation_bytes(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, loss_fn: LossFn) -> int:
    """Bytes that autograd keeps alive for backward after ``loss_fn(model(inputs), targets)``.

    Runs the forward and the loss under ``torch.autograd.graph.saved_tensors_hooks``
    and adds up the storage behind every tensor saved for backward, counting
    each storage once (a tensor saved twice, or two views of one tensor, are
    one allocation: ``t.untyped_storage().nbytes()``, keyed by its
    ``data_ptr()``) and leaving out the model's parameters (they exist whether
    or not you train). This is what a forward pass adds to memory on any
    device; on CUDA, ``peak_memory_by_phase`` measures the allocator instead.

    Example:
        >>> lm = TransformerLM(100, 16, 32, 2, 4, 64, 10000.0)
        >>> x = torch.randint(0, 100, (4, 16))
        >>> saved_activation_bytes(lm, x, x, cross_entropy) > 0
        True

    Edge cases the tests try: a custom ``autograd.Function`` saving tensors of
    known sizes and dtypes, the same tensor saved twice, a view of a saved
    tensor, a saved parameter (not counted), ``torch.no_grad`` inputs (nothing saved).
    """
    # TODO: pack hook records each tensor's storage (data_ptr -> nbytes) and returns the tensor;
    # unpack hook returns it unchanged. Skip storages that belong to model.parameters().
    # BEGIN SOLUTION
    param_ptrs = {p.untyped_storage().data_ptr() for p in model.parameters()}
    storages: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        storage = t.untyped_storage()
        if storage.data_ptr() not in param_ptrs:
            storages[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = loss_fn(model(inputs), targets)
    del loss  # frees the graph and what it saved
    return sum(storages.values())
    # END SOLUTION


def peak_memory_by_phase(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    *,
    device: torch.device | str | None = None,
) -> dict[str, int]:
    """CUDA peak allocated bytes during each phase of one training step.

    For each phase in order ``"forward"`` (model + loss), ``"backward"``,
    ``"optimizer"``: ``torch.cuda.reset_peak_memory_stats(device)`` just
    before it, run it, then read ``torch.cuda.max_memory_allocated(device)``.
    The peak includes everything already allocated (parameters, gradients,
    optimizer state), so the optimizer phase of the first step also shows the
    AdamW moments being created.

    Args:
        device: default ``inputs.device``; must be a CUDA device.

    Returns:
        ``{"forward": bytes, "backward": bytes, "optimizer": bytes}``.

    Raises:
        ValueError: the device is not CUDA (on CPU use ``saved_activation_bytes``).

    Edge cases the tests try: a CPU device (ValueError), the order of resets,
    phases and reads (with the ``torch.cuda`` functions replaced by recorders),
    a real CUDA run where the forward peak covers the saved activations.
    """
    # TODO: check the device type; zero_grad(set_to_none=True); around each phase call
    # torch.cuda.reset_peak_memory_stats(device) before and torch.cuda.max_memory_allocated(device) after.
    # BEGIN SOLUTION
    device = torch.device(device if device is not None else inputs.device)
    if device.type != "cuda":
        raise ValueError(f"peak_memory_by_phase needs a CUDA device, got {device}; "
                         "on CPU measure saved_activation_bytes instead")
    optimizer.zero_grad(set_to_none=True)
    peaks: dict[str, int] = {}
    torch.cuda.reset_peak_memory_stats(device)
    loss = loss_fn(model(inputs), targets)
    peaks["forward"] = torch.cuda.max_memory_allocated(device)
    torch.cuda.reset_peak_memory_stats(device)
    loss.backward()
    peaks["backward"] = torch.cuda.max_memory_allocated(device)
    torch.cuda.reset_peak_memory_stats(device)
    optimizer.step()
    peaks["optimizer"] = torch.cuda.max_memory_allocated(device)
    return peaks
    # END SOLUTION


if __name__ == "__main__":
    torch.manual_seed(0)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    vocab, seq, batch = 1000, 64, 4
    for d_model, layers in ((64, 2), (128, 4), (256, 4)):
        d_ff = 4 * d_model
        lm = TransformerLM(vocab, seq, d_model, layers, max(1, d_model // 64), d_ff, 10000.0, device=device)
        x = torch.randint(0, vocab, (batch, seq), device=device)
        t = time_training_step(lm, x, x, cross_entropy, torch.optim.AdamW(lm.parameters()), warmup=2, repeats=5)
        n = lm_parameter_count(vocab, d_model, layers, d_ff)
        fwd = lm_forward_flops(vocab, d_model, layers, d_ff, batch, seq)
        step = t.forward.median + t.backward.median + t.optimizer.median
        print(f"d_model={d_model:4d} layers={layers} params={n:>9,d} fwd {t.forward.median * 1e3:7.2f} ms "
              f"bwd {t.backward.median * 1e3:7.2f} ms opt {t.optimizer.median * 1e3:6.2f} ms "
              f"~{3 * fwd / step / 1e9:6.2f} GFLOP/s  saved {saved_activation_bytes(lm, x, x, cross_entropy) / 2**20:.1f} MiB")
