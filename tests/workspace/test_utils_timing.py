"""utils.timing: duration formatting, elapsed time, nesting, CUDA sync, no torch import."""

from __future__ import annotations

import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import utils.timing as timing
from utils.timing import format_duration, time_block

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "seconds,text",
    [
        (0, "0 ns"),
        (4.2e-7, "420 ns"),
        (9.994e-7, "999 ns"),
        (9.996e-7, "1.00 µs"),  # rounds up into the next unit, never "1000 ns"
        (1.5e-5, "15.0 µs"),
        (1.234e-3, "1.23 ms"),
        (0.25, "250 ms"),
        (0.99996, "1.00 s"),
        (2.5, "2.50 s"),
        (59.94, "59.9 s"),
        (60, "1 min 0.0 s"),
        (75.25, "1 min 15.2 s"),
        (119.97, "2 min 0.0 s"),  # no "1 min 60.0 s"
        (3725, "62 min 5.0 s"),
        (-0.002, "-2.00 ms"),
    ],
)
def test_format_duration_known_values(seconds, text):
    assert format_duration(seconds) == text, f"format_duration({seconds!r})"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_format_duration_rejects_non_finite(bad):
    with pytest.raises(ValueError, match="finite"):
        format_duration(bad)


def test_elapsed_covers_a_sleep():
    with time_block("sleep", quiet=True) as t:
        time.sleep(0.05)
    assert 0.05 <= t.elapsed < 2, t.elapsed
    first = t.elapsed
    time.sleep(0.01)
    assert t.elapsed == first, "elapsed must be frozen once the block ends"
    assert t.done


def fake_clock(monkeypatch, ticks):
    """Replace the timer's clock with one that returns ``ticks`` in order."""
    it = iter(ticks)
    monkeypatch.setattr(timing, "perf_counter", lambda: next(it))


def test_nested_blocks_time_their_own_body_and_indent(monkeypatch, capsys):
    # clock reads: outer start, inner-a start/stop, inner-b start/stop, outer stop
    fake_clock(monkeypatch, [10.0, 11.0, 11.5, 12.0, 14.0, 20.0])
    with time_block("outer") as outer:
        with time_block("a") as a:
            pass
        with time_block("b") as b:
            pass
    assert (outer.elapsed, a.elapsed, b.elapsed) == (10.0, 0.5, 2.0)
    assert (outer.depth, a.depth, b.depth) == (0, 1, 1)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["  a: 500 ms", "  b: 2.00 s", "outer: 10.0 s"], lines


def test_quiet_prints_nothing(capsys):
    with time_block("silent", quiet=True):
        pass
    assert capsys.readouterr().out == ""


def test_exception_stops_the_clock_and_propagates(monkeypatch, capsys):
    fake_clock(monkeypatch, [1.0, 1.25, 2.0, 2.0])
    with pytest.raises(KeyError):
        with time_block("lookup") as t:
            raise KeyError("x")
    assert t.elapsed == 0.25
    assert "lookup: 250 ms (raised KeyError)" in capsys.readouterr().out
    with time_block("after", quiet=True) as after:
        pass
    assert after.depth == 0, "the depth must be restored after an exception"


def test_label_with_brackets_is_printed_verbatim(capsys):
    with time_block("x[0:2] [bold]", quiet=False):
        pass
    assert capsys.readouterr().out.startswith("x[0:2] [bold]: ")


class FakeCuda:
    def __init__(self, initialized: bool, available: bool = True):
        self.initialized, self.available, self.syncs = initialized, available, 0

    def is_initialized(self):
        return self.initialized

    def is_available(self):
        return self.available

    def synchronize(self):
        self.syncs += 1


@pytest.mark.parametrize(
    "sync,initialized,available,expected_syncs",
    [
        (None, True, True, 2),  # auto: CUDA in use -> before and after
        (None, False, True, 0),  # auto: torch imported but CUDA never used
        (True, False, True, 2),
        (True, False, False, 0),  # asked, but there is no CUDA: a no-op, not an error
        (False, True, True, 0),
    ],
)
def test_cuda_synchronisation(monkeypatch, sync, initialized, available, expected_syncs):
    cuda = FakeCuda(initialized, available)
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(cuda=cuda))
    with time_block("gpu", sync=sync, quiet=True) as t:
        pass
    assert cuda.syncs == expected_syncs
    assert t.synced == (expected_syncs > 0)


def test_no_sync_without_torch(monkeypatch):
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    with time_block("cpu", sync=True, quiet=True) as t:
        pass
    assert not t.synced


def test_importing_utils_for_timing_does_not_import_torch():
    code = (
        "import sys\n"
        "from utils import time_block, format_duration\n"
        "with time_block('x', sync=None) as t:\n"
        "    pass\n"
        "with time_block('y', sync=True):\n"
        "    pass\n"
        "print(format_duration(t.elapsed))\n"
        "assert 'torch' not in sys.modules, 'utils.time_block imported torch'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
