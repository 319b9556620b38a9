"""Day 26: dynamic programming, first steps.

Four classics, each a state, a transition and an order of evaluation:

- ``coin_change``: 1-D, ``best[a]`` = fewest coins that make amount ``a``;
- ``edit_distance``: 2-D, ``d[i][j]`` = edits turning ``a[:i]`` into ``b[:j]``;
- ``knapsack_01``: the 0/1 knapsack, one row of capacities updated right to left;
- ``lis_length``: the longest strictly increasing subsequence in O(n log n),
  with ``bisect`` on the smallest tail of each length.

In scope: bottom-up tables, rolling rows, ``functools.cache`` for the
top-down version (in the lesson). Out of scope: reconstructing the chosen
coins, edits, items or subsequence (the lesson shows how), and
weighted edit costs.
"""

from __future__ import annotations

from bisect import bisect_left


def coin_change(coins: list[int], amount: int) -> int:
    """Return the fewest coins that add up to ``amount``, or -1 if no combination does.

    Every coin value may be used any number of times.

    Args:
        coins: the coin values, each ``>= 1``; may repeat; may be empty.
        amount: the amount to make, ``>= 0``.

    Returns:
        The minimum number of coins; ``0`` for ``amount == 0``; ``-1`` when
        the amount cannot be made.

    Raises:
        ValueError: if ``amount`` is negative or a coin is below 1.

    Example:
        >>> coin_change([1, 3, 4], 6)
        2

        ``3 + 3``. Greedy (largest coin first) takes ``4 + 1 + 1``: 3 coins.

    Edge cases the tests try: amount 0, no coins, an amount no coin
    combination reaches, a single coin, repeated coin values, inputs where
    greedy is wrong, and amount 10^4.
    """
    # TODO: best[a] for a = 0..amount, best[0] = 0; best[a] = 1 + min(best[a - c])
    # TODO: over coins c <= a. O(amount * len(coins)) time, O(amount) memory.
    # TODO: No recursion without memoisation (exponential), no greedy.
    # BEGIN SOLUTION
    if amount < 0:
        raise ValueError(f"amount must be >= 0, got {amount}")
    if any(c < 1 for c in coins):
        raise ValueError(f"coin values must be >= 1, got {coins}")
    unreachable = amount + 1  # more coins than any real answer (all 1s) could need
    best = [0] + [unreachable] * amount
    for a in range(1, amount + 1):
        for c in coins:
            if c <= a and best[a - c] + 1 < best[a]:
                best[a] = best[a - c] + 1
    return best[amount] if best[amount] != unreachable else -1
    # END SOLUTION


def edit_distance(a: str, b: str) -> int:
    """Return the Levenshtein distance: the fewest single-character inserts, deletes and substitutions from ``a`` to ``b``.

    Each operation costs 1. Characters are code points, compared exactly.

    Args:
        a: the source text.
        b: the target text.

    Returns:
        The minimum number of edits; ``len(b)`` when ``a`` is empty and
        ``len(a)`` when ``b`` is empty.

    Example:
        >>> edit_distance("kitten", "sitting")
        3

        Substitute k -> s, substitute e -> i, insert g.

    Edge cases the tests try: empty strings, equal strings, one character,
    case differences, Chinese characters and emoji, symmetry and the
    triangle inequality, and two 500-character strings.
    """
    # TODO: d[i][j] = edits from a[:i] to b[:j]; d[i][0] = i, d[0][j] = j;
    # TODO: d[i][j] = d[i-1][j-1] if a[i-1] == b[j-1], else 1 + min(delete, insert,
    # TODO: substitute). Two rows are enough. O(len(a) * len(b)) time.
    # BEGIN SOLUTION
    prev = list(range(len(b) + 1))  # row i - 1; starts as row 0: j inserts
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)  # column 0: i deletes
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1]
            else:
                cur[j] = 1 + min(prev[j], cur[j - 1], prev[j - 1])  # delete, insert, substitute
        prev = cur
    return prev[len(b)]
    # END SOLUTION


def knapsack_01(weights: list[int], values: list[int], capacity: int) -> int:
    """Return the largest total value of items whose total weight is at most ``capacity``.

    Item ``i`` weighs ``weights[i]`` and is worth ``values[i]``; each item is
    taken once or not at all.

    Args:
        weights: item weights, each ``>= 0``.
        values: item values, each ``>= 0``; as long as ``weights``.
        capacity: the weight limit, ``>= 0``.

    Returns:
        The best total value; ``0`` with no items or when nothing fits.

    Raises:
        ValueError: if the lists differ in length, or a weight, a value or
            ``capacity`` is negative.

    Example:
        >>> knapsack_01([1, 3, 4, 5], [1, 4, 5, 7], 7)
        9

        Items 1 and 2 (weights 3 + 4, values 4 + 5).

    Edge cases the tests try: no items, capacity 0, an item heavier than
    the capacity, weight-0 items, items that must not be taken twice,
    mismatched or negative inputs, and 200 items with capacity 10^3.
    """
    # TODO: best[c] = best value within capacity c using the items seen so far.
    # TODO: For each item, update c from capacity down to its weight (right to
    # TODO: left, so the item is used at most once). O(n * capacity).
    # BEGIN SOLUTION
    if len(weights) != len(values):
        raise ValueError(f"weights and values differ in length: {len(weights)} vs {len(values)}")
    if capacity < 0 or any(w < 0 for w in weights) or any(v < 0 for v in values):
        raise ValueError("capacity, weights and values must be >= 0")
    best = [0] * (capacity + 1)
    for w, v in zip(weights, values):
        for c in range(capacity, w - 1, -1):  # right to left: best[c - w] is still "without this item"
            if best[c - w] + v > best[c]:
                best[c] = best[c - w] + v
    return best[capacity]
    # END SOLUTION


def lis_length(nums: list[int]) -> int:
    """Return the length of the longest strictly increasing subsequence of ``nums``.

    A subsequence keeps the order but may skip elements; strictly increasing
    means every element is larger than the one before (equal values do not
    extend it).

    Args:
        nums: the numbers; may be empty, repeat and be negative.

    Returns:
        The length; ``0`` for an empty list.

    Example:
        >>> lis_length([10, 9, 2, 5, 3, 7, 101, 18])
        4

        For instance ``2, 3, 7, 18``.

    Edge cases the tests try: empty, one element, all equal (1), sorted
    ascending (n) and descending (1), negatives, duplicates, and 10^5
    numbers (the O(n^2) DP is too slow there).
    """
    # TODO: tails[L] = the smallest tail of any increasing subsequence of length
    # TODO: L + 1. For each x, bisect_left(tails, x) is where x goes (replace or
    # TODO: append). O(n log n). bisect_right would allow equal values.
    # BEGIN SOLUTION
    tails: list[int] = []  # strictly increasing
    for x in nums:
        pos = bisect_left(tails, x)  # first tail >= x: x improves (or extends) that length
        if pos == len(tails):
            tails.append(x)
        else:
            tails[pos] = x
    return len(tails)
    # END SOLUTION


if __name__ == "__main__":
    print(coin_change([1, 3, 4], 6), edit_distance("kitten", "sitting"))
    print(knapsack_01([1, 3, 4, 5], [1, 4, 5, 7], 7), lis_length([10, 9, 2, 5, 3, 7, 101, 18]))
