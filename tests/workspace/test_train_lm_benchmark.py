"""The end-to-end training run (``learn bench train-lm``): corpus, BPE, token files, training, samples.

One ``--quick`` run into a temporary folder; its record must be complete and
self-consistent (token counts, the evaluation schedule, a loss that fell from
its start, samples that decode to text). Times are never asserted.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from benchmarks import train_lm


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("train-lm")
    assert train_lm.main(["--quick", "--no-progress", "--out", str(out)]) == 0
    return json.loads((out / "train-lm.json").read_text(encoding="utf-8")), out


def test_quick_run_writes_json_markdown_and_png(quick):
    result, out = quick
    assert (out / "train-lm.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (out / "train-lm.md").read_text(encoding="utf-8")
    assert page.count("\n| ") - page.count("\n| stage") >= len(result["history"])
    assert set(result["seconds"]) == {"corpus", "train_bpe", "tokenize", "train", "sample"}


def test_the_evaluation_schedule_and_the_loss(quick):
    result, _ = quick
    p, history = result["params"], result["history"]
    assert [h["iter"] for h in history] == list(range(0, p["max_iters"] + 1, p["eval_interval"]))
    start, end = history[0], history[-1]
    # an untrained model is close to a uniform guess over the vocabulary; training must lower the loss
    assert abs(start["val_loss"] - math.log(p["vocab_size"])) < 1.0
    assert end["train_loss"] < start["train_loss"] and end["val_loss"] < start["val_loss"]
    assert result["uniform_loss"] == pytest.approx(math.log(p["vocab_size"]))


def test_token_counts_and_throughput_are_consistent(quick):
    result, _ = quick
    p = result["params"]
    assert 0 < p["train_tokens"] < p["train_bytes"] <= p["corpus_bytes"]
    assert p["bytes_per_token"] == pytest.approx(p["train_bytes"] / p["train_tokens"])
    assert result["tokens_seen"] == p["max_iters"] * p["batch_size"] * p["context_length"]
    assert result["train_tokens_per_s"] == pytest.approx(result["tokens_seen"] / result["seconds"]["train"])


def test_samples_continue_every_prompt(quick):
    result, _ = quick
    assert [s["prompt"] for s in result["samples"]] == list(train_lm.PROMPTS)
    assert all(isinstance(s["continuation"], str) and s["continuation"] for s in result["samples"])


def test_encode_file_writes_the_ids_of_the_whole_text(tmp_path):
    from cs336.solutions.tokenizer import Tokenizer

    vocab = {i: bytes([i]) for i in range(256)}
    text = "ab ab\nabc\n"
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    n = train_lm.encode_file(Tokenizer(vocab, []), tmp_path / "t.txt", tmp_path / "t.bin")
    assert n == len(text.encode())
    assert np.fromfile(tmp_path / "t.bin", dtype=np.uint16).tolist() == list(text.encode())
