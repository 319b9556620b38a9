"""The mistake report: what the progress store says about how the learning went.

Built from attempts alone (no tests are run):

- the exercises that took the most attempts before passing (or still fail);
- the tests that failed first most often (where the misunderstandings are);
- time per ISO week, estimated from sessions: attempts less than
  ``SESSION_GAP`` apart belong to one session, and a session lasts from its
  first to its last attempt plus ``SESSION_PAD`` (reading before the first check);
- drill scores and quiz scores.

``build_report(attempts, catalogue)`` returns a :class:`Report`;
``to_markdown(report)`` renders the file the learner keeps.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from curriculum.course import Catalogue
from curriculum.store import Attempt

SESSION_GAP = 30 * 60  # seconds between attempts that still count as one sitting
SESSION_PAD = 10 * 60  # reading and thinking before the first check of a sitting


@dataclass
class Report:
    n_attempts: int = 0
    passed: list[str] = field(default_factory=list)
    hardest: list[tuple[str, int, bool]] = field(default_factory=list)  # (id, attempts, passed?)
    failing_tests: list[tuple[str, int]] = field(default_factory=list)  # (test node id, times it failed first)
    weeks: list[tuple[str, float, int, int]] = field(default_factory=list)  # (ISO week, minutes, attempts, passes)
    drills: list[tuple[str, str, int, int, float]] = field(default_factory=list)  # (id, date, passed, total, minutes)
    quizzes: list[tuple[str, int, int, int]] = field(default_factory=list)  # (id, latest correct, best, total)
    titles: dict[str, str] = field(default_factory=dict)


def _week(ts: float) -> str:
    year, week, _ = datetime.fromtimestamp(ts).isocalendar()
    return f"{year}-W{week:02d}"


def session_minutes(stamps: list[float]) -> dict[str, float]:
    """Estimated minutes per ISO week from attempt times.

    ``session_minutes([0, 600])`` -> one session of 10 + 10 minutes in the week of t=0.
    """
    minutes: dict[str, float] = defaultdict(float)
    stamps = sorted(stamps)
    i = 0
    while i < len(stamps):
        j = i
        while j + 1 < len(stamps) and stamps[j + 1] - stamps[j] <= SESSION_GAP:
            j += 1
        minutes[_week(stamps[i])] += (stamps[j] - stamps[i] + SESSION_PAD) / 60
        i = j + 1
    return dict(minutes)


def build_report(attempts: list[Attempt], catalogue: Catalogue | None = None, *, top: int = 5) -> Report:
    report = Report(n_attempts=len(attempts))
    if catalogue is not None:
        report.titles = {ex.id: ex.title for ex in catalogue.exercises}
    graded = [a for a in attempts if a.kind in ("check", "watch", "drill")]
    worked = [a for a in graded if a.n_passed or a.passed or a.first_failure not in ("", "not_started")]

    ever_passed = {a.exercise_id for a in graded if a.passed}
    report.passed = sorted(ever_passed)
    tries = Counter(a.exercise_id for a in worked)
    report.hardest = [(ex, n, ex in ever_passed) for ex, n in tries.most_common(top)]
    first_fail = Counter(a.first_failure for a in worked if not a.passed and "::" in a.first_failure)
    report.failing_tests = first_fail.most_common(top)

    minutes = session_minutes([a.started_at for a in attempts])
    per_week_attempts = Counter(_week(a.started_at) for a in attempts)
    per_week_passes = Counter(_week(a.started_at) for a in graded if a.passed)
    report.weeks = [(w, minutes.get(w, 0.0), per_week_attempts[w], per_week_passes[w]) for w in sorted(per_week_attempts)]

    for a in sorted((a for a in attempts if a.kind == "drill"), key=lambda a: a.started_at):
        report.drills.append((a.exercise_id, a.when.strftime("%Y-%m-%d"), a.n_passed, a.n_passed + a.n_failed, a.duration_s / 60))
    quiz_runs: dict[str, list[Attempt]] = defaultdict(list)
    for a in sorted((a for a in attempts if a.kind == "quiz"), key=lambda a: a.started_at):
        quiz_runs[a.exercise_id].append(a)
    for ex, runs in quiz_runs.items():
        report.quizzes.append((ex, runs[-1].n_passed, max(r.n_passed for r in runs), runs[-1].n_passed + runs[-1].n_failed))
    return report


def to_markdown(report: Report, *, generated: datetime | None = None) -> str:
    when = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    lines = ["# 学习复盘报告 (mistake report)", "", f"Generated {when} from `.learn/progress.sqlite3`.", ""]
    if report.n_attempts == 0:
        lines += ["还没有任何记录。先从 `learn read gym-01` 开始，写完后 `learn check gym-01`。", ""]
        return "\n".join(lines)
    lines += [f"- Attempts recorded: {report.n_attempts}", f"- Exercises passed: {len(report.passed)}", ""]

    def title(ex: str) -> str:
        return f"`{ex}` {report.titles.get(ex, '')}".rstrip()

    lines += ["## 尝试次数最多的练习 (most attempts)", ""]
    if report.hardest:
        lines += ["| exercise | attempts | passed |", "|---|---:|---|"]
        lines += [f"| {title(ex)} | {n} | {'yes' if ok else 'not yet'} |" for ex, n, ok in report.hardest]
    else:
        lines.append("_No graded work yet._")
    lines += ["", "## 最常失败的测试 (tests that failed first most often)", ""]
    if report.failing_tests:
        lines += ["| test | times |", "|---|---:|"]
        lines += [f"| `{t}` | {n} |" for t, n in report.failing_tests]
    else:
        lines.append("_None: no test failed after you started an exercise._")
    lines += ["", "## 每周投入 (time per week, estimated from sessions)", ""]
    lines += ["| week | minutes | attempts | passes |", "|---|---:|---:|---:|"]
    lines += [f"| {w} | {m:.0f} | {n} | {p} |" for w, m, n, p in report.weeks]
    if report.drills:
        lines += ["", "## 限时训练 (drills)", "", "| drill | date | score | minutes |", "|---|---|---:|---:|"]
        lines += [f"| `{ex}` | {d} | {p}/{t} | {m:.0f} |" for ex, d, p, t, m in report.drills]
    if report.quizzes:
        lines += ["", "## 面试题小测 (quizzes)", "", "| quiz | latest | best |", "|---|---:|---:|"]
        lines += [f"| `{ex}` | {last}/{total} | {best}/{total} |" for ex, last, best, total in report.quizzes]
    lines += [
        "",
        "## 下一阶段计划 (plan)",
        "",
        "- 把上面失败最多的测试对应的知识点重读一遍课文（`learn read ID`），再不看答案重写一遍。",
        "- 限时训练里没做完的题，隔两天再限时做一次。",
        "- 小测答错的题，把解释抄进自己的笔记。",
        "",
    ]
    return "\n".join(lines)
