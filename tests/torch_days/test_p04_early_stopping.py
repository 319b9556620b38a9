"""Grading torch-p04: EarlyStopping and fit.

Oracles: hand-worked validation curves (where to stop, which epoch is best),
a brute-force statement of the rule run on random curves (Hypothesis), the
weights each scripted epoch wrote (``torch.equal`` after restoring), and a
real model overfitting 60 digits, whose restored weights must give the
lowest validation loss of the run.
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

from curriculum.grading.testing import expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-p04")

NAN = float("nan")


def brute_force(values, patience, min_delta=0.0, mode="min"):
    """(stop epoch or None, best epoch or None): the rule written as plainly as possible."""
    best, best_epoch, bad = None, None, 0
    for epoch, v in enumerate(values):
        if v != v:  # NaN
            better = False
        elif best is None:
            better = True
        else:
            better = v < best - min_delta if mode == "min" else v > best + min_delta
        if better:
            best, best_epoch, bad = v, epoch, 0
        else:
            bad += 1
            if bad >= patience:
                return epoch, best_epoch
    return None, best_epoch


# (curve, patience, min_delta, mode, stop epoch, best epoch) -- worked out by hand
CURVES = {
    "dip then rise": ([1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.9], 2, 0.0, "min", 4, 2),
    "second dip caught with more patience": ([1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.9], 3, 0.0, "min", 8, 5),
    "plateau is not improvement": ([0.5, 0.5, 0.5], 2, 0.0, "min", 2, 0),
    "min_delta ignores tiny gains": ([1.0, 0.97, 0.96, 0.9, 0.89], 2, 0.05, "min", 2, 0),
    "min_delta lets a real gain through": ([1.0, 0.94, 0.93, 0.92, 0.5], 3, 0.05, "min", None, 4),
    "accuracy (mode max)": ([0.5, 0.6, 0.6, 0.55, 0.7], 2, 0.0, "max", 3, 1),
    "NaN never improves": ([1.0, NAN, NAN, 0.1], 2, 0.0, "min", 2, 0),
    "NaN first": ([NAN, 2.0, 1.0, 1.5], 2, 0.0, "min", None, 2),
    "patience 1 stops at the first bad epoch": ([3.0, 2.0, 2.5, 1.0], 1, 0.0, "min", 2, 1),
    "always improving never stops": ([5.0, 4.0, 3.0, 2.0, 1.0], 1, 0.0, "min", None, 4),
    "negative losses": ([-1.0, -2.0, -1.5, -1.9], 2, 0.0, "min", 3, 1),
}


@pytest.mark.parametrize("case", list(CURVES))
def test_stops_at_the_right_epoch(ex, case):
    values, patience, min_delta, mode, want_stop, want_best = CURVES[case]
    expect_equal(brute_force(values, patience, min_delta, mode), (want_stop, want_best),
                 call=f"(self-check) the brute-force rule on {case!r}")  # the oracle agrees with the hand-worked answer
    stopper = ex.EarlyStopping(patience=patience, min_delta=min_delta, mode=mode)
    call = f"EarlyStopping(patience={patience}, min_delta={min_delta}, mode={mode!r}) on {values}"
    got_stop = None
    for epoch, v in enumerate(values):
        decision = stopper.step(v)
        expect_true(isinstance(decision, bool), message=f"{call}: step() should return a bool, got {decision!r}")
        if decision:
            got_stop = epoch
            break
    expect_equal(got_stop, want_stop, call=f"{call}: the epoch where step() first returns True",
                 hint="count bad epochs since the last improvement; stop when the count reaches patience")
    expect_equal(stopper.best_epoch, want_best, call=f"{call}: best_epoch",
                 hint="an improvement must beat best by more than min_delta; a NaN is never an improvement")
    if want_best is not None:
        expect_float(stopper.best_value, values[want_best], call=f"{call}: best_value")
    expect_equal(stopper.should_stop, want_stop is not None, call=f"{call}: should_stop")


@given(
    st.lists(st.one_of(st.floats(-5, 5), st.just(NAN)), max_size=25),
    st.integers(1, 5),
    st.sampled_from([0.0, 0.1, 1.0]),
    st.sampled_from(["min", "max"]),
)
def test_matches_the_rule_on_random_curves(ex, values, patience, min_delta, mode):
    stopper = ex.EarlyStopping(patience=patience, min_delta=min_delta, mode=mode)
    got_stop = None
    for epoch, v in enumerate(values):
        if stopper.step(v):
            got_stop = epoch
            break
    want = brute_force(values, patience, min_delta, mode)
    expect_equal((got_stop, stopper.best_epoch), want,
                 call=f"EarlyStopping(patience={patience}, min_delta={min_delta}, mode={mode!r}) on {values}: (stop epoch, best epoch)")


@pytest.mark.parametrize(
    "kwargs",
    [{"patience": 0}, {"patience": -1}, {"patience": 2.5}, {"patience": 2, "min_delta": -0.1}, {"patience": 2, "mode": "avg"}],
)
def test_rejects_bad_settings(ex, kwargs):
    expect_raises(ValueError, lambda: ex.EarlyStopping(**kwargs), call=f"EarlyStopping(**{kwargs})",
                  hint="patience: an int >= 1; min_delta >= 0; mode 'min' or 'max'")


# ---------------------------------------------------------------- saving and restoring weights


def small_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))


def stamp(model: nn.Module, value: float) -> None:
    """Write ``value`` into every parameter and buffer of ``model`` (in place)."""
    with torch.no_grad():
        for t in list(model.parameters()) + [b for b in model.buffers() if b.is_floating_point()]:
            t.fill_(value)


def stamped_with(model: nn.Module, value: float) -> bool:
    tensors = list(model.parameters()) + [b for b in model.buffers() if b.is_floating_point()]
    return all(torch.equal(t, torch.full_like(t, value)) for t in tensors)


def test_saved_weights_are_a_copy(ex):
    model = small_model()
    stopper = ex.EarlyStopping(patience=3)
    for epoch, v in enumerate([1.0, 0.5, 0.7]):
        stamp(model, float(epoch))  # the weights "epoch e" produced
        stopper.step(v, model)
    stamp(model, 99.0)  # keep training in place
    stopper.restore(model)
    expect_true(stamped_with(model, 1.0),
                message="after step(1.0), step(0.5), step(0.7) with the model, then an in-place update, restore() did not bring back epoch 1's weights",
                hint="state_dict() returns the live tensors: store {k: v.detach().clone() for k, v in model.state_dict().items()}")
    expect_true(all(not t.requires_grad for t in stopper.best_state.values()),
                message="best_state should hold detached copies (requires_grad False)")


def test_restore_without_saved_weights_raises(ex):
    stopper = ex.EarlyStopping(patience=2)
    stopper.step(1.0)  # no model given: nothing to save
    expect_raises(RuntimeError, lambda: stopper.restore(small_model()), call="restore(model) after step(1.0) without a model",
                  hint="raise RuntimeError when best_state is None")


# ---------------------------------------------------------------- fit


class Script:
    """A scripted run: epoch e writes weights e and reports curve[e]."""

    def __init__(self, curve):
        self.curve = curve
        self.train_calls: list[int] = []
        self.epoch = -1

    def train_epoch(self, model, epoch):
        self.train_calls.append(epoch)
        self.epoch = epoch
        stamp(model, float(epoch))
        return 10.0 - epoch

    def evaluate(self, model):
        return self.curve[self.epoch]


@pytest.mark.parametrize("restore_best", [True, False])
def test_fit_on_a_scripted_curve(ex, restore_best):
    curve = [1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.9, 0.95]
    script = Script(curve)
    model = small_model()
    call = f"fit(<scripted curve {curve}>, max_epochs=10, stopper=EarlyStopping(patience=3), restore_best={restore_best})"
    history = ex.fit(model, script.train_epoch, script.evaluate, max_epochs=10, stopper=ex.EarlyStopping(patience=3),
                     restore_best=restore_best)
    expect_equal(script.train_calls, list(range(9)), call=f"{call}: the epochs passed to train_epoch",
                 hint="stop right after the epoch where stopper.step returns True (epoch 8 here)")
    expect_equal(history["val"], curve[:9], call=f"{call}['val']")
    expect_equal(history["train_loss"], [10.0 - e for e in range(9)], call=f"{call}['train_loss']")
    expect_equal((history["best_epoch"], history["stopped_epoch"]), (5, 8), call=f"{call}: (best_epoch, stopped_epoch)")
    want = 5.0 if restore_best else 8.0
    expect_true(stamped_with(model, want), message=f"{call}: the model should end with epoch {int(want)}'s weights",
                hint="with restore_best, load the stopper's saved copy at the end; without it, leave the model alone")


def test_fit_that_never_stops(ex):
    curve = [5.0, 4.0, 3.0, 2.0]
    script = Script(curve)
    model = small_model()
    history = ex.fit(model, script.train_epoch, script.evaluate, max_epochs=4, stopper=ex.EarlyStopping(patience=2))
    call = "fit(<always improving>, max_epochs=4, ...)"
    expect_equal((history["best_epoch"], history["stopped_epoch"]), (3, None), call=f"{call}: (best_epoch, stopped_epoch)",
                 hint="stopped_epoch stays None when max_epochs runs out first")
    expect_equal(script.train_calls, [0, 1, 2, 3], call=f"{call}: epochs run")
    expect_true(stamped_with(model, 3.0), message=f"{call}: the model should keep the last (and best) epoch's weights")
    expect_raises(ValueError, lambda: ex.fit(model, script.train_epoch, script.evaluate, max_epochs=0, stopper=ex.EarlyStopping(patience=1)),
                  call="fit(..., max_epochs=0)")


@pytest.mark.slow
def test_fit_keeps_the_best_model_of_a_real_run(ex):
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target)
    x_train, y_train, x_val, y_val = x[:60], y[:60], x[1000:1400], y[1000:1400]  # 60 images: easy to overfit
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

    def train_epoch(m, epoch):
        m.train()
        loss = F.cross_entropy(m(x_train), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    def val_loss(m):
        m.eval()
        with torch.no_grad():
            return F.cross_entropy(m(x_val), y_val).item()

    history = ex.fit(model, train_epoch, val_loss, max_epochs=100, stopper=ex.EarlyStopping(patience=5))
    call = "fit(<MLP on 60 digits>, max_epochs=100, stopper=EarlyStopping(patience=5))"
    vals = history["val"]
    expect_true(history["stopped_epoch"] is not None and history["stopped_epoch"] < 60,
                message=f"{call}: the validation loss turns up after ~15 epochs, so it should stop well before 60; stopped_epoch={history['stopped_epoch']}")
    best = min(range(len(vals)), key=vals.__getitem__)
    expect_equal(history["best_epoch"], best, call=f"{call}['best_epoch'] (the argmin of the validation losses)")
    expect_float(val_loss(model), vals[best], call=f"{call}: validation loss of the model after fit", rel=1e-5,
                 hint="restore the best epoch's weights at the end; the last epoch's loss was " + f"{vals[-1]:.4f}")
    expect_true(vals[-1] > vals[best] and not math.isnan(vals[-1]), message=f"{call}: the last validation loss should be above the best one")
