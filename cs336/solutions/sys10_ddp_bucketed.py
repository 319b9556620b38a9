"""sys-10: bucketed DDP, all-reducing gradients in a few large flat messages while backward runs.

Naive DDP (sys-08) all-reduces every gradient after ``backward`` (one call per
parameter, no overlap); overlapped DDP (sys-09) starts one asynchronous
all-reduce per parameter as soon as its gradient is ready (overlap, but many
small messages, each paying the collective's fixed latency). Bucketing takes
the middle road that ``torch.nn.parallel.DistributedDataParallel`` takes:

- ``assign_buckets``: group the trainable parameters, in *reverse* order
  (backward produces the last layers' gradients first), into buckets of at
  most ``bucket_size`` bytes; a parameter larger than a bucket gets its own;
- ``DDPBucketed``: when every gradient of a bucket is ready (post-accumulate-
  grad hooks), flatten the bucket into one tensor and start one asynchronous
  ``dist.all_reduce``; ``finish_gradient_synchronization`` waits for them,
  divides by the world size and copies the averages back into ``.grad``.

In scope: bucket assignment, hooks, flattening, async all-reduce, tied weights
(a Parameter used twice is one parameter with one gradient), frozen parameters.
Out of scope: gradient accumulation without sync (``no_sync``), rebuilding
buckets from the observed gradient order, gradient compression, NCCL streams.

Run it on two CPU processes (gloo):

    torchrun --nproc_per_node=2 -m cs336.sys10_ddp_bucketed
"""

from __future__ import annotations


import torch
import torch.distributed as dist
from torch import nn

from cs336.solutions.transformer_lm import TransformerLM
from utils.distributed import init_from_torchrun, run_main


def assign_buckets(param_sizes_bytes: list[int], bucket_size_bytes: float) -> list[list[int]]:
    """Group parameter indices into buckets, walking the parameters in reverse order.

    Greedy: start a bucket, add the next parameter (going from the last index
    down to 0) while the bucket's total stays ``<= bucket_size_bytes``; a
    parameter that does not fit closes the bucket and opens the next one. A
    parameter bigger than ``bucket_size_bytes`` therefore sits alone in its
    bucket. Every index appears exactly once; inside a bucket the indices are
    in reverse (descending) order.

    Args:
        param_sizes_bytes: the size in bytes of each parameter, in ``module.parameters()`` order.
        bucket_size_bytes: the most bytes one bucket may hold (> 0).

    Returns:
        The buckets, in the order their gradients become ready (the last parameters first).

    Raises:
        ValueError: ``bucket_size_bytes <= 0``.

    Example:
        >>> assign_buckets([40, 40, 100, 20, 20], 60)
        [[4, 3], [2], [1], [0]]

    Edge cases the tests try: no parameters (``[]``), one parameter, a
    parameter exactly the bucket size, one bigger than the bucket, a bucket
    so large that everything fits in one.
    """
    # TODO: walk range(len(sizes) - 1, -1, -1); close the current bucket when the next size would overflow it.
    # BEGIN SOLUTION
    if not bucket_size_bytes > 0:
        raise ValueError(f"bucket_size_bytes must be positive, got {bucket_size_bytes}")
    buckets: list[list[int]] = []
    current: list[int] = []
    current_bytes = 0
    for i in range(len(param_sizes_bytes) - 1, -1, -1):
        size = param_sizes_bytes[i]
        if current and current_bytes + size > bucket_size_bytes:
            buckets.append(current)
            current, current_bytes = [], 0
        current.append(i)
        current_bytes += size
    if current:
        buckets.append(current)
    return buckets
    # END SOLUTION


class DDPBucketed(nn.Module):
    """Data-parallel wrapper: bucketed, asynchronous gradient all-reduce overlapped with backward.

    Usage, on every rank (a process group must be initialised)::

        model = DDPBucketed(module, bucket_size_mb=25.0)
        loss = loss_fn(model(x_local), y_local)
        loss.backward()                          # buckets are all-reduced as they fill
        model.finish_gradient_synchronization()  # wait; .grad now holds the average over ranks
        optimizer.step()

    ``__init__`` broadcasts every parameter and buffer from rank 0 (all ranks
    start from the same weights), then assigns the parameters that require
    grad (``module.parameters()`` lists a tied Parameter once) to buckets with
    :func:`assign_buckets` (``bucket_size_mb * 2**20`` bytes) and registers a
    post-accumulate-grad hook on each. When the last gradient of a bucket has
    been accumulated the bucket is flattened into one tensor and all-reduced
    with ``dist.all_reduce(flat, async_op=True)`` — exactly one all-reduce call
    per bucket per step (the tests count calls of ``torch.distributed.all_reduce``).
    ``finish_gradient_synchronization`` also launches any bucket whose
    gradients never arrived (a parameter unused this step: zeros are reduced),
    so every rank makes the same calls; then waits, divides by the world size
    and writes each parameter's slice back into ``p.grad``.

    Attributes:
        module: the wrapped module.
        buckets: ``list[list[nn.Parameter]]``, in launch order.

    Edge cases the tests try: tied weights (an embedding shared with the
    output layer), frozen parameters (``requires_grad=False``: never reduced,
    never changed), one bucket for the whole model, one bucket per parameter.
    """

    def __init__(self, module: nn.Module, bucket_size_mb: float) -> None:
        super().__init__()
        self.module = module
        # TODO: broadcast parameters and buffers from rank 0; build self.buckets with assign_buckets over the
        # parameters that require grad; register_post_accumulate_grad_hook on each of them.
        # BEGIN SOLUTION
        self.world_size = dist.get_world_size()
        with torch.no_grad():
            for tensor in list(module.parameters()) + list(module.buffers()):
                dist.broadcast(tensor.data, src=0)
        params = [p for p in module.parameters() if p.requires_grad]  # a tied Parameter appears once
        sizes = [p.numel() * p.element_size() for p in params]
        order = assign_buckets(sizes, bucket_size_mb * 2**20)
        self.buckets = [[params[i] for i in bucket] for bucket in order]
        self._bucket_of = {id(p): b for b, bucket in enumerate(self.buckets) for p in bucket}
        self._ready = [0] * len(self.buckets)  # gradients accumulated so far, per bucket
        self._pending: dict[int, tuple[torch.Tensor, dist.Work]] = {}  # bucket -> (flat grads, work)
        for p in params:
            p.register_post_accumulate_grad_hook(self._on_grad_ready)
        # END SOLUTION

    def forward(self, *args, **kwargs):
        """Run the wrapped module."""
        # TODO: call the wrapped module.
        # BEGIN SOLUTION
        return self.module(*args, **kwargs)
        # END SOLUTION

    # BEGIN SOLUTION
    def _on_grad_ready(self, param: torch.Tensor) -> None:
        b = self._bucket_of[id(param)]
        self._ready[b] += 1
        if self._ready[b] == len(self.buckets[b]):
            self._launch(b)

    def _launch(self, b: int) -> None:
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.buckets[b]]
        flat = torch.cat([g.reshape(-1) for g in grads])  # one message for the whole bucket
        self._pending[b] = (flat, dist.all_reduce(flat, async_op=True))
    # END SOLUTION

    def finish_gradient_synchronization(self) -> None:
        """Wait for every bucket's all-reduce; leave the average over ranks in each ``p.grad``."""
        # TODO: launch the buckets that never filled; wait on each Work; divide by the world size; split the
        # flat tensor back (torch.split by numel, view_as) into p.grad; reset the per-step counters.
        # BEGIN SOLUTION
        for b in range(len(self.buckets)):
            if b not in self._pending:
                self._launch(b)
        for b, (flat, work) in sorted(self._pending.items()):
            work.wait()
            flat /= self.world_size
            bucket = self.buckets[b]
            for p, g in zip(bucket, torch.split(flat, [p.numel() for p in bucket])):
                if p.grad is None:
                    p.grad = g.view_as(p).clone()
                else:
                    p.grad.copy_(g.view_as(p))
        self._pending.clear()
        self._ready = [0] * len(self.buckets)
        # END SOLUTION


def main() -> None:
    """A few training steps of a small TransformerLM under ``torchrun``; prints each rank's loss."""
    rank, world, device = init_from_torchrun()
    torch.manual_seed(rank)  # different initial weights on purpose: __init__ must broadcast rank 0's
    lm = TransformerLM(vocab_size=256, context_length=32, d_model=64, num_layers=2, num_heads=4, d_ff=128,
                       rope_theta=10000.0, device=device)
    model = DDPBucketed(lm, bucket_size_mb=0.05)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, 256, (4 * world, 33), generator=g)[rank::world].to(device)  # this rank's slice
    for step in range(3):
        optimizer.zero_grad(set_to_none=True)
        logits = model(tokens[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())
        loss.backward()
        model.finish_gradient_synchronization()
        optimizer.step()
        print(f"rank {rank}: step {step} loss {loss.item():.4f} ({len(model.buckets)} buckets)")
    dist.destroy_process_group()


if __name__ == "__main__":
    run_main(main)
