"""The ``tokenizer`` benchmark: reference Tokenizer vs tiktoken, and encode_iterable's memory.

The helpers are checked against oracles nobody here wrote (tiktoken on the
same merges, ``str.encode``, ``collections.Counter``), and one small real run
(smaller than ``--quick``, synthetic text, so nothing is built on disk) must
write its JSON, Markdown and PNG with both panels. Times are never asserted;
memory only in its direction (the streamed encoder's peak stays below the
whole-file encoder's and does not grow like the file).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks import tokenizer as bench
from cs336.solutions.tokenizer import Tokenizer
from curriculum.course import load

SMALL = ["--sizes", "4000", "16000", "--repeats", "2", "--merges", "300", "--train-bytes", "60000",
         "--stream-sizes", "300000", "1200000", "--whole-cap", "1200000", "--corpus", "synthetic"]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tokenizer-bench")
    assert bench.main([*SMALL, "--no-progress", "--out", str(out)]) == 0
    return json.loads((out / "tokenizer.json").read_text(encoding="utf-8")), out


@pytest.mark.slow  # one real run: ~5 s, four fresh processes
def test_run_writes_json_markdown_and_png(small_run):
    result, out = small_run
    assert sorted(p.name for p in out.iterdir()) == ["tokenizer.json", "tokenizer.md", "tokenizer.png"]
    assert (out / "tokenizer.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p["title"] for p in result["parts"]] == ["Encoding time", "Peak RSS growth while encoding a file"]
    assert "Encoding time" in (out / "tokenizer.md").read_text(encoding="utf-8")
    assert result["params"]["merges"] == 300 and result["params"]["corpus"] == "synthetic"


@pytest.mark.slow  # one real run: ~5 s, four fresh processes
def test_timing_panel_has_both_encoders_and_throughputs(small_run):
    timing = small_run[0]["parts"][0]
    assert [p["x"] for p in timing["points"]] == [4000, 16000]
    for p in timing["points"]:
        assert set(p["stats"]) == {"reference", "tiktoken"} and "reference/tiktoken" in p["ratios"]
        assert all(len(v) == 2 for v in p["samples"].values())
        for case, mb_s in p["throughput_mb_s"].items():
            assert mb_s == pytest.approx(p["x"] / p["stats"][case]["median"] / 1e6)


@pytest.mark.slow  # one real run: ~5 s, four fresh processes
def test_memory_panel_streamed_peak_stays_flat(small_run):
    result = small_run[0]
    memory = result["parts"][1]["points"]
    large = memory[-1]["stats"]
    streamed = [p["stats"]["encode_iterable"]["median"] for p in memory]
    whole = [p["stats"]["encode (whole file)"]["median"] for p in memory]
    assert memory[-1]["file_bytes"] >= 1_200_000 and memory[-1]["tokens"] > 0
    assert whole[-1] > whole[0], "encoding the whole file should need more memory for a larger file"
    assert large["encode_iterable"]["median"] < large["encode (whole file)"]["median"]
    # 4x the file must not mean anything like 4x the streamed peak (a few MB of cache either way)
    assert streamed[-1] < streamed[0] * 2 + 4 * 2**20, f"streamed peaks {streamed} grow with the file"
    assert result["rss_trace_mb"] and max(result["rss_trace_mb"]) < 64


def test_reference_and_tiktoken_agree_on_trained_merges(tmp_path):
    text = bench.english_like_text(40_000, seed=1)
    vocab_path, merges_path = bench.train_files(text, 200, tmp_path)
    tok = Tokenizer.from_files(vocab_path, merges_path, [bench.EOT])
    enc, rank_to_id = bench.tiktoken_for(tok)
    sample = text[:5000] + " it's 123 😀 中文 " + bench.EOT + " end"
    assert tok.encode(sample) == [rank_to_id[r] for r in enc.encode(sample, allowed_special="all")]
    cases = bench.make_cases(3000, tok=tok, enc=enc, rank_to_id=rank_to_id, text=text)
    assert set(cases) == {"reference", "tiktoken"}
    assert cases["reference"]() == [rank_to_id[r] for r in cases["tiktoken"]()]


def test_make_cases_rejects_encoders_that_disagree(tmp_path):
    text = bench.english_like_text(20_000, seed=2)
    tok = Tokenizer.from_files(*bench.train_files(text, 100, tmp_path), [bench.EOT])
    enc, rank_to_id = bench.tiktoken_for(tok)
    wrong = {r: (i + 1) % 300 for r, i in rank_to_id.items()}
    with pytest.raises(RuntimeError, match="disagree"):
        bench.make_cases(2000, tok=tok, enc=enc, rank_to_id=wrong, text=text)


def test_english_like_text_is_deterministic_and_long_enough():
    a, b = bench.english_like_text(5000, seed=3), bench.english_like_text(5000, seed=3)
    assert a == b and len(a.encode("utf-8")) >= 5000
    assert a != bench.english_like_text(5000, seed=4)
    words = Counter(a.lower().split())
    assert words.most_common(1)[0][1] > 20 and len(words) > 200, "Zipf-like: a few frequent words, a long tail"


@given(text=st.text(max_size=30), n=st.integers(0, 100))
def test_head_bytes_never_cuts_a_character(text, n):
    head = bench.head_bytes(text, n)
    assert text.startswith(head) and len(head.encode("utf-8")) <= n
    assert len(text[: len(head) + 1].encode("utf-8")) > n or head == text


def test_write_stream_file_repeats_shuffled_lines(tmp_path):
    text = "one\ntwo two\nthree three three\n"
    path = tmp_path / "s.txt"
    size = bench.write_stream_file(path, text, 200, seed=5)
    data = path.read_text(encoding="utf-8")
    assert size == len(data.encode("utf-8")) >= 200
    lines = Counter(data.splitlines())
    assert set(lines) == {"one", "two two", "three three three"} and len(set(lines.values())) == 1


def test_catalogue_puts_the_benchmark_in_cs336():
    entry = next(b for b in load().benchmarks if b.name == "tokenizer")
    assert entry.track == "cs336" and entry.module == "benchmarks.tokenizer"
