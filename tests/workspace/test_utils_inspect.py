"""utils.tensor_inspect.inspect: every fact against torch / NumPy computed directly."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from curriculum.grading.testing import device_params
from utils.tensor_inspect import inspect

ROOT = Path(__file__).resolve().parents[2]


def expected_stats(values: torch.Tensor) -> dict:
    """The oracle: statistics of the finite values, straight from torch."""
    flat = values.detach().reshape(-1)
    if flat.dtype.is_floating_point or flat.dtype.is_complex:
        finite = flat[torch.isfinite(flat)]
        nan, inf = int(torch.isnan(flat).sum()), int(torch.isinf(flat).sum())
    else:
        finite, nan, inf = flat.long() if flat.dtype == torch.bool else flat, 0, 0
    if finite.numel() == 0:
        return {"min": None, "max": None, "mean": None, "std": None, "nan": nan, "inf": inf}
    wide = finite.to(torch.complex128 if finite.dtype.is_complex else torch.float64)
    out = {"mean": wide.mean().item(), "std": wide.std().item() if finite.numel() > 1 else None, "nan": nan, "inf": inf}
    if finite.dtype.is_complex:
        out.update(min=None, max=None)
    else:
        out.update(min=finite.min().item(), max=finite.max().item())
    return out


def check_stats(facts: dict, oracle: dict, label: str) -> None:
    for key, want in oracle.items():
        got = facts[key]
        if want is None or isinstance(want, int) and key in ("nan", "inf"):
            assert got == want, f"{label}: {key} expected {want!r}, got {got!r}"
        else:
            assert got is not None and abs(got - want) <= 1e-9 * max(1.0, abs(want)), (
                f"{label}: {key} expected {want!r}, got {got!r}"
            )


def _cases():
    g = torch.Generator().manual_seed(0)
    base = torch.randn(4, 6, generator=g)
    with_bad = base.clone()
    with_bad[0, 0], with_bad[1, 2], with_bad[2, 3], with_bad[3, 5] = math.nan, math.inf, -math.inf, math.nan
    return {
        "randn": base,
        "nan_inf": with_bad,
        "all_nan": torch.full((3,), math.nan),
        "empty": torch.empty(0, 3),
        "scalar": torch.tensor(2.5),
        "one": torch.tensor([7.0]),
        "int64_big": torch.tensor([2**62 + 1, -5, 3]),
        "int32": torch.arange(-3, 9, dtype=torch.int32).reshape(3, 4),
        "uint8": torch.tensor([0, 255, 7], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True, True]),
        "float16": torch.tensor([1.5, -2.0, math.inf], dtype=torch.float16),
        "bfloat16": torch.tensor([0.5, 4.0], dtype=torch.bfloat16),
        "complex": torch.tensor([1 + 2j, complex(math.nan, 0), 3 - 1j]),
        "transposed": base.t(),
        "strided": base[::2, 1::3],
    }


CASES = _cases()


@pytest.mark.parametrize("device", device_params())
@pytest.mark.parametrize("case", list(CASES))
def test_torch_facts_match_torch(case, device):
    x = CASES[case].to(device)
    facts = inspect(x, case, show=False)
    assert facts["name"] == case and facts["kind"] == "torch"
    assert facts["shape"] == tuple(x.shape)
    assert facts["dtype"] == str(x.dtype).removeprefix("torch.")
    assert facts["device"] == str(x.device)
    assert facts["numel"] == x.numel()
    assert facts["strides"] == x.stride()
    assert facts["contiguous"] == x.is_contiguous()
    assert (facts["requires_grad"], facts["has_grad"], facts["is_leaf"]) == (False, False, True)
    check_stats(facts, expected_stats(x.cpu()), case)


def test_int64_min_max_are_exact_ints():
    facts = inspect(CASES["int64_big"], show=False)
    assert facts["max"] == 2**62 + 1 and isinstance(facts["max"], int), facts["max"]
    assert facts["min"] == -5


def test_non_contiguous_view():
    x = torch.arange(12.0).reshape(3, 4)
    facts = inspect(x.t(), show=False)
    assert facts["contiguous"] is False and facts["strides"] == (1, 4) and facts["shape"] == (4, 3)


def test_autograd_facts():
    w = torch.randn(3, requires_grad=True)
    y = w * 2
    before = inspect(w, show=False)
    assert (before["requires_grad"], before["has_grad"], before["is_leaf"]) == (True, False, True)
    y.sum().backward()
    after = inspect(w, show=False)
    assert after["has_grad"] is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading a non-leaf's .grad must not warn
        facts_y = inspect(y, show=False)
    assert (facts_y["requires_grad"], facts_y["has_grad"], facts_y["is_leaf"]) == (True, False, False)
    check_stats(facts_y, expected_stats(y), "w * 2")


def test_meta_tensor_has_no_values():
    facts = inspect(torch.empty(2, 3, device="meta"), show=False)
    assert facts["shape"] == (2, 3) and facts["device"] == "meta"
    assert facts["nan"] is None and facts["mean"] is None


NUMPY_CASES = {
    "float64": np.array([[1.0, np.nan], [np.inf, -4.0]]),
    "int16": np.arange(-4, 8, dtype=np.int16).reshape(3, 4),
    "bool": np.array([True, False]),
    "empty": np.zeros((0,), dtype=np.float32),
    "view": np.arange(24, dtype=np.int32).reshape(4, 6)[::2, ::3],
    "complex": np.array([1 + 1j, 2 - 1j]),
    "scalar": np.array(3.0),
}


@pytest.mark.parametrize("case", list(NUMPY_CASES))
def test_numpy_facts_match_numpy(case):
    a = NUMPY_CASES[case]
    facts = inspect(a, show=False)
    assert facts["kind"] == "numpy" and facts["device"] == "cpu"
    assert facts["shape"] == a.shape and facts["dtype"] == str(a.dtype) and facts["numel"] == a.size
    assert facts["strides"] == tuple(s // a.itemsize for s in a.strides)
    assert facts["contiguous"] == a.flags.c_contiguous
    # the numbers must agree with what torch says about the same data
    check_stats(facts, expected_stats(torch.from_numpy(np.ascontiguousarray(a))), case)


def test_numpy_string_array_has_no_statistics():
    facts = inspect(np.array(["a", "b"]), show=False)
    assert facts["numel"] == 2 and facts["nan"] is None and facts["min"] is None


@pytest.mark.parametrize("bad", [[1, 2, 3], 3.0, "tensor", None])
def test_other_types_raise_type_error(bad):
    with pytest.raises(TypeError, match="torch.Tensor or a numpy.ndarray"):
        inspect(bad)


def test_show_prints_a_table_and_show_false_does_not(capsys):
    x = torch.tensor([1.0, math.nan])
    inspect(x, "weights", show=False)
    assert capsys.readouterr().out == ""
    inspect(x, "weights")
    out = capsys.readouterr().out
    for word in ("weights", "float32", "nan", "contiguous", "requires_grad"):
        assert word in out, f"{word!r} missing from the printout:\n{out}"


def test_numpy_path_does_not_import_torch():
    code = (
        "import sys, numpy as np\n"
        "from utils import inspect\n"
        "facts = inspect(np.array([1.0, float('nan')]), 'a')\n"
        "assert facts['nan'] == 1\n"
        "assert 'torch' not in sys.modules, 'inspect imported torch for a NumPy array'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
