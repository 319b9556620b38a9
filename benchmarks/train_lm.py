"""A real training run of the CS336 references, end to end, on the workspace's own English corpus.

    learn bench train-lm
    learn bench train-lm --quick
    python -m benchmarks.train_lm --max-iters 600 --threads 2

Every stage is the course's reference code, in the order a learner builds it:

1. corpus: ``utils.corpus.docstring_corpus`` (English prose from the
   docstrings of the standard library and the installed packages, made here,
   no download), the leading documents of its train split up to
   ``--corpus-bytes`` and of its valid split (``--quick``: a small corpus from
   a few standard-library packages);
2. ``train_bpe`` (cs336-02) learns a byte-level BPE vocabulary on it, with
   ``<|endoftext|>`` as the special token;
3. ``Tokenizer.encode_iterable`` (cs336-03) turns both splits into ids,
   written as ``uint16`` files by ``tokenize_to_memmap`` (cs336-18);
4. ``train`` (cs336-18: TransformerLM, AdamW, cosine schedule with warm-up,
   gradient clipping, periodic validation, checkpoints) trains the model;
5. ``decode`` (cs336-19) samples continuations of a few prompts from the
   final checkpoint (temperature and top-p, stopping at ``<|endoftext|>``).

Written to ``benchmarks/results/`` (``--quick``: ``benchmarks/results/quick/``):
``train-lm.json`` (configuration, machine, time per stage, the evaluation
history, tokens per second, the samples), ``train-lm.md`` (the same as a
page) and ``train-lm.png`` (train and validation loss against iterations).
The full run takes a few minutes on a two-core CPU; the configuration for a
GPU and TinyStories is in the lesson ``curriculum/lessons/cs336/train.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from rich.console import Console

from benchmarks import harness
from benchmarks.vectorize import thread_count, torch_threads
from cs336.solutions.bpe import train_bpe
from cs336.solutions.checkpointing import load_checkpoint
from cs336.solutions.decoding import decode
from cs336.solutions.tokenizer import Tokenizer
from cs336.solutions.train import TrainConfig, plot_losses, tokenize_to_memmap, train
from cs336.solutions.transformer_lm import TransformerLM
from utils.corpus import docstring_corpus

NAME = "train-lm"
TITLE = "Training the reference Transformer LM on the docstring corpus (CPU)"
EOT = "<|endoftext|>"
PROMPTS = ("Return the", "This function", "The number of", "If the input")
FULL = {
    "corpus_bytes": 8_000_000, "valid_bytes": 400_000, "vocab_size": 2048, "context_length": 128, "d_model": 128,
    "num_layers": 4, "num_heads": 4, "d_ff": 384, "batch_size": 16, "max_iters": 1200, "warmup_iters": 60,
    "lr_max": 3e-3, "lr_min": 3e-4, "eval_interval": 100, "eval_iters": 8, "threads": 2, "new_tokens": 48,
}
QUICK = {
    "corpus_bytes": 40_000, "valid_bytes": 8_000, "vocab_size": 320, "context_length": 32, "d_model": 32,
    "num_layers": 1, "num_heads": 2, "d_ff": 64, "batch_size": 4, "max_iters": 20, "warmup_iters": 4,
    "lr_max": 3e-3, "lr_min": 3e-4, "eval_interval": 10, "eval_iters": 2, "threads": 1, "new_tokens": 8,
}


def corpus_files(params: dict, *, quick_corpus: bool, progress: bool) -> tuple[Path, Path]:
    """The train and valid text: the leading whole documents of each split, up to the configured sizes.

    ``quick_corpus`` builds the small corpus of ``benchmarks.bpe.quick_sources`` (a few standard-library
    packages, a second or two) instead of the full one (about a minute, once).
    """
    options: dict = {"progress": progress}
    if quick_corpus:
        from benchmarks.bpe import quick_sources
        from utils.datasets import data_dir

        options.update(folder=data_dir() / "docstrings-quick", sources=quick_sources())
    return (docstring_corpus("train", max_bytes=params["corpus_bytes"], **options),
            docstring_corpus("valid", max_bytes=params["valid_bytes"], **options))


def encode_file(tokenizer: Tokenizer, path: Path, out: Path) -> int:
    """Encode a text file lazily, line by line, and write the ids as uint16; return the token count."""
    with open(path, encoding="utf-8") as f:
        ids = np.fromiter(tokenizer.encode_iterable(f), dtype=np.int64)
    return tokenize_to_memmap(ids, out)


def run(params: dict, *, quick_corpus: bool = False, progress: bool = False, console: Console | None = None,
        workdir: Path | None = None) -> dict:
    """Corpus -> BPE -> token files -> training -> samples; return the result dict (see the module docstring)."""
    console = console or Console(quiet=True)
    p = dict(params)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, torch_threads(p["threads"]) as used_threads:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        train_txt, valid_txt = corpus_files(p, quick_corpus=quick_corpus, progress=progress)
        seconds["corpus"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        vocab, merges = train_bpe(train_txt, p["vocab_size"], [EOT])
        seconds["train_bpe"] = time.perf_counter() - t0
        tokenizer = Tokenizer(vocab, merges, [EOT])
        eot_id = tokenizer.encode(EOT)[0]

        t0 = time.perf_counter()
        n_train = encode_file(tokenizer, train_txt, tmp / "train.bin")
        n_valid = encode_file(tokenizer, valid_txt, tmp / "valid.bin")
        seconds["tokenize"] = time.perf_counter() - t0
        train_bytes = train_txt.stat().st_size
        console.print(f"corpus: {train_bytes:,} bytes -> {n_train:,} tokens "
                      f"({train_bytes / n_train:.2f} bytes/token), valid {n_valid:,} tokens")

        config = TrainConfig(
            train_path=tmp / "train.bin", val_path=tmp / "valid.bin", vocab_size=len(vocab),
            context_length=p["context_length"], d_model=p["d_model"], num_layers=p["num_layers"],
            num_heads=p["num_heads"], d_ff=p["d_ff"], batch_size=p["batch_size"], max_iters=p["max_iters"],
            lr_max=p["lr_max"], lr_min=p["lr_min"], warmup_iters=p["warmup_iters"],
            eval_interval=p["eval_interval"], eval_iters=p["eval_iters"], checkpoint_path=tmp / "model.pt", seed=0,
        )
        t0 = time.perf_counter()
        history = train(config, progress=progress)["history"]
        seconds["train"] = time.perf_counter() - t0

        model = TransformerLM(config.vocab_size, config.context_length, config.d_model, config.num_layers,
                              config.num_heads, config.d_ff, config.rope_theta)
        load_checkpoint(config.checkpoint_path, model, torch.optim.SGD(model.parameters(), lr=0.0))
        model.eval()
        t0 = time.perf_counter()
        samples = []
        for i, prompt in enumerate(PROMPTS):
            ids = decode(model, tokenizer.encode(prompt), max_new_tokens=p["new_tokens"], temperature=0.8,
                         top_p=0.9, eos_id=eot_id, generator=torch.Generator().manual_seed(i))
            samples.append({"prompt": prompt, "continuation": tokenizer.decode(ids)})
        seconds["sample"] = time.perf_counter() - t0
        loss_png = tmp / "loss.png"
        plot_losses(history, loss_png)
        png = loss_png.read_bytes()

    n_params = sum(t.numel() for t in model.parameters())
    tokens_seen = p["max_iters"] * p["batch_size"] * p["context_length"]
    return {
        "name": NAME,
        "title": TITLE,
        "machine": harness.machine_info(),
        "params": {**p, "torch_threads_used": used_threads, "parameters": n_params, "train_bytes": train_bytes,
                   "train_tokens": n_train, "valid_tokens": n_valid, "bytes_per_token": train_bytes / n_train},
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()
                   if k not in ("train_path", "val_path", "checkpoint_path")},
        "seconds": seconds,
        "tokens_seen": tokens_seen,
        "train_tokens_per_s": tokens_seen / seconds["train"],
        "uniform_loss": math.log(len(vocab)),
        "history": history,
        "samples": samples,
        "png": png,
    }


def to_markdown(result: dict) -> str:
    """The run as a page: configuration, time per stage, the loss table and the samples."""
    p, h = result["params"], result["history"]
    lines = [
        f"# {result['title']}", "",
        f"Machine: {result['machine']['processor']} ({result['machine']['cpu_count']} CPUs), "
        f"torch {result['machine'].get('torch', '')}, {p['torch_threads_used']} torch threads, "
        f"{result['machine']['timestamp']}.", "",
        f"Corpus: {p['train_bytes']:,} bytes of docstrings -> {p['train_tokens']:,} tokens with a "
        f"{p['vocab_size']:,}-token BPE ({p['bytes_per_token']:.2f} bytes/token); validation {p['valid_tokens']:,} tokens.",
        f"Model: {p['parameters']:,} parameters (d_model {p['d_model']}, {p['num_layers']} layers, "
        f"{p['num_heads']} heads, d_ff {p['d_ff']}, context {p['context_length']}); batch {p['batch_size']}, "
        f"{p['max_iters']} steps, lr {p['lr_max']:g} -> {p['lr_min']:g} (cosine, {p['warmup_iters']} warm-up steps).",
        "",
        "| stage | seconds |", "|---|---|",
        *(f"| {k} | {v:.1f} |" for k, v in result["seconds"].items()),
        "",
        f"Training throughput: {result['train_tokens_per_s']:,.0f} tokens/s ({result['tokens_seen']:,} tokens seen, "
        "evaluation included).",
        f"A uniform guess would score ln(vocab) = {result['uniform_loss']:.2f} nats.", "",
        "![loss](train-lm.png)", "",
        "| iteration | train loss | val loss | lr |", "|---|---|---|---|",
        *(f"| {e['iter']} | {e['train_loss']:.3f} | {e['val_loss']:.3f} | {e['lr']:.2e} |" for e in h),
        "", "## Samples (temperature 0.8, top-p 0.9)", "",
    ]
    for s in result["samples"]:
        text = (s["prompt"] + s["continuation"]).replace("\n", "\n> ")
        lines += [f"> {text}", ""]
    return "\n".join(lines)


def save(result: dict, out: Path) -> dict[str, Path]:
    """Write ``train-lm.json``, ``train-lm.md`` and ``train-lm.png`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / f"{NAME}.json", "md": out / f"{NAME}.md", "png": out / f"{NAME}.png"}
    record = {k: v for k, v in result.items() if k != "png"}
    paths["json"].write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["md"].write_text(to_markdown(result) + "\n", encoding="utf-8")
    paths["png"].write_bytes(result["png"])
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"learn bench {NAME}", description=TITLE)
    harness.add_common_args(parser, repeats=1)
    parser.add_argument("--max-iters", type=harness.positive_int, default=None,
                        help=f"training steps (default {FULL['max_iters']}; --quick: {QUICK['max_iters']})")
    parser.add_argument("--corpus-bytes", type=harness.size_arg, default=None,
                        help=f"bytes of the train split to use (default {FULL['corpus_bytes']:,}; "
                             f"--quick: {QUICK['corpus_bytes']:,})")
    parser.add_argument("--threads", type=thread_count, default=None,
                        help=f"torch intra-op threads, 0 for torch's default (default {FULL['threads']})")
    args = parser.parse_args(argv)
    params = dict(QUICK if args.quick else FULL)
    for key in ("max_iters", "corpus_bytes", "threads"):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    params["eval_interval"] = min(params["eval_interval"], params["max_iters"])
    params["warmup_iters"] = min(params["warmup_iters"], params["max_iters"])
    out: Path = args.out or harness.default_out(args.quick)
    console = Console()
    start = time.perf_counter()
    try:
        result = run(params, quick_corpus=args.quick, progress=not args.no_progress, console=console)
    except (ValueError, FileNotFoundError) as err:
        console.print(f"[red]error:[/] {err}")
        return 2
    h = result["history"]
    console.print(f"loss {h[0]['val_loss']:.2f} -> {h[-1]['val_loss']:.2f} (val) in {result['seconds']['train']:.0f} s, "
                  f"{result['train_tokens_per_s']:,.0f} tokens/s")
    for s in result["samples"]:
        console.print(f"[bold]{s['prompt']}[/]{s['continuation']}", markup=True, highlight=False)
    paths = save(result, out)
    console.print(f"wrote {', '.join(str(p) for p in paths.values())} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
