"""Grading sys-02: profiling a training step, labels, a Chrome trace, and attributing self time.

Oracles: ``F.scaled_dot_product_attention``; the profiler's own operator table
(``prof.key_averages()``: names, counts, total self time); ``json`` for the
trace; hand-made event lists with known category totals.
"""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F

import cs336.solutions.mha as reference_mha
from cs336.solutions.cross_entropy import cross_entropy
from cs336.solutions.transformer_lm import TransformerLM
from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_float, expect_true

pytestmark = pytest.mark.exercise("sys-02")

DEVICES = device_params()
LAYERS = 2
_PROFILES: dict = {}


def raw(ex):
    """The exercise module itself (the grader may hand tests a wrapper around it)."""
    return getattr(ex, "_module", ex)


def profiled(ex, device, tmp_path_factory):
    """One profiled step of a small LM per (tree, device), shared by the tests (the profiler's first start costs ~1 s)."""
    key = (id(raw(ex)), device)
    if key not in _PROFILES:
        torch.manual_seed(0)
        lm = TransformerLM(64, 16, 32, LAYERS, 4, 64, 10000.0, device=device)
        x = torch.randint(0, 64, (2, 16), device=device)
        before = lm.lm_head.weight.detach().clone()
        trace = tmp_path_factory.mktemp("trace") / "step.json"
        prof = ex.profile_training_step(lm, x, x, cross_entropy, torch.optim.SGD(lm.parameters(), lr=0.1),
                                        attention_module=reference_mha, trace_path=trace)
        _PROFILES[key] = (prof, trace, before, lm)
    return _PROFILES[key]


# ---------------------------------------------------------------- labelled attention


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("causal", [False, True], ids=["no-mask", "causal"])
def test_labelled_attention_matches_sdpa(ex, device, causal):
    g = torch.Generator().manual_seed(2)
    Q, K, V = (torch.randn(2, 3, 5, 8, generator=g).to(device) for _ in range(3))
    mask = torch.ones(5, 5, dtype=torch.bool, device=device).tril() if causal else None
    expect_close(ex.labelled_attention(Q, K, V, mask), F.scaled_dot_product_attention(Q, K, V, attn_mask=mask),
                 what=f"labelled_attention(Q, K, V, mask={'causal' if causal else None}) vs F.scaled_dot_product_attention",
                 rtol=1e-4, atol=1e-4, hint="labels do not change the arithmetic: scores / sqrt(d_k), mask with -inf, softmax, @ V")


def test_attention_labels_swaps_and_restores(ex):
    original = reference_mha.scaled_dot_product_attention
    with ex.attention_labels(reference_mha):
        inside = reference_mha.scaled_dot_product_attention
    expect_true(inside is raw(ex).labelled_attention,
                message=f"inside attention_labels(mha), mha.scaled_dot_product_attention is {inside!r}",
                hint="assign module.scaled_dot_product_attention = labelled_attention")
    expect_true(reference_mha.scaled_dot_product_attention is original,
                message="after the with-block mha.scaled_dot_product_attention was not restored")
    with pytest.raises(KeyError):
        with ex.attention_labels(reference_mha):
            raise KeyError("boom")
    expect_true(reference_mha.scaled_dot_product_attention is original,
                message="after an exception inside attention_labels the original function was not restored",
                hint="restore in a finally: block")


# ---------------------------------------------------------------- the profiled step


@pytest.mark.parametrize("device", DEVICES)
def test_trace_is_json_with_the_phase_labels(ex, device, tmp_path_factory):
    prof, trace, before, lm = profiled(ex, device, tmp_path_factory)
    expect_true(trace.exists(), message=f"no trace file at {trace}", hint="prof.export_chrome_trace(str(trace_path))")
    data = json.loads(trace.read_text())
    events = data["traceEvents"] if isinstance(data, dict) else data
    names = {e.get("name") for e in events if isinstance(e, dict)}
    expect_true(len(events) > 10, message=f"the trace holds only {len(events)} events")
    missing = [label for label in ("forward", "backward", "optimizer_step") if label not in names]
    expect_equal(missing, [], call="phase labels missing from the Chrome trace",
                 hint="wrap the three phases in record_function('forward'), ('backward'), ('optimizer_step')")


@pytest.mark.parametrize("device", DEVICES)
def test_labels_appear_once_per_layer(ex, device, tmp_path_factory):
    prof, trace, before, lm = profiled(ex, device, tmp_path_factory)
    counts = {e.key: e.count for e in prof.key_averages()}
    want = {"forward": 1, "backward": 1, "optimizer_step": 1, "attn_scores": LAYERS, "attn_softmax": LAYERS, "attn_values": LAYERS}
    expect_equal({k: counts.get(k, 0) for k in want}, want,
                 call=f"label counts in prof.key_averages() for one profiled step of a {LAYERS}-layer LM",
                 hint="profile exactly one step (the warm-up step outside the profiler), inside attention_labels(attention_module)")
    expect_true(not torch.equal(before, lm.lm_head.weight.detach()), message="the weights never changed",
                hint="the profiled step (and the warm-up) must call optimizer.step()")
    expect_true(reference_mha.scaled_dot_product_attention is not raw(ex).labelled_attention,
                message="profile_training_step left the labelled attention installed", hint="use attention_labels as a with-block")


@pytest.mark.parametrize("device", DEVICES)
def test_events_match_the_operator_table(ex, device, tmp_path_factory):
    prof, *_ = profiled(ex, device, tmp_path_factory)
    events = ex.events_from_profile(prof)
    table = prof.key_averages()
    expect_equal({e.name for e in events}, {e.key for e in table}, call="names in events_from_profile(prof) vs prof.key_averages()",
                 hint="one OpEvent per event of prof.events()")
    total = sum(e.self_cpu_time_total for e in table)
    expect_float(sum(e.self_us for e in events), total, call="sum of self_us over events_from_profile(prof)", rel=1e-6,
                 hint="use each event's self_cpu_time_total (microseconds), not its total time")
    bmm_scopes = [e.scopes for e in events if e.name == "aten::bmm"]
    expect_true(any(s[:2] == ("forward", "attn_scores") for s in bmm_scopes),
                message=f"no aten::bmm with scopes starting ('forward', 'attn_scores'); got {bmm_scopes[:3]}",
                hint="follow cpu_parent to the top and reverse: outermost first")


@pytest.mark.parametrize("device", DEVICES)
def test_attribution_of_a_real_profile_sums_to_the_total(ex, device, tmp_path_factory):
    prof, *_ = profiled(ex, device, tmp_path_factory)
    shares = ex.attribute_self_time(ex.events_from_profile(prof))
    total = sum(e.self_cpu_time_total for e in prof.key_averages())
    expect_equal(sorted(shares), sorted(["attention_matmul", "other_matmul", "softmax", "other"]), call="keys of attribute_self_time(...)")
    expect_float(sum(shares.values()), total, call="sum of attribute_self_time(events_from_profile(prof)).values()", rel=1e-6,
                 hint="every event lands in exactly one category")
    expect_true(all(shares[c] > 0 for c in shares), message=f"a category got no time at all: {shares}",
                hint="an LM step has linear layers, attention products, a softmax and element-wise work")


# ---------------------------------------------------------------- categorisation on hand-made events

# (name, scopes, category)
CASES = [
    ("aten::mm", ("forward", "aten::matmul"), "other_matmul"),
    ("aten::mm", ("forward", "attn_scores", "aten::matmul"), "attention_matmul"),
    ("aten::bmm", ("forward", "attn_values", "aten::matmul"), "attention_matmul"),
    ("aten::bmm", (), "attention_matmul"),
    ("aten::bmm", ("autograd::engine::evaluate_function: BmmBackward0", "BmmBackward0"), "attention_matmul"),
    ("aten::addmm", ("forward",), "other_matmul"),
    ("aten::matmul", ("forward", "attn_scores"), "attention_matmul"),
    ("aten::mm", ("forward", "attn_softmax"), "other_matmul"),
    ("aten::exp", ("forward", "attn_softmax"), "softmax"),
    ("attn_softmax", ("forward",), "softmax"),
    ("aten::_softmax", ("forward",), "softmax"),
    ("aten::_softmax_backward_data", ("SoftmaxBackward0",), "softmax"),
    ("aten::exp", ("forward",), "other"),
    ("attn_scores", ("forward",), "other"),
    ("aten::mm_helper", ("forward",), "other"),
    ("aten::add_", ("optimizer_step",), "other"),
]


@pytest.mark.parametrize("name,scopes,category", CASES)
def test_categorize_hand_made_events(ex, name, scopes, category):
    event = ex.OpEvent(name, 1.0, scopes)
    expect_equal(ex.categorize(event), category, call=f"categorize(OpEvent({name!r}, 1.0, {scopes!r}))",
                 hint="rules in order: matmul in an attention label or aten::bmm -> attention_matmul; other matmul; "
                      "softmax op or inside attn_softmax; other. Compare exact names")


def test_attribute_hand_made_list(ex):
    events = [ex.OpEvent(n, us, s) for n, us, s in [
        ("aten::mm", 30.0, ("forward",)), ("aten::bmm", 12.5, ("forward", "attn_scores")), ("aten::exp", 4.0, ("forward", "attn_softmax")),
        ("aten::add", 1.5, ()), ("aten::bmm", 7.5, ()), ("aten::_softmax", 2.0, ()), ("aten::mm", 10.0, ("backward",)),
    ]]
    want = {"attention_matmul": 20.0, "other_matmul": 40.0, "softmax": 6.0, "other": 1.5}
    got = ex.attribute_self_time(events)
    expect_equal(got, want, call="attribute_self_time(7 hand-made events)", hint="sum self_us per categorize(event)")


def test_attribute_empty_list_has_every_category(ex):
    expect_equal(ex.attribute_self_time([]), {"attention_matmul": 0.0, "other_matmul": 0.0, "softmax": 0.0, "other": 0.0},
                 call="attribute_self_time([])", hint="start every category at 0.0")
