"""Fixtures shared by every grading suite and by the workspace's own tests."""

from __future__ import annotations

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
