"""Day 20: the 90-minute drill. Five classics from weeks 1-3, against the clock.

``learn drill gym-20`` shows a 90-minute countdown while you work; press
Enter to grade whenever you like. About 15 minutes per problem, plus time to
read and to test. Each problem has one tool that makes it short:

- ``LRUCache``: an ``OrderedDict`` (``move_to_end``, ``popitem(last=False)``);
- ``decode_string``: a list used as a stack of (partial string, count) frames;
- ``count_provinces``: union-find or an iterative flood fill (day 19);
- ``eval_rpn``: a stack of operands, and integer division that truncates
  toward zero, done exactly (not with floats);
- ``longest_unique_substring``: a sliding window with a dict of last positions.

Read each contract first: the edge cases in it are the ones graded. Out of
scope: anything clever. A correct, plain solution to all five is the goal.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

# ---------------------------------------------------------------- 1. LRU cache


class LRUCache:
    """A key-value cache of bounded size that evicts the least recently used key.

    "Used" means ``get`` of a present key or ``put`` of any key; ``in`` and
    ``len`` do not count as uses. Both ``get`` and ``put`` run in O(1).

    Example:
        >>> cache = LRUCache(2)
        >>> cache.put("a", 1); cache.put("b", 2)
        >>> cache.get("a")          # "a" is now the most recently used
        1
        >>> cache.put("c", 3)       # full: evicts "b", the least recently used
        >>> cache.get("b") is None, "a" in cache, len(cache)
        (True, True, 2)

    Edge cases the tests try: capacity 1, ``put`` of an existing key (updates
    the value, counts as a use, evicts nothing), ``get`` of a missing key
    (``default``, no change), a stored value of ``None`` or ``0``, ``in``
    that must not refresh a key, capacity 0 or less (``ValueError``), random
    operation sequences against a list-based model (Hypothesis), and 2 * 10^5
    operations on a cache of capacity 5 * 10^4 (an O(n) scan per operation is
    hopeless).
    """

    # TODO: store the items in an OrderedDict in recency order (least recent
    # TODO: first). A use is move_to_end(key); eviction is popitem(last=False).

    def __init__(self, capacity: int) -> None:
        """Create an empty cache holding at most ``capacity`` keys; ``ValueError`` if ``capacity < 1``."""
        raise NotImplementedError("gym-20: __init__ is not written yet")

    def get(self, key: Hashable, default: Any = None) -> Any:
        """Return the value of ``key`` and mark it most recently used, or ``default`` if absent."""
        raise NotImplementedError("gym-20: get is not written yet")

    def put(self, key: Hashable, value: Any) -> None:
        """Set ``key`` to ``value`` and mark it most recently used; evict the LRU key if over capacity."""
        raise NotImplementedError("gym-20: put is not written yet")

    def __contains__(self, key: Hashable) -> bool:
        """Whether ``key`` is cached; does not count as a use."""
        raise NotImplementedError("gym-20: __contains__ is not written yet")

    def __len__(self) -> int:
        """The number of cached keys."""
        raise NotImplementedError("gym-20: __len__ is not written yet")


# ---------------------------------------------------------------- 2. decode string


def decode_string(s: str) -> str:
    """Expand ``k[...]`` groups: ``"3[a2[c]]"`` becomes ``"accaccacc"``.

    Grammar: a sequence of items; an item is a literal character (anything
    but an ASCII digit, ``[`` or ``]``) or a group ``k[body]``, where ``k`` is
    one or more ASCII digits (``"0[x]"`` is empty, ``"12[x]"`` is twelve
    ``x``) and ``body`` is again a sequence of items. Groups nest.

    Args:
        s: the encoded string; may be empty; nesting up to 1000 levels deep
            (a recursive decoder one frame per level would hit the recursion
            limit).

    Returns:
        The decoded string.

    Raises:
        ValueError: if ``s`` is malformed: a count not followed by ``[``
            (``"3a"``, ``"a3"``), a ``[`` without a count (``"[a]"``), or
            unbalanced brackets (``"2[a"``, ``"a]"``).

    Example:
        >>> decode_string("3[a2[c]]")
        'accaccacc'
        >>> decode_string("2[abc]3[cd]ef")
        'abcabccdcdcdef'

    Edge cases the tests try: ``""``, no groups, a count of several digits,
    ``0[...]``, adjacent and nested groups, literals between groups,
    Unicode and spaces, each kind of malformed input, and 1000 nested
    ``1[...]`` groups.
    """
    # TODO: scan left to right with a stack. On "[", push (text so far, k)
    # TODO: and start a new text; on "]", pop and set text = prev + text * k.
    # TODO: Build text pieces in lists; join when a group closes.
    raise NotImplementedError("gym-20: decode_string is not written yet")


# ---------------------------------------------------------------- 3. number of provinces


def count_provinces(is_connected: Sequence[Sequence[int]]) -> int:
    """Return the number of provinces: groups of cities linked directly or indirectly.

    ``is_connected[i][j] == 1`` means cities ``i`` and ``j`` are directly
    linked (the matrix is symmetric and ``is_connected[i][i] == 1``). A
    province is a maximal group of cities where each can reach each other.

    Args:
        is_connected: an ``n x n`` matrix of 0/1 (``n >= 0``); not modified.

    Returns:
        The number of provinces (``n`` isolated cities give ``n``).

    Raises:
        ValueError: if the matrix is not square (a row of the wrong length).

    Example:
        >>> count_provinces([[1, 1, 0],
        ...                  [1, 1, 0],
        ...                  [0, 0, 1]])
        2

    Edge cases the tests try: ``[]``, one city, all isolated, all linked,
    a chain (0-1, 1-2, ...) that links indirectly, a non-square matrix,
    random matrices against a transitive-closure oracle (Hypothesis), and
    a chain of 1099 cities (no recursion one frame per city).
    """
    # TODO: union-find over the upper triangle (j > i), or an iterative
    # TODO: DFS/BFS from each unvisited city. Check that every row has length n.
    raise NotImplementedError("gym-20: count_provinces is not written yet")


# ---------------------------------------------------------------- 4. reverse Polish notation


def eval_rpn(tokens: Sequence[str]) -> int:
    """Evaluate an expression in reverse Polish (postfix) notation.

    Each token is an integer (``"42"``, ``"-7"``, ``"+3"``) or one of the
    operators ``+ - * /``, which pops the right operand, then the left one,
    and pushes the result. ``/`` is integer division that **truncates
    toward zero** (as in C++ and Java): ``7 / -2 == -3``, not Python's -4.
    Integers may be of any size, and the division must stay exact for them.

    Args:
        tokens: the tokens, in order.

    Returns:
        The value of the expression.

    Raises:
        ValueError: if an operator finds fewer than two operands, a token is
            neither an integer nor an operator, or the tokens do not leave
            exactly one value (``[]``, ``["1", "2"]``).
        ZeroDivisionError: on a division by zero.

    Example:
        >>> eval_rpn(["2", "1", "+", "3", "*"])      # (2 + 1) * 3
        9
        >>> eval_rpn(["4", "13", "5", "/", "+"])     # 4 + 13 / 5
        6
        >>> eval_rpn(["7", "-2", "/"])
        -3

    Edge cases the tests try: a single number, negative numbers as tokens,
    the operand order of ``-`` and ``/``, every sign combination of ``/``,
    division of integers beyond 2**53 (``int(a / b)`` goes through a float
    and is wrong there), division by zero, each kind of malformed input,
    random expression trees (Hypothesis) and 10^5 tokens.
    """
    # TODO: a list as a stack; for an operator pop b, then a, push a op b.
    # TODO: Truncating division without floats: divide the absolute values
    # TODO: with //, then fix the sign.
    raise NotImplementedError("gym-20: eval_rpn is not written yet")


# ---------------------------------------------------------------- 5. longest substring without repeats


def longest_unique_substring(s: str) -> int:
    """Return the length of the longest substring of ``s`` with no repeated character.

    Characters are code points, compared exactly (``"a"`` and ``"A"`` differ).

    Args:
        s: any string; may be empty; up to 10^5 characters.

    Returns:
        The length of the longest window ``s[i:j]`` whose characters are all
        different; ``0`` for ``""``.

    Example:
        >>> longest_unique_substring("abcabcbb")     # "abc"
        3
        >>> longest_unique_substring("pwwkew")       # "wke"; "pwke" is not a substring
        3

    Edge cases the tests try: ``""``, one character, all the same, all
    different, a repeat far back that is already outside the window
    (``"abba"`` is 2), spaces, case, Chinese and emoji, random strings
    against brute force (Hypothesis), and 10^5 characters.
    """
    # TODO: sliding window: remember each character's last index in a dict;
    # TODO: when ch repeats inside the window, move the left edge to just
    # TODO: after its last index (never move the left edge backwards).
    raise NotImplementedError("gym-20: longest_unique_substring is not written yet")
