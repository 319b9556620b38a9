"""BPE encoding: the course's reference tokenizer vs tiktoken, and encode_iterable's memory.

    learn bench tokenizer
    learn bench tokenizer --quick
    python -m benchmarks.tokenizer --sizes 250000 1000000 4000000 --merges 10000 --stream-sizes 25e6 100e6 --repeats 5

The tokenizers: merges are trained once, with HF ``tokenizers`` (a ByteLevel
BPE, ``--merges`` merges plus ``<|endoftext|>``; ``--trainer course`` uses
``cs336.solutions.bpe.train_bpe`` instead), on the first ``--train-bytes`` of
the corpus. From the same merges two encoders are built:

    reference  cs336.solutions.tokenizer.Tokenizer (pure Python: regex
               pretokens, a rank dict, a cache of pretoken -> ids)
    tiktoken   tiktoken.Encoding with the GPT-2 pattern, single bytes ranked
               0..255 and merge k's token ranked 256 + k (Rust)

Both must give the same ids on the timed text (checked, through the tokens'
bytes, before anything is timed).

The text: ``utils.corpus.docstring_corpus("train")`` (English prose from the
docstrings of installed packages; built on first use; ``--quick`` uses the small
corpus of a few standard-library packages), or with ``--corpus
synthetic`` deterministic English-like text made here (Zipf-distributed
pseudo-words, sentences, numbers, contractions, paragraphs), which needs
nothing on disk. The timed slices come after the training bytes where the
corpus is long enough.

Two panels:

1. Throughput: one ``encode`` of the first N bytes, cases alternated by the
   harness, median of ``--repeats``; time per byte in the table, MB/s in the
   legend and in each point's ``throughput``. The reference's cache is emptied
   before every call, so each call pays for its own first sightings.
2. Memory: a file of ``--stream-sizes`` bytes (lines of the text, shuffled
   with a fixed seed, repeated until the size is reached) is written to a
   temporary folder and encoded in a fresh process (so that memory freed by
   an earlier run cannot hide a later one), while a thread samples the
   process's RSS (psutil) every 10 ms: ``encode_iterable`` over the open file
   (the ids are counted, not kept) against ``encode`` of the whole file read
   at once (only up to ``--whole-cap`` bytes). The value is the peak RSS
   growth above the RSS just before encoding; the RSS trace of the largest
   streamed file is kept in the JSON (``rss_trace_mb``).

What to expect: tiktoken is several times to tens of times faster (compiled
code, no per-pretoken Python overhead); both grow linearly with N (slope ~1).
``encode_iterable``'s peak growth stays at a few MB (the pretoken cache and
the tail of the buffer) for every file size: slope ~0. ``encode`` of the whole
file grows with it (the text, the list of pretokens, the list of ids: tens of
bytes per input byte), slope ~1.

Results go to ``benchmarks/results/tokenizer.{json,md,png}`` (full run) or
``benchmarks/results/quick/`` (``--quick``); ``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from benchmarks import harness

NAME = "tokenizer"
TITLE = "BPE encoding: the reference tokenizer vs tiktoken, and encode_iterable's memory"
EOT = "<|endoftext|>"
PAT = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
FULL = {"sizes": (250_000, 1_000_000, 4_000_000), "repeats": 5, "merges": 10_000, "train_bytes": 5_000_000,
        "stream_sizes": (25_000_000, 100_000_000), "whole_cap": 25_000_000}
QUICK = {"sizes": (20_000, 80_000), "repeats": 3, "merges": 1_000, "train_bytes": 300_000,
         "stream_sizes": (400_000, 1_600_000), "whole_cap": 1_600_000}
CASES = ("reference", "tiktoken")
MEMORY_CASES = ("encode_iterable", "encode (whole file)")
SAMPLE_EVERY = 0.01  # seconds between RSS samples

# ---------------------------------------------------------------- text


def english_like_text(n_bytes: int, *, seed: int = 0) -> str:
    """Deterministic English-looking prose of at least ``n_bytes`` UTF-8 bytes (ASCII only).

    Pseudo-words are built from syllables and drawn with Zipf weights (a few
    very common, a long tail), so BPE has thousands of merges to learn, as on
    real text: ``english_like_text(60)[:24]`` is always the same string.
    """
    rng = random.Random(seed)
    onsets = ["", "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "th", "ch", "pr", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ea", "ou", "io", "y"]
    codas = ["", "", "n", "r", "s", "t", "l", "nd", "ng", "ck", "st", "rt"]
    common = ["the", "of", "and", "a", "to", "in", "is", "it", "that", "for", "with", "as", "on", "this", "by", "be"]
    words = list(common)
    seen = set(words)
    while len(words) < 30_000:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(rng.choice((1, 1, 2, 2, 3))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    out: list[str] = []
    size = 0
    while size < n_bytes:
        paragraph = []
        for _ in range(rng.randint(2, 6)):
            n = rng.randint(4, 18)
            sentence = rng.choices(words, weights, k=n)
            sentence[0] = sentence[0].capitalize()
            if rng.random() < 0.15:
                sentence.insert(rng.randrange(1, n), str(rng.randint(0, 10_000)))
            if rng.random() < 0.1:
                k = rng.randrange(n)
                sentence[k] += rng.choice(("'s", "n't", "'ll", "'re"))
            paragraph.append(" ".join(sentence) + rng.choice(".....?!;"))
        text = " ".join(paragraph) + ("\n\n" if rng.random() < 0.9 else f"\n{EOT}\n")
        out.append(text)
        size += len(text)
    return "".join(out)


def load_text(corpus: str, n_bytes: int) -> str:
    """At least ``n_bytes`` of text (repeated if the corpus is shorter).

    ``corpus``: "docstrings" (the full docstring corpus), "docstrings-quick" (the small one of
    ``benchmarks.bpe.quick_sources``, built in a second or two) or "synthetic".
    """
    if corpus == "synthetic":
        return english_like_text(n_bytes)
    from utils.corpus import docstring_corpus

    options: dict = {}
    if corpus == "docstrings-quick":
        from benchmarks.bpe import quick_sources
        from utils.datasets import data_dir

        options = {"folder": data_dir() / "docstrings-quick", "sources": quick_sources()}
    elif corpus != "docstrings":
        raise ValueError(f"corpus must be docstrings, docstrings-quick or synthetic, got {corpus!r}")
    text = Path(docstring_corpus("train", max_bytes=n_bytes, progress=False, **options)).read_text(encoding="utf-8")
    if not text:
        raise RuntimeError("the docstring corpus is empty; use --corpus synthetic")
    return text * (n_bytes // max(1, len(text.encode("utf-8"))) + 1) if len(text.encode("utf-8")) < n_bytes else text


def head_bytes(text: str, n: int) -> str:
    """The longest prefix of ``text`` of at most ``n`` UTF-8 bytes (never cutting a character)."""
    return text.encode("utf-8")[:n].decode("utf-8", errors="ignore")


# ---------------------------------------------------------------- the two encoders


def train_files(text: str, n_merges: int, folder: Path, *, trainer: str = "hf") -> tuple[Path, Path]:
    """Train ``n_merges`` merges on ``text`` and save ``vocab.json``/``merges.txt`` in ``folder``."""
    from cs336.solutions.tokenizer import Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab_path, merges_path = folder / "vocab.json", folder / "merges.txt"
    if trainer == "course":
        from cs336.solutions.bpe import train_bpe

        corpus = folder / "train.txt"
        corpus.write_text(text, encoding="utf-8")
        vocab, merges = train_bpe(corpus, 256 + 1 + n_merges, [EOT])
        Tokenizer(vocab, merges, [EOT]).save(vocab_path, merges_path)
        return vocab_path, merges_path
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers import models, pre_tokenizers, trainers

    hf = HFTokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    spec = trainers.BpeTrainer(vocab_size=256 + 1 + n_merges, special_tokens=[EOT], show_progress=False,
                               initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    hf.train_from_iterator(text.split(EOT), trainer=spec)
    hf.model.save(str(folder))
    return vocab_path, merges_path


def tiktoken_for(tok):
    """``(encoding, to_ids)``: a tiktoken.Encoding with ``tok``'s merges and a map rank -> ``tok``'s id."""
    import tiktoken

    ranks = {bytes([b]): b for b in range(256)}
    for k, (a, b) in enumerate(tok.merges):
        ranks.setdefault(a + b, 256 + k)
    special_rank = 256 + len(tok.merges)
    enc = tiktoken.Encoding(name="cs336-bench", pat_str=PAT, mergeable_ranks=ranks, special_tokens={EOT: special_rank})
    ids = {t: i for i, t in tok.vocab.items()}
    rank_to_id = {r: ids[t] for t, r in ranks.items()} | {special_rank: ids[EOT.encode()]}
    return enc, rank_to_id


def make_cases(n: int, *, tok, enc, rank_to_id, text: str) -> dict[str, harness.Case]:
    """Encode the first ``n`` bytes of ``text`` with each encoder; both are checked to give the same ids first."""
    piece = head_bytes(text, n)
    ours = tok.encode(piece)
    theirs = [rank_to_id[r] for r in enc.encode(piece, allowed_special="all")]
    if ours != theirs:
        where = next((k for k, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        raise RuntimeError(f"the reference and tiktoken disagree at token {where} of the first {n} bytes")

    def reference() -> list[int]:
        tok._cache.clear()  # each call pays for its own first sightings of the pretokens
        return tok.encode(piece)

    return {"reference": reference, "tiktoken": lambda: enc.encode(piece, allowed_special="all")}


# ---------------------------------------------------------------- memory


def write_stream_file(path: Path, text: str, n_bytes: int, *, seed: int = 0) -> int:
    """Write at least ``n_bytes`` to ``path``: the lines of ``text``, shuffled again for every repetition."""
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        while written < n_bytes:
            rng.shuffle(lines)
            block = "".join(lines)
            f.write(block)
            written += len(block.encode("utf-8"))
    return written


def _rss_child(vocab_path: str, merges_path: str, data_path: str, how: str, queue) -> None:
    """In a fresh process: load the tokenizer, encode the file ``how``, report the peak RSS growth and a trace."""
    import psutil

    from cs336.solutions.tokenizer import Tokenizer

    tok = Tokenizer.from_files(vocab_path, merges_path, [EOT])
    process = psutil.Process()
    trace: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            trace.append(process.memory_info().rss)
            done.wait(SAMPLE_EVERY)

    before = process.memory_info().rss
    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    if how == "encode_iterable":
        with open(data_path, encoding="utf-8", newline="") as f:
            count = sum(1 for _ in tok.encode_iterable(f))
    else:
        count = len(tok.encode(Path(data_path).read_text(encoding="utf-8")))
    seconds = time.perf_counter() - start
    trace.append(process.memory_info().rss)
    done.set()
    sampler.join()
    queue.put({"growth": max(trace) - before, "tokens": count, "seconds": seconds,
               "trace_mb": [round((r - before) / 2**20, 2) for r in trace]})


def measure_rss(vocab_path: Path, merges_path: Path, data_path: Path, how: str) -> dict:
    """Run :func:`_rss_child` in a spawned process and return what it reports."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_rss_child, args=(str(vocab_path), str(merges_path), str(data_path), how, queue))
    child.start()
    try:
        result = queue.get(timeout=3600)
    finally:
        child.join()
    return result


def memory_sweep(sizes, *, text, vocab_path, merges_path, whole_cap, folder, progress=False, console=None):
    """The memory panel's points (peak RSS growth in bytes per case) and the largest stream's RSS trace."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    points, trace = [], []
    runs = [(n, how) for n in sizes for how in MEMORY_CASES if how == "encode_iterable" or n <= whole_cap]
    with Progress(*columns, console=console, transient=True, disable=not progress) as bar:
        task = bar.add_task(f"{NAME} memory", total=len(runs))
        for n in sizes:
            data = folder / f"stream-{n}.txt"
            size = write_stream_file(data, text, n)
            found: dict[str, dict] = {}
            for x, how in runs:
                if x == n:
                    bar.update(task, description=f"{NAME} memory  {how}, {size / 1e6:,.1f} MB")
                    found[how] = measure_rss(vocab_path, merges_path, data, how)
                    bar.advance(task)
            data.unlink()
            if len({r["tokens"] for r in found.values()}) > 1:
                raise RuntimeError(f"encode_iterable and encode gave different token counts on {size} bytes: "
                                   f"{ {k: r['tokens'] for k, r in found.items()} }")
            samples = {how: [float(r["growth"])] for how, r in found.items()}
            stats = {how: harness.summarize(v) for how, v in samples.items()}
            points.append({"x": n, "number": {how: 1 for how in found}, "samples": samples, "stats": stats,
                           "ratios": harness.ratios(stats, "encode_iterable"), "file_bytes": size,
                           "tokens": found["encode_iterable"]["tokens"],
                           "seconds": {how: r["seconds"] for how, r in found.items()}})
            trace = found["encode_iterable"]["trace_mb"]
    step = max(1, len(trace) // 200)
    return points, trace[::step]


# ---------------------------------------------------------------- run


def run(
    sizes: Sequence[int] = FULL["sizes"],
    *,
    repeats: int = FULL["repeats"],
    merges: int = FULL["merges"],
    train_bytes: int = FULL["train_bytes"],
    stream_sizes: Sequence[int] = FULL["stream_sizes"],
    whole_cap: int = FULL["whole_cap"],
    corpus: str = "docstrings",
    trainer: str = "hf",
    progress: bool = False,
    console: Console | None = None,
) -> dict:
    """Train, check, time both encoders at every size, then measure memory; return the result dict."""
    if not sizes or any(n < 1 for n in sizes) or not stream_sizes or any(n < 1 for n in stream_sizes):
        raise ValueError(f"sizes must be positive integers, got {list(sizes)} and {list(stream_sizes)}")
    from cs336.solutions.tokenizer import Tokenizer

    text = load_text(corpus, train_bytes + max(sizes))
    train_text, timed_text = head_bytes(text, train_bytes), text
    if len(text.encode("utf-8")) >= train_bytes + max(sizes):
        timed_text = text[len(train_text):]  # time on text the merges were not trained on
    with tempfile.TemporaryDirectory(prefix="bench-tokenizer-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        vocab_path, merges_path = train_files(train_text, merges, folder / "bpe", trainer=trainer)
        train_seconds = time.perf_counter() - started
        tok = Tokenizer.from_files(vocab_path, merges_path, [EOT])
        enc, rank_to_id = tiktoken_for(tok)
        timing = harness.sweep(
            sizes, lambda n: make_cases(n, tok=tok, enc=enc, rank_to_id=rank_to_id, text=timed_text),
            repeats=repeats, baseline="tiktoken", progress=progress, label=f"{NAME} encode", console=console,
        )
        for p in timing:  # the cases' callables encode x bytes: stats are seconds per call here
            p["throughput_mb_s"] = {c: p["x"] / s["median"] / 1e6 for c, s in p["stats"].items()}
        memory, trace = memory_sweep(stream_sizes, text=text, vocab_path=vocab_path, merges_path=merges_path,
                                     whole_cap=whole_cap, folder=folder, progress=progress, console=console)
    fit_t, fit_m = len(set(sizes)) > 1, len(set(stream_sizes)) > 1
    largest = timing[-1]["throughput_mb_s"]
    return {
        "name": NAME,
        "title": TITLE,
        "description": (
            f"{len(tok.merges):,} merges trained with {'HF tokenizers' if trainer == 'hf' else 'cs336 train_bpe'} "
            f"on {len(train_text.encode('utf-8')):,} bytes of the {corpus} corpus in {train_seconds:.1f} s. "
            "Throughput: one encode of the first N bytes, the reference (pure Python, cache emptied per call) "
            "against tiktoken built from the same merges; both checked to give the same ids. Memory: peak RSS "
            "growth (psutil, sampled every 10 ms, each run in a fresh process) while encoding a file of N bytes "
            "with encode_iterable over its lines, or with encode of the whole file read at once."
        ),
        "machine": harness.machine_info(),
        "params": {"sizes": list(sizes), "repeats": repeats, "merges": merges, "train_bytes": train_bytes,
                   "stream_sizes": list(stream_sizes), "whole_cap": whole_cap, "corpus": corpus, "trainer": trainer},
        "rss_trace_mb": trace,
        "parts": [
            {
                "title": "Encoding time",
                "x_name": "bytes",
                "unit": "s",
                "measure": "time per encode",
                "cases": list(CASES),
                "baseline": "tiktoken",
                "points": timing,
                "slopes": harness.slopes(timing) if fit_t else {},
                "slope_label": "log-log slope of time vs bytes",
                "legend": {c: f"{largest[c]:.2f} MB/s at {timing[-1]['x']:,} B" for c in CASES},
            },
            {
                "title": "Peak RSS growth while encoding a file",
                "x_name": "file bytes",
                "unit": "B",
                "measure": "peak RSS growth",
                "cases": list(MEMORY_CASES),
                "baseline": "encode_iterable",
                "points": memory,
                "slopes": harness.slopes(memory) if fit_m else {},
                "slope_label": "log-log slope of peak RSS growth vs file bytes (0 = flat)",
            },
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=FULL["repeats"])
    parser.add_argument("--sizes", type=harness.size_arg, nargs="+", default=None,
                        help=f"bytes encoded per timed call (default {' '.join(map(str, FULL['sizes']))}; "
                        f"--quick: {' '.join(map(str, QUICK['sizes']))})")
    parser.add_argument("--merges", type=harness.size_arg, default=None,
                        help=f"merges to train (default {FULL['merges']}; --quick: {QUICK['merges']})")
    parser.add_argument("--train-bytes", type=harness.size_arg, default=None,
                        help=f"bytes of text to train on (default {FULL['train_bytes']}; --quick: {QUICK['train_bytes']})")
    parser.add_argument("--stream-sizes", type=harness.size_arg, nargs="+", default=None,
                        help=f"file sizes for the memory panel (default {' '.join(map(str, FULL['stream_sizes']))}; "
                        f"--quick: {' '.join(map(str, QUICK['stream_sizes']))})")
    parser.add_argument("--whole-cap", type=harness.size_arg, default=None,
                        help=f"largest file also encoded whole (default {FULL['whole_cap']}; --quick: {QUICK['whole_cap']})")
    parser.add_argument("--corpus", choices=("docstrings", "docstrings-quick", "synthetic"), default=None,
                        help="utils.corpus docstrings (built on first use, about a minute), the small corpus of a "
                             "few standard-library packages, or generated English-like text "
                             "(default docstrings; --quick: docstrings-quick)")
    parser.add_argument("--trainer", choices=("hf", "course"), default="hf",
                        help="train the merges with HF tokenizers or with cs336.solutions.bpe.train_bpe")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    out: Path = args.out or harness.default_out(args.quick)

    console = Console()
    start = time.perf_counter()
    result = run(
        args.sizes or preset["sizes"],
        repeats=args.repeats or preset["repeats"],
        merges=args.merges or preset["merges"],
        train_bytes=args.train_bytes or preset["train_bytes"],
        stream_sizes=args.stream_sizes or preset["stream_sizes"],
        whole_cap=args.whole_cap or preset["whole_cap"],
        corpus=args.corpus or ("docstrings-quick" if args.quick else "docstrings"),
        trainer=args.trainer,
        progress=not args.no_progress,
        console=console,
    )
    harness.publish(result, out, console, started=start)
    trace = result["rss_trace_mb"]
    if trace:
        console.print(f"encode_iterable RSS growth over the largest file: max {max(trace):.1f} MB, "
                      f"{len(trace)} samples, last {trace[-1]:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
