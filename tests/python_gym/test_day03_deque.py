"""Grading tests for gym-03 (deque): shortest_path_in_grid and max_sliding_window.

Oracles: grid distances come from plain relaxation (lower every open cell's
distance to one more than its best neighbour until nothing changes, a
Bellman-Ford in disguise, not BFS), and large mazes have a hand-derived path
length. Window maxima come from ``max`` over every slice. Hypothesis compares
both with the exercise on small random inputs.

Speed is not asserted here: ``learn bench list-vs-deque`` measures it.
"""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_true

pytestmark = pytest.mark.exercise("gym-03")


# ------------------------------------------------------------------ shortest_path_in_grid


def relaxed_distance(grid: list[list[int]]) -> int:
    """Fewest moves by repeated relaxation; -1 if unreachable. O(cells^2): small grids only."""
    if not grid or not grid[0]:
        return -1
    rows, cols = len(grid), len(grid[0])
    inf = float("inf")
    dist = [[inf] * cols for _ in range(rows)]
    if grid[0][0] == 0:
        dist[0][0] = 0
    changed = True
    while changed:
        changed = False
        for r in range(rows):
            for c in range(cols):
                if grid[r][c] != 0:
                    continue
                for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                    if 0 <= nr < rows and 0 <= nc < cols and dist[nr][nc] + 1 < dist[r][c]:
                        dist[r][c] = dist[nr][nc] + 1
                        changed = True
    best = dist[rows - 1][cols - 1]
    return -1 if best == inf else int(best)


def serpentine(rows: int, cols: int) -> list[list[int]]:
    """Open even rows joined by one gap per odd row, alternately at the right and left end.

    With an odd number of open rows the only path sweeps every open row, so it
    has (open rows) * (cols - 1) horizontal and (rows - 1) vertical moves.
    """
    grid = []
    for r in range(rows):
        if r % 2 == 0:
            grid.append([0] * cols)
        else:
            row = [1] * cols
            row[cols - 1 if (r // 2) % 2 == 0 else 0] = 0
            grid.append(row)
    return grid


def serpentine_length(rows: int, cols: int) -> int:
    open_rows = (rows + 1) // 2
    assert rows % 2 == 1 and open_rows % 2 == 1, "the formula needs an odd number of open rows"
    return open_rows * (cols - 1) + (rows - 1)


def show(grid: list[list[int]]) -> str:
    if len(grid) > 8 or (grid and len(grid[0]) > 12):
        return f"<{len(grid)}x{len(grid[0])} grid>"
    return repr(grid)


GRID_CASES = [
    pytest.param([], id="no-rows"),
    pytest.param([[]], id="empty-row"),
    pytest.param([[0]], id="one-open-cell"),
    pytest.param([[1]], id="one-wall"),
    pytest.param([[0, 0, 0, 0, 0]], id="one-row"),
    pytest.param([[0], [0], [0], [0]], id="one-column"),
    pytest.param([[0, 1, 0]], id="one-row-blocked"),
    pytest.param([[1, 0], [0, 0]], id="start-is-wall"),
    pytest.param([[0, 0], [0, 1]], id="goal-is-wall"),
    pytest.param([[0, 1], [1, 0]], id="only-diagonal"),
    pytest.param([[0, 0, 0], [1, 1, 0], [0, 0, 0]], id="docstring-example"),
    pytest.param([[0, 0, 0], [0, 1, 0], [0, 0, 0]], id="two-equal-routes"),
    pytest.param([[0, 0, 0, 0], [0, 1, 1, 0], [0, 0, 1, 0], [1, 0, 0, 0]], id="detour"),
    pytest.param([[0, 0, 1], [0, 1, 0], [1, 0, 0]], id="goal-walled-off"),
    pytest.param(serpentine(5, 4), id="small-serpentine"),
    pytest.param([[0] * 6 for _ in range(5)], id="open-5x6"),
]


@pytest.mark.parametrize("grid", GRID_CASES)
def test_shortest_path_matches_relaxation(ex, grid):
    expect_equal(
        ex.shortest_path_in_grid(copy.deepcopy(grid)),
        relaxed_distance(grid),
        call=f"shortest_path_in_grid({show(grid)})",
        hint="BFS from (0, 0) with a deque; count moves (a 1x1 open grid is 0); -1 when the start or goal is a "
        "wall or the goal is never reached",
    )


def test_shortest_path_does_not_modify_grid(ex):
    grid = [[0, 0, 0], [1, 1, 0], [0, 0, 0]]
    ex.shortest_path_in_grid(grid)
    expect_equal(grid, [[0, 0, 0], [1, 1, 0], [0, 0, 0]], call="the grid after shortest_path_in_grid(grid)",
                 hint="keep the visited cells in your own set or dict instead of writing into the caller's grid")


@pytest.mark.parametrize(
    "grid,expected",
    [
        pytest.param([[0] * 300 for _ in range(300)], 598, id="open-300x300"),
        pytest.param(serpentine(201, 200), serpentine_length(201, 200), id="serpentine-201x200"),
        pytest.param([[0] * 300 for _ in range(149)] + [[1] * 300] + [[0] * 300 for _ in range(150)], -1,
                     id="wall-across-300x300"),
    ],
)
def test_shortest_path_large_grids(ex, grid, expected):
    expect_equal(ex.shortest_path_in_grid(grid), expected, call=f"shortest_path_in_grid({show(grid)})",
                 hint="mark a cell as seen when you enqueue it, so each cell enters the queue once")


@st.composite
def small_grids(draw):
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    cell = st.sampled_from([0, 0, 0, 1])
    return [[draw(cell) for _ in range(cols)] for _ in range(rows)]


@given(small_grids())
def test_shortest_path_property(ex, grid):
    expect_equal(ex.shortest_path_in_grid(copy.deepcopy(grid)), relaxed_distance(grid),
                 call=f"shortest_path_in_grid({grid!r})",
                 hint="a depth-first search finds *a* path, not the shortest: explore layer by layer (BFS)")


# ------------------------------------------------------------------ max_sliding_window


def brute_window_max(nums: list[int], k: int) -> list[int]:
    return [max(nums[i : i + k]) for i in range(len(nums) - k + 1)]


WINDOW_CASES = [
    pytest.param([], 1, id="empty"),
    pytest.param([], 3, id="empty-k3"),
    pytest.param([7], 1, id="single"),
    pytest.param([1, 2], 3, id="k-larger-than-input"),
    pytest.param([1, 3, -1, -3, 5, 3, 6, 7], 3, id="docstring-example"),
    pytest.param([4, -2, 9, 0], 1, id="k-one"),
    pytest.param([4, -2, 9, 0], 4, id="k-equals-length"),
    pytest.param([-5, -1, -7, -3, -9], 2, id="all-negative"),
    pytest.param([2, 2, 2, 2, 2], 3, id="all-equal"),
    pytest.param([3, 3, 1, 3, 1, 1, 1], 3, id="repeated-maximum"),
    pytest.param([1, 2, 3, 4, 5, 6], 3, id="increasing"),
    pytest.param([6, 5, 4, 3, 2, 1], 3, id="decreasing"),
    pytest.param([9, 1, 1, 1, 1, 1], 2, id="max-leaves-window"),
]


@pytest.mark.parametrize("nums,k", WINDOW_CASES)
def test_max_sliding_window_matches_brute_force(ex, nums, k):
    expect_equal(
        ex.max_sliding_window(list(nums), k),
        brute_window_max(nums, k),
        call=f"max_sliding_window({nums!r}, {k})",
        hint="one maximum per full window (len(nums) - k + 1 of them); drop the front index once it is <= i - k",
    )


@pytest.mark.parametrize("k", [0, -1])
def test_max_sliding_window_rejects_bad_k(ex, k):
    try:
        got = ex.max_sliding_window([1, 2, 3], k)
    except ValueError:
        return
    expect_true(False, message=f"max_sliding_window([1, 2, 3], {k}) returned {got!r} instead of raising ValueError",
                hint="a window must hold at least one number: raise ValueError when k < 1")


def test_max_sliding_window_large_input(ex):
    rng = random.Random(5)
    nums = [rng.randint(-1000, 1000) for _ in range(100_000)]
    expect_equal(ex.max_sliding_window(nums, 50), brute_window_max(nums, 50),
                 call="max_sliding_window(<100000 random ints in [-1000, 1000]>, 50)",
                 hint="keep the deque's values decreasing from front to back; each index is pushed and popped once")


@given(st.lists(st.integers(-3, 3), max_size=30), st.integers(1, 8))
def test_max_sliding_window_property(ex, nums, k):
    expect_equal(ex.max_sliding_window(nums, k), brute_window_max(nums, k), call=f"max_sliding_window({nums!r}, {k})",
                 hint="with repeated values, store indices (not values) in the deque, or an equal value may leave "
                 "the window twice")
