"""`learn dev verify` on the toy course: green when sound, and each kind of breakage named."""

import pytest

from curriculum.cli import main
from curriculum.verify import verify

from toycourse import LESSON, REFERENCE, TESTS


def findings(toy, **kw):
    return [(f.check, f.subject, f.message) for f in verify(toy.root, **kw)]


def test_a_sound_course_is_green(toy, capsys):
    assert findings(toy) == []
    assert main(["dev", "verify"]) == 0
    assert "all checks passed" in capsys.readouterr().out


def test_a_test_that_passes_on_the_stub_is_named(toy, capsys):
    toy.write("tests/toy/test_day01_add.py", TESTS + "\n\ndef test_that_cannot_fail(ex):\n    assert hasattr(ex, 'add')\n")
    found = findings(toy, skip=("lessons",))
    assert [(c, s) for c, s, _ in found] == [("grading", "toy-01")]
    assert "test_that_cannot_fail passes on the untouched stub" in found[0][2]
    assert main(["dev", "verify", "--skip", "lessons"]) == 1


def test_a_failing_reference_is_named(toy):
    toy.write("toy/solutions/day01_add.py", REFERENCE.replace("return a + b", "return a + b + 1"))
    toy.write("toy/day01_add.py", toy.read("toy/day01_add.py"))  # stub unchanged: body differs only
    found = findings(toy, skip=("lessons", "stubs"))
    assert any("the reference fails" in m and "test_add_matches_operator" in m for _, _, m in found)


def test_missing_and_unlisted_files_are_reported(toy):
    (toy.root / "curriculum/lessons/toy/day01_add.md").unlink()
    toy.write("toy/day02_orphan.py", "x = 1\n")
    toy.write("tests/toy/test_orphan.py", "")
    found = findings(toy, skip=("grading", "lessons"))
    messages = " | ".join(f"{s}: {m}" for _, s, m in found)
    assert "lesson file curriculum/lessons/toy/day01_add.md is missing" in messages
    assert "toy/day02_orphan.py: not listed in the catalogue" in messages
    assert "tests/toy/test_orphan.py: not listed in the catalogue" in messages


def test_a_test_module_for_the_wrong_exercise_is_reported(toy):
    toy.write("tests/toy/test_day01_add.py", TESTS.replace('exercise("toy-01")', 'exercise("toy-02")'))
    found = findings(toy, skip=("grading", "lessons"))
    assert any("should declare pytestmark" in m for _, _, m in found)


def test_stub_drift_is_caught(toy):
    toy.write("toy/day01_add.py", toy.read("toy/day01_add.py").replace("a: int, b: int", "a, b"))
    found = findings(toy, skip=("grading", "lessons"))
    assert [(c, s) for c, s, _ in found] == [("stubs", "toy-01")]


def test_a_broken_lesson_block_and_a_missing_section_are_caught(toy):
    toy.write("curriculum/lessons/toy/day01_add.md", LESSON.replace("assert total == 5", "assert total == 6").replace("## 延伸阅读", "## 阅读"))
    found = findings(toy, skip=("grading",))
    messages = [m for c, _, m in found if c == "lessons"]
    assert any("missing section ## 延伸阅读" in m for m in messages)
    assert any("a python block fails (block at line 12)" in m and "AssertionError" in m for m in messages)


def test_an_outdated_roadmap_is_caught(toy):
    toy.write("curriculum/catalogue/toy.toml", toy.read("curriculum/catalogue/toy.toml").replace('title_zh = "加法"', 'title_zh = "加法运算"'))
    found = findings(toy, skip=("grading", "lessons"))
    assert {s for c, s, _ in found if c == "docs"} == {"README.md", "curriculum/lessons/README.md"}
    assert main(["dev", "readme"]) == 0
    assert findings(toy, skip=("grading", "lessons")) == []


@pytest.mark.parametrize("check", ["files", "stubs", "docs", "lessons", "grading"])
def test_each_check_can_be_skipped(toy, check):
    assert findings(toy, skip=(check,)) == []
