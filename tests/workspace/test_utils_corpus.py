"""utils.corpus: the docstring corpus, built from a tiny fake package tree (never the real one here)."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from utils import corpus
from utils.corpus import SEPARATOR, clean, docstring_corpus, docstrings, source_files, split_of

PROSE = ("This function reads the configuration file and returns a dictionary of settings. "
         "Missing keys fall back to their defaults, and unknown keys are reported as warnings. "
         "The file is read once and cached.")


def module(doc: str, *funcs: tuple[str, str]) -> str:
    """Source of a module with docstring ``doc`` and functions ``(name, docstring)``."""
    body = f'"""{doc}"""\n\nraise SystemExit("importing this module is not allowed")\n'
    for name, fdoc in funcs:
        body += f'\n\ndef {name}():\n    """{fdoc}"""\n'
    return body


@pytest.fixture
def tree(tmp_path):
    """Two fake packages; returns (sources, folder for the corpus, {label path: [expected documents]})."""
    a, b = tmp_path / "src" / "pkg_a", tmp_path / "src" / "pkg_b"
    files = {
        a / "zeta.py": module(f"Zeta module. {PROSE}", ("f", f"Function f. {PROSE}\n\n>>> f()\n... more\n42")),
        a / "alpha.py": module(f"Alpha module. {PROSE}", ("short", "Too short.")),
        a / "sub" / "mid.py": module(f"Mid module. {PROSE}\n\n=== --- +++ ||| ###"),
        a / "tests" / "test_skip.py": module(f"Skipped test module. {PROSE}"),
        a / "broken.py": "def (:\n",
        b / "only.py": module(f"Only module of pkg_b. {PROSE}"),
        b / "mod42.py": module(f"A validation module. {PROSE}"),  # split_of("pkg_b/mod42.py") == "valid"
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (a / "latin1.py").write_bytes(b'"""caf\xe9"""\n')
    expected = {
        "pkg_a/alpha.py": [f"Alpha module. {PROSE}"],
        "pkg_a/broken.py": [],
        "pkg_a/latin1.py": [],
        "pkg_a/sub/mid.py": [f"Mid module. {PROSE}"],
        "pkg_a/zeta.py": [f"Zeta module. {PROSE}", f"Function f. {PROSE}"],
        "pkg_b/mod42.py": [f"A validation module. {PROSE}"],
        "pkg_b/only.py": [f"Only module of pkg_b. {PROSE}"],
    }
    return {"pkg_a": a, "pkg_b": b}, tmp_path / "cache", expected


def documents(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith(SEPARATOR), f"{path.name} must end with the separator"
    return [d.rstrip("\n") for d in text.split(SEPARATOR)[:-1]]


def test_docstrings_reads_every_level_in_source_order_without_importing():
    source = textwrap.dedent('''
        """Module."""
        import this_module_does_not_exist
        class C:
            """Class."""
            def m(self):
                """Method."""
                def inner():
                    """Inner."""
        async def g():
            """Async."""
        x = 1
        """Not a docstring."""
    ''')
    assert docstrings(source) == ["Module.", "Class.", "Method.", "Inner.", "Async."]
    assert docstrings("def (:\n") == [] and docstrings("") == []


@pytest.mark.parametrize("doc,expected", [
    (">>> f(1)\n...\nReturn the answer.", "Return the answer."),
    ("Header\n======\n\nFirst paragraph.\n\n\n\n| 1 | 2 |\nSecond one.", "Header\n\nFirst paragraph.\n\nSecond one."),
    ("   >>> indented doctest\n   ... continued\nText stays.", "Text stays."),
    ("12345 67890 !!!", None),
    ("tiny", None),
    (f"one{SEPARATOR.strip()}two", "onetwo"),
])
def test_clean_drops_doctests_and_symbol_lines(doc, expected):
    assert clean(doc, min_chars=5) == expected, f"clean({doc!r})"


def test_clean_keeps_only_long_enough_documents():
    assert clean("Short docstring.") is None
    assert clean("a" * (corpus.MIN_CHARS - 1)) is None
    assert clean("a" * corpus.MIN_CHARS) == "a" * corpus.MIN_CHARS


def test_split_of_is_stable_and_about_one_in_twenty():
    labels = [f"pkg/module_{i}.py" for i in range(4000)]
    splits = [split_of(label) for label in labels]
    assert splits == [split_of(label) for label in labels]
    assert set(splits) == {"train", "valid"}
    assert 0.035 < splits.count("valid") / len(splits) < 0.065


def test_source_files_are_sorted_and_skip_test_folders(tree):
    sources, _, expected = tree
    labels = [label for label, _ in source_files(sources)]
    assert labels == sorted(expected), "sources in order, files by sorted path, tests/ skipped"


def test_build_routes_each_file_to_its_split_in_order(tree):
    sources, folder, expected = tree
    got = {s: documents(docstring_corpus(s, folder=folder, sources=sources, progress=False)) for s in corpus.SPLITS}
    want = {s: [d for label, docs in expected.items() if split_of(label) == s for d in docs] for s in corpus.SPLITS}
    assert got == want
    assert want["valid"] and want["train"], "the fake tree has files in both splits"
    text = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.txt"))
    assert ">>>" not in text and "more" not in text and "Skipped" not in text and "Too short" not in text
    assert not list(folder.glob("*.tmp")), "temporary files must be renamed or removed"


def test_cached_until_the_sources_change(tree, monkeypatch):
    sources, folder, _ = tree
    path = docstring_corpus("train", folder=folder, sources=sources, progress=False)
    calls = []
    real_build = corpus.build
    monkeypatch.setattr(corpus, "build", lambda *a, **k: calls.append(1) or real_build(*a, **k))
    assert docstring_corpus("train", folder=folder, sources=sources, progress=False) == path
    assert calls == [], "a second call reuses the files"
    docstring_corpus("train", folder=folder, sources={"pkg_b": sources["pkg_b"]}, progress=False)
    assert calls == [1], "other sources rebuild"
    assert json.loads((folder / "sources.json").read_text())["sources"] == {"pkg_b": str(sources["pkg_b"])}


def test_failed_build_keeps_the_old_files(tree, monkeypatch):
    sources, folder, _ = tree
    path = docstring_corpus("train", folder=folder, sources=sources, progress=False)
    before = path.read_bytes()

    def boom(source):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(corpus, "docstrings", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        corpus.build(folder, sources, progress=False)
    assert path.read_bytes() == before
    assert not list(folder.glob("*.tmp"))


@pytest.mark.parametrize("max_bytes", [1, 300, 500, 10_000])
def test_max_bytes_keeps_leading_whole_documents(tree, max_bytes):
    sources, folder, _ = tree
    full = docstring_corpus("train", folder=folder, sources=sources, progress=False).read_text(encoding="utf-8")
    head = docstring_corpus("train", max_bytes=max_bytes, folder=folder, sources=sources, progress=False)
    text = head.read_text(encoding="utf-8")
    docs = full.split(SEPARATOR)[:-1]
    assert full.startswith(text) and text.endswith(SEPARATOR)
    n = text.count(SEPARATOR)
    assert n >= 1, "at least one document, even if it is larger than max_bytes"
    assert n == 1 or len(text.encode()) <= max_bytes
    if n < len(docs):  # the next document would not have fit
        assert len((text + docs[n] + SEPARATOR).encode()) > max_bytes or n == 1


@pytest.mark.parametrize("kwargs,match", [({"split": "test"}, "split"), ({"max_bytes": 0}, "max_bytes")])
def test_bad_arguments(tree, kwargs, match):
    sources, folder, _ = tree
    with pytest.raises(ValueError, match=match):
        docstring_corpus(folder=folder, sources=sources, progress=False, **kwargs)


def test_default_sources_start_with_the_standard_library():
    sources = corpus.default_sources()
    assert next(iter(sources)) == "stdlib" and (sources["stdlib"] / "os.py").is_file()
    assert all(Path(p).is_dir() for p in sources.values())
    assert os.path.basename(sources.get("numpy", "numpy")) == "numpy"
