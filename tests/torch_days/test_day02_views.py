"""Grading torch-02: to_patches, split_heads, merge_heads, safe_flatten.

Oracles: ``F.unfold`` (patch order and gradients), explicit Python loops over
patches and heads, ``torch.flatten`` for values, torch's own ``Tensor.view``
(raises exactly when a copy is needed) for the copy decision, and storage
facts (``data_ptr``, ``untyped_storage``) nobody here computes.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("torch-02")

DEVICES = device_params()


def _randn(*shape: int, seed: int = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def _same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def _layout(x: torch.Tensor, layout: str) -> torch.Tensor:
    """The same values as ``x`` in another memory layout (a non-contiguous view)."""
    if layout == "contiguous":
        return x
    if layout == "transposed":  # stored with the last two dims swapped
        return x.transpose(-1, -2).contiguous().transpose(-1, -2)
    if layout == "sliced":  # every other element of a wider tensor
        wide = torch.stack([x, torch.full_like(x, -7)], dim=-1).flatten(-2)
        return wide[..., ::2]
    raise AssertionError(layout)


# ---------------------------------------------------------------- to_patches

# (B, C, H, W, patch)
PATCH_CASES = [
    (2, 3, 8, 8, 4),
    (1, 1, 4, 4, 2),
    (2, 3, 6, 9, 3),  # non-square image
    (3, 2, 4, 6, 1),  # patch 1: every pixel is a patch
    (2, 3, 4, 4, 4),  # one patch covers the image
    (0, 3, 4, 4, 2),  # empty batch
]


def _unfold_patches(images: torch.Tensor, patch: int) -> torch.Tensor:
    return F.unfold(images, kernel_size=patch, stride=patch).transpose(1, 2)  # (B, N, C*p*p)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "sliced"])
@pytest.mark.parametrize("B,C,H,W,patch", PATCH_CASES)
def test_to_patches_matches_unfold(ex, device, layout, B, C, H, W, patch):
    images = _layout(_randn(B, C, H, W, seed=H * W + patch).to(device), layout)
    call = f"to_patches(<{layout} ({B}, {C}, {H}, {W}) images on {device}>, {patch})"
    got = ex.to_patches(images, patch)
    expected = _unfold_patches(images, patch)
    expect_close(got, expected, what=call, rtol=0, atol=0,
                 hint="patches in row-major grid order; inside a patch the order is (channel, row, column), as F.unfold")


def test_to_patches_matches_explicit_loops_on_integers(ex):
    B, C, H, W, p = 2, 2, 4, 6, 2
    images = torch.arange(B * C * H * W).reshape(B, C, H, W)
    got = ex.to_patches(images, p)
    rows = []
    for b in range(B):
        patches = []
        for i in range(H // p):
            for j in range(W // p):
                patches.append([int(images[b, c, i * p + u, j * p + v]) for c in range(C) for u in range(p) for v in range(p)])
        rows.append(patches)
    expected = torch.tensor(rows)
    expect_close(got, expected, what=f"to_patches(torch.arange({B * C * H * W}).reshape{(B, C, H, W)}, {p})", rtol=0, atol=0,
                 hint="patch n = i * (W // p) + j; feature c*p*p + u*p + v is images[b, c, i*p + u, j*p + v]")


@pytest.mark.parametrize("device", DEVICES)
def test_to_patches_gradient_matches_unfold(ex, device):
    images = _randn(2, 3, 6, 6, seed=5).to(device)
    upstream = _randn(2, 4, 27, seed=6).to(device)
    mine = images.clone().requires_grad_(True)
    (ex.to_patches(mine, 3) * upstream).sum().backward()
    ref = images.clone().requires_grad_(True)
    (_unfold_patches(ref, 3) * upstream).sum().backward()
    expect_true(mine.grad is not None, message="to_patches(images, 3) is not differentiable: images.grad is None",
                hint="use only reshape/permute on the tensor; no .detach(), .numpy() or torch.tensor(...)")
    expect_close(mine.grad, ref.grad, what="gradient of sum(to_patches(images, 3) * upstream)", rtol=0, atol=0)


def test_to_patches_vit_shape_on_meta(ex):
    images = torch.empty(64, 3, 224, 224, device="meta")
    got = ex.to_patches(images, 16)
    expect_equal(tuple(got.shape), (64, 196, 768), call="to_patches(<meta (64, 3, 224, 224)>, 16).shape",
                 hint="N = (224 / 16) ** 2 = 196 patches of 3 * 16 * 16 = 768 features")


@pytest.mark.parametrize(
    "shape,patch,error",
    [
        ((1, 3, 8, 8), 3, ValueError),  # 3 does not divide 8
        ((1, 3, 8, 6), 4, ValueError),  # divides H, not W
        ((3, 8, 8), 2, ValueError),  # no batch dim
        ((1, 3, 4, 4), 0, ValueError),
        ((1, 3, 4, 4), -2, ValueError),
        ((1, 3, 4, 4), 2.0, TypeError),
        ((1, 3, 4, 4), True, TypeError),
    ],
)
def test_to_patches_rejects_bad_arguments(ex, shape, patch, error):
    images = torch.zeros(shape)
    expect_raises(error, lambda: ex.to_patches(images, patch), call=f"to_patches(<{shape} images>, {patch!r})",
                  hint="images must be 4-D; patch an int >= 1 dividing both H and W")


# ---------------------------------------------------------------- split_heads / merge_heads

# (shape of x, n_heads)
HEAD_CASES = [
    ((2, 5, 12), 3),
    ((5, 12), 4),  # no batch dim
    ((2, 3, 4, 6), 2),  # two batch dims
    ((1, 1, 8), 8),  # one feature per head, one token
    ((2, 4, 6), 1),  # one head
    ((0, 3, 4), 2),  # empty batch
]


def _loop_split(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    *lead, T, D = x.shape
    hd = D // n_heads
    flat = x.reshape(-1, T, D)
    out = torch.zeros(flat.shape[0], n_heads, T, hd, dtype=x.dtype)
    for b in range(flat.shape[0]):
        for h in range(n_heads):
            for t in range(T):
                out[b, h, t] = flat[b, t, h * hd : (h + 1) * hd]
    return out.reshape(*lead, n_heads, T, hd)


def _noncontiguous(x: torch.Tensor) -> torch.Tensor:
    """``x``'s values stored with the two leading dims swapped (for >= 2 dims)."""
    return x.transpose(0, 1).contiguous().transpose(0, 1)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous", "non-contiguous"])
@pytest.mark.parametrize("shape,n_heads", HEAD_CASES)
def test_split_heads_is_a_view_with_the_right_values(ex, device, contiguous, shape, n_heads):
    x = _randn(*shape, seed=len(shape) + n_heads)
    expected = _loop_split(x, n_heads)
    x = x.to(device) if contiguous else _noncontiguous(x).to(device)
    call = f"split_heads(<{'contiguous' if contiguous else 'non-contiguous'} {shape} on {device}>, {n_heads})"
    got = ex.split_heads(x, n_heads)
    expect_close(got, expected, what=call, rtol=0, atol=0,
                 hint="out[..., h, t, :] is x[..., t, h*hd:(h+1)*hd]: split D into (H, hd), then swap T and H")
    if x.numel():
        expect_true(_same_storage(got, x) and got.data_ptr() == x.data_ptr(),
                    message=f"{call} copied the data; the contract promises a view of x",
                    hint="unflatten/view + transpose never copy; .contiguous() or .reshape after transpose may")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("contiguous", [True, False], ids=["contiguous", "non-contiguous"])
@pytest.mark.parametrize("shape,n_heads", HEAD_CASES)
def test_merge_heads_is_contiguous_with_the_right_values(ex, device, contiguous, shape, n_heads):
    x = _randn(*shape, seed=10 + n_heads)
    heads = _loop_split(x, n_heads)  # the oracle's own split: merge is graded on its own
    heads = heads.to(device) if contiguous else _noncontiguous(heads).to(device)
    call = f"merge_heads(<{'contiguous' if contiguous else 'non-contiguous'} {tuple(heads.shape)} on {device}>)"
    got = ex.merge_heads(heads)
    expect_close(got, x.to(device), what=call, rtol=0, atol=0,
                 hint="swap the head and time dims back, then merge (H, hd) into H*hd")
    expect_true(got.is_contiguous(), message=f"{call} is not contiguous; the contract promises a contiguous result",
                hint="after a transpose, .view fails and .flatten may return a strided view: call .contiguous()")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("shape,n_heads", HEAD_CASES)
def test_split_then_merge_round_trips_with_gradients(ex, device, shape, n_heads):
    x = _randn(*shape, seed=20).to(device).requires_grad_(True)
    upstream = _randn(*shape, seed=21).to(device)
    call = f"merge_heads(split_heads(<{shape}>, {n_heads}))"
    back = ex.merge_heads(ex.split_heads(x, n_heads))
    expect_close(back.detach(), x.detach(), what=call, rtol=0, atol=0)
    (back * upstream).sum().backward()
    expect_true(x.grad is not None, message=f"{call} is not differentiable: x.grad is None")
    expect_close(x.grad, upstream, what=f"gradient of sum({call} * upstream)", rtol=0, atol=0,
                 hint="a pure rearrangement passes the upstream gradient straight back")


@pytest.mark.parametrize(
    "shape,n_heads,error",
    [((2, 5, 12), 5, ValueError), ((2, 5, 12), 0, ValueError), ((12,), 3, ValueError), ((2, 5, 12), 2.0, TypeError), ((2, 5, 12), True, TypeError)],
)
def test_split_heads_rejects_bad_arguments(ex, shape, n_heads, error):
    x = torch.zeros(shape)
    expect_raises(error, lambda: ex.split_heads(x, n_heads), call=f"split_heads(<{shape}>, {n_heads!r})",
                  hint="x needs (*, T, D); n_heads an int >= 1 that divides D")


@pytest.mark.parametrize("shape", [(4, 6), (6,), ()])
def test_merge_heads_rejects_too_few_dims(ex, shape):
    expect_raises(ValueError, lambda: ex.merge_heads(torch.zeros(shape)), call=f"merge_heads(<{shape}>)",
                  hint="merge_heads needs (*, H, T, hd): at least 3 dims")


# ---------------------------------------------------------------- safe_flatten


def _view_possible(x: torch.Tensor, shape: tuple[int, ...]) -> bool:
    try:
        x.view(shape)
    except RuntimeError:
        return False
    return True


def _check_flatten(ex, x: torch.Tensor, start: int, end: int, what: str) -> None:
    call = f"safe_flatten({what}, {start}, {end})"
    result = ex.safe_flatten(x, start, end)
    expect_true(isinstance(result, tuple) and len(result) == 2,
                message=f"{call} should return a tuple (out, copied), got {type(result).__name__}")
    out, copied = result
    expected = torch.flatten(x, start, end)
    expect_close(out, expected, what=call, rtol=0, atol=0, hint="same shape and values as torch.flatten(x, start_dim, end_dim)")
    must_copy = not _view_possible(x, tuple(expected.shape))
    expect_equal(copied, must_copy, call=f"{call} -> copied  (shape {tuple(x.shape)}, stride {x.stride()})",
                 hint="a view is possible when, ignoring size-1 dims, stride[d] == stride[d+1] * size[d+1] inside the range")
    if not copied and x.numel():
        expect_true(_same_storage(out, x) and out.data_ptr() == x.data_ptr(),
                    message=f"{call} says copied=False but the result does not share x's storage",
                    hint="return x.view(...) when the view is possible")
    if copied:
        expect_true(out.is_contiguous() and not _same_storage(out, x),
                    message=f"{call} says copied=True but the result is not a contiguous copy")


def _named_tensors() -> dict[str, torch.Tensor]:
    x = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5)
    return {
        "contiguous": x,
        "x[::2]": x[::2],
        "x[:, ::2]": x[:, ::2],
        "x[..., 1:]": x[..., 1:],
        "x.transpose(1, 2)": x.transpose(1, 2),
        "x.permute(3, 2, 1, 0)": x.permute(3, 2, 1, 0),
        "expanded (stride 0)": torch.arange(4.0).reshape(4, 1).expand(4, 3),
        "size-1 dim, odd stride": torch.arange(6.0).as_strided((2, 1, 3), (3, 100, 1)),
        "empty, transposed": torch.zeros(0, 3, 2).transpose(0, 2),
        "0-d": torch.tensor(3.5),
        "one element": torch.tensor([[7.0]]),
    }


NAMED = _named_tensors()


def _flatten_cases() -> list:
    cases = []
    for name, x in NAMED.items():
        ndim = max(x.ndim, 1)
        for start, end in [(0, -1), (1, -1), (0, 1), (1, 2), (-2, -1), (1, 1)]:
            if -ndim <= start < ndim and -ndim <= end < ndim and start % ndim <= end % ndim:
                cases.append(pytest.param(name, start, end, id=f"{name}-{start}-{end}"))
    return cases


@pytest.mark.parametrize("name,start,end", _flatten_cases())
def test_safe_flatten_on_named_layouts(ex, name, start, end):
    x = NAMED[name]
    _check_flatten(ex, x, start, end, f"<{name}, shape {tuple(x.shape)}>")


@st.composite
def strided_tensors(draw):
    ndim = draw(st.integers(1, 4))
    shape = draw(st.lists(st.integers(0, 4) | st.just(1), min_size=ndim, max_size=ndim))
    order = draw(st.permutations(range(ndim)))
    stride = [0] * ndim
    step = draw(st.integers(1, 2))
    for d in reversed(order):  # a permuted contiguous layout, sometimes with gaps
        stride[d] = step
        step *= max(shape[d], 1) * draw(st.sampled_from([1, 1, 1, 2]))
    for d in range(ndim):  # sprinkle in stride-0 (expanded) dims and odd strides on size-1 dims
        if draw(st.booleans()) and draw(st.booleans()):
            stride[d] = 0 if shape[d] != 1 else draw(st.integers(0, 50))
    offset = draw(st.integers(0, 3))
    size = offset + sum((s - 1) * t for s, t in zip(shape, stride) if s > 0) + 1
    base = torch.arange(float(size))
    start = draw(st.integers(-ndim, ndim - 1))
    end = draw(st.integers(start % ndim, ndim - 1))
    return base.as_strided(shape, stride, offset), start, end


@given(strided_tensors())
def test_safe_flatten_on_arbitrary_strides(ex, case):
    x, start, end = case
    _check_flatten(ex, x, start, end, f"<as_strided shape {tuple(x.shape)} stride {x.stride()}>")


@pytest.mark.parametrize("shape,start,end", [((2, 3), 2, -1), ((2, 3), 0, -3), ((2, 3, 4), 2, 1), ((2, 3, 4), -1, 0), ((), 1, 1)])
def test_safe_flatten_rejects_bad_dims(ex, shape, start, end):
    expect_raises(ValueError, lambda: ex.safe_flatten(torch.zeros(shape), start, end),
                  call=f"safe_flatten(<{shape}>, {start}, {end})",
                  hint="dims must be in [-ndim, ndim) (a 0-d tensor counts as 1-d) and start_dim <= end_dim")
