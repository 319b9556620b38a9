"""A ready-made namespace for experiments: ``from utils.torch_playground import *``.

    $ .venv/bin/python -i -c "from utils.torch_playground import *"
    >>> x = torch.randn(3, 4, device=device)
    >>> inspect(x, "x")
    >>> with time_block("matmul"):
    ...     y = x @ x.T

Gives: ``torch``, ``nn``, ``F`` (``torch.nn.functional``), ``np``, the helpers
``time_block``, ``inspect``, ``get_device``, ``seed_everything``,
``print_environment``, and ``device`` (``get_device()``: ``$LEARN_DEVICE`` or
the best available). Importing it imports torch: use it in notebooks and REPLs,
not in library code.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from utils.device import get_device, print_environment, seed_everything
from utils.tensor_inspect import inspect
from utils.timing import time_block

device = get_device()

__all__ = [
    "F",
    "device",
    "get_device",
    "inspect",
    "nn",
    "np",
    "print_environment",
    "seed_everything",
    "time_block",
    "torch",
]
