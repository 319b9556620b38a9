"""``learn dev verify``: the course checks itself.

1. catalogue ↔ files: every listed file exists, every exercise file is listed,
   each test module names its own exercise;
2. every stub on disk is the one generated from its reference;
3. the README roadmap and the lesson index match the catalogue;
4. every lesson has the required sections and every ```python block runs;
   every quiz loads, and its "what does this print" answers are what Python prints;
5. every reference passes all its tests;
6. every untouched stub fails every one of its tests (a test that passes on a
   stub is named: it cannot tell a solution from no solution).

Each problem is a :class:`Finding`; the check passes when there are none.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from curriculum.course import Catalogue, load
from curriculum.grading.runner import run_suite
from curriculum.lessons import missing_sections, run_lesson
from curriculum.quiz import check_quiz
from curriculum.roadmap import LESSON_INDEX, lesson_index, render_readme
from curriculum.stubs import StubError, make_stub

_MARKER = re.compile(r"""pytest\.mark\.exercise\(\s*["']([^"']+)["']\s*\)""")


@dataclass(frozen=True)
class Finding:
    check: str
    subject: str
    message: str


def check_files(cat: Catalogue) -> list[Finding]:
    root = cat.root
    found: list[Finding] = []
    listed: set[str] = set()
    for ex in cat.exercises:
        for key, rel in ex.paths().items():
            listed.add(rel)
            if not (root / rel).is_file():
                found.append(Finding("files", ex.id, f"{key} file {rel} is missing"))
        test_file = root / ex.tests
        if test_file.is_file():
            ids = _MARKER.findall(test_file.read_text(encoding="utf-8"))
            if ids != [ex.id]:
                found.append(Finding("files", ex.id, f"{ex.tests} should declare pytestmark = pytest.mark.exercise({ex.id!r}) once; found {ids}"))
    for track in cat.tracks:
        candidates = [p for p in (root / track.id).rglob("*.py") if p.name != "__init__.py" and "__pycache__" not in p.parts]
        candidates += list((root / "tests" / track.id).glob("test_*.py"))
        candidates += list((root / "curriculum" / "lessons" / track.id).rglob("*.md"))
        candidates += list((root / "curriculum" / "lessons" / track.id).rglob("*.quiz.toml"))
        for path in candidates:
            rel = path.relative_to(root).as_posix()
            if rel not in listed:
                found.append(Finding("files", rel, "not listed in the catalogue (every exercise file belongs to one exercise)"))
    return found


def check_stubs(cat: Catalogue) -> list[Finding]:
    found: list[Finding] = []
    for ex in cat.exercises:
        ref, stub = cat.root / ex.solution, cat.root / ex.exercise
        if not ref.is_file() or not stub.is_file():
            continue  # reported by check_files
        try:
            expected = make_stub(ref.read_text(encoding="utf-8"), ex.id, filename=ex.solution)
        except StubError as err:
            found.append(Finding("stubs", ex.id, str(err)))
            continue
        if stub.read_text(encoding="utf-8") != expected:
            found.append(
                Finding("stubs", ex.id, f"{ex.exercise} differs from the stub generated from {ex.solution}: "
                        "run `learn dev sync-stubs` (course authors), or `learn reset` if this is your own work")
            )  # fmt: skip
    return found


def check_generated_docs(cat: Catalogue) -> list[Finding]:
    found: list[Finding] = []
    readme = cat.root / "README.md"
    try:
        if readme.read_text(encoding="utf-8") != render_readme(readme.read_text(encoding="utf-8"), cat):
            found.append(Finding("docs", "README.md", "the roadmap table is out of date: run `learn dev readme`"))
    except (OSError, ValueError) as err:
        found.append(Finding("docs", "README.md", str(err)))
    index = cat.root / LESSON_INDEX
    if not index.is_file() or index.read_text(encoding="utf-8") != lesson_index(cat):
        found.append(Finding("docs", LESSON_INDEX, "the lesson index is out of date: run `learn dev readme`"))
    return found


def check_lessons(cat: Catalogue, progress: Callable[[str], None] = lambda _: None) -> list[Finding]:
    """Sections and code blocks of every lesson; two lessons run at a time, each in its own interpreter."""
    found: list[Finding] = []
    lessons = [ex.lesson for ex in cat.exercises if (cat.root / ex.lesson).is_file()]
    for rel in lessons:
        for gap in missing_sections((cat.root / rel).read_text(encoding="utf-8")):
            found.append(Finding("lessons", rel, f"missing section ## {gap}"))
    progress(f"running the code in {len(lessons)} lessons")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda rel: run_lesson(cat.root / rel, cwd=cat.root), lessons))
    for rel, result in zip(lessons, results):
        if not result.ok:
            where = f" (block at line {result.failed_line})" if result.failed_line else ""
            found.append(Finding("lessons", rel, f"a python block fails{where}:\n{result.error}"))
    return found


def check_quizzes(cat: Catalogue) -> list[Finding]:
    """Every quiz loads, and every `output` question's marked answer is what its code prints."""
    found: list[Finding] = []
    for ex in cat.exercises:
        if ex.quiz and (cat.root / ex.quiz).is_file():
            found += [Finding("quizzes", ex.quiz, problem) for problem in check_quiz(cat.root / ex.quiz)]
    return found


def _exercise_of(nodeid: str, cat: Catalogue) -> str:
    ex = cat.by_test_path(nodeid.split("::", 1)[0])
    return ex.id if ex else nodeid.split("::", 1)[0]


def check_grading(cat: Catalogue, *, timeout: float = 1800.0, stats: dict | None = None) -> list[Finding]:
    """References pass every test; pristine stubs fail every test. Both suites run side by side."""
    paths = [ex.tests for ex in cat.exercises if (cat.root / ex.tests).is_file()]
    if not paths:
        return []
    with ThreadPoolExecutor(max_workers=2) as pool:
        solution = pool.submit(run_suite, paths, cat.root, impl="solution", test_timeout=300, total_timeout=timeout)
        pristine = pool.submit(run_suite, paths, cat.root, impl="pristine", test_timeout=60, total_timeout=timeout)
        runs = {"solution": solution.result(), "pristine": pristine.result()}
    found: list[Finding] = []
    for impl, (outcomes, tail, code, _) in runs.items():
        if code is None:
            found.append(Finding("grading", impl, f"the {impl} run did not finish within {timeout:.0f} s"))
            continue
        if not outcomes:
            found.append(Finding("grading", impl, f"the {impl} run ran no test:\n{tail}"))
    found += [
        Finding("grading", _exercise_of(o.nodeid, cat), f"the reference fails {o.nodeid}: {o.exc_type}: {o.message.splitlines()[0] if o.message else ''}")
        for o in runs["solution"][0]
        if o.outcome == "failed"
    ]
    found += [
        Finding("grading", _exercise_of(o.nodeid, cat), f"{o.nodeid} passes on the untouched stub: it cannot tell a solution from none")
        for o in runs["pristine"][0]
        if o.outcome == "passed"
    ]
    if stats is not None:
        stats["tests"] = sum(o.outcome != "skipped" for o in runs["solution"][0])
        stats["skipped"] = sum(o.outcome == "skipped" for o in runs["solution"][0])
        stats["seconds"] = {impl: round(run[3], 1) for impl, run in runs.items()}
    counted = {_exercise_of(o.nodeid, cat) for o in runs["solution"][0]}
    for ex in cat.exercises:
        if ex.id not in counted and (cat.root / ex.tests).is_file():
            found.append(Finding("grading", ex.id, f"{ex.tests} ran no test"))
    return found


CHECKS = ("files", "stubs", "docs", "lessons", "quizzes", "grading")


def verify(
    root: Path | None = None,
    *,
    skip: tuple[str, ...] = (),
    progress: Callable[[str], None] = lambda _: None,
    stats: dict | None = None,
) -> list[Finding]:
    """Run every check not in ``skip``; return the findings (empty means green).

    ``stats``, if given, receives the grading run's counts (tests, skipped, seconds per tree).
    """
    cat = load(root)
    found: list[Finding] = []
    if "files" not in skip:
        progress("catalogue and files")
        found += check_files(cat)
    if "stubs" not in skip:
        progress("stubs against references")
        found += check_stubs(cat)
    if "docs" not in skip:
        progress("README roadmap and lesson index")
        found += check_generated_docs(cat)
    if "lessons" not in skip:
        found += check_lessons(cat, progress)
    if "quizzes" not in skip:
        progress("quizzes")
        found += check_quizzes(cat)
    if "grading" not in skip:
        progress("references pass, stubs fail (two pytest runs)")
        found += check_grading(cat, stats=stats)
    return found
