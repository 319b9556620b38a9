"""The `learn` commands on the toy course: output, exit codes, state they keep."""

import json
import subprocess
import sys
import threading
import time

import pytest

from curriculum.cli import main
from curriculum.commands.watch import watch
from curriculum.workspace import Workspace

from toycourse import REFERENCE


def run_cli(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_list_json_has_the_documented_keys_and_relative_paths(toy, capsys):
    code, out = run_cli(capsys, "list", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == ["toy-01"]
    row = rows[0]
    assert {"id", "track", "title", "status", "lesson", "exercise", "solution", "tests"} <= row.keys()
    assert row["status"] == "not_started" and row["exercise"] == "toy/day01_add.py"


def test_list_of_an_unknown_track_exits_2(toy, capsys):
    code, out = run_cli(capsys, "list", "toyy")
    assert code == 2 and "did you mean 'toy'" in out


@pytest.mark.parametrize("argv", [["check", "toy-1"], ["read", "toy1"], ["hint", "toy"], ["reset", "tyo-01"], ["solution", "toy-0"]])
def test_unknown_ids_get_close_matches_and_exit_2(toy, capsys, argv):
    code, out = run_cli(capsys, *argv)
    assert code == 2 and "unknown exercise" in out and "toy-01" in out


def test_check_fails_then_passes_and_updates_status(toy, capsys):
    code, out = run_cli(capsys, "check", "toy-01")
    assert code == 1 and "Not started yet" in out and "learn hint toy-01" in out
    assert json.loads(run_cli(capsys, "list", "--json")[1])[0]["status"] == "not_started"
    toy.write(toy.stub, REFERENCE.replace("return a + b", "return a * b"))
    assert run_cli(capsys, "check", "toy-01")[0] == 1
    assert json.loads(run_cli(capsys, "list", "--json")[1])[0]["status"] == "failing"
    toy.solve()
    code, out = run_cli(capsys, "check")  # default: the next exercise
    assert code == 0 and "toy-01 passed" in out and "learn solution toy-01" in out
    assert json.loads(run_cli(capsys, "list", "--json")[1])[0]["status"] == "passed"


def test_check_shows_the_teaching_message_and_the_learners_line(toy, capsys):
    toy.write(toy.stub, REFERENCE.replace("return [x // 2 for x in xs]", "return [x / 2 for x in xs]"))
    code, out = run_cli(capsys, "check", "toy-01")
    assert code == 1 and "expected:" in out and "halve_all" in out


def test_check_reports_a_syntax_error_briefly(toy, capsys):
    toy.write(toy.stub, "def add(a, b):\n    return (a + b\n")
    code, out = run_cli(capsys, "check", "toy-01")
    assert code == 1 and "Python cannot read your file" in out and "Traceback" not in out


def test_hints_advance_one_level_per_call(toy, capsys):
    _, first = run_cli(capsys, "hint", "toy-01")
    assert "第一条提示" in first and "第二条提示" not in first
    _, second = run_cli(capsys, "hint", "toy-01")
    assert "第二条提示" in second
    _, third = run_cli(capsys, "hint", "toy-01")
    assert "last hint" in third


def test_solution_is_shown_only_after_a_pass_or_with_force(toy, capsys):
    code, out = run_cli(capsys, "solution", "toy-01")
    assert code == 1 and "has not passed yet" in out and "return a + b" not in out
    code, out = run_cli(capsys, "solution", "toy-01", "--force")
    assert code == 0 and "return a + b" in out
    toy.solve()
    run_cli(capsys, "check", "toy-01")
    code, out = run_cli(capsys, "solution", "toy-01")
    assert code == 0 and "return a + b" in out


def test_reset_restores_the_stub_and_keeps_a_backup(toy, capsys):
    pristine = toy.read(toy.stub)
    toy.write(toy.stub, "# my work in progress\n" + REFERENCE)
    code, out = run_cli(capsys, "reset", "toy-01")
    assert code == 0 and "Your version is kept in" in out
    assert toy.read(toy.stub) == pristine
    backups = list((toy.root / ".learn" / "backups" / "toy-01").iterdir())
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8").startswith("# my work in progress")
    code, out = run_cli(capsys, "reset", "toy-01")
    assert "nothing to do" in out and len(list(backups[0].parent.iterdir())) == 1


def test_reset_works_even_after_the_learner_committed_their_work(toy, capsys):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(toy.root)]
    subprocess.run(["git", "init", "-q", str(toy.root)], check=True)
    toy.solve()
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "my solution"], check=True)
    run_cli(capsys, "reset", "toy-01")
    assert "NotImplementedError" in toy.read(toy.stub)


def test_check_all_grades_everything_and_rebuilds_status(toy, capsys):
    toy.solve()
    code, out = run_cli(capsys, "check", "--all")
    assert code == 0 and "toy-01" in out and "passed" in out
    assert json.loads(run_cli(capsys, "list", "--json")[1])[0]["status"] == "passed"


def test_dashboard_shows_progress_next_exercise_and_streak(toy, capsys):
    code, out = run_cli(capsys)
    assert code == 0 and "Next: toy-01" in out and "Streak: 0 days" in out
    toy.solve()
    run_cli(capsys, "check", "toy-01")
    code, out = run_cli(capsys)
    assert "1/1" in out and "Every exercise has passed" in out and "Streak: 1 day" in out and "toy-01" in out


def test_read_renders_the_lesson(toy, capsys):
    code, out = run_cli(capsys, "read", "toy-01")
    assert code == 0 and "核心概念" in out and "learn check toy-01" in out


def test_doctor_reports_python_and_torch(toy, capsys):
    code, out = run_cli(capsys, "doctor")
    assert code == 0 and "python" in out and "torch" in out and "triton" in out


def test_bench_lists_and_rejects_unknown_names(capsys, monkeypatch):
    monkeypatch.delenv("LEARN_ROOT", raising=False)
    code, out = run_cli(capsys, "bench")
    assert code == 0 and "list-vs-deque" in out
    code, out = run_cli(capsys, "bench", "list-vs-dequ")
    assert code == 2 and "did you mean 'list-vs-deque'" in out


def test_watch_regrades_after_a_save(toy, capsys):
    ws = Workspace.open(toy.root)

    def save_a_solution_after_the_first_grade():
        deadline = time.monotonic() + 60
        while not ws.store.attempts("toy-01") and time.monotonic() < deadline:
            time.sleep(0.05)
        toy.solve()

    saver = threading.Thread(target=save_a_solution_after_the_first_grade)
    saver.start()
    code = watch(ws, "toy-01", interval=0.1, max_rounds=2, stop_on_pass=True)
    saver.join()
    out = capsys.readouterr().out
    assert code == 0 and "Not started yet" in out and "toy-01 passed" in out
    assert [a.kind for a in ws.store.attempts("toy-01")] == ["watch", "watch"]


def test_corrupt_progress_store_is_a_clear_error_not_a_traceback(toy, capsys):
    (toy.root / ".learn").mkdir()
    (toy.root / ".learn" / "progress.sqlite3").write_bytes(b"garbage" * 200)
    code, out = run_cli(capsys, "list")
    assert code == 2 and "cannot be read" in out


def test_python_dash_m_curriculum_is_the_same_cli(toy):
    proc = subprocess.run([sys.executable, "-m", "curriculum", "list", "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout)[0]["id"] == "toy-01"


def test_the_workspace_works_from_any_directory(tmp_path, monkeypatch):
    """No sys.path hacks: the editable install makes every package importable from anywhere."""
    from curriculum.paths import workspace_root

    monkeypatch.delenv("LEARN_ROOT", raising=False)
    root = workspace_root()
    proc = subprocess.run(
        [str(root / "learn"), "list", "python_gym", "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["id"] == "gym-01"
    code = "import python_gym.day01_counter, utils, curriculum.course; print('ok')"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "ok", proc.stderr
