"""``learn quiz ID``: an exercise's interview quiz, one question at a time, with explanations.

    learn quiz core-02                 interactive: answer A/B/C/...; q quits
    learn quiz core-02 --answers B,A,C,...   non-interactive: grade a whole answer sheet
    learn quiz                         list the exercises that have a quiz

The score is recorded in the progress store (kind ``quiz``); `learn report` shows it.
"""

from __future__ import annotations

from typing import Callable

from rich.syntax import Syntax

from curriculum.console import console
from curriculum.quiz import LETTERS, Question, Quiz, QuizError, load_quiz, parse_letter, score
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("quiz", help="an exercise's interview quiz")
    p.add_argument("id", nargs="?", help="exercise id (no id: list the quizzes)")
    p.add_argument("--answers", help="non-interactive: comma-separated letters, one per question, e.g. B,A,C")


def show_question(i: int, total: int, q: Question) -> None:
    console.print(f"\n[bold]{i}/{total}[/] {q.prompt}")
    if q.code:
        console.print(Syntax(q.code.strip("\n"), "python", theme="monokai", line_numbers=False))
    for letter, choice in zip(LETTERS, q.choices):
        console.print(f"  [bold]{letter}[/]. {choice}")


def show_verdict(q: Question, answer: int) -> None:
    right = LETTERS[q.answer]
    if answer == q.answer:
        console.print(f"  [ok]✔ 正确[/] ({right})")
    else:
        console.print(f"  [fail]✘ 错误[/]：你选了 {LETTERS[answer]}，正确答案是 {right}")
    console.print(f"  [muted]{q.explanation.strip()}[/]")


def ask(quiz: Quiz, read: Callable[[str], str] = input) -> list[int] | None:
    """Ask every question through ``read``; None if the learner quits (q, or end of input)."""
    answers: list[int] = []
    total = len(quiz.questions)
    for i, q in enumerate(quiz.questions, start=1):
        show_question(i, total, q)
        while True:
            try:
                raw = read(f"答案 ({LETTERS[0]}-{LETTERS[len(q.choices) - 1]}，q 退出): ")
            except EOFError:
                return None
            if raw.strip().lower() == "q":
                return None
            try:
                answer = parse_letter(raw, len(q.choices))
                break
            except QuizError as err:
                console.print(f"  [warn]{err}[/]")
        show_verdict(q, answer)
        answers.append(answer)
    return answers


def run(args, ws: Workspace, read: Callable[[str], str] = input) -> int:
    if not args.id:
        with_quiz = [ex for ex in ws.catalogue.exercises if ex.quiz]
        if not with_quiz:
            console.print("No quizzes yet.")
            return 0
        for ex in with_quiz:
            console.print(f"  [id]{ex.id}[/]  {ex.title_zh or ex.title}")
        console.print("[muted]Start one with `learn quiz ID`.[/]")
        return 0
    ex = ws.catalogue.exercise(args.id)
    if not ex.quiz:
        have = ", ".join(e.id for e in ws.catalogue.exercises if e.quiz) or "none yet"
        console.print(f"[fail]error:[/] {ex.id} has no quiz. Exercises with a quiz: {have}")
        return 2
    try:
        quiz = load_quiz(ws.root / ex.quiz)
    except QuizError as err:
        console.print(f"[fail]error:[/] {err}")
        return 2
    console.print(f"[bold]{quiz.title}[/] · {len(quiz.questions)} 题 · [id]{ex.id}[/]")
    if args.answers is not None:
        letters = [a for a in args.answers.split(",") if a.strip()]
        if len(letters) != len(quiz.questions):
            console.print(f"[fail]error:[/] {len(letters)} answers given for {len(quiz.questions)} questions")
            return 2
        try:
            answers = [parse_letter(a, len(q.choices)) for a, q in zip(letters, quiz.questions)]
        except QuizError as err:
            console.print(f"[fail]error:[/] {err}")
            return 2
        for i, (q, a) in enumerate(zip(quiz.questions, answers), start=1):
            show_question(i, len(quiz.questions), q)
            show_verdict(q, a)
    else:
        answers = ask(quiz, read)
        if answers is None:
            console.print("\n[muted]quiz stopped; nothing recorded[/]")
            return 1
    result = score(quiz, answers)
    ws.store.record_attempt(
        ex.id, passed=result.wrong == (), duration=0.0, n_passed=result.correct, n_failed=result.total - result.correct,
        first_failure=",".join(str(i + 1) for i in result.wrong), kind="quiz",
    )  # fmt: skip
    style = "ok" if not result.wrong else "warn"
    console.print(f"\n[{style}]得分 {result.correct}/{result.total}[/]" + (f"（答错：第 {', '.join(str(i + 1) for i in result.wrong)} 题）" if result.wrong else "，全对！"))
    return 0 if not result.wrong else 1
