"""A local English-prose corpus, made from docstrings, with no internet.

    from utils.corpus import docstring_corpus
    train = docstring_corpus("train")                     # ~20 MB of text, built once, then cached
    valid = docstring_corpus("valid")
    sample = docstring_corpus("train", max_bytes=130_000) # the first whole documents up to 130 kB

    .venv/bin/python -m utils.corpus                      # build it (rich progress bar), print the sizes

The text is the docstrings of the Python standard library and of installed
packages (torch, numpy, pandas, scikit-learn, scipy, matplotlib, ...). They
are read with :mod:`ast` from the source files, never by importing a module,
in a fixed order (sources in the order given, files by sorted path), so the
same installation always gives the same bytes. Each docstring is cleaned
(doctest lines ``>>>`` / ``...`` dropped, lines that are mostly not letters
dropped) and kept if at least :data:`MIN_CHARS` long; documents are joined
with ``"<|endoftext|>\\n"``. A source file goes to the ``valid`` split when a
stable hash of its label path (``"stdlib/json/decoder.py"``) says so, about
1 file in :data:`VALID_EVERY`, else to ``train``.

Files go to ``utils.datasets.data_dir() / "docstrings"`` (``$LEARN_DATA_DIR``
or ``.learn/data``): ``train.txt``, ``valid.txt``, ``sources.json`` (what they
were built from) and the ``max_bytes`` slices. Every file is written to a
temporary name and renamed, so an interrupted build never leaves half a file.

Out of scope: deduplication, language detection, any tokenisation.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import sysconfig
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

SEPARATOR = "<|endoftext|>\n"
SPLITS = ("train", "valid")
MIN_CHARS = 200  # shorter docstrings ("Return self.") are not prose
VALID_EVERY = 20  # about 1 source file in 20 goes to the valid split
MIN_LETTER_FRACTION = 0.5  # a line with fewer letters than this (tables, signatures, ASCII art) is dropped
PACKAGES = ("torch", "numpy", "pandas", "sklearn", "scipy", "matplotlib", "rich", "hypothesis", "pytest",
            "regex", "tokenizers", "tiktoken", "psutil", "triton")
SKIP_DIRS = {"test", "tests", "site-packages", "dist-packages", "__pycache__", "idlelib", "lib2to3", "turtledemo"}


def default_sources() -> dict[str, Path]:
    """Label -> folder: the standard library, then each installed package of :data:`PACKAGES` (found, not imported)."""
    sources = {"stdlib": Path(sysconfig.get_paths()["stdlib"])}
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)  # for a top-level name this reads the path, it imports nothing
        if spec is not None and spec.submodule_search_locations:
            sources[name] = Path(next(iter(spec.submodule_search_locations)))
    return sources


def source_files(sources: Mapping[str, Path]) -> Iterator[tuple[str, Path]]:
    """``(label path, file)`` for every ``.py`` file, sources in order, files by sorted path.

    ``"stdlib/json/decoder.py"`` is the label path of ``<stdlib>/json/decoder.py``; folders named in
    :data:`SKIP_DIRS` (test suites, nested site-packages) are skipped.
    """
    for label, root in sources.items():
        root = Path(root)
        files = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            files += [Path(folder) / n for n in names if n.endswith(".py")]
        for path in sorted(files):
            yield f"{label}/{path.relative_to(root).as_posix()}", path


def split_of(label_path: str) -> str:
    """``"valid"`` for about 1 label path in :data:`VALID_EVERY` (a stable MD5 hash), else ``"train"``."""
    digest = hashlib.md5(label_path.encode("utf-8")).digest()
    return "valid" if int.from_bytes(digest[:4], "big") % VALID_EVERY == 0 else "train"


def docstrings(source: str) -> list[str]:
    """The raw docstrings of a module's source (module, classes, functions, nested too), in source order.

    ``docstrings('def f():\\n    "Hi."\\n') -> ["Hi."]``; source that does not parse gives ``[]``.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in old sources
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                found.append((getattr(node, "lineno", 0), doc))
    return [doc for _, doc in sorted(found, key=lambda item: item[0])]


def _mostly_letters(line: str) -> bool:
    text = line.replace(" ", "")
    return sum(c.isalpha() for c in text) >= MIN_LETTER_FRACTION * len(text)


def clean(doc: str, *, min_chars: int = MIN_CHARS) -> str | None:
    """Drop doctest lines and lines that are mostly not letters; ``None`` if under ``min_chars`` remain.

    Blank lines stay (paragraphs), runs of them become one, and the separator never survives inside a
    document. ``clean(">>> f(1)\\n...\\nReturn the answer.", min_chars=5) -> "Return the answer."``
    """
    lines = []
    for line in doc.replace(SEPARATOR.strip(), "").splitlines():
        stripped = line.strip()
        if stripped.startswith((">>>", "...")):
            continue
        if not stripped:
            if lines and lines[-1]:
                lines.append("")
            continue
        if _mostly_letters(stripped):
            lines.append(line.rstrip())
    text = "\n".join(lines).strip()
    return text if len(text) >= min_chars else None


def build(folder: Path, sources: Mapping[str, Path], *, progress: bool = True) -> dict[str, Path]:
    """Write ``train.txt`` and ``valid.txt`` (and ``sources.json``) into ``folder``; return the split paths.

    Each document ends with :data:`SEPARATOR`. Both files are written under temporary names and renamed
    once complete.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = list(source_files(sources))
    temps = {s: tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False)
             for s in SPLITS}
    try:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=True, disable=not progress) as bar:
            task = bar.add_task("docstring corpus", total=len(files))
            for label_path, path in files:
                try:
                    source = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    source = ""
                out = temps[split_of(label_path)]
                for doc in docstrings(source):
                    text = clean(doc)
                    if text is not None:
                        out.write(text + "\n" + SEPARATOR)
                bar.advance(task)
        paths = {}
        for split, tmp in temps.items():
            tmp.close()
            os.chmod(tmp.name, 0o644)  # temporary files are private; the corpus is not
            paths[split] = folder / f"{split}.txt"
            os.replace(tmp.name, paths[split])
    except BaseException:
        for tmp in temps.values():
            tmp.close()
            Path(tmp.name).unlink(missing_ok=True)
        raise
    for old in folder.glob("*.head*.txt"):  # slices of an older build
        old.unlink()
    _write_atomic(folder / "sources.json", json.dumps(_manifest(sources), indent=1))
    return paths


def docstring_corpus(
    split: str = "train",
    *,
    max_bytes: int | None = None,
    folder: str | os.PathLike | None = None,
    sources: Mapping[str, str | os.PathLike] | None = None,
    progress: bool = True,
) -> Path:
    """The path of the docstring corpus's ``split`` ("train" or "valid"), building it on first use.

    Args:
        split: ``"train"`` (about 95 % of the source files) or ``"valid"``.
        max_bytes: if given, a file with the leading whole documents of the split that fit in this many
            bytes (at least one document), cached next to it as ``<split>.head<max_bytes>.txt``.
        folder: where the files live (default ``utils.datasets.data_dir() / "docstrings"``).
        sources: label -> folder to read ``.py`` files from (default :func:`default_sources`). A folder
            built from other sources is rebuilt.
        progress: show a rich progress bar while building.

    Raises:
        ValueError: an unknown split, or ``max_bytes`` below 1.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    if max_bytes is not None and max_bytes < 1:
        raise ValueError(f"max_bytes must be at least 1, got {max_bytes}")
    if folder is None:
        from utils.datasets import data_dir

        folder = data_dir() / "docstrings"
    folder = Path(folder)
    sources = {k: Path(v) for k, v in (sources or default_sources()).items()}
    path = folder / f"{split}.txt"
    manifest = folder / "sources.json"
    fresh = manifest.is_file() and json.loads(manifest.read_text(encoding="utf-8")) == _manifest(sources)
    if not (fresh and all((folder / f"{s}.txt").is_file() for s in SPLITS)):
        build(folder, sources, progress=progress)
    if max_bytes is None:
        return path
    head = folder / f"{split}.head{max_bytes}.txt"
    if not head.is_file():
        _write_atomic(head, _leading_documents(path, max_bytes))
    return head


def _leading_documents(path: Path, max_bytes: int) -> str:
    """The first whole documents of ``path`` whose UTF-8 size stays within ``max_bytes`` (at least one)."""
    kept, size = [], 0
    with open(path, encoding="utf-8") as f:
        doc = []
        for line in f:
            doc.append(line)
            if line == SEPARATOR:
                text = "".join(doc)
                doc = []
                n = len(text.encode("utf-8"))
                if kept and size + n > max_bytes:
                    break
                kept.append(text)
                size += n
                if size >= max_bytes:
                    break
    return "".join(kept)


def _manifest(sources: Mapping[str, Path]) -> dict:
    return {"sources": {k: str(v) for k, v in sources.items()}, "min_chars": MIN_CHARS, "valid_every": VALID_EVERY}


def _write_atomic(path: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as tmp:
        tmp.write(text)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, path)


if __name__ == "__main__":
    for name in SPLITS:
        p = docstring_corpus(name)
        print(f"{name}: {p} ({p.stat().st_size / 1e6:.1f} MB)")
