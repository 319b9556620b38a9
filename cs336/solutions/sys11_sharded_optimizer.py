"""sys-11: optimizer state sharding (ZeRO stage 1): each rank keeps the optimizer state of its shard only.

With data parallelism every rank holds the same parameters, gradients and
optimizer state. AdamW keeps two float32 tensors per parameter (``exp_avg``,
``exp_avg_sq``), twice the parameters' own memory. ZeRO stage 1 splits the
*optimizer state*: the parameters are divided into ``world_size`` shards of
about equal element count; rank ``r`` builds the wrapped optimizer over shard
``r`` only, steps only those parameters, then broadcasts each updated
parameter from its owner so that every rank again holds the full model.

- ``ShardedOptimizer(params, optimizer_cls, **kwargs)``: a
  ``torch.optim.Optimizer`` whose ``param_groups`` list every parameter (so
  ``zero_grad`` and learning-rate schedules work as usual), while
  ``self.optimizer`` (an ``optimizer_cls``) sees only this rank's shard.

In scope: deterministic, balanced sharding; ``add_param_group`` (also when the
base class's constructor calls it); hyper-parameters changed on
``param_groups`` reaching the wrapped optimizer; the broadcast after the step.
Out of scope: gradient sharding (ZeRO-2: reduce-scatter instead of
all-reduce), parameter sharding (ZeRO-3 / FSDP, sys-12), ``state_dict``
consolidation across ranks. The gradients must already be averaged over the
ranks (by DDP) when ``step`` is called.

Run it on two CPU processes (gloo):

    torchrun --nproc_per_node=2 -m cs336.sys11_sharded_optimizer
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

from cs336.solutions.transformer_lm import TransformerLM
from utils.distributed import init_from_torchrun, run_main


class ShardedOptimizer(torch.optim.Optimizer):
    """Wrap ``optimizer_cls`` so that each rank keeps state for its own shard of the parameters.

    Sharding rule (deterministic, the same on every rank): walk the parameters
    in the order they are given (group by group; a Parameter seen before keeps
    its owner) and give each to the rank with the fewest elements so far, the
    lowest rank on a tie. So ``numel`` 6, 4, 4, 2 on two ranks go to
    ranks 0, 1, 1, 0 (loads 8 and 8).

    ``step(closure=None, **kwargs)`` first copies each group's hyper-parameters
    (everything but ``"params"``) from ``self.param_groups`` into the wrapped
    optimizer (so a changed ``lr`` takes effect), calls the wrapped
    optimizer's ``step``, then broadcasts every parameter from its owner
    (``dist.broadcast(p.data, src=owner)``, the same order on every rank).
    ``zero_grad`` is the base class's: it clears every parameter's gradient.

    Args:
        params: parameters or parameter groups, as for any ``torch.optim.Optimizer``.
        optimizer_cls: the optimizer to shard, e.g. ``torch.optim.AdamW``.
        **kwargs: its options (``lr=1e-3, weight_decay=0.1``); group entries override them.

    Attributes:
        optimizer: the ``optimizer_cls`` instance over this rank's shard (its
            ``state`` holds this rank's optimizer state only).

    Example (2 ranks)::

        opt = ShardedOptimizer(model.parameters(), torch.optim.AdamW, lr=1e-3)
        loss.backward(); ddp.finish_gradient_synchronization()
        opt.step()        # rank 0 updates its shard, rank 1 its own; then both hold every new value

    Edge cases the tests try: AdamW and SGD with momentum, several steps,
    tied weights (one Parameter used twice by the model, listed once by ``parameters()``), frozen parameters (no gradient:
    the wrapped optimizer skips them), two parameter groups with different
    ``lr``, a rank whose shard is empty (more ranks than parameters).
    """

    def __init__(self, params: Iterable[nn.Parameter] | Iterable[dict[str, Any]], optimizer_cls: type[torch.optim.Optimizer],
                 **kwargs: Any) -> None:
        # TODO: remember rank, world size, optimizer_cls and kwargs, and an empty owner map and per-rank loads
        # BEFORE calling super().__init__(params, kwargs): the base constructor calls self.add_param_group.
        # BEGIN SOLUTION
        self.rank, self.world_size = dist.get_rank(), dist.get_world_size()
        self.optimizer_cls, self.kwargs = optimizer_cls, kwargs
        self.optimizer: torch.optim.Optimizer | None = None
        self._owner: dict[nn.Parameter, int] = {}
        self._load = [0] * self.world_size  # elements assigned to each rank
        super().__init__(params, kwargs)
        # END SOLUTION

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group to ``self.param_groups`` (all parameters) and its local part to ``self.optimizer``."""
        # TODO: let the base class add the full group; assign owners to new parameters; build self.optimizer
        # (first group) or call its add_param_group with the parameters this rank owns (maybe none).
        # BEGIN SOLUTION
        super().add_param_group(param_group)
        group = self.param_groups[-1]  # normalised by the base class: "params" is a list, defaults filled in
        for p in group["params"]:
            if p not in self._owner:
                owner = min(range(self.world_size), key=lambda r: (self._load[r], r))
                self._owner[p] = owner
                self._load[owner] += p.numel()
        local = {**{k: v for k, v in group.items() if k != "params"},
                 "params": [p for p in group["params"] if self._owner[p] == self.rank]}
        if self.optimizer is None:
            self.optimizer = self.optimizer_cls([local], **self.kwargs)
        else:
            self.optimizer.add_param_group(local)
        # END SOLUTION

    @torch.no_grad()
    def step(self, closure=None, **kwargs: Any):
        """Step this rank's shard, then broadcast every parameter from its owner; return the closure's loss."""
        # TODO: sync hyper-parameters into self.optimizer.param_groups, step it, then broadcast each parameter
        # (in self.param_groups order) from its owner rank.
        # BEGIN SOLUTION
        for full, local in zip(self.param_groups, self.optimizer.param_groups):
            local.update({k: v for k, v in full.items() if k != "params"})
        if closure is not None:
            with torch.enable_grad():
                loss = self.optimizer.step(closure, **kwargs)
        else:
            loss = self.optimizer.step(**kwargs)
        seen: set[int] = set()
        for group in self.param_groups:
            for p in group["params"]:
                if id(p) not in seen:
                    seen.add(id(p))
                    dist.broadcast(p.data, src=self._owner[p])
        return loss
        # END SOLUTION


def main() -> None:
    """A few steps of a small TransformerLM with a sharded AdamW under ``torchrun``; prints state sizes."""
    rank, world, device = init_from_torchrun()
    torch.manual_seed(0)  # the same initial weights on every rank
    model = TransformerLM(vocab_size=256, context_length=32, d_model=64, num_layers=2, num_heads=4, d_ff=128,
                          rope_theta=10000.0, device=device)
    optimizer = ShardedOptimizer(model.parameters(), torch.optim.AdamW, lr=1e-3)
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, 256, (4 * world, 33), generator=g)[rank::world].to(device)
    for step in range(3):
        optimizer.zero_grad(set_to_none=True)
        logits = model(tokens[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tokens[:, 1:].flatten())
        loss.backward()
        for p in model.parameters():  # plain DDP-style averaging (sys-08)
            dist.all_reduce(p.grad)
            p.grad /= world
        optimizer.step()
        print(f"rank {rank}: step {step} loss {loss.item():.4f}")
    state_bytes = sum(t.numel() * t.element_size() for s in optimizer.optimizer.state.values()
                      for t in s.values() if torch.is_tensor(t))
    param_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    print(f"rank {rank}: optimizer state {state_bytes} bytes for {param_bytes} bytes of parameters")
    dist.destroy_process_group()


if __name__ == "__main__":
    run_main(main)
