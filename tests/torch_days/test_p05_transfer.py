"""Grading torch-p05: load_class_split, replace_head, set_trainable, fine_tune,
transfer_experiment.

Oracles: ``sklearn.datasets.load_digits`` (every image must really be of its
class), ``torch.equal`` on every feature parameter and batch-norm buffer
before and after frozen fine-tuning, ``.grad is None``, identity of the
parameter objects after head surgery, and real training reaching stated
accuracies (the slow test).
"""

from __future__ import annotations

import pytest
import torch
from sklearn.datasets import load_digits
from torch import nn

from curriculum.grading.testing import device_params, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-p05")

DEVICES = device_params()
DIGITS = load_digits()


def snapshot(module: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def changed(before: dict[str, torch.Tensor], module: nn.Module) -> list[str]:
    return [k for k, v in module.state_dict().items() if not torch.equal(v, before[k])]


# ---------------------------------------------------------------- load_class_split


@pytest.mark.parametrize("classes", [[5, 6, 7, 8, 9], [9, 5], [3]])
def test_load_class_split_renumbers_and_keeps_only_those_classes(ex, classes):
    x_train, y_train, x_val, y_val = ex.load_class_split(classes, seed=0)
    call = f"load_class_split({classes})"
    n = int(sum((DIGITS.target == c).sum() for c in classes))
    expect_equal((len(x_val), len(x_train)), (n // 4, n - n // 4), call=f"{call}: (len(val), len(train))",
                 hint="the first n // 4 of the shuffled images are the validation set")
    expect_equal(tuple(x_train.shape[1:]), (1, 8, 8), call=f"{call}: image shape")
    expect_equal((x_train.dtype, y_train.dtype), (torch.float32, torch.int64), call=f"{call}: dtypes")
    # Oracle: look each image up in the data set and check its original label.
    by_pixels = {tuple(row): label for row, label in zip(DIGITS.data.astype(int).tolist(), DIGITS.target.tolist())}
    for x, y in ((x_train, y_train), (x_val, y_val)):
        for img, lab in zip(x, y):
            key = tuple(int(round(v)) for v in (img.reshape(-1) * 16).tolist())
            original = by_pixels.get(key)
            expect_true(original is not None and original == classes[int(lab)],
                        message=f"{call}: an image of digit {original} got label {int(lab)}, which stands for digit {classes[int(lab)]}",
                        hint="label classes[i] becomes i: build a (10,) lookup table with table[classes[i]] = i")
    expect_equal(sorted(torch.cat([y_train, y_val]).unique().tolist()), list(range(len(classes))), call=f"{call}: the labels used")


def test_load_class_split_train_size_and_seed(ex):
    a = ex.load_class_split([5, 6, 7, 8, 9], train_size=100, seed=0)
    b = ex.load_class_split([5, 6, 7, 8, 9], train_size=100, seed=0)
    c = ex.load_class_split([5, 6, 7, 8, 9], train_size=100, seed=1)
    full = ex.load_class_split([5, 6, 7, 8, 9], seed=0)
    expect_equal(len(a[0]), 100, call="len(load_class_split(..., train_size=100)[0])")
    expect_true(torch.equal(a[0], full[0][:100]) and torch.equal(a[2], full[2]),
                message="train_size should keep the first train_size training images and leave the validation set alone")
    expect_true(torch.equal(a[1], b[1]), message="the same seed gave different splits", hint="torch.Generator().manual_seed(seed)")
    expect_true(not torch.equal(a[3], c[3]), message="seeds 0 and 1 gave the same validation set")


@pytest.mark.parametrize("classes,kwargs", [([], {}), ([5, 5], {}), ([3, 10], {}), ([-1], {}), ([5, 6], {"train_size": 0}), ([5, 6], {"train_size": 10_000})])
def test_load_class_split_rejects_bad_arguments(ex, classes, kwargs):
    expect_raises(ValueError, lambda: ex.load_class_split(classes, **kwargs), call=f"load_class_split({classes}, **{kwargs})",
                  hint="classes: distinct digits 0..9, at least one; train_size in 1..(available)")


# ---------------------------------------------------------------- surgery


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_replace_head(ex, device, dtype):
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")
    torch.manual_seed(0)
    model = ex.DigitNet(5, channels=4).to(device=device, dtype=dtype)
    features_before = [id(p) for p in model.features.parameters()]
    old_head = model.head
    ex.replace_head(model, 3)
    call = f"replace_head(<DigitNet(5, channels=4), {dtype} on {device}>, 3)"
    head = model.head
    expect_true(isinstance(head, nn.Linear) and head is not old_head, message=f"{call}: model.head should be a new nn.Linear")
    expect_equal((head.in_features, head.out_features), (32, 3), call=f"{call}: (in_features, out_features)",
                 hint="read in_features from the old head")
    expect_equal((head.weight.device.type, head.weight.dtype), (device, dtype), call=f"{call}: (device, dtype) of the new head",
                 hint="nn.Linear(..., device=old.weight.device, dtype=old.weight.dtype)")
    expect_equal([id(p) for p in model.features.parameters()], features_before, call=f"{call}: the features' parameter objects",
                 hint="only model.head changes")
    out = model(torch.rand(2, 1, 8, 8, device=device, dtype=dtype))
    expect_equal(tuple(out.shape), (2, 3), call=f"{call}; model(<(2, 1, 8, 8)>).shape")


def test_set_trainable(ex):
    model = ex.DigitNet(5, channels=4)
    ex.set_trainable(model.features, False)
    flags = [p.requires_grad for p in model.features.parameters()]
    expect_true(flags and not any(flags), message=f"set_trainable(model.features, False): requires_grad flags {flags}")
    expect_true(all(p.requires_grad for p in model.head.parameters()), message="set_trainable(model.features, False) changed the head")
    ex.set_trainable(model, True)
    expect_true(all(p.requires_grad for p in model.parameters()), message="set_trainable(model, True) left some parameters frozen")


# ---------------------------------------------------------------- fine_tune


@pytest.fixture(scope="module")
def small_task():
    digits = load_digits()
    keep = digits.target >= 5
    x = torch.tensor(digits.images[keep][:64] / 16.0, dtype=torch.float32).unsqueeze(1)
    y = torch.tensor(digits.target[keep][:64] - 5)
    return x, y


@pytest.mark.parametrize("device", DEVICES)
def test_frozen_fine_tune_leaves_the_features_bit_identical(ex, device, small_task):
    x, y = (t.to(device) for t in small_task)
    torch.manual_seed(1)
    model = ex.DigitNet(5, channels=4).to(device)
    features_before = snapshot(model.features)  # parameters and batch-norm buffers
    head_before = snapshot(model.head)
    call = f"fine_tune(<DigitNet on {device}>, x, y, freeze_features=True, epochs=2)"
    losses = ex.fine_tune(model, x, y, freeze_features=True, epochs=2, lr=1e-2, batch_size=16, seed=0)
    expect_true(isinstance(losses, list) and len(losses) == 2, message=f"{call} should return 2 floats, got {losses!r}")
    moved = changed(features_before, model.features)
    expect_true(not moved, message=f"{call}: these feature tensors changed: {moved}",
                hint="running_mean/running_var change in train mode even without gradients: call model.features.eval() after model.train()")
    no_grad = [n for n, p in model.features.named_parameters() if p.grad is not None]
    expect_true(not no_grad, message=f"{call}: feature parameters got gradients: {no_grad}",
                hint="set requires_grad False on the features before the forward pass")
    expect_true(bool(changed(head_before, model.head)), message=f"{call}: the head did not change", hint="the head always trains")


def test_unfrozen_fine_tune_trains_everything(ex, small_task):
    x, y = small_task
    torch.manual_seed(2)
    model = ex.DigitNet(5, channels=4)
    ex.set_trainable(model.features, False)  # frozen before: unfrozen fine-tuning must undo it
    before = snapshot(model.features)
    ex.fine_tune(model, x, y, freeze_features=False, epochs=1, lr=1e-2, batch_size=16, seed=0)
    call = "fine_tune(<DigitNet with frozen features>, x, y, freeze_features=False, epochs=1)"
    expect_true(all(p.requires_grad for p in model.parameters()), message=f"{call}: some parameters are still frozen",
                hint="freeze_features=False makes the whole model trainable: set_trainable(model, True)")
    expect_true(bool(changed(before, model.features)),
                message=f"{call}: the features did not change")
    expect_true(model.training and model.features.training, message=f"{call}: the model should be left in train mode")


def test_fine_tune_rejects_bad_settings(ex, small_task):
    x, y = small_task
    expect_raises(ValueError, lambda: ex.fine_tune(ex.DigitNet(5, channels=4), x, y, freeze_features=True, epochs=0),
                  call="fine_tune(..., epochs=0)", hint="epochs must be >= 1")


# ---------------------------------------------------------------- the experiment


@pytest.mark.slow
def test_transfer_experiment_reaches_the_stated_accuracies(ex):
    result = ex.transfer_experiment(train_size=100, pretrain_epochs=5, finetune_epochs=10, seed=0)
    call = "transfer_experiment(train_size=100, pretrain_epochs=5, finetune_epochs=10, seed=0)"
    expect_equal(sorted(result), ["frozen_acc", "pretrain_acc", "scratch_acc", "unfrozen_acc"], call=f"sorted({call})")
    for key, floor in (("pretrain_acc", 0.95), ("frozen_acc", 0.85), ("unfrozen_acc", 0.92), ("scratch_acc", 0.8)):
        expect_true(result[key] >= floor, message=f"{call}[{key!r}] = {result[key]:.3f}, expected >= {floor}",
                    hint="pre-train unfrozen on 0-4, deep-copy, new head, fine-tune on 5-9; frozen: only the head learns")
