"""Grading torch-05: einsum_attention_scores, einsum_outer, einsum_trace, parse_einsum_shape.

Oracles: the explicit versions (``q @ k.transpose(-2, -1) / sqrt(d)``,
broadcasting with ``None``, ``torch.diagonal(...).sum(-1)``, a Python loop)
for values and gradients; ``torch.einsum`` itself, run on ``meta`` tensors, for
the output shape of random equations (Hypothesis) and for which equations are
errors. A wrapper around ``torch.einsum`` counts the calls.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-05")

DEVICES = device_params()
EINSUM = torch.einsum  # the oracle, saved before the tests wrap or hide it
EMPTY = torch.empty


def _randn(*shape: int, seed: int = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.fixture
def einsum_calls(monkeypatch) -> list[str]:
    """Counts the calls to torch.einsum (the equations are recorded)."""
    calls: list[str] = []

    def counting(equation, *operands):
        calls.append(equation)
        return EINSUM(equation, *operands)

    monkeypatch.setattr(torch, "einsum", counting)
    return calls


def _expect_einsum_used(calls: list[str], call: str) -> None:
    expect_true(len(calls) >= 1, message=f"{call} did not call torch.einsum",
                hint="this exercise is about einsum: write the contraction as torch.einsum(\"...\", ...)")


def _check_values_and_grads(got_fn, ref_fn, inputs: list[torch.Tensor], call: str, rtol: float, atol: float) -> None:
    mine = [t.clone().requires_grad_(t.is_floating_point()) for t in inputs]
    ref = [t.clone().requires_grad_(t.is_floating_point()) for t in inputs]
    got = got_fn(*mine)
    expected = ref_fn(*ref)
    expect_close(got.detach(), expected.detach(), what=call, rtol=rtol, atol=atol)
    if not got.is_floating_point() or got.numel() == 0:
        return
    upstream = _randn(*expected.shape, seed=99).to(expected.device)
    (got * upstream).sum().backward()
    (expected * upstream).sum().backward()
    for i, (m, r) in enumerate(zip(mine, ref)):
        expect_true(m.grad is not None, message=f"{call} is not differentiable in input {i}")
        expect_close(m.grad, r.grad, what=f"gradient of sum({call} * upstream) in input {i}", rtol=rtol, atol=atol)


# ---------------------------------------------------------------- einsum_attention_scores

ATTENTION_CASES = [
    ((3, 4), (5, 4)),  # no batch dims
    ((2, 3, 4, 8), (2, 3, 6, 8)),  # (B, H, T, d)
    ((4, 1), (4, 1)),  # d == 1
    ((2, 1, 3, 4), (5, 6, 4)),  # batch dims broadcast to (2, 5)
    ((0, 2, 3, 4), (0, 2, 3, 4)),  # empty batch
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("qs,ks", ATTENTION_CASES)
def test_einsum_attention_scores_matches_matmul(ex, einsum_calls, device, qs, ks):
    q, k = _randn(*qs, seed=1).to(device), _randn(*ks, seed=2).to(device)
    call = f"einsum_attention_scores(<{qs}>, <{ks}>) on {device}"
    _check_values_and_grads(ex.einsum_attention_scores, lambda a, b: a @ b.transpose(-2, -1) / math.sqrt(a.shape[-1]),
                            [q, k], call, rtol=1e-5, atol=1e-5)
    _expect_einsum_used(einsum_calls, call)


def test_einsum_attention_scores_hand_worked(ex, einsum_calls):
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    k = torch.tensor([[1.0, 1.0]])
    expected = torch.tensor([[1.0], [2.0]]) / math.sqrt(2.0)
    expect_close(ex.einsum_attention_scores(q, k), expected, what="einsum_attention_scores([[1, 0], [0, 2]], [[1, 1]])",
                 rtol=1e-6, atol=1e-6, hint="dot products of each query with each key, divided by sqrt(d) = sqrt(2)")


@pytest.mark.parametrize("qs,ks", [((3, 4), (5, 3)), ((4,), (4,)), ((2, 3, 4), (4,))])
def test_einsum_attention_scores_rejects_bad_shapes(ex, einsum_calls, qs, ks):
    expect_raises(ValueError, lambda: ex.einsum_attention_scores(torch.zeros(qs), torch.zeros(ks)),
                  call=f"einsum_attention_scores(<{qs}>, <{ks}>)", hint="q is (*, Tq, d), k is (*, Tk, d), same d")


# ---------------------------------------------------------------- einsum_outer

OUTER_CASES = [((3,), (4,)), ((2, 3), (2, 5)), ((2, 1, 3), (4, 5)), ((1,), (6,)), ((3,), (0,))]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("us,vs", OUTER_CASES)
def test_einsum_outer_matches_broadcasting(ex, einsum_calls, device, us, vs):
    u, v = _randn(*us, seed=3).to(device), _randn(*vs, seed=4).to(device)
    call = f"einsum_outer(<{us}>, <{vs}>) on {device}"
    _check_values_and_grads(ex.einsum_outer, lambda a, b: a[..., :, None] * b[..., None, :], [u, v], call, rtol=1e-6, atol=1e-6)
    _expect_einsum_used(einsum_calls, call)


def test_einsum_outer_on_integers(ex, einsum_calls):
    got = ex.einsum_outer(torch.tensor([1, 2]), torch.tensor([10, 20, 30]))
    expected = torch.tensor([[10, 20, 30], [20, 40, 60]])
    expect_close(got, expected, what="einsum_outer([1, 2], [10, 20, 30])", rtol=0, atol=0, hint="out[i, j] = u[i] * v[j]")


def test_einsum_outer_rejects_scalars(ex, einsum_calls):
    expect_raises(ValueError, lambda: ex.einsum_outer(torch.tensor(2.0), torch.ones(3)), call="einsum_outer(tensor(2.), <(3,)>)",
                  hint="u and v need at least one dim each")


# ---------------------------------------------------------------- einsum_trace

TRACE_CASES = [(4, 4), (3, 5, 5), (2, 2, 3, 3), (1, 1), (2, 0, 0)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape", TRACE_CASES)
def test_einsum_trace_matches_diagonal_sum(ex, einsum_calls, device, shape):
    x = _randn(*shape, seed=5).to(device)
    call = f"einsum_trace(<{shape}>) on {device}"
    _check_values_and_grads(ex.einsum_trace, lambda a: torch.diagonal(a, dim1=-2, dim2=-1).sum(-1), [x], call, rtol=1e-5, atol=1e-6)
    _expect_einsum_used(einsum_calls, call)


def test_einsum_trace_matches_a_loop_on_integers(ex, einsum_calls):
    x = torch.arange(2 * 3 * 3).reshape(2, 3, 3)
    expected = torch.tensor([sum(int(x[b, i, i]) for i in range(3)) for b in range(2)])
    expect_close(ex.einsum_trace(x), expected, what="einsum_trace(torch.arange(18).reshape(2, 3, 3))", rtol=0, atol=0,
                 hint="a label repeated inside one operand (\"...ii\") walks the diagonal")


@pytest.mark.parametrize("shape", [(3, 4), (5,), (2, 3, 2)])
def test_einsum_trace_rejects_non_square(ex, einsum_calls, shape):
    expect_raises(ValueError, lambda: ex.einsum_trace(torch.zeros(shape)), call=f"einsum_trace(<{shape}>)",
                  hint="x must be (*, N, N)")


# ---------------------------------------------------------------- parse_einsum_shape


def _shapes_only(fn, *args):
    """Call ``fn(*args)`` with torch.einsum and the tensor factories hidden: the parser must use shapes alone."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("einsum", "empty", "zeros", "ones", "rand", "randn", "tensor", "empty_strided", "full"):
            mp.setattr(torch, name, _refuser(name))
        return fn(*args)


def _refuser(name):
    def fail(*args, **kwargs):
        raise AssertionError(f"parse_einsum_shape must work on the shapes alone: it called torch.{name}")

    return fail


def _torch_shape(spec: str, shapes) -> tuple[int, ...] | None:
    """What torch.einsum returns on meta tensors of these shapes, or None if it raises."""
    try:
        return tuple(EINSUM(spec, *[EMPTY(tuple(s), device="meta") for s in shapes]).shape)
    except (RuntimeError, ValueError):
        return None


KNOWN = [
    ("ij,jk->ik", [(2, 3), (3, 4)], (2, 4)),  # matmul
    ("bij,bjk->bik", [(8, 2, 3), (8, 3, 4)], (8, 2, 4)),  # batched matmul
    ("bhqd,bhkd->bhqk", [(2, 4, 5, 8), (2, 4, 6, 8)], (2, 4, 5, 6)),  # attention scores
    ("i,j->ij", [(3,), (5,)], (3, 5)),  # outer product
    ("ii->", [(4, 4)], ()),  # trace
    ("ii->i", [(4, 4)], (4,)),  # diagonal
    ("ij->", [(2, 3)], ()),  # sum of everything
    ("ij->ji", [(2, 3)], (3, 2)),  # transpose
    ("ij", [(2, 3)], (2, 3)),  # implicit: i, j once each, sorted
    ("ji", [(2, 3)], (3, 2)),  # implicit mode sorts the labels: "ji->ij"
    ("ba,ac", [(2, 3), (3, 4)], (2, 4)),  # implicit: a is summed, output "bc"
    ("aB", [(2, 3)], (3, 2)),  # implicit: "B" sorts before "a"
    ("ii", [(3, 3)], ()),  # implicit trace
    ("...ij,...jk", [(5, 1, 2, 3), (4, 3, 4)], (5, 4, 2, 4)),  # "..." first in implicit mode
    ("i...->...", [(2, 3, 4)], (3, 4)),
    ("...i->i", [(4, 5, 3)], (3,)),  # the "..." dims are summed
    ("a...b->b...a", [(2, 3, 4, 5)], (5, 3, 4, 2)),  # "..." in the middle
    ("...ij->...ji", [(2, 3)], (3, 2)),  # "..." covering no dims
    ("ij->...ji", [(4, 5)], (5, 4)),  # "..." only in the output
    ("i,i->i", [(1,), (3,)], (3,)),  # a size-1 label stretches
    ("ij,jk", [(2, 1), (4, 4)], (2, 4)),
    ("ij,j", [(2, 0), (1,)], (2,)),  # 0 and 1 broadcast to 0
    (" i j , j k -> i k ", [(2, 3), (3, 4)], (2, 4)),  # spaces are ignored
    ("...,...->...", [(2, 1), (3,)], (2, 3)),
]


@pytest.mark.parametrize("spec,shapes,expected", KNOWN, ids=[k[0].strip() or "empty" for k in KNOWN])
def test_parse_einsum_shape_known_values(ex, spec, shapes, expected):
    assert _torch_shape(spec, shapes) == expected, f"test data disagrees with torch for {spec!r}"  # guards the table
    got = _shapes_only(ex.parse_einsum_shape, spec, *shapes)
    expect_equal(got, expected, call=f"parse_einsum_shape({spec!r}, {', '.join(map(repr, shapes))})",
                 hint="implicit mode: '...' dims first, then labels seen exactly once, sorted (A-Z before a-z)")


ERRORS = [
    ("ij,jk->ik", [(2, 3), (4, 5)], "j has sizes 3 and 4"),
    ("ii->i", [(2, 3)], "a diagonal needs equal sizes"),
    ("ii->i", [(1, 3)], "a diagonal does not stretch size 1"),
    ("ij", [(2,)], "two labels for one dim"),
    ("i", [(2, 3)], "one label for two dims"),
    ("i...j", [(2,)], "two labels for one dim, even with '...'"),
    ("i,j", [(2,)], "two inputs, one shape"),
    ("i", [(2,), (3,)], "one input, two shapes"),
    ("i,i->ii", [(2,), (2,)], "a repeated output label"),
    ("i->j", [(2,)], "an output label no input has"),
    ("...i...", [(2, 3)], "two '...' in one input"),
    ("i->......", [(2,)], "two '...' in the output"),
    ("i1", [(2, 2)], "a digit is not a label"),
    ("ij->i-j", [(2, 2)], "a stray '-'"),
    ("i..j", [(2, 2, 2)], "two dots are not an ellipsis"),
    ("...i,...i->...", [(2, 3), (4, 3)], "'...' dims 2 and 4 do not broadcast"),
    ("ié", [(2, 2)], "non-ASCII letter"),
]


@pytest.mark.parametrize("spec,shapes,why", ERRORS, ids=[e[2] for e in ERRORS])
def test_parse_einsum_shape_rejects_what_torch_rejects(ex, spec, shapes, why):
    assert _torch_shape(spec, shapes) is None, f"test data: torch accepts {spec!r} {shapes}"  # guards the table
    expect_raises(ValueError, _shapes_only, ex.parse_einsum_shape, spec, *shapes,
                  call=f"parse_einsum_shape({spec!r}, {', '.join(map(repr, shapes))})", hint=f"torch.einsum rejects this: {why}")


LABELS = "abcdAB"


@st.composite
def equations(draw):
    sizes = {lab: draw(st.sampled_from([2, 3, 3, 4, 1, 0])) for lab in LABELS}
    ellipsis_base = draw(st.lists(st.sampled_from([2, 3, 1]), max_size=2))
    terms, shapes = [], []
    for _ in range(draw(st.integers(1, 3))):
        labels = draw(st.lists(st.sampled_from(LABELS), max_size=3))
        shape = [sizes[lab] for lab in labels]
        if draw(st.integers(0, 9)) == 0 and shape:  # sometimes stretch a label with size 1, or break it
            i = draw(st.integers(0, len(shape) - 1))
            shape[i] = draw(st.sampled_from([1, 5]))
        term = "".join(labels)
        if draw(st.booleans()):  # an ellipsis somewhere, covering a suffix of the shared "..." shape
            at = draw(st.integers(0, len(labels)))
            part = ellipsis_base[len(ellipsis_base) - draw(st.integers(0, len(ellipsis_base))):]
            part = [1 if draw(st.integers(0, 4)) == 0 else s for s in part]
            term = "".join(labels[:at]) + "..." + "".join(labels[at:])
            shape = shape[:at] + part + shape[at:]
        if draw(st.integers(0, 14)) == 0:  # sometimes a wrong number of dims
            shape = shape + [2]
        terms.append(term)
        shapes.append(tuple(shape))
    spec = ",".join(terms)
    if draw(st.booleans()):  # explicit output
        used = sorted({c for t in terms for c in t if c.isalpha()})
        out = draw(st.lists(st.sampled_from(used), unique=True)) if used else []
        if any("..." in t for t in terms) and draw(st.booleans()):
            out.insert(draw(st.integers(0, len(out))), "...")
        if draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(LABELS)))  # maybe a repeat, maybe unknown
        spec += "->" + "".join(out)
    return spec, shapes


@given(equations())
def test_parse_einsum_shape_matches_torch_on_random_equations(ex, case):
    spec, shapes = case
    call = f"parse_einsum_shape({spec!r}, {', '.join(map(repr, shapes))})"
    expected = _torch_shape(spec, shapes)
    if expected is None:
        expect_raises(ValueError, _shapes_only, ex.parse_einsum_shape, spec, *shapes, call=call,
                      hint="torch.einsum rejects this equation for these shapes")
    else:
        expect_equal(_shapes_only(ex.parse_einsum_shape, spec, *shapes), expected, call=call,
                     hint="compare torch.einsum(spec, *[torch.empty(s, device='meta') for s in shapes]).shape")
