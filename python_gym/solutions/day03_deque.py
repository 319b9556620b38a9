"""Day 3: collections.deque for queues, BFS and sliding windows.

Two interview classics that need O(1) work at both ends of a sequence:

- ``shortest_path_in_grid``: breadth-first search on a 0/1 grid, with a deque
  as the FIFO queue;
- ``max_sliding_window``: the maximum of every window of ``k`` numbers in
  O(n), with a deque of indices kept in decreasing order of value.

In scope: ``deque.append`` / ``popleft`` / ``pop``, BFS layer by layer, the
monotonic-deque invariant. Out of scope: weighted graphs (Dijkstra) and
diagonal moves.
"""

from __future__ import annotations

from collections import deque


def shortest_path_in_grid(grid: list[list[int]]) -> int:
    """Return the fewest moves from the top-left to the bottom-right cell, or -1.

    ``grid[r][c]`` is ``0`` for an open cell and ``1`` for a wall. A move goes
    one cell up, down, left or right (no diagonals) onto an open cell inside
    the grid. The answer counts moves, not cells: a 1x1 open grid needs 0.

    Args:
        grid: a rectangular list of rows of 0/1; it is not modified.

    Returns:
        The number of moves on a shortest path, or ``-1`` if there is none
        (a wall on the start or the goal, the goal walled off, or an empty
        grid ``[]`` / ``[[]]``).

    Example:
        >>> shortest_path_in_grid([[0, 0, 0],
        ...                        [1, 1, 0],
        ...                        [0, 0, 0]])
        4

    Edge cases the tests try: empty grids, 1x1 open and walled, one row, one
    column, blocked start or goal, unreachable goals, mazes where the first
    path a depth-first search finds is not the shortest, and a 300x300 grid.
    """
    # TODO: breadth-first search from (0, 0) with a collections.deque as the
    # queue (popleft, never list.pop(0)). Mark a cell as seen when you enqueue
    # it, so it is enqueued once. Do not modify `grid`.
    # BEGIN SOLUTION
    if not grid or not grid[0]:
        return -1
    rows, cols = len(grid), len(grid[0])
    goal = (rows - 1, cols - 1)
    if grid[0][0] != 0 or grid[goal[0]][goal[1]] != 0:
        return -1

    dist = {(0, 0): 0}  # also the "seen" set: a cell is in it once it is queued
    queue = deque([(0, 0)])
    while queue:
        r, c = queue.popleft()
        if (r, c) == goal:
            return dist[r, c]
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == 0 and (nr, nc) not in dist:
                dist[nr, nc] = dist[r, c] + 1
                queue.append((nr, nc))
    return -1
    # END SOLUTION


def max_sliding_window(nums: list[int], k: int) -> list[int]:
    """Return the maximum of every window ``nums[i:i + k]``, for ``i`` from 0 to ``len(nums) - k``.

    Args:
        nums: the numbers (any ints, negatives and repeats included); may be empty.
        k: the window size, ``k >= 1``.

    Returns:
        ``len(nums) - k + 1`` maxima, in window order; ``[]`` if ``k > len(nums)``.

    Raises:
        ValueError: if ``k < 1``.

    Example:
        >>> max_sliding_window([1, 3, -1, -3, 5, 3, 6, 7], 3)
        [3, 3, 5, 5, 6, 7]

    Edge cases the tests try: empty input, ``k = 1``, ``k = len(nums)``,
    ``k > len(nums)``, ``k <= 0``, negatives, runs of equal values, sorted
    and reverse-sorted inputs, and 10^5 numbers.
    """
    # TODO: keep a deque of *indices* whose values decrease from front to back.
    # For each new index: pop smaller-or-equal values off the back, append it,
    # drop the front if it has left the window; the front is the window's max.
    # O(n) overall: do not call max() on each window. Raise ValueError if k < 1.
    # BEGIN SOLUTION
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    candidates: deque[int] = deque()  # indices; nums[candidates[0]] is the current max
    maxima: list[int] = []
    for i, x in enumerate(nums):
        while candidates and nums[candidates[-1]] <= x:
            candidates.pop()  # can never be a maximum again: x is newer and at least as large
        candidates.append(i)
        if candidates[0] <= i - k:
            candidates.popleft()  # slid out of the window on the left
        if i >= k - 1:
            maxima.append(nums[candidates[0]])
    return maxima
    # END SOLUTION


if __name__ == "__main__":
    print(shortest_path_in_grid([[0, 0, 0], [1, 1, 0], [0, 0, 0]]))
    print(max_sliding_window([1, 3, -1, -3, 5, 3, 6, 7], 3))
