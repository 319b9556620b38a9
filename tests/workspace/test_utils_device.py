"""utils.device (get_device, seed_everything, environment summary), the lazy package and the playground."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

import utils
from utils.device import DEVICE_ENV, environment_summary, get_device, print_environment, seed_everything


@pytest.fixture
def machine(fake_devices, monkeypatch):
    """Pretend the machine has the given devices: ``machine(cuda=2, mps=False)``."""
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    return fake_devices


@pytest.mark.parametrize(
    "cuda,mps,expected",
    [(2, True, "cuda"), (1, False, "cuda"), (0, True, "mps"), (0, False, "cpu")],
)
def test_auto_prefers_cuda_then_mps_then_cpu(machine, cuda, mps, expected):
    machine(cuda=cuda, mps=mps)
    for spec in (None, "auto", " AUTO "):
        assert get_device(spec) == torch.device(expected), f"get_device({spec!r}) with cuda={cuda}, mps={mps}"


def test_environment_variable_overrides_auto(machine, monkeypatch):
    machine(cuda=1, mps=True)
    monkeypatch.setenv(DEVICE_ENV, "cpu")
    assert get_device() == torch.device("cpu")
    monkeypatch.setenv(DEVICE_ENV, "mps")
    assert get_device() == torch.device("mps")
    monkeypatch.setenv(DEVICE_ENV, "")  # empty counts as unset
    assert get_device() == torch.device("cuda")


def test_explicit_argument_beats_the_environment(machine, monkeypatch):
    machine(cuda=2)
    monkeypatch.setenv(DEVICE_ENV, "cpu")
    assert get_device("cuda:1") == torch.device("cuda:1")


@pytest.mark.parametrize(
    "cuda,mps,spec,needle",
    [
        (0, False, "cuda", "is_available() is False"),
        (0, True, "cuda:0", "available here: mps, cpu"),
        (2, False, "cuda:2", "only 2 CUDA device"),
        (1, False, "mps", "MPS is not available"),
        (1, False, "gpu", "not a device name"),
        (1, False, "xla", "not supported"),
    ],
)
def test_unavailable_or_unknown_request_raises_value_error(machine, cuda, mps, spec, needle):
    machine(cuda=cuda, mps=mps)
    with pytest.raises(ValueError) as err:
        get_device(spec)
    message = str(err.value)
    assert needle in message, message
    assert repr(spec) in message, "the message should quote the request"


def test_error_from_the_environment_names_the_variable(machine, monkeypatch):
    machine(cuda=0)
    monkeypatch.setenv(DEVICE_ENV, "cuda")
    with pytest.raises(ValueError, match=f"environment variable {DEVICE_ENV}.*{DEVICE_ENV}=cpu"):
        get_device()


def test_non_string_request_raises_type_error(machine):
    machine()
    with pytest.raises(TypeError):
        get_device(0)


def draw() -> tuple:
    return random.random(), np.random.rand(3).tolist(), torch.rand(3).tolist(), torch.randint(0, 10**6, (2,)).tolist()


def test_seed_everything_makes_every_generator_repeat(monkeypatch):
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)  # restored after the test
    seed_everything(1234)
    first = draw()
    seed_everything(1234)
    assert draw() == first, "the same seed must give the same draws"
    seed_everything(1235)
    assert draw() != first, "a different seed should give different draws"
    import os

    assert os.environ["PYTHONHASHSEED"] == "1235"


@pytest.mark.parametrize("bad,error", [(-1, ValueError), (2**32, ValueError), (1.5, TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(bad, error):
    with pytest.raises(error):
        seed_everything(bad)


def test_environment_summary_reports_this_machine():
    env = environment_summary()
    assert env["torch"] == torch.__version__
    assert env["numpy"] == np.__version__
    assert env["cuda_available"] == torch.cuda.is_available()
    assert len(env["cuda_devices"]) == (torch.cuda.device_count() if env["cuda_available"] else 0)
    assert env["torch_threads"] == torch.get_num_threads()
    assert env["cpu_count"] >= 1
    for key in ("python", "platform", "cuda_version", "mps_available", "triton"):
        assert key in env


def test_print_environment(capsys):
    print_environment()
    out = capsys.readouterr().out
    assert "torch" in out and torch.__version__ in out


def test_package_exports_resolve_lazily():
    for name in utils.__all__:
        assert callable(getattr(utils, name)), name
        assert name in dir(utils)
    from utils import environment_summary as es, get_device as gd, inspect, print_environment as pe, seed_everything as se

    assert (gd, se, pe, es) == (get_device, seed_everything, print_environment, environment_summary)
    assert inspect.__module__ == "utils.tensor_inspect"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        utils.nope


def test_playground_star_import():
    namespace: dict = {}
    exec("from utils.torch_playground import *", namespace)
    names = set(namespace) - {"__builtins__"}
    import utils.torch_playground as playground

    assert names == set(playground.__all__)
    expected = {"torch", "nn", "F", "np", "time_block", "inspect", "get_device", "seed_everything", "print_environment", "device"}
    assert expected <= names, expected - names
    assert namespace["torch"] is torch and namespace["np"] is np
    assert namespace["F"] is torch.nn.functional and namespace["nn"] is torch.nn
    assert isinstance(namespace["device"], torch.device)
