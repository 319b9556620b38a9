"""sys-02: profiling a training step with ``torch.profiler`` and attributing its time.

- ``labelled_attention``: scaled dot-product attention with ``record_function``
  labels around its three parts (scores, softmax, weighted values);
- ``attention_labels``: swaps it into the attention module for a while;
- ``profile_training_step``: one warm-up step, then one profiled step with
  ``forward`` / ``backward`` / ``optimizer_step`` labels, optionally exported
  as a Chrome trace (open it in ``chrome://tracing`` or ui.perfetto.dev);
- ``events_from_profile``: every profiled event with its self time and the
  names of the events around it;
- ``categorize`` / ``attribute_self_time``: self time split into attention
  matmuls, other matmuls, softmax and the rest.

In scope: CPU activities (and CUDA kernels when the inputs are on a GPU), the
operator table, labels, attribution by operator name and label. Out of scope:
memory profiling, ``schedule=`` for long runs, NVTX / Nsight Systems.

Run the demo (prints the operator table and the attribution):
    .venv/bin/python -m cs336.sys02_profiling
"""

from __future__ import annotations

import contextlib
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile, record_function

import cs336.mha as mha
from cs336.attention import softmax
from cs336.cross_entropy import cross_entropy
from cs336.transformer_lm import TransformerLM

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

PHASE_LABELS = ("forward", "backward", "optimizer_step")
ATTENTION_LABELS = ("attn_scores", "attn_softmax", "attn_values")
CATEGORIES = ("attention_matmul", "other_matmul", "softmax", "other")

# Operator names (as the profiler shows them) that are matrix products, and built-in softmaxes.
MATMUL_OPS = frozenset({"aten::mm", "aten::bmm", "aten::matmul", "aten::addmm", "aten::baddbmm",
                        "aten::linear", "aten::einsum", "aten::_scaled_mm"})
SOFTMAX_OPS = frozenset({"aten::softmax", "aten::_softmax", "aten::_softmax_backward_data",
                         "aten::log_softmax", "aten::_log_softmax", "aten::_log_softmax_backward_data"})


@dataclass(frozen=True)
class OpEvent:
    """One profiled event: its name, its self time, and the names of the events that enclose it.

    ``scopes`` lists the enclosing events outermost first, e.g. ``aten::bmm``
    called from ``aten::matmul`` inside the label ``attn_scores`` inside
    ``forward`` has ``scopes == ("forward", "attn_scores", "aten::matmul")``.
    """

    name: str
    self_us: float
    scopes: tuple[str, ...] = ()


def labelled_attention(Q: torch.Tensor, K: torch.Tensor, V: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """``softmax(Q K^T / sqrt(d_k)) V`` (as in cs336-08), with a profiler label around each part.

    ``Q K^T / sqrt(d_k)`` and the masking run inside ``record_function("attn_scores")``,
    the softmax inside ``record_function("attn_softmax")``, ``weights @ V``
    inside ``record_function("attn_values")``. Shapes and mask convention as
    ``scaled_dot_product_attention`` (``mask`` True = may attend).

    Example:
        >>> Q = torch.randn(2, 4, 8)
        >>> labelled_attention(Q, Q, Q).shape
        torch.Size([2, 4, 8])

    Edge cases the tests try: agreement with ``F.scaled_dot_product_attention``
    with and without a causal mask, the three labels in a profile.
    """
    # TODO: three `with record_function(...)` blocks; use the softmax from cs336-08 (imported above).
    raise NotImplementedError("sys-02: labelled_attention is not written yet")


@contextlib.contextmanager
def attention_labels(module: ModuleType = mha) -> Iterator[None]:
    """Inside the block, ``module.scaled_dot_product_attention`` is ``labelled_attention``.

    The multi-head attention of cs336-09 calls the module-level name
    ``scaled_dot_product_attention``; replacing that global (monkeypatching)
    labels every layer without touching the model. The original function is
    put back on exit, also when the block raises.

    Example:
        >>> with attention_labels(mha):
        ...     mha.scaled_dot_product_attention is labelled_attention
        True

    Edge cases the tests try: the original restored afterwards, restored after an exception.
    """
    # TODO: remember the original, assign labelled_attention, yield inside try/finally, restore.
    raise NotImplementedError("sys-02: attention_labels is not written yet")


def profile_training_step(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    *,
    attention_module: ModuleType = mha,
    trace_path: str | Path | None = None,
) -> profile:
    """Run one warm-up training step, then profile one more; return the finished profiler.

    Both steps run inside ``attention_labels(attention_module)``. The profiled
    step is::

        optimizer.zero_grad(set_to_none=True)
        with record_function("forward"):        loss = loss_fn(model(inputs), targets)
        with record_function("backward"):       loss.backward()
        with record_function("optimizer_step"): optimizer.step()

    Activities: ``ProfilerActivity.CPU``, plus ``ProfilerActivity.CUDA`` when
    ``inputs`` is on a CUDA device.

    Args:
        attention_module: the module whose ``scaled_dot_product_attention`` the model calls.
        trace_path: if given, ``prof.export_chrome_trace(str(trace_path))`` (JSON).

    Returns:
        The ``torch.profiler.profile`` object; ``prof.key_averages()`` is the operator table.

    Example:
        >>> lm = TransformerLM(100, 16, 32, 2, 4, 64, 10000.0)
        >>> x = torch.randint(0, 100, (4, 16))
        >>> prof = profile_training_step(lm, x, x, cross_entropy, torch.optim.SGD(lm.parameters(), lr=0.1))
        >>> "attn_softmax" in {e.key for e in prof.key_averages()}
        True

    Edge cases the tests try: the trace file parses as JSON with the phase
    labels, each attention label appears once per layer, the optimizer step
    really ran, the original attention is restored.
    """
    # TODO: warm-up step (not profiled), then `with profile(activities=...) as prof:` around the
    # labelled step; export the trace if asked. Keep the whole thing inside attention_labels(...).
    raise NotImplementedError("sys-02: profile_training_step is not written yet")


def events_from_profile(prof: profile) -> list[OpEvent]:
    """Every event of ``prof.events()`` as an ``OpEvent`` (name, CPU self time in microseconds, enclosing names).

    The enclosing names come from following ``event.cpu_parent`` up to the
    top, then reversing (outermost first). The self times add up to the
    operator table's total: ``sum(e.self_cpu_time_total for e in prof.key_averages())``.

    Example:
        >>> [e for e in events_from_profile(prof) if e.name == "aten::bmm"][0].scopes[:2]
        ('forward', 'attn_scores')

    Edge cases the tests try: the set of names equals the operator table's,
    the total self time matches it, labels show up in the scopes of the ops they enclose.
    """
    # TODO: for evt in prof.events(): walk evt.cpu_parent; OpEvent(evt.name, evt.self_cpu_time_total, scopes).
    raise NotImplementedError("sys-02: events_from_profile is not written yet")


def categorize(event: OpEvent) -> str:
    """The category of one event, one of ``CATEGORIES``; the first rule that matches wins:

    1. ``"attention_matmul"``: a matrix product (name in ``MATMUL_OPS``) that is
       inside ``attn_scores`` or ``attn_values`` (in ``scopes``), or is
       ``aten::bmm`` anywhere (in this LM every batched product is attention's:
       its linear layers fold the batch into ``aten::mm``; this also catches the
       ``aten::bmm`` calls of attention's backward, which no label reaches);
    2. ``"other_matmul"``: any other matrix product;
    3. ``"softmax"``: a built-in softmax (name in ``SOFTMAX_OPS``), or anything
       named ``attn_softmax`` or inside it (the hand-written exp/sum/div);
    4. ``"other"``: everything else (element-wise ops, copies, labels' own overhead).

    Example:
        >>> categorize(OpEvent("aten::mm", 5.0, ("forward", "attn_scores", "aten::matmul")))
        'attention_matmul'
        >>> categorize(OpEvent("aten::exp", 1.0, ("forward", "attn_softmax")))
        'softmax'

    Edge cases the tests try: each rule on hand-made events, a matmul inside
    ``attn_softmax`` (rule 1 before 3), ``aten::bmm`` with no scopes, label
    events themselves, a name that merely contains a matmul's name
    (``aten::mm_helper`` is not ``aten::mm``: compare exact names).
    """
    # TODO: compare exact names (set membership), not substrings; apply the rules in order.
    raise NotImplementedError("sys-02: categorize is not written yet")


def attribute_self_time(events: Iterable[OpEvent]) -> dict[str, float]:
    """Total self time (microseconds) per category; every key of ``CATEGORIES`` is present.

    Since each microsecond is some event's self time exactly once, the values
    add up to the total self time of the profile.

    Example:
        >>> attribute_self_time([OpEvent("aten::mm", 3.0), OpEvent("aten::bmm", 2.0), OpEvent("aten::add", 1.0)])
        {'attention_matmul': 2.0, 'other_matmul': 3.0, 'softmax': 0.0, 'other': 1.0}

    Edge cases the tests try: no events (all zeros), one category only, a real profile.
    """
    # TODO: start from {c: 0.0 for c in CATEGORIES}; add each event's self_us under categorize(event).
    raise NotImplementedError("sys-02: attribute_self_time is not written yet")


if __name__ == "__main__":
    torch.manual_seed(0)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    lm = TransformerLM(1000, 128, 128, 4, 4, 512, 10000.0, device=device)
    x = torch.randint(0, 1000, (4, 128), device=device)
    trace = Path(tempfile.gettempdir()) / "sys02_trace.json"
    prof = profile_training_step(lm, x, x, cross_entropy, torch.optim.AdamW(lm.parameters()), trace_path=trace)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))
    shares = attribute_self_time(events_from_profile(prof))
    total = sum(shares.values())
    for name, us in shares.items():
        print(f"{name:18s} {us / 1e3:8.2f} ms  {100 * us / total:5.1f} %")
    print(f"Chrome trace written to {trace} (open it in ui.perfetto.dev)")
