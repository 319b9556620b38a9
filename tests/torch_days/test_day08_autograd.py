"""Grading torch-08: the Value engine, accumulate_grads, frozen_grad_report.

Oracles: torch's own autograd in float64 (the same random expression built
with Value and with tensors, every inner tensor with ``retain_grad()``),
hand-worked derivatives, the full-batch gradient of one big batch, and facts
about torch's autograd (an unused or detached layer gets ``grad is None``).

Tolerance for the engine: rtol=1e-7, atol=1e-9 (both sides are float64; the
only differences are the rounding of math.tanh/exp/log against torch's).
"""

from __future__ import annotations

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-08")

DEVICES = device_params()
RTOL, ATOL = 1e-7, 1e-9

# ---------------------------------------------------------------- random expressions

# Every op works on Values and on torch tensors alike: (p, q, n, c) -> result.
OPS = {
    "add": lambda p, q, n, c: p + q,
    "sub": lambda p, q, n, c: p - q,
    "mul": lambda p, q, n, c: p * q,
    "div": lambda p, q, n, c: p / q,
    "neg": lambda p, q, n, c: -p,
    "pow": lambda p, q, n, c: p**n,
    "tanh": lambda p, q, n, c: p.tanh(),
    "relu": lambda p, q, n, c: p.relu(),
    "exp": lambda p, q, n, c: p.exp(),
    "log": lambda p, q, n, c: p.log(),
    "add_c": lambda p, q, n, c: p + c,
    "c_add": lambda p, q, n, c: c + p,
    "c_sub": lambda p, q, n, c: c - p,
    "sub_c": lambda p, q, n, c: p - c,
    "c_mul": lambda p, q, n, c: c * p,
    "div_c": lambda p, q, n, c: p / c,
    "c_div": lambda p, q, n, c: c / p,
}
TEXT = {
    "add": "{p} + {q}", "sub": "{p} - {q}", "mul": "{p} * {q}", "div": "{p} / {q}", "neg": "-{p}",
    "pow": "{p} ** {n}", "tanh": "{p}.tanh()", "relu": "{p}.relu()", "exp": "{p}.exp()", "log": "{p}.log()",
    "add_c": "{p} + {c}", "c_add": "{c} + {p}", "c_sub": "{c} - {p}", "sub_c": "{p} - {c}", "c_mul": "{c} * {p}",
    "div_c": "{p} / {c}", "c_div": "{c} / {p}",
}


def _allowed(op: str, p: float, q: float, n: int, c: float) -> bool:
    """Keep the expression inside the functions' comfortable domains (decided on the torch side)."""
    if op == "log":
        return p > 0.05
    if op == "div":
        return abs(q) > 0.05
    if op == "c_div" or (op == "pow" and n < 0):
        return abs(p) > 0.2
    if op == "exp":
        return p < 5
    return True


leaf_values = st.lists(st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 3)), min_size=1, max_size=4)
programs = st.lists(
    st.tuples(
        st.sampled_from(sorted(OPS)),
        st.integers(0, 50),
        st.integers(0, 50),
        st.integers(-2, 3),
        st.sampled_from([-2.0, -0.5, 0.5, 1.0, 3.0]),
    ),
    min_size=3,
    max_size=16,
)


def build(ex, leaves, program):
    """The same expression with Values and float64 tensors: (values, tensors, listing)."""
    values = [ex.Value(v) for v in leaves]
    tensors = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in leaves]
    listing = [f"v{i} = Value({v!r})" for i, v in enumerate(leaves)]
    for op, i, j, n, c in program:
        i, j = i % len(values), j % len(values)
        p, q = tensors[i].item(), tensors[j].item()
        if not _allowed(op, p, q, n, c):
            op = "tanh"
        with torch.no_grad():
            trial = OPS[op](tensors[i], tensors[j], n, c)
        if not math.isfinite(trial.item()) or abs(trial.item()) > 50:
            op = "tanh"
        t = OPS[op](tensors[i], tensors[j], n, c)
        t.retain_grad()
        tensors.append(t)
        listing.append(f"v{len(values)} = " + TEXT[op].format(p=f"v{i}", q=f"v{j}", n=n, c=c))
        try:
            values.append(OPS[op](values[i], values[j], n, c))
        except NotImplementedError:
            raise
        except Exception as err:  # a learner's bug: report it with the expression
            raise AssertionError(
                "building this expression with Value raised "
                f"{type(err).__name__}: {err}\n  " + "\n  ".join(listing)
            ) from None
    return values, tensors, listing


def compare_graph(values, tensors, listing, *, times: int) -> None:
    where = "\n  ".join(listing)
    value_type = type(values[0])  # the leaves were made by the Value class under test
    for k, (v, t) in enumerate(zip(values, tensors)):
        expect_true(
            isinstance(v, value_type),
            message=f"v{k} should be a Value, got {type(v).__name__}\n  {where}",
        )
        expect_float(v.data, t.item(), call=f"v{k}.data in\n  {where}\n", rel=RTOL, abs=ATOL,
                     hint="check the forward value of this operation")
    for k, (v, t) in enumerate(zip(values, tensors)):
        want = 0.0 if t.grad is None else t.grad.item()
        expect_float(
            v.grad, want, call=f"v{k}.grad after {times} x v{len(values) - 1}.backward() in\n  {where}\n",
            rel=RTOL, abs=ATOL,
            hint="a node used twice must add both contributions (+=); process nodes in reverse topological order; "
            "a node the output does not depend on keeps grad 0",
        )


@given(leaves=leaf_values, program=programs)
def test_value_matches_torch_on_random_expressions(ex, leaves, program):
    values, tensors, listing = build(ex, leaves, program)
    values[-1].backward()
    tensors[-1].backward()
    compare_graph(values, tensors, listing, times=1)


@settings(max_examples=25)
@given(leaves=leaf_values, program=programs)
def test_backward_twice_accumulates_like_torch(ex, leaves, program):
    values, tensors, listing = build(ex, leaves, program)
    values[-1].backward()
    values[-1].backward()
    tensors[-1].backward(retain_graph=True)
    tensors[-1].backward()
    compare_graph(values, tensors, listing, times=2)


# ---------------------------------------------------------------- hand-worked values

E = math.e
# (name, f(a), a, expected f(a), expected df/da)
HAND = [
    ("a * a", lambda a: a * a, 3.0, 9.0, 6.0),
    ("a + a", lambda a: a + a, 1.5, 3.0, 2.0),
    ("a * a * a", lambda a: a * a * a, -2.0, -8.0, 12.0),
    ("(a + 1) * (a + 1) via b", lambda a: (lambda b: b * b)(a + 1), 2.0, 9.0, 6.0),
    ("a - a", lambda a: a - a, 4.0, 0.0, 0.0),
    ("a / a", lambda a: a / a, 4.0, 1.0, 0.0),
    ("3 + a", lambda a: 3 + a, 2.0, 5.0, 1.0),
    ("3 - a", lambda a: 3 - a, 2.0, 1.0, -1.0),
    ("a - 3", lambda a: a - 3, 2.0, -1.0, 1.0),
    ("2 * a", lambda a: 2 * a, 2.0, 4.0, 2.0),
    ("a / 4", lambda a: a / 4, 2.0, 0.5, 0.25),
    ("1 / a", lambda a: 1 / a, 2.0, 0.5, -0.25),
    ("a ** 0 at 0", lambda a: a**0, 0.0, 1.0, 0.0),
    ("a ** 0 at -3", lambda a: a**0, -3.0, 1.0, 0.0),
    ("a ** 1 at 0", lambda a: a**1, 0.0, 0.0, 1.0),
    ("a ** -2", lambda a: a**-2, 2.0, 0.25, -0.25),
    ("a ** 3", lambda a: a**3, -2.0, -8.0, 12.0),
    ("-a", lambda a: -a, 5.0, -5.0, -1.0),
    ("relu at 0", lambda a: a.relu(), 0.0, 0.0, 0.0),
    ("relu at -1", lambda a: a.relu(), -1.0, 0.0, 0.0),
    ("relu at 2", lambda a: a.relu(), 2.0, 2.0, 1.0),
    ("tanh at 0", lambda a: a.tanh(), 0.0, 0.0, 1.0),
    ("tanh at 30", lambda a: a.tanh(), 30.0, 1.0, 0.0),
    ("tanh at 400 (exp(2x) overflows)", lambda a: a.tanh(), 400.0, 1.0, 0.0),
    ("exp at 0", lambda a: a.exp(), 0.0, 1.0, 1.0),
    ("log at e", lambda a: a.log(), E, 1.0, 1 / E),
    ("a.exp().log()", lambda a: a.exp().log(), 0.7, 0.7, 1.0),
    ("a as the output", lambda a: a, 0.3, 0.3, 1.0),
]


@pytest.mark.parametrize("name,f,a,value,grad", HAND, ids=[h[0] for h in HAND])
def test_value_hand_worked(ex, name, f, a, value, grad):
    x = ex.Value(a)
    out = f(x)
    out.backward()
    expect_float(out.data, value, call=f"({name}).data with a = {a}", rel=1e-12, abs=1e-12)
    expect_float(x.grad, grad, call=f"d({name})/da at a = {a}", rel=1e-12, abs=1e-12,
                 hint="0 ** 0 has derivative 0 (not 0 * 0 ** -1); relu has derivative 0 at 0; "
                 "a reused node adds both contributions")


def test_backward_twice_accumulates_inner_nodes_too(ex):
    a, b = ex.Value(2.0), ex.Value(-3.0)
    inner = a * b  # -6
    out = inner * inner + a  # 36 + 2
    out.backward()
    firsts = (a.grad, b.grad, inner.grad, out.grad)
    out.backward()
    # d out/d inner = 2 * inner = -12; d/da = -12 * b + 1 = 37; d/db = -12 * a = -24
    for name, got, once in zip(("a", "b", "inner", "out"), (a.grad, b.grad, inner.grad, out.grad), (37.0, -24.0, -12.0, 1.0)):
        expect_float(got, 2 * once, call=f"{name}.grad after out.backward() twice (out = (a*b)**2 + a, a=2, b=-3)",
                     hint="each call adds its gradient once; do not use .grad as the running sum of the propagation "
                     f"(after the first call the grads were {firsts})")


def test_value_deep_chain_does_not_recurse(ex):
    x = ex.Value(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    want = 1.0001**10_000
    expect_float(y.data, want, call="y = x * 1.0001 ten thousand times, y.data", rel=1e-9)
    expect_float(x.grad, want, call="the same chain, x.grad", rel=1e-9,
                 hint="build the topological order with an explicit stack: Python's recursion limit is about 1000")


def test_value_ladder_visits_each_node_once(ex):
    x = ex.Value(1.0)
    y = x
    for _ in range(20):
        y = y + y  # 2**20 paths from y back to x
    y.backward()
    expect_float(x.grad, 2.0**20, call="x.grad for y = x doubled 20 times by y = y + y", rel=1e-12,
                 hint="mark visited nodes: each node enters the topological order once, however many paths reach it")


@pytest.mark.parametrize(
    "what,fn,error",
    [
        ("Value(1.0) + 'a'", lambda V: V(1.0) + "a", TypeError),
        ("Value(2.0) ** 0.5", lambda V: V(2.0) ** 0.5, TypeError),
        ("Value(2.0) ** Value(2.0)", lambda V: V(2.0) ** V(2.0), TypeError),
        ("Value(0.0).log()", lambda V: V(0.0).log(), ValueError),
        ("Value(-1.0).log()", lambda V: V(-1.0).log(), ValueError),
        ("Value(0.0) ** -1", lambda V: V(0.0) ** -1, ZeroDivisionError),
        ("1 / Value(0.0)", lambda V: 1 / V(0.0), ZeroDivisionError),
    ],
)
def test_value_rejects_what_it_cannot_do(ex, what, fn, error):
    expect_raises(error, fn, ex.Value, call=what,
                  hint="return NotImplemented for unsupported operands/exponents; let math.log and ** raise")


# ---------------------------------------------------------------- accumulate_grads


def make_model(device, *, frozen_first: bool = False) -> nn.Module:
    torch.manual_seed(8)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).double().to(device)
    if frozen_first:
        model[0].requires_grad_(False)
    return model


def make_data(n: int, device, kind: str):
    g = torch.Generator().manual_seed(80 + n)
    x = torch.randn(n, 4, generator=g, dtype=torch.float64)
    y = torch.randn(n, 3, generator=g, dtype=torch.float64) if kind == "mse" else torch.randint(0, 3, (n,), generator=g)
    return x.to(device), y.to(device)


LOSSES = {"mse": nn.MSELoss(), "ce": F.cross_entropy}


def split(x, y, sizes):
    out, start = [], 0
    for s in sizes:
        out.append((x[start : start + s], y[start : start + s]))
        start += s
    return out


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind", sorted(LOSSES))
@pytest.mark.parametrize("sizes", [[10], [5, 5], [4, 4, 2], [1, 9], [0, 6, 0, 4], [2, 2, 2, 2, 1, 1]], ids=str)
def test_accumulate_grads_equals_the_full_batch(ex, device, kind, sizes):
    model = make_model(device)
    oracle = copy.deepcopy(model)
    x, y = make_data(sum(sizes), device, kind)
    for p in model.parameters():
        p.grad = torch.full_like(p, 7.0)  # stale gradients must be discarded

    loss = ex.accumulate_grads(model, split(x, y, sizes), LOSSES[kind])
    full = LOSSES[kind](oracle(x), y)
    full.backward()

    call = f"accumulate_grads(model, micro-batches of sizes {sizes}, {kind} loss)"
    expect_float(loss, full.item(), call=f"{call} returned loss", rel=1e-10, abs=1e-12,
                 hint="return the mean over all samples as a float: sum of (n_i / N) * mean_i")
    for (name, p), q in zip(model.named_parameters(), oracle.parameters()):
        expect_close(p.grad, q.grad, what=f"{call}: grad of {name} vs the full batch (float64)", rtol=1e-10, atol=1e-12,
                     hint="weight micro-batch i by n_i / N (not 1 / number of batches), and zero the grads first")


def test_accumulate_grads_skips_frozen_parameters(ex):
    model = make_model("cpu", frozen_first=True)
    oracle = copy.deepcopy(model)
    x, y = make_data(6, "cpu", "mse")
    ex.accumulate_grads(model, split(x, y, [3, 3]), nn.MSELoss())
    nn.MSELoss()(oracle(x), y).backward()
    expect_true(model[0].weight.grad is None and model[0].bias.grad is None,
                message="a frozen layer (requires_grad=False) should keep grad None after accumulate_grads")
    expect_close(model[2].weight.grad, oracle[2].weight.grad, what="grad of the trainable layer", rtol=1e-10, atol=1e-12)


def test_accumulate_grads_backward_per_micro_batch(ex):
    model = make_model("cpu")
    x, y = make_data(9, "cpu", "mse")
    seen_grads: list[bool] = []

    def probing_loss(pred, target):
        seen_grads.append(any(p.grad is not None and bool(p.grad.any()) for p in model.parameters()))
        return F.mse_loss(pred, target)

    ex.accumulate_grads(model, split(x, y, [3, 3, 3]), probing_loss)
    expect_equal(seen_grads, [False, True, True], call="gradients present when loss_fn is called for micro-batch 1, 2, 3",
                 hint="zero the grads first, then call backward() right after each micro-batch's loss, "
                 "so only one graph is alive at a time")


def test_accumulate_grads_rejects_no_samples(ex):
    model = make_model("cpu")
    x, y = make_data(2, "cpu", "mse")
    expect_raises(ValueError, ex.accumulate_grads, model, [(x[:0], y[:0]), (x[:0], y[:0])], nn.MSELoss(),
                  call="accumulate_grads(model, [<empty>, <empty>], nn.MSELoss())",
                  hint="with N = 0 there is no mean to take")
    expect_raises(ValueError, ex.accumulate_grads, model, [], nn.MSELoss(), call="accumulate_grads(model, [], nn.MSELoss())")


# ---------------------------------------------------------------- frozen_grad_report


class Zoo(nn.Module):
    """One layer per status, with a real forward/backward."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.frozen = nn.Linear(3, 3)
        self.used = nn.Linear(3, 3)
        self.unused = nn.Linear(3, 3)
        self.before_detach = nn.Linear(3, 3)
        self.dead = nn.Linear(3, 3)
        self.frozen.requires_grad_(False)
        with torch.no_grad():
            self.dead.weight.zero_()
            self.dead.bias.fill_(-1.0)  # relu(dead(x)) == 0 everywhere: a dead ReLU

    def forward(self, x):
        h = self.frozen(x)
        h = self.used(h) + self.before_detach(x).detach()
        return h + torch.relu(self.dead(x))


ZOO_AFTER_BACKWARD = {
    "frozen.weight": "frozen", "frozen.bias": "frozen",
    "used.weight": "ok", "used.bias": "ok",
    "unused.weight": "missing", "unused.bias": "missing",
    "before_detach.weight": "missing", "before_detach.bias": "missing",
    "dead.weight": "zero", "dead.bias": "zero",
}


def test_frozen_grad_report_after_a_real_backward(ex):
    model = Zoo()
    model.frozen.weight.grad = torch.ones(3, 3)  # stale: does not matter for a frozen parameter
    model(torch.randn(4, 3)).sum().backward()
    got = ex.frozen_grad_report(model)
    expect_equal(got, ZOO_AFTER_BACKWARD, call="frozen_grad_report(<frozen, used, unused, detached, dead-ReLU layers>)",
                 hint="order: frozen (requires_grad False), missing (grad None), nonfinite, zero, ok")
    expect_equal(list(got), [n for n, _ in model.named_parameters()], call="the report's keys, in order",
                 hint="one entry per model.named_parameters(), same order")


def test_frozen_grad_report_states_by_hand(ex):
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    expect_equal(ex.frozen_grad_report(model), {"0.weight": "missing", "0.bias": "missing", "1.weight": "missing", "1.bias": "missing"},
                 call="frozen_grad_report(model) before any backward")
    model(torch.ones(1, 2)).sum().backward()
    model.zero_grad(set_to_none=False)  # every grad is now a tensor of zeros
    model[0].weight.grad.fill_(float("nan"))
    model[0].bias.grad[1] = float("-inf")
    model[1].bias.grad[0] = 1e-30
    expect_equal(
        ex.frozen_grad_report(model),
        {"0.weight": "nonfinite", "0.bias": "nonfinite", "1.weight": "zero", "1.bias": "ok"},
        call="frozen_grad_report(model) with nan, -inf, all-zero and one tiny non-zero gradient",
        hint="'zero' means every element is exactly 0; nan and inf are 'nonfinite'",
    )


def test_frozen_grad_report_without_parameters(ex):
    expect_equal(ex.frozen_grad_report(nn.ReLU()), {}, call="frozen_grad_report(nn.ReLU())")
