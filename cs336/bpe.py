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
    raise NotImplementedError("cs336-02: train_bpe is not written yet")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.txt"
        path.write_text("low low lower lowest<|endoftext|>newer newest widest", encoding="utf-8")
        vocab, merges = train_bpe(path, 256 + 1 + 6, ["<|endoftext|>"])
        print(merges)
        print({i: vocab[i] for i in range(257, len(vocab))})
