"""Interview quizzes: questions stored as TOML next to the lesson.

A quiz file holds ``[[question]]`` tables (see ``curriculum/AUTHORING.md``):

- ``kind = "choice"``: a multiple-choice question, optionally showing ``code``;
- ``kind = "output"``: "what does this code print?"; the choices are candidate
  outputs, and ``learn dev verify`` runs the code to prove the marked answer is
  what Python really prints (the quiz's independent oracle).

    quiz = load_quiz(Path("curriculum/lessons/python_gym/week1.quiz.toml"))
    score(quiz, [0, 2, 1, ...])  # -> QuizScore(correct=..., total=..., wrong=(...))
"""

from __future__ import annotations

import contextlib
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path

KINDS = ("choice", "output")
LETTERS = "ABCDEFGH"


class QuizError(ValueError):
    """A quiz file that cannot be used (bad TOML, a missing key, an answer out of range)."""


@dataclass(frozen=True)
class Question:
    kind: str
    prompt: str
    choices: tuple[str, ...]
    answer: int  # 0-based index into choices
    explanation: str
    code: str = ""


@dataclass(frozen=True)
class Quiz:
    path: Path
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class QuizScore:
    correct: int
    total: int
    wrong: tuple[int, ...]  # 0-based indices of the questions answered wrongly


def load_quiz(path: Path) -> Quiz:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuizError(f"quiz file {path} does not exist") from None
    except tomllib.TOMLDecodeError as err:
        raise QuizError(f"{path.name}: not valid TOML ({err})") from None
    questions = []
    for i, q in enumerate(data.get("question", []), start=1):
        where = f"{path.name} question {i}"
        for key in ("prompt", "choices", "answer", "explanation"):
            if key not in q:
                raise QuizError(f"{where}: missing key {key!r}")
        kind = q.get("kind", "choice")
        if kind not in KINDS:
            raise QuizError(f"{where}: kind must be one of {KINDS}, got {kind!r}")
        choices = tuple(str(c) for c in q["choices"])
        if not 2 <= len(choices) <= len(LETTERS):
            raise QuizError(f"{where}: needs 2 to {len(LETTERS)} choices")
        if len(set(choices)) != len(choices):
            raise QuizError(f"{where}: two choices are the same")
        answer = q["answer"]
        if not isinstance(answer, int) or not 0 <= answer < len(choices):
            raise QuizError(f"{where}: answer must be a 0-based index below {len(choices)}")
        if kind == "output" and not q.get("code"):
            raise QuizError(f"{where}: an output question needs code")
        if not str(q["explanation"]).strip():
            raise QuizError(f"{where}: the explanation is empty")
        questions.append(Question(kind, q["prompt"], choices, answer, q["explanation"], q.get("code", "")))
    if not questions:
        raise QuizError(f"{path.name}: no [[question]] entries")
    return Quiz(path, data.get("title", path.stem), tuple(questions))


def score(quiz: Quiz, answers: list[int]) -> QuizScore:
    """Score 0-based answers; ``len(answers)`` must equal the number of questions."""
    if len(answers) != len(quiz.questions):
        raise QuizError(f"{len(answers)} answers for {len(quiz.questions)} questions")
    wrong = tuple(i for i, (q, a) in enumerate(zip(quiz.questions, answers)) if q.answer != a)
    return QuizScore(len(answers) - len(wrong), len(answers), wrong)


def parse_letter(text: str, n_choices: int) -> int:
    """``"b"`` -> 1; raises QuizError for anything that is not one of the first ``n_choices`` letters."""
    letter = text.strip().upper()
    if len(letter) != 1 or letter not in LETTERS[:n_choices]:
        raise QuizError(f"answer with one of {', '.join(LETTERS[:n_choices])}")
    return LETTERS.index(letter)


def run_output_question(question: Question) -> str:
    """What the question's code really prints (stdout), run in a fresh namespace."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(question.code, "<quiz>", "exec", dont_inherit=True), {"__name__": "__quiz__"})
    return buffer.getvalue()


def check_quiz(path: Path) -> list[str]:
    """Problems with a quiz file: loading errors, and output answers that Python contradicts."""
    try:
        quiz = load_quiz(path)
    except QuizError as err:
        return [str(err)]
    problems = []
    positions = [q.answer for q in quiz.questions]
    common = max(set(positions), key=positions.count)
    if len(positions) >= 4 and positions.count(common) > len(positions) / 2:
        problems.append(
            f"{positions.count(common)} of {len(positions)} answers are choice {LETTERS[common]}: "
            "spread the right answers over the positions so the quiz cannot be guessed"
        )
    for i, q in enumerate(quiz.questions, start=1):
        if q.kind != "output":
            continue
        try:
            actual = run_output_question(q)
        except Exception as err:  # noqa: BLE001 - any error in quiz code is a problem to report
            problems.append(f"question {i}: its code raises {type(err).__name__}: {err}")
            continue
        if actual.strip() != q.choices[q.answer].strip():
            problems.append(f"question {i}: the marked answer {q.choices[q.answer]!r} but the code prints {actual.strip()!r}")
    return problems
