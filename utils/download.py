"""Download a file once: progress bar, checksum, cache, resume.

    path = fetch("https://example.org/data.bin", cache_dir / "data.bin", sha256="…")

- A finished file is verified and reused; nothing is downloaded twice.
- An interrupted download leaves ``<name>.part`` behind; the next call resumes
  it with an HTTP ``Range`` request (or starts over if the server ignores it).
- The checksum (``sha256`` or ``md5``) is checked before the file is moved into
  place, so a corrupt or truncated download never looks finished.
- Without a published checksum, the first download's SHA-256 is written next
  to the file (``<name>.sha256``) and every later use is checked against it.

Only the standard library is used for HTTP (``urllib``), so this works
wherever Python does. Tests serve files from 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

CHUNK = 1 << 16


class DownloadError(RuntimeError):
    """A download failed or produced a file whose checksum does not match."""


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _expected(sha256: str | None, md5: str | None) -> tuple[str, str] | None:
    if sha256:
        return "sha256", sha256.lower()
    if md5:
        return "md5", md5.lower()
    return None


def verify(path: Path, *, sha256: str | None = None, md5: str | None = None) -> None:
    """Raise DownloadError unless ``path`` matches the given checksum (or its recorded one)."""
    want = _expected(sha256, md5)
    if want is None:
        recorded = path.with_name(path.name + ".sha256")
        if not recorded.is_file():
            return
        want = ("sha256", recorded.read_text().split()[0])
    got = file_digest(path, want[0])
    if got != want[1]:
        raise DownloadError(
            f"{path.name}: {want[0]} is {got}, expected {want[1]}. The file is corrupt or changed upstream; "
            f"delete {path} and download again."
        )


def fetch(
    url: str,
    dest: Path,
    *,
    sha256: str | None = None,
    md5: str | None = None,
    timeout: float = 60.0,
    progress: bool = True,
) -> Path:
    """Download ``url`` to ``dest`` unless a verified copy is already there; return ``dest``."""
    dest = Path(dest)
    if dest.is_file():
        verify(dest, sha256=sha256, md5=md5)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "llm-workspace/0.1"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        if err.code == 416 and have:  # the .part file is already complete
            response = None
        else:
            raise DownloadError(f"{url}: HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, OSError) as err:
        raise DownloadError(f"{url}: cannot connect ({getattr(err, 'reason', err)}). Check your internet connection.") from None

    if response is not None:
        with response:
            resumed = have and response.status == 206
            if not resumed:
                have = 0  # the server sent the whole file: start over
            length = response.headers.get("Content-Length")
            total = have + int(length) if length is not None else None
            with open(part, "ab" if resumed else "wb") as out, Progress(
                TextColumn(f"[bold]{dest.name}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
                disable=not progress, transient=True,
            ) as bar:  # fmt: skip
                task = bar.add_task("download", total=total, completed=have)
                try:
                    while block := response.read(CHUNK):
                        out.write(block)
                        bar.advance(task, len(block))
                except (http.client.HTTPException, OSError) as err:
                    raise DownloadError(f"{url}: interrupted ({err}); run again to resume") from None
        size = part.stat().st_size
        if total is not None and size < total:
            raise DownloadError(f"{url}: interrupted after {size} of {total} bytes; run again to resume")
    try:
        verify(part, sha256=sha256, md5=md5)
    except DownloadError:
        part.unlink(missing_ok=True)
        raise
    if _expected(sha256, md5) is None:
        dest.with_name(dest.name + ".sha256").write_text(file_digest(part) + "\n")
    os.replace(part, dest)
    return dest
