"""Grading cs336-18: tokenize_to_memmap, TrainConfig, train, plot_losses.

Oracles: the training loop re-written plainly here with torch.optim.AdamW,
F.cross_entropy and torch.nn.utils.clip_grad_norm_ on the same batches (drawn
here with numpy from the documented (seed, iteration) rule); a run that never
stops (resuming must give bit-identical parameters and history); the cosine
formula written out here; the data itself (a repeating pattern a tiny model can
learn); numpy's own reading of the files; the PNG signature.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-18")

PATTERN = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7]  # period 14, vocab 10: learnable, but not trivially
TINY = dict(vocab_size=10, context_length=8, d_model=16, num_layers=1, num_heads=2, d_ff=32, batch_size=4)


def write_corpus(tmp_path, n_train=400, n_val=120):
    """Train/val files of the repeating PATTERN, written with numpy (not the learner's helper)."""
    seq = np.array(PATTERN * (n_train // len(PATTERN) + 2), dtype=np.uint16)
    seq[:n_train].tofile(tmp_path / "train.bin")
    seq[5 : 5 + n_val].tofile(tmp_path / "val.bin")  # another phase of the same pattern
    return tmp_path / "train.bin", tmp_path / "val.bin"


def make_config(ex, tmp_path, **overrides):
    train_path, val_path = write_corpus(tmp_path)
    kwargs = dict(TINY, train_path=train_path, val_path=val_path, max_iters=6, lr_max=1e-2, lr_min=1e-3,
                  warmup_iters=2, weight_decay=0.1, grad_clip=1.0, eval_interval=3, eval_iters=2,
                  checkpoint_path=tmp_path / "ckpt.pt", seed=0, device="cpu")
    kwargs.update(overrides)
    return ex.TrainConfig(**kwargs)


def cosine(t, lr_max, lr_min, warmup, cycle):
    if t < warmup:
        return t / warmup * lr_max
    if t <= cycle:
        return lr_min + 0.5 * (1 + math.cos(math.pi * (t - warmup) / (cycle - warmup))) * (lr_max - lr_min)
    return lr_min


def saved_parameters(path):
    return torch.load(path, map_location="cpu", weights_only=True)["model"]


@pytest.mark.slow
def test_loss_falls_on_a_learnable_pattern(ex, tmp_path):
    config = make_config(ex, tmp_path, d_model=32, d_ff=64, batch_size=8, max_iters=150, lr_max=1e-2,
                         warmup_iters=10, eval_interval=50)
    history = ex.train(config, progress=False)["history"]
    call = "train(<repeating 14-token pattern, vocab 10, 150 iterations>)"
    expect_float(history[0]["val_loss"], math.log(10), rel=0, abs=0.6, call=f"{call}: val_loss at iteration 0",
                 hint="an untrained model is close to uniform: loss ~ ln(vocab_size) = 2.30")
    expect_true(history[-1]["val_loss"] < 0.5,
                message=f"{call}: final val_loss {history[-1]['val_loss']:.3f}, expected < 0.5 "
                        f"(history: {[round(h['val_loss'], 3) for h in history]})",
                hint="every step: set lr, get_batch, cross_entropy(model(x), y), zero_grad, backward, clip, step")


@pytest.mark.parametrize("max_iters,interval,expected", [(6, 3, [0, 3, 6]), (7, 3, [0, 3, 6, 7]), (2, 5, [0, 2])])
def test_history_has_the_eval_points_and_the_schedule(ex, tmp_path, max_iters, interval, expected):
    config = make_config(ex, tmp_path, max_iters=max_iters, eval_interval=interval, warmup_iters=1)
    history = ex.train(config, progress=False)["history"]
    call = f"train(max_iters={max_iters}, eval_interval={interval})"
    expect_equal([h.get("iter") for h in history], expected, call=f"{call}: the 'iter' of each history entry",
                 hint="evaluate before step t when t % eval_interval == 0, and once more after the last step")
    for h in history:
        expect_equal(sorted(h), ["iter", "lr", "train_loss", "val_loss"], call=f"{call}: keys of an entry")
        expect_float(h["lr"], cosine(h["iter"], 1e-2, 1e-3, 1, max_iters), rel=1e-9, abs=1e-12,
                     call=f"{call}: lr at iter {h['iter']}",
                     hint="log cosine_lr(iter, lr_max, lr_min, warmup_iters, max_iters)")
        expect_true(all(isinstance(h[k], float) and math.isfinite(h[k]) for k in ("train_loss", "val_loss")),
                    message=f"{call}: entry {h} has non-float or non-finite losses", hint="store float(loss)")


@pytest.mark.parametrize("device", device_params())
def test_matches_a_plain_loop_with_torch_optim_adamw(ex, tmp_path, device):
    steps, seed = 3, 7
    config = make_config(ex, tmp_path, max_iters=steps, eval_interval=100, grad_clip=0.05, seed=seed,
                         device=device, warmup_iters=1)
    ex.train(config, progress=False)
    got = saved_parameters(config.checkpoint_path)

    data = np.fromfile(config.train_path, dtype=np.uint16).astype(np.int64)
    torch.manual_seed(seed)
    model = ex.TransformerLM(10, 8, 16, 1, 2, 32, 10000.0, device=device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
    for t in range(steps):
        starts = np.random.default_rng([seed, 0, t]).integers(0, len(data) - 8, size=4)
        x = torch.tensor(np.stack([data[s : s + 8] for s in starts]), device=device)
        y = torch.tensor(np.stack([data[s + 1 : s + 9] for s in starts]), device=device)
        for group in opt.param_groups:
            group["lr"] = cosine(t, 1e-2, 1e-3, 1, steps)
        opt.zero_grad()
        F.cross_entropy(model(x).reshape(-1, 10), y.reshape(-1)).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.05)
        opt.step()
    for name, want in model.state_dict().items():
        expect_close(got[name], want.detach().cpu(), what=f"parameter {name!r} after {steps} steps on {device} "
                     "(checkpoint written by train) vs a plain torch.optim.AdamW loop",
                     rtol=1e-4, atol=1e-5,
                     hint="seed with torch.manual_seed(seed) right before building the model; step t's batch "
                          "from np.random.default_rng([seed, 0, t]); lr = cosine_lr(t, ...); clip before step")


def test_resume_is_exact(ex, tmp_path):
    n = 4
    straight_dir, stopped_dir = tmp_path / "straight", tmp_path / "stopped"
    straight_dir.mkdir()
    stopped_dir.mkdir()
    straight = make_config(ex, straight_dir, max_iters=2 * n, eval_interval=2, cosine_cycle_iters=2 * n)
    full = ex.train(straight, progress=False)

    first = make_config(ex, stopped_dir, max_iters=n, eval_interval=2, cosine_cycle_iters=2 * n)
    ex.train(first, progress=False)
    resumed_config = make_config(ex, stopped_dir, max_iters=2 * n, eval_interval=2, cosine_cycle_iters=2 * n)
    resumed = ex.train(resumed_config, progress=False)

    call = f"train({n} iterations), then train again to {2 * n} with the same checkpoint_path"
    expect_equal(resumed["start_iter"], n, call=f"{call}: start_iter",
                 hint="if checkpoint_path exists, load it and continue from the saved iteration")
    expect_equal(resumed["history"], [h for h in full["history"] if h["iter"] > n], call=f"{call}: history",
                 hint="the resumed history holds the evals after the resume point, identical to a run that never "
                      "stopped: step t's batch must depend on (seed, t) only, not on a generator carried along")
    a, b = saved_parameters(straight.checkpoint_path), saved_parameters(resumed_config.checkpoint_path)
    for name in a:
        expect_true(torch.equal(a[name], b[name]),
                    message=f"{call}: parameter {name!r} differs from a run that never stopped "
                            f"(max |diff| {float((a[name] - b[name]).abs().max()):.3g})",
                    hint="restore the model AND AdamW's state; use cosine_lr(t, ...) with the global t")


def test_progress_false_prints_nothing(ex, tmp_path, capsys):
    ex.train(make_config(ex, tmp_path, max_iters=1, warmup_iters=0, checkpoint_path=None), progress=False)
    out = capsys.readouterr()
    expect_equal(out.out + out.err, "", call="train(..., progress=False): printed output",
                 hint="create rich.progress.Progress(disable=not progress)")


def test_plot_losses_writes_a_png(ex, tmp_path):
    history = [{"iter": i, "train_loss": 2.0 / (i + 1), "val_loss": 2.1 / (i + 1), "lr": 1e-3} for i in range(0, 30, 10)]
    path = tmp_path / "loss.png"
    ex.plot_losses(history, path)
    expect_true(path.exists() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n",
                message=f"plot_losses(<3 points>, {path.name!r}) did not write a PNG file",
                hint="fig.savefig(path, format='png') with the Agg backend")
    expect_raises(ValueError, ex.plot_losses, [], tmp_path / "empty.png", call="plot_losses([], path)",
                  hint="an empty history has nothing to plot: raise ValueError")


@pytest.mark.parametrize("ids", [[0], [1, 2, 3], [65535, 0, 65535], list(range(1000))])
def test_tokenize_to_memmap_round_trip(ex, tmp_path, ids):
    path = tmp_path / "tokens.bin"
    count = ex.tokenize_to_memmap(ids, path)
    call = f"tokenize_to_memmap(<{len(ids)} ids>, path)"
    expect_equal(count, len(ids), call=f"{call}: return value", hint="return the number of tokens written")
    expect_equal(np.fromfile(path, dtype=np.uint16).tolist(), list(ids), call=f"np.fromfile(path, uint16) after {call}",
                 hint="raw uint16, no header: arr.astype(np.uint16).tofile(path)")


@pytest.mark.parametrize("ids,bad", [([1, 65536], "65536"), ([70000], "70000"), ([5, -1], "-1"), ([], "")])
def test_tokenize_to_memmap_rejects_what_uint16_cannot_hold(ex, tmp_path, ids, bad):
    path = tmp_path / "tokens.bin"
    expect_raises(ValueError, ex.tokenize_to_memmap, ids, path, call=f"tokenize_to_memmap({ids!r}, path)", match=bad,
                  hint="check 0 <= id < 65536 on an int64 array before casting: uint16 wraps 65536 to 0 silently")


@pytest.mark.parametrize("which", ["train_path", "val_path"])
def test_missing_data_file(ex, tmp_path, which):
    config = make_config(ex, tmp_path, **{which: tmp_path / "nope.bin"})
    expect_raises(FileNotFoundError, ex.train, config, progress=False, call=f"train(<config with a missing {which}>)",
                  match="nope.bin", hint="check Path(path).is_file() and name the path in the error")


@pytest.mark.parametrize("which", ["train_path", "val_path"])
def test_data_shorter_than_one_window(ex, tmp_path, which):
    short = tmp_path / "short.bin"
    np.arange(8, dtype=np.uint16).tofile(short)  # context_length 8 needs 9 tokens
    config = make_config(ex, tmp_path, **{which: short})
    expect_raises(ValueError, ex.train, config, progress=False, call=f"train(<{which} with 8 tokens, context_length=8>)",
                  match="9", hint="a window needs context_length + 1 tokens; say how many the file has and needs")
