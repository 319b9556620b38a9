"""Grading torch-p06: warmup_cosine, step_decay, train_with_schedule,
compare_schedules, plot_lr_curves.

Oracles: torch's own schedulers (``SequentialLR`` of ``LinearLR`` and
``CosineAnnealingLR``, ``CosineAnnealingLR`` alone, ``StepLR``), read before
each ``scheduler.step()``; the training run replayed here with those
schedulers driving the optimizer (the losses must agree step for step);
properties (Hypothesis: monotone pieces, bounds); hand-worked values; the
PNG read back with matplotlib.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from sklearn.datasets import load_digits
from torch import nn
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR, StepLR

from curriculum.grading.testing import expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-p06")


def torch_rates(make_scheduler, base_lr: float, steps: int) -> list[float]:
    """The rates a torch scheduler gives, read before each scheduler.step()."""
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=base_lr)
    scheduler = make_scheduler(opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return rates


def torch_warmup_cosine(opt, *, warmup: int, total: int, min_lr: float):
    cosine = CosineAnnealingLR(opt, T_max=total - warmup, eta_min=min_lr)
    if warmup == 0:
        return cosine
    # LinearLR cannot start at exactly 0: 1e-10 is 0 within the tests' tolerance.
    return SequentialLR(opt, [LinearLR(opt, start_factor=1e-10, end_factor=1.0, total_iters=warmup), cosine], milestones=[warmup])


# ---------------------------------------------------------------- warmup_cosine

WC_CASES = [(10, 100, 0.1, 0.0), (5, 50, 1.0, 0.01), (0, 30, 0.5, 0.05), (1, 10, 0.3, 0.0), (99, 100, 2.0, 0.5), (3, 7, 1e-3, 1e-3)]


@pytest.mark.parametrize("warmup,total,base_lr,min_lr", WC_CASES)
def test_warmup_cosine_matches_torch_schedulers(ex, warmup, total, base_lr, min_lr):
    want = torch_rates(lambda opt: torch_warmup_cosine(opt, warmup=warmup, total=total, min_lr=min_lr), base_lr, total + 1)
    got = [ex.warmup_cosine(s, warmup=warmup, total=total, base_lr=base_lr, min_lr=min_lr) for s in range(total + 1)]
    bad = [s for s in range(total + 1) if not math.isclose(got[s], want[s], rel_tol=1e-7, abs_tol=1e-9 * base_lr)]
    expect_true(not bad,
                message=(f"warmup_cosine(step, warmup={warmup}, total={total}, base_lr={base_lr}, min_lr={min_lr}) differs from "
                         f"torch's SequentialLR(LinearLR, CosineAnnealingLR) at steps {bad[:5]}: "
                         f"got {[round(got[s], 8) for s in bad[:3]]}, expected {[round(want[s], 8) for s in bad[:3]]}"),
                hint="warm-up: base_lr * step / warmup; then t = (step - warmup) / (total - warmup) and min + (base - min)(1 + cos(pi t)) / 2")


def test_warmup_cosine_hand_worked(ex):
    got = [round(ex.warmup_cosine(s, warmup=2, total=6, base_lr=1.0), 3) for s in range(8)]
    expect_equal(got, [0.0, 0.5, 1.0, 0.854, 0.5, 0.146, 0.0, 0.0], call="[warmup_cosine(s, warmup=2, total=6, base_lr=1.0) for s in range(8)]",
                 hint="past total the rate stays at min_lr (torch's CosineAnnealingLR would climb back up)")
    expect_float(ex.warmup_cosine(10**6, warmup=10, total=100, base_lr=0.1, min_lr=0.02), 0.02,
                 call="warmup_cosine(10**6, warmup=10, total=100, base_lr=0.1, min_lr=0.02)")


@given(st.integers(0, 50), st.integers(1, 200), st.floats(1e-4, 10.0), st.floats(0.0, 1.0))
def test_warmup_cosine_properties(ex, warmup, extra, base_lr, min_fraction):
    total = warmup + extra
    min_lr = base_lr * min_fraction
    rates = [ex.warmup_cosine(s, warmup=warmup, total=total, base_lr=base_lr, min_lr=min_lr) for s in range(total + 3)]
    call = f"warmup_cosine(s, warmup={warmup}, total={total}, base_lr={base_lr!r}, min_lr={min_lr!r})"
    eps = 1e-12 * base_lr
    expect_true(all(rates[s] <= rates[s + 1] + eps for s in range(warmup)), message=f"{call}: the warm-up should rise step by step: {rates[:warmup + 1]}")
    expect_true(all(rates[s] + eps >= rates[s + 1] for s in range(warmup, total + 2)), message=f"{call}: after the warm-up the rate should never rise")
    expect_true(all(-eps <= r <= base_lr + eps for r in rates), message=f"{call}: rates should stay within [0, base_lr]")
    expect_true(abs(rates[warmup] - base_lr) <= eps * 10 and abs(rates[total] - min_lr) <= eps * 10,
                message=f"{call}: the rate should be base_lr at step warmup and min_lr at step total; got {rates[warmup]!r} and {rates[total]!r}")


@pytest.mark.parametrize(
    "step,kwargs",
    [
        (-1, {"warmup": 1, "total": 10, "base_lr": 0.1}),
        (0, {"warmup": 10, "total": 10, "base_lr": 0.1}),
        (0, {"warmup": -1, "total": 10, "base_lr": 0.1}),
        (0, {"warmup": 1, "total": 10, "base_lr": 0.0}),
        (0, {"warmup": 1, "total": 10, "base_lr": 0.1, "min_lr": 0.2}),
        (0, {"warmup": 1, "total": 10, "base_lr": 0.1, "min_lr": -0.1}),
    ],
)
def test_warmup_cosine_rejects_bad_arguments(ex, step, kwargs):
    expect_raises(ValueError, lambda: ex.warmup_cosine(step, **kwargs), call=f"warmup_cosine({step}, **{kwargs})",
                  hint="step >= 0, 0 <= warmup < total, base_lr > 0, 0 <= min_lr <= base_lr")


# ---------------------------------------------------------------- step_decay


@pytest.mark.parametrize("step_size,gamma,base_lr", [(30, 0.1, 0.1), (1, 0.5, 1.0), (7, 1.0, 0.3), (4, 0.9, 2.5)])
def test_step_decay_matches_step_lr(ex, step_size, gamma, base_lr):
    want = torch_rates(lambda opt: StepLR(opt, step_size=step_size, gamma=gamma), base_lr, 100)
    got = [ex.step_decay(s, step_size=step_size, gamma=gamma, base_lr=base_lr) for s in range(100)]
    bad = [s for s in range(100) if not math.isclose(got[s], want[s], rel_tol=1e-9, abs_tol=1e-15)]
    expect_true(not bad, message=f"step_decay(step, step_size={step_size}, gamma={gamma}, base_lr={base_lr}) differs from StepLR at steps {bad[:5]}",
                hint="base_lr * gamma ** (step // step_size)")


@pytest.mark.parametrize(
    "step,kwargs",
    [(-1, {"step_size": 2, "gamma": 0.5, "base_lr": 1.0}), (0, {"step_size": 0, "gamma": 0.5, "base_lr": 1.0}),
     (0, {"step_size": 2, "gamma": 0.0, "base_lr": 1.0}), (0, {"step_size": 2, "gamma": 1.5, "base_lr": 1.0})],
)
def test_step_decay_rejects_bad_arguments(ex, step, kwargs):
    expect_raises(ValueError, lambda: ex.step_decay(step, **kwargs), call=f"step_decay({step}, **{kwargs})",
                  hint="step >= 0, step_size >= 1, 0 < gamma <= 1, base_lr > 0")


# ---------------------------------------------------------------- train_with_schedule


def replay(make_scheduler, *, steps: int, seed: int = 0, batch_size: int = 32) -> tuple[list[float], list[float]]:
    """The documented run, with a torch scheduler driving the optimizer: (rates, losses)."""
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target, dtype=torch.int64)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.4, momentum=0.9)
    scheduler = make_scheduler(opt)
    g = torch.Generator().manual_seed(seed)
    per_epoch = len(x) // batch_size
    rates, losses = [], []
    for k in range(steps):
        if k % per_epoch == 0:
            perm = torch.randperm(len(x), generator=g)
        idx = perm[(k % per_epoch) * batch_size : (k % per_epoch + 1) * batch_size]
        rates.append(opt.param_groups[0]["lr"])
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        scheduler.step()
        losses.append(loss.item())
    return rates, losses


@pytest.mark.parametrize("name", ["step decay", "warmup + cosine"])
def test_training_applies_the_rate_at_the_right_step(ex, name):
    steps = 70  # more than one epoch of 56 steps
    if name == "step decay":
        schedule = lambda k: ex.step_decay(k, step_size=20, gamma=0.3, base_lr=0.4)  # noqa: E731
        make = lambda opt: StepLR(opt, step_size=20, gamma=0.3)  # noqa: E731
    else:
        schedule = lambda k: ex.warmup_cosine(k, warmup=10, total=steps, base_lr=0.4)  # noqa: E731
        make = lambda opt: torch_warmup_cosine(opt, warmup=10, total=steps, min_lr=0.0)  # noqa: E731
    run = ex.train_with_schedule(schedule, steps=steps, seed=0)
    rates, losses = replay(make, steps=steps)
    call = f"train_with_schedule(<{name}>, steps={steps}, seed=0)"
    expect_true(isinstance(run, dict) and {"lrs", "losses", "final_loss"} <= set(run),
                message=f"{call} should return a dict with 'lrs', 'losses' and 'final_loss', got {run!r:.200}")
    expect_equal(len(run["losses"]), steps, call=f"len({call}['losses'])")
    bad_rates = [k for k in range(steps) if not math.isclose(run["lrs"][k], rates[k], rel_tol=1e-7, abs_tol=1e-10)]
    expect_true(not bad_rates, message=f"{call}: rates differ from torch's scheduler at steps {bad_rates[:5]}")
    bad = [k for k in range(steps) if not math.isclose(run["losses"][k], losses[k], rel_tol=1e-4, abs_tol=1e-6)]
    expect_true(not bad,
                message=f"{call}: losses differ from the same run driven by torch's scheduler from step {bad[:1]} on "
                        f"(got {run['losses'][bad[0]]:.6f}, expected {losses[bad[0]]:.6f})" if bad else "",
                hint="set group['lr'] = schedule(k) before optimizer.step() of step k; seed the model and the batch order as documented")
    expect_true(run["final_loss"] < losses[0], message=f"{call}: final_loss {run['final_loss']:.4f} is not below the first loss {losses[0]:.4f}")


def test_training_calls_the_schedule_once_per_step_in_order(ex):
    calls: list[int] = []

    def spy(k: int) -> float:
        calls.append(k)
        return 0.05

    run = ex.train_with_schedule(spy, steps=5, seed=1)
    expect_equal(calls, [0, 1, 2, 3, 4], call="the steps passed to schedule by train_with_schedule(spy, steps=5)",
                 hint="call schedule(k) once per step; the optimizer's initial lr is not a step")
    expect_equal(run["lrs"], [0.05] * 5, call="train_with_schedule(spy, steps=5)['lrs']")
    one = ex.train_with_schedule(lambda k: 0.1, steps=1)
    expect_equal(len(one["losses"]), 1, call="len(train_with_schedule(..., steps=1)['losses'])")
    expect_raises(ValueError, lambda: ex.train_with_schedule(spy, steps=0), call="train_with_schedule(spy, steps=0)")


@pytest.mark.slow
def test_schedules_beat_a_constant_high_rate(ex):
    steps, peak = 300, 0.4
    runs = ex.compare_schedules(
        {
            "constant": lambda k: peak,
            "step": lambda k: ex.step_decay(k, step_size=75, gamma=0.3, base_lr=peak),
            "cosine": lambda k: ex.warmup_cosine(k, warmup=30, total=steps, base_lr=peak),
        },
        steps=steps,
    )
    expect_equal(list(runs), ["constant", "step", "cosine"], call="list(compare_schedules(...))")
    finals = {k: round(v["final_loss"], 4) for k, v in runs.items()}
    expect_true(finals["step"] < 0.1 and finals["cosine"] < 0.1,
                message=f"after 300 steps with peak rate 0.4 both decaying schedules should reach a loss below 0.1: {finals}")
    expect_true(finals["constant"] > 2 * max(finals["step"], finals["cosine"]),
                message=f"a constant rate of 0.4 should stay noisy (loss well above the decayed runs): {finals}")


# ---------------------------------------------------------------- plot_lr_curves


@pytest.mark.parametrize("with_losses", [False, True])
def test_plot_writes_a_png(ex, tmp_path, with_losses):
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt

    curves = {"cosine": [0.1 * (1 + math.cos(math.pi * s / 50)) / 2 for s in range(51)], "constant": [0.05] * 51}
    losses = {"cosine": [2.0 / (s + 1) for s in range(51)], "constant": [1.0] * 51} if with_losses else None
    target = tmp_path / "new folder" / "lr.png"
    open_before = plt.get_fignums()
    got = ex.plot_lr_curves(curves, target, losses=losses)
    call = f"plot_lr_curves(<2 curves>, {target.name!r}, losses={'<2 curves>' if with_losses else None})"
    expect_true(isinstance(got, type(target)) and got == target, message=f"{call} should return Path(path), got {got!r}")
    expect_true(target.is_file(), message=f"{call} wrote no file", hint="create the parent folder: path.parent.mkdir(parents=True, exist_ok=True)")
    expect_equal(target.read_bytes()[:8], b"\x89PNG\r\n\x1a\n", call=f"the first 8 bytes of the file from {call}", hint="savefig(path, format='png')")
    image = mpimg.imread(target)
    expect_true(image.ndim == 3 and image.shape[0] > 50 and image.shape[1] > 50 and float(image[..., :3].std()) > 0.01,
                message=f"{call}: the PNG is {image.shape} and looks blank")
    expect_equal(plt.get_fignums(), open_before, call=f"pyplot's open figures after {call}",
                 hint="use matplotlib.figure.Figure, or plt.close(fig) after saving: open figures pile up in memory")
    if with_losses:
        single = ex.plot_lr_curves(curves, tmp_path / "single.png")
        expect_true(mpimg.imread(target).shape[1] > mpimg.imread(single).shape[1],
                    message="with losses= the figure should have a second panel (wider than the learning-rate plot alone)")


@pytest.mark.parametrize("curves", [{}, {"empty": []}])
def test_plot_rejects_no_curves(ex, tmp_path, curves):
    expect_raises(ValueError, lambda: ex.plot_lr_curves(curves, tmp_path / "x.png"), call=f"plot_lr_curves({curves}, ...)",
                  hint="there is nothing to plot")
