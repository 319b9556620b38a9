"""cs336-01: Unicode code points and UTF-8 bytes, by hand.

- ``code_points(s)``: the integers a Python ``str`` is made of;
- ``utf8_bytes(s)``: encode to UTF-8 (1 to 4 bytes per code point);
- ``decode_utf8_lenient(data)``: decode UTF-8, replacing every malformed
  piece with U+FFFD exactly as ``data.decode("utf-8", errors="replace")`` does.

In scope: UTF-8 only, bit by bit. Out of scope: UTF-16/32, normalisation (NFC),
grapheme clusters, the tokenizer itself (byte-level BPE comes next).

Run the demo: .venv/bin/python -m cs336.unicode_bytes
"""

from __future__ import annotations

REPLACEMENT = "\ufffd"


def code_points(s: str) -> list[int]:
    """The Unicode code point of every character of ``s``, in order.

    Example:
        >>> code_points("aé中😀")
        [97, 233, 20013, 128512]

    Edge cases the tests try: the empty string, ``"\\x00"``, combining marks
    (``"e\\u0301"`` is two code points), emoji outside the BMP.
    """
    # TODO: one ord() per character.
    # BEGIN SOLUTION
    return [ord(ch) for ch in s]
    # END SOLUTION


def utf8_bytes(s: str) -> list[int]:
    """Encode ``s`` as UTF-8 and return the bytes as integers 0..255.

    A code point ``cp`` takes::

        cp < 0x80       1 byte   0xxxxxxx
        cp < 0x800      2 bytes  110xxxxx 10xxxxxx
        cp < 0x10000    3 bytes  1110xxxx 10xxxxxx 10xxxxxx
        otherwise       4 bytes  11110xxx 10xxxxxx 10xxxxxx 10xxxxxx

    (high bits first). Surrogates U+D800..U+DFFF are not characters and cannot
    be encoded.

    Raises:
        ValueError: ``s`` contains a surrogate code point (name it in the message).

    Example:
        >>> utf8_bytes("aé中😀")
        [97, 195, 169, 228, 184, 173, 240, 159, 152, 128]

    Edge cases the tests try: ``""``, the boundaries U+007F/U+0080, U+07FF/U+0800,
    U+FFFF/U+10000, U+10FFFF, ``"\\ud800"``, any text (Hypothesis).
    """
    # TODO: shift and mask each code point by hand. Do not call str.encode,
    # bytes(), codecs or the struct module.
    # BEGIN SOLUTION
    out: list[int] = []
    for ch in s:
        cp = ord(ch)
        if 0xD800 <= cp <= 0xDFFF:
            raise ValueError(f"surrogate code point U+{cp:04X} cannot be encoded in UTF-8")
        if cp < 0x80:
            out.append(cp)
        elif cp < 0x800:
            out += [0xC0 | cp >> 6, 0x80 | cp & 0x3F]
        elif cp < 0x10000:
            out += [0xE0 | cp >> 12, 0x80 | cp >> 6 & 0x3F, 0x80 | cp & 0x3F]
        else:
            out += [0xF0 | cp >> 18, 0x80 | cp >> 12 & 0x3F, 0x80 | cp >> 6 & 0x3F, 0x80 | cp & 0x3F]
    return out
    # END SOLUTION


# BEGIN SOLUTION
def _continuation_ranges(lead: int) -> list[tuple[int, int]] | None:
    """The allowed range of each continuation byte after ``lead``; None for a byte that cannot start a character.

    The narrow first ranges exclude overlong forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
    """
    tail = (0x80, 0xBF)
    if 0xC2 <= lead <= 0xDF:
        return [tail]
    if lead == 0xE0:
        return [(0xA0, 0xBF), tail]
    if lead == 0xED:
        return [(0x80, 0x9F), tail]
    if 0xE1 <= lead <= 0xEF:
        return [tail, tail]
    if lead == 0xF0:
        return [(0x90, 0xBF), tail, tail]
    if 0xF1 <= lead <= 0xF3:
        return [tail, tail, tail]
    if lead == 0xF4:
        return [(0x80, 0x8F), tail, tail]
    return None
# END SOLUTION


def decode_utf8_lenient(data: bytes) -> str:
    """Decode UTF-8, replacing malformed input with U+FFFD like ``errors="replace"``.

    Read one character at a time. A lead byte fixes how many continuation
    bytes follow and the range each must lie in (E0 needs A0..BF next, ED
    80..9F, F0 90..BF, F4 80..8F; every other continuation 80..BF). When a
    byte breaks the pattern, or the data ends early, the bytes read so far
    (the "maximal subpart") become **one** U+FFFD and decoding resumes *at*
    the offending byte. A byte that cannot start a character (80..BF, C0, C1,
    F5..FF) is one U+FFFD on its own.

    Example:
        >>> decode_utf8_lenient(b"a\\xe4\\xb8z\\xff\\xe4\\xb8\\xad")
        'a\\ufffdz\\ufffd中'

    Edge cases the tests try: ``b""``, a truncated sequence at the end,
    overlong forms (``b"\\xc0\\xaf"``, ``b"\\xe0\\x80\\xaf"``), an encoded
    surrogate (``b"\\xed\\xa0\\x80"``), ``b"\\xf4\\x90\\x80\\x80"`` (above
    U+10FFFF), stray continuation bytes, any bytes (Hypothesis).
    """
    # TODO: walk the bytes with an index; for a lead byte check its continuation
    # bytes one by one. Do not call bytes.decode, str() on bytes, or codecs.
    # BEGIN SOLUTION
    out: list[str] = []
    i, n = 0, len(data)
    while i < n:
        lead = data[i]
        if lead < 0x80:
            out.append(chr(lead))
            i += 1
            continue
        ranges = _continuation_ranges(lead)
        if ranges is None:
            out.append(REPLACEMENT)
            i += 1
            continue
        cp = lead & (0x7F >> (len(ranges) + 1))  # the payload bits of the lead byte
        j = i + 1
        for lo, hi in ranges:
            if j >= n or not lo <= data[j] <= hi:
                break
            cp = cp << 6 | data[j] & 0x3F
            j += 1
        else:
            out.append(chr(cp))
            i = j
            continue
        out.append(REPLACEMENT)  # the maximal subpart data[i:j] -> one U+FFFD
        i = j
    return "".join(out)
    # END SOLUTION


if __name__ == "__main__":
    print(code_points("aé中😀"), utf8_bytes("aé中😀"))
    print(repr(decode_utf8_lenient(b"a\xe4\xb8z\xff\xe4\xb8\xad")))
