"""The pytest plugin that lets one test suite grade any tree.

Loaded for every run through ``addopts`` in ``pyproject.toml``. It adds:

- ``--impl={learner,solution,pristine}`` (or ``LEARN_IMPL``): which tree the
  ``ex`` fixture loads (see ``curriculum.grading.loader``);
- the ``ex`` fixture: the module of the exercise named by the test module's
  ``pytestmark = pytest.mark.exercise("<id>")``;
- ``--learn-report=PATH``: a JSON record of every test's outcome, with the
  failure's message and traceback locations, read by ``learn check``;
- a Hypothesis profile that is derandomized (the same examples every run, so
  a grade is reproducible) and has no deadline (a slow laptop is no failure).

In learner mode (the default) the workspace's own tests under
``tests/workspace`` are not collected unless named on the command line: plain
``pytest`` grades the learner's exercises and nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import signal
import threading
import traceback
from pathlib import Path

import pytest

from curriculum.course import UnknownIdError, load
from curriculum.grading.loader import IMPLS, impl_from_env, load_module
from curriculum.paths import workspace_root

try:
    from hypothesis import HealthCheck, Phase, settings

    settings.register_profile(
        "learn",
        derandomize=True,
        deadline=None,
        max_examples=60,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        print_blob=False,
        database=None,
    )
    # Grading an untouched stub only needs to see each test fail: shrinking a
    # NotImplementedError to a minimal example is wasted time.
    settings.register_profile("learn-pristine", parent=settings.get_profile("learn"), phases=[Phase.explicit, Phase.generate])
    settings.load_profile("learn")
except ImportError:  # pragma: no cover - hypothesis is a declared dependency
    pass


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("learn", "curriculum grading")
    group.addoption(
        "--impl",
        choices=IMPLS,
        default=None,
        help="which tree to grade: learner (default; your stubs), solution (the references), "
        "pristine (stubs as shipped). Also LEARN_IMPL.",
    )
    group.addoption("--learn-report", default=None, help="write a JSON record of the outcomes to this path")
    group.addoption(
        "--learn-timeout",
        type=float,
        default=None,
        help="seconds each test may run before it is stopped as a likely infinite loop (0: no limit)",
    )
    parser.addini("learn_timeout", "default for --learn-timeout", default="120")


def selected_impl(config: pytest.Config) -> str:
    return config.getoption("--impl") or impl_from_env()


def pytest_report_header(config: pytest.Config) -> str:
    return f"grading tree: {selected_impl(config)} (--impl=learner|solution|pristine)"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if selected_impl(config) == "solution":
        return None
    if collection_path.name == "workspace" and collection_path.parent.name == "tests":
        explicit = [Path(str(a).split("::")[0]).resolve() for a in config.args]
        if not any(p == collection_path or collection_path in p.parents for p in explicit):
            return True
    return None


def marked_exercise(request: pytest.FixtureRequest) -> str:
    """The id in the test's ``pytest.mark.exercise`` marker; fails the test clearly when there is none."""
    marker = request.node.get_closest_marker("exercise")
    if marker is None or not marker.args:
        pytest.fail(
            "this test module has no exercise marker: add pytestmark = pytest.mark.exercise('<id>')",
            pytrace=False,
        )
    return marker.args[0]


@pytest.fixture
def ex(request: pytest.FixtureRequest):
    """The module under grading for this test module's exercise, from the selected tree."""
    exercise_id = marked_exercise(request)
    try:
        exercise = load().exercise(exercise_id)
    except UnknownIdError as err:
        pytest.fail(f"exercise marker: {err}", pytrace=False)
    impl = selected_impl(request.config)
    module = load_module(exercise, impl, workspace_root())
    return module if impl == "solution" else _StubAware(module)


class NotWrittenYet(BaseException):
    """A stub's NotImplementedError, re-raised so that nothing retries it.

    Hypothesis shrinks every failing example, which for "not written yet"
    costs seconds per test and teaches nothing; like KeyboardInterrupt, a
    BaseException goes straight through it (and through ``except Exception``).
    """


class _StubAware:
    """The learner's module, with its own functions turning NotImplementedError into NotWrittenYet.

    Everything else (classes, constants, imported names) is the module's own
    object; attribute writes go to the module.
    """

    def __init__(self, module):
        object.__setattr__(self, "_module", module)

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if inspect.isfunction(value) and value.__module__ == self._module.__name__:
            return _fail_fast(value)
        return value

    def __setattr__(self, name, value):
        setattr(self._module, name, value)

    def __dir__(self):
        return dir(self._module)

    def __repr__(self):
        return repr(self._module)


def _fail_fast(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except NotImplementedError as err:
            raise NotWrittenYet(str(err)) from err

    return wrapper


# ---------------------------------------------------------------- per-test timeout


class TestTimeout(BaseException):
    """Raised in a test that ran past its limit.

    A BaseException, so neither the learner's ``except Exception`` nor Hypothesis's
    shrinking loop swallows it and reruns the endless code.
    """


def _timeout_seconds(item: pytest.Item) -> float:
    """The item's limit: --learn-timeout (or the ini default); tests marked slow get at least SLOW_TIMEOUT,
    tests marked distributed at least DISTRIBUTED_TIMEOUT."""
    value = item.config.getoption("--learn-timeout")
    limit = float(item.config.getini("learn_timeout")) if value is None else value
    if limit > 0 and item.get_closest_marker("slow") is not None:
        limit = max(limit, SLOW_TIMEOUT)
    if limit > 0 and item.get_closest_marker("distributed") is not None:
        limit = max(limit, DISTRIBUTED_TIMEOUT)
    return limit


SLOW_TIMEOUT = 120.0  # a slow test trains a model: give a slower laptop room before calling it a hang
# A distributed test starts processes (each imports torch, seconds on a slow laptop) and its launcher has its
# own deadline (``run_ranks``'s timeout plus a start-up margin, 80 s by default), which should fire first:
# it names the rank that hung.
DISTRIBUTED_TIMEOUT = 90.0


@contextlib.contextmanager
def _deadline(seconds: float, what: str):
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield  # no SIGALRM here (Windows, or a worker thread): the runner's overall timeout still applies
        return

    def on_alarm(signum, frame):
        raise TestTimeout(f"Timeout: {what} ran longer than {seconds:g} s and was stopped")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    with _deadline(_timeout_seconds(item), f"setting up {item.name} (importing your module)"):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    with _deadline(_timeout_seconds(item), item.name):
        yield


# ---------------------------------------------------------------- the JSON report


class _Recorder:
    def __init__(self, path: Path, impl: str):
        self.path = path
        self.impl = impl
        self.tests: dict[str, dict] = {}
        self.collect_errors: list[dict] = []

    def record(self, item_id: str, when: str, outcome: str, excinfo, longrepr, duration: float, keywords) -> None:
        entry = self.tests.setdefault(item_id, {"nodeid": item_id, "outcome": "passed", "duration": 0.0})
        entry["duration"] += duration
        if outcome == "skipped" and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            if isinstance(longrepr, tuple) and len(longrepr) == 3:
                entry["skip_reason"] = str(longrepr[2])
        elif outcome == "failed" and entry["outcome"] != "failed":
            entry["outcome"] = "failed"
            entry["when"] = when
            entry.update(describe_exception(excinfo, longrepr))
        entry["slow"] = "slow" in keywords

    def write(self) -> None:
        data = {"impl": self.impl, "tests": list(self.tests.values()), "collect_errors": self.collect_errors}
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)


def describe_exception(excinfo, longrepr) -> dict:
    """The facts ``learn check`` needs about one failure: type, message and frames."""
    if excinfo is None:
        return {"exc_type": "", "message": str(longrepr)[-4000:], "frames": []}
    exc = excinfo.value
    summary = traceback.extract_tb(excinfo.tb)
    if isinstance(exc, NotWrittenYet) and exc.__cause__ is not None:
        summary += traceback.extract_tb(exc.__cause__.__traceback__)  # down into the stub's raise
    frames = [
        {"path": frame.filename, "line": frame.lineno, "function": frame.name, "code": (frame.line or "").strip()}
        for frame in summary
    ]
    if isinstance(exc, SyntaxError):
        frames.append(
            {"path": exc.filename or "", "line": exc.lineno or 0, "function": "<module>", "code": (exc.text or "").strip()}
        )
    message = str(exc)
    exc_type = "NotImplementedError" if isinstance(exc, NotWrittenYet) else type(exc).__name__
    if type(exc).__name__ == "Failed" and hasattr(exc, "msg"):
        message = exc.msg
    return {"exc_type": exc_type, "message": message[:4000], "frames": frames[-30:]}


_RECORDER = pytest.StashKey[_Recorder]()


def pytest_configure(config: pytest.Config) -> None:
    if selected_impl(config) == "pristine":
        with contextlib.suppress(ImportError):
            from hypothesis import settings

            settings.load_profile("learn-pristine")
    path = config.getoption("--learn-report")
    if path:
        config.stash[_RECORDER] = _Recorder(Path(path), selected_impl(config))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    recorder = item.config.stash.get(_RECORDER, None)
    if recorder is None:
        return
    report = outcome.get_result()
    recorder.record(
        item.nodeid, report.when, report.outcome, call.excinfo, report.longrepr, report.duration, item.keywords
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    recorder = collector.config.stash.get(_RECORDER, None)
    report = outcome.get_result()
    if recorder is not None and report.failed:
        recorder.collect_errors.append({"nodeid": report.nodeid, "message": str(report.longrepr)[-4000:]})


def pytest_sessionfinish(session: pytest.Session) -> None:
    recorder = session.config.stash.get(_RECORDER, None)
    if recorder is not None:
        recorder.write()
