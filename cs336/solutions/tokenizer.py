"""cs336-03: a byte-level BPE tokenizer (encode, decode, GPT-2 files, lazy streams).

- ``gpt2_bytes_to_unicode()``: GPT-2's table that gives each of the 256 byte
  values a printable character, so a token's bytes can be written as a JSON
  string (space -> ``"Ġ"``, newline -> ``"Ċ"``);
- ``Tokenizer(vocab, merges, special_tokens)``: ``encode`` text to ids by
  applying the merges in merge-list order inside each pretoken, ``decode`` ids
  back to text, ``encode_iterable`` over a stream (lazily, in constant memory),
  ``from_files``/``save`` for the GPT-2 ``vocab.json`` + ``merges.txt`` pair.

Conventions (shared with GPT-2, tiktoken and HF ``tokenizers``' ByteLevel BPE):

1. special tokens split the text first, longest match first, and are never
   merged with their neighbours;
2. every other piece is cut into pretokens with the GPT-2 regex ``PAT``;
3. a pretoken becomes its UTF-8 bytes, one token each, then the pair of
   adjacent tokens with the lowest merge rank (its index in ``merges``) is
   merged, everywhere it occurs, until no adjacent pair is a merge.

In scope: encoding, decoding, the on-disk format and streaming. Out of scope:
training the merges (the BPE trainer), normalisation (NFC), HF's
``add_prefix_space``, batching and parallel encoding.

Run the demo: .venv/bin/python -m cs336.tokenizer
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

import regex

# GPT-2's pretokenizer: contractions, letters, numbers, other symbols (each optionally after one
# space), then whitespace runs; "\s+(?!\S)" leaves the last space of a run to the word after it.
PAT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
# BEGIN SOLUTION

_PRETOKEN = regex.compile(PAT)
_CACHE_LIMIT = 200_000  # pretokens remembered before the cache is cleared (bounds memory on endless streams)
_HOLD_BACK = 2  # trailing pretokens a stream keeps until more text arrives (see _encode_final)


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _token_from_string(token: str, decoder: dict[str, int], where: str) -> bytes:
    """The bytes a printable GPT-2 token string stands for: ``"Ġthe" -> b" the"``."""
    try:
        return bytes(decoder[ch] for ch in token)
    except KeyError as err:
        raise ValueError(
            f"{where}: token {token!r} has the character {err.args[0]!r}, which is not in GPT-2's "
            "bytes-to-unicode table (was the file written with that mapping?)"
        ) from None

# END SOLUTION


def gpt2_bytes_to_unicode() -> dict[int, str]:
    """GPT-2's bijection from the 256 byte values to printable Unicode characters.

    The 188 bytes that are printable and not a space (``"!"..."~"``,
    ``"¡"..."¬"``, ``"®"..."ÿ"``) map to the character with the same code
    point. The other 68 (control bytes, space, DEL, NBSP, soft hyphen, ...)
    map, in increasing byte order, to ``chr(256)``, ``chr(257)``, ...

    Example:
        >>> table = gpt2_bytes_to_unicode()
        >>> table[ord("a")], table[ord(" ")], table[ord("\\n")], table[0]
        ('a', 'Ġ', 'Ċ', 'Ā')

    Edge cases the tests try: all 256 keys present, 256 distinct values, every
    value printable, the same character set as HF ``ByteLevel.alphabet()``.
    """
    # TODO: start from the three printable ranges; give every remaining byte the next
    # unused code point from 256 upwards, in byte order.
    # BEGIN SOLUTION
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return dict(sorted(table.items()))
    # END SOLUTION


class Tokenizer:
    """Byte-level BPE: text -> ids with ``encode``, ids -> text with ``decode``.

    Args:
        vocab: token id -> the token's bytes. Must contain all 256 single bytes
            (any ids) and the result of every merge.
        merges: pairs of tokens (bytes) in the order they were learned: the
            first has rank 0 and is applied first.
        special_tokens: strings that are always one token (e.g.
            ``"<|endoftext|>"``). One whose UTF-8 bytes are already in the vocab
            keeps that id; the others get new ids ``max(vocab) + 1, ...`` in the
            order given. Duplicates are ignored; ``""`` is an error.

    Raises:
        ValueError: a single byte missing from the vocab, two ids with the same
            bytes, a merge whose parts or result are not in the vocab, an empty
            special token.

    Example:
        >>> vocab = {i: bytes([i]) for i in range(256)} | {256: b"th", 257: b"the"}
        >>> tok = Tokenizer(vocab, [(b"t", b"h"), (b"th", b"e")], ["<|endoftext|>"])
        >>> tok.encode("the<|endoftext|>")
        [257, 258]
        >>> tok.decode([257, 32, 116])
        'the t'
    """

    def __init__(
        self,
        vocab: dict[int, bytes],
        merges: list[tuple[bytes, bytes]],
        special_tokens: list[str] | None = None,
    ) -> None:
        # TODO: keep vocab, merges and special tokens; build the reverse map bytes -> id and a rank
        # dict (id_a, id_b) -> (rank, merged id) so encode never scans the merge list.
        # BEGIN SOLUTION
        self.vocab: dict[int, bytes] = dict(vocab)
        self.merges: list[tuple[bytes, bytes]] = [(bytes(a), bytes(b)) for a, b in merges]
        self.token_ids: dict[bytes, int] = {}
        for i, token in self.vocab.items():
            if token in self.token_ids:
                raise ValueError(f"ids {self.token_ids[token]} and {i} both stand for the token {token!r}")
            self.token_ids[token] = i
        missing = [b for b in range(256) if bytes([b]) not in self.token_ids]
        if missing:
            raise ValueError(
                f"the vocab lacks {len(missing)} single byte(s), e.g. {bytes(missing[:3])!r}: "
                "byte-level BPE needs all 256 so that any text can be encoded"
            )

        self.special_tokens: list[str] = []
        for special in dict.fromkeys(special_tokens or []):
            if not special:
                raise ValueError("the empty string cannot be a special token")
            data = special.encode("utf-8")
            if data not in self.token_ids:
                new_id = max(self.vocab) + 1
                self.vocab[new_id] = data
                self.token_ids[data] = new_id
            self.special_tokens.append(special)
        self.special_ids: dict[str, int] = {s: self.token_ids[s.encode("utf-8")] for s in self.special_tokens}

        self._byte_ids = [self.token_ids[bytes([b])] for b in range(256)]
        self._ranks: dict[tuple[int, int], tuple[int, int]] = {}
        for rank, (a, b) in enumerate(self.merges):
            for part in (a, b, a + b):
                if part not in self.token_ids:
                    raise ValueError(f"merge {rank} ({a!r}, {b!r}) uses the token {part!r}, which is not in the vocab")
            self._ranks.setdefault((self.token_ids[a], self.token_ids[b]), (rank, self.token_ids[a + b]))

        # Longest first, so that at one position the longest special token wins.
        ordered = sorted(self.special_tokens, key=len, reverse=True)
        self._special_re = regex.compile("|".join(regex.escape(s) for s in ordered)) if ordered else None
        # Every proper prefix of a special token: a stream that ends in one must wait for more text.
        self._special_prefixes = {s[:k] for s in self.special_tokens for k in range(1, len(s))}
        self._cache: dict[str, list[int]] = {}
        # END SOLUTION

    @classmethod
    def from_files(
        cls,
        vocab_filepath: str | os.PathLike,
        merges_filepath: str | os.PathLike,
        special_tokens: list[str] | None = None,
    ) -> Tokenizer:
        """Load a GPT-2 style ``vocab.json`` and ``merges.txt`` (as HF ``tokenizers`` saves them).

        ``vocab.json`` is a JSON object token string -> id; ``merges.txt`` has one
        merge per line, two token strings separated by a space, in rank order,
        after an optional first line starting with ``#version``; blank lines are
        skipped. Token strings spell bytes with :func:`gpt2_bytes_to_unicode`
        (``"Ġthe"`` is ``b" the"``), except that a vocab key equal to one of
        ``special_tokens`` stands for that string's UTF-8 bytes.

        Raises:
            ValueError: naming the file (and line): invalid JSON, not an object of
                str -> int, two tokens with one id, a character outside the table,
                a merges line without exactly two tokens, a token not in the vocab.
            FileNotFoundError: a path that does not exist.

        Example:
            >>> tok = Tokenizer.from_files("vocab.json", "merges.txt", ["<|endoftext|>"])  # doctest: +SKIP
        """
        # TODO: invert gpt2_bytes_to_unicode() to turn token strings back into bytes; check every
        # entry and line, and say which file and line is wrong.
        # BEGIN SOLUTION
        decoder = {ch: b for b, ch in gpt2_bytes_to_unicode().items()}
        specials = set(special_tokens or [])
        vocab_filepath, merges_filepath = Path(vocab_filepath), Path(merges_filepath)

        try:
            raw = json.loads(vocab_filepath.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise ValueError(f"{vocab_filepath}: not valid JSON ({err})") from None
        if not isinstance(raw, dict):
            raise ValueError(f"{vocab_filepath}: expected a JSON object token -> id, got a {type(raw).__name__}")
        vocab: dict[int, bytes] = {}
        owner: dict[int, str] = {}
        for token, i in raw.items():
            if type(i) is not int or i < 0:
                raise ValueError(f"{vocab_filepath}: the id of {token!r} must be a non-negative integer, got {i!r}")
            if i in vocab:
                raise ValueError(f"{vocab_filepath}: id {i} is used by both {owner[i]!r} and {token!r}")
            owner[i] = token
            vocab[i] = token.encode("utf-8") if token in specials else _token_from_string(token, decoder, str(vocab_filepath))
        string_ids = {s: i for i, s in owner.items()}

        merges: list[tuple[bytes, bytes]] = []
        with merges_filepath.open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, start=1):
                line = line.rstrip("\r\n")
                if not line.strip() or (lineno == 1 and line.startswith("#version")):
                    continue
                parts = line.split(" ")
                if len(parts) != 2 or not all(parts):
                    raise ValueError(
                        f"{merges_filepath}:{lineno}: expected two tokens separated by one space, got {line!r}"
                    )
                for part in parts:
                    if part not in string_ids:
                        raise ValueError(f"{merges_filepath}:{lineno}: the token {part!r} is not in {vocab_filepath}")
                merges.append((vocab[string_ids[parts[0]]], vocab[string_ids[parts[1]]]))
        return cls(vocab, merges, special_tokens)
        # END SOLUTION

    def save(self, vocab_filepath: str | os.PathLike, merges_filepath: str | os.PathLike) -> None:
        """Write the vocab and merges in the format :meth:`from_files` reads (``#version: 0.2`` header).

        Each file is written to a temporary file next to it and renamed into
        place, so a crash never leaves half a file. ``from_files`` on the two
        files (with the same special tokens) gives a tokenizer with the same
        vocab, merges and ids.
        """
        # TODO: map every token's bytes through gpt2_bytes_to_unicode(); vocab ordered by id.
        # BEGIN SOLUTION
        table = gpt2_bytes_to_unicode()

        def spell(token: bytes) -> str:
            return "".join(table[b] for b in token)

        vocab_json = {spell(token): i for i, token in sorted(self.vocab.items())}
        merges_txt = "".join(f"{spell(a)} {spell(b)}\n" for a, b in self.merges)
        _atomic_write(Path(vocab_filepath), json.dumps(vocab_json, ensure_ascii=False, indent=1) + "\n")
        _atomic_write(Path(merges_filepath), "#version: 0.2\n" + merges_txt)
        # END SOLUTION

    # BEGIN SOLUTION
    def _encode_pretoken(self, piece: str) -> list[int]:
        """BPE inside one pretoken: ``"the"`` -> [id(t), id(h), id(e)] -> [id(th), id(e)] -> [id(the)]."""
        cached = self._cache.get(piece)
        if cached is not None:
            return cached
        ids = [self._byte_ids[b] for b in piece.encode("utf-8")]
        ranks = self._ranks
        while len(ids) > 1:
            best = None
            for pair in zip(ids, ids[1:]):
                found = ranks.get(pair)
                if found is not None and (best is None or found[0] < best[1][0]):
                    best = (pair, found)
            if best is None:
                break
            (a, b), (_rank, merged) = best
            out, i = [], 0
            while i < len(ids):  # merge every occurrence of the pair, left to right
                if i + 1 < len(ids) and ids[i] == a and ids[i + 1] == b:
                    out.append(merged)
                    i += 2
                else:
                    out.append(ids[i])
                    i += 1
            ids = out
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[piece] = ids
        return ids

    def _encode_ordinary(self, text: str, out: list[int]) -> None:
        """Append the ids of ``text`` (no special tokens in it) to ``out``."""
        for piece in _PRETOKEN.findall(text):
            out += self._encode_pretoken(piece)

    def _split_special(self, text: str) -> list[str]:
        """``text`` cut at special tokens, which stand alone: ``"a<|s|>b" -> ["a", "<|s|>", "b"]``."""
        if self._special_re is None:
            return [text]
        parts, pos = [], 0
        for m in self._special_re.finditer(text):
            parts += [text[pos:m.start()], m.group()]
            pos = m.end()
        parts.append(text[pos:])
        return parts

    def _encode_final(self, buffer: str) -> tuple[list[int], int]:
        """The ids of the leading part of ``buffer`` that no later text can change, and its length.

        Two things can change when more text arrives: a special token whose start
        is at the end of the buffer (``"<|endof"``, or ``"<|endoftext|>"`` when a
        longer special token begins with it), and the last pretokens (``" wor"``
        may become ``" world"``; ``"'l"`` pretokenises as ``"'"``, ``"l"`` but
        ``"'ll"`` is one contraction, so two pretokens are held back). Special
        tokens that start before the first such partial one are final.

        The final pretokens are encoded as found in the whole buffer, never by
        pretokenizing the prefix again: in ``"a\n\nb c"`` the pretokens are
        ``"a"``, ``"\n"``, ``"\n"``, ``"b"``, ``" c"``, but the prefix ``"a\n\n"``
        on its own would give ``"a"``, ``"\n\n"``.
        """
        n = len(buffer)
        partial = n  # where a possible special token starts that the buffer has not finished
        longest = max((len(s) for s in self.special_tokens), default=0)
        for q in range(max(0, n - longest + 1), n):
            if buffer[q:] in self._special_prefixes:
                partial = q
                break
        out: list[int] = []
        pos = 0  # start of the text after the last final special token
        if self._special_re is not None:
            for m in self._special_re.finditer(buffer, 0, n):
                if m.start() >= partial:
                    break
                self._encode_ordinary(buffer[pos:m.start()], out)  # the text ends at the special token
                out.append(self.special_ids[m.group()])
                pos = m.end()
        held: deque[regex.Match] = deque()
        for m in _PRETOKEN.finditer(buffer, pos, partial):  # endpos: the lookahead stops at `partial` too
            held.append(m)
            if len(held) > _HOLD_BACK:
                out += self._encode_pretoken(held.popleft().group())
        return out, (held[0].start() if len(held) == _HOLD_BACK else pos)

    # END SOLUTION
    def encode(self, text: str) -> list[int]:
        """The token ids of ``text``.

        Example (with the two merges of the class example):
            >>> tok.encode("the theme")  # doctest: +SKIP
            [257, 32, 257, 109, 101]

        Edge cases the tests try: ``""`` -> ``[]``; whitespace runs and newlines;
        contractions; digits; emoji and CJK (several bytes per character);
        special tokens back to back, at both ends, overlapping (the longest
        wins); text that only looks like a special token when none are set.
        """
        # TODO: split at special tokens (one regex, longest first), pretokenize the rest with PAT,
        # and merge inside each pretoken by lowest rank. Cache the ids of pretokens you have seen.
        # Do not call tiktoken or HF tokenizers.
        # BEGIN SOLUTION
        out: list[int] = []
        for i, part in enumerate(self._split_special(text)):
            if i % 2:
                out.append(self.special_ids[part])
            elif part:
                self._encode_ordinary(part, out)
        return out
        # END SOLUTION

    def encode_iterable(self, iterable: Iterable[str]) -> Iterator[int]:
        """Lazily yield the ids of the concatenation of the strings in ``iterable``.

        The result equals ``encode("".join(iterable))`` however the text is
        chunked, yet memory does not grow with the total length: ids are yielded
        as soon as they can no longer change, and only the unfinished tail
        (the last pretokens, a partial special token) is kept. Typical use:
        ``for i in tok.encode_iterable(open("big.txt")): ...``.

        Edge cases the tests try: an empty iterable, empty chunks, chunks of
        one character, a pretoken or a special token split across chunks, a
        generator that must not be read to the end before the first id.
        """
        # TODO: keep a buffer; after each chunk encode and yield its stable prefix, keep the rest.
        # Think about what may still change at the end of the buffer.
        # BEGIN SOLUTION
        buffer = ""
        for chunk in iterable:
            if not chunk:
                continue
            buffer += chunk
            ids, cut = self._encode_final(buffer)
            yield from ids
            buffer = buffer[cut:]
        yield from self.encode(buffer)
        # END SOLUTION

    def decode(self, ids: list[int]) -> str:
        """The text of ``ids``: the tokens' bytes joined, then decoded as UTF-8.

        Bytes that are not valid UTF-8 (a model may stop inside a character)
        become U+FFFD exactly as ``data.decode("utf-8", errors="replace")`` does.

        Raises:
            ValueError: an id that is not in the vocab (the message names it).

        Example:
            >>> tok.decode([257, 32, 116])  # doctest: +SKIP
            'the t'
            >>> tok.decode([0xE4, 0xB8])  # doctest: +SKIP   (two bytes of "中")
            '\\ufffd'
        """
        # TODO: join bytes first, decode once (decoding token by token breaks multi-byte characters).
        # BEGIN SOLUTION
        vocab = self.vocab
        try:
            data = b"".join([vocab[i] for i in ids])
        except (KeyError, TypeError):
            bad = next(i for i in ids if not isinstance(i, int) or i not in vocab)
            raise ValueError(f"unknown token id {bad!r}: the vocab has {len(vocab)} tokens") from None
        return data.decode("utf-8", errors="replace")
        # END SOLUTION


if __name__ == "__main__":
    demo_vocab = {i: bytes([i]) for i in range(256)} | {256: b"th", 257: b"the", 258: b" the"}
    tok = Tokenizer(demo_vocab, [(b"t", b"h"), (b"th", b"e"), (b" ", b"the")], ["<|endoftext|>"])
    ids = tok.encode("the theme<|endoftext|>")
    print(ids, repr(tok.decode(ids)))
