"""Grading torch-23: scaled_dot_product_attention and attention_heatmap.

Oracles: ``F.scaled_dot_product_attention`` for the output (values and
gradients), and — since it does not return the weights — the same built-in
called with ``v = I`` (the identity), whose output *is* the weight matrix.
The heat map is checked by reading the PNG file's own header (signature and
IHDR width/height, parsed with ``struct``) and its pixels (matplotlib's
``imread``).
"""

from __future__ import annotations

import math
import struct

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_raises, expect_true  # noqa: E402

pytestmark = pytest.mark.exercise("torch-23")

DEVICES = device_params()
TOL = {torch.float64: 1e-10, torch.float32: 2e-5}


def skip_float64_on_mps(device: str, dtype: torch.dtype) -> None:
    if device == "mps" and dtype == torch.float64:
        pytest.skip("MPS has no float64")


def oracle(q, k, v, mask, causal):
    """(output, weights) from the built-in; weights = attention applied to v = identity."""
    lq, lk = q.shape[-2], k.shape[-2]
    keep = mask
    if causal:
        tri = torch.ones(lq, lk, dtype=torch.bool, device=q.device).tril()
        keep = tri if mask is None else mask & tri
    eye = torch.eye(lk, dtype=q.dtype, device=q.device).expand(*q.shape[:-2], lk, lk)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    weights = F.scaled_dot_product_attention(q, k, eye, attn_mask=keep)
    return out, weights


# (leading dims, Lq, Lk, d, dv, mask kind, causal)
CASES = [
    ((), 5, 5, 8, 8, None, False),
    ((), 5, 5, 8, 8, None, True),
    ((3,), 4, 7, 16, 5, None, False),
    ((3,), 4, 7, 16, 5, None, True),  # causal with Lq != Lk: top-left aligned
    ((2, 3), 6, 6, 4, 4, "random", False),
    ((2, 3), 6, 6, 4, 4, "random", True),
    ((2, 2), 1, 9, 8, 3, "padding", False),  # one query, a (batch, 1, 1, Lk) padding mask
    ((4,), 6, 6, 8, 8, "padding", True),
]


def make_inputs(lead, lq, lk, d, dv, mask_kind, dtype, device, seed=23):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(*lead, lq, d, generator=g, dtype=torch.float64)
    k = torch.randn(*lead, lk, d, generator=g, dtype=torch.float64)
    v = torch.randn(*lead, lk, dv, generator=g, dtype=torch.float64)
    mask = None
    if mask_kind == "random":
        mask = torch.rand(*lead, lq, lk, generator=g) < 0.7
        mask[..., 0] = True  # no fully masked rows here (they have their own test)
    elif mask_kind == "padding":
        lengths = torch.randint(1, lk + 1, lead[:1], generator=g)
        mask = (torch.arange(lk) < lengths[:, None]).reshape(lead[0], *([1] * (len(lead) - 1)), 1, lk)
    cast = [t.to(dtype).to(device).requires_grad_(True) for t in (q, k, v)]
    return (*cast, None if mask is None else mask.to(device))


def describe(lead, lq, lk, d, dv, mask_kind, causal, dtype):
    return (f"scaled_dot_product_attention(q {(*lead, lq, d)}, k {(*lead, lk, d)}, v {(*lead, lk, dv)}, "
            f"mask={mask_kind}, causal={causal}) in {dtype}")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("lead,lq,lk,d,dv,mask_kind,causal", CASES)
def test_attention_matches_the_builtin(ex, device, dtype, lead, lq, lk, d, dv, mask_kind, causal):
    skip_float64_on_mps(device, dtype)
    q, k, v, mask = make_inputs(lead, lq, lk, d, dv, mask_kind, dtype, device)
    call = describe(lead, lq, lk, d, dv, mask_kind, causal, dtype)
    got = ex.scaled_dot_product_attention(q, k, v, mask=mask, causal=causal)
    expect_true(isinstance(got, tuple) and len(got) == 2, message=f"{call} should return (output, weights), got {type(got).__name__}")
    out, weights = got
    q2, k2, v2 = (t.detach().clone().requires_grad_(True) for t in (q, k, v))
    want_out, want_weights = oracle(q2, k2, v2, mask, causal)
    tol = TOL[dtype]
    expect_close(out, want_out, what=f"{call} output", rtol=tol, atol=tol,
                 hint="output = weights @ v with weights = softmax(q k^T / sqrt(d)) over the kept keys")
    expect_close(weights, want_weights, what=f"{call} weights", rtol=tol, atol=tol,
                 hint="scale by 1/sqrt(d); masked (False) or future keys get -inf before the softmax; causal is tril(), top-left aligned")

    g = torch.Generator().manual_seed(1)
    g_out = torch.randn(out.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    g_w = torch.randn(weights.shape, generator=g, dtype=torch.float64).to(dtype).to(device)
    ((out * g_out).sum() + (weights * g_w).sum()).backward()
    ((want_out * g_out).sum() + (want_weights * g_w).sum()).backward()
    for name, mine, theirs in (("q", q, q2), ("k", k, k2), ("v", v, v2)):
        expect_true(mine.grad is not None, message=f"{call}: no gradient reached {name}",
                    hint="do not detach q, k or v (detaching the row max is fine: softmax does not depend on it)")
        expect_close(mine.grad, theirs.grad, what=f"{name}.grad after {call}", rtol=tol * 10, atol=tol * 10,
                     hint="build everything from differentiable torch ops; no in-place writes into tensors autograd needs")


@pytest.mark.parametrize("device", DEVICES)
def test_attention_is_stable_for_huge_scores_in_float32(ex, device):
    g = torch.Generator().manual_seed(5)
    q = torch.randn(2, 4, 8, generator=g, dtype=torch.float64) * 100  # scores of order 1e4
    k = torch.randn(2, 6, 8, generator=g, dtype=torch.float64) * 100
    v = torch.randn(2, 6, 3, generator=g, dtype=torch.float64)
    out, weights = ex.scaled_dot_product_attention(*(t.float().to(device) for t in (q, k, v)))
    call = "scaled_dot_product_attention(q * 100, k * 100, v) in float32"
    expect_true(bool(torch.isfinite(out).all() and torch.isfinite(weights).all()), message=f"{call} produced inf or NaN",
                hint="exp(1e4) overflows float32: subtract each row's maximum score before exp")
    want_out, want_weights = oracle(q, k, v, None, False)
    expect_close(weights.cpu(), want_weights.float(), what=f"{call} weights", rtol=1e-4, atol=1e-4)
    expect_close(out.cpu(), want_out.float(), what=f"{call} output", rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("device", DEVICES)
def test_a_fully_masked_row_gives_zeros_not_nan(ex, device):
    g = torch.Generator().manual_seed(2)
    q, k, v = (torch.randn(2, 4, 8, generator=g).to(device).requires_grad_(True) for _ in range(3))
    mask = torch.ones(2, 4, 4, dtype=torch.bool, device=device)
    mask[1, 2] = False  # batch 1, query 2 may see nothing
    call = "scaled_dot_product_attention(q, k, v, mask) with mask[1, 2, :] all False"
    out, weights = ex.scaled_dot_product_attention(q, k, v, mask=mask)
    expect_true(not bool(torch.isnan(out).any() or torch.isnan(weights).any()), message=f"{call} produced NaN",
                hint="a row of -inf has max -inf and exp(-inf - -inf) = NaN: replace a -inf row max by 0 and divide by max(total, tiny)")
    zero_row = torch.zeros(4, device=device)
    expect_close(weights[1, 2].detach(), zero_row, what=f"{call}: weights[1, 2]", rtol=0, atol=0,
                 hint="the contract: a fully masked row has weights 0")
    expect_close(out[1, 2].detach(), torch.zeros(8, device=device), what=f"{call}: output[1, 2]", rtol=0, atol=0)
    want_out, _ = oracle(q.detach(), k.detach(), v.detach(), mask, False)
    expect_close(out.detach(), want_out, what=f"{call}: the other rows", rtol=1e-5, atol=1e-5)
    (out.sum() + weights.sum()).backward()
    expect_true(bool(torch.isfinite(q.grad).all() and torch.isfinite(k.grad).all() and torch.isfinite(v.grad).all()),
                message=f"{call}: the gradients contain inf or NaN")
    expect_close(q.grad[1, 2], torch.zeros(8, device=device), what=f"{call}: q.grad[1, 2]", rtol=0, atol=0,
                 hint="no gradient flows through a query that sees no key")


def test_attention_writes_its_own_softmax(ex, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("scaled_dot_product_attention called a built-in softmax/attention; write the softmax yourself")

    for owner, name in ((F, "scaled_dot_product_attention"), (F, "softmax"), (torch, "softmax"),
                        (torch.special, "softmax"), (torch.Tensor, "softmax")):
        monkeypatch.setattr(owner, name, forbidden)
    q = torch.randn(3, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    out, weights = ex.scaled_dot_product_attention(q, q, q, causal=True)
    monkeypatch.undo()
    want_out, want_weights = oracle(q, q, q, None, True)
    expect_close(weights, want_weights, what="scaled_dot_product_attention(q, q, q, causal=True) weights", rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "shapes,mask",
    [(((4, 8), (5, 7), (5, 8)), None), (((4, 8), (5, 8), (6, 8)), None), (((4, 8), (5, 8), (5, 8)), "float")],
    ids=["d-differs", "Lk-differs", "float-mask"],
)
def test_attention_rejects_mismatched_inputs(ex, shapes, mask):
    q, k, v = (torch.zeros(s) for s in shapes)
    m = None if mask is None else torch.zeros(4, 5)
    expect_raises(ValueError, lambda: ex.scaled_dot_product_attention(q, k, v, mask=m),
                  call=f"scaled_dot_product_attention(q {shapes[0]}, k {shapes[1]}, v {shapes[2]}, mask={mask})",
                  hint="check q/k feature sizes, k/v key counts, and that the mask is bool")


# ---------------------------------------------------------------- attention_heatmap

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    expect_true(data[:8] == PNG_SIGNATURE, message=f"{path.name} does not start with the PNG signature: {data[:8]!r}",
                hint="save with fig.savefig(path, format='png')")
    expect_equal(data[12:16], b"IHDR", call=f"the first chunk of {path.name}")
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(
    "n,tokens,size,subdir",
    [
        (4, ["the", "cat", "sat", "down"], None, ""),
        (1, ["solo"], (200, 120), ""),
        (3, ["注意", "力", "é"], (320, 240), "plots/day23"),
        (6, [f"t{i}" for i in range(6)], (640, 360), "a/b"),
    ],
)
def test_attention_heatmap_writes_a_png_of_the_stated_size(ex, tmp_path, n, tokens, size, subdir):
    g = torch.Generator().manual_seed(n)
    weights = torch.randn(n, n, generator=g).softmax(-1).requires_grad_(True)
    path = tmp_path / subdir / "attn.png"
    figures_before = plt.get_fignums()
    kwargs = {} if size is None else {"size": size}
    call = f"attention_heatmap(<{n}x{n} weights>, {tokens!r}, {str(path.relative_to(tmp_path))!r}, **{kwargs})"
    got = ex.attention_heatmap(weights, tokens, path, **kwargs)
    expect_equal(got, path, call=f"{call} return value", hint="return Path(path)")
    expect_true(path.is_file(), message=f"{call} did not create {path}", hint="create missing parent folders first")
    expect_equal(png_size(path), size or (480, 480), call=f"{call}: PNG (width, height)",
                 hint="figsize = (width / 100, height / 100) with dpi=100, and no bbox_inches='tight'")
    pixels = mpimg.imread(path)
    expect_true(float(pixels[..., :3].std()) > 0.01, message=f"{call} saved an image of one colour", hint="draw the weights with ax.imshow")
    expect_equal(plt.get_fignums(), figures_before, call=f"open pyplot figures after {call}",
                 hint="close the figure (plt.close(fig)), or use matplotlib.figure.Figure, which pyplot never tracks")


@pytest.mark.parametrize(
    "shape,n_tokens,size",
    [((3, 4), 3, (480, 480)), ((2, 3, 3), 3, (480, 480)), ((3, 3), 2, (480, 480)), ((3, 3), 3, (40, 480))],
    ids=["not-square", "3-d", "token-count", "too-small"],
)
def test_attention_heatmap_rejects_bad_input(ex, tmp_path, shape, n_tokens, size):
    path = tmp_path / "bad.png"
    expect_raises(ValueError, lambda: ex.attention_heatmap(torch.rand(shape), ["x"] * n_tokens, path, size=size),
                  call=f"attention_heatmap(torch.rand{shape}, <{n_tokens} tokens>, size={size})")
    expect_true(not path.exists(), message="attention_heatmap wrote a file for input it rejected", hint="validate before drawing")
