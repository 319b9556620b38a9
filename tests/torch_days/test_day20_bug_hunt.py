"""Grading torch-20: train_fixed, one test per planted bug, then the outcome.

Every test runs the learner's ``train_fixed`` with spies attached and checks
one property the buggy script breaks:

- the data leak: the statistics and the inputs the model sees during training
  (rows of ``x_train`` normalised by train-only statistics, an oracle the
  test computes itself);
- the missing ``zero_grad``: at every ``optimizer.step()`` the gradient must
  equal the gradient of that step's loss alone, recomputed with
  ``torch.autograd.grad`` (a global optimizer step pre-hook);
- eval mode left on: the ``training`` flag of the Dropout layer at every
  forward pass with and without grad;
- softmax before the loss: the tensor given to ``F.cross_entropy`` must be the
  model's own output (a forward hook records it);
- the ``(N,)`` against ``(N, 1)`` broadcast: the loss handed to ``backward``
  must be 0-d and equal the weighted mean computed by the test.

The outcome test trains on scikit-learn's digits and needs a test accuracy
of at least 0.9 (the reference reaches about 0.97).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.optim.optimizer import register_optimizer_step_pre_hook

from curriculum.grading.testing import expect_close, expect_equal, expect_true

pytestmark = pytest.mark.exercise("torch-20")

EPOCHS = 2


def small_split(ex, *, shift_test: float = 0.0):
    """300 training rows with non-uniform weights w_i = 0.5 + y_i / 6, a test set shifted by `shift_test`."""
    full = ex.load_split(seed=1)
    y = full.y_train[:300]
    return ex.Split(
        x_train=full.x_train[:300],
        y_train=y,
        w_train=(0.5 + y.float() / 6).unsqueeze(1),  # (N, 1), a function of the label the spies can recompute
        x_test=full.x_test[:100] + shift_test,
        y_test=full.y_test[:100],
    )


def train_stats(x):
    mean, std = x.mean(dim=0), x.std(dim=0)
    return mean, torch.where(std > 0, std, torch.ones_like(std))


def run(ex, split, **kwargs):
    model = ex.make_model(0)
    result = ex.train_fixed(split, model=model, epochs=EPOCHS, batch_size=64, seed=0, **kwargs)
    return model, result


# ---------------------------------------------------------------- bug: the data leak


def test_normalisation_uses_training_statistics_only(ex):
    split = small_split(ex, shift_test=5.0)  # a shifted test set moves any statistic that sees it
    model = ex.make_model(0)
    seen = []  # inputs of forward passes that record a graph: the training batches
    model.register_forward_pre_hook(lambda m, args: seen.append(args[0].detach().clone()) if torch.is_grad_enabled() else None)
    result = ex.train_fixed(split, model=model, epochs=EPOCHS, batch_size=64, seed=0)
    mean, std = train_stats(split.x_train)
    expect_close(result.mean, mean, what="train_fixed(...).mean", rtol=1e-5, atol=1e-5,
                 hint="compute the mean on x_train alone: statistics that see the test set leak it into training")
    expect_close(result.std, std, what="train_fixed(...).std", rtol=1e-5, atol=1e-5,
                 hint="x_train.std(dim=0), with zero stds replaced by 1")
    normalised = (split.x_train - mean) / std
    rows = torch.cat(seen)
    expect_equal(rows.shape[0], EPOCHS * split.x_train.shape[0], call=f"rows the model trained on over {EPOCHS} epochs",
                 hint="each epoch visits every training row once, and nothing else")
    distance = torch.cdist(rows, normalised, compute_mode="donot_use_mm_for_euclid_dist").min(dim=1).values.max().item()
    expect_true(distance < 1e-3,
                message=f"a training batch held a row that is not a row of x_train normalised by train statistics "
                        f"(distance {distance:.3g})",
                hint="train on (x_train - mean) / std, never on test rows")


# ---------------------------------------------------------------- bug: missing zero_grad


def test_every_step_uses_the_gradient_of_its_own_loss(ex, monkeypatch):
    split = small_split(ex)
    last_loss = []
    original_backward = torch.Tensor.backward

    def keep_graph(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        last_loss[:] = [self]
        return original_backward(self, gradient, True, create_graph, inputs)  # keep the graph for the check below

    problems = []

    def check_step(optimizer, args, kwargs):
        params = [p for group in optimizer.param_groups for p in group["params"]]
        fresh = torch.autograd.grad(last_loss[0], params, retain_graph=True, allow_unused=True)
        for p, g in zip(params, fresh):
            want = torch.zeros_like(p) if g is None else g
            have = torch.zeros_like(p) if p.grad is None else p.grad
            if not torch.allclose(have, want, rtol=1e-4, atol=1e-6):
                problems.append(float((have - want).abs().max()))
                break

    monkeypatch.setattr(torch.Tensor, "backward", keep_graph)
    handle = register_optimizer_step_pre_hook(check_step)
    try:
        run(ex, split)
    finally:
        handle.remove()
        monkeypatch.undo()
    expect_true(last_loss != [], message="train_fixed never called loss.backward()")
    expect_equal(len(problems), 0, call="steps whose .grad differed from the gradient of that step's loss",
                 hint="backward() ADDS to .grad: call optimizer.zero_grad() before each backward")


# ---------------------------------------------------------------- bug: eval mode left on


def test_training_passes_in_train_mode_and_evaluation_in_eval_mode(ex):
    split = small_split(ex)
    model = ex.make_model(0)
    modes = []  # (grad enabled, dropout.training) for every forward pass
    dropout = next(m for m in model.modules() if isinstance(m, torch.nn.Dropout))
    model.register_forward_pre_hook(lambda m, args: modes.append((torch.is_grad_enabled(), dropout.training)))
    ex.train_fixed(split, model=model, epochs=3, batch_size=64, seed=0)
    training = [mode for grad, mode in modes if grad]
    evaluating = [mode for grad, mode in modes if not grad]
    expect_true(training and all(training),
                message=f"{training.count(False)} of {len(training)} training forward passes ran in eval mode "
                        f"(Dropout switched off)", hint="the evaluation calls model.eval(): call model.train() at the start of each epoch")
    expect_true(evaluating and not any(evaluating),
                message=f"{sum(evaluating)} of {len(evaluating)} evaluation passes (under no_grad) ran in training mode",
                hint="call model.eval() before measuring the test accuracy")


# ---------------------------------------------------------------- bug: softmax before the loss


def test_cross_entropy_receives_the_raw_logits(ex, monkeypatch):
    split = small_split(ex)
    model = ex.make_model(0)
    outputs = []
    model.register_forward_hook(lambda m, args, out: outputs.append(out) if torch.is_grad_enabled() else None)
    checks = []
    original = F.cross_entropy

    def spy(input, target, *args, **kwargs):
        last = outputs[-1] if outputs else None
        same = last is not None and input.shape == last.shape and torch.allclose(input, last)
        sums_to_one = bool(torch.allclose(input.sum(dim=-1), torch.ones(input.shape[0]), atol=1e-4))
        checks.append((same, sums_to_one))
        return original(input, target, *args, **kwargs)

    monkeypatch.setattr(F, "cross_entropy", spy)
    ex.train_fixed(split, model=model, epochs=EPOCHS, batch_size=64, seed=0)
    monkeypatch.undo()
    expect_true(checks != [], message="train_fixed never called F.cross_entropy",
                hint="compute the per-sample losses with F.cross_entropy(logits, yb, reduction='none')")
    expect_true(all(same for same, _ in checks) and not any(probs for _, probs in checks),
                message=f"{sum(not s for s, _ in checks)} of {len(checks)} F.cross_entropy calls did not receive the model's output "
                        f"({sum(p for _, p in checks)} received rows summing to 1)",
                hint="cross_entropy applies log_softmax itself: pass the raw logits, not softmax probabilities")


# ---------------------------------------------------------------- bug: (N,) * (N, 1) broadcasting


def test_loss_is_the_weighted_mean(ex, monkeypatch):
    split = small_split(ex)
    calls = []
    original_ce = F.cross_entropy

    def ce_spy(input, target, *args, **kwargs):
        calls.append(("ce", input.detach().clone(), target.clone()))
        return original_ce(input, target, *args, **kwargs)

    original_backward = torch.Tensor.backward

    def backward_spy(self, *args, **kwargs):
        calls.append(("backward", self.detach().clone(), None))
        return original_backward(self, *args, **kwargs)

    monkeypatch.setattr(F, "cross_entropy", ce_spy)
    monkeypatch.setattr(torch.Tensor, "backward", backward_spy)
    run(ex, split)
    monkeypatch.undo()
    pending, checked = None, 0
    for kind, value, target in calls:
        if kind == "ce":
            pending = (value, target)
            continue
        expect_true(pending is not None, message="loss.backward() was called before any F.cross_entropy call")
        expect_equal(tuple(value.shape), (), call="the shape of the loss passed to backward()",
                     hint="reduce to a 0-d tensor: .sum() / w.sum()")
        logits, y = pending
        w = 0.5 + y.float() / 6
        want = (original_ce(logits, y, reduction="none") * w).sum() / w.sum()
        expect_close(value, want, what=f"the loss of step {checked + 1}", rtol=1e-4, atol=1e-6,
                     hint="per_sample is (B,) but w_train rows are (B, 1): (B,) * (B, 1) broadcasts to (B, B); squeeze w first")
        checked += 1
    expect_true(checked > 0, message="no loss.backward() call was seen")


# ---------------------------------------------------------------- the outcome


@pytest.mark.slow
def test_fixed_script_learns_digits(ex):
    result = ex.train_fixed(ex.load_split(seed=0), epochs=8, seed=0)
    expect_true(isinstance(result, ex.TrainResult), message=f"train_fixed returned a {type(result).__name__}, expected a TrainResult")
    expect_equal(len(result.losses), 8, call="len(train_fixed(split, epochs=8).losses)", hint="one mean loss per epoch")
    expect_true(result.losses[-1] < result.losses[0],
                message=f"the training loss did not fall: {[round(v, 3) for v in result.losses]}")
    expect_true(result.test_accuracy >= 0.9,
                message=f"train_fixed reached a test accuracy of {result.test_accuracy:.3f} on digits after 8 epochs "
                        "(at least 0.9 expected; the reference gets about 0.97)",
                hint="fix all five bugs: each one alone can cost accuracy")
