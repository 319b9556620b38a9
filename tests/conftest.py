"""Fixtures shared by every grading suite and by the workspace's own tests."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture
def fake_devices(monkeypatch: pytest.MonkeyPatch):
    """Pretend this machine has other devices: ``fake_devices(cuda=2, mps=False)``.

    Patches only what device-selection code asks (``torch.cuda.is_available``,
    ``torch.cuda.device_count``, ``torch.backends.mps.is_available``); no tensor
    can really be placed on a faked device.
    """
    import torch

    def configure(*, cuda: int = 0, mps: bool = False) -> None:
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)

    return configure


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Run each torch test on one thread: tiny models are fastest that way, and a busy 2-core
    machine's thread pool can make them 50x slower. Suites that never import torch pay nothing:
    the fixture only acts when torch is already loaded. The previous setting is restored."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
