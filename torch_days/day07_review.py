"""Day 7: review — a shape cheat sheet that checks itself.

A cheat sheet written by hand goes stale or is wrong from the start. This one
is generated: every row is an expression that is actually run, on ``meta``
tensors (shapes and strides, no data, no memory), and the output column is
what torch answered, errors included.

- ``run_shape``: evaluate one expression on tensors of given shapes and
  return the output shape(s);
- ``shape_cheatsheet``: a Markdown table ``operation | input shapes | output
  shape`` for a list of expressions (by default ``CHEATSHEET_OPS``).

``CHEATSHEET_OPS`` is your cheat sheet: extend it with the operations of
days 1-6 (see the TODO below for what the tests require).

Run the demo: .venv/bin/python -m torch_days.day07_review
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

Shapes = dict[str, tuple[int, ...]]

# (expression, {name: shape}). Names starting with "idx" are int64 index
# tensors (all zeros, so any gather/index is valid); all others are float32.
CHEATSHEET_OPS: list[tuple[str, Shapes]] = [
    ("x.view(6, 4)", {"x": (2, 3, 4)}),
    ("x.transpose(0, 1)", {"x": (2, 3, 4)}),
    ("x - y", {"x": (5,), "y": (5, 1)}),  # the silent (N,) vs (N, 1) broadcast
]
# TODO: extend CHEATSHEET_OPS to at least 20 rows covering: .reshape( .permute(
# .unsqueeze( .squeeze( .expand( .flatten( keepdim=True torch.cat( torch.stack(
# .gather( torch.einsum( @ and None-indexing (x[:, None]), plus at least one
# expression that raises (e.g. .view on a transposed tensor) and one that
# returns several tensors (.split, .chunk or .max(dim=...)).


def run_shape(expr: str, shapes: Shapes, *, device: str | torch.device = "meta") -> tuple:
    """Run ``expr`` on tensors of the given shapes and return the output shape(s).

    Each name in ``shapes`` becomes a tensor of that shape on ``device``:
    ``torch.int64`` zeros if the name starts with ``"idx"`` (valid indices for
    ``gather``/indexing), ``torch.float32`` zeros otherwise. ``expr`` is then
    evaluated with those names plus ``torch`` and ``F``
    (``torch.nn.functional``) in scope, and nothing else.

    On the default ``meta`` device no memory is allocated, so huge shapes are
    free; the shape checks torch does are the same as on the CPU.

    Args:
        expr: a Python expression, e.g. ``"x @ y"`` or ``"x.split(2, dim=1)"``.
        shapes: the input names and their shapes.
        device: where to create the inputs.

    Returns:
        ``tuple(out.shape)`` (a tuple of ints) for a tensor result; a tuple of
        such shapes for a tuple or list of tensors (``.split``, ``.max(dim=...)``).

    Raises:
        whatever the expression raises (``RuntimeError`` for incompatible
        shapes, ``IndexError``, ...), unchanged;
        TypeError: the result is not a tensor or a sequence of tensors.

    Example:
        >>> run_shape("x @ y", {"x": (2, 3, 4), "y": (4, 5)})
        (2, 3, 5)
        >>> run_shape("x.split(2, dim=1)", {"x": (2, 5)})
        ((2, 2), (2, 2), (2, 1))
        >>> run_shape("x.sum()", {"x": (100_000, 100_000)})   # 10**10 elements, on meta: free
        ()

    Edge cases the tests try: views, broadcasting, reductions, matmul,
    einsum, gather with an ``idx`` tensor, multi-output ops, errors raised
    unchanged, a result that is not a tensor (``x.dim()``), huge shapes.
    """
    # TODO: build the tensors with torch.zeros(shape, dtype=..., device=device),
    # eval(expr, {"__builtins__": {}, "torch": torch, "F": F}, tensors), then
    # turn the result into shape tuples.
    raise NotImplementedError("torch-07: run_shape is not written yet")


def shape_cheatsheet(ops: list[tuple[str, Shapes]] | None = None) -> str:
    """A Markdown table with one row per ``(expression, shapes)``, computed with ``run_shape``.

    The exact format (the tests parse it)::

        | operation | input shapes | output shape |
        | --- | --- | --- |
        | `x.view(6, 4)` | x: (2, 3, 4) | (6, 4) |
        | `x - y` | x: (5,), y: (5, 1) | (5, 5) |
        | `x.t().view(-1)` | x: (2, 3) | error: RuntimeError |

    - operation: the expression in backticks;
    - input shapes: ``name: shape`` in the order of the dict, joined by
      ``", "``; a shape is written as Python writes a tuple (``(5,)``, ``()``);
    - output shape: ``repr`` of what ``run_shape`` returns, or
      ``error: <exception class name>`` if it raises.

    Lines are joined with ``"\\n"``; there is no trailing newline.

    Args:
        ops: the rows; ``None`` means ``CHEATSHEET_OPS``.

    Returns:
        the table as one string.

    Raises:
        ValueError: an expression contains ``|``, which would break the table.

    Edge cases the tests try: the default rows (at least 20, covering the
    operations listed in the TODO, each checked by running it on the CPU),
    your own rows with random broadcasting shapes, error rows, multi-output
    rows, 0-d and 1-d shapes, an empty list (header only), a ``|`` in an
    expression.
    """
    # TODO: a header, a separator, then one row per op; catch exceptions from
    # run_shape and write "error: " + type(err).__name__.
    raise NotImplementedError("torch-07: shape_cheatsheet is not written yet")


if __name__ == "__main__":
    print(shape_cheatsheet())
