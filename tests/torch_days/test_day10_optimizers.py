"""Grading torch-10: SGD, Adam (with decoupled weight decay), clip_grad_norm.

Oracles: ``torch.optim.SGD``, ``torch.optim.Adam`` and ``torch.optim.AdamW``
run side by side on an identical float64 model and data (parameters compared
after every step, rtol=1e-10, atol=1e-12); ``torch.nn.utils.clip_grad_norm_``;
and the least-squares solution (``np.linalg.lstsq``) for a real fit on
scikit-learn's diabetes data.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-10")

DEVICES = device_params()
RTOL, ATOL = 1e-10, 1e-12
STEPS = 12


def skip_float64_on_mps(device: str) -> None:
    if device == "mps":
        pytest.skip("MPS has no float64")


def make_model(device) -> nn.Module:
    torch.manual_seed(10)
    return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2)).double().to(device)


def make_batches(device, steps: int = STEPS):
    g = torch.Generator().manual_seed(100)
    return [(torch.randn(16, 5, generator=g, dtype=torch.float64).to(device),
             torch.randn(16, 2, generator=g, dtype=torch.float64).to(device)) for _ in range(steps)]


def train_step(model, opt, x, y):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    return loss


def compare_params(mine: nn.Module, ref: nn.Module, *, what: str, hint: str) -> None:
    for (name, p), q in zip(mine.named_parameters(), ref.parameters()):
        expect_close(p.detach(), q.detach(), what=f"{what}: parameter {name}", rtol=RTOL, atol=ATOL, hint=hint)


def run_side_by_side(ex, device, make_mine, make_ref, *, what: str, hint: str, steps: int = STEPS):
    """Train two copies of one model with two optimizers; compare the parameters after every step."""
    model = make_model(device)
    ref = copy.deepcopy(model)
    opt, ref_opt = make_mine(model), make_ref(ref)
    expect_true(isinstance(opt, torch.optim.Optimizer), message=f"{what} should be a torch.optim.Optimizer subclass")
    for k, (x, y) in enumerate(make_batches(device, steps), start=1):
        train_step(model, opt, x, y)
        train_step(ref, ref_opt, x, y)
        compare_params(model, ref, what=f"{what}, after step {k}", hint=hint)


SGD_CONFIGS = [
    {"lr": 0.1},
    {"lr": 0.1, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.1, "weight_decay": 0.01},
    {"lr": 0.1, "momentum": 0.8, "weight_decay": 0.05, "nesterov": True},
]
SGD_HINT = "g += wd * p; buf = g (first step) else momentum * buf + g; g = g + momentum * buf if nesterov else buf; p -= lr * g"


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("config", SGD_CONFIGS, ids=str)
def test_sgd_matches_torch_step_for_step(ex, device, config):
    skip_float64_on_mps(device)
    run_side_by_side(ex, device, lambda m: ex.SGD(m.parameters(), **config),
                     lambda m: torch.optim.SGD(m.parameters(), **config),
                     what=f"SGD({config})", hint=SGD_HINT)


# (our kwargs, the torch class, its kwargs)
ADAM_CONFIGS = [
    ({}, torch.optim.Adam, {}),
    ({"lr": 0.01}, torch.optim.Adam, {"lr": 0.01}),
    ({"lr": 0.01, "betas": (0.8, 0.99)}, torch.optim.Adam, {"lr": 0.01, "betas": (0.8, 0.99)}),
    ({"lr": 0.01, "eps": 0.1}, torch.optim.Adam, {"lr": 0.01, "eps": 0.1}),
    ({"lr": 0.01, "weight_decay": 0.1}, torch.optim.Adam, {"lr": 0.01, "weight_decay": 0.1}),
    ({"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}, torch.optim.AdamW, {"lr": 0.01, "weight_decay": 0.1}),
]
ADAM_HINT = ("m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps); "
             "AdamW: p *= 1 - lr*wd before the update instead of g += wd*p")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("config,ref_cls,ref_config", ADAM_CONFIGS, ids=[f"{c}" for c, _, _ in ADAM_CONFIGS])
def test_adam_matches_torch_step_for_step(ex, device, config, ref_cls, ref_config):
    skip_float64_on_mps(device)
    run_side_by_side(ex, device, lambda m: ex.Adam(m.parameters(), **config),
                     lambda m: ref_cls(m.parameters(), **ref_config),
                     what=f"Adam({config}) vs torch.optim.{ref_cls.__name__}({ref_config})", hint=ADAM_HINT)


def _groups(model):
    return [list(model[0].parameters()), list(model[2].parameters())]


@pytest.mark.parametrize(
    "name,mine,ref",
    [
        ("SGD", lambda ex, g: ex.SGD([{"params": g[0]}, {"params": g[1], "lr": 0.02, "momentum": 0.5}], lr=0.1, momentum=0.9),
         lambda g: torch.optim.SGD([{"params": g[0]}, {"params": g[1], "lr": 0.02, "momentum": 0.5}], lr=0.1, momentum=0.9)),
        ("Adam", lambda ex, g: ex.Adam([{"params": g[0]}, {"params": g[1], "lr": 0.05, "weight_decay": 0.1}], lr=0.01),
         lambda g: torch.optim.Adam([{"params": g[0]}, {"params": g[1], "lr": 0.05, "weight_decay": 0.1}], lr=0.01)),
    ],
)
def test_parameter_groups(ex, name, mine, ref):
    run_side_by_side(ex, "cpu", lambda m: mine(ex, _groups(m)), lambda m: ref(_groups(m)),
                     what=f"{name} with two parameter groups (different lr/momentum/weight_decay)",
                     hint="loop over self.param_groups and read every hyperparameter from the group")


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_learning_rate_scheduler_takes_effect(ex, name):
    def mine(m):
        opt = ex.SGD(m.parameters(), lr=0.1, momentum=0.9) if name == "SGD" else ex.Adam(m.parameters(), lr=0.05)
        return opt

    def ref(m):
        return torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9) if name == "SGD" else torch.optim.Adam(m.parameters(), lr=0.05)

    model = make_model("cpu")
    twin = copy.deepcopy(model)
    opt, ref_opt = mine(model), ref(twin)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.3)
    ref_sched = torch.optim.lr_scheduler.StepLR(ref_opt, step_size=3, gamma=0.3)
    for k, (x, y) in enumerate(make_batches("cpu"), start=1):
        train_step(model, opt, x, y)
        train_step(twin, ref_opt, x, y)
        sched.step()
        ref_sched.step()
        compare_params(model, twin, what=f"{name} with StepLR(step_size=3, gamma=0.3), after step {k}",
                       hint="read group['lr'] at every step: a scheduler changes it between steps")


@pytest.mark.parametrize("set_to_none", [True, False])
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_parameters_without_gradient(ex, name, set_to_none):
    """The second layer is left out of the loss on odd steps: its grad is None, or zeros."""
    config = {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1} if name == "SGD" else {"lr": 0.05, "weight_decay": 0.1}
    model = make_model("cpu")
    twin = copy.deepcopy(model)
    opt = getattr(ex, name)(model.parameters(), **config)
    ref_opt = getattr(torch.optim, name)(twin.parameters(), **config)
    for k, (x, y) in enumerate(make_batches("cpu"), start=1):
        for net, o in ((model, opt), (twin, ref_opt)):
            o.zero_grad(set_to_none=set_to_none)
            hidden = net[1](net[0](x))
            out = net[2](hidden) if k % 2 == 0 else hidden[:, :2]  # odd steps skip the last layer
            F.mse_loss(out, y).backward()
            o.step()
        compare_params(model, twin, what=f"{name}({config}), zero_grad(set_to_none={set_to_none}), after step {k}",
                       hint="a parameter whose .grad is None is skipped entirely (no decay, no momentum); "
                       "a zero gradient is a real gradient (momentum and decay still move the parameter)")


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_state_dict_round_trip(ex, name):
    config = {"lr": 0.1, "momentum": 0.9, "nesterov": True} if name == "SGD" else {"lr": 0.02, "betas": (0.8, 0.9)}
    batches = make_batches("cpu")
    straight = make_model("cpu")
    opt = getattr(ex, name)(straight.parameters(), **config)
    for x, y in batches:
        train_step(straight, opt, x, y)

    resumed = make_model("cpu")
    first = getattr(ex, name)(resumed.parameters(), **config)
    for x, y in batches[:5]:
        train_step(resumed, first, x, y)
    saved_model, saved_opt = copy.deepcopy(resumed.state_dict()), copy.deepcopy(first.state_dict())
    restored = make_model("cpu")
    restored.load_state_dict(saved_model)
    second = getattr(ex, name)(restored.parameters(), **config)
    second.load_state_dict(saved_opt)
    for x, y in batches[5:]:
        train_step(restored, second, x, y)
    compare_params(restored, straight, what=f"{name}: 5 steps, state_dict save/load into a new optimizer, 7 more steps",
                   hint="keep momentum buffers and moments in self.state[p]: state_dict() saves exactly that")


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_step_with_closure(ex, name):
    model = make_model("cpu")
    x, y = make_batches("cpu", 1)[0]
    opt = getattr(ex, name)(model.parameters(), lr=0.01)
    calls = []

    def closure():
        calls.append(torch.is_grad_enabled())
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        return loss

    before = [p.detach().clone() for p in model.parameters()]
    got = opt.step(closure)
    expect_equal(calls, [True], call=f"{name}.step(closure): closure calls (grad enabled?)",
                 hint="call the closure once, under torch.enable_grad()")
    expect_true(isinstance(got, torch.Tensor) and got.dim() == 0,
                message=f"{name}.step(closure) should return the closure's loss, got {got!r}")
    moved = any(not torch.equal(b, p) for b, p in zip(before, model.parameters()))
    expect_true(moved, message=f"{name}.step(closure) did not update the parameters")


@pytest.mark.parametrize(
    "what,make",
    [
        ("SGD(lr=-0.1)", lambda ex, ps: ex.SGD(ps, lr=-0.1)),
        ("SGD(momentum=-0.5)", lambda ex, ps: ex.SGD(ps, lr=0.1, momentum=-0.5)),
        ("SGD(weight_decay=-1)", lambda ex, ps: ex.SGD(ps, lr=0.1, weight_decay=-1.0)),
        ("SGD(nesterov=True, momentum=0)", lambda ex, ps: ex.SGD(ps, lr=0.1, nesterov=True)),
        ("Adam(lr=-1)", lambda ex, ps: ex.Adam(ps, lr=-1.0)),
        ("Adam(betas=(1.0, 0.999))", lambda ex, ps: ex.Adam(ps, betas=(1.0, 0.999))),
        ("Adam(betas=(0.9, -0.1))", lambda ex, ps: ex.Adam(ps, betas=(0.9, -0.1))),
        ("Adam(eps=-1e-8)", lambda ex, ps: ex.Adam(ps, eps=-1e-8)),
        ("Adam(weight_decay=-0.1)", lambda ex, ps: ex.Adam(ps, weight_decay=-0.1)),
    ],
)
def test_invalid_hyperparameters(ex, what, make):
    params = list(make_model("cpu").parameters())
    expect_raises(ValueError, make, ex, params, call=what, hint="validate before calling super().__init__")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_real_fit_reaches_least_squares(ex, name):
    from sklearn.datasets import load_diabetes

    data = load_diabetes()
    x = torch.tensor(data.data, dtype=torch.float64)
    x = (x - x.mean(0)) / x.std(0)
    y = torch.tensor(data.target, dtype=torch.float64).unsqueeze(1)
    y = (y - y.mean()) / y.std()
    design = np.hstack([x.numpy(), np.ones((len(x), 1))])
    coef, *_ = np.linalg.lstsq(design, y.numpy(), rcond=None)
    best = float(np.mean((design @ coef - y.numpy()) ** 2))

    torch.manual_seed(0)
    model = nn.Linear(10, 1).double()
    opt = ex.SGD(model.parameters(), lr=0.1, momentum=0.9) if name == "SGD" else ex.Adam(model.parameters(), lr=0.05)
    for _ in range(300):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    final = F.mse_loss(model(x), y).item()
    expect_true(final <= best * 1.01,
                message=f"{name}: full-batch linear regression on load_diabetes, 300 steps\n"
                f"  expected: MSE <= 1.01 * least-squares MSE = {best * 1.01:.5f}\n  got:      {final:.5f}",
                hint="the trajectory tests say whether each step is right; if they pass, check the sign of the update")


# ---------------------------------------------------------------- clip_grad_norm


def grads_for(device, *, with_none: bool = True, scale: float = 1.0):
    """Three parameters with float64 gradients (and one with grad None)."""
    g = torch.Generator().manual_seed(11)
    params = [nn.Parameter(torch.zeros(shape, dtype=torch.float64, device=device)) for shape in [(4, 3), (3,), (2, 2, 2)]]
    for p in params:
        p.grad = (torch.randn(p.shape, generator=g, dtype=torch.float64) * scale).to(device)
    if with_none:
        params.insert(1, nn.Parameter(torch.ones(5, dtype=torch.float64, device=device)))  # grad None
    return params


def clone_params(params):
    out = []
    for p in params:
        q = nn.Parameter(p.detach().clone())
        q.grad = None if p.grad is None else p.grad.clone()
        out.append(q)
    return out


INF = float("inf")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, INF], ids=["l2", "l1", "l3", "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3], ids=["clips", "no_clip"])
def test_clip_grad_norm_matches_torch(ex, device, norm_type, max_norm):
    skip_float64_on_mps(device)
    params = grads_for(device)
    ref = clone_params(params)
    call = f"clip_grad_norm(<4 params, one with grad None>, max_norm={max_norm}, norm_type={norm_type})"
    got = ex.clip_grad_norm(params, max_norm, norm_type)
    want = torch.nn.utils.clip_grad_norm_(ref, max_norm, norm_type)
    expect_close(got, want, what=f"{call} returned total norm", rtol=1e-12, atol=1e-12,
                 hint="the norm of the per-parameter norms (inf: the largest |g|); return it before clipping")
    for k, (p, q) in enumerate(zip(params, ref)):
        if q.grad is None:
            expect_true(p.grad is None, message=f"{call}: parameter {k} had grad None and should keep it")
            continue
        expect_close(p.grad, q.grad, what=f"{call}: grad of parameter {k} after clipping", rtol=1e-12, atol=1e-14,
                     hint="multiply every grad in place by min(1, max_norm / (total + 1e-6))")


def test_clip_grad_norm_accepts_a_generator_and_a_single_tensor(ex):
    params = grads_for("cpu", with_none=False)
    ref = clone_params(params)
    got = ex.clip_grad_norm((p for p in params), 0.5)
    want = torch.nn.utils.clip_grad_norm_(ref, 0.5)
    expect_close(got, want, what="clip_grad_norm(<a generator of parameters>, 0.5)", rtol=1e-12, atol=1e-12,
                 hint="a generator can be iterated only once: list(...) it first")
    for k, (p, q) in enumerate(zip(params, ref)):
        expect_close(p.grad, q.grad, what=f"clip_grad_norm(<generator>, 0.5): grad {k}", rtol=1e-12, atol=1e-14,
                     hint="a generator can be iterated only once: list(...) it first")

    single = grads_for("cpu", with_none=False)[0]
    twin = clone_params([single])[0]
    got = ex.clip_grad_norm(single, 0.5)
    want = torch.nn.utils.clip_grad_norm_(twin, 0.5)
    expect_close(got, want, what="clip_grad_norm(<one tensor>, 0.5)", rtol=1e-12, atol=1e-12,
                 hint="a single tensor is one parameter, not an iterable of rows")
    expect_close(single.grad, twin.grad, what="clip_grad_norm(<one tensor>, 0.5): its grad", rtol=1e-12, atol=1e-14)


def test_clip_grad_norm_without_gradients(ex):
    params = [nn.Parameter(torch.ones(3)), nn.Parameter(torch.ones(2))]
    got = ex.clip_grad_norm(params, 1.0)
    expect_true(isinstance(got, torch.Tensor) and got.dim() == 0 and got.item() == 0.0,
                message=f"clip_grad_norm(<params with no grad>, 1.0) should return tensor(0.), got {got!r}")
    expect_true(all(p.grad is None for p in params), message="clip_grad_norm must not create gradients")
    expect_float(ex.clip_grad_norm([], 1.0).item(), 0.0, call="clip_grad_norm([], 1.0)")


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_clip_grad_norm_nonfinite(ex, bad):
    params = grads_for("cpu", with_none=False)
    params[0].grad[0, 0] = bad
    ref = clone_params(params)
    err = expect_raises(RuntimeError, ex.clip_grad_norm, clone_params(params), 1.0, error_if_nonfinite=True,
                        call=f"clip_grad_norm(<a {bad} gradient>, 1.0, error_if_nonfinite=True)",
                        hint="check torch.isfinite(total) before scaling")
    expect_true(not isinstance(err, NotImplementedError),  # NotImplementedError is a RuntimeError too
                message="clip_grad_norm is not written yet", hint="raise RuntimeError for a non-finite total norm")
    got = ex.clip_grad_norm(params, 1.0)
    want = torch.nn.utils.clip_grad_norm_(ref, 1.0)
    expect_true(str(got.item()) == str(want.item()),
                message=f"clip_grad_norm(<a {bad} gradient>, 1.0) total\n  expected: {want.item()}\n  got:      {got!r}",
                hint="return the non-finite total norm, as torch does")
    for k, (p, q) in enumerate(zip(params, ref)):
        same = bool(torch.isclose(p.grad, q.grad, rtol=1e-12, atol=1e-14, equal_nan=True).all())
        expect_true(same, message=f"clip_grad_norm(<a {bad} gradient>, 1.0): grad {k}\n  expected: {q.grad.flatten().tolist()}\n"
                    f"  got:      {p.grad.flatten().tolist()}",
                    hint="without error_if_nonfinite, scale anyway (as torch does): the grads become nan")
