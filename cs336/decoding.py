"""cs336-19: decoding — sampling text from a language model.

- ``top_p_filter(probs, p)``: nucleus filtering; keep the smallest set of
  most likely tokens whose probabilities sum to at least ``p``, renormalise;
- ``decode(model, prompt_ids, ...)``: the autoregressive loop — temperature,
  top-p, stop at the end-of-text id, crop the context to ``context_length``.

In scope: one sequence at a time, sampling with an explicit ``torch.Generator``.
Out of scope: batched decoding, KV caches, top-k, beam search, repetition penalties.

Run the demo: .venv/bin/python -m cs336.decoding
"""

from __future__ import annotations

import torch

from cs336.attention import softmax
from cs336.transformer_lm import TransformerLM


def top_p_filter(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Nucleus (top-p) filtering of a probability distribution over the last dimension.

    Sort the tokens by probability, most likely first (ties: the lower token id
    first). Keep a token when the probability of the tokens *before* it in that
    order sums to less than ``p``; this is the smallest prefix whose sum is
    ``>= p``. Zero the others and renormalise the kept ones to sum to 1.

    Args:
        probs: ``(..., vocab)`` non-negative, each row summing to 1.
        p: in ``(0, 1]``; ``p = 1`` keeps every token, a tiny ``p`` keeps only the argmax.

    Returns:
        ``(..., vocab)``, same dtype and device; each row sums to 1.

    Raises:
        ValueError: ``p`` outside ``(0, 1]``.

    Example:
        >>> top_p_filter(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0.7)
        tensor([0.0000, 0.6667, 0.0000, 0.3333])

    Edge cases the tests try: ties (``[0.25] * 4`` with ``p = 0.5`` keeps ids 0
    and 1), ``p`` exactly reached by a prefix, ``p = 1``, ``p = 1e-9``, a
    one-hot row, leading batch dimensions, float64, ``p = 0`` and ``p > 1``.
    """
    # TODO: validate p; sort descending with stable=True; the kept mask is
    # (cumsum - sorted) < p; scatter the mask back to vocabulary order; renormalise.
    raise NotImplementedError("cs336-19: top_p_filter is not written yet")


@torch.no_grad()
def decode(
    model: torch.nn.Module,
    prompt_ids: list[int],
    *,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_p: float = 1.0,
    eos_id: int | None = None,
    generator: torch.Generator | None = None,
) -> list[int]:
    """Generate up to ``max_new_tokens`` tokens after ``prompt_ids``.

    Contract:

    - ``model`` has an int attribute ``context_length`` and maps token ids of
      shape ``(1, seq)`` (``seq <= context_length``, on the model's device) to
      logits ``(1, seq, vocab)``; only the last position's logits are used.
      Before every call the context (prompt + generated so far) is cropped to
      its last ``context_length`` tokens.
    - ``temperature == 0``: greedy, the argmax (ties: the lowest id); no
      randomness is used. ``temperature > 0``: ``probs = softmax(logits /
      temperature)``, then ``top_p_filter(probs, top_p)``, then one draw with
      ``torch.multinomial(probs, 1, generator=generator)``.
    - Stops after ``max_new_tokens`` tokens, or right after producing
      ``eos_id``, which **is** included in the result.

    Args:
        model: the language model (e.g. your ``TransformerLM``), called in no-grad mode.
        prompt_ids: at least one token id.
        max_new_tokens: ``>= 0``; ``0`` returns ``[]`` without calling the model.
        temperature: ``>= 0``.
        top_p: in ``(0, 1]``.
        eos_id: the end-of-text id, or None to never stop early.
        generator: a CPU ``torch.Generator``, the source of randomness (same seed,
            same output); sampling happens on the CPU in float64.

    Returns:
        The new token ids only (not the prompt), a list of Python ints.

    Raises:
        ValueError: empty prompt, negative ``max_new_tokens`` or ``temperature``.

    Example:
        >>> decode(lm, [3, 1, 4], max_new_tokens=5, temperature=0.0)  # greedy
        [7, 7, 2, 9, 0]

    Edge cases the tests try: greedy, temperature 0.5 and 2, top-p 0.5,
    a prompt longer than ``context_length``, ``eos_id`` as the first token,
    ``max_new_tokens = 0``, reproducibility with a seeded generator.
    """
    # TODO: validate; loop: crop, call the model, take logits[0, -1], pick the
    # next id (argmax, or your softmax + top_p_filter + torch.multinomial),
    # append, stop at eos_id. Use your softmax from cs336-08.
    raise NotImplementedError("cs336-19: decode is not written yet")


if __name__ == "__main__":
    print(top_p_filter(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0.7))
    torch.manual_seed(0)
    lm = TransformerLM(vocab_size=50, context_length=8, d_model=16, num_layers=1, num_heads=2, d_ff=32,
                       rope_theta=10000.0)
    print(decode(lm, [1, 2, 3], max_new_tokens=10, temperature=0.0))
    print(decode(lm, [1, 2, 3], max_new_tokens=10, top_p=0.9, generator=torch.Generator().manual_seed(0)))
