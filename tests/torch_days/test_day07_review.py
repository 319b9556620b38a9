"""Grading torch-07: run_shape and shape_cheatsheet.

Oracle: every expression is run again here on real CPU tensors (with data,
not ``meta``), and the result is formatted by the rules in the docstring;
``torch.broadcast_shapes`` for random broadcasting rows (Hypothesis).
"""

from __future__ import annotations

import ast
import math
import re

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-07")

HEADER = ["| operation | input shapes | output shape |", "| --- | --- | --- |"]
ROW = re.compile(r"^\| `(?P<expr>[^`]+)` \| (?P<inputs>.*) \| (?P<output>.+) \|$")
CPU_LIMIT = 10**6  # elements per input the oracle is willing to allocate


def _cpu_run(expr: str, shapes: dict[str, tuple[int, ...]]):
    """The oracle: run ``expr`` on real CPU tensors; the output shape(s), or the exception."""
    tensors = {}
    for name, shape in shapes.items():
        if math.prod(shape) > CPU_LIMIT:
            pytest.fail(f"the row `{expr}` uses {name} of shape {shape}: keep cheat-sheet inputs under {CPU_LIMIT} elements")
        dtype = torch.int64 if name.startswith("idx") else torch.float32
        tensors[name] = torch.zeros(shape, dtype=dtype)
    try:
        out = eval(expr, {"__builtins__": {}, "torch": torch, "F": F}, tensors)  # noqa: S307 - test-authored or learner-authored rows
    except Exception as err:  # noqa: BLE001 - the error is the answer
        return err
    if isinstance(out, torch.Tensor):
        return tuple(out.shape)
    return tuple(tuple(o.shape) for o in out)


def _cell(expected) -> str:
    return f"error: {type(expected).__name__}" if isinstance(expected, BaseException) else repr(expected)


def _inputs_cell(shapes) -> str:
    return ", ".join(f"{name}: {tuple(shape)!r}" for name, shape in shapes.items())


# ---------------------------------------------------------------- run_shape

RUN_CASES = [
    ("x @ y", {"x": (2, 3, 4), "y": (4, 5)}),
    ("x.view(6, 4)", {"x": (2, 3, 4)}),
    ("x.permute(2, 0, 1).reshape(4, -1)", {"x": (2, 3, 4)}),
    ("x - y", {"x": (5,), "y": (5, 1)}),
    ("x.sum(dim=-1, keepdim=True)", {"x": (3, 7)}),
    ("x.sum()", {"x": (3, 7)}),
    ("torch.einsum('bij,bjk->bik', x, y)", {"x": (8, 2, 3), "y": (8, 3, 4)}),
    ("x.gather(1, idx)", {"x": (2, 5), "idx": (2, 3)}),
    ("x[idx]", {"x": (5, 3), "idx": (2, 4)}),  # only works if idx is an int64 tensor
    ("F.one_hot(idx, 6)", {"idx": (4,)}),
    ("torch.cat([x, y], dim=1)", {"x": (2, 3), "y": (2, 5)}),
    ("x.split(2, dim=1)", {"x": (2, 5)}),  # several outputs
    ("x.max(dim=0)", {"x": (4, 3)}),  # (values, indices)
    ("x.chunk(2)", {"x": (6,)}),
    ("x[None]", {"x": ()}),  # a 0-d input
]


@pytest.mark.parametrize("expr,shapes", RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_run_shape_matches_running_on_the_cpu(ex, expr, shapes):
    expected = _cpu_run(expr, shapes)
    call = f"run_shape({expr!r}, {shapes!r})"
    got = ex.run_shape(expr, shapes)
    expect_equal(got, expected, call=call,
                 hint="a tensor result gives tuple(out.shape); a tuple/list of tensors gives a tuple of shapes; names starting with 'idx' are int64")


def test_run_shape_uses_meta_tensors_by_default(ex):
    shapes = {"x": (10**7, 10**7)}  # 4 * 10**14 bytes: only a meta tensor can have this shape
    got = ex.run_shape("x.sum(dim=0, keepdim=True)", shapes)
    expect_equal(got, (1, 10**7), call=f"run_shape('x.sum(dim=0, keepdim=True)', {shapes})",
                 hint="create the inputs with device='meta' by default: shapes without memory")


def test_run_shape_honours_the_device_argument(ex):
    got = ex.run_shape("x.t()", {"x": (2, 3)}, device="cpu")
    expect_equal(got, (3, 2), call="run_shape('x.t()', {'x': (2, 3)}, device='cpu')")


@pytest.mark.parametrize(
    "expr,shapes,error",
    [
        ("x.t().view(-1)", {"x": (2, 3)}, RuntimeError),
        ("x @ y", {"x": (2, 3), "y": (4, 5)}, RuntimeError),
        ("x + y", {"x": (2, 3), "y": (4,)}, RuntimeError),
        ("x[5]", {"x": (3,)}, IndexError),
    ],
)
def test_run_shape_lets_errors_through(ex, expr, shapes, error):
    assert isinstance(_cpu_run(expr, shapes), error)  # guards the table: torch raises this on the CPU too
    err = expect_raises(error, lambda: ex.run_shape(expr, shapes), call=f"run_shape({expr!r}, {shapes!r})",
                        hint="do not catch the exception in run_shape: shape_cheatsheet decides what to do with it")
    # NotImplementedError is a RuntimeError: an unwritten run_shape must not pass for one that lets torch's error through
    expect_true(not isinstance(err, NotImplementedError), message=f"run_shape({expr!r}, {shapes!r}) raised {err!r}",
                hint="run_shape is not written yet")


@pytest.mark.parametrize("expr", ["x.dim()", "x.shape", "x.numel()"])
def test_run_shape_rejects_non_tensor_results(ex, expr):
    expect_raises(TypeError, lambda: ex.run_shape(expr, {"x": (2, 3)}), call=f"run_shape({expr!r}, {{'x': (2, 3)}})",
                  hint="only a tensor or a tuple/list of tensors has an output shape")


# ---------------------------------------------------------------- shape_cheatsheet


def _parse(table: str, call: str) -> list[tuple[str, str, str]]:
    expect_true(isinstance(table, str), message=f"{call} should return a str, got {type(table).__name__}")
    lines = table.split("\n")
    expect_equal(lines[:2], HEADER, call=f"the first two lines of {call}", hint="the header and the '| --- |' separator, exactly")
    rows = []
    for line in lines[2:]:
        m = ROW.match(line)
        expect_true(m is not None, message=f"{call}: the line {line!r} is not a row '| `expr` | inputs | output |'")
        rows.append((m["expr"], m["inputs"], m["output"]))
    return rows


def _shapes_of(inputs: str) -> dict[str, tuple[int, ...]]:
    return {name: ast.literal_eval(shape) for name, shape in re.findall(r"(\w+): (\([^)]*\))", inputs)}


REQUIRED = [".reshape(", ".permute(", ".unsqueeze(", ".squeeze(", ".expand(", ".flatten(", "keepdim=True",
            "torch.cat(", "torch.stack(", ".gather(", "torch.einsum(", "@", "None"]


def test_default_cheatsheet_is_true_and_complete(ex):
    rows = _parse(ex.shape_cheatsheet(), "shape_cheatsheet()")
    expect_true(len(rows) >= 20, message=f"shape_cheatsheet() has {len(rows)} rows; the cheat sheet needs at least 20",
                hint="extend CHEATSHEET_OPS")
    for expr, inputs, output in rows:
        shapes = _shapes_of(inputs)
        expected = _cell(_cpu_run(expr, shapes))
        expect_equal(output, expected, call=f"the output column of the row `{expr}` with {inputs}",
                     hint="run the expression (run_shape) and write repr(shape) or 'error: ExceptionName'")
    ops = " ".join(expr for expr, _, _ in rows)
    missing = [token for token in REQUIRED if token not in ops]
    expect_true(not missing, message=f"the default cheat sheet has no row using {', '.join(missing)}",
                hint="add rows to CHEATSHEET_OPS for each operation family of days 2-6")
    expect_true(any(out.startswith("error: ") for _, _, out in rows),
                message="the default cheat sheet has no row that raises (e.g. `x.t().view(-1)`)")
    expect_true(any(out.startswith("((") for _, _, out in rows),
                message="the default cheat sheet has no row with several outputs (e.g. `x.split(2, dim=1)`)")


CUSTOM = [
    ("x.transpose(-1, -2)", {"x": (7, 2, 9)}),
    ("x * y", {"x": (4, 1, 3), "y": (5, 1)}),
    ("x.view(-1)", {"x": ()}),
    ("x.reshape(3, 3)", {"x": (8,)}),
    ("x.gather(0, idx)", {"x": (6,), "idx": (2,)}),
    ("x.chunk(3, dim=-1)", {"x": (2, 7)}),
    ("x @ y", {"x": (3,), "y": (3,)}),
]


def test_cheatsheet_of_given_rows_matches_the_format_exactly(ex):
    expected = "\n".join(HEADER + [f"| `{expr}` | {_inputs_cell(shapes)} | {_cell(_cpu_run(expr, shapes))} |" for expr, shapes in CUSTOM])
    got = ex.shape_cheatsheet(CUSTOM)
    expect_equal(got, expected, call="shape_cheatsheet(<7 rows: transpose, broadcasting, 0-d view, a bad reshape, gather, chunk, dot>)",
                 hint="'name: (shape)' joined by ', '; output repr(shape) or 'error: ExceptionName'; lines joined by '\\n', no trailing newline")


def test_cheatsheet_of_no_rows_is_the_header(ex):
    expect_equal(ex.shape_cheatsheet([]), "\n".join(HEADER), call="shape_cheatsheet([])", hint="an empty list is not None: header only")


def test_cheatsheet_refuses_a_pipe(ex):
    expect_raises(ValueError, lambda: ex.shape_cheatsheet([("x | y", {"x": (2,), "y": (2,)})]), call="shape_cheatsheet([('x | y', ...)])",
                  hint="a '|' inside a cell would split the Markdown row")


shape = st.lists(st.sampled_from([1, 2, 3]), max_size=3).map(tuple)


@given(shape, shape, st.sampled_from(["+", "*", "-"]))
def test_cheatsheet_broadcasting_rows(ex, xs, ys, op):
    expr = f"x {op} y"
    try:
        expected = repr(tuple(torch.broadcast_shapes(xs, ys)))
    except RuntimeError:
        expected = "error: RuntimeError"
    rows = _parse(ex.shape_cheatsheet([(expr, {"x": xs, "y": ys})]), f"shape_cheatsheet([({expr!r}, {{'x': {xs}, 'y': {ys}}})])")
    expect_equal(rows[0][2], expected, call=f"output of `{expr}` with x: {xs}, y: {ys}", hint="broadcasting: right-align, 1 stretches")
