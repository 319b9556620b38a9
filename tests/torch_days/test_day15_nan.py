"""Grading torch-15: first_bad_layer, find_nan_source, grad_norms.

Oracles: models with a planted bad layer whose name is known by construction
(a log of zero, a huge weight, a division by zero, an overflowing exp), the
``grad_fn`` class name torch itself gives the planted op's output, torch's
``clip_grad_norm_`` total norm, and per-parameter norms computed with NumPy
in float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from curriculum.grading.testing import device_params, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-15")

DEVICES = device_params()


class Fn(nn.Module):
    """A function as a module, so that it has a name in named_modules()."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class TupleOut(nn.Module):
    """Returns (h, {"aux": g(h)}) like an RNN returns (out, state)."""

    def __init__(self, aux):
        super().__init__()
        self.aux = aux

    def forward(self, x):
        return x, {"aux": self.aux(x)}


class TakeFirst(nn.Module):
    def forward(self, pair):
        return pair[0]


class Twice(nn.Module):
    """Calls the same Linear twice; the second call overflows."""

    def __init__(self):
        super().__init__()
        self.shared = nn.Linear(4, 4)
        with torch.no_grad():
            self.shared.weight.copy_(torch.eye(4) * 1e20)
            self.shared.bias.zero_()

    def forward(self, x):
        return self.shared(self.shared(x))


def huge_linear(n: int = 4) -> nn.Linear:
    lin = nn.Linear(n, n)
    with torch.no_grad():
        lin.weight.fill_(1e38)  # float32 max is ~3.4e38: a sum of four products overflows
    return lin


def planted_models():
    """(label, model builder, the name of the bad module)."""
    return [
        ("log_of_zero", lambda: nn.Sequential(nn.Linear(4, 4), nn.ReLU(), Fn(torch.log), nn.Linear(4, 2)), "2"),
        ("huge_weight", lambda: nn.Sequential(nn.Linear(4, 4), huge_linear(), nn.Tanh(), nn.Linear(4, 2)), "1"),
        ("zero_division", lambda: nn.Sequential(nn.Linear(4, 4), Fn(lambda h: h / (h - h)), nn.Linear(4, 1)), "1"),
        ("exp_overflow", lambda: nn.Sequential(Fn(lambda h: h * 100), Fn(torch.exp), nn.Linear(4, 1)), "1"),
        (
            "nested",
            lambda: nn.Sequential(
                nn.Linear(4, 4),
                nn.Sequential(nn.Linear(4, 4), nn.Sequential(nn.ReLU(), Fn(torch.log))),
                nn.Linear(4, 1),
            ),
            "1.1.1",
        ),
        ("repaired_later", lambda: nn.Sequential(nn.ReLU(), Fn(torch.log), Fn(torch.nan_to_num), nn.Linear(4, 1)), "1"),
        ("tuple_output", lambda: nn.Sequential(TupleOut(Fn(lambda h: h / 0)), TakeFirst(), nn.Linear(4, 1)), "0.aux"),
        ("reused_module", lambda: nn.Sequential(nn.Linear(4, 4), Twice()), "1.shared"),
    ]


PLANTED = planted_models()


def _input(seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(8, 4, generator=g) * 10  # large enough for exp(100 x) to overflow


# ---------------------------------------------------------------- first_bad_layer


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("label,build,bad", PLANTED, ids=[p[0] for p in PLANTED])
def test_first_bad_layer_names_the_planted_layer(ex, device, label, build, bad):
    torch.manual_seed(0)
    model = build().to(device)
    got = ex.first_bad_layer(model, _input().to(device))
    expect_equal(got, bad, call=f"first_bad_layer(<{label} model>, x)",
                 hint="hook every module from named_modules() and keep the FIRST name whose output has NaN/Inf "
                      "(hooks fire when a module finishes, so inner modules report before their containers)")


@pytest.mark.parametrize("device", DEVICES)
def test_first_bad_layer_returns_none_for_a_healthy_model(ex, device):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.LayerNorm(8), nn.Linear(8, 2)).to(device)
    got = ex.first_bad_layer(model, _input().to(device))
    expect_equal(got, None, call="first_bad_layer(<healthy MLP>, x)", hint="return None when every output is finite")


def test_first_bad_layer_blames_the_root_for_its_own_functional_ops(ex):
    class Root(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 4)

        def forward(self, x):
            return torch.log(self.a(x) * 0)  # the bad op is in the root's own forward

    got = ex.first_bad_layer(Root(), _input())
    expect_equal(got, "", call="first_bad_layer(<model whose own forward takes log(0)>, x)",
                 hint="the model itself is in named_modules() with the name ''")


def test_first_bad_layer_removes_its_hooks_and_keeps_the_mode(ex):
    torch.manual_seed(0)
    model = PLANTED[0][1]().eval()
    ex.first_bad_layer(model, _input())
    leftovers = [name for name, m in model.named_modules() if m._forward_hooks or m._forward_pre_hooks]
    expect_equal(leftovers, [], call="modules still holding hooks after first_bad_layer",
                 hint="keep the handles from register_forward_hook and call handle.remove() in a finally block")
    expect_true(not model.training, message="first_bad_layer changed an eval-mode model to training mode",
                hint="do not call model.train() or model.eval()")


def test_first_bad_layer_removes_its_hooks_when_the_forward_raises(ex):
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(5, 1))  # shape mismatch in the second layer
    try:
        ex.first_bad_layer(model, _input())
    except NotImplementedError:
        raise  # a RuntimeError too: the stub must not pass as "the forward raised"
    except RuntimeError:
        pass
    else:
        raise AssertionError("first_bad_layer(<model with a shape error>, x) returned instead of raising the forward's RuntimeError")
    leftovers = [name for name, m in model.named_modules() if m._forward_hooks]
    expect_equal(leftovers, [], call="modules still holding hooks after a forward that raised",
                 hint="remove the hooks in a finally block")


@pytest.mark.parametrize("bad_value", [float("nan"), float("inf"), -float("inf")])
def test_first_bad_layer_rejects_a_bad_input(ex, bad_value):
    x = _input()
    x[3, 1] = bad_value
    expect_raises(ValueError, ex.first_bad_layer, nn.Linear(4, 1), x, call=f"first_bad_layer(model, x with {bad_value})",
                  hint="check x itself first: a NaN in the data is no layer's fault")


# ---------------------------------------------------------------- find_nan_source


def nan_cases():
    """(label, builder of (compute_loss, planted tensor's grad_fn name))."""

    def sqrt_times_zero():
        x = torch.zeros(3, requires_grad=True)
        return lambda: (torch.sqrt(x) * 0).sum(), type(torch.sqrt(x).grad_fn).__name__

    def log_behind_where():
        x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
        return lambda: torch.where(x > 0, torch.log(x), 0.0).sum(), type(torch.log(x).grad_fn).__name__

    def normalise_zero_vector():
        x = torch.zeros(4, requires_grad=True)
        return lambda: (x / x.norm()).sum(), type((x / x.norm()).grad_fn).__name__

    def sqrt_of_norm():
        x = torch.zeros(2, requires_grad=True)
        return lambda: x.norm() ** 0.5, type(x.norm().grad_fn).__name__

    def inside_a_model():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 3), nn.ReLU())
        with torch.no_grad():
            model[0].bias.fill_(-100.0)  # every ReLU output is 0
        x = torch.randn(5, 3)
        return lambda: torch.sqrt(model(x)).mul(0).sum(), "SqrtBackward0"

    return [
        ("sqrt_times_zero", sqrt_times_zero),
        ("log_behind_where", log_behind_where),
        ("normalise_zero_vector", normalise_zero_vector),
        ("sqrt_of_norm", sqrt_of_norm),
        ("inside_a_model", inside_a_model),
    ]


@pytest.mark.parametrize("label,build", nan_cases(), ids=[c[0] for c in nan_cases()])
def test_find_nan_source_names_the_backward_op(ex, label, build):
    compute_loss, expected = build()
    got = ex.find_nan_source(compute_loss)
    expect_equal(got, expected, call=f"find_nan_source(<{label}>)",
                 hint="run forward and backward inside torch.autograd.detect_anomaly() and read the name from "
                      "\"Function 'XxxBackward0' returned nan values\"")
    expect_true(not torch.is_anomaly_enabled(), message=f"anomaly mode is still on after find_nan_source(<{label}>)",
                hint="use detect_anomaly() as a context manager, not set_detect_anomaly(True)")


@pytest.mark.parametrize(
    "label,values,make",
    [
        ("clean_loss", [0.0, 1.0, -2.0], lambda x: (x**2).sum()),
        ("inf_gradient_only", [0.0, 4.0], lambda x: torch.sqrt(x).sum()),  # 1 / (2 sqrt(0)) = inf, not NaN
    ],
)
def test_find_nan_source_returns_none_without_nan(ex, label, values, make):
    x = torch.tensor(values, requires_grad=True)
    got = ex.find_nan_source(lambda: make(x))
    expect_equal(got, None, call=f"find_nan_source(<{label}>)",
                 hint="anomaly mode only flags NaN gradients (an Inf passes); a clean backward returns None")
    expect_true(x.grad is not None, message=f"find_nan_source(<{label}>) did not run backward",
                hint="call loss.backward() on what compute_loss() returns")


def test_find_nan_source_reraises_other_errors(ex):
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        ex.find_nan_source(lambda: x * 2)  # not a scalar: backward() refuses
    expect_true(not torch.is_anomaly_enabled(), message="anomaly mode is still on after an error",
                hint="the `with` block switches it off on the way out")


# ---------------------------------------------------------------- grad_norms


def _numpy_norm(t: torch.Tensor) -> float:
    return float(np.linalg.norm(t.detach().double().cpu().numpy().ravel()))


@pytest.mark.parametrize("device", DEVICES)
def test_grad_norms_match_numpy_and_clip_grad_norm(ex, device):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3)).to(device)
    x = torch.randn(11, 5, device=device)
    model(x).pow(2).mean().backward()
    got = ex.grad_norms(model)
    names = [n for n, _ in model.named_parameters()]
    expect_equal(list(got) if isinstance(got, dict) else got, names, call="list(grad_norms(model))",
                 hint="one key per trainable parameter, in named_parameters() order")
    for name, p in model.named_parameters():
        expect_float(got[name], _numpy_norm(p.grad), call=f"grad_norms(model)[{name!r}]", rel=1e-6, abs=1e-9,
                     hint="the L2 norm of p.grad over all its elements, as a Python float")
    total = float(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=float("inf")))
    expect_float(math.sqrt(sum(v**2 for v in got.values())), total, call="sqrt(sum of squared grad_norms)",
                 rel=1e-5, hint="the per-parameter norms combine into clip_grad_norm_'s total norm")


def test_grad_norms_none_before_backward_and_for_unused_layers(ex):
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.used = nn.Linear(3, 1)
            self.unused = nn.Linear(3, 1)
            self.frozen = nn.Linear(3, 1).requires_grad_(False)

        def forward(self, x):
            return self.used(x) + self.frozen(x)

    model = Branchy()
    before = ex.grad_norms(model)
    expect_equal(before, {"used.weight": None, "used.bias": None, "unused.weight": None, "unused.bias": None},
                 call="grad_norms(model) before any backward",
                 hint="p.grad is None before backward: report None; leave out requires_grad=False parameters")
    model(torch.ones(2, 3)).sum().backward()
    after = ex.grad_norms(model)
    expect_equal(after["unused.weight"], None, call="grad_norms(model)['unused.weight'] after backward",
                 hint="a layer the forward never used still has grad None")
    expect_float(after["used.bias"], 2.0, call="grad_norms(model)['used.bias']", rel=1e-9,
                 hint="d(sum over 2 rows)/d bias = 2")
    expect_true("frozen.weight" not in after, message="grad_norms reported a frozen parameter",
                hint="skip parameters with requires_grad=False")


def test_grad_norms_tied_weights_appear_once(ex):
    emb = nn.Embedding(5, 3)
    head = nn.Linear(3, 5, bias=False)
    head.weight = emb.weight  # tied
    model = nn.Sequential(emb, head)
    model(torch.tensor([0, 1, 2])).sum().backward()
    got = ex.grad_norms(model)
    expect_equal(list(got), ["0.weight"], call="list(grad_norms(<tied embedding and head>))",
                 hint="named_parameters() lists a shared parameter once, under its first name")
    expect_float(got["0.weight"], _numpy_norm(emb.weight.grad), call="grad_norms(...)['0.weight']", rel=1e-6)


@pytest.mark.parametrize(
    "label,value,expected",
    [
        ("nan", float("nan"), "nan"),
        ("inf", float("inf"), "inf"),
        ("huge_float32", 1e20, "finite"),  # (1e20)^2 overflows float32; the norm 2e20 does not
    ],
)
def test_grad_norms_nonfinite_and_huge_gradients(ex, label, value, expected):
    lin = nn.Linear(2, 2, bias=False)
    lin.weight.grad = torch.full((2, 2), 1e20)
    lin.weight.grad[0, 0] = value
    got = ex.grad_norms(lin)["weight"]
    if expected == "nan":
        expect_true(isinstance(got, float) and math.isnan(got), message=f"grad_norms with a NaN gradient gave {got!r}, expected nan")
    elif expected == "inf":
        expect_equal(got, float("inf"), call="grad_norms(<an Inf gradient>)['weight']")
    else:
        expect_float(got, 2e20, call="grad_norms(<float32 gradient of 1e20s>)['weight']", rel=1e-6,
                     hint="square and sum in float64 (p.grad.double()): 1e40 overflows float32 to inf")


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_grad_norms_low_precision_gradients(ex, dtype):
    lin = nn.Linear(3, 1).to(dtype)
    lin(torch.ones(4, 3, dtype=dtype)).sum().backward()
    got = ex.grad_norms(lin)
    expect_float(got["bias"], 4.0, call=f"grad_norms(<{dtype} Linear>)['bias']", rel=1e-3)
    expect_true(isinstance(got["weight"], float), message=f"grad_norms returned {type(got['weight']).__name__}, expected float")
