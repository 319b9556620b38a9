"""Grading cs336-13: AdamW.

Oracle: ``torch.optim.AdamW`` driving an identical copy of a small float64
model on the same data; the parameters must agree after every one of 12
steps (also with two parameter groups, a frozen parameter, ``betas=(0, 0)``
and a ``state_dict`` round trip halfway). Plus a hand-worked first step.
"""

from __future__ import annotations

import copy

import pytest
import torch

from curriculum.grading.testing import device_params, expect_close, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-13")

DEVICES = device_params()
STEPS = 12
RTOL, ATOL = 1e-10, 1e-12


def skip_mps(device: str) -> None:
    if device == "mps":
        pytest.skip("MPS has no float64")


def make_model(device: str) -> torch.nn.Module:
    torch.manual_seed(13)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double().to(device)


def make_batches(device: str, n: int = STEPS) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(7)
    return [(torch.randn(16, 4, generator=g, dtype=torch.float64).to(device),
             torch.randn(16, 3, generator=g, dtype=torch.float64).to(device)) for _ in range(n)]


def train_step(model: torch.nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> None:
    opt.zero_grad()
    torch.nn.functional.mse_loss(model(x), y).backward()
    opt.step()


def groups_of(model: torch.nn.Module, config: str) -> list:
    """The `params` argument for both optimisers in one configuration."""
    if config == "one-group":
        return list(model.parameters())
    first, second = model[0], model[2]
    return [{"params": list(first.parameters())},
            {"params": list(second.parameters()), "lr": 3e-2, "weight_decay": 0.1}]


CONFIGS = [
    ("one-group", {}),
    ("one-group", {"lr": 1e-2, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}),
    ("one-group", {"lr": 1e-2, "weight_decay": 0.0}),
    ("one-group", {"lr": 1e-2, "betas": (0.0, 0.0)}),
    ("two-groups", {"lr": 5e-3}),
]


def compare_params(mine: torch.nn.Module, theirs: torch.nn.Module, call: str, hint: str) -> None:
    for (name, p), q in zip(mine.named_parameters(), theirs.parameters()):
        expect_close(p.detach(), q.detach(), what=f"{call}: parameter {name}", rtol=RTOL, atol=ATOL, hint=hint)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("config,kwargs", CONFIGS, ids=lambda c: str(c))
def test_adamw_follows_torch_adamw_step_by_step(ex, device, config, kwargs):
    skip_mps(device)
    mine, theirs = make_model(device), make_model(device)
    opt = ex.AdamW(groups_of(mine, config), **kwargs)
    expect_true(isinstance(opt, torch.optim.Optimizer), message="AdamW must subclass torch.optim.Optimizer")
    expect_true(not isinstance(opt, (torch.optim.Adam, torch.optim.AdamW)),
                message="AdamW must subclass torch.optim.Optimizer itself, not reuse torch.optim.Adam/AdamW")
    ref = torch.optim.AdamW(groups_of(theirs, config), **kwargs)
    for step, (x, y) in enumerate(make_batches(device), start=1):
        train_step(mine, opt, x, y)
        train_step(theirs, ref, x, y)
        compare_params(mine, theirs, f"AdamW({config}, **{kwargs}) after step {step}",
                       hint="decay first (p *= 1 - lr*wd), then m, v, bias corrections 1 - b**t with t counted "
                            "per parameter from 1, denom = sqrt(v) / sqrt(1 - b2**t) + eps; use each group's own lr/wd")


def test_adamw_first_step_by_hand(ex):
    # t = 1: m = 0.1 g, v = 0.001 g^2, so m_hat / sqrt(v_hat) = sign(g) (eps aside): a step of exactly lr.
    p = torch.nn.Parameter(torch.tensor([2.0, -1.0, 0.5], dtype=torch.float64))
    opt = ex.AdamW([p], lr=0.1, weight_decay=0.5, eps=0.0)
    p.grad = torch.tensor([100.0, -0.01, 3.0], dtype=torch.float64)
    opt.step()
    decayed = torch.tensor([2.0, -1.0, 0.5], dtype=torch.float64) * (1 - 0.1 * 0.5)
    want = decayed - 0.1 * torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64)
    expect_close(p.detach(), want, what="AdamW(lr=0.1, weight_decay=0.5, eps=0) first step on grads [100, -0.01, 3]",
                 rtol=1e-12, atol=1e-12,
                 hint="the first bias-corrected Adam step moves every coordinate by lr * sign(g); decay multiplies p by 1 - lr*wd")


@pytest.mark.parametrize("device", DEVICES)
def test_adamw_skips_parameters_without_grad(ex, device):
    skip_mps(device)
    mine, theirs = make_model(device), make_model(device)
    for model in (mine, theirs):
        model[0].weight.requires_grad_(False)  # frozen: its grad stays None
    opt, ref = ex.AdamW(mine.parameters(), lr=1e-2), torch.optim.AdamW(theirs.parameters(), lr=1e-2)
    frozen_before = mine[0].weight.detach().clone()
    for x, y in make_batches(device, 4):
        train_step(mine, opt, x, y)
        train_step(theirs, ref, x, y)
    call = "AdamW on a model whose first weight has requires_grad=False"
    expect_close(mine[0].weight.detach(), frozen_before, what=f"{call}: the frozen weight", rtol=0, atol=0,
                 hint="skip p when p.grad is None: no update and no weight decay")
    expect_true(len(opt.state.get(mine[0].weight, {})) == 0, message=f"{call}: state was created for the frozen weight",
                hint="create state on the first step that has a gradient")
    compare_params(mine, theirs, call, hint="the other parameters must still follow torch.optim.AdamW")


@pytest.mark.parametrize("device", DEVICES)
def test_adamw_state_dict_round_trip(ex, device):
    skip_mps(device)
    batches = make_batches(device)
    mine, theirs = make_model(device), make_model(device)
    opt, ref = ex.AdamW(mine.parameters(), lr=1e-2), torch.optim.AdamW(theirs.parameters(), lr=1e-2)
    for x, y in batches[:6]:
        train_step(mine, opt, x, y)
        train_step(theirs, ref, x, y)
    saved_model, saved_opt = copy.deepcopy(mine.state_dict()), copy.deepcopy(opt.state_dict())
    resumed = make_model(device)  # fresh weights and a fresh optimiser, then load the checkpoint
    resumed.load_state_dict(saved_model)
    opt2 = ex.AdamW(resumed.parameters(), lr=1e-2)
    opt2.load_state_dict(saved_opt)
    for step, (x, y) in enumerate(batches[6:], start=7):
        train_step(resumed, opt2, x, y)
        train_step(theirs, ref, x, y)
        compare_params(resumed, theirs, f"AdamW resumed from state_dict() after step 6, now step {step}",
                       hint="keep step, exp_avg and exp_avg_sq in self.state[p] (not in attributes of your own) "
                            "so that state_dict()/load_state_dict() carry them")


def test_adamw_returns_the_closure_loss(ex):
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0], dtype=torch.float64))
    opt = ex.AdamW([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p**2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    expect_true(isinstance(loss, torch.Tensor) and float(loss.detach()) == 5.0, message=f"AdamW.step(closure) returned {loss!r}, expected the loss 5.0",
                hint="call the closure under torch.enable_grad() before updating and return what it returns")
    expect_true(bool((p.detach() < torch.tensor([1.0, 2.0], dtype=torch.float64)).all()),
                message=f"AdamW.step(closure) did not move p downhill: {p.detach()}")


@pytest.mark.parametrize(
    "kwargs",
    [{"lr": -1e-3}, {"eps": -1e-8}, {"betas": (1.0, 0.999)}, {"betas": (0.9, -0.1)}, {"weight_decay": -0.01}],
    ids=["lr", "eps", "beta1", "beta2", "weight_decay"],
)
def test_adamw_rejects_invalid_hyperparameters(ex, kwargs):
    p = torch.nn.Parameter(torch.zeros(2))
    expect_raises(ValueError, lambda: ex.AdamW([p], **kwargs), call=f"AdamW([p], **{kwargs})",
                  hint="lr, eps, weight_decay >= 0 and each beta in [0, 1)")
