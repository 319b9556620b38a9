"""Day 26: the numbers behind interview questions — parameters, FLOPs, KV cache.

Most of today is the quiz (``learn quiz torch-26``). The graded part is three
back-of-the-envelope calculators that interviews ask for on a whiteboard:

- ``count_parameters``: how many numbers a model learns (tied weights once);
- ``attention_flops``: the forward cost of one self-attention layer;
- ``kv_cache_bytes``: the memory a KV cache needs while generating.

Conventions: a multiply-add is 2 FLOPs (``(m, k) @ (k, n)`` costs ``2 m k n``);
element-wise work (softmax, scaling, biases) is left out, as the usual
estimates do. Sizes are exact integers, not rounded to GB.

In scope: counting, by hand and with code. Out of scope: backward FLOPs
(about twice the forward), activation memory, optimizer state (cs336).

Run the demo: .venv/bin/python -m torch_days.day26_theory
"""

from __future__ import annotations

import torch
from torch import nn


def count_parameters(model: nn.Module, *, trainable_only: bool = False) -> int:
    """The number of scalar parameters in ``model``.

    A parameter shared by two modules (tied input and output embeddings)
    counts once. Buffers (e.g. BatchNorm's running statistics) are not
    parameters and do not count. With ``trainable_only=True`` only
    parameters with ``requires_grad`` count.

    Args:
        model: any ``nn.Module``.
        trainable_only: count only the parameters an optimiser would update.

    Returns:
        an ``int`` ``>= 0``.

    Example:
        >>> count_parameters(nn.Linear(10, 5))
        55
        >>> emb = nn.Embedding(100, 8); head = nn.Linear(8, 100, bias=False)
        >>> head.weight = emb.weight
        >>> count_parameters(nn.ModuleList([emb, head]))
        800

    Edge cases the tests try: a module without parameters, tied weights,
    frozen parameters, BatchNorm buffers, nn.MultiheadAttention.
    """
    # TODO: model.parameters() yields each parameter once (it skips
    # duplicates); sum .numel(), filtering on requires_grad if asked.
    raise NotImplementedError("torch-26: count_parameters is not written yet")


def attention_flops(seq: int, d_model: int, n_heads: int) -> int:
    """Forward FLOPs of one multi-head self-attention layer on one sequence.

    Four matrix products, counted at 2 FLOPs per multiply-add:

    - q, k, v projections: ``3 * (2 * seq * d_model * d_model)``;
    - scores ``q k^T``, summed over heads: ``2 * seq * seq * d_model``;
    - weights times ``v``, summed over heads: ``2 * seq * seq * d_model``;
    - output projection: ``2 * seq * d_model * d_model``.

    Total ``8 * seq * d_model**2 + 4 * seq**2 * d_model``. The number of
    heads does not change it (each head does ``1/n_heads`` of the work), but
    it must divide ``d_model``.

    Args:
        seq: tokens in the sequence, ``>= 0``.
        d_model: model width, ``> 0``.
        n_heads: heads, ``> 0``, dividing ``d_model``.

    Returns:
        an ``int``.

    Raises:
        ValueError: a negative ``seq``, a size ``<= 0``, or ``d_model % n_heads != 0``.

    Example:
        >>> attention_flops(10, 64, 4)
        353280

    Edge cases the tests try: ``seq`` 0 and 1, one head, ``n_heads ==
    d_model``, a 7B-sized layer, bad sizes.
    """
    # TODO: validate, then add up the four products above.
    raise NotImplementedError("torch-26: attention_flops is not written yet")


def kv_cache_bytes(
    n_layers: int,
    n_kv_heads: int,
    head_dim: int,
    seq_len: int,
    *,
    batch: int = 1,
    dtype: torch.dtype = torch.float16,
) -> int:
    """Bytes of the key/value cache for ``batch`` sequences of ``seq_len`` tokens.

    Every layer keeps one key and one value vector per token, per KV head:
    ``2 * n_layers * batch * seq_len * n_kv_heads * head_dim`` numbers of
    ``dtype``'s size (``torch.finfo``/``iinfo`` bits / 8, or
    ``dtype.itemsize``). With grouped-query attention ``n_kv_heads`` is
    smaller than the number of query heads — that is the point of it.

    Args:
        n_layers, n_kv_heads, head_dim: the model's shape, each ``> 0``.
        seq_len: tokens cached per sequence, ``>= 0``.
        batch: sequences, ``>= 0``.
        dtype: the cache's dtype.

    Returns:
        an ``int`` number of bytes.

    Raises:
        ValueError: a size ``<= 0`` or a negative ``seq_len``/``batch``.

    Example:
        >>> kv_cache_bytes(32, 32, 128, 4096)  # a 7B model, 4k tokens, fp16: 2 GiB
        2147483648

    Edge cases the tests try: ``seq_len`` 0, float32/bfloat16/int8/float8
    caches, grouped-query attention, a batch, bad sizes.
    """
    # TODO: validate, then multiply; dtype.itemsize is the number of bytes per element.
    raise NotImplementedError("torch-26: kv_cache_bytes is not written yet")


if __name__ == "__main__":
    print(count_parameters(nn.Linear(10, 5)))
    print(attention_flops(10, 64, 4))
    print(kv_cache_bytes(32, 32, 128, 4096) / 2**30, "GiB")
