"""Grading cs336-19: top_p_filter and decode.

Oracles: hand-worked nucleus sets; a brute-force top-p written here with plain
Python floats (sort, add until the sum reaches p); ``torch.softmax`` for the
temperature; a fake model whose next-token logits are a fixed table, so the
exact sampling distribution is known and checked with a chi-square bound over
seeded draws; and the greedy path read off the table with ``argmax``.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from curriculum.grading.testing import expect_close, expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("cs336-19")


def brute_force_top_p(row: list[float], p: float) -> list[float]:
    """Most likely first (ties: lower id), add tokens until their sum reaches p, renormalise."""
    order = sorted(range(len(row)), key=lambda i: (-row[i], i))
    kept, total = set(), 0.0
    for i in order:
        if total >= p:
            break
        kept.add(i)
        total += row[i]
    mass = sum(row[i] for i in kept)
    return [row[i] / mass if i in kept else 0.0 for i in range(len(row))]


class TableLM(nn.Module):
    """Next-token logits depend only on the last token: logits[..., t, :] = table[ids[..., t]].

    Asserts the decode contract on every call and records the contexts it saw.
    """

    def __init__(self, table: torch.Tensor, context_length: int) -> None:
        super().__init__()
        self.table = nn.Parameter(table, requires_grad=False)  # (vocab, vocab)
        self.context_length = context_length
        self.seen: list[list[int]] = []

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        assert ids.dim() == 2 and ids.shape[0] == 1, f"decode must call the model on shape (1, seq), got {tuple(ids.shape)}"
        assert ids.dtype == torch.long, f"token ids must be torch.long, got {ids.dtype}"
        assert 1 <= ids.shape[1] <= self.context_length, (
            f"the model got {ids.shape[1]} tokens but its context_length is {self.context_length}: "
            "crop the context to its last context_length tokens before every call")
        self.seen.append(ids[0].tolist())
        return self.table[ids]  # (1, seq, vocab)


def constant_lm(logits: list[float], context_length: int = 4) -> TableLM:
    """Every step draws from softmax(logits): i.i.d. samples."""
    row = torch.tensor(logits, dtype=torch.float64)
    return TableLM(row.expand(len(logits), -1).clone(), context_length)


# ---------------------------------------------------------------- top_p_filter

HAND = [  # probs, p, expected
    ([0.1, 0.5, 0.15, 0.25], 0.7, [0.0, 2 / 3, 0.0, 1 / 3]),
    ([0.25, 0.25, 0.25, 0.25], 0.5, [0.5, 0.5, 0.0, 0.0]),  # ties: the lower ids first
    ([0.25, 0.25, 0.25, 0.25], 0.51, [1 / 3, 1 / 3, 1 / 3, 0.0]),
    ([0.5, 0.25, 0.125, 0.125], 0.75, [2 / 3, 1 / 3, 0.0, 0.0]),  # a prefix reaches p exactly: stop there
    ([0.1, 0.2, 0.3, 0.4], 1.0, [0.1, 0.2, 0.3, 0.4]),  # p = 1 keeps everything
    ([0.1, 0.2, 0.3, 0.4], 1e-9, [0.0, 0.0, 0.0, 1.0]),  # tiny p keeps the argmax
    ([0.0, 1.0, 0.0], 0.9, [0.0, 1.0, 0.0]),  # one-hot
    ([1.0], 0.3, [1.0]),  # one token
]


@pytest.mark.parametrize("probs,p,want", HAND, ids=[f"{probs}-p{p}" for probs, p, _ in HAND])
def test_top_p_filter_on_hand_worked_distributions(ex, probs, p, want):
    got = ex.top_p_filter(torch.tensor(probs, dtype=torch.float64), p)
    expect_close(got, torch.tensor(want, dtype=torch.float64), what=f"top_p_filter(tensor({probs}), {p})",
                 rtol=1e-12, atol=1e-12,
                 hint="sort most likely first (stable: ties keep the lower id first); keep a token while the mass "
                      "before it is < p; renormalise the kept ones")
    expect_close(torch.tensor(brute_force_top_p(probs, p), dtype=torch.float64), torch.tensor(want, dtype=torch.float64),
                 what="the test's brute force agrees with the hand-worked answer", rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype,tol", [(torch.float64, 1e-12), (torch.float32, 1e-6)], ids=["float64", "float32"])
@pytest.mark.parametrize("p", [0.05, 0.3, 0.9, 0.999])
def test_top_p_filter_matches_brute_force_with_batch_dims(ex, dtype, tol, p):
    g = torch.Generator().manual_seed(19)
    probs = torch.softmax(2 * torch.randn(2, 3, 11, generator=g, dtype=torch.float64), dim=-1)
    want = torch.tensor([brute_force_top_p(row, p) for row in probs.reshape(-1, 11).tolist()], dtype=torch.float64)
    got = ex.top_p_filter(probs.to(dtype), p)
    expect_close(got, want.reshape(2, 3, 11).to(dtype), what=f"top_p_filter(probs of shape (2, 3, 11), {p}) in {dtype}",
                 rtol=tol, atol=tol, hint="work along the last dimension only; keep the input's dtype and shape")


@pytest.mark.parametrize("p", [0.0, -0.1, 1.5])
def test_top_p_filter_rejects_p_outside_0_1(ex, p):
    expect_raises(ValueError, ex.top_p_filter, torch.tensor([0.5, 0.5]), p, call=f"top_p_filter(tensor([0.5, 0.5]), {p})",
                  hint="p must lie in (0, 1]; say so in the message")


# ---------------------------------------------------------------- decode

def greedy_path(table: torch.Tensor, start: int, n: int) -> list[int]:
    out, last = [], start
    for _ in range(n):
        last = int(table[last].argmax())
        out.append(last)
    return out


def test_greedy_follows_the_argmax_and_uses_no_randomness(ex):
    g = torch.Generator().manual_seed(3)
    table = torch.randn(9, 9, generator=g, dtype=torch.float64)
    lm = TableLM(table, context_length=3)
    state = g.get_state()
    got = ex.decode(lm, [4, 7], max_new_tokens=12, temperature=0.0, generator=g)
    expect_equal(got, greedy_path(table, 7, 12), call="decode(table model, [4, 7], max_new_tokens=12, temperature=0.0)",
                 hint="temperature 0 means greedy: the argmax of the last position's logits; return a list of ints")
    expect_true(all(type(t) is int for t in got), message=f"decode returned {got!r}: the ids must be Python ints",
                hint="int(tensor) or tensor.item()")
    expect_true(torch.equal(g.get_state(), state), message="greedy decoding advanced the generator",
                hint="with temperature 0 take the argmax: do not draw")


CASES = [  # logits, temperature, top_p
    ([0.0, 1.0, 2.0, -1.0, 0.5], 1.0, 1.0),
    ([0.0, 1.0, 2.0, -1.0, 0.5], 0.5, 1.0),
    ([0.0, 1.0, 2.0, -1.0, 0.5], 2.0, 0.8),
    ([1.0, 1.0, 1.0, 1.0, 3.0, -2.0], 1.0, 0.7),  # nucleus {4, 0}: ties keep the lower id
]


@pytest.mark.parametrize("logits,temperature,top_p", CASES, ids=[f"T{t}-p{p}" for _, t, p in CASES])
def test_sample_frequencies_match_the_filtered_distribution(ex, logits, temperature, top_p):
    n = 2000
    lm = constant_lm(logits)
    got = ex.decode(lm, [0], max_new_tokens=n, temperature=temperature, top_p=top_p,
                    generator=torch.Generator().manual_seed(2024))
    call = f"decode(model with fixed logits {logits}, temperature={temperature}, top_p={top_p}, max_new_tokens={n})"
    expect_equal(len(got), n, call=f"len({call})")
    want = brute_force_top_p(torch.softmax(torch.tensor(logits, dtype=torch.float64) / temperature, dim=-1).tolist(), top_p)
    counts = [got.count(i) for i in range(len(logits))]
    for i, q in enumerate(want):
        if q == 0:
            expect_true(counts[i] == 0, message=f"{call}: token {i} is outside the nucleus but was drawn {counts[i]} times",
                        hint="zero the filtered tokens before sampling")
    chi2 = sum((c - n * q) ** 2 / (n * q) for c, q in zip(counts, want) if q > 0)
    expect_true(chi2 < 30.0, message=f"{call}: counts {counts}, expected about {[round(n * q) for q in want]} "
                                     f"(chi-square {chi2:.1f}, bound 30)",
                hint="probs = softmax(logits / temperature), then top_p_filter, then torch.multinomial(probs, 1, generator=...)")


def test_same_seed_same_tokens_and_another_seed_differs(ex):
    lm = constant_lm([0.0] * 8)
    runs = [ex.decode(lm, [1], max_new_tokens=30, generator=torch.Generator().manual_seed(s)) for s in (5, 5, 6)]
    expect_equal(runs[1], runs[0], call="decode(..., generator=torch.Generator().manual_seed(5)) twice",
                 hint="draw only through the given generator: torch.multinomial(probs, 1, generator=generator)")
    expect_true(runs[2] != runs[0], message=f"seeds 5 and 6 gave the same 30 tokens {runs[0]}",
                hint="pass the generator to torch.multinomial")


def test_stops_right_after_eos_and_includes_it(ex):
    table = torch.zeros(5, 5, dtype=torch.float64)
    table[2, 3] = table[3, 1] = table[1, 4] = table[4, 0] = 10.0  # greedy path 2 -> 3 -> 1 -> 4 -> 0
    lm = TableLM(table, context_length=8)
    expect_equal(ex.decode(lm, [2], max_new_tokens=10, temperature=0.0, eos_id=4), [3, 1, 4],
                 call="decode(path 2->3->1->4->0, [2], max_new_tokens=10, temperature=0.0, eos_id=4)",
                 hint="append the token, then stop if it is eos_id: the eos id is part of the result")
    expect_equal(ex.decode(lm, [2], max_new_tokens=10, temperature=0.0, eos_id=3), [3],
                 call="decode(..., eos_id=3) where eos is the first new token")
    expect_equal(ex.decode(lm, [2], max_new_tokens=2, temperature=0.0, eos_id=4), [3, 1],
                 call="decode(..., max_new_tokens=2, eos_id=4): the limit comes first")
    lm = constant_lm([0.0, 0.5, 0.0, 1.0], context_length=2)
    for seed in range(10):
        got = ex.decode(lm, [0], max_new_tokens=15, eos_id=1, generator=torch.Generator().manual_seed(seed))
        ok = len(got) <= 15 and (1 not in got or got.index(1) == len(got) - 1) and (len(got) == 15 or got[-1:] == [1])
        expect_true(ok, message=f"decode(sampling, max_new_tokens=15, eos_id=1, seed={seed}) returned {got}",
                    hint="at most max_new_tokens tokens; stop right after eos_id and keep it as the last one")


def test_max_new_tokens_zero_returns_empty_without_calling_the_model(ex):
    lm = constant_lm([0.0, 1.0])
    expect_equal(ex.decode(lm, [0, 1], max_new_tokens=0), [], call="decode(lm, [0, 1], max_new_tokens=0)")
    expect_equal(lm.seen, [], call="the contexts the model saw during decode(..., max_new_tokens=0)")


def test_the_context_is_cropped_to_context_length(ex):
    table = torch.zeros(10, 10, dtype=torch.float64)
    for t in range(10):
        table[t, (t + 1) % 10] = 5.0  # greedy: the next id
    lm = TableLM(table, context_length=4)
    prompt = [9, 8, 7, 6, 5, 4, 3]
    got = ex.decode(lm, prompt, max_new_tokens=3, temperature=0.0)
    expect_equal(got, [4, 5, 6], call=f"decode(next-id model, {prompt}, max_new_tokens=3, temperature=0.0)")
    full = prompt + got
    want = [full[len(prompt) + k - 4:len(prompt) + k] for k in range(3)]
    expect_equal(lm.seen, want, call="the contexts the model saw (context_length=4)",
                 hint="before every call keep the last context_length tokens of prompt + generated")
    lm = TableLM(table, context_length=8)
    ex.decode(lm, [1, 2], max_new_tokens=2, temperature=0.0)
    expect_equal(lm.seen, [[1, 2], [1, 2, 3]], call="the contexts the model saw for a short prompt (context_length=8)",
                 hint="a context shorter than context_length is passed whole, not padded")


@pytest.mark.parametrize("kwargs,match", [
    (dict(prompt_ids=[], max_new_tokens=3), "prompt"),
    (dict(prompt_ids=[1], max_new_tokens=-1), "max_new_tokens"),
    (dict(prompt_ids=[1], max_new_tokens=3, temperature=-0.5), "temperature"),
], ids=["empty-prompt", "negative-max-new-tokens", "negative-temperature"])
def test_bad_arguments_raise_value_error(ex, kwargs, match):
    lm = constant_lm([0.0, 1.0])
    expect_raises(ValueError, ex.decode, lm, call=f"decode(lm, {', '.join(f'{k}={v}' for k, v in kwargs.items())})",
                  match=match, hint=f"check the arguments first and name {match!r} in the message", **kwargs)


def test_decodes_from_a_real_transformer_lm_past_its_context(ex):
    torch.manual_seed(0)
    lm = ex.TransformerLM(vocab_size=30, context_length=6, d_model=16, num_layers=1, num_heads=2, d_ff=32,
                          rope_theta=10000.0, dtype=torch.float64)
    prompt = [3, 1, 4, 1, 5, 9, 2, 6]  # longer than context_length: the model raises unless decode crops
    got = ex.decode(lm, prompt, max_new_tokens=5, temperature=0.0)
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(5):
            ids.append(int(lm(torch.tensor([ids[-6:]]))[0, -1].argmax()))
    expect_equal(got, ids[len(prompt):], call="decode(TransformerLM(context_length=6), 8-token prompt, max_new_tokens=5, temperature=0.0)",
                 hint="crop to the last context_length tokens and use logits[0, -1]")
