"""The learner's toolbox: timing, tensor inspection, devices and seeds.

    from utils import time_block, inspect, get_device, seed_everything

Each concern lives in its own module (``utils.timing``, ``utils.tensor_inspect``,
``utils.device``); this package only re-exports their public names, lazily:
``from utils import time_block`` imports ``utils.timing`` alone and never
torch, so pure-Python code pays nothing for the tensor helpers.

For an interactive session, ``from utils.torch_playground import *`` brings
torch, ``nn``, ``F``, ``np``, the helpers and a ready ``device``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> the module that defines it
_EXPORTS = {
    "time_block": "utils.timing",
    "format_duration": "utils.timing",
    "inspect": "utils.tensor_inspect",
    "get_device": "utils.device",
    "seed_everything": "utils.device",
    "environment_summary": "utils.device",
    "print_environment": "utils.device",
}

__all__ = list(_EXPORTS)

if TYPE_CHECKING:  # for editors and type checkers; never runs
    from utils.device import environment_summary, get_device, print_environment, seed_everything
    from utils.tensor_inspect import inspect
    from utils.timing import format_duration, time_block


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'utils' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
