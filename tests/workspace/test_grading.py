"""The grader end to end on the toy course: every way a learner's file can go wrong."""

import pytest

from curriculum.course import load
from curriculum.grading.runner import grade

from toycourse import REFERENCE


def _grade(toy, **kw):
    cat = load(toy.root)
    return grade(cat.exercise("toy-01"), toy.root, **kw)


def test_untouched_stub_is_not_started_and_points_at_the_stub(toy):
    g = _grade(toy)
    assert not g.passed and g.problem == "not_started"
    assert g.n_passed == 0 and g.n_failed == 4
    assert "toy-01: add is not written yet" in g.summary
    assert g.location is not None and g.location.path == "toy/day01_add.py"


def test_correct_solution_passes_in_both_trees(toy):
    assert _grade(toy, impl="solution").passed
    toy.solve()
    g = _grade(toy)
    assert g.passed and g.problem == "" and g.n_passed == 4


def test_pristine_tree_ignores_the_learners_file(toy):
    toy.solve()
    g = _grade(toy, impl="pristine")
    assert not g.passed and g.problem == "not_started"


def test_wrong_answer_shows_the_teaching_message_and_learner_line(toy):
    toy.write(toy.stub, REFERENCE.replace("return a + b", "return a - b"))
    g = _grade(toy)
    assert g.problem == "failed" and g.n_failed == 1 and g.n_passed == 3
    assert "add(" in g.detail and "expected:" in g.detail and "hint: use +" in g.detail


def test_half_done_file_names_the_function_still_to_write(toy):
    toy.write(toy.stub, toy.read(toy.stub).replace('raise NotImplementedError("toy-01: add is not written yet")', "return a + b"))
    g = _grade(toy)
    assert g.problem == "failed" and g.n_passed == 1
    assert "Still to write: toy-01: halve_all is not written yet" in g.summary


def test_syntax_error_is_pointed_out_without_running_tests(toy):
    toy.write(toy.stub, "def add(a, b)\n    return a + b\n")
    g = _grade(toy)
    assert g.problem == "syntax" and g.location.line == 1 and "line 1" in g.summary
    assert g.outcomes == []


def test_error_at_import_time_is_reported_as_such(toy):
    toy.write(toy.stub, REFERENCE + "\nundefined_name + 1\n")
    g = _grade(toy)
    assert g.problem == "import" and "NameError" in g.summary
    assert g.location.path == "toy/day01_add.py"


def test_renamed_function_gets_a_pointed_message(toy):
    toy.write(toy.stub, REFERENCE.replace("def add(", "def plus("))
    g = _grade(toy)
    assert "has no `add`" in g.summary and "learn reset toy-01" in g.summary


def test_infinite_loop_is_stopped_and_located(toy):
    toy.write(toy.stub, REFERENCE.replace("    return a + b\n", "    while True:\n        a += 1\n"))
    g = _grade(toy, test_timeout=1.0)
    assert g.problem == "timeout" and "infinite loop" in g.summary
    assert g.location is not None and g.location.path == "toy/day01_add.py"
    assert g.duration < 30


def test_a_learner_calling_sys_exit_cannot_fake_a_pass(toy):
    toy.write(toy.stub, "import sys\nsys.exit(0)\n")
    g = _grade(toy)
    assert not g.passed


def test_missing_file_suggests_reset(toy):
    (toy.root / toy.stub).unlink()
    g = _grade(toy)
    assert g.problem == "missing" and "learn reset toy-01" in g.summary


def test_an_unwritten_function_is_called_once_per_test_not_shrunk(toy):
    """Hypothesis would shrink a NotImplementedError for seconds; the grader stops at the first call."""
    calls = toy.root / "calls.txt"
    toy.write(
        toy.stub,
        REFERENCE.replace(
            "    return a + b\n",
            f"    with open({str(calls)!r}, 'a') as f:\n        f.write('x')\n    raise NotImplementedError('toy-01: add is not written yet')\n",
        ),
    )
    g = _grade(toy)
    assert g.problem == "failed" and "Still to write: toy-01: add" in g.summary  # halve_all passes
    assert calls.read_text() == "x", "the Hypothesis test should call the unwritten function exactly once"
    assert g.location is not None and g.location.path == "toy/day01_add.py"


def test_the_learners_module_is_seen_through_unchanged(toy):
    import types

    from curriculum.grading.plugin import NotWrittenYet, _StubAware

    module = types.ModuleType("m")
    exec("class K: pass\nX = 3\ndef f(): raise NotImplementedError('m: f')\ndef g(x): return x\n", module.__dict__)
    view = _StubAware(module)
    assert view.K is module.K and view.X == 3 and view.g(5) == 5 and view.g.__name__ == "g"
    with pytest.raises(NotWrittenYet, match="m: f"):
        view.f()
    view.X = 4
    assert module.X == 4


def test_slow_tests_get_a_longer_limit(toy):
    toy.write("tests/toy/test_day01_add.py", toy.read("tests/toy/test_day01_add.py") + '''

@pytest.mark.slow
def test_slow_training(ex):
    import time
    time.sleep(1.5)
    expect_equal(ex.add(1, 1), 2, call="add(1, 1)")
''')
    toy.solve()
    assert _grade(toy, test_timeout=1.0).passed, "a test marked slow must not be cut off at the quick limit"
