"""Shared set-up for the CS336 track's grading suites."""

import pytest
import torch


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Run each test on one thread: tiny models are fastest that way, and a busy 2-core
    machine's thread pool can make them 50x slower. The previous setting is restored."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
