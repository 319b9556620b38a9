"""Grading torch-14: train_one_epoch, evaluate, fit.

Oracles: a training loop written out by hand (same data, same initial
weights, same optimizer: the parameters must agree), one full-batch
``F.cross_entropy`` for the mean validation loss, torch's own ``StepLR`` and
``ReduceLROnPlateau`` for the learning-rate column, scripted validation
losses whose best epoch and stopping point are known by hand, snapshots of
the weights taken in the ``log`` callback, and a real task: an MLP on
scikit-learn's digits must reach 90 % validation accuracy.
"""

from __future__ import annotations

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-14")

DEVICES = device_params()


def blobs(n: int, seed: int, *, classes: int = 3, features: int = 5):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % classes
    x = torch.randn(n, features, generator=g) + 2.0 * F.one_hot(y, features).float()
    return x, y


def loader(x, y, batch_size, *, shuffle=False, seed=0):
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=shuffle, generator=generator)


def stale_grads(model: nn.Module) -> None:
    """Gradients left over from earlier code, which the first step must not use."""
    for p in model.parameters():
        p.grad = torch.full_like(p, 100.0)


# ---------------------------------------------------------------- train_one_epoch


@pytest.mark.parametrize("device", DEVICES)
def test_train_one_epoch_matches_a_hand_written_loop(ex, device):
    x, y = blobs(10, seed=1)
    torch.manual_seed(0)
    mine = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(device)
    theirs = copy.deepcopy(mine)
    stale_grads(mine)
    mine.eval()  # left in eval mode by earlier code: train_one_epoch must switch it back
    opt_mine = torch.optim.SGD(mine.parameters(), lr=0.1, momentum=0.9)
    opt_theirs = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    got = ex.train_one_epoch(mine, loader(x, y, 4), optimizer=opt_mine, loss_fn=F.cross_entropy)  # batches 4, 4, 2

    total = 0.0
    for xb, yb in loader(x, y, 4):
        opt_theirs.zero_grad()
        loss = F.cross_entropy(theirs(xb.to(device)), yb.to(device))
        loss.backward()
        opt_theirs.step()
        total += loss.item() * len(yb)
    expect_float(got, total / 10, call=f"train_one_epoch(<10 samples in batches 4, 4, 2>) on {device}", rel=1e-5,
                 hint="return sum(loss_b * n_b) / sum(n_b): the last, smaller batch weighs less")
    for (name, p), q in zip(mine.named_parameters(), theirs.parameters()):
        expect_close(p.detach(), q.detach(), what=f"parameter {name!r} after train_one_epoch vs a hand-written loop on {device}",
                     rtol=1e-5, atol=1e-6,
                     hint="zero_grad before each backward (the test left stale gradients of 100 before the call)")
    expect_true(mine.training, message="train_one_epoch should leave the model in training mode (it calls model.train())")


def test_train_one_epoch_rejects_an_empty_loader(ex):
    model = nn.Linear(5, 3)
    expect_raises(ValueError, lambda: ex.train_one_epoch(model, [], optimizer=torch.optim.SGD(model.parameters(), lr=0.1), loss_fn=F.cross_entropy),
                  call="train_one_epoch(model, [], ...)", hint="a mean over zero samples is undefined: raise ValueError")


# ---------------------------------------------------------------- evaluate


class Spy(nn.Module):
    """Records (training, grad enabled) at every forward call."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x):
        self.calls.append((self.training, torch.is_grad_enabled()))
        return self.inner(x)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("start_in_train_mode", [True, False], ids=["from-train-mode", "from-eval-mode"])
def test_evaluate_matches_the_full_batch_loss(ex, device, start_in_train_mode):
    x, y = blobs(10, seed=2)
    model = nn.Sequential(nn.Dropout(0.5), nn.Linear(5, 3))
    with torch.no_grad():  # reads the blob's class off features 0..2: right most of the time, not always
        model[1].weight.copy_(torch.eye(3, 5) + 0.3 * torch.randn(3, 5, generator=torch.Generator().manual_seed(1)))
        model[1].bias.zero_()
    model.to(device).train(start_in_train_mode)
    got = ex.evaluate(model, loader(x, y, 4), F.cross_entropy)
    expect_true(isinstance(got, dict) and {"loss", "accuracy"} <= set(got),
                message=f"evaluate(...) should return a dict with 'loss' and 'accuracy'; got {got!r}")
    expect_equal([m.training for m in model.modules()], [start_in_train_mode] * 3, call="every module's .training after evaluate(...)",
                 hint="remember each module's training flag and put it back in a finally block")
    model.eval()
    with torch.no_grad():
        logits = model(x.to(device))
    want_loss = F.cross_entropy(logits, y.to(device)).item()
    want_acc = (logits.argmax(1).cpu() == y).sum().item() / len(y)
    assert 0.5 < want_acc < 1.0, want_acc  # the test's own premise
    expect_float(got["loss"], want_loss, call=f"evaluate(<10 samples in batches 4, 4, 2>)['loss'] on {device}", rel=1e-5,
                 hint="weigh each batch's mean loss by its size; run in eval mode so dropout is off")
    expect_float(got["accuracy"], want_acc, call=f"evaluate(...)['accuracy'] on {device}", rel=1e-9)
    expect_true(all(p.grad is None for p in model.parameters()),
                message="evaluate(...) created .grad on the parameters", hint="run the loop under torch.no_grad() and never call backward")


def test_evaluate_uses_eval_mode_and_no_grad(ex):
    x, y = blobs(6, seed=3)
    spy = Spy(nn.Linear(5, 3))
    ex.evaluate(spy, loader(x, y, 4), F.cross_entropy)
    expect_equal(spy.calls, [(False, False), (False, False)], call="(model.training, torch.is_grad_enabled()) at each forward of evaluate",
                 hint="model.eval() switches dropout/BatchNorm; torch.no_grad() stops the graph: you need both")


def test_evaluate_restores_mixed_modes(ex):
    x, y = blobs(6, seed=3)
    model = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4), nn.Dropout(0.2), nn.Linear(4, 3)).train()
    model[1].eval()  # a frozen BatchNorm inside a model in training mode
    before = [m.training for m in model.modules()]
    ex.evaluate(model, loader(x, y, 3), F.cross_entropy)
    expect_equal([m.training for m in model.modules()], before, call="the modules' .training flags after evaluate(<train model, frozen BatchNorm>)",
                 hint="model.train() afterwards would unfreeze the BatchNorm: restore each module's own flag")


def test_evaluate_rejects_an_empty_loader(ex):
    model = nn.Linear(5, 3).train()
    expect_raises(ValueError, lambda: ex.evaluate(model, [], F.cross_entropy), call="evaluate(model, [], F.cross_entropy)")
    expect_true(model.training, message="evaluate(model, []) should restore the training mode before raising")


def test_evaluate_regression_has_no_accuracy(ex):
    g = torch.Generator().manual_seed(4)
    x = torch.randn(9, 3, generator=g)
    t = torch.randn(9, 1, generator=g)
    model = nn.Linear(3, 1)
    got = ex.evaluate(model, loader(x, t, 4), F.mse_loss)
    with torch.no_grad():
        want = F.mse_loss(model(x), t).item()
    expect_float(got["loss"], want, call="evaluate(<regression, 9 samples in batches 4, 4, 1>)['loss']", rel=1e-5)
    expect_true(math.isnan(got["accuracy"]), message=f"evaluate(<float targets>)['accuracy'] should be nan, got {got['accuracy']!r}",
                hint="accuracy applies only to integer targets with outputs.shape[:-1] == targets.shape")


def test_evaluate_counts_sequence_positions(ex):
    logits = torch.tensor([[[2.0, 0.0], [0.0, 2.0], [2.0, 0.0]]])  # (1, 3, 2): predicts 0, 1, 0
    targets = torch.tensor([[0, 1, 1]])  # (1, 3)

    def loss_fn(out, tgt):
        return F.cross_entropy(out.reshape(-1, out.shape[-1]), tgt.reshape(-1))

    got = ex.evaluate(nn.Identity(), [(logits, targets)], loss_fn)
    expect_float(got["accuracy"], 2 / 3, call="evaluate(<logits (1, 3, 2), targets (1, 3)>)['accuracy']", rel=1e-9,
                 hint="compare outputs.argmax(-1) with the targets at every position")


# ---------------------------------------------------------------- fit: a real task


def digits_loaders():
    data = load_digits()
    x = torch.from_numpy(data.data / 16.0).float()  # (1797, 64)
    y = torch.from_numpy(data.target).long()
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))  # a shuffled 80/20 split
    tr, va = order[:1437], order[1437:]
    return loader(x[tr], y[tr], 32, shuffle=True), loader(x[va], y[va], 512), (x[va], y[va])


def test_fit_trains_an_mlp_on_digits(ex):
    train_loader, val_loader, (xv, yv) = digits_loaders()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    history = ex.fit(model, train_loader, val_loader, optimizer=optimizer, loss_fn=F.cross_entropy, epochs=8)
    expect_equal(len(history.records), 8, call="len(fit(..., epochs=8).records)")
    expect_equal(model.training, False, call="model.training after fit", hint="leave the model in eval mode, ready for inference")
    with torch.no_grad():
        accuracy = (model(xv).argmax(1) == yv).float().mean().item()
    expect_true(accuracy > 0.9,
                message=f"an MLP 64-64-10 trained by fit(epochs=8, Adam lr=1e-2) reaches {accuracy:.3f} validation accuracy on digits; want > 0.9",
                hint="zero_grad, backward, step in every batch; model.train() while training")
    train_losses = history.column("train_loss")
    expect_true(train_losses[-1] < 0.5 * train_losses[0],
                message=f"the training loss should fall by more than half over 8 epochs; got {[round(v, 3) for v in train_losses]}")
    expect_float(history.records[history.best_epoch]["val_accuracy"], accuracy, call="history.records[best_epoch]['val_accuracy']",
                 rel=1e-6, hint="restore the best epoch's weights at the end")


# ---------------------------------------------------------------- fit: scripted validation losses


class Scripted:
    """A model trained for real (MSE regression) whose *validation* losses follow a script.

    The training loss is honest, so the weights change every epoch; in eval
    mode the loss function returns the next value of the script (one
    validation batch per epoch).
    """

    def __init__(self, script):
        torch.manual_seed(5)
        self.model = nn.Linear(3, 1)
        self.script = list(script)
        self.val_calls = 0
        self.snapshots: list[dict] = []
        g = torch.Generator().manual_seed(6)
        x = torch.randn(12, 3, generator=g)
        t = x @ torch.tensor([[1.0], [-2.0], [0.5]])
        self.train_loader = loader(x, t, 4)
        self.val_loader = loader(x[:4], t[:4], 4)  # one batch of 4: the mean of one batch is exact
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.05)

    def loss_fn(self, out, target):
        if self.model.training:
            return F.mse_loss(out, target)
        value = self.script[self.val_calls]
        self.val_calls += 1
        return (F.mse_loss(out, target) * 0).double() + value  # float64, so the mean reproduces the script exactly

    def log(self, record):
        self.snapshots.append({k: v.detach().clone() for k, v in self.model.state_dict().items()})

    def fit(self, ex, **kwargs):
        return ex.fit(self.model, self.train_loader, self.val_loader, optimizer=self.optimizer, loss_fn=self.loss_fn,
                      log=self.log, **kwargs)


NAN = float("nan")
# (script, epochs, patience, expected number of epochs run, best epoch)
PLANS = {
    "dip-then-plateau": ([3, 2, 2.5, 1, 1.5, 1.2, 1.1, 0.9], 8, 3, 7, 3),
    "no-patience": ([3, 2, 2.5, 1, 1.5, 1.2, 1.1, 0.9], 8, None, 8, 7),
    "ties-do-not-count": ([1, 1, 1, 1, 1], 5, 2, 3, 0),
    "nan-does-not-count": ([2, NAN, 1.5, NAN, NAN, 1, 1], 7, 2, 5, 2),
    "always-better": ([5, 4, 3], 3, 1, 3, 2),
    "patience-1": ([5, 4, 4.5, 1], 4, 1, 3, 1),
}


@pytest.mark.parametrize("plan", list(PLANS))
def test_fit_early_stopping_and_best_epoch(ex, tmp_path, plan):
    script, epochs, patience, runs, best = PLANS[plan]
    run = Scripted(script)
    path = tmp_path / "best.pt"
    history = run.fit(ex, epochs=epochs, patience=patience, checkpoint_path=path)
    call = f"fit(<validation losses {script}>, epochs={epochs}, patience={patience})"
    expect_equal(run.val_calls, len(history.records), call=f"{call}: validation loss calls vs epochs run",
                 hint="evaluate val_loader exactly once per epoch")
    expect_equal(len(history.records), runs, call=f"{call}: epochs run",
                 hint="count epochs since the last strict improvement; stop when that count reaches patience")
    expect_equal(history.stopped_early, runs < epochs, call=f"{call}.stopped_early")
    expect_equal(history.best_epoch, best, call=f"{call}.best_epoch", hint="only a strictly lower loss improves; nan never does")
    expect_float(history.best_val_loss, float(script[best]), call=f"{call}.best_val_loss")
    got_losses = history.column("val_loss")
    same = all((math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(got_losses, script[:runs]))
    expect_true(same, message=f"{call}: the val_loss column is {got_losses}, want {script[:runs]}")
    expect_equal(len(run.snapshots), runs, call=f"{call}: calls to log", hint="call log(record) once per epoch")

    for name, value in run.model.state_dict().items():
        expect_true(torch.equal(value, run.snapshots[best][name]),
                    message=f"{call}: after fit, {name!r} is not the weight of the best epoch {best}",
                    hint="keep a *clone* of the state dict (its tensors are the live parameters) and load it at the end")
    saved = torch.load(path, weights_only=True)
    expect_equal(saved.get("epoch"), best, call=f"{call}: torch.load(checkpoint_path)['epoch']")
    for name, value in saved["model"].items():
        expect_true(torch.equal(value, run.snapshots[best][name]),
                    message=f"{call}: the checkpoint's {name!r} is not the weight of the best epoch {best}",
                    hint="save the best state each time the validation loss improves")


def test_fit_logs_one_record_per_epoch(ex):
    run = Scripted([3, 2, 1])
    records = []
    history = ex.fit(run.model, run.train_loader, run.val_loader, optimizer=run.optimizer, loss_fn=run.loss_fn, epochs=3,
                     log=records.append)
    expect_equal([sorted(r) for r in records], [sorted(["epoch", "train_loss", "val_loss", "val_accuracy", "lr"])] * 3,
                 call="the keys of the records passed to log")
    expect_equal([r["epoch"] for r in records], [0, 1, 2], call="the epochs passed to log")
    expect_equal(records, history.records, call="the records passed to log vs history.records")
    expect_true(all(math.isnan(r["val_accuracy"]) for r in records), message="regression targets should give val_accuracy nan")
    expect_true(records[0]["train_loss"] > records[-1]["train_loss"] > 0,
                message=f"the train_loss column should fall on an easy regression; got {[r['train_loss'] for r in records]}")


# ---------------------------------------------------------------- fit: schedulers


def expected_lrs(make_scheduler, losses):
    """What torch's scheduler does, stepped once per epoch."""
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = make_scheduler(opt)
    lrs = []
    for loss in losses:
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()  # a no-op (no gradients); keeps the scheduler's call-order check quiet
        if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
            sched.step(loss)
        else:
            sched.step()
    return lrs


SCHEDULERS = {
    "StepLR": lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5),
    "ReduceLROnPlateau": lambda opt: torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_fit_steps_the_scheduler_once_per_epoch(ex, name):
    script = [3.0, 2.0, 2.5, 2.6, 1.0, 1.5]
    run = Scripted(script)
    run.optimizer = torch.optim.SGD(run.model.parameters(), lr=0.1)
    history = run.fit(ex, epochs=len(script), scheduler=SCHEDULERS[name](run.optimizer))
    want = expected_lrs(SCHEDULERS[name], script)
    got = history.column("lr")
    expect_true(len(got) == len(want) and all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(got, want)),
                message=f"fit(..., scheduler={name}): the lr column is {got}, torch's schedule is {want}",
                hint="record the lr before training the epoch; step once per epoch after validation, "
                "with scheduler.step(val_loss) for ReduceLROnPlateau")


def test_fit_stops_when_the_learning_rate_drops_to_zero(ex):
    x, y = blobs(60, seed=7)
    xv, yv = blobs(30, seed=8)
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: 1.0 if e < 3 else 0.0)
    history = ex.fit(model, loader(x, y, 10, shuffle=True), loader(xv, yv, 8), optimizer=optimizer, loss_fn=F.cross_entropy,
                     epochs=10, scheduler=scheduler, patience=2)
    losses = history.column("val_loss")
    call = "fit(<lr 0.2 for 3 epochs, then 0>, epochs=10, patience=2)"
    expect_equal(history.column("lr"), [0.2, 0.2, 0.2, 0.0, 0.0], call=f"{call}: the lr column",
                 hint="step the scheduler once per epoch; stop after `patience` epochs without improvement")
    expect_true(losses[3] == losses[2] == losses[4],
                message=f"{call}: with lr 0 the weights stay put, so the validation loss must repeat exactly; got {losses}",
                hint="validate in eval mode: with dropout active the loss changes from call to call")
    expect_equal((history.best_epoch, history.stopped_early), (2, True), call=f"{call}: (best_epoch, stopped_early)")


# ---------------------------------------------------------------- fit: the mechanics


class SpySGD(torch.optim.SGD):
    def __init__(self, params, **kwargs):
        super().__init__(params, **kwargs)
        self.events: list[str] = []

    def zero_grad(self, set_to_none: bool = True):
        self.events.append("zero")
        super().zero_grad(set_to_none)

    def step(self, closure=None):
        self.events.append("step")
        return super().step(closure)


def test_fit_zeroes_gradients_and_switches_modes(ex):
    x, y = blobs(12, seed=9)
    spy = Spy(nn.Linear(5, 3)).eval()  # as a previous fit() leaves it
    stale_grads(spy)
    optimizer = SpySGD(spy.parameters(), lr=0.1)
    ex.fit(spy, loader(x, y, 4), loader(x, y, 6), optimizer=optimizer, loss_fn=F.cross_entropy, epochs=2)
    steps = optimizer.events.count("step")
    expect_equal(steps, 6, call="optimizer.step() calls in fit(<3 batches>, epochs=2)", hint="one step per training batch")
    text = " ".join(optimizer.events)
    expect_true(optimizer.events[0] == "zero" and "step step" not in text,
                message=f"fit must call optimizer.zero_grad() before every step (the model started with stale gradients); calls: {text}",
                hint="zero_grad at the top of each batch")
    expect_equal(spy.calls, ([(True, True)] * 3 + [(False, False)] * 2) * 2,
                 call="(model.training, grad enabled) at each forward over 2 epochs (3 training batches, 2 validation batches)",
                 hint="model.train() before training each epoch (evaluate switched it off); eval + no_grad for validation")


@pytest.mark.parametrize("kwargs,what", [({"epochs": 0}, "epochs=0"), ({"epochs": 3, "patience": 0}, "patience=0")])
def test_fit_rejects_bad_settings(ex, kwargs, what):
    run = Scripted([1.0] * 3)
    expect_raises(ValueError, lambda: run.fit(ex, **kwargs), call=f"fit(..., {what})", hint="epochs >= 1; patience None or >= 1")
