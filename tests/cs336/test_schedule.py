"""Grading cs336-14: cosine_lr.

Oracles: hand-worked values at the boundaries, the formula written out again
here, properties checked with Hypothesis (monotone warm-up, monotone decay,
bounds, continuity at T_w and T_c), and torch's own schedulers: ``LinearLR``
then ``CosineAnnealingLR`` chained with ``SequentialLR(milestones=[T_w])``.

Off-by-one convention of that comparison: the optimiser's lr read *before*
the ``t``-th ``scheduler.step()`` is lr(t), t = 0, 1, ...; ``LinearLR``
cannot start at exactly 0 (``start_factor`` must be > 0), so it starts at
1e-12 * lr_max and the warm-up values agree to ~1e-12; after ``T_c``,
``CosineAnnealingLR`` climbs again while ``cosine_lr`` stays at ``lr_min``, so
only ``t <= T_c`` is compared.
"""

from __future__ import annotations

import math
import warnings

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_float, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-14")


def formula(t, lr_max, lr_min, tw, tc):
    if t < tw:
        return lr_max * t / tw
    if t > tc:
        return lr_min
    return lr_min + (lr_max - lr_min) * (1 + math.cos(math.pi * (t - tw) / (tc - tw))) / 2


# (t, lr_max, lr_min, T_w, T_c, expected), worked by hand
HAND = [
    (0, 1.0, 0.1, 10, 110, 0.0),       # warm-up starts at 0
    (5, 1.0, 0.1, 10, 110, 0.5),       # halfway through warm-up
    (10, 1.0, 0.1, 10, 110, 1.0),      # t = T_w: the peak
    (60, 1.0, 0.1, 10, 110, 0.55),     # halfway through the cosine: the average of max and min
    (110, 1.0, 0.1, 10, 110, 0.1),     # t = T_c: the floor
    (111, 1.0, 0.1, 10, 110, 0.1),     # past T_c: stays at the floor
    (10**9, 1.0, 0.1, 10, 110, 0.1),
    (0, 3e-4, 0.0, 0, 100, 3e-4),      # no warm-up: starts at the peak
    (50, 3e-4, 0.0, 0, 100, 1.5e-4),
    (35, 2.0, 2.0, 10, 60, 2.0),       # lr_min = lr_max: flat after warm-up
    (1, 1.0, 0.1, 2, 6, 0.5),
    (3, 1.0, 0.1, 2, 6, 0.1 + 0.9 * (1 + math.cos(math.pi / 4)) / 2),
]


@pytest.mark.parametrize("t,lr_max,lr_min,tw,tc,want", HAND)
def test_cosine_lr_hand_worked_values(ex, t, lr_max, lr_min, tw, tc, want):
    expect_float(ex.cosine_lr(t, lr_max, lr_min, tw, tc), want, rel=1e-12, abs=1e-15,
                 call=f"cosine_lr({t}, lr_max={lr_max}, lr_min={lr_min}, warmup_iters={tw}, cosine_cycle_iters={tc})",
                 hint="t < T_w: t/T_w*lr_max; T_w <= t <= T_c: lr_min + (1 + cos(pi*(t-T_w)/(T_c-T_w)))/2 * (lr_max-lr_min); else lr_min")


schedules = st.tuples(
    st.floats(1e-6, 10.0), st.floats(0.0, 1.0), st.integers(0, 50), st.integers(1, 200)
).map(lambda s: (s[0], s[0] * s[1], s[2], s[2] + s[3]))  # (lr_max, lr_min <= lr_max, T_w, T_c > T_w)


@given(schedules, st.integers(0, 400))
def test_cosine_lr_matches_the_formula(ex, schedule, t):
    lr_max, lr_min, tw, tc = schedule
    expect_float(ex.cosine_lr(t, lr_max, lr_min, tw, tc), formula(t, lr_max, lr_min, tw, tc), rel=1e-12, abs=1e-15,
                 call=f"cosine_lr({t}, {lr_max}, {lr_min}, {tw}, {tc})")


@given(schedules)
def test_cosine_lr_rises_then_falls_within_bounds(ex, schedule):
    lr_max, lr_min, tw, tc = schedule
    lrs = [ex.cosine_lr(t, lr_max, lr_min, tw, tc) for t in range(tc + 5)]
    call = f"[cosine_lr(t, {lr_max}, {lr_min}, {tw}, {tc}) for t in range({tc + 5})]"
    slack = 1e-12 * lr_max
    expect_true(all(a <= b + slack for a, b in zip(lrs[: tw + 1], lrs[1 : tw + 1])),
                message=f"{call}: not non-decreasing during warm-up: {lrs[: tw + 1]}")
    expect_true(all(a + slack >= b for a, b in zip(lrs[tw:], lrs[tw + 1 :])),
                message=f"{call}: not non-increasing after T_w: {lrs[tw:]}")
    expect_true(all(-slack <= x <= lr_max + slack for x in lrs), message=f"{call}: a value outside [0, lr_max]: {lrs}")
    expect_true(all(lr_min - slack <= x for x in lrs[tw:]), message=f"{call}: a value below lr_min after warm-up: {lrs[tw:]}")


@given(schedules)
def test_cosine_lr_is_continuous_at_both_boundaries(ex, schedule):
    lr_max, lr_min, tw, tc = schedule
    h = 1e-7
    for point, want in ((tw, lr_max), (tc, lr_min)):
        for t in (max(point - h, 0.0), float(point), point + h):
            expect_float(ex.cosine_lr(t, lr_max, lr_min, tw, tc), want, rel=1e-6, abs=1e-6 * lr_max,
                         call=f"cosine_lr({t!r}, {lr_max}, {lr_min}, {tw}, {tc}) next to the boundary {point}",
                         hint="the schedule is continuous: lr(T_w) = lr_max and lr(T_c) = lr_min, approached from both sides")


@pytest.mark.parametrize("lr_max,lr_min,tw,tc", [(1.0, 0.1, 3, 10), (6e-4, 6e-5, 20, 120), (1e-3, 0.0, 1, 2)])
def test_cosine_lr_matches_torch_sequential_lr(ex, lr_max, lr_min, tw, tc):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr_max)
    warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1e-12, end_factor=1.0, total_iters=tw)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=tc - tw, eta_min=lr_min)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SequentialLR's deprecation notes about epoch arguments
        sched = torch.optim.lr_scheduler.SequentialLR(opt, [warm, cosine], milestones=[tw])
        for t in range(tc + 1):
            expect_float(ex.cosine_lr(t, lr_max, lr_min, tw, tc), opt.param_groups[0]["lr"], rel=1e-9, abs=2e-12 * lr_max,
                         call=f"cosine_lr({t}, {lr_max}, {lr_min}, {tw}, {tc}) vs LinearLR + CosineAnnealingLR",
                         hint="iteration t uses the lr before the t-th scheduler step; the cosine phase lasts T_c - T_w iterations")
            opt.step()
            sched.step()


@pytest.mark.parametrize(
    "args",
    [(-1, 1.0, 0.1, 10, 100), (5, 1.0, 0.1, -1, 100), (5, 1.0, 0.1, 10, 10), (5, 1.0, 0.1, 10, 5),
     (5, 1.0, 2.0, 10, 100), (5, 1.0, -0.1, 10, 100)],
    ids=["negative-t", "negative-warmup", "cycle-equals-warmup", "cycle-before-warmup", "min-above-max", "negative-min"],
)
def test_cosine_lr_rejects_invalid_arguments(ex, args):
    expect_raises(ValueError, ex.cosine_lr, *args, call=f"cosine_lr{args}",
                  hint="need t >= 0, 0 <= T_w < T_c and 0 <= lr_min <= lr_max")
