"""The bpe benchmark: one --quick run on a small corpus, its token counter against HF, its guards.

Times are never asserted (a busy two-core machine swings them); the
compression of the two trainers is, since equal rules give nearly equal
bytes per token.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks import bpe
from curriculum.course import load

POINT_KEYS = {"x", "number", "samples", "stats", "ratios", "vocab_size", "corpus_bytes", "bytes_per_token"}


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """(result dict, output folder) of ``learn bench bpe --quick`` with the corpus in a temporary folder."""
    out = tmp_path_factory.mktemp("bpe-out")
    corpus = tmp_path_factory.mktemp("bpe-corpus")
    code = bpe.main(["--quick", "--no-progress", "--out", str(out), "--corpus-dir", str(corpus)])
    assert code == 0, f"learn bench bpe --quick returned {code}"
    return json.loads((out / "bpe.json").read_text(encoding="utf-8")), out


def test_quick_run_writes_json_markdown_and_png(quick):
    result, out = quick
    assert sorted(p.name for p in out.iterdir()) == ["bpe.json", "bpe.md", "bpe.png"]
    assert (out / "bpe.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    markdown = (out / "bpe.md").read_text(encoding="utf-8")
    assert markdown.startswith(f"# {bpe.TITLE}") and "| corpus bytes" in markdown and "ours/hf" in markdown


def test_quick_run_uses_the_quick_preset_and_keeps_every_sample(quick):
    result, _ = quick
    for key, value in bpe.QUICK.items():
        assert result["params"][key] == (list(value) if isinstance(value, tuple) else value)
    assert [p["x"] for p in result["points"]] == list(bpe.QUICK["sizes"])
    assert [p["vocab_size"] for p in result["points"]] == list(bpe.QUICK["vocab_sizes"])
    for p in result["points"]:
        assert POINT_KEYS <= p.keys()
        assert 0 < p["corpus_bytes"] <= p["x"] * 1.5
        for case in ("ours", "hf"):
            stats = p["stats"][case]
            assert stats["n"] == len(p["samples"][case]) == bpe.QUICK["repeats"]
            assert stats["min"] <= stats["median"] <= stats["max"]
        assert p["ratios"]["ours/hf"] == pytest.approx(p["stats"]["ours"]["median"] / p["stats"]["hf"]["median"])


def test_both_trainers_compress_the_held_out_text_alike(quick):
    result, _ = quick
    for p in result["points"]:
        ours, hf = p["bytes_per_token"]["ours"], p["bytes_per_token"]["hf"]
        assert ours > 1 and hf > 1, "merges must make tokens longer than one byte"
        assert abs(ours - hf) <= 0.05 * hf, f"bytes per token at {p['x']}: ours {ours:.3f}, hf {hf:.3f}"
    first, last = result["points"]
    assert last["bytes_per_token"]["hf"] > first["bytes_per_token"]["hf"], "a larger vocabulary compresses better"


def byte_decoder() -> dict[str, int]:
    """GPT-2's printable stand-in character for every byte, inverted (HF ByteLevel writes merges this way)."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return {c: b for b, c in chars.items()}


def test_count_tokens_matches_hf_encoding_with_the_same_merges(tmp_path):
    text = ("The parser reads the arguments, checks them and returns a namespace.\n"
            "Each argument has a name, a type and a default; unknown ones are errors. ") * 20
    path = tmp_path / "train.txt"
    path.write_text(text, encoding="utf-8")
    tokenizer = bpe.hf_train(path, 320)
    decode = byte_decoder()
    raw = json.loads(tokenizer.to_str())["model"]["merges"]
    merges = []
    for m in raw:
        left, right = m.split(" ") if isinstance(m, str) else m
        merges.append((bytes(decode[c] for c in left), bytes(decode[c] for c in right)))
    held_out = "The namespace holds each argument; errors name the unknown ones.\n  Defaults apply."
    assert bpe.count_tokens(held_out, merges) == len(tokenizer.encode(held_out).ids)


def test_count_tokens_known_values():
    assert bpe.count_tokens("ab ab", [(b"a", b"b")]) == 3
    assert bpe.count_tokens("ab ab", []) == 5
    assert bpe.count_tokens(f"ab{bpe.EOT}ab", [(b"a", b"b")]) == 3, "a special token counts as one token"
    assert bpe.count_tokens("", []) == 0


def test_a_trainer_that_stops_early_is_an_error(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("ab ab", encoding="utf-8")
    cases = bpe.make_cases(path, 400, {})
    with pytest.raises(RuntimeError, match="asked for 400"):
        cases["ours"]()


@pytest.mark.parametrize("sizes,vocab_sizes,match", [
    ([1000], [300, 400], "one vocab size per corpus size"), ([], [], "one vocab size"), ([1000], [200], "257"),
])
def test_run_rejects_bad_sizes(sizes, vocab_sizes, match):
    with pytest.raises(ValueError, match=match):
        bpe.run(sizes, vocab_sizes)


def test_catalogue_entry():
    bench = load().benchmark("bpe")
    assert bench.module == "benchmarks.bpe" and bench.track == "cs336"


def test_the_benchmark_does_not_import_torch():
    """Importing torch costs seconds and memory that a tokenizer benchmark has no use for (checked in a fresh
    interpreter: in this one, other tests may have imported torch already)."""
    code = "import sys, benchmarks.bpe; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", "benchmarks.bpe must not import torch"
