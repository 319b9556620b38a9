"""Look at a tensor (or a NumPy array) before you trust it.

    >>> import numpy as np
    >>> from utils.tensor_inspect import inspect
    >>> facts = inspect(np.array([1.0, np.nan, 3.0]), "x", show=False)
    >>> facts["shape"], facts["nan"], facts["min"], facts["max"]
    ((3,), 1, 1.0, 3.0)

``inspect`` gathers the facts that answer most "why is this wrong?" questions:
shape, dtype, device, autograd state (requires_grad, a grad present, leaf or
not), memory layout (contiguous, strides) and the values (min, max, mean, std
of the finite values; how many NaN and Inf). With ``show=True`` it prints them
as one compact rich table; either way it returns them as a dict.

NumPy arrays are handled without importing torch: torch is only looked at when
it is already in ``sys.modules`` (a torch tensor cannot exist otherwise).

Conventions of the returned dict:

- ``dtype`` without the ``torch.`` prefix (``"float32"``), the same names as NumPy;
- ``device`` as a string (``"cpu"``, ``"cuda:0"``); NumPy arrays are ``"cpu"``;
- ``strides`` in elements, like ``Tensor.stride()`` (NumPy's byte strides are divided
  by the item size);
- ``min``/``max`` are exact Python ints for integer and bool data, floats otherwise;
  ``mean`` and ``std`` are computed in float64 (complex128 for complex data);
  ``std`` is the sample standard deviation (``correction=1``, as ``torch.std``);
- statistics are ``None`` when there is no finite value to describe (an empty
  tensor, all NaN, a ``meta`` tensor); ``min``/``max`` are ``None`` for complex data.

Out of scope: sparse tensors beyond their shape/dtype/device, histograms.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["inspect"]

console = Console(highlight=False)

_STAT_KEYS = ("min", "max", "mean", "std")


def inspect(x: Any, name: str | None = None, *, show: bool = True) -> dict[str, Any]:
    """Describe a ``torch.Tensor`` or ``np.ndarray``; print a table unless ``show=False``.

    Args:
        x: the tensor or array.
        name: a label for the printout (and ``facts["name"]``).
        show: print the facts as a rich table.

    Returns:
        a dict with keys ``name, kind ('torch' | 'numpy'), shape, dtype, device,
        requires_grad, has_grad, is_leaf, contiguous, strides, numel, min, max,
        mean, std, nan, inf`` (see the module docstring for the conventions).

    Raises:
        TypeError: ``x`` is neither a torch tensor nor a NumPy array.
    """
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor):
        facts = _torch_facts(torch, x)
    elif isinstance(x, np.ndarray):
        facts = _numpy_facts(x)
    else:
        hint = ""
        if isinstance(x, (list, tuple, int, float, complex, bool)):
            hint = " (wrap it first: torch.tensor(x) or np.asarray(x))"
        raise TypeError(f"inspect() takes a torch.Tensor or a numpy.ndarray, got {type(x).__name__}{hint}")
    facts = {"name": name, **facts}
    if show:
        _print(facts)
    return facts


# ---------------------------------------------------------------- torch


def _torch_facts(torch, x) -> dict[str, Any]:
    with warnings.catch_warnings():
        # Reading .grad of a non-leaf tensor warns; here we only ask whether it is there.
        warnings.simplefilter("ignore")
        has_grad = x.grad is not None
    strided = x.layout == torch.strided
    facts: dict[str, Any] = {
        "kind": "torch",
        "shape": tuple(x.shape),
        "dtype": str(x.dtype).removeprefix("torch."),
        "device": str(x.device),
        "requires_grad": bool(x.requires_grad),
        "has_grad": has_grad,
        "is_leaf": bool(x.is_leaf),
        "contiguous": bool(x.is_contiguous()) if strided else False,
        "strides": tuple(x.stride()) if strided else None,
        "numel": int(x.numel()),
    }
    facts.update(dict.fromkeys(_STAT_KEYS), nan=0, inf=0)
    if not strided or x.device.type == "meta":
        facts["nan"] = facts["inf"] = None  # no values to look at
        return facts

    flat = x.detach().reshape(-1)
    if flat.dtype.is_floating_point or flat.dtype.is_complex:
        facts["nan"] = int(torch.isnan(flat).sum().item())
        facts["inf"] = int(torch.isinf(flat).sum().item())
        finite = flat[torch.isfinite(flat)]
    else:
        finite = flat.to(torch.int64) if flat.dtype == torch.bool else flat
    if finite.numel() == 0:
        return facts

    if finite.dtype.is_complex:
        wide = finite.to(torch.complex128)
    else:
        wide = finite.to(torch.float64)
        exact = finite.dtype.is_floating_point
        lo, hi = torch.aminmax(finite)
        facts["min"] = float(lo.item()) if exact else int(lo.item())
        facts["max"] = float(hi.item()) if exact else int(hi.item())
    facts["mean"] = wide.mean().item()
    facts["std"] = float(wide.std(correction=1).item()) if finite.numel() > 1 else None
    return facts


# ---------------------------------------------------------------- numpy


def _numpy_facts(x: np.ndarray) -> dict[str, Any]:
    itemsize = x.itemsize or 1
    facts: dict[str, Any] = {
        "kind": "numpy",
        "shape": tuple(x.shape),
        "dtype": str(x.dtype),
        "device": "cpu",
        "requires_grad": False,
        "has_grad": False,
        "is_leaf": None,  # autograd does not apply to NumPy
        "contiguous": bool(x.flags.c_contiguous),
        "strides": tuple(s // itemsize for s in x.strides),
        "numel": int(x.size),
    }
    facts.update(dict.fromkeys(_STAT_KEYS), nan=0, inf=0)
    kind = x.dtype.kind  # b bool, i/u int, f float, c complex, others: no numbers
    if kind not in "biufc":
        facts["nan"] = facts["inf"] = None
        return facts

    flat = x.reshape(-1)
    if kind in "fc":
        facts["nan"] = int(np.isnan(flat).sum())
        facts["inf"] = int(np.isinf(flat).sum())
        finite = flat[np.isfinite(flat)]
    else:
        finite = flat.astype(np.int64) if kind == "b" else flat
    if finite.size == 0:
        return facts

    if kind == "c":
        wide = finite.astype(np.complex128)
        facts["mean"] = complex(wide.mean())
    else:
        wide = finite.astype(np.float64)
        cast = float if kind == "f" else int
        facts["min"] = cast(finite.min())
        facts["max"] = cast(finite.max())
        facts["mean"] = float(wide.mean())
    facts["std"] = float(wide.std(ddof=1)) if finite.size > 1 else None
    return facts


# ---------------------------------------------------------------- printing


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, complex):
        return f"{value.real:.4g}{value.imag:+.4g}j"
    return str(value)


def _print(facts: dict[str, Any]) -> None:
    shape = "[" + ", ".join(str(n) for n in facts["shape"]) + "]"
    title = f"{facts['name'] or 'tensor'}: {facts['dtype']}{shape} on {facts['device']} ({facts['kind']})"
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1))
    for _ in range(3):
        table.add_column(style="dim", no_wrap=True)
        table.add_column(no_wrap=True)

    def bad(value) -> Text:
        return Text(_fmt(value), style="bold red" if value else "green")

    rows = [
        ("numel", _fmt(facts["numel"]), "strides", _fmt(facts["strides"]), "contiguous", _fmt(facts["contiguous"])),
        ("requires_grad", _fmt(facts["requires_grad"]), "grad", "present" if facts["has_grad"] else "-",
         "is_leaf", _fmt(facts["is_leaf"])),
        ("min", _fmt(facts["min"]), "max", _fmt(facts["max"]), "mean", _fmt(facts["mean"])),
        ("std", _fmt(facts["std"]), "nan", bad(facts["nan"]), "inf", bad(facts["inf"])),
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    import torch

    w = torch.randn(3, 4, requires_grad=True)
    inspect(w, "w")
    inspect(w.t(), "w.t()")
    inspect(torch.tensor([1.0, float("nan"), float("inf")]), "bad")
    inspect(np.arange(6, dtype=np.int32).reshape(2, 3)[:, ::2], "numpy view")
