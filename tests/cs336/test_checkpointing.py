"""Grading cs336-17: save_checkpoint and load_checkpoint.

Oracles: a training run that never stops (torch.optim.AdamW, seeded data):
stopping, saving, loading into a fresh model and optimizer and continuing must
give bit-identical parameters (torch.equal); ``torch.load(weights_only=True)``
reading the saved file independently; and the file system itself (what is left
in the directory after a save that fails midway).
"""

from __future__ import annotations

import fractions
import io
from pathlib import Path

import pytest
import torch

from curriculum.grading.testing import device_params, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-17")

DEVICES = device_params()


def make_model(seed, d_in=6, d_hidden=8, extra_layer=False, device="cpu"):
    torch.manual_seed(seed)
    layers = [torch.nn.Linear(d_in, d_hidden), torch.nn.ReLU(), torch.nn.Linear(d_hidden, 3)]
    if extra_layer:
        layers.append(torch.nn.Linear(3, 3))
    return torch.nn.Sequential(*layers).to(device)


def make_optimizer(model):
    return torch.optim.AdamW(model.parameters(), lr=1e-2, betas=(0.9, 0.95), weight_decay=0.1)


def train(model, optimizer, steps, start):
    """`steps` AdamW steps; step t's batch depends only on t, so a resumed run sees the same data."""
    device = next(model.parameters()).device
    for t in range(start, start + steps):
        g = torch.Generator().manual_seed(1000 + t)
        x, y = torch.randn(5, 6, generator=g).to(device), torch.randn(5, 3, generator=g).to(device)
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()


def expect_same_parameters(model, reference, call, hint):
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        expect_true(torch.equal(p.detach(), q.detach()),
                    message=f"{call}: parameter {name!r} differs from the run that never stopped "
                            f"(max |diff| {float((p.detach() - q.detach()).abs().max()):.3g})",
                    hint=hint)


def checkpoint_targets(tmp_path):
    """The three kinds of `out`/`src`: a str path, a pathlib.Path, an io.BytesIO."""
    return {"str": str(tmp_path / "ckpt.pt"), "path": tmp_path / "ckpt.pt", "bytesio": io.BytesIO()}


def rewind(target):
    if isinstance(target, io.BytesIO):
        target.seek(0)
    return target


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind", ["str", "path", "bytesio"])
def test_resuming_matches_never_stopping(ex, tmp_path, device, kind):
    target = checkpoint_targets(tmp_path)[kind]
    straight = make_model(0, device=device)
    straight_opt = make_optimizer(straight)
    train(straight, straight_opt, 10, start=0)

    first = make_model(0, device=device)
    first_opt = make_optimizer(first)
    train(first, first_opt, 5, start=0)
    ex.save_checkpoint(first, first_opt, 5, target)

    resumed = make_model(1, device=device)  # different initial weights: everything must come from the file
    resumed_opt = make_optimizer(resumed)
    call = f"save_checkpoint(..., 5, <{kind}>) then load_checkpoint(<{kind}>, fresh model, fresh AdamW) on {device}"
    iteration = ex.load_checkpoint(rewind(target), resumed, resumed_opt)
    expect_equal(iteration, 5, call=call, hint="return the saved iteration as an int")
    expect_true(type(iteration) is int, message=f"{call} returned a {type(iteration).__name__}, not an int",
                hint="int(checkpoint['iteration'])")
    expect_same_parameters(resumed, first, call, hint="load the model's state_dict into the model")
    train(resumed, resumed_opt, 5, start=5)
    expect_same_parameters(resumed, straight, f"{call}, then 5 more steps",
                           hint="save and load optimizer.state_dict() too: AdamW's step count and moments m, v "
                                "decide the next updates")


def test_checkpoint_is_a_plain_weights_only_dict(ex, tmp_path):
    model = make_model(0)
    opt = make_optimizer(model)
    train(model, opt, 2, start=0)
    ex.save_checkpoint(model, opt, 2, tmp_path / "ckpt.pt")
    saved = torch.load(tmp_path / "ckpt.pt", weights_only=True)
    call = "torch.load(<file from save_checkpoint(model, opt, 2, path)>, weights_only=True)"
    expect_true(isinstance(saved, dict), message=f"{call} gave a {type(saved).__name__}, not a dict")
    expect_equal(sorted(saved), ["iteration", "model", "optimizer"], call=f"{call}.keys()",
                 hint="save exactly {'model': ..., 'optimizer': ..., 'iteration': ...}")
    expect_equal(saved["iteration"], 2, call=f"{call}['iteration']")
    expect_equal(sorted(saved["model"]), sorted(model.state_dict()), call=f"{call}['model'].keys()",
                 hint="save model.state_dict()")
    expect_equal(len(saved["optimizer"]["state"]), 4, call=f"len({call}['optimizer']['state'])",
                 hint="save optimizer.state_dict(): it holds per-parameter state (4 parameters here)")


def test_save_overwrites_an_existing_checkpoint(ex, tmp_path):
    model = make_model(0)
    opt = make_optimizer(model)
    path = tmp_path / "ckpt.pt"
    ex.save_checkpoint(model, opt, 1, path)
    ex.save_checkpoint(model, opt, 2, path)
    got = ex.load_checkpoint(path, make_model(3), make_optimizer(make_model(3)))
    expect_equal(got, 2, call="save at iteration 1, save again at 2 to the same path, load", hint="replace the old file")
    expect_equal(sorted(p.name for p in tmp_path.iterdir()), ["ckpt.pt"], call="files in the directory after two saves",
                 hint="move the temporary file onto the target with os.replace; leave nothing else behind")


def test_a_failed_save_leaves_the_old_checkpoint_intact(ex, tmp_path):
    model = make_model(0)
    opt = make_optimizer(model)
    path = tmp_path / "ckpt.pt"
    ex.save_checkpoint(model, opt, 1, path)
    before = path.read_bytes()
    opt.param_groups[0]["callback"] = lambda step: step  # a lambda cannot be pickled: torch.save fails midway
    err = None
    try:
        ex.save_checkpoint(model, opt, 2, path)
    except Exception as caught:  # noqa: BLE001 - any error is fine; the files are what we check
        err = caught
    expect_true(err is not None, message="save_checkpoint with an unpicklable object in the optimizer did not raise",
                hint="let torch.save's error propagate after cleaning up")
    expect_equal(sorted(p.name for p in tmp_path.iterdir()), ["ckpt.pt"], call="files in the directory after a failed save",
                 hint="write to a temporary file next to the target, delete it if torch.save fails")
    expect_true(path.read_bytes() == before,
                message="a failed save_checkpoint changed the existing checkpoint file",
                hint="never write to the target path directly: torch.save to a temporary file, then os.replace")


def test_a_failed_first_save_leaves_no_file(ex, tmp_path):
    model = make_model(0)
    opt = make_optimizer(model)
    opt.param_groups[0]["callback"] = lambda step: step
    expect_raises(Exception, ex.save_checkpoint, model, opt, 0, tmp_path / "ckpt.pt",
                  call="save_checkpoint(<optimizer with a lambda in its param group>, ..., path)")
    expect_equal(sorted(p.name for p in tmp_path.iterdir()), [], call="files in the directory after a failed first save",
                 hint="a half-written checkpoint must not appear under the target name, nor a leftover temporary file")


@pytest.mark.parametrize("variant,key", [("wider", "0.weight"), ("extra-layer", "3.weight")])
def test_load_rejects_another_architecture(ex, variant, key):
    source = make_model(0)
    buf = io.BytesIO()
    ex.save_checkpoint(source, make_optimizer(source), 4, buf)
    other = make_model(5, d_in=7) if variant == "wider" else make_model(5, extra_layer=True)
    before = {k: v.clone() for k, v in other.state_dict().items()}
    err = expect_raises(ValueError, ex.load_checkpoint, rewind(buf), other, make_optimizer(other),
                        call=f"load_checkpoint(<checkpoint of a 6-8-3 MLP>, <{variant} model>, ...)", match=key,
                        hint="compare keys and shapes of the saved and the model's state_dict before loading, "
                             "and name the first one that differs")
    expect_true(all(torch.equal(v, before[k]) for k, v in other.state_dict().items()),
                message=f"load_checkpoint changed the {variant} model before raising: {err}",
                hint="check everything first, then load")


def corrupt_sources():
    good = make_model(0)
    buf = io.BytesIO()
    torch.save({"model": good.state_dict(), "optimizer": make_optimizer(good).state_dict(), "iteration": 1}, buf)
    whole = buf.getvalue()
    arbitrary = io.BytesIO()
    torch.save({"model": good.state_dict(), "optimizer": {}, "iteration": fractions.Fraction(1, 3)}, arbitrary)
    tensor_only = io.BytesIO()
    torch.save(torch.zeros(3), tensor_only)
    return {
        "empty": b"",
        "random-bytes": b"this is not a checkpoint at all" * 10,
        "truncated": whole[: len(whole) // 2],
        "arbitrary-object": arbitrary.getvalue(),  # weights_only=True must refuse a Fraction
        "a-tensor": tensor_only.getvalue(),
    }


@pytest.mark.parametrize("name", ["empty", "random-bytes", "truncated", "arbitrary-object", "a-tensor"])
@pytest.mark.parametrize("as_path", [True, False], ids=["path", "bytesio"])
def test_load_rejects_a_corrupt_file(ex, tmp_path, name, as_path):
    data = corrupt_sources()[name]
    src: Path | io.BytesIO
    if as_path:
        src = tmp_path / f"{name}.pt"
        src.write_bytes(data)
    else:
        src = io.BytesIO(data)
    model = make_model(0)
    expect_raises(ValueError, ex.load_checkpoint, src, model, make_optimizer(model),
                  call=f"load_checkpoint(<{name} file>, model, optimizer)",
                  hint="torch.load(src, weights_only=True) inside try/except, re-raised as a ValueError that says "
                       "the file is corrupt or not a checkpoint; then check it is a dict with the three keys")


def test_load_of_a_missing_path(ex, tmp_path):
    model = make_model(0)
    expect_raises(FileNotFoundError, ex.load_checkpoint, tmp_path / "nope.pt", model, make_optimizer(model),
                  call="load_checkpoint(<a path that does not exist>, ...)",
                  hint="a missing file is a FileNotFoundError, not a corrupt checkpoint")
