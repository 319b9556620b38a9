"""Workloads and probes shared by the data-parallel grading suites (sys-08 to sys-11).

Built from torch built-ins and the course's reference modules only, so a DDP
test never fails because of another exercise:

- ``TiedNet``: a tiny token model with a TIED weight (the embedding is also the
  output layer), a FROZEN linear layer, an UNUSED parameter and a buffer;
- ``TiedToyLM``: the bucketed-DDP and sharded-optimizer workload (a tied
  embedding/output weight, a frozen layer, a per-channel scale) whose
  parameter sizes the sys-10 bucket tests count by hand;
- ``make_model(kind, seed)``: ``"tied"`` (TiedNet, float32) or ``"lm"`` (a small
  reference ``TransformerLM``, float32);
- ``global_batch(kind)``, ``token_loss``, ``make_optimizer``;
- ``single_process(kind, steps)``: the oracle: one process training on the
  whole global batch, returning the parameters after every step;
- ``AllReduceLog``: in a child, wraps ``dist.all_reduce`` to record which
  gradient each call reduced, whether it was async, whether it was issued
  during backward and when its handle was waited on.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from cs336.solutions.transformer_lm import TransformerLM

VOCAB = 13
GLOBAL_BATCH = 4  # 2 examples per rank on 2 ranks
SEQ = 6
STEPS = 3
INIT_SEED = 100  # rank r builds its model with INIT_SEED + r; rank 0's weights must win
# float32, a few steps of SGD/AdamW on tiny models: the data-parallel run and the single
# process add the same numbers in a different order, which moves parameters by ~1e-7.
ATOL, RTOL = 1e-5, 1e-5


class TiedNet(nn.Module):
    """tokens (batch, seq) -> logits (batch, seq, VOCAB); ``head.weight is embed.weight``."""

    def __init__(self, d: int = 8):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d)
        self.hidden = nn.Linear(d, d)
        self.frozen = nn.Linear(d, d)
        self.frozen.requires_grad_(False)
        self.head = nn.Linear(d, VOCAB, bias=False)
        self.head.weight = self.embed.weight  # tied: one Parameter used twice
        self.unused = nn.Parameter(torch.ones(3))  # never touched by forward: it gets no gradient
        self.register_buffer("scale", torch.rand(d) + 0.5)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens) * self.scale  # (batch, seq, d)
        h = torch.tanh(self.hidden(h))
        h = h + self.frozen(h)
        return self.head(h)  # (batch, seq, VOCAB)


class TiedToyLM(nn.Module):
    """Embedding tied to the output layer, a frozen layer, a per-channel scale.

    Trainable parameters in ``parameters()`` order (float32 bytes):
    emb.weight (16, 8) 512, hidden.weight (8, 8) 256, hidden.bias 32, scale 32;
    frozen.weight (8, 8) does not require grad. emb.weight is used twice.
    """

    def __init__(self, vocab: int = 16, d_model: int = 8) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab, d_model)
        self.hidden = nn.Linear(d_model, d_model)
        self.frozen = nn.Linear(d_model, d_model, bias=False)
        self.frozen.weight.requires_grad_(False)
        self.scale = nn.Parameter(torch.ones(d_model))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.emb(tokens)  # (B, T, d)
        h = torch.tanh(self.hidden(h)) + self.frozen(h)
        return (h * self.scale) @ self.emb.weight.T  # (B, T, vocab), tied output layer


def make_model(kind: str, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    if kind == "tied":
        return TiedNet()
    if kind == "lm":
        return TransformerLM(vocab_size=VOCAB, context_length=SEQ, d_model=16, num_layers=2, num_heads=2,
                             d_ff=32, rope_theta=10000.0)
    raise ValueError(kind)


def trainable_names(model: nn.Module) -> list[str]:
    """Names of the unique trainable parameters that get a gradient, in ``parameters()`` order."""
    return [name for name, p in model.named_parameters() if p.requires_grad and name != "unused"]


def global_batch(kind: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs, targets) of shape (GLOBAL_BATCH, SEQ), the same on every rank."""
    g = torch.Generator().manual_seed(7 if kind == "tied" else 8)
    tokens = torch.randint(0, VOCAB, (GLOBAL_BATCH, SEQ + 1), generator=g)
    return tokens[:, :-1], tokens[:, 1:]


def token_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def make_optimizer(kind: str, params) -> torch.optim.Optimizer:
    """SGD with momentum: unlike Adam it is not scale-invariant, so a sum of gradients
    where the mean belongs (a missing division by world_size) changes the result."""
    if kind == "tied":
        return torch.optim.SGD(params, lr=0.5, momentum=0.9)
    return torch.optim.SGD(params, lr=0.2, momentum=0.9, weight_decay=0.01)


def snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: t.detach().clone() for name, t in model.state_dict().items()}


def single_process(kind: str, steps: int = STEPS) -> list[dict[str, torch.Tensor]]:
    """The oracle: rank 0's initial model trained on the whole global batch; state after each step."""
    model = make_model(kind, INIT_SEED)
    optimizer = make_optimizer(kind, model.parameters())
    x, y = global_batch(kind)
    states = []
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        token_loss(model(x), y).backward()
        optimizer.step()
        states.append(snapshot(model))
    return states


class AllReduceLog:
    """In a child: wrap ``dist.all_reduce`` to record every call made inside ``with log:``.

    Each call is recorded as a dict: ``name`` (the parameter whose ``.grad`` is
    the reduced tensor, or a description of another tensor), ``async_op``,
    ``in_backward`` (set by the worker around ``loss.backward()``), ``step``,
    and, for async calls, ``waited`` (the phase in which ``wait()`` was first
    called on the handle: "backward", "between" or "finish").
    """

    def __init__(self, model: nn.Module):
        self.model = model
        self.calls: list[dict] = []
        self.phase = "forward"
        self.step = 0

    def __enter__(self):
        self.real = dist.all_reduce
        dist.all_reduce = self._all_reduce
        return self

    def __exit__(self, *exc):
        dist.all_reduce = self.real

    def _name_of(self, tensor: torch.Tensor) -> str:
        for name, p in self.model.named_parameters():
            if p.grad is not None and p.grad.data_ptr() == tensor.data_ptr() and p.grad.shape == tensor.shape:
                return name
            if p.data_ptr() == tensor.data_ptr() and p.shape == tensor.shape:
                return f"{name} (the parameter itself, not its .grad)"
        return f"another tensor of shape {tuple(tensor.shape)}"

    def _all_reduce(self, tensor, *args, **kwargs):
        record = {"name": self._name_of(tensor), "async_op": bool(kwargs.get("async_op", False)),
                  "in_backward": self.phase == "backward", "step": self.step, "waited": None}
        self.calls.append(record)
        work = self.real(tensor, *args, **kwargs)
        if work is None:
            return None
        log = self

        class Handle:  # the real Work, noting when it is first waited on
            def wait(self, *a, **k):
                if record["waited"] is None:
                    record["waited"] = log.phase
                return work.wait(*a, **k)

            def __getattr__(self, attr):
                return getattr(work, attr)

        return Handle()
