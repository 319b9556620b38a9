"""Grading cs336-02: byte-level BPE training.

Oracles:
- a brute-force trainer written here, which recounts every pair over every
  pretoken at each step and works on ``bytes`` only (same pretokenisation and
  tie rule), on hand-picked corpora and on random ones from Hypothesis;
- merges worked out by hand in the comments;
- structural properties of any trained vocabulary;
- HF ``tokenizers`` (BpeTrainer + ByteLevel pretokenizer, trained here, no
  download): the bytes per token on held-out text must be within 3 %.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import regex
from hypothesis import assume, given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-02")

EOT = "<|endoftext|>"
GPT2 = regex.compile(r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


# ---------------------------------------------------------------- the oracles written here


def pretokens(text: str, specials: list[str]) -> Counter[str]:
    """Split on the specials (longest first), then GPT-2 regex; count each pretoken."""
    pieces = [text]
    if specials:
        pieces = regex.split("|".join(regex.escape(s) for s in sorted(specials, key=len, reverse=True)), text)
    return Counter(tok for piece in pieces for tok in GPT2.findall(piece))


def brute_force_bpe(text: str, vocab_size: int, specials: list[str]):
    """Recount every pair at every step; pick max by (count, left bytes, right bytes); merge left to right."""
    words = Counter()
    for tok, n in pretokens(text, specials).items():
        words[tuple(bytes([b]) for b in tok.encode("utf-8"))] += n
    vocab = {i: s.encode("utf-8") for i, s in enumerate(specials)}
    vocab.update({len(specials) + b: bytes([b]) for b in range(256)})
    merges = []
    while len(vocab) < vocab_size:
        pairs = Counter()
        for word, n in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += n
        if not pairs:
            break
        best = max(pairs, key=lambda p: (pairs[p], p))
        merges.append(best)
        vocab[len(vocab)] = best[0] + best[1]
        merged = Counter()
        for word, n in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += n
        words = merged
    return vocab, merges


def encode_length(text: str, merges: list[tuple[bytes, bytes]]) -> int:
    """How many tokens ``merges`` turn ``text`` into (apply the lowest-ranked pair first, per pretoken)."""
    rank = {pair: i for i, pair in enumerate(merges)}
    total = 0
    for tok, n in pretokens(text, []).items():
        parts = [bytes([b]) for b in tok.encode("utf-8")]
        while len(parts) > 1:
            ranked = [(rank.get(p, len(rank)), i) for i, p in enumerate(zip(parts, parts[1:]))]
            r, i = min(ranked)
            if r == len(rank):
                break
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        total += n * len(parts)
    return total


# ---------------------------------------------------------------- helpers


def write(folder: Path, text: str, name: str = "corpus.txt") -> Path:
    path = Path(folder) / name
    path.write_bytes(text.encode("utf-8"))
    return path


def train(ex, folder: Path, text: str, vocab_size: int, specials: list[str]):
    return ex.train_bpe(write(folder, text), vocab_size, specials)


def call(text: str, vocab_size: int, specials: list[str]) -> str:
    shown = text if len(text) < 80 else text[:77] + "..."
    return f"train_bpe(<file holding {shown!r}>, {vocab_size}, {specials!r})"


def expect_same_as_brute_force(ex, folder: Path, text: str, vocab_size: int, specials: list[str]) -> None:
    vocab, merges = train(ex, folder, text, vocab_size, specials)
    want_vocab, want_merges = brute_force_bpe(text, vocab_size, specials)
    expect_equal(list(merges), want_merges, call=call(text, vocab_size, specials) + "[1] (merges)",
                 hint="each step merges the most frequent pair, ties to the greater (left bytes, right bytes); "
                      "pairs never span a special token or a pretoken; after a merge, update the counts of the "
                      "neighbouring pairs")
    expect_equal(dict(vocab), want_vocab, call=call(text, vocab_size, specials) + "[0] (vocab)",
                 hint="ids: specials first, then byte b at len(specials) + b, then one id per merge in order")


# ---------------------------------------------------------------- against the brute force

CASES = {
    "english+special": ("the cat sat on the mat." + EOT + "the dog sat on the log. the end", 290, [EOT]),
    "overlapping specials": ("ab" + EOT + EOT + "ab" + EOT + "abab" + EOT + EOT + EOT + "ba", 275,
                             [EOT, EOT + EOT]),
    "special inside a word": ("low" + EOT + "er lower" + EOT + "lowest", 270, [EOT]),
    "chinese and emoji": ("你好，世界！你好世界。😀😀 emoji 😀👍🏽 naïve café 你好", 300, [EOT]),
    "whitespace runs": ("a  b\n\n\tc   \n d  \n\n\n  e\t\t f   ", 280, []),
    "ties everywhere": ("ab ba ab ba cd dc", 270, []),
    "repeated letters": ("aaaa aaaaa aaa a aa aaaaaaa", 270, []),
    "contractions and numbers": ("don't we'll they're it's I'd 12345 2024 3.14 1,000,000", 290, []),
    "two specials": ("<a>x y<b>x y<a><b>xy", 262, ["<a>", "<b>"]),
    "runs out of pairs": ("ab", 1000, []),
    "no merges asked": ("hello world", 257, [EOT]),
}


@pytest.mark.parametrize("text,vocab_size,specials", CASES.values(), ids=CASES.keys())
def test_matches_brute_force(ex, tmp_path, text, vocab_size, specials):
    expect_same_as_brute_force(ex, tmp_path, text, vocab_size, specials)


PIECES = ["a", "b", "ab", "ba", " ", "  ", "\n", "é", "中", "😀", "'s", "1", ".", EOT, "<|x|>"]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join), st.integers(0, 24),
       st.sampled_from([[], [EOT], [EOT, "<|x|>"]]))
def test_matches_brute_force_on_random_text(ex, text, extra, specials):
    assume(sum(pretokens(text, specials).values()) > 0)
    with tempfile.TemporaryDirectory() as folder:
        expect_same_as_brute_force(ex, Path(folder), text, 256 + len(specials) + extra, specials)


@pytest.mark.parametrize("specials", [[EOT], []], ids=["documents", "one long text"])
def test_parallel_pretokenisation_gives_the_same_merges(ex, tmp_path, monkeypatch, specials):
    # Force the multi-process path on a small file (if there is one): the chunk boundaries must never
    # change a pretoken, even in whitespace runs, across documents, or inside one long text.
    monkeypatch.setattr(sys.modules[ex.__name__], "PARALLEL_MIN_CHARS", 0, raising=False)
    doc = "First line.\n  Second  line,\n\n    indented   text\n  and 12 numbers!\n\n\nend  \n"
    text = (EOT if specials else "\n").join(doc * (k % 3 + 1) + f"doc {k}" for k in range(12))
    expect_same_as_brute_force(ex, tmp_path, text, 330, specials)


# ---------------------------------------------------------------- worked by hand


def test_hand_worked_merges_with_ties(ex, tmp_path):
    # One pretoken, "aaabdaaabac" (letters only). Pair counts: aa 4 (two in each "aaa"), ab 2, bd 1, da 1,
    # ba 1, ac 1.
    # 1. (a, a) -> left to right "aaa" becomes [aa, a]: aa a b d aa a b a c
    # 2. (aa, a) 2 and (a, b) 2 tie; (b"aa", b"a") > (b"a", b"b") since b"aa" > b"a": aaa b d aaa b a c
    # 3. (aaa, b) 2: aaab d aaab a c
    # 4. all pairs 1: (aaab, d), (d, aaab), (aaab, a), (a, c); the greatest left part is b"d".
    vocab, merges = train(ex, tmp_path, "aaabdaaabac", 260, [])
    want = [(b"a", b"a"), (b"aa", b"a"), (b"aaa", b"b"), (b"d", b"aaab")]
    expect_equal(list(merges), want, call="train_bpe(<'aaabdaaabac'>, 260, [])",
                 hint="merge left to right inside a word ('aaa' -> [aa, a]); ties go to the greater pair of bytes")
    expect_equal(vocab[259], b"daaab", call="train_bpe(<'aaabdaaabac'>, 260, [])[0][259]",
                 hint="the last merge's bytes get the last id")


def test_hand_worked_pretokens_and_special(ex, tmp_path):
    # Pretokens "low", " low", " lower" (the special is cut out first). (l, o) and (o, w) both occur 3 times:
    # the tie goes to (b"o", b"w"). Then (l, ow) 3, then (" ", low) 2.
    vocab, merges = train(ex, tmp_path, "low low lower" + EOT, 260, [EOT])
    expect_equal(list(merges), [(b"o", b"w"), (b"l", b"ow"), (b" ", b"low")],
                 call=f"train_bpe(<'low low lower{EOT}'>, 260, [{EOT!r}])",
                 hint="the GPT-2 regex keeps the leading space with the word: ' low', not 'low'")
    expect_equal([vocab[0], vocab[1 + ord("l")], vocab[259]], [EOT.encode(), b"l", b" low"],
                 call="vocab[0], vocab[1 + ord('l')], vocab[259]", hint="specials first, then bytes, then merges")


# ---------------------------------------------------------------- structure of a real vocabulary


def stdlib_text(module) -> str:
    """Docstrings of a standard-library module (read with ast), one document per docstring."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    docs = [ast.get_docstring(node) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))]
    return EOT.join(d for d in docs if d)


def test_vocab_structure_on_real_text(ex, tmp_path):
    specials = [EOT, "<|pad|>"]
    text = stdlib_text(argparse) + EOT + "<|pad|>" * 3
    vocab, merges = train(ex, tmp_path, text, 600, specials)
    n = len(specials)
    expect_equal(sorted(vocab), list(range(600)), call="sorted(vocab) after train_bpe(argparse docstrings, 600)",
                 hint="ids are contiguous 0 .. vocab_size - 1")
    expect_equal([vocab[i] for i in range(n)], [s.encode() for s in specials], call="the first ids",
                 hint="special tokens take ids 0 .. len(specials) - 1, in the given order")
    expect_equal([vocab[n + b] for b in range(256)], [bytes([b]) for b in range(256)], call="ids 2 .. 257",
                 hint="byte b has id len(specials) + b")
    expect_equal([vocab[n + 256 + i] for i in range(len(merges))], [a + b for a, b in merges],
                 call="vocab[len(specials) + 256 + i] vs merges[i]", hint="merge i creates the token with id 258 + i")
    for token in list(vocab.values())[n + 256:]:
        expect_true(not any(s.encode() in token for s in specials),
                    message=f"the merged token {token!r} contains a special token",
                    hint="split the text on the special tokens before pretokenising")


# ---------------------------------------------------------------- against HF tokenizers


def hf_merges_length(train_path: Path, held_out: str, vocab_size: int) -> int:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOT], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train([str(train_path)], trainer)
    return len(tok.encode(held_out).ids)


def test_compression_close_to_hf_tokenizers(ex, tmp_path):
    import collections
    import inspect
    import textwrap
    import typing

    path = write(tmp_path, EOT.join(stdlib_text(m) for m in (argparse, inspect, typing, collections)))
    held_out = stdlib_text(textwrap).replace(EOT, "\n")
    vocab, merges = ex.train_bpe(path, 500, [EOT])
    ours = encode_length(held_out, list(merges))
    theirs = hf_merges_length(path, held_out, 500)
    size = len(held_out.encode("utf-8"))
    expect_true(abs(size / ours - size / theirs) <= 0.03 * size / theirs,
                message=f"bytes per token on held-out text: ours {size / ours:.3f}, HF tokenizers "
                        f"{size / theirs:.3f} (tolerance 3 %)",
                hint="the same corpus and vocabulary size should compress about as well as HF's BpeTrainer")


# ---------------------------------------------------------------- malformed input


def test_empty_file_is_an_error(ex, tmp_path):
    expect_raises(ValueError, train, ex, tmp_path, "", 300, [EOT], call="train_bpe(<empty file>, 300, [EOT])",
                  match="empty", hint="a corpus with no text cannot be trained on: raise ValueError saying it is empty")


def test_only_special_tokens_is_an_error(ex, tmp_path):
    expect_raises(ValueError, train, ex, tmp_path, EOT * 3, 300, [EOT],
                  call="train_bpe(<file of only special tokens>, 300, [EOT])", match="empty",
                  hint="after removing the special tokens nothing is left: raise ValueError saying it is empty")


@pytest.mark.parametrize("vocab_size,specials", [(255, []), (256, [EOT]), (0, [])])
def test_vocab_size_too_small(ex, tmp_path, vocab_size, specials):
    expect_raises(ValueError, train, ex, tmp_path, "some text", vocab_size, specials,
                  call=f"train_bpe(<'some text'>, {vocab_size}, {specials!r})", match="vocab_size",
                  hint="256 bytes plus the specials must fit: raise ValueError naming vocab_size")


def test_duplicate_special_tokens(ex, tmp_path):
    expect_raises(ValueError, train, ex, tmp_path, "some text", 300, [EOT, "<a>", EOT],
                  call="train_bpe(<'some text'>, 300, [EOT, '<a>', EOT])", match="duplicate",
                  hint="each special token needs exactly one id: reject duplicates with ValueError")


def test_missing_file(ex, tmp_path):
    missing = tmp_path / "no_such_corpus.txt"
    expect_raises(FileNotFoundError, ex.train_bpe, missing, 300, [EOT], call=f"train_bpe({str(missing)!r}, 300, [EOT])",
                  match="no_such_corpus", hint="let open() raise FileNotFoundError; it names the path")
