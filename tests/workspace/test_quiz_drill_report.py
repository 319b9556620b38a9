"""`learn quiz`, `learn drill` and `learn report` on the toy course, including bad input."""

import queue
from datetime import datetime

import pytest

from curriculum.cli import main
from curriculum.commands import quiz as quiz_command
from curriculum.commands.drill import format_clock, problems, run_drill
from curriculum.course import load
from curriculum.quiz import QuizError, check_quiz, load_quiz, parse_letter, score
from curriculum.report import SESSION_PAD, build_report, session_minutes, to_markdown
from curriculum.store import Attempt
from curriculum.verify import verify
from curriculum.workspace import Workspace

from toycourse import CATALOGUE

QUIZ = '''
title = "玩具小测"

[[question]]
prompt = "1 + 1 等于几？"
choices = ["1", "2", "3"]
answer = 1
explanation = "加法。"

[[question]]
kind = "output"
prompt = "输出什么？"
code = """
x = [[0] * 2] * 2
x[0][0] = 1
print(x)
"""
choices = ["[[1, 0], [0, 0]]", "[[1, 0], [1, 0]]"]
answer = 1
explanation = "两个元素是同一个列表。"
'''


@pytest.fixture
def toy_quiz(toy):
    toy.write("curriculum/lessons/toy/day01_add.quiz.toml", QUIZ)
    toy.write("curriculum/catalogue/toy.toml", CATALOGUE + 'quiz = "curriculum/lessons/toy/day01_add.quiz.toml"\ndrill_minutes = 1\n')
    return toy


# ---------------------------------------------------------------- quiz


def test_quiz_file_loads_and_scores(toy_quiz):
    quiz = load_quiz(toy_quiz.root / "curriculum/lessons/toy/day01_add.quiz.toml")
    assert len(quiz.questions) == 2 and quiz.title == "玩具小测"
    assert score(quiz, [1, 1]).correct == 2
    assert score(quiz, [0, 1]).wrong == (0,)
    with pytest.raises(QuizError, match="1 answers for 2 questions"):
        score(quiz, [1])


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda q: q.replace("answer = 1\nexplanation = \"加法。\"", "answer = 5\nexplanation = \"加法。\""), "0-based index"),
        (lambda q: q.replace('explanation = "加法。"', 'explanation = " "'), "explanation is empty"),
        (lambda q: q.replace('choices = ["1", "2", "3"]', 'choices = ["1", "1"]'), "two choices are the same"),
        (lambda q: q.replace('kind = "output"', 'kind = "essay"'), "kind must be one of"),
        (lambda q: "title = 'x'\n", "no \\[\\[question\\]\\]"),
        (lambda q: q + "[[[", "not valid TOML"),
    ],
)
def test_malformed_quiz_files_are_rejected(tmp_path, edit, message):
    path = tmp_path / "q.quiz.toml"
    path.write_text(edit(QUIZ), encoding="utf-8")
    with pytest.raises(QuizError, match=message):
        load_quiz(path)


def test_output_answers_are_checked_by_running_the_code(tmp_path):
    path = tmp_path / "q.quiz.toml"
    path.write_text(QUIZ, encoding="utf-8")
    assert check_quiz(path) == []
    path.write_text(QUIZ.replace("answer = 1\nexplanation = \"两个", "answer = 0\nexplanation = \"两个"), encoding="utf-8")
    assert "the code prints '[[1, 0], [1, 0]]'" in check_quiz(path)[0]


def test_a_quiz_whose_answers_share_one_letter_is_flagged(tmp_path):
    one = '[[question]]\nprompt = "q"\nchoices = ["x", "y"]\nanswer = 1\nexplanation = "e"\n'
    path = tmp_path / "q.quiz.toml"
    path.write_text(one * 4, encoding="utf-8")
    assert "4 of 4 answers are choice B" in check_quiz(path)[0]
    path.write_text(one * 2 + one.replace("answer = 1", "answer = 0") * 2, encoding="utf-8")
    assert check_quiz(path) == []


def test_verify_reports_a_wrong_output_answer(toy_quiz):
    assert [f for f in verify(toy_quiz.root, skip=("grading", "lessons"))] == []
    toy_quiz.write("curriculum/lessons/toy/day01_add.quiz.toml", QUIZ.replace('x[0][0] = 1', 'x = [[1, 0], [0, 0]]'))
    found = verify(toy_quiz.root, skip=("grading", "lessons"))
    assert [f.check for f in found] == ["quizzes"]


def test_parse_letter_accepts_only_offered_letters():
    assert parse_letter(" b ", 3) == 1
    for bad in ("d", "", "ab", "1"):
        with pytest.raises(QuizError):
            parse_letter(bad, 3)


def test_quiz_with_an_answer_sheet_records_the_score(toy_quiz, capsys):
    assert main(["quiz", "toy-01", "--answers", "B,A"]) == 1
    out = capsys.readouterr().out
    assert "得分 1/2" in out and "两个元素是同一个列表" in out
    assert main(["quiz", "toy-01", "--answers", "B,B"]) == 0
    attempts = Workspace.open(toy_quiz.root).store.attempts("toy-01")
    assert [(a.kind, a.n_passed) for a in attempts] == [("quiz", 2), ("quiz", 1)]
    # a perfect quiz does not unlock the reference: only passing the tests does
    assert main(["solution", "toy-01"]) == 1


def test_interactive_quiz_reasks_on_bad_input_and_can_be_quit(toy_quiz, capsys):
    answers = iter(["z", "b", "B"])
    args = type("Args", (), {"id": "toy-01", "answers": None})()
    ws = Workspace.open(toy_quiz.root)
    assert quiz_command.run(args, ws, read=lambda _: next(answers)) == 0
    assert "answer with one of A, B, C" in capsys.readouterr().out
    quitting = iter(["q"])
    assert quiz_command.run(args, ws, read=lambda _: next(quitting)) == 1
    assert "nothing recorded" in capsys.readouterr().out

    def eof(_):
        raise EOFError

    assert quiz_command.run(args, ws, read=eof) == 1
    assert len(ws.store.attempts("toy-01")) == 1


@pytest.mark.parametrize(
    "argv, code, text",
    [
        (["quiz", "toy-01", "--answers", "B"], 2, "1 answers given for 2 questions"),
        (["quiz", "toy-01", "--answers", "B,Q"], 2, "answer with one of"),
        (["quiz", "nope"], 2, "unknown exercise"),
    ],
)
def test_quiz_bad_input(toy_quiz, capsys, argv, code, text):
    assert main(argv) == code
    assert text in capsys.readouterr().out


def test_quiz_on_an_exercise_without_one(toy, capsys):
    assert main(["quiz", "toy-01"]) == 2
    assert "has no quiz" in capsys.readouterr().out


# ---------------------------------------------------------------- drill


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_drill_finishes_on_q_grades_and_records_time_used(toy_quiz, capsys):
    ws = Workspace.open(toy_quiz.root)
    ex = load(toy_quiz.root).exercise("toy-01")
    clock = FakeClock()
    toy_quiz.solve()

    class Typing(queue.Queue):
        def get(self, block=True, timeout=None):
            clock.now += 21  # the learner types after 21 s, then again 21 s later
            return super().get(block=False)

    lines = Typing()
    lines.put("\n")  # grade on demand
    lines.put("q\n")
    final = run_drill(ws, ex, minutes=1, lines=lines, clock=clock, refresh=0.01)
    assert final.passed
    out = capsys.readouterr().out
    assert "4 passed, 0 failed" in out and "Score: 4/4 tests in 00:42" in out
    attempt = ws.store.attempts("toy-01")[0]
    assert attempt.kind == "drill" and attempt.duration_s == pytest.approx(42) and ws.store.status("toy-01") == "passed"


def test_drill_ends_when_time_is_up(toy_quiz, capsys):
    ws = Workspace.open(toy_quiz.root)
    ex = load(toy_quiz.root).exercise("toy-01")
    clock = FakeClock()

    class Ticking(queue.Queue):
        def get(self, timeout=None):
            clock.now += 30  # every poll, half a minute passes
            raise queue.Empty

    final = run_drill(ws, ex, minutes=1, lines=Ticking(), clock=clock, refresh=0.01)
    assert not final.passed and ws.store.attempts("toy-01")[0].duration_s == pytest.approx(60)
    assert ws.store.status("toy-01") == "not_started"  # nothing was written


def test_drill_helpers_and_bad_ids(toy_quiz, capsys):
    assert format_clock(65) == "01:05" and format_clock(3725) == "1:02:05" and format_clock(-3) == "00:00"
    ws = Workspace.open(toy_quiz.root)
    assert problems(ws, ws.catalogue.exercise("toy-01")) == ["add", "halve_all"]
    assert main(["drill"]) == 0 and "toy-01" in capsys.readouterr().out
    assert main(["drill", "toy-01", "--minutes", "0"]) == 2


def test_drill_refuses_an_exercise_that_is_not_a_drill(toy, capsys):
    assert main(["drill", "toy-01"]) == 2
    assert "not a timed drill" in capsys.readouterr().out


# ---------------------------------------------------------------- report


def _attempt(ex, t, passed=False, n_passed=1, n_failed=1, failure="tests/x.py::test_a", kind="check"):
    return Attempt(ex, t, 1.0, passed, n_passed, n_failed, failure, kind)


def test_sessions_group_attempts_less_than_half_an_hour_apart():
    t0 = datetime(2026, 3, 2, 9, 0).timestamp()  # a Monday
    minutes = session_minutes([t0, t0 + 600, t0 + 1200, t0 + 5 * 3600])
    assert minutes == {"2026-W10": pytest.approx((1200 + SESSION_PAD) / 60 + SESSION_PAD / 60)}
    assert session_minutes([]) == {}


def test_report_ranks_attempts_and_failing_tests():
    t0 = datetime(2026, 3, 2, 9, 0).timestamp()
    attempts = [
        _attempt("a", t0), _attempt("a", t0 + 60), _attempt("a", t0 + 120, passed=True, failure=""),
        _attempt("b", t0 + 180, failure="tests/x.py::test_b"),
        _attempt("c", t0 + 240, n_passed=0, failure="not_started"),
        _attempt("a", t0 + 7 * 86400, kind="quiz", n_passed=7, n_failed=1),
        _attempt("d", t0 + 300, kind="drill", n_passed=3, n_failed=1, failure="tests/x.py::test_d"),
    ]  # fmt: skip
    report = build_report(attempts)
    assert report.hardest[0] == ("a", 3, True) and ("c", 1, False) not in report.hardest
    assert report.failing_tests[0] == ("tests/x.py::test_a", 2)
    assert [w[0] for w in report.weeks] == ["2026-W10", "2026-W11"]
    assert report.quizzes == [("a", 7, 7, 8)]
    md = to_markdown(report)
    assert "| `a` | 3 | yes |" in md and "`tests/x.py::test_a` | 2" in md and "| `d` |" in md


def test_report_on_an_empty_store_says_where_to_start(toy, capsys, tmp_path):
    out_file = tmp_path / "r.md"
    assert main(["report", "--out", str(out_file)]) == 0
    assert "还没有任何记录" in out_file.read_text(encoding="utf-8")
