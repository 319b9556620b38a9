"""Grading tests for gym-16 (functools): word_break, count_decodings and Corpus.

Oracles: word_break and count_decodings are compared with brute force over
every way to cut the string (2^(n-1) cuts, small n), with a bottom-up table
for larger inputs, and with Fibonacci numbers for ``"1" * n``. Corpus is
compared with document frequencies counted by plain loops and with the idf
formula; a counting tokenizer proves each document is tokenized once, and a
weak reference proves the caches do not keep a Corpus alive.
"""

from __future__ import annotations

import gc
import math
import weakref
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("gym-16")


def all_cuts(s: str):
    """Every way to cut ``s`` into non-empty pieces (one way for the empty string)."""
    if not s:
        yield []
        return
    for mask in product((False, True), repeat=len(s) - 1):
        pieces, start = [], 0
        for i, cut in enumerate(mask, start=1):
            if cut:
                pieces.append(s[start:i])
                start = i
        pieces.append(s[start:])
        yield pieces


# ------------------------------------------------------------------ word_break


def brute_word_break(s: str, words) -> bool:
    vocab = set(words)
    return any(all(piece in vocab for piece in pieces) for pieces in all_cuts(s))


def table_word_break(s: str, words) -> bool:
    """Bottom-up: ok[j] says whether s[:j] splits into words."""
    vocab = {w for w in words if w}
    ok = [True] + [False] * len(s)
    for j in range(1, len(s) + 1):
        ok[j] = any(ok[j - len(w)] and s.startswith(w, j - len(w)) for w in vocab if len(w) <= j)
    return ok[len(s)]


WORD_BREAK_CASES = [
    pytest.param("", ["a"], id="empty-s"),
    pytest.param("", [], id="empty-s-empty-dict"),
    pytest.param("a", [], id="empty-dict"),
    pytest.param("applepenapple", ["apple", "pen"], id="reuse"),
    pytest.param("catsandog", ["cats", "dog", "sand", "and", "cat"], id="classic-false"),
    pytest.param("catsanddog", ["cats", "dog", "sand", "and", "cat"], id="classic-true"),
    pytest.param("aaaa", ["a", "aa", "aaa"], id="overlapping-prefixes"),
    pytest.param("ab", ["abc", "abcd"], id="words-longer-than-s"),
    pytest.param("Apple", ["apple"], id="case-sensitive"),
    pytest.param("学而时习之", ["学而", "时习", "之", "学"], id="chinese"),
    pytest.param("aab", ["a", "a", "b"], id="duplicate-words"),
]


@pytest.mark.parametrize("s,words", WORD_BREAK_CASES)
def test_word_break_matches_brute_force(ex, s, words):
    expect_equal(ex.word_break(s, list(words)), brute_word_break(s, words), call=f"word_break({s!r}, {words!r})",
                 hint="can_split(i) is True if i == len(s), or some word w matches s[i:i+len(w)] and "
                 "can_split(i + len(w)) is True")


def test_word_break_ignores_empty_words(ex):
    hint = ("an empty word makes can_split(i) call can_split(i) again (a cache does not stop that: the entry "
            "is only stored after the call returns); drop empty words first")
    try:
        got = ex.word_break("ab", ["", "a"])
    except RecursionError:
        expect_true(False, message="word_break('ab', ['', 'a']) raised RecursionError", hint=hint)
    expect_equal(got, False, call="word_break('ab', ['', 'a'])", hint=hint)


def test_word_break_reads_a_generator_dictionary_once(ex):
    words = (w for w in ["cat", "dog", "s"])
    expect_equal(ex.word_break("catsdogcat", words), True, call="word_break('catsdogcat', <generator of words>)",
                 hint="a generator can be read only once: turn words into a set (or frozenset) at the start")


LARGE_WORD_BREAK = [
    pytest.param("a" * 150 + "b", ["a", "aa", "aaa", "aaaa", "aaaaa"], id="no-split-exponential-search"),
    pytest.param("ab" * 100, ["a", "b", "ab", "ba", "aba"], id="long-true"),
    pytest.param("a" * 200, ["a"], id="deep-single-letter"),
]


@pytest.mark.parametrize("s,words", LARGE_WORD_BREAK)
def test_word_break_large(ex, s, words):
    expect_equal(ex.word_break(s, words), table_word_break(s, words), call=f"word_break(<{len(s)} chars>, {words!r})",
                 hint="without a cache this search tries exponentially many splits: memoise on the start "
                 "index with @functools.lru_cache(maxsize=None)")


@given(st.text(alphabet="ab", max_size=10), st.lists(st.text(alphabet="ab", min_size=1, max_size=3), max_size=4))
def test_word_break_property(ex, s, words):
    expect_equal(ex.word_break(s, words), brute_word_break(s, words), call=f"word_break({s!r}, {words!r})",
                 hint="try every word at every reachable start index; an empty s is always splittable")


# ------------------------------------------------------------------ count_decodings


def brute_decodings(digits: str) -> int:
    codes = {str(i) for i in range(1, 27)}
    return sum(all(piece in codes for piece in pieces) for pieces in all_cuts(digits))


DECODE_CASES = ["", "0", "1", "10", "12", "226", "27", "06", "100", "101", "110", "1201234", "2611055971756562",
                "301", "99", "1111111111"]


@pytest.mark.parametrize("digits", DECODE_CASES)
def test_count_decodings_matches_brute_force(ex, digits):
    expect_equal(ex.count_decodings(digits), brute_decodings(digits), call=f"count_decodings({digits!r})",
                 hint="ways(i) = ways(i + 1) if digits[i] != '0', plus ways(i + 2) if digits[i:i+2] is "
                 "10..26; ways(len) = 1")


def test_count_decodings_long_string_is_fibonacci(ex):
    n = 3000
    a, b = 1, 1  # ways("") = 1, ways("1") = 1
    for _ in range(n - 1):
        a, b = b, a + b
    try:
        got = ex.count_decodings("1" * n)
    except RecursionError:
        expect_true(False, message=f"count_decodings('1' * {n}) raised RecursionError",
                    hint="one frame per digit exceeds the recursion limit: call the cached helper for "
                    "i = n, n-1, ..., 0 first (each call then recurses one level), or iterate bottom-up")
    expect_equal(got, b, call=f"count_decodings('1' * {n})",
                 hint="'1' * n has Fibonacci(n + 1) decodings; use exact int arithmetic")


@pytest.mark.parametrize("digits", ["12a", " 12", "1-2", "١٢", "²", "1.0"])
def test_count_decodings_rejects_non_digits(ex, digits):
    expect_raises(ValueError, ex.count_decodings, digits, call=f"count_decodings({digits!r})",
                  hint="only the ASCII characters 0-9 are allowed; note str.isdigit() is True for '²' and '١'")


@given(st.text(alphabet="0123", max_size=12))
def test_count_decodings_property(ex, digits):
    expect_equal(ex.count_decodings(digits), brute_decodings(digits), call=f"count_decodings({digits!r})",
                 hint="a piece never starts with '0'; two-digit pieces go from 10 to 26")


# ------------------------------------------------------------------ Corpus


def split_words(text: str) -> list[str]:
    return text.split()


def loop_doc_freq(token_lists: list[list[str]]) -> dict[str, int]:
    freq: dict[str, int] = {}
    for tokens in token_lists:
        for token in {t for t in tokens}:
            freq[token] = freq.get(token, 0) + 1
    return freq


class CountingTokenizer:
    def __init__(self):
        self.calls = 0

    def __call__(self, text: str) -> list[str]:
        self.calls += 1
        return text.split()


DOCS = ["the cat sat", "the dog sat", "a cat and a cat", ""]


def test_corpus_tokens_with_default_tokenizer(ex):
    corpus = ex.Corpus(["Hi, hi! 2 cats_x", "ok"])
    expect_equal(corpus.tokens, [["Hi", "hi", "2", "cats_x"], ["ok"]], call="Corpus(['Hi, hi! 2 cats_x', 'ok']).tokens",
                 hint="tokens[i] is self.tokenize(docs[i]), as a list, one list per document")


@pytest.mark.parametrize("docs", [DOCS, [], [""], ["x x x", "x"], ["Cat cat CAT"]], ids=["docs", "none", "empty-doc",
                                                                                         "repeats", "case"])
def test_corpus_doc_freq_matches_loops(ex, docs):
    corpus = ex.Corpus(docs, tokenize=split_words)
    expected = loop_doc_freq([d.split() for d in docs])
    expect_equal(dict(corpus.doc_freq), expected, call=f"dict(Corpus({docs!r}).doc_freq)",
                 hint="count each token once per document that contains it: Counter over set(tokens) per document")
    expect_equal(corpus.doc_freq["never-seen"], 0, call="corpus.doc_freq['never-seen']",
                 hint="return a collections.Counter, so a missing token reads as 0")


@pytest.mark.parametrize("term", ["cat", "the", "dog", "a", "fish"])
def test_corpus_idf_formula(ex, term):
    corpus = ex.Corpus(DOCS, tokenize=split_words)
    df = loop_doc_freq([d.split() for d in DOCS]).get(term, 0)
    expect_float(corpus.idf(term), math.log((1 + len(DOCS)) / (1 + df)) + 1, call=f"Corpus(DOCS).idf({term!r})",
                 rel=1e-12, hint="ln((1 + N) / (1 + df)) + 1 with N = number of documents (empty ones too)")


def test_corpus_empty(ex):
    corpus = ex.Corpus([], tokenize=split_words)
    expect_equal((corpus.tokens, dict(corpus.doc_freq)), ([], {}), call="Corpus([]).tokens, Corpus([]).doc_freq",
                 hint="no documents: no token lists, no frequencies")
    expect_float(corpus.idf("x"), 1.0, call="Corpus([]).idf('x')", hint="ln(1 / 1) + 1")


def test_corpus_tokenizes_each_document_once(ex):
    tokenizer = CountingTokenizer()
    corpus = ex.Corpus(DOCS, tokenize=tokenizer)
    for _ in range(3):
        corpus.tokens
        corpus.doc_freq
        corpus.idf("cat")
        corpus.idf("dog")
    expect_equal(tokenizer.calls, len(DOCS), call="tokenizer calls after using tokens, doc_freq and idf three times",
                 hint="decorate tokens with @functools.cached_property so it runs once per Corpus; "
                 "doc_freq and idf should read self.tokens, not call the tokenizer again")


def test_corpus_doc_freq_is_built_once(ex):
    corpus = ex.Corpus(DOCS, tokenize=split_words)
    first = corpus.doc_freq
    expect_true(corpus.doc_freq is first and corpus.tokens is corpus.tokens,
                message="corpus.doc_freq (or corpus.tokens) returned a new object on the second access",
                hint="a @property recomputes on every access; @functools.cached_property stores the result "
                "in the instance the first time")


def test_corpus_instances_do_not_share_caches(ex):
    t1, t2 = CountingTokenizer(), CountingTokenizer()
    a = ex.Corpus(["x y"], tokenize=t1)
    b = ex.Corpus(["z"], tokenize=t2)
    got = (a.tokens, b.tokens, dict(a.doc_freq), dict(b.doc_freq), t1.calls, t2.calls)
    expect_equal(got, ([["x", "y"]], [["z"]], {"x": 1, "y": 1}, {"z": 1}, 1, 1),
                 call="(a.tokens, b.tokens, a.doc_freq, b.doc_freq, calls) for two corpora",
                 hint="cache per instance (cached_property), never in a class attribute or module global")


def test_corpus_is_not_kept_alive_by_a_cache(ex):
    corpus = ex.Corpus(DOCS, tokenize=split_words)
    corpus.tokens, corpus.doc_freq, corpus.idf("cat")
    ref = weakref.ref(corpus)
    del corpus
    gc.collect()
    expect_true(ref() is None, message="a Corpus was still alive after its last reference was deleted",
                hint="@lru_cache on a method caches self in a cache shared by the class, so instances never "
                "die; use @functools.cached_property, which stores the value in the instance itself")


def test_corpus_unicode_with_custom_tokenizer(ex):
    corpus = ex.Corpus(["学而时习之", "温故而知新", "🐍🐍"], tokenize=list)
    expect_equal((corpus.doc_freq["而"], corpus.doc_freq["🐍"], corpus.tokens[2]), (2, 1, ["🐍", "🐍"]),
                 call="Corpus(<Chinese and emoji>, tokenize=list): (df['而'], df['🐍'], tokens[2])",
                 hint="use the tokenizer given to __init__ (self.tokenize), here one token per character")


def test_corpus_reads_a_generator_of_documents(ex):
    corpus = ex.Corpus((d for d in ["a b", "b"]), tokenize=split_words)
    expect_equal(dict(corpus.doc_freq), {"a": 1, "b": 2}, call="Corpus(<generator>).doc_freq",
                 hint="iterate self.docs (the stored tuple), not the original argument")


@given(st.lists(st.lists(st.sampled_from(["x", "y", "z", "猫"]), max_size=5).map(" ".join), max_size=6))
def test_corpus_property(ex, docs):
    corpus = ex.Corpus(docs, tokenize=split_words)
    freq = loop_doc_freq([d.split() for d in docs])
    expect_equal(dict(corpus.doc_freq), freq, call=f"dict(Corpus({docs!r}).doc_freq)",
                 hint="one count per document that contains the token")
    for term in ["x", "猫", "w"]:
        expect_float(corpus.idf(term), math.log((1 + len(docs)) / (1 + freq.get(term, 0))) + 1,
                     call=f"Corpus({docs!r}).idf({term!r})", rel=1e-12, hint="ln((1 + N) / (1 + df)) + 1")
