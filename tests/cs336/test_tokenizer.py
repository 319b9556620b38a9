"""Grading cs336-03: the byte-level BPE tokenizer.

Oracles, none of them the course's own code:

- HF ``tokenizers`` trains a small ByteLevel BPE on ``CORPUS`` (once per
  module) and saves ``vocab.json``/``merges.txt``: the files ``from_files``
  must read, and HF's own ``encode`` (with ``add_prefix_space=False``, so
  its conventions match ours) gives the ids to compare with;
- ``tiktoken.Encoding`` built from the same merges (rank of a merged token =
  256 + its index in the merge list, single bytes 0..255): tiktoken merges the
  adjacent pair whose *concatenation* has the lowest rank, which is merge-list
  order as long as no two merges produce the same token (checked on the
  fixture); its ids are mapped back to the vocab's ids through the bytes;
- ``bytes.decode("utf-8", errors="replace")`` for decoding, HF's
  ``ByteLevel.alphabet()`` for GPT-2's byte table, and properties
  (round trip, chunking does not matter) over Hypothesis-generated text.

Where HF differs by default: ``ByteLevelBPETokenizer`` adds a prefix space
(``add_prefix_space=True``); the fixture turns it off. tiktoken's special-token
regex has no defined order, so overlapping special tokens are checked against
hand-worked ids instead.
"""

from __future__ import annotations

import itertools
import json

import pytest
import tiktoken
from hypothesis import given
from hypothesis import strategies as st
from tokenizers import Tokenizer as HFTokenizer
from tokenizers import decoders, models, pre_tokenizers, trainers

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-03")

PAT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
EOT, PAD = "<|endoftext|>", "<|pad|>"
SPECIALS = [EOT, PAD]

CORPUS = """\
The tokenizer reads the text, then it splits the text into pretokens. It's simple, isn't it? We'll see.
They've said they're ready; I'd say we'm not. The theme of the thesis: there, then, these, those, them.
Numbers: 1 12 123 1234 12345 2024-11-22 3.14159 0x1F600 and 42 + 58 = 100.
    def encode(self, text: str) -> list[int]:
        return [self.ranks[piece] for piece in pieces]  # indentation matters
Tabs\tand\ttabs, two  spaces, three   spaces, newlines

and blank lines.
中文也要能分词：分词器把文本变成整数。日本語のテキストも。한국어도 있습니다.
Émoji 😀😀 🤖 and accents: café, naïve, résumé, e\u0301, ß, Ω, π ≈ 3.14.
<|endoftext|>A second document starts after the end-of-text token.<|endoftext|>
"""

TRICKY = [
    "", "a", " ", "  ", "\n", "\n\n", " \n ", "\t\t x", "hello world", "hello  world", "hello \n\n world",
    "it's we'll they've I'd you're he'S", "'s'll've", "don't  'll", "x'l", "123 4567 89", "3.14e-5",
    "😀", "😀😀😀 🤖", "中文分词器", "e\u0301", "café naïve", "\u00a0nbsp\u00a0", "\x00\x01\x7f", "\r\n\r\n",
    "   leading and trailing   ", "!!!???...", "<|endoftext|>", "a<|endoftext|>b", "<|endoftext|><|pad|>",
    "<|endoftext|> <|endoftext|>\n<|pad|>", "<|endoftext", "<|pad|<|pad|>|>", CORPUS,
]

PIECES = [  # fragments that stress the pretokenizer and the special tokens when glued together
    " ", "  ", "\n", "\n\n", "\t", "\r\n", "'", "'s", "'ll", "'ve", "l", "s", "the", " the", "them", "123", "4",
    "😀", "中文", "é", "e\u0301", "!", "?!", "-", "<|", "|>", "endoftext", EOT, PAD, "<|endoftext", "\u00a0",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=14).map("".join)


def byte_table() -> dict[int, str]:
    """GPT-2's byte -> printable character table, written out independently for the test."""
    keep = [b for b in range(256) if chr(b).isprintable() and chr(b) != " " and b != 0xAD]
    moved = [b for b in range(256) if b not in keep]
    return {b: chr(b) for b in keep} | {b: chr(256 + k) for k, b in enumerate(moved)}


# ---------------------------------------------------------------- fixtures built with HF tokenizers


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A ByteLevel BPE trained by HF on CORPUS, saved as GPT-2 files, and parsed by this test module.

    Returns a dict: ``dir``, ``vocab_path``, ``merges_path``, ``vocab`` (id -> bytes), ``merges``
    (list of byte pairs), ``hf`` (HF tokenizer, prefix space off, special tokens added).
    """
    hf = HFTokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    hf.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=500, special_tokens=[EOT], initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    hf.train_from_iterator([CORPUS] * 3, trainer=trainer)
    out = tmp_path_factory.mktemp("hf_bpe")
    vocab_path, merges_path = (out / name for name in hf.model.save(str(out)))
    hf.add_special_tokens(SPECIALS)

    back = {ch: b for b, ch in byte_table().items()}
    strings = json.loads(vocab_path.read_text(encoding="utf-8"))
    vocab = {i: (s.encode() if s in SPECIALS else bytes(back[c] for c in s)) for s, i in strings.items()}
    to_bytes = {s: vocab[i] for s, i in strings.items()}
    lines = merges_path.read_text(encoding="utf-8").splitlines()[1:]  # skip "#version: 0.2"
    merges = [tuple(to_bytes[s] for s in line.split(" ")) for line in lines if line]
    return {"dir": out, "vocab_path": vocab_path, "merges_path": merges_path, "vocab": vocab, "merges": merges, "hf": hf}


@pytest.fixture(scope="module")
def tiktoken_ids(trained):
    """``tiktoken_ids(text) -> ids`` in the trained vocab's numbering, from a tiktoken.Encoding on the same merges."""
    ranks = {bytes([b]): b for b in range(256)}
    for k, (a, b) in enumerate(trained["merges"]):
        assert a + b not in ranks, f"fixture: merge {k} repeats the token {a + b!r}; tiktoken would rank it differently"
        ranks[a + b] = 256 + k
    specials = {s: 1_000_000 + k for k, s in enumerate(SPECIALS)}
    enc = tiktoken.Encoding(name="cs336-test", pat_str=PAT, mergeable_ranks=ranks, special_tokens=specials)
    vocab_id = {token: i for i, token in trained["vocab"].items()}
    rank_to_id = {r: vocab_id[t] for t, r in ranks.items()}
    # a special token keeps its vocab id (EOT); a new one is appended: PAD gets max(vocab) + 1
    rank_to_id |= {specials[EOT]: vocab_id[EOT.encode()], specials[PAD]: max(trained["vocab"]) + 1}

    def encode(text: str, *, special: bool = True) -> list[int]:
        ranks_out = enc.encode(text, allowed_special="all") if special else enc.encode_ordinary(text)
        return [rank_to_id[r] for r in ranks_out]

    return encode


@pytest.fixture
def tok(ex, trained):
    """The exercise's Tokenizer on the HF-trained vocab and merges, both special tokens set."""
    return ex.Tokenizer(trained["vocab"], trained["merges"], SPECIALS)


WHITESPACE_MERGES = [(b"\n", b"\n"), (b" ", b" "), (b"\t", b"\t"), (b" ", b"\n"), (b"\n", b" "), (b"  ", b"  "),
                     (b"'", b"l"), (b"'l", b"l"), (b"'", b"v"), (b"b", b"c"), (b" ", b"bc"), (b" ", b"a")]


@pytest.fixture(params=["hf-trained", "whitespace-merges"])
def stream_tok(request, ex, trained):
    """Two tokenizers for the streaming tests: the HF-trained one, and a hand-built one whose merges join
    whitespace ("\n\n", "  ", ...), so that a wrongly split whitespace run changes the ids."""
    if request.param == "hf-trained":
        return ex.Tokenizer(trained["vocab"], trained["merges"], SPECIALS)
    vocab = {i: bytes([i]) for i in range(256)}
    for a, b in WHITESPACE_MERGES:
        vocab[len(vocab)] = a + b
    return ex.Tokenizer(vocab, WHITESPACE_MERGES, SPECIALS)


# ---------------------------------------------------------------- the byte table


@pytest.mark.parametrize("byte,char", [(ord("a"), "a"), (ord("!"), "!"), (ord(" "), "Ġ"), (ord("\n"), "Ċ"), (0, "Ā"),
                                        (0x7F, "ġ"), (0xA0, "ł"), (0xAD, "Ń"), (0xFF, "ÿ")])
def test_byte_table_known_values(ex, byte, char):
    expect_equal(ex.gpt2_bytes_to_unicode()[byte], char, call=f"gpt2_bytes_to_unicode()[{byte:#04x}]",
                 hint="printable bytes keep their code point; the other 68 get chr(256), chr(257), ... in byte order")


def test_byte_table_is_hf_alphabet(ex):
    table = ex.gpt2_bytes_to_unicode()
    expect_equal(sorted(table), list(range(256)), call="sorted(gpt2_bytes_to_unicode())", hint="one entry per byte value")
    expect_equal(sorted(table.values()), sorted(pre_tokenizers.ByteLevel.alphabet()),
                 call="sorted(gpt2_bytes_to_unicode().values())",
                 hint="the values must be exactly HF ByteLevel's 256 printable characters, none repeated")


# ---------------------------------------------------------------- encode against tiktoken and HF


@pytest.mark.parametrize("text", TRICKY, ids=lambda t: ascii(t)[:30])
def test_encode_matches_tiktoken(tok, tiktoken_ids, text):
    expect_equal(tok.encode(text), tiktoken_ids(text), call=f"encode({text!r})",
                 hint="split at special tokens, pretokenize with PAT, then merge the lowest-rank pair first")


@given(text=texts)
def test_encode_matches_tiktoken_on_generated_text(tok, tiktoken_ids, text):
    expect_equal(tok.encode(text), tiktoken_ids(text), call=f"encode({text!r})",
                 hint="compare pretoken by pretoken: regex.findall(PAT, piece) for each piece between special tokens")


@given(text=st.text(max_size=30))
def test_encode_matches_tiktoken_on_any_unicode(tok, tiktoken_ids, text):
    expect_equal(tok.encode(text), tiktoken_ids(text), call=f"encode({text!r})",
                 hint="a pretoken is encoded as its UTF-8 bytes, one token per byte, before merging")


@pytest.mark.parametrize("text", [t for t in TRICKY if EOT not in t and PAD not in t] + [CORPUS.replace(EOT, "")],
                         ids=lambda t: ascii(t)[:30])
def test_from_files_reads_hf_files_and_matches_hf_encode(ex, trained, text):
    tok = ex.Tokenizer.from_files(trained["vocab_path"], trained["merges_path"], [EOT])
    expect_equal(tok.encode(text), trained["hf"].encode(text).ids, call=f"Tokenizer.from_files(<HF files>).encode({text!r})",
                 hint="vocab.json maps GPT-2 printable strings to ids ('Ġ' is a space); merges.txt lists them in rank order")


def test_hf_files_match_hand_parsed_vocab(ex, trained):
    tok = ex.Tokenizer.from_files(trained["vocab_path"], trained["merges_path"], [EOT])
    expect_equal(tok.encode(CORPUS), ex.Tokenizer(trained["vocab"], trained["merges"], [EOT]).encode(CORPUS),
                 call="Tokenizer.from_files(...).encode(CORPUS) vs Tokenizer(vocab, merges).encode(CORPUS)",
                 hint="skip the '#version' line; decode each token string with the inverse of gpt2_bytes_to_unicode")


def test_overlapping_special_tokens_longest_wins(ex, trained, tiktoken_ids):
    double = EOT + EOT
    tok = ex.Tokenizer(trained["vocab"], trained["merges"], [EOT, double])
    ids = tok.encode("a" + EOT * 3 + "b")
    one, two = tok.encode(EOT), tok.encode(double)
    expect_equal(len(one) == 1 and len(two) == 1 and one != two, True, call=f"encode({EOT!r}), encode({double!r})",
                 hint="each special token is one id of its own")
    want = tiktoken_ids("a", special=False) + two + one + tiktoken_ids("b", special=False)
    expect_equal(ids, want, call=f"encode('a' + {EOT!r} * 3 + 'b') with special tokens [{EOT!r}, {double!r}]",
                 hint="at one position try the longest special token first (sort them by length, longest first)")


@pytest.mark.parametrize("text", ["<|endoftext|>", "x<|pad|>y", "<|endoftext|><|endoftext|>"], ids=ascii)
def test_without_special_tokens_they_are_plain_text(ex, trained, tiktoken_ids, text):
    tok = ex.Tokenizer(trained["vocab"], trained["merges"])
    expect_equal(tok.encode(text), tiktoken_ids(text, special=False), call=f"Tokenizer(vocab, merges).encode({text!r})",
                 hint="with special_tokens=None nothing is special: '<|endoftext|>' is pretokenized like any text")


def test_special_token_ids(ex, trained):
    vocab, merges = trained["vocab"], trained["merges"]
    in_vocab = next(i for i, t in vocab.items() if t == EOT.encode())
    tok = ex.Tokenizer(vocab, merges, ["<|new|>", EOT, "<|new|>", "<|新|>"])
    got = [tok.encode(s) for s in ("<|new|>", EOT, "<|新|>")]
    want = [[max(vocab) + 1], [in_vocab], [max(vocab) + 2]]
    expect_equal(got, want, call="encode of each special token of Tokenizer(vocab, merges, ['<|new|>', EOT, '<|new|>', '<|新|>'])",
                 hint="a special token already in the vocab keeps its id; new ones get max(vocab) + 1, + 2, ... "
                      "in order; duplicates count once")
    expect_equal(tok.decode(got[0] + got[2]), "<|new|><|新|>", call="decode of the new special ids",
                 hint="add the new special tokens to the vocab, as their UTF-8 bytes")


# ---------------------------------------------------------------- decode


@given(text=texts)
def test_decode_encode_round_trip(tok, text):
    expect_equal(tok.decode(tok.encode(text)), text, call=f"decode(encode({text!r}))",
                 hint="join every token's bytes, then decode the whole byte string as UTF-8")


@given(text=st.text(max_size=40))
def test_decode_encode_round_trip_any_unicode(tok, text):
    expect_equal(tok.decode(tok.encode(text)), text, call=f"decode(encode({text!r}))",
                 hint="byte-level BPE can encode any string: every byte is a token")


@pytest.mark.parametrize("data", [b"\xe4\xb8", b"\xff", b"a\x80b", b"\xf0\x9f\x98", b"\xe4\xb8\xad\xe4", b"\xed\xa0\x80",
                                  b"\xc0\xaf"], ids=ascii)
def test_decode_invalid_utf8_like_python(tok, trained, data):
    byte_id = {t: i for i, t in trained["vocab"].items()}
    ids = [byte_id[bytes([b])] for b in data]
    expect_equal(tok.decode(ids), data.decode("utf-8", errors="replace"), call=f"decode(<ids of the bytes {data!r}>)",
                 hint="decode once with errors='replace' after joining: never decode token by token")


@given(data=st.binary(max_size=24))
def test_decode_any_bytes_like_python(trained, ex, data):
    tok = ex.Tokenizer(trained["vocab"], trained["merges"])
    byte_id = {t: i for i, t in trained["vocab"].items()}
    ids = [byte_id[bytes([b])] for b in data]
    expect_equal(tok.decode(ids), data.decode("utf-8", errors="replace"), call=f"decode(<ids of the bytes {data!r}>)",
                 hint="malformed UTF-8 becomes U+FFFD exactly as bytes.decode('utf-8', errors='replace')")


def test_decode_splits_a_character_across_tokens(tok):
    ids = tok.encode("中")
    pieces = [tok.decode([i]) for i in ids]
    expect_equal(tok.decode(ids), "中", call="decode(encode('中'))", hint="a CJK character is 3 bytes, maybe 3 tokens")
    expect_true(len(ids) == 1 or "\ufffd" in "".join(pieces),
                message=f"decoding the tokens of '中' one by one should give U+FFFD pieces, got {pieces!r}",
                hint="decode the single tokens with errors='replace'")


@pytest.mark.parametrize("ids", [[10**6], [0, -1], [3, 10**9, 4]], ids=str)
def test_decode_unknown_id_is_a_clear_error(tok, ids):
    bad = next(i for i in ids if i < 0 or i > 10**5)
    expect_raises(ValueError, tok.decode, ids, call=f"decode({ids})", match=str(bad),
                  hint="raise ValueError naming the id that is not in the vocab")


def test_empty_inputs(tok):
    expect_equal(tok.encode(""), [], call="encode('')", hint="no text, no ids")
    expect_equal(tok.decode([]), "", call="decode([])", hint="no ids, no text")
    expect_equal(list(tok.encode_iterable([])), [], call="list(encode_iterable([]))", hint="an empty stream has no ids")
    expect_equal(list(tok.encode_iterable(["", "", ""])), [], call="list(encode_iterable(['', '', '']))",
                 hint="empty chunks add nothing")


# ---------------------------------------------------------------- encode_iterable


def cut(text: str, points: list[int]) -> list[str]:
    """``text`` cut at the given positions: ``cut("abcd", [1, 3]) -> ["a", "bc", "d"]``."""
    bounds = [0, *sorted(p % (len(text) + 1) for p in points), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


@given(text=texts, points=st.lists(st.integers(0, 200), max_size=8))
def test_encode_iterable_any_chunking_equals_encode(stream_tok, text, points):
    chunks = cut(text, points)
    expect_equal(list(stream_tok.encode_iterable(iter(chunks))), stream_tok.encode(text), call=f"list(encode_iterable({chunks!r}))",
                 hint="a pretoken or a special token may straddle two chunks: hold back the unfinished tail")


@pytest.mark.parametrize("text", ["x'll y", "they've", "a  \n\n b", EOT + EOT + "x", "<|pad|<|pad|>|>", CORPUS],
                         ids=lambda t: ascii(t)[:30])
def test_encode_iterable_one_character_at_a_time(stream_tok, text):
    expect_equal(list(stream_tok.encode_iterable(iter(text))), stream_tok.encode(text), call=f"list(encode_iterable(iter({text!r})))",
                 hint="'x'l' + 'l' is x + 'll, not x + ' + ll; '  \\n' + 'b' splits the spaces differently")


@pytest.mark.parametrize("chunks", [
    ["a\n\nb c"], ["affine\n", "\n", "Parameters\n", "Move the"], ["x\t\t", "y z w"], ["a \n \n", "b c d"],
    ["it", "'", "ll be"], ["x'", "ve y z"], [EOT[:5], EOT[5:] + "x y"], ["a" + EOT, EOT + "b c d"], ["one two", "", " three"],
], ids=lambda c: ascii(c)[:40])
def test_encode_iterable_known_chunkings(stream_tok, chunks):
    expect_equal(list(stream_tok.encode_iterable(iter(chunks))), stream_tok.encode("".join(chunks)),
                 call=f"list(encode_iterable({chunks!r}))",
                 hint="encode the final pretokens as they were found in the whole buffer; re-pretokenizing the "
                      "prefix alone changes its end ('a\\n\\n' alone is one whitespace pretoken, in 'a\\n\\nb' two)")


dense = st.lists(st.sampled_from(["a", "bc", " ", "  ", "\n", "\t", "'", "ll", "s", "9", "!", EOT, "<|", "é"]), max_size=24)


@given(pieces=dense, points=st.lists(st.integers(0, 200), max_size=6))
def test_encode_iterable_whitespace_dense_chunking(stream_tok, pieces, points):
    text = "".join(pieces)
    chunks = cut(text, points)
    expect_equal(list(stream_tok.encode_iterable(iter(chunks))), stream_tok.encode(text), call=f"list(encode_iterable({chunks!r}))",
                 hint="whitespace runs are split by what follows them: hold back the tail and never re-split the prefix")


def test_encode_iterable_over_file_lines(tok, tiktoken_ids, tmp_path):
    path = tmp_path / "corpus.txt"
    text = (CORPUS + PAD + "\n") * 5
    path.write_text(text, encoding="utf-8")
    with path.open(encoding="utf-8", newline="") as f:
        got = list(tok.encode_iterable(f))
    expect_equal(got, tiktoken_ids(text), call="list(encode_iterable(open('corpus.txt')))",
                 hint="iterating a file gives lines ending in '\\n'; the ids must equal encode of the whole file")


def test_encode_iterable_is_lazy(tok):
    consumed = []

    def chunks():
        for k in range(1000):
            consumed.append(k)
            yield f"line {k} of a long stream, it's fine.\n"

    stream = tok.encode_iterable(chunks())
    first = list(itertools.islice(stream, 5))
    expect_true(len(first) == 5 and len(consumed) < 10,
                message=f"after taking 5 ids, encode_iterable had read {len(consumed)} of 1000 chunks",
                hint="yield ids as soon as they are final (a generator), do not join the whole iterable first")
    rest = list(stream)
    expect_equal(first + rest, tok.encode("".join(f"line {k} of a long stream, it's fine.\n" for k in range(1000))),
                 call="encode_iterable(<1000 lines>)", hint="lazy and exact: the ids must equal encode of the whole")


# ---------------------------------------------------------------- save and from_files


def test_save_then_from_files_round_trip(ex, tok, tmp_path):
    vocab_path, merges_path = tmp_path / "vocab.json", tmp_path / "merges.txt"
    tok.save(vocab_path, merges_path)
    expect_equal(sorted(p.name for p in tmp_path.iterdir()), ["merges.txt", "vocab.json"], call="save(...)",
                 hint="write each file to a temporary file and os.replace it; leave nothing else behind")
    back = ex.Tokenizer.from_files(vocab_path, merges_path, SPECIALS)
    expect_equal(back.encode(CORPUS + PAD), tok.encode(CORPUS + PAD), call="Tokenizer.from_files(<saved files>).encode(...)",
                 hint="save every token (special ones too) with its id, and the merges in order")
    hf = HFTokenizer(models.BPE.from_file(str(vocab_path), str(merges_path)))
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    text = CORPUS.replace(EOT, "")
    expect_equal(hf.encode(text).ids, tok.encode(text), call="HF models.BPE.from_file(<saved files>) on CORPUS",
                 hint="HF must read your files: vocab.json is {printable token: id}, merges.txt 'a b' per line")


@pytest.mark.parametrize("content,line", [
    ("#version: 0.2\nĠ t\nh e x\n", 3),
    ("#version: 0.2\nĠ t\n\nhe\n", 4),
    ("Ġ t\nĠ zzzz\n", 2),
    ("Ġ  t\n", 1),
], ids=["three-tokens", "one-token", "unknown-token", "two-spaces"])
def test_from_files_rejects_bad_merges(ex, tmp_path, content, line):
    vocab_path, merges_path = tmp_path / "vocab.json", tmp_path / "merges.txt"
    table = byte_table()
    vocab = {table[b]: b for b in range(256)} | {"Ġt": 256}
    vocab_path.write_text(json.dumps(vocab), encoding="utf-8")
    merges_path.write_text(content, encoding="utf-8")
    err = expect_raises(ValueError, ex.Tokenizer.from_files, vocab_path, merges_path,
                        call=f"Tokenizer.from_files(vocab.json, merges.txt containing {content!r})", match="merges.txt",
                        hint="a merges line is two known tokens separated by one space: raise ValueError naming file and line")
    expect_true(f":{line}" in str(err) or f"line {line}" in str(err),
                message=f"the error should name line {line} of merges.txt, got: {err}", hint="count lines from 1")


@pytest.mark.parametrize("content", ["[1, 2]", '{"a": "1"}', '{"a": 1.5}', '{"a": true}', '{"a": 1, "b": 1}', "{oops"],
                         ids=["list", "str-id", "float-id", "bool-id", "duplicate-id", "not-json"])
def test_from_files_rejects_bad_vocab(ex, tmp_path, content):
    vocab_path, merges_path = tmp_path / "vocab.json", tmp_path / "merges.txt"
    vocab_path.write_text(content, encoding="utf-8")
    merges_path.write_text("#version: 0.2\n", encoding="utf-8")
    expect_raises(ValueError, ex.Tokenizer.from_files, vocab_path, merges_path,
                  call=f"Tokenizer.from_files(vocab.json containing {content!r}, merges.txt)", match="vocab.json",
                  hint="vocab.json must be a JSON object of str -> int with distinct ids: raise ValueError naming the file")


def test_constructor_rejects_inconsistent_merges(ex):
    vocab = {i: bytes([i]) for i in range(256)} | {256: b"ab"}
    expect_raises(ValueError, ex.Tokenizer, vocab, [(b"a", b"b"), (b"ab", b"c")],
                  call="Tokenizer(vocab, [(b'a', b'b'), (b'ab', b'c')]) where b'abc' is not in the vocab",
                  hint="every merge's parts and its result must be tokens of the vocab")
    expect_raises(ValueError, ex.Tokenizer, {i: bytes([i]) for i in range(255)}, [],
                  call="Tokenizer(<vocab without the byte 0xff>, [])",
                  hint="byte-level BPE needs all 256 single bytes in the vocab")


def test_hand_built_merges_apply_in_rank_order(ex):
    # ranks: (b, c) first, then (a, b): "abc" -> a bc (the pair (a, b) is gone once bc is formed)
    vocab = {i: bytes([i]) for i in range(256)} | {256: b"bc", 257: b"ab", 258: b"abc"}
    tok = ex.Tokenizer(vocab, [(b"b", b"c"), (b"a", b"b"), (b"ab", b"c")])
    expect_equal(tok.encode("abc abab"), [97, 256, 32, 257, 257], call="encode('abc abab') with merges [(b,c), (a,b), (ab,c)]",
                 hint="repeatedly merge the adjacent pair with the LOWEST rank (earliest in the merge list), "
                      "not the leftmost pair and not the longest token")
