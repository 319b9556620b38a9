"""The ``lm`` benchmark: the reference LM against the same model built from PyTorch parts.

A throughput comparison means something only if both sides compute the same
function, so the checks are about sameness: the built-in model takes the
reference's weights by name and gives the same logits, loss and gradients, and
one training step moves both to the same parameters. Times are never asserted.
"""

from __future__ import annotations

import json

import pytest
import torch

from benchmarks import lm


def trainers(seq_len=12, **kw):
    return lm.make_trainers(seq_len, batch=2, d_model=32, layers=2, **kw)


def test_builtin_model_has_the_reference_parameter_names_and_shapes():
    t = trainers()
    ours = {k: v.shape for k, v in t["ours"].model.state_dict().items()}
    builtin = {k: v.shape for k, v in t["builtin"].model.state_dict().items()}
    assert ours == builtin
    assert "layers.1.attn.output_proj.weight" in builtin and "lm_head.weight" in builtin


def test_same_weights_give_the_same_logits_loss_and_gradients():
    t = trainers()
    assert lm.check_agreement(t) < lm.MAX_REL_ERROR
    losses, grads = {}, {}
    for name, tr in t.items():
        logits = tr.model(tr.inputs)
        loss = tr.loss_fn(logits.reshape(-1, logits.shape[-1]), tr.targets.reshape(-1))
        loss.backward()
        losses[name] = loss.detach()
        grads[name] = dict(tr.model.named_parameters())
    torch.testing.assert_close(losses["ours"], losses["builtin"], rtol=1e-6, atol=1e-6)
    for name, p in grads["builtin"].items():
        torch.testing.assert_close(grads["ours"][name].grad, p.grad, rtol=1e-4, atol=1e-6, msg=name)


def test_the_builtin_attention_is_causal():
    t = trainers(seq_len=10)["builtin"]
    tokens = t.inputs.clone()
    before = t.model(tokens)
    tokens[:, 6:] = (tokens[:, 6:] + 1) % lm.VOCAB
    after = t.model(tokens)
    torch.testing.assert_close(before[:, :6], after[:, :6], rtol=0, atol=0)
    assert not torch.allclose(before[:, 6:], after[:, 6:])


def test_one_training_step_moves_both_models_alike():
    t = trainers()
    for tr in t.values():
        tr.step()
    ours, builtin = t["ours"].model.state_dict(), t["builtin"].model.state_dict()
    for name in builtin:
        torch.testing.assert_close(ours[name], builtin[name], rtol=1e-4, atol=1e-5, msg=name)


def test_a_broken_peer_is_caught_before_timing():
    t = trainers()
    with torch.no_grad():
        t["builtin"].model.ln_final.weight.mul_(1.5)
    with pytest.raises(RuntimeError, match="disagree"):
        lm.check_agreement(t)


def test_bad_sizes_are_usage_errors():
    with pytest.raises(ValueError, match="multiple"):
        lm.make_trainers(8, batch=1, d_model=20, layers=1)
    with pytest.raises(SystemExit):
        lm.main(["--quick", "--seq-lens", "0"])


def test_quick_run_writes_tokens_per_second(tmp_path):
    assert lm.main(["--quick", "--no-progress", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "lm.json").read_text())
    assert result["cases"] == ["ours", "builtin"] and result["baseline"] == "builtin"
    assert [p["x"] for p in result["points"]] == list(lm.QUICK["seq_lens"])
    batch = result["params"]["batch"]
    for p in result["points"]:
        for case, stats in p["stats"].items():
            assert stats["n"] == lm.QUICK["repeats"]
            assert p["tokens_per_s"][case] == pytest.approx(batch * p["x"] / stats["median"])
        assert p["throughput_ratio"] == pytest.approx(p["tokens_per_s"]["ours"] / p["tokens_per_s"]["builtin"])
    assert (tmp_path / "lm.png").stat().st_size > 0 and "tok/s" in result["description"]
