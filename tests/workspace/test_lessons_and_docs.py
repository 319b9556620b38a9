"""Lesson code blocks and sections; the generated README roadmap and lesson index."""

import pytest

from curriculum.course import load
from curriculum.lessons import missing_sections, python_blocks, run_lesson
from curriculum.roadmap import END, START, render_readme, roadmap_table

from toycourse import LESSON


def test_python_blocks_are_found_with_their_lines_and_other_languages_ignored():
    md = "# T\n\n```python\nx = 1\n```\n\n```text\nnot code\n```\n```python\ny = x + 1\n```\n"
    blocks = python_blocks(md)
    assert [(b.line, b.code) for b in blocks] == [(4, "x = 1\n"), (11, "y = x + 1\n")]


def test_missing_and_misordered_sections_are_reported():
    assert missing_sections(LESSON) == []
    assert missing_sections(LESSON.replace("## 常见陷阱", "## 陷阱")) == ["常见陷阱"]
    swapped = LESSON.replace("## 目标", "## TMP").replace("## 背景", "## 目标").replace("## TMP", "## 背景")
    assert missing_sections(swapped)[0].startswith("(sections out of order")


def test_blocks_share_one_namespace_and_a_failure_names_its_line(tmp_path):
    ok = tmp_path / "ok.md"
    ok.write_text("```python\na = 2\n```\n\n```python\nassert a * 2 == 4\n```\n", encoding="utf-8")
    assert run_lesson(ok).ok
    bad = tmp_path / "bad.md"
    bad.write_text("intro\n\n```python\nx = 1\n```\n\n```python\nraise ValueError('boom')\n```\n", encoding="utf-8")
    result = run_lesson(bad)
    assert not result.ok and result.failed_line == 8 and "boom" in result.error


def test_roadmap_is_rendered_between_the_markers_only(toy):
    cat = load(toy.root)
    text = render_readme(f"before\n{START}\nstale\n{END}\nafter\n", cat)
    assert text.startswith("before\n") and text.endswith("after\n") and "stale" not in text
    assert "| 1 | `toy-01` | Add | 加法 | 5 | ★ |" in roadmap_table(cat)
    with pytest.raises(ValueError, match="roadmap markers"):
        render_readme("no markers here", cat)
