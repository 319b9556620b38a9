"""A small, complete toy course in a temp folder, for the workspace's own tests.

The toy course has the same layout as the real one (catalogue, reference, stub,
grading tests, lesson, README with a roadmap), so the grader, the CLI and
``learn dev verify`` can be exercised end to end without touching the real
course or the learner's progress.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from curriculum.roadmap import END, START, lesson_index, render_readme
from curriculum.stubs import make_stub

REFERENCE = '''\
"""Day 1: add two numbers."""


def add(a: int, b: int) -> int:
    """Return a + b.

    Example: add(2, 3) -> 5
    """
    # TODO: one line.
    # BEGIN SOLUTION
    return a + b
    # END SOLUTION


def halve_all(xs: list[int]) -> list[int]:
    """Each element floor-divided by two: [3, 4] -> [1, 2]."""
    # BEGIN SOLUTION
    return [x // 2 for x in xs]
    # END SOLUTION
'''

TESTS = '''\
import operator

import pytest
from hypothesis import given, strategies as st

from curriculum.grading.testing import expect_equal

pytestmark = pytest.mark.exercise("toy-01")


@given(st.integers(), st.integers())
def test_add_matches_operator(ex, a, b):
    expect_equal(ex.add(a, b), operator.add(a, b), call=f"add({a}, {b})", hint="use +")


@pytest.mark.parametrize("xs", [[], [3, 4], [-3]])
def test_halve_all(ex, xs):
    expect_equal(ex.halve_all(xs), [x // 2 for x in xs], call=f"halve_all({xs})")
'''

LESSON = """\
# Day 1

## 目标
学会加法。

## 背景
背景。

## 核心概念

```python
total = 2 + 3
assert total == 5
```

## 常见陷阱
无。

## 练习
写 `add`。

## 延伸阅读
- Python 文档
"""

CATALOGUE = """\
[[exercise]]
id = "toy-01"
track = "toy"
day = 1
title = "Add"
title_zh = "加法"
lesson = "curriculum/lessons/toy/day01_add.md"
exercise = "toy/day01_add.py"
solution = "toy/solutions/day01_add.py"
tests = "tests/toy/test_day01_add.py"
hints = ["第一条提示", "第二条提示"]
minutes = 5
difficulty = 1
"""

TRACKS = """\
[[track]]
id = "toy"
title = "Toy track"
title_zh = "玩具课程"
"""


class ToyCourse:
    """A temp workspace; ``write`` and ``read`` take paths relative to its root."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    @property
    def stub(self) -> str:
        return "toy/day01_add.py"

    def solve(self) -> None:
        """Make the learner's file a correct solution."""
        self.write(self.stub, REFERENCE)


def build_toy_course(root: Path) -> ToyCourse:
    from curriculum.course import load

    course = ToyCourse(root)
    course.write("pytest.ini", "[pytest]\naddopts = -p curriculum.grading.plugin\n")
    course.write("curriculum/catalogue/tracks.toml", TRACKS)
    course.write("curriculum/catalogue/toy.toml", CATALOGUE)
    course.write("toy/__init__.py", "")
    course.write("toy/solutions/__init__.py", "")
    course.write("toy/solutions/day01_add.py", REFERENCE)
    course.write("toy/day01_add.py", make_stub(REFERENCE, "toy-01"))
    course.write("tests/toy/test_day01_add.py", TESTS)
    course.write("curriculum/lessons/toy/day01_add.md", LESSON)
    cat = load(root)
    course.write("README.md", render_readme(f"# Toy\n\n{START}\n{END}\n", cat))
    course.write("curriculum/lessons/README.md", lesson_index(cat))
    return course


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
