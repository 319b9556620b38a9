"""cs336-02: training a byte-level BPE tokenizer.

``train_bpe(input_path, vocab_size, special_tokens)`` reads a UTF-8 text file
and learns byte-pair-encoding merges the way GPT-2 does:

1. split the text on the special tokens (they are never merged into anything);
2. pretokenise each piece with the GPT-2 regex (:data:`GPT2_PATTERN`) and count
   the unique pretokens once, as tuples of byte tokens;
3. repeat: merge the most frequent adjacent pair of tokens (ties go to the
   lexicographically greater pair of ``bytes``), never across a pretoken.

In scope: training (the vocabulary and the ordered merges), parallel
pretokenisation, incremental pair counts. Out of scope: encoding and decoding
text with the trained tokenizer, saving it to disk, byte-to-unicode printing
tricks (GPT-2's ``bytes_to_unicode`` table).

Run the demo: .venv/bin/python -m cs336.bpe
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
from collections import Counter, defaultdict
from pathlib import Path

import regex

# GPT-2's pretokeniser: contractions, letters, numbers, punctuation (each with an optional leading space),
# then whitespace. ``\s+(?!\S)`` leaves the last space of a run to the word after it.
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

# Below this many characters, pretokenise in this process: starting workers costs more than it saves.
PARALLEL_MIN_CHARS = 1 << 20


# BEGIN SOLUTION
_PRETOKEN = regex.compile(GPT2_PATTERN)


def _check_arguments(vocab_size: int, special_tokens: list[str]) -> None:
    if len(set(special_tokens)) != len(special_tokens):
        dupes = sorted({t for t in special_tokens if special_tokens.count(t) > 1})
        raise ValueError(f"special_tokens has duplicates: {dupes}; list each special token once")
    if any(not t for t in special_tokens):
        raise ValueError("special_tokens contains the empty string, which would match everywhere")
    smallest = 256 + len(special_tokens)
    if vocab_size < smallest:
        raise ValueError(
            f"vocab_size={vocab_size} is too small: the 256 single bytes and {len(special_tokens)} special "
            f"token(s) already take {smallest} ids"
        )


def _split_on_specials(text: str, special_tokens: list[str]) -> list[str]:
    """The pieces of ``text`` between special tokens (the specials themselves dropped).

    Longest specials first, so that ``"<|a|><|a|>"`` wins over ``"<|a|>"`` when both are special.
    ``_split_on_specials("x<|a|>y", ["<|a|>"]) -> ["x", "y"]``
    """
    if not special_tokens:
        return [text]
    alternatives = "|".join(regex.escape(t) for t in sorted(special_tokens, key=len, reverse=True))
    return [piece for piece in regex.split(alternatives, text) if piece]


def _count_pretokens(pieces: list[str]) -> Counter[str]:
    """How often each pretoken occurs: ``_count_pretokens(["hi hi"]) -> Counter({"hi": 1, " hi": 1})``."""
    counts: Counter[str] = Counter()
    for piece in pieces:
        counts.update(_PRETOKEN.findall(piece))
    return counts


# A boundary inside special-free text that the GPT-2 pattern never matches across: a lone newline between
# two non-space characters is a pretoken of its own however the text around it is cut.
_SAFE_CUT = regex.compile(r"(?<=\S\n)(?=\S)")


def _chunks(pieces: list[str], n_chunks: int) -> list[list[str]]:
    """Group the pieces into about ``n_chunks`` lists of similar size, cutting huge pieces at safe newlines."""
    total = sum(map(len, pieces))
    target = max(1, total // n_chunks)
    chunks: list[list[str]] = [[]]
    size = 0
    for piece in pieces:
        while len(piece) > target:  # a piece much larger than a chunk: cut it at a safe boundary
            cut = _SAFE_CUT.search(piece, target)
            if cut is None:
                break
            chunks[-1].append(piece[: cut.start()])
            chunks.append([])
            size = 0
            piece = piece[cut.start():]
        chunks[-1].append(piece)
        size += len(piece)
        if size >= target:
            chunks.append([])
            size = 0
    return [c for c in chunks if c]


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _pretoken_counts(text: str, special_tokens: list[str]) -> Counter[str]:
    pieces = _split_on_specials(text, special_tokens)
    workers = _workers()
    if len(text) < PARALLEL_MIN_CHARS or workers < 2:
        return _count_pretokens(pieces)
    chunks = _chunks(pieces, 4 * workers)
    total: Counter[str] = Counter()
    with multiprocessing.get_context().Pool(min(workers, len(chunks))) as pool:
        for counts in pool.imap_unordered(_count_pretokens, chunks):
            total.update(counts)
    return total


def _reverse_key(token: bytes) -> tuple[int, ...]:
    """A key whose ascending order is the descending order of ``token``: ``b"ab"`` sorts before ``b"a"``.

    Each byte is complemented, and the end is marked with 256, larger than any byte, so that a longer
    string (greater, as bytes) gets the smaller key.
    """
    return tuple(255 - b for b in token) + (256,)
# END SOLUTION


def train_bpe(
    input_path: str | os.PathLike,
    vocab_size: int,
    special_tokens: list[str],
) -> tuple[dict[int, bytes], list[tuple[bytes, bytes]]]:
    """Train a byte-level BPE tokenizer on the UTF-8 text in ``input_path``.

    Vocabulary ids, in this order: the special tokens (``special_tokens[i]``
    gets id ``i``, encoded as UTF-8), then the 256 single bytes (byte ``b``
    gets id ``len(special_tokens) + b``), then one id per merge in the order
    the merges were learnt. ``vocab_size`` counts all of them; training stops
    early when no pair of adjacent tokens is left.

    Rules:

    - the text is split on the special tokens first (the longest match wins,
      so ``"<|a|><|a|>"`` stays whole when it is special too); no merge ever
      involves a special token or crosses one;
    - each piece is pretokenised with :data:`GPT2_PATTERN`; no merge crosses a
      pretoken boundary;
    - each step merges the most frequent adjacent pair, counting each
      pretoken as often as it occurs; a tie goes to the lexicographically
      greater pair, compared as a tuple of ``bytes``
      (``(b" t", b"he") > (b" a", b"nd")``); a token is identified by its
      bytes (two merges that give the same bytes give the same token);
      within a pretoken, occurrences are merged left to right;
    - texts of :data:`PARALLEL_MIN_CHARS` characters or more are
      pretokenised in one process per core; the result never depends on
      it (the tests set it to 0 to check).

    Args:
        input_path: a UTF-8 text file.
        vocab_size: the size of the final vocabulary, at least
            ``256 + len(special_tokens)``.
        special_tokens: strings to keep whole, e.g. ``["<|endoftext|>"]``.

    Returns:
        ``(vocab, merges)``: ``vocab`` maps ids ``0 .. len(vocab) - 1`` to
        bytes; ``merges`` lists the merged pairs ``(left, right)`` in order,
        and ``left + right`` is ``vocab[len(special_tokens) + 256 + i]`` for
        merge ``i``.

    Raises:
        FileNotFoundError: ``input_path`` does not exist.
        ValueError: duplicate (or empty) special tokens; ``vocab_size`` below
            ``256 + len(special_tokens)``; an empty corpus (no text left
            after removing the special tokens).

    Example:
        A file holding ``"low low lower<|endoftext|>"`` with
        ``vocab_size=260`` and ``["<|endoftext|>"]`` gives ``vocab[0] ==
        b"<|endoftext|>"``, ``vocab[1 + ord("l")] == b"l"`` and the merges
        ``[(b"o", b"w"), (b"l", b"ow"), (b" ", b"low")]``: the pretokens are
        ``"low"``, ``" low"``, ``" lower"``; ``(l, o)`` and ``(o, w)`` both
        occur 3 times and the tie goes to the greater pair, ``(b"o", b"w")``.

    Edge cases the tests try: overlapping special tokens, Chinese and emoji
    (multi-byte characters), runs of whitespace, ties between pairs, repeated
    letters (``"aaaa"``), a corpus too small to reach ``vocab_size``.
    """
    # TODO: count pretokens once (a Counter of byte tuples); keep pair counts up to date after each merge
    # by touching only the pretokens that contain the merged pair (an index pair -> pretokens); pick the
    # best pair with a heap. Pretokenise texts of PARALLEL_MIN_CHARS characters or more in several
    # processes, cutting chunks only at special tokens or at a newline between two non-space characters.
    # Do not use the tokenizers or tiktoken packages.
    # BEGIN SOLUTION
    _check_arguments(vocab_size, special_tokens)
    text = Path(input_path).read_text(encoding="utf-8")
    counts = _pretoken_counts(text, special_tokens)
    if not counts:
        raise ValueError(f"the corpus {os.fspath(input_path)!r} is empty (no text besides special tokens)")

    offset = len(special_tokens)
    vocab: dict[int, bytes] = {i: t.encode("utf-8") for i, t in enumerate(special_tokens)}
    vocab.update({offset + b: bytes([b]) for b in range(256)})
    merges: list[tuple[bytes, bytes]] = []
    # Symbols inside words are ids; a token's bytes have exactly one id (the first that got them).
    id_of: dict[bytes, int] = {token: i for i, token in vocab.items() if i >= offset}
    reverse = [_reverse_key(vocab[i]) if i >= offset else () for i in range(len(vocab))]

    words: list[list[int]] = []  # each unique pretoken as a list of token ids
    freq: list[int] = []  # how often it occurs
    for pretoken, n in counts.items():
        words.append([offset + b for b in pretoken.encode("utf-8")])
        freq.append(n)

    pair_count: dict[tuple[int, int], int] = defaultdict(int)
    pair_words: dict[tuple[int, int], set[int]] = defaultdict(set)  # pair -> indices of words that may contain it
    for w, word in enumerate(words):
        n = freq[w]
        for pair in zip(word, word[1:]):
            pair_count[pair] += n
            pair_words[pair].add(w)

    # Max-heap by (count, left bytes, right bytes) as a min-heap of (-count, reverse keys). Entries go
    # stale when a count changes; a fresh one is pushed then, and a stale one is skipped when popped.
    heap = [(-n, reverse[a], reverse[b], a, b) for (a, b), n in pair_count.items()]
    heapq.heapify(heap)

    while len(vocab) < vocab_size and heap:
        neg, _, _, a, b = heapq.heappop(heap)
        if pair_count.get((a, b), 0) != -neg:
            continue  # stale
        left, right = vocab[a], vocab[b]
        merged = left + right
        merges.append((left, right))
        vocab[len(vocab)] = merged
        new = id_of.get(merged)
        if new is None:
            new = id_of[merged] = len(reverse)
            reverse.append(_reverse_key(merged))
        # (vocab gets one id per merge; inside the words, bytes seen before keep their first id)
        # Only the words containing (a, b) change, and in them only the pairs next to each occurrence:
        # x a b y  ->  x ab y  loses (x, a) and (b, y), gains (x, ab) and (ab, y). The left neighbour is
        # read from the merged output, so "a b a b" -> [ab, ab] counts (ab, ab) once, not (ab, a).
        changed: dict[tuple[int, int], int] = defaultdict(int)
        for w in pair_words.pop((a, b)):
            word, n = words[w], freq[w]
            out: list[int] = []
            i, end = 0, len(word)
            while i < end:
                if word[i] == a and i + 1 < end and word[i + 1] == b:
                    if out:
                        x = out[-1]
                        changed[(x, a)] -= n
                        changed[(x, new)] += n
                        pair_words[(x, new)].add(w)
                    if i + 2 < end:
                        y = word[i + 2]
                        changed[(b, y)] -= n
                        changed[(new, y)] += n
                        pair_words[(new, y)].add(w)
                    out.append(new)
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            words[w] = out
        # pair_words may keep a word that lost a pair: merging a pair in a word without it changes nothing.
        del pair_count[(a, b)]
        changed.pop((a, b), None)
        for pair, delta in changed.items():
            if delta == 0:
                continue
            n = pair_count.get(pair, 0) + delta
            if n > 0:
                pair_count[pair] = n
                heapq.heappush(heap, (-n, reverse[pair[0]], reverse[pair[1]], pair[0], pair[1]))
            else:
                del pair_count[pair]
                pair_words.pop(pair, None)
    return vocab, merges
    # END SOLUTION


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.txt"
        path.write_text("low low lower lowest<|endoftext|>newer newest widest", encoding="utf-8")
        vocab, merges = train_bpe(path, 256 + 1 + 6, ["<|endoftext|>"])
        print(merges)
        print({i: vocab[i] for i in range(257, len(vocab))})
