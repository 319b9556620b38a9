"""BPE training: the cs336-02 reference ``train_bpe`` against HF tokenizers' ``BpeTrainer``.

    learn bench bpe
    learn bench bpe --quick
    python -m benchmarks.bpe --sizes 130000 5000000 --vocab-sizes 500 10000 --repeats 3

The data: the local docstring corpus (:func:`utils.corpus.docstring_corpus`,
built once from the installed Python sources, ~17 MB here). Each size is the
leading whole documents of the train split up to that many bytes; the valid
split (its first ``--valid-bytes``) is held out to measure compression.

What is timed, at each (corpus size, vocabulary size) pair:

    ours   cs336.solutions.bpe.train_bpe(path, vocab_size, ["<|endoftext|>"])
           (pure Python: pretokenisation in one process per core, pretokens
           counted once, pair counts updated incrementally, a lazy max-heap)
    hf     tokenizers' BpeTrainer with the ByteLevel pretokenizer (the same
           GPT-2 regex, no prefix space), the 256 bytes as initial alphabet,
           the same special token and vocabulary size (Rust, multi-threaded)

Both read the same file and produce ``vocab_size`` tokens. The cases alternate
in each repeat after one untimed warm-up each; the ratio is ``ours/hf``.

Compression: after timing, each trained tokenizer encodes the held-out text;
each point records the bytes per token of both (ours with a small rank-based
encoder written here: per pretoken, merge the lowest-ranked pair until none
applies; every special token counts as one token, as HF counts it). Equal
rules give nearly equal compression: expect the two within a few percent.

What to expect: HF is compiled and threaded, ours is Python; the reference
aims at 1.5x HF's time or less on the 5 MB / 10,000 run, and on a two-core
machine it can be on par or faster (most of its time is the merge loop, which
touches only the pretokens containing the merged pair; HF's threads gain more
the more cores there are). On a small corpus both finish in a fraction of a
second and process start-up dominates. On a machine shared with other work (see the CPU pressure in the
description) both slow down, the multi-process and multi-threaded parts most.

Results go to ``benchmarks/results/bpe.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
``--quick`` builds a small corpus from a few standard-library packages
(``--corpus-dir`` chooses where the corpus lives; default: the data folder).
"""

from __future__ import annotations

import argparse
import os
import sysconfig
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import regex
from rich.console import Console

from benchmarks import harness
from cs336.solutions.bpe import GPT2_PATTERN, train_bpe
from utils.corpus import docstring_corpus

NAME = "bpe"
TITLE = "BPE training: train_bpe (Python) vs HF tokenizers BpeTrainer (Rust)"
EOT = "<|endoftext|>"
FULL = {"sizes": (130_000, 5_000_000), "vocab_sizes": (500, 10_000), "valid_bytes": 500_000, "repeats": 3}
QUICK = {"sizes": (30_000, 120_000), "vocab_sizes": (300, 600), "valid_bytes": 40_000, "repeats": 2}
QUICK_PACKAGES = ("json", "email", "asyncio", "http")  # the --quick corpus: a few stdlib packages
BASELINE = "hf"
_PRETOKEN = regex.compile(GPT2_PATTERN)


# ---------------------------------------------------------------- the two trainers


def cpu_pressure() -> float | None:
    """Percent of the last minute some runnable task waited for a CPU (Linux ``/proc/pressure/cpu``), else None.

    The same reading as ``benchmarks.dataloader.cpu_pressure``, without importing torch.
    """
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as f:
            for line in f:
                if line.startswith("some"):
                    return float(dict(item.split("=") for item in line.split()[1:])["avg60"])
    except (OSError, KeyError, ValueError):
        pass
    return None


def hf_train(path: Path, vocab_size: int):
    """A HF ``Tokenizer`` trained on ``path`` with BpeTrainer and the ByteLevel (GPT-2 regex) pretokenizer."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=[EOT], initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train([str(path)], trainer)
    return tokenizer


def count_tokens(text: str, merges: Sequence[tuple[bytes, bytes]]) -> int:
    """Tokens that ``merges`` make of ``text``: each special is one token; per pretoken, lowest rank first.

    ``count_tokens("ab ab", [(b"a", b"b")]) -> 3`` (``"ab"``, ``" "``, ``"ab"``: two pretokens ``"ab"`` and
    ``" ab"``, the second is ``[b" ", b"ab"]``).
    """
    rank = {pair: i for i, pair in enumerate(merges)}
    pieces = text.split(EOT)
    total = len(pieces) - 1
    counts = Counter(tok for piece in pieces for tok in _PRETOKEN.findall(piece))
    for tok, n in counts.items():
        parts = [bytes([b]) for b in tok.encode("utf-8")]
        while len(parts) > 1:
            best = min(range(len(parts) - 1), key=lambda i: rank.get((parts[i], parts[i + 1]), len(rank)))
            if (parts[best], parts[best + 1]) not in rank:
                break
            parts[best:best + 2] = [parts[best] + parts[best + 1]]
        total += n * len(parts)
    return total


# ---------------------------------------------------------------- cases


def make_cases(path: Path, vocab_size: int, trained: dict) -> dict[str, harness.Case]:
    """``{"ours": ..., "hf": ...}``: each trains on ``path`` to ``vocab_size`` and keeps its result in ``trained``.

    A case raises ``RuntimeError`` if its vocabulary does not come out at ``vocab_size`` (a benchmark of a
    trainer that stops early would compare different work).
    """

    def ours() -> None:
        vocab, merges = train_bpe(path, vocab_size, [EOT])
        if len(vocab) != vocab_size:
            raise RuntimeError(f"train_bpe gave {len(vocab)} tokens, asked for {vocab_size}")
        trained["ours"] = merges

    def hf() -> None:
        tokenizer = hf_train(path, vocab_size)
        if tokenizer.get_vocab_size() != vocab_size:
            raise RuntimeError(f"BpeTrainer gave {tokenizer.get_vocab_size()} tokens, asked for {vocab_size}")
        trained["hf"] = tokenizer

    return {"ours": ours, "hf": hf}


@contextmanager
def _tokenizers_parallelism():
    """Let HF keep its threads after our trainer forks workers (and say nothing about it), then restore."""
    old = os.environ.get("TOKENIZERS_PARALLELISM")
    os.environ["TOKENIZERS_PARALLELISM"] = "true"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TOKENIZERS_PARALLELISM", None)
        else:
            os.environ["TOKENIZERS_PARALLELISM"] = old


def quick_sources() -> dict[str, Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return {name: stdlib / name for name in QUICK_PACKAGES}


def run(
    sizes: Sequence[int] = FULL["sizes"],
    vocab_sizes: Sequence[int] = FULL["vocab_sizes"],
    *,
    valid_bytes: int = FULL["valid_bytes"],
    repeats: int = FULL["repeats"],
    corpus_dir: Path | None = None,
    quick_corpus: bool = False,
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Time both trainers at each (size, vocab size) pair; return the result dict (one part, x = corpus bytes).

    Each point also has ``vocab_size`` and ``bytes_per_token`` (``{"ours": ..., "hf": ...}`` on the valid
    text). ``quick_corpus`` builds the corpus from :data:`QUICK_PACKAGES` only.
    """
    if not sizes or len(sizes) != len(vocab_sizes):
        raise ValueError(f"give one vocab size per corpus size, got sizes {list(sizes)} and {list(vocab_sizes)}")
    if any(v < 257 for v in vocab_sizes):
        raise ValueError(f"vocab sizes must be at least 257 (256 bytes + the special token), got {list(vocab_sizes)}")
    folder = corpus_dir
    if folder is None and quick_corpus:
        from utils.datasets import data_dir

        folder = data_dir() / "docstrings-quick"
    options = {"folder": folder, "progress": progress}
    if quick_corpus:
        options["sources"] = quick_sources()
    paths = {x: docstring_corpus("train", max_bytes=x, **options) for x in sizes}
    valid_text = docstring_corpus("valid", max_bytes=valid_bytes, **options).read_text(encoding="utf-8")
    actual = {x: paths[x].stat().st_size for x in sizes}
    vocab_of = dict(zip(sizes, vocab_sizes))
    trained: dict[int, dict] = {x: {} for x in sizes}
    with _tokenizers_parallelism():
        points = harness.sweep(
            sizes, lambda x: make_cases(paths[x], vocab_of[x], trained[x]), repeats=repeats, baseline=BASELINE,
            number=1, progress=progress, label=NAME, console=console,
        )
    size = len(valid_text.encode("utf-8"))
    for p in points:
        done = trained[p["x"]]
        p["vocab_size"] = vocab_of[p["x"]]
        p["corpus_bytes"] = actual[p["x"]]
        p["bytes_per_token"] = {
            "ours": size / count_tokens(valid_text, done["ours"]),
            "hf": size / len(done["hf"].encode(valid_text).ids),
        }
    pressure = cpu_pressure()
    table = {
        "x_name": "corpus bytes (vocabulary size grows with it)",
        "unit": "s",
        "measure": "time to train",
        "cases": ["ours", "hf"],
        "baseline": BASELINE,
        "points": points,
        "slopes": {},
        "slope_label": "",
        "legend": {"ours": "cs336-02 reference", "hf": "HF tokenizers"},
    }
    return {
        "name": NAME,
        "title": TITLE,
        "description": _description(points, valid_bytes=size, pressure=pressure),
        "machine": harness.machine_info(),
        "params": {
            "sizes": list(sizes),
            "vocab_sizes": list(vocab_sizes),
            "valid_bytes": valid_bytes,
            "repeats": repeats,
            "corpus": "quick (" + ", ".join(QUICK_PACKAGES) + ")" if quick_corpus else "full docstring corpus",
            "cpu_count": os.cpu_count(),
            "cpu_pressure_avg60_percent": pressure,
        },
        **table,
    }


def _description(points: Sequence[dict], *, valid_bytes: int, pressure: float | None) -> str:
    rows = "; ".join(
        f"{p['corpus_bytes']:,} bytes to {p['vocab_size']:,} tokens: ours/hf {p['ratios']['ours/hf']:.2f}x, "
        f"bytes per token ours {p['bytes_per_token']['ours']:.3f}, hf {p['bytes_per_token']['hf']:.3f}"
        for p in points
    )
    busy = "" if pressure is None else (
        f" Over the last minute some task waited for a CPU {pressure:.0f}% of the time (Linux CPU pressure); "
        "a busy machine slows both trainers' parallel parts."
    )
    return (
        "Byte-level BPE with the GPT-2 pretokenizer and one special token, on the leading documents of the local "
        f"docstring corpus; both trainers use every core ({os.cpu_count()} here). Compression is measured on "
        f"{valid_bytes:,} bytes of the held-out valid split. {rows}.{busy}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])

    def default(key: str) -> str:
        full, quick = FULL[key], QUICK[key]
        show = (lambda v: " ".join(map(str, v))) if isinstance(full, tuple) else str
        return f"(default {show(full)}; --quick: {show(quick)})"

    parser.add_argument("--sizes", type=harness.size_arg, nargs="+", default=None,
                        help=f"corpus sizes in bytes, the swept parameter {default('sizes')}")
    parser.add_argument("--vocab-sizes", type=harness.size_arg, nargs="+", default=None,
                        help=f"one vocabulary size per corpus size {default('vocab_sizes')}")
    parser.add_argument("--valid-bytes", type=harness.size_arg, default=None,
                        help=f"held-out bytes for the compression check {default('valid_bytes')}")
    parser.add_argument("--corpus-dir", type=Path, default=None,
                        help="where the docstring corpus is built and cached (default: the data folder)")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL

    def pick(key: str):
        value = getattr(args, key)
        return preset[key] if value is None else value

    console = Console()
    start = time.perf_counter()
    try:
        result = run(
            pick("sizes"), pick("vocab_sizes"), valid_bytes=pick("valid_bytes"), repeats=pick("repeats"),
            corpus_dir=args.corpus_dir, quick_corpus=args.quick, progress=not args.no_progress, console=console,
        )
    except ValueError as err:
        parser.error(str(err))
    harness.publish(result, args.out or harness.default_out(args.quick), console, started=start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
