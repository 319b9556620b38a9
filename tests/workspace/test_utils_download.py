"""Downloads and data-set parsers, against a file server on 127.0.0.1 and files made here."""

import gzip
import hashlib
import io
import pickle
import struct
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from curriculum.cli import main
from utils import datasets
from utils.download import DownloadError, fetch, file_digest

PAYLOAD = bytes(range(256)) * 2000  # 512 KB


class Server:
    """Serves ``files`` by name, honours Range, and can cut the first answer short."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.cut_next = False
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append(self.headers.get("Range") or "full")
                if name not in server.files:
                    self.send_error(404)
                    return
                data = server.files[name]
                start = 0
                if rng := self.headers.get("Range"):
                    start = int(rng.split("=")[1].split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.end_headers()
                        return
                    self.send_response(206)
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.cut_next:
                    server.cut_next = False
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server({"payload.bin": PAYLOAD})
    yield s
    s.close()


def test_download_verifies_and_is_cached(server, tmp_path):
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    path = fetch(server.url + "payload.bin", tmp_path / "p.bin", sha256=sha, progress=False)
    assert path.read_bytes() == PAYLOAD and server.requests == ["full"]
    fetch(server.url + "payload.bin", tmp_path / "p.bin", sha256=sha, progress=False)
    assert server.requests == ["full"], "a verified file must not be downloaded again"


def test_an_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    server.cut_next = True
    with pytest.raises(DownloadError, match="run again to resume"):
        fetch(server.url + "payload.bin", tmp_path / "p.bin", md5=hashlib.md5(PAYLOAD).hexdigest(), progress=False)
    part = tmp_path / "p.bin.part"
    assert 0 < part.stat().st_size < len(PAYLOAD)
    fetch(server.url + "payload.bin", tmp_path / "p.bin", md5=hashlib.md5(PAYLOAD).hexdigest(), progress=False)
    assert (tmp_path / "p.bin").read_bytes() == PAYLOAD and not part.exists()
    assert server.requests[-1] == f"bytes={len(PAYLOAD) // 2}-"


def test_a_wrong_checksum_is_an_error_and_leaves_nothing_that_looks_finished(server, tmp_path):
    with pytest.raises(DownloadError, match="sha256 is .* expected 0000"):
        fetch(server.url + "payload.bin", tmp_path / "p.bin", sha256="0000", progress=False)
    assert not (tmp_path / "p.bin").exists() and not (tmp_path / "p.bin.part").exists()


def test_without_a_published_checksum_the_first_download_is_recorded(server, tmp_path):
    dest = fetch(server.url + "payload.bin", tmp_path / "p.bin", progress=False)
    assert (tmp_path / "p.bin.sha256").read_text().split()[0] == file_digest(dest)
    dest.write_bytes(b"tampered")
    with pytest.raises(DownloadError, match="corrupt or changed upstream"):
        fetch(server.url + "payload.bin", dest, progress=False)


def test_missing_file_and_unreachable_host_are_clear_errors(server, tmp_path):
    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch(server.url + "nope.bin", tmp_path / "x", progress=False)
    with pytest.raises(DownloadError, match="cannot connect"):
        fetch("http://127.0.0.1:9/x", tmp_path / "y", progress=False, timeout=5)


# ------------------------------------------------------------------ parsers on files made here


def _idx(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def test_mnist_idx_files_parse_to_images_and_labels(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(_idx(images))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(_idx(labels))
    got_images, got_labels = datasets.load_mnist(tmp_path, "test")
    np.testing.assert_array_equal(got_images, images)
    assert got_labels.dtype == np.int64 and got_labels.tolist() == [3, 1, 4, 1, 5]
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"junk"))
    with pytest.raises(ValueError, match="not an unsigned-byte IDX"):
        datasets.load_mnist(tmp_path, "test")


def test_cifar10_archive_parses_to_hwc_images(tmp_path):
    data = np.arange(2 * 3072, dtype=np.int64).astype(np.uint8).reshape(2, 3072)
    blob = pickle.dumps({b"data": data, b"labels": [7, 2]})
    with tarfile.open(tmp_path / "cifar-10-python.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("cifar-10-batches-py/test_batch")
        info.size = len(blob)
        tar.addfile(info, io.BytesIO(blob))
    images, labels = datasets.load_cifar10(tmp_path, "test")
    assert images.shape == (2, 32, 32, 3) and labels.tolist() == [7, 2]
    assert images[0, 0, 0].tolist() == [data[0, 0], data[0, 1024], data[0, 2048]]  # R, G, B planes -> channels


def test_tinystories_streams_stories(tmp_path):
    text = "Once upon a time.<|endoftext|>\nThe end.<|endoftext|> Last one "
    (tmp_path / "TinyStoriesV2-GPT4-valid.txt").write_text(text, encoding="utf-8")
    assert list(datasets.iter_tinystories(tmp_path)) == ["Once upon a time.", "The end.", "Last one"]


def test_learn_data_downloads_from_a_mirror_and_lists_it(tmp_path, monkeypatch, capsys):
    files = {"TinyStoriesV2-GPT4-valid.txt": b"a story<|endoftext|>", "TinyStoriesV2-GPT4-train.txt": b"x" * 1000}
    srv = Server(files)
    try:
        monkeypatch.setenv("LEARN_DATA_DIR", str(tmp_path))
        assert main(["data", "tinystories", "--mirror", srv.url]) == 0
        assert (tmp_path / "tinystories" / "TinyStoriesV2-GPT4-train.txt").read_bytes() == b"x" * 1000
        assert main(["data"]) == 0
        out = capsys.readouterr().out
        assert "tinystories" in out and "yes" in out
        assert main(["data", "tinystory"]) == 2
        assert "did you mean 'tinystories'" in capsys.readouterr().out
        assert main(["data", "mnist", "--mirror", srv.url]) == 1
        assert "HTTP 404" in capsys.readouterr().out
    finally:
        srv.close()
