"""Grade one exercise: run its tests in a fresh interpreter and explain the result.

The tests run in a subprocess so that a learner's infinite loop, crash or
``sys.exit`` cannot take the CLI down: each test has a timeout
(``--learn-timeout``, see the plugin), the whole run has another, and the JSON report written by
``curriculum.grading.plugin`` is turned into a :class:`Grade` that says, in one
sentence, what went wrong and where in the learner's file.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from curriculum.course import Exercise

DEFAULT_TEST_TIMEOUT = 10.0  # seconds per test before we call it an infinite loop


@dataclass(frozen=True)
class Location:
    path: str  # relative to the workspace root where possible
    line: int
    code: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class TestOutcome:
    nodeid: str
    outcome: str  # passed | failed | skipped
    exc_type: str = ""
    message: str = ""
    when: str = "call"
    frames: list[dict] = field(default_factory=list)
    skip_reason: str = ""

    @property
    def name(self) -> str:
        """``tests/x/test_a.py::test_b[1-2]`` -> ``test_b[1-2]``."""
        return self.nodeid.split("::", 1)[-1]


@dataclass
class Grade:
    exercise: Exercise
    impl: str
    passed: bool
    duration: float
    outcomes: list[TestOutcome] = field(default_factory=list)
    problem: str = ""  # '', failed, not_started, syntax, import, timeout, missing, crash, no_tests
    summary: str = ""  # one sentence for the learner
    detail: str = ""  # the teaching message of the first failure
    location: Location | None = None

    @property
    def n_passed(self) -> int:
        return sum(o.outcome == "passed" for o in self.outcomes)

    @property
    def n_failed(self) -> int:
        return sum(o.outcome == "failed" for o in self.outcomes)

    @property
    def n_skipped(self) -> int:
        return sum(o.outcome == "skipped" for o in self.outcomes)

    @property
    def first_failure(self) -> TestOutcome | None:
        return next((o for o in self.outcomes if o.outcome == "failed"), None)


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return path


def graded_file(exercise: Exercise, impl: str) -> str:
    """The file whose code is being graded (relative path)."""
    return exercise.solution if impl == "solution" else exercise.exercise


def check_syntax(path: Path, root: Path) -> "_Partial | None":
    """A pointed message for a file that does not even compile, else None."""
    try:
        compile(path.read_bytes(), str(path), "exec")
    except SyntaxError as err:
        raw = (err.text or "").rstrip("\n")
        code = raw.lstrip()
        detail = code
        if code and err.offset:
            detail += "\n" + " " * max(err.offset - 1 - (len(raw) - len(code)), 0) + "^"
        return _Partial(
            problem="syntax",
            summary=f"Python cannot read your file: {err.msg} (line {err.lineno}).",
            detail=detail,
            location=Location(_relative(str(path), root), err.lineno or 0, code),
        )
    return None


@dataclass
class _Partial:
    problem: str
    summary: str
    detail: str = ""
    location: Location | None = None


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the test run and anything it started (it leads its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_suite(
    test_paths: list[str],
    root: Path,
    *,
    impl: str,
    test_timeout: float = DEFAULT_TEST_TIMEOUT,
    total_timeout: float = 600.0,
    skip_slow: bool = False,
    extra_args: tuple[str, ...] = (),
) -> tuple[list[TestOutcome], str, int | None, float]:
    """Run pytest on ``test_paths`` in a subprocess; return (outcomes, output tail, exit code or None on timeout, seconds)."""
    with tempfile.TemporaryDirectory(prefix="learn-") as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            sys.executable, "-m", "pytest", *test_paths,
            f"--impl={impl}", f"--learn-report={report}", f"--learn-timeout={test_timeout:g}",
            "-q", "--no-header", "-p", "no:cacheprovider", "--tb=no", "-rN", *extra_args,
        ]  # fmt: skip
        if skip_slow:
            cmd += ["-m", "not slow"]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", "LEARN_ROOT": str(root)}
        env.pop("LEARN_IMPL", None)
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        try:
            output, _ = proc.communicate(timeout=total_timeout)
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            output, _ = proc.communicate()
            code = None
        except BaseException:  # Ctrl-C, or the caller's own timeout: never leave the tests running
            _kill_group(proc)
            proc.wait()
            raise
        elapsed = time.perf_counter() - start
        outcomes: list[TestOutcome] = []
        if report.is_file():
            data = json.loads(report.read_text(encoding="utf-8"))
            for t in data["tests"]:
                outcomes.append(
                    TestOutcome(
                        nodeid=t["nodeid"],
                        outcome=t["outcome"],
                        exc_type=t.get("exc_type", ""),
                        message=t.get("message", ""),
                        when=t.get("when", "call"),
                        frames=t.get("frames", []),
                        skip_reason=t.get("skip_reason", ""),
                    )
                )
            for err in data.get("collect_errors", []):
                outcomes.append(
                    TestOutcome(nodeid=err["nodeid"], outcome="failed", exc_type="CollectionError", message=err["message"], when="collect")
                )
        return outcomes, "\n".join((output or "").splitlines()[-40:]), code, elapsed


def grade(
    exercise: Exercise,
    root: Path,
    *,
    impl: str = "learner",
    test_timeout: float = DEFAULT_TEST_TIMEOUT,
    total_timeout: float = 600.0,
    skip_slow: bool = False,
) -> Grade:
    """Grade ``exercise`` in tree ``impl`` and explain the first problem, if any."""
    target_rel = graded_file(exercise, impl)
    target = root / target_rel
    if impl != "pristine":
        if not target.is_file():
            return Grade(
                exercise, impl, False, 0.0, problem="missing",
                summary=f"{target_rel} does not exist. `learn reset {exercise.id}` brings back the stub.",
            )  # fmt: skip
        bad = check_syntax(target, root)
        if bad is not None:
            return Grade(exercise, impl, False, 0.0, problem=bad.problem, summary=bad.summary, detail=bad.detail, location=bad.location)

    outcomes, tail, code, elapsed = run_suite(
        [exercise.tests], root, impl=impl, test_timeout=test_timeout, total_timeout=total_timeout, skip_slow=skip_slow
    )
    result = Grade(exercise, impl, False, elapsed, outcomes)
    if code is None:
        result.problem = "timeout"
        result.summary = f"The tests did not finish within {total_timeout:.0f} s; the run was stopped."
        return result
    if not outcomes:
        result.problem = "crash" if code not in (0, 5) else "no_tests"
        result.summary = (
            "The test run ended before any test ran." if result.problem == "crash" else f"No tests were selected in {exercise.tests}."
        )
        result.detail = tail
        return result
    first = result.first_failure
    if first is None:
        result.passed = result.n_passed > 0
        if not result.passed:
            result.problem = "no_tests"
            result.summary = "Every test was skipped; nothing was graded."
        return result
    explain_failure(result, first, root, target)
    return result


def _learner_frame(frames: list[dict], target: Path, root: Path) -> Location | None:
    target = target.resolve()
    for frame in reversed(frames):
        try:
            if Path(frame["path"]).resolve() == target:
                return Location(_relative(frame["path"], root), frame["line"], frame.get("code", ""))
        except (OSError, ValueError):
            continue
    return None


def explain_failure(result: Grade, first: TestOutcome, root: Path, target: Path) -> None:
    """Fill ``problem``, ``summary``, ``detail`` and ``location`` from the first failing test."""
    failed = [o for o in result.outcomes if o.outcome == "failed"]
    location = _learner_frame(first.frames, target, root)
    result.location = location
    total = result.n_passed + result.n_failed
    where = f" ({location})" if location else ""
    if result.n_passed == 0 and all(o.exc_type == "NotImplementedError" for o in failed):
        result.problem = "not_started"
        result.summary = f"Not started yet: {first.message or 'a function still raises NotImplementedError'}{where}."
        return
    if first.exc_type == "TestTimeout":
        result.problem = "timeout"
        result.summary = (
            f"{first.name} ran longer than its time limit and was stopped: an infinite loop, "
            f"or an algorithm far slower than needed?{where}"
        )
        result.detail = "stopped at: " + location.code if location else ""
        return
    if first.when == "setup" and location is not None:
        result.problem = "import"
        result.summary = f"Your file raised {first.exc_type} while being imported{where}."
        result.detail = first.message
        return
    missing = re.match(r"module '([\w.]+)' has no attribute '(\w+)'", first.message)
    if first.exc_type == "AttributeError" and missing:
        result.problem = "failed"
        result.summary = (
            f"Your file has no `{missing.group(2)}`, which the tests call: was it renamed or deleted? "
            f"Keep the stub's names and signatures (`learn reset {result.exercise.id}` restores the stub, backing yours up)."
        )
        return
    if first.exc_type == "NotImplementedError":
        result.problem = "failed"
        result.summary = f"{len(failed)} of {total} tests failed. Still to write: {first.message}{where}."
        return
    result.problem = "failed"
    result.summary = f"{len(failed)} of {total} tests failed; the first is {first.name}."
    if first.exc_type in ("AssertionError", "Failed"):
        result.detail = first.message
    else:
        result.detail = f"{first.exc_type}: {first.message}".rstrip(": ")
        if location:
            result.detail += f"\n  raised in your code at {location}: {location.code}"
