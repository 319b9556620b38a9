"""Grading torch-21: run_checklist.

Oracle: setups with one planted problem each, whose finding is known by
construction (a parameter on the meta device, a submodule in eval mode, raw
pixels, a NaN, a last layer scaled by 100, a detached branch, a layer missing
from the optimizer, a learning rate of 0), healthy setups that must give no
finding, and snapshots of everything the caller owns (parameters, gradients,
buffers, modes, optimizer state) compared before and after.
"""

from __future__ import annotations

import copy
import functools
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-21")

DEVICES = device_params()


@functools.cache
def _digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    return torch.tensor(digits.data, dtype=torch.float32), torch.tensor(digits.target)


def digits_batch(n: int = 64, *, raw: bool = False):
    """The first n digits; standardised per pixel (std floored at 1) unless raw."""
    x, y = _digits()
    x, y = x[:n].clone(), y[:n].clone()
    if not raw:
        x = (x - x.mean(dim=0)) / x.std(dim=0).clamp_min(1.0)
    return x, y


def mlp(seed: int = 0, *, dropout: bool = False, batchnorm: bool = False) -> nn.Sequential:
    torch.manual_seed(seed)
    layers = [nn.Linear(64, 32)]
    if batchnorm:
        layers.append(nn.BatchNorm1d(32))
    layers.append(nn.ReLU())
    if dropout:
        layers.append(nn.Dropout(0.1))
    layers.append(nn.Linear(32, 10))
    return nn.Sequential(*layers)


class Detached(nn.Module):
    """The encoder's output is detached before the head: no gradient reaches the encoder."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.encoder = nn.Linear(64, 32)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        return self.head(torch.relu(self.encoder(x)).detach())


def checks_of(findings) -> list[str]:
    expect_true(isinstance(findings, list), message=f"run_checklist returned a {type(findings).__name__}, expected a list of Finding")
    for f in findings:
        expect_true(isinstance(getattr(f, "check", None), str) and isinstance(getattr(f, "message", None), str) and f.message,
                    message=f"each finding needs a .check name and a non-empty .message, got {f!r}")
    return [f.check for f in findings]


# ---------------------------------------------------------------- healthy setups


HEALTHY = {
    "adam": (lambda: mlp(0), lambda m: torch.optim.Adam(m.parameters(), lr=1e-2)),
    "sgd_momentum": (lambda: mlp(1), lambda m: torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)),
    "dropout_batchnorm": (lambda: mlp(2, dropout=True, batchnorm=True), lambda m: torch.optim.AdamW(m.parameters(), lr=1e-2)),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", list(HEALTHY))
def test_healthy_setup_has_no_findings(ex, device, name):
    build, make_opt = HEALTHY[name]
    model = build().to(device)
    x, y = (t.to(device) for t in digits_batch())
    findings = ex.run_checklist(model, (x, y), F.cross_entropy, make_opt(model), num_classes=10)
    expect_equal(checks_of(findings), [], call=f"run_checklist(<healthy {name} setup on {device}>)",
                 hint="a healthy setup (standardised digits, default init, a working optimizer) must give no finding; "
                      f"messages: {[f.message for f in findings]}")


def test_healthy_regression_without_num_classes(ex):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(32, 5, generator=g)
    y = x @ torch.randn(5, 1, generator=g)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))
    findings = ex.run_checklist(model, (x, y), F.mse_loss, torch.optim.Adam(model.parameters(), lr=3e-2))
    expect_equal(checks_of(findings), [], call="run_checklist(<healthy regression>, F.mse_loss, Adam)",
                 hint="without num_classes, skip the init_loss check")


# ---------------------------------------------------------------- planted problems


def _meta_bias():
    model = mlp(0)
    model[0].bias = nn.Parameter(torch.zeros(32, device="meta"))
    return model


def _eval_submodule():
    model = mlp(0, dropout=True)
    model[2].eval()  # only the Dropout
    return model


def _nan_weight():
    model = mlp(0)
    with torch.no_grad():
        model[2].weight[3, 4] = float("nan")
    return model


def _scaled_head():
    model = mlp(0)
    with torch.no_grad():
        model[2].weight.mul_(100)
    return model


def _dead_relu():
    model = mlp(0)
    with torch.no_grad():
        model[0].bias.fill_(-100.0)  # every ReLU output is 0: no gradient for the first layer
    return model


def _nan_batch():
    x, y = digits_batch()
    x[5, 7] = float("nan")
    return x, y


# name -> (model builder, optimizer builder, batch builder, num_classes, expected checks, exact?)
PLANTED = {
    "parameter_on_meta": (_meta_bias, lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), digits_batch, 10, ["device"], True),
    "dropout_in_eval": (_eval_submodule, lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), digits_batch, 10, ["train_mode"], True),
    "model_in_eval": (lambda: mlp(0).eval(), lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), digits_batch, 10, ["train_mode"], True),
    "raw_pixels": (lambda: mlp(0), lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), lambda: digits_batch(raw=True), 10, ["data_norm"], False),
    "tiny_inputs": (lambda: mlp(0), lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), lambda: (digits_batch()[0] * 1e-3, digits_batch()[1]), 10, ["data_norm"], False),
    "nan_in_batch": (lambda: mlp(0), lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), _nan_batch, 10, ["nan"], True),
    "nan_weight": (_nan_weight, lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), digits_batch, 10, ["nan"], True),
    "head_scaled_by_100": (_scaled_head, lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), digits_batch, 10, ["init_loss"], True),
    "detached_encoder": (Detached, lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), digits_batch, 10, ["grad_flow"], False),
    "dead_relu": (_dead_relu, lambda m: torch.optim.Adam(m.parameters(), lr=1e-2), digits_batch, 10, ["grad_flow"], False),
    "head_not_in_optimizer": (lambda: mlp(0), lambda m: torch.optim.Adam(m[0].parameters(), lr=1e-2), digits_batch, 10, ["optimizer"], False),
    "zero_learning_rate": (lambda: mlp(0), lambda m: torch.optim.SGD(m.parameters(), lr=0.0), digits_batch, 10, ["overfit"], True),
}


@pytest.mark.parametrize("name", list(PLANTED))
def test_planted_problem_is_found(ex, name):
    build, make_opt, batch, num_classes, expected, exact = PLANTED[name]
    model = build()
    steps = 100 if "overfit" in expected else 0  # the overfitting test is the slow part: run it where it is the point
    findings = ex.run_checklist(model, batch(), F.cross_entropy, make_opt(model), num_classes=num_classes,
                                overfit_steps=steps)
    got = checks_of(findings)
    call = f"[f.check for f in run_checklist(<{name}>, overfit_steps={steps})]"
    if exact:
        expect_equal(got, expected, call=call, hint="this setup has exactly one problem; see the numbered rules in the docstring")
    else:
        expect_true(set(expected) <= set(got), message=f"{call} = {got}, expected it to contain {expected}",
                    hint="see the numbered rules in the docstring")
    order = [c for c in ex.CHECKS if c in got]
    expect_equal(got, order, call=f"{call} order", hint="one finding per check at most, in CHECKS order")


def test_findings_name_the_culprits(ex):
    model = Detached()
    findings = ex.run_checklist(model, digits_batch(), F.cross_entropy, torch.optim.Adam(model.parameters(), lr=1e-2),
                                num_classes=10, overfit_steps=0)
    flow = [f.message for f in findings if f.check == "grad_flow"]
    expect_true(flow and "encoder.weight" in flow[0] and "head.weight" not in flow[0],
                message=f"the grad_flow finding should name encoder.weight (and not head.weight), got {flow}")
    model = _eval_submodule()
    findings = ex.run_checklist(model, digits_batch(), F.cross_entropy, torch.optim.Adam(model.parameters(), lr=1e-2),
                                num_classes=10, overfit_steps=0)
    mode = [f.message for f in findings if f.check == "train_mode"]
    expect_true(mode and "2" in mode[0], message=f"the train_mode finding should name the module '2', got {mode}")
    model = mlp(0)
    findings = ex.run_checklist(model, digits_batch(), F.cross_entropy, torch.optim.Adam(model[0].parameters(), lr=1e-2),
                                num_classes=10, overfit_steps=0)
    missing = [f.message for f in findings if f.check == "optimizer"]
    expect_true(missing and "2.weight" in missing[0] and "0.weight" not in missing[0],
                message=f"the optimizer finding should name 2.weight (and not 0.weight), got {missing}")


def test_init_loss_needs_num_classes(ex):
    model = _scaled_head()
    findings = ex.run_checklist(model, digits_batch(), F.cross_entropy, torch.optim.Adam(model.parameters(), lr=1e-2),
                                overfit_steps=0)
    expect_true("init_loss" not in checks_of(findings),
                message="run_checklist(<head scaled by 100>, num_classes=None) reported init_loss",
                hint="without num_classes there is no ln(C) to compare with")


@pytest.mark.parametrize("tolerance,expect_finding", [(0.01, True), (5.0, False)])
def test_init_tolerance_is_relative_to_ln_c(ex, tolerance, expect_finding):
    model = mlp(0)
    with torch.no_grad():
        model[2].weight.mul_(8)  # moves the initial loss a little away from ln(10)
    x, y = digits_batch()
    l0 = F.cross_entropy(model(x), y).item()
    findings = ex.run_checklist(model, (x, y), F.cross_entropy, torch.optim.Adam(model.parameters(), lr=1e-2),
                                num_classes=10, init_tolerance=tolerance, overfit_steps=0)
    got = "init_loss" in checks_of(findings)
    expect_equal(got, expect_finding,
                 call=f"init_loss reported for L0={l0:.3f}, ln(10)={math.log(10):.3f}, init_tolerance={tolerance}",
                 hint="report when |L0 - ln(C)| > init_tolerance * ln(C)")


# ---------------------------------------------------------------- the caller's objects are untouched


def test_nothing_of_the_callers_changes(ex):
    model = mlp(3, dropout=True, batchnorm=True)
    x, y = digits_batch()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt.step()  # the optimizer has state now
    model[0].weight.grad = torch.full_like(model[0].weight, 7.0)  # a gradient the caller left there
    model[0].bias.grad = None
    model[3].eval()  # the caller's modes, one of them unusual
    before_state = copy.deepcopy(model.state_dict())
    before_opt = copy.deepcopy(opt.state_dict())
    before_modes = [m.training for m in model.modules()]
    before_grads = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}

    ex.run_checklist(model, (x, y), F.cross_entropy, opt, num_classes=10, overfit_steps=20)

    for key, value in model.state_dict().items():
        expect_close(value, before_state[key], what=f"model.state_dict()[{key!r}] after run_checklist", rtol=0, atol=0,
                     hint="train and run forward passes on copy.deepcopy((model, optimizer)), never on the original "
                          "(BatchNorm's running stats change on every training-mode forward)")
    expect_equal([m.training for m in model.modules()], before_modes, call="the modules' training flags after run_checklist")
    for n, p in model.named_parameters():
        if before_grads[n] is None:
            expect_true(p.grad is None, message=f"run_checklist left a gradient on {n}, which had none")
        else:
            expect_close(p.grad, before_grads[n], what=f"{n}.grad after run_checklist", rtol=0, atol=0)
    after_opt = opt.state_dict()
    for idx, state in before_opt["state"].items():
        for key, value in state.items():
            expect_close(after_opt["state"][idx][key], value, what=f"optimizer state {idx}.{key} after run_checklist",
                         rtol=0, atol=0, hint="step a deep copy of the optimizer, not the caller's")


@pytest.mark.parametrize(
    "kwargs",
    [{"overfit_steps": -1}, {"overfit_ratio": 0.0}, {"overfit_ratio": 1.0}, {"init_tolerance": 0.0}, {"num_classes": 1}],
)
def test_run_checklist_rejects_bad_options(ex, kwargs):
    model = mlp(0)
    expect_raises(ValueError, ex.run_checklist, model, digits_batch(), F.cross_entropy,
                  torch.optim.Adam(model.parameters(), lr=1e-2), **kwargs, call=f"run_checklist(..., **{kwargs})")
