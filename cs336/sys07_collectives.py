"""sys-07: collective communication written with point-to-point messages, and timed.

Every rank runs the same code; ranks talk only through ``dist.send`` /
``dist.recv`` (and ``dist.isend`` / ``dist.irecv``):

- ``broadcast(tensor, src)``: ``src``'s values end up on every rank;
- ``all_gather(tensor)``: every rank gets every rank's tensor, as a list by rank;
- ``reduce_scatter(tensor, op)``: the ranks' tensors are summed (or averaged)
  element-wise and rank ``r`` keeps only chunk ``r`` of the result (a ring);
- ``all_reduce(tensor, op)``: every rank gets the whole sum (or mean), built
  as reduce-scatter followed by all-gather (the bandwidth-optimal ring);
- ``time_collective(op, sizes_bytes)``: median seconds of one call per size,
  with warm-up, a barrier before each timed call and CUDA synchronisation.

In scope: the message patterns and their cost. Out of scope: trees and
hierarchical algorithms, NCCL's own kernels, process-group creation (the
launcher or torchrun does it).

Run the demo on 2 processes: torchrun --nproc_per_node=2 -m cs336.sys07_collectives
"""

from __future__ import annotations

import statistics
import time
from typing import Callable

import torch
import torch.distributed as dist

from utils.distributed import init_from_torchrun, run_main

OPS = ("sum", "mean")


def _check_op(op: str) -> None:
    if op not in OPS:
        raise ValueError(f"op must be one of {OPS}, got {op!r}")


def broadcast(tensor: torch.Tensor, src: int = 0) -> None:
    """Copy ``src``'s ``tensor`` into every rank's ``tensor``, in place.

    Every rank passes a tensor of the same shape and dtype; on return all of
    them hold the values ``src`` had.

    Args:
        tensor: any shape (also empty or 0-d); overwritten on ranks other than ``src``.
        src: the rank whose values win, ``0 <= src < world_size``.

    Raises:
        ValueError: ``src`` outside ``0 .. world_size - 1``.

    Example (2 ranks):
        rank 0: t = tensor([1., 2.]); rank 1: t = tensor([0., 0.])
        broadcast(t, src=0)  ->  both ranks: t == tensor([1., 2.])

    Edge cases the tests try: src = 0 and src = last rank, an empty tensor, a
    0-d tensor, int64 values, 3 ranks.
    """
    # TODO: use only dist.send / dist.recv (no dist.broadcast): src sends to
    # every other rank, the others receive into `tensor`.
    raise NotImplementedError("sys-07: broadcast is not written yet")


def all_gather(tensor: torch.Tensor) -> list[torch.Tensor]:
    """Every rank's ``tensor``, as a list ordered by rank (a ring: ``world_size - 1`` steps).

    Args:
        tensor: this rank's tensor; every rank passes the same shape and dtype.

    Returns:
        ``[tensor of rank 0, tensor of rank 1, ...]``, new tensors (the input is
        not modified); entry ``rank`` equals this rank's own ``tensor``.

    Example (2 ranks):
        rank 0: tensor([1, 2]); rank 1: tensor([3, 4])
        all_gather(t)  ->  on both ranks: [tensor([1, 2]), tensor([3, 4])]

    Edge cases the tests try: 2-d tensors, an empty tensor, float64 and int64, 3 ranks.
    """
    # TODO: only send/recv/isend/irecv (no dist.all_gather). Ring: at step s
    # (0 .. world_size-2), send the piece of rank (rank - s) % world_size to the
    # next rank and receive the piece of rank (rank - s - 1) % world_size.
    raise NotImplementedError("sys-07: all_gather is not written yet")


def reduce_scatter(tensor: torch.Tensor, op: str = "sum") -> torch.Tensor:
    """Chunk ``rank`` of the element-wise sum (or mean) of every rank's ``tensor`` (a ring).

    The input is split along dim 0 into ``world_size`` equal chunks
    (``tensor.tensor_split(world_size)``); rank ``r`` returns
    ``sum over ranks q of chunk r of q's tensor`` (divided by ``world_size``
    for ``"mean"``), shape ``(tensor.shape[0] // world_size, *tensor.shape[1:])``.

    Args:
        tensor: ``(world_size * k, ...)``, same shape and dtype on every rank; not modified.
        op: ``"sum"`` or ``"mean"`` (``"mean"`` needs a floating dtype).

    Returns:
        A new tensor, this rank's reduced chunk.

    Raises:
        ValueError: an unknown ``op``, or ``tensor.shape[0]`` not a multiple of ``world_size``.

    Example (2 ranks):
        rank 0: tensor([1., 2., 3., 4.]); rank 1: tensor([10., 20., 30., 40.])
        reduce_scatter(t, "sum")  ->  rank 0: tensor([11., 22.]); rank 1: tensor([33., 44.])

    Edge cases the tests try: k = 1, 2-d chunks, int64 with "sum", "mean", 3 ranks.
    """
    # TODO: only send/recv/isend/irecv. Ring: at step s send the partial sum of
    # chunk (rank - s - 1) % world_size to the next rank, receive the partial sum of
    # chunk (rank - s - 2) % world_size and add it to your own; after world_size - 1
    # steps chunk `rank` is complete. Never add into the caller's tensor.
    raise NotImplementedError("sys-07: reduce_scatter is not written yet")


def all_reduce(tensor: torch.Tensor, op: str = "sum") -> None:
    """Replace every rank's ``tensor`` with the element-wise sum (or mean) over ranks, in place.

    Built as ``reduce_scatter`` then ``all_gather``: each rank sends
    ``2 * (world_size - 1) / world_size`` times the tensor's size in total,
    whatever the number of ranks.

    Args:
        tensor: any shape and numel (the flattened tensor is zero-padded to a
            multiple of ``world_size`` inside); same on every rank.
        op: ``"sum"`` or ``"mean"``.

    Raises:
        ValueError: an unknown ``op``.

    Example (2 ranks):
        rank 0: tensor([1., 2., 3.]); rank 1: tensor([10., 20., 30.])
        all_reduce(t, "mean")  ->  both: tensor([5.5, 11., 16.5])

    Edge cases the tests try: numel not a multiple of world_size (1, 5, 7
    elements), a 0-d tensor, 2-d and 3-d shapes, int64 with "sum", 3 ranks, and
    the number of elements each rank sends.
    """
    # TODO: use your reduce_scatter and all_gather (no dist.all_reduce): flatten,
    # pad to a multiple of world_size, reduce-scatter, all-gather, cat, cut the
    # padding off and copy into `tensor`.
    raise NotImplementedError("sys-07: all_reduce is not written yet")


def time_collective(
    op: Callable[[torch.Tensor], object],
    sizes_bytes: list[int],
    *,
    warmup: int = 2,
    repeats: int = 5,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str = "cpu",
) -> dict[int, float]:
    """Median seconds of one ``op(tensor)`` call for each message size.

    For each size: make a tensor of ``size // dtype's element size`` elements on
    ``device``, call ``op`` ``warmup`` times untimed, then ``repeats`` times,
    each timed as: ``dist.barrier()``, synchronise CUDA, start the clock
    (``time.perf_counter``), ``op(tensor)``, synchronise CUDA, stop the clock.
    Every rank must call this with the same arguments (the barriers must match).

    Args:
        op: a collective run on every rank, e.g. ``all_reduce`` or
            ``lambda t: dist.all_reduce(t)``.
        sizes_bytes: message sizes in bytes, each a multiple of the element size (may be 0).
        warmup, repeats: untimed and timed calls per size (``repeats >= 1``).
        dtype, device: of the message tensor.

    Returns:
        ``{size_bytes: median seconds}`` in the order of ``sizes_bytes`` (this rank's clock).

    Raises:
        ValueError: a size that is negative or not a multiple of the element size, or ``repeats < 1``.

    Example:
        time_collective(lambda t: dist.all_reduce(t), [4, 4096, 1 << 20])
        -> {4: 3.1e-05, 4096: 4.0e-05, 1048576: 0.0012}   (2 gloo ranks, one laptop)

    Edge cases the tests try: the number of calls and their sizes, that
    warm-up calls are not timed, a barrier before every timed call, a bad size.
    """
    # TODO: a barrier before each timed call lines the ranks up, so a rank does not
    # time its wait for a late peer; torch.cuda.synchronize() before reading the clock
    # when the tensor is on CUDA (kernels run asynchronously).
    raise NotImplementedError("sys-07: time_collective is not written yet")


def main() -> None:
    """Run under torchrun: check every collective against torch.distributed's, then time all-reduce."""
    rank, world_size, device = init_from_torchrun()
    try:
        x = torch.arange(6, dtype=torch.float32, device=device) + 100 * rank
        mine, theirs = x.clone(), x.clone()
        all_reduce(mine)
        dist.all_reduce(theirs)
        print(f"[rank {rank}/{world_size} {dist.get_backend()}] all_reduce {mine.tolist()} matches dist.all_reduce: "
              f"{torch.equal(mine, theirs)}", flush=True)
        print(f"[rank {rank}] all_gather {[t.tolist() for t in all_gather(x[:2])]}", flush=True)
        sizes = [1 << k for k in range(10, 23, 3)]  # 1 KiB .. 4 MiB
        for name, fn in (("ours", all_reduce), ("dist.all_reduce", lambda t: dist.all_reduce(t))):
            timings = time_collective(fn, sizes, device=device)
            if rank == 0:
                for size, seconds in timings.items():
                    # Bus bandwidth of a ring all-reduce: each rank moves 2 (n-1)/n of the buffer.
                    bus = 2 * (world_size - 1) / world_size * size / seconds / 1e9
                    print(f"{name:>16} {size:>10} B  {seconds * 1e6:9.1f} us  {bus:6.2f} GB/s bus bandwidth", flush=True)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    run_main(main)
