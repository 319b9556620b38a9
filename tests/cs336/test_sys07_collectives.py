"""Grading sys-07: broadcast, all_gather, reduce_scatter, all_reduce from send/recv; time_collective.

Every collective runs once on 3 gloo processes (3 ranks find ring-index
mistakes that 2 ranks hide), with torch.distributed's own collectives
forbidden while the learner's code runs. Oracles: the mathematical
definition computed here from every rank's seeded input, and the built-in
collective (``dist.broadcast``, ``dist.all_gather``, ``dist.reduce_scatter_tensor``,
``dist.all_reduce``) run on the same inputs afterwards. Tolerance: exact for
int64, 1e-12 for float64 (sums of 3 values in a different order).
"""

from __future__ import annotations

import contextlib
import time

import pytest
import torch
import torch.distributed as dist
import torch.distributed.distributed_c10d as c10d

from curriculum.grading.distributed import attempt, unwrap
from curriculum.grading.plugin import NotWrittenYet
from curriculum.grading.testing import expect_close, expect_equal, expect_true

pytestmark = [pytest.mark.exercise("sys-07"), pytest.mark.distributed]

WORLD = 3
TOL = 1e-12

# (case name, shape, dtype)
BROADCAST_CASES = [("vector", (4,), torch.float64), ("0-d", (), torch.float64), ("empty", (0,), torch.float64),
                   ("int64 matrix", (2, 3), torch.int64)]
GATHER_CASES = [("vector", (2,), torch.float64), ("matrix", (2, 3), torch.float64), ("empty", (0,), torch.float64),
                ("int64", (5,), torch.int64)]
SCATTER_CASES = [("k=1", (3,), torch.float64, "sum"), ("k=2", (6,), torch.float64, "sum"),
                 ("2-d chunks", (6, 2), torch.float64, "mean"), ("int64", (9,), torch.int64, "sum")]
REDUCE_CASES = [("1 element", (1,), torch.float64, "sum"), ("5 elements", (5,), torch.float64, "mean"),
                ("7 elements", (7,), torch.float64, "sum"), ("0-d", (), torch.float64, "mean"),
                ("2-d", (2, 3), torch.float64, "sum"), ("3-d", (2, 3, 4), torch.float64, "mean"),
                ("int64", (4, 5), torch.int64, "sum"), ("600 elements", (600,), torch.float64, "sum")]
TRAFFIC_N = 600  # all_reduce of 600 float64 on 3 ranks: a ring sends 2 * 2/3 * 600 = 800 elements per rank


def make_input(rank: int, case: str, shape, dtype) -> torch.Tensor:
    """Rank ``rank``'s input for ``case``: seeded, so the parent can rebuild every rank's input."""
    g = torch.Generator().manual_seed(_seed(rank, case))
    if dtype == torch.int64:
        return torch.randint(-50, 50, shape, generator=g)
    return torch.randn(shape, generator=g, dtype=dtype)


def _seed(rank: int, case: str) -> int:
    return 1000 * rank + sum(ord(c) * (i + 1) for i, c in enumerate(case))  # stable across processes


# ---------------------------------------------------------------- in the children

BUILTINS = ["all_reduce", "all_gather", "all_gather_into_tensor", "reduce_scatter", "reduce_scatter_tensor",
            "broadcast", "reduce", "scatter", "gather", "all_to_all", "all_to_all_single", "broadcast_object_list",
            "all_gather_object", "reduce_scatter_single", "all_gather_single"]


@contextlib.contextmanager
def point_to_point_only(where: str, sent: list[int]):
    """Forbid the built-in collectives and count the elements this rank sends."""
    saved = {name: getattr(dist, name) for name in BUILTINS + ["send", "isend", "batch_isend_irecv"] if hasattr(dist, name)}

    def forbidden(name):
        def call(*args, **kwargs):
            raise AssertionError(f"{where} called dist.{name}; build it from dist.send/recv/isend/irecv only")
        return call

    depth = [0]

    def counting(name):
        original = saved[name]

        def call(tensor, *args, **kwargs):
            if depth[0] == 0:
                sent[0] += tensor.numel()
            depth[0] += 1
            try:
                return original(tensor, *args, **kwargs)
            finally:
                depth[0] -= 1
        return call

    for name in BUILTINS:
        if name in saved:
            setattr(dist, name, forbidden(name))
    for name in ("send", "isend"):
        # Also in distributed_c10d, whose own identity checks (P2POp) look the names up there.
        setattr(dist, name, counting(name))
        setattr(c10d, name, getattr(dist, name))
    senders = {saved["send"], saved["isend"], dist.send, dist.isend}

    def batch(ops, *args, **kwargs):  # P2POp lists: count the sends among them
        if depth[0] == 0:
            sent[0] += sum(op.tensor.numel() for op in ops if op.op in senders)
        depth[0] += 1
        try:
            return saved["batch_isend_irecv"](ops, *args, **kwargs)
        finally:
            depth[0] -= 1

    dist.batch_isend_irecv = batch
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(dist, name, fn)
        c10d.send, c10d.isend = saved["send"], saved["isend"]


def collectives_worker(rank, world_size, m):
    out = {"broadcast": {}, "all_gather": {}, "reduce_scatter": {}, "all_reduce": {}}
    for src in (0, world_size - 1):
        for case, shape, dtype in BROADCAST_CASES:
            x = make_input(rank, case, shape, dtype)
            with point_to_point_only("broadcast", [0]):
                status = attempt(m.broadcast, x, src)
            builtin = make_input(rank, case, shape, dtype)
            dist.broadcast(builtin, src)
            out["broadcast"][(case, src)] = (status[0], status[1] if status[0] != "ok" else x, builtin)
    for case, shape, dtype in GATHER_CASES:
        x = make_input(rank, case, shape, dtype)
        with point_to_point_only("all_gather", [0]):
            status = attempt(m.all_gather, x)
        builtin = [torch.empty_like(x) for _ in range(world_size)]
        dist.all_gather(builtin, x)
        out["all_gather"][case] = (*status, builtin, x)
    for case, shape, dtype, op in SCATTER_CASES:
        x = make_input(rank, case, shape, dtype)
        with point_to_point_only("reduce_scatter", [0]):
            status = attempt(m.reduce_scatter, x, op)
        builtin = torch.empty((shape[0] // world_size, *shape[1:]), dtype=dtype)
        builtin_reduce_scatter = getattr(dist, "reduce_scatter_single", None) or dist.reduce_scatter_tensor  # renamed in torch 2.13
        builtin_reduce_scatter(builtin, make_input(rank, case, shape, dtype))
        if op == "mean":
            builtin = builtin / world_size
        out["reduce_scatter"][case] = (*status, builtin, x)
    with point_to_point_only("reduce_scatter", [0]):
        out["reduce_scatter_bad_shape"] = attempt(m.reduce_scatter, torch.zeros(4, dtype=torch.float64), "sum")
    for case, shape, dtype, op in REDUCE_CASES:
        x = make_input(rank, case, shape, dtype)
        with point_to_point_only("all_reduce", [0]):
            status = attempt(m.all_reduce, x, op)
        builtin = make_input(rank, case, shape, dtype)
        dist.all_reduce(builtin)
        if op == "mean":
            builtin = builtin / world_size
        out["all_reduce"][case] = (status[0], status[1] if status[0] != "ok" else x, builtin)
    x = make_input(rank, "transposed", (4, 3), torch.float64).t()  # non-contiguous (3, 4)
    with point_to_point_only("all_reduce", [0]):
        out["all_reduce_transposed"] = attempt(m.all_reduce, x, "sum")
    out["all_reduce_transposed_value"] = x.contiguous()
    sent = [0]
    with point_to_point_only("all_reduce", sent):
        out["traffic"] = attempt(m.all_reduce, torch.ones(TRAFFIC_N, dtype=torch.float64), "sum")
    out["sent"] = sent[0]
    return out


def timing_worker(rank, world_size, m):
    barriers = [0]
    real_barrier = dist.barrier

    def counting_barrier(*args, **kwargs):
        barriers[0] += 1
        return real_barrier(*args, **kwargs)

    calls = []

    def record(t):
        calls.append((t.numel(), str(t.dtype), t.device.type, barriers[0]))
        dist.all_reduce(t)

    out = {}
    dist.barrier = counting_barrier
    try:
        out["calls"] = attempt(lambda: m.time_collective(record, [0, 8, 4096], warmup=2, repeats=3, dtype=torch.float64))
        out["call_log"] = calls
        count = [0]

        def slow_warmup(t):
            count[0] += 1
            time.sleep(0.15 if count[0] % 5 in (1, 2) else 0.02)  # warmup=2, repeats=3: 5 calls per size

        out["warmup"] = attempt(lambda: m.time_collective(slow_warmup, [4, 64], warmup=2, repeats=3))
        out["bad_size"] = attempt(lambda: m.time_collective(record, [6], dtype=torch.float32))
    finally:
        dist.barrier = real_barrier
    return out


# ---------------------------------------------------------------- helpers in the parent


def every_input(case, shape, dtype):
    return [make_input(r, case, shape, dtype) for r in range(WORLD)]


def reduce_all(inputs, op):
    total = torch.stack(inputs).sum(0)
    return total / len(inputs) if op == "mean" else total


def check(got, want, what, hint=""):
    tol = 0.0 if want.dtype == torch.int64 else TOL
    expect_close(got, want, what=what, rtol=tol, atol=tol, hint=hint)


@pytest.fixture
def collective_results(ranks_once):
    return ranks_once(collectives_worker, world_size=WORLD, timeout=30)


@pytest.fixture
def timing_results(ranks_once):
    return ranks_once(timing_worker, world_size=2, timeout=30)


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("src", [0, WORLD - 1], ids=["src=0", "src=last"])
def test_broadcast_copies_src_to_every_rank(collective_results, src):
    for case, shape, dtype in BROADCAST_CASES:
        want = make_input(src, case, shape, dtype)
        for rank, result in enumerate(collective_results):
            kind, got, builtin = result["broadcast"][(case, src)]
            got = unwrap((kind, got), f"broadcast({case} {tuple(shape)} {dtype}, src={src}) on rank {rank}")
            call = f"broadcast({case} tensor of shape {tuple(shape)}, {dtype}, src={src}) on rank {rank} of {WORLD}"
            check(got, want, call, hint="src sends to every other rank; the others receive into the tensor in place")
            check(builtin, want, f"dist.broadcast oracle for {call}")


def test_all_gather_returns_every_rank_in_rank_order(collective_results):
    for case, shape, dtype in GATHER_CASES:
        want = every_input(case, shape, dtype)
        for rank, result in enumerate(collective_results):
            kind, got, builtin, after = result["all_gather"][case]
            call = f"all_gather({case} tensor of shape {tuple(shape)}, {dtype}) on rank {rank} of {WORLD}"
            got = unwrap((kind, got), call)
            expect_true(isinstance(got, list) and len(got) == WORLD,
                        message=f"{call} returned {type(got).__name__} of length {len(got) if hasattr(got, '__len__') else '?'}; expected a list of {WORLD} tensors")
            for q in range(WORLD):
                check(got[q], want[q], f"{call}[{q}]", hint="entry q is rank q's tensor: check the ring indices (rank - step) % n")
                check(builtin[q], want[q], f"dist.all_gather oracle, entry {q}")
            check(after, want[rank], f"the input of {call} afterwards", hint="do not modify the input tensor")


def test_reduce_scatter_keeps_this_ranks_chunk_of_the_sum(collective_results):
    for case, shape, dtype, op in SCATTER_CASES:
        total = reduce_all(every_input(case, shape, dtype), op)
        for rank, result in enumerate(collective_results):
            kind, got, builtin, after = result["reduce_scatter"][case]
            call = f"reduce_scatter({case} tensor of shape {tuple(shape)}, {dtype}, op={op!r}) on rank {rank} of {WORLD}"
            got = unwrap((kind, got), call)
            want = total.tensor_split(WORLD)[rank]
            check(got, want, call, hint="rank r keeps chunk r of the element-wise reduction; after n-1 ring steps the chunk "
                                        "you last added into must be chunk `rank`")
            check(builtin, want, f"dist.reduce_scatter_tensor oracle for {call}")
            check(after, make_input(rank, case, shape, dtype), f"the input of {call} afterwards",
                  hint="clone the chunks before adding into them: the caller's tensor must not change")


def test_reduce_scatter_rejects_a_dim_not_divisible_by_world_size(collective_results):
    for rank, result in enumerate(collective_results):
        status = result["reduce_scatter_bad_shape"]
        if status[0] == "not written":
            raise NotWrittenYet(status[1])
        expect_equal(status[0], "raised", call=f"reduce_scatter(torch.zeros(4), 'sum') with {WORLD} ranks, rank {rank}",
                     hint="4 rows cannot be split into 3 equal chunks: raise ValueError before sending anything")


@pytest.mark.parametrize("case,shape,dtype,op", REDUCE_CASES, ids=[c[0] for c in REDUCE_CASES])
def test_all_reduce_gives_every_rank_the_reduction(collective_results, case, shape, dtype, op):
    want = reduce_all(every_input(case, shape, dtype), op)
    for rank, result in enumerate(collective_results):
        kind, got, builtin = result["all_reduce"][case]
        call = f"all_reduce({case} tensor of shape {tuple(shape)}, {dtype}, op={op!r}) on rank {rank} of {WORLD}"
        got = unwrap((kind, got), call)
        check(got, want, call + " (the tensor afterwards)",
              hint="all_reduce works in place; pad the flattened tensor to a multiple of world_size and cut the padding off")
        check(builtin, want, f"dist.all_reduce oracle for {call}")


def test_all_reduce_handles_a_non_contiguous_tensor(collective_results):
    want = torch.stack([make_input(r, "transposed", (4, 3), torch.float64).t() for r in range(WORLD)]).sum(0)
    for rank, result in enumerate(collective_results):
        unwrap(result["all_reduce_transposed"], "all_reduce(a transposed (3, 4) tensor)")
        check(result["all_reduce_transposed_value"], want, f"all_reduce(x.t() of shape (3, 4)) on rank {rank}",
              hint="reshape(-1) of a transposed tensor is a copy: write the result back with tensor.copy_(...)")


def test_all_reduce_sends_ring_traffic(collective_results):
    limit = 2 * (WORLD - 1) * -(-TRAFFIC_N // WORLD)
    for rank, result in enumerate(collective_results):
        unwrap(result["traffic"], f"all_reduce(torch.ones({TRAFFIC_N}))")
        expect_true(0 < result["sent"] <= limit,
                    message=f"all_reduce of {TRAFFIC_N} elements on {WORLD} ranks: rank {rank} sent {result['sent']} elements; "
                            f"a ring reduce-scatter + all-gather sends 2 * (n-1)/n * {TRAFFIC_N} = {limit}",
                    hint="send chunks of size numel / world_size around the ring, never the whole tensor to every rank")


def test_time_collective_calls_op_warmup_plus_repeats_times_per_size(timing_results):
    for rank, result in enumerate(timing_results):
        medians = unwrap(result["calls"], "time_collective(op, [0, 8, 4096], warmup=2, repeats=3, dtype=float64)")
        call = f"time_collective(op, [0, 8, 4096], warmup=2, repeats=3, dtype=torch.float64) on rank {rank}"
        expect_equal(list(medians), [0, 8, 4096], call=call + ": keys of the result", hint="one entry per size, in order")
        expect_true(all(isinstance(v, float) and v >= 0 for v in medians.values()), message=f"{call} returned {medians}")
        sizes = [numel for numel, _, _, _ in result["call_log"]]
        expect_equal(sizes, [0] * 5 + [1] * 5 + [512] * 5, call=call + ": numel of the tensor passed to each op call",
                     hint="size_bytes // element size elements; warmup + repeats calls per size")
        expect_equal({(d, dev) for _, d, dev, _ in result["call_log"]}, {("torch.float64", "cpu")}, call=call + ": dtype, device")


def test_time_collective_puts_a_barrier_before_each_timed_call(timing_results):
    for rank, result in enumerate(timing_results):
        unwrap(result["calls"], "time_collective")
        log = result["call_log"]
        for size_index in range(3):
            calls = log[5 * size_index: 5 * size_index + 5]
            for i in range(2, 5):  # the timed calls
                expect_true(calls[i][3] > calls[i - 1][3],
                            message=f"rank {rank}: timed call {i - 1} of size #{size_index} had no dist.barrier() before it",
                            hint="line the ranks up with dist.barrier() before starting each timed call's clock")


def test_time_collective_does_not_time_the_warmup(timing_results):
    for rank, result in enumerate(timing_results):
        medians = unwrap(result["warmup"], "time_collective(slow_warmup, [4, 64], warmup=2, repeats=3)")
        for size, seconds in medians.items():
            expect_true(0.015 <= seconds < 0.12,
                        message=f"rank {rank}: op sleeps 0.15 s in the 2 warm-up calls and 0.02 s in the 3 timed ones; "
                                f"time_collective reported {seconds:.3f} s for size {size}",
                        hint="run the warm-up calls before the timed loop and report the median of the timed calls only")


def test_time_collective_rejects_a_size_not_a_multiple_of_the_element(timing_results):
    for rank, result in enumerate(timing_results):
        status = result["bad_size"]
        if status[0] == "not written":
            raise NotWrittenYet(status[1])
        expect_equal(status[0], "raised", call=f"time_collective(op, [6], dtype=torch.float32) on rank {rank}",
                     hint="6 bytes is not a whole number of 4-byte floats: raise ValueError")
