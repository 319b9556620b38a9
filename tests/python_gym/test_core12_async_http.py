"""Grading tests for core-12: parse_url, fetch and fetch_all against a local test server.

The server is started by the tests themselves, in the same event loop, with
``asyncio.start_server`` on 127.0.0.1 and port 0 (the OS picks a free port):
nothing leaves the machine. It records every request line and its headers,
and the largest number of connections open at the same time, which is the
oracle for ``fetch_all``'s limit. Hand-written responses (a truncated body,
lower-case headers, a body sent in pieces...) are the oracle for ``fetch``.
URLs built from known parts (Hypothesis) are the oracle for ``parse_url``.

Every scenario runs under a 2-second guard and every fetch gets a timeout,
so a client that waits for bytes that never come fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true, run_async

pytestmark = pytest.mark.exercise("core-12")

LIMIT = 2.0  # seconds per scenario; each needs well under 0.3 s
BIG = bytes(range(256)) * 800  # 204 800 bytes


def run(scenario):
    """Run ``scenario`` to completion, failing with a teaching message after LIMIT seconds."""
    return run_async(
        scenario,
        limit=LIMIT,
        hint="the client is probably waiting for bytes that never come: read exactly Content-Length bytes, or until EOF when there is none",
    )


# ---------------------------------------------------------------- the test server


def response(status, body=b"", headers=None, reason="OK"):
    head = [f"HTTP/1.1 {status} {reason}"]
    if headers is None:
        headers = {"Content-Length": str(len(body))}
    head += [f"{name}: {value}" for name, value in headers.items()]
    head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class TestServer:
    """A tiny HTTP/1.1 server for the tests: fixed routes, request log, concurrency meter."""

    __test__ = False  # not a test class for pytest

    def __init__(self, delay=0.0):
        self.delay = delay  # seconds every request waits before its response
        self.active = 0
        self.max_active = 0
        self.requests = []  # (request line, {lower-case header: value})
        self.client_closed = []  # for /hold: did the client close its side after the response?

    async def handle(self, reader, writer):
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            request_line = (await reader.readline()).decode("latin-1").rstrip("\r\n")
            headers = {}
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            self.requests.append((request_line, headers))
            parts = request_line.split(" ")
            target = parts[1] if len(parts) == 3 else "/"
            if self.delay:
                await asyncio.sleep(self.delay)
            await self.respond(target.split("?")[0], target, headers, reader, writer)
            await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.active -= 1
            writer.close()

    async def respond(self, path, target, headers, reader, writer):
        if path == "/hello":
            writer.write(response(200, b"hello"))
        elif path == "/echo":
            writer.write(response(200, f"{target}|{headers.get('host', '')}".encode()))
        elif path == "/empty":
            writer.write(response(200, b""))
        elif path == "/unicode":
            writer.write(response(200, "你好, wörld".encode("utf-8")))
        elif path == "/error":
            writer.write(response(500, b"oops", reason="Internal Server Error"))
        elif path == "/big":
            writer.write(response(200, b"", {"Content-Length": str(len(BIG))}))
            for start in range(0, len(BIG), 16384):
                writer.write(BIG[start : start + 16384])
                await writer.drain()
        elif path == "/pieces":
            writer.write(response(200, b"", {"Content-Length": "15"}))
            for piece in (b"first", b"-mid-", b"last!"):
                await writer.drain()
                await asyncio.sleep(0.01)
                writer.write(piece)
        elif path == "/lowercase":
            writer.write(b"HTTP/1.0 201 Created\r\ncontent-length: 4\r\nX-Extra:   spaced   \r\n\r\nabcd")
        elif path == "/no-length":
            writer.write(response(200, b"", {"Content-Type": "text/plain"}) + b"until the connection closes")
        elif path == "/short":
            writer.write(response(200, b"abc", {"Content-Length": "10"}))
        elif path == "/bad-status":
            writer.write(b"HTTP/1.1 abc Broken\r\nContent-Length: 0\r\n\r\n")
        elif path == "/not-http":
            writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        elif path == "/bad-header":
            writer.write(b"HTTP/1.1 200 OK\r\nthis line has no colon\r\nContent-Length: 0\r\n\r\n")
        elif path == "/bad-length":
            writer.write(response(200, b"xy", {"Content-Length": "two"}))
        elif path == "/chunked":
            writer.write(response(200, b"5\r\nhello\r\n0\r\n\r\n", {"Transfer-Encoding": "chunked"}))
        elif path == "/headers-cut":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n")  # then the connection closes
        elif path == "/hang":
            await asyncio.sleep(30)
        elif path == "/hold":  # answer, keep our side open, and watch for the client to close its side
            writer.write(response(200, b"held"))
            await writer.drain()
            try:
                self.client_closed.append(await asyncio.wait_for(reader.read(), 0.5) == b"")  # b"": the client closed
            except TimeoutError:
                self.client_closed.append(False)
        else:
            writer.write(response(404, b"not found", reason="Not Found"))


@contextlib.asynccontextmanager
async def serve(delay=0.0):
    server = TestServer(delay)
    srv = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        srv.close()
        await srv.wait_closed()


def closed_port():
    """A port on 127.0.0.1 with nothing listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_on_server(ex, path, **kwargs):
    async def scenario():
        async with serve() as (server, base):
            result = await ex.fetch(base + path, timeout=kwargs.get("timeout", 1.0))
            return result, server.requests, base

    return run(scenario())


# ---------------------------------------------------------------- parse_url


@pytest.mark.parametrize(
    "url,expected",
    [
        ("http://127.0.0.1:8080/items?id=3#top", ("127.0.0.1", 8080, "/items?id=3")),
        ("http://Example.com", ("example.com", 80, "/")),
        ("http://example.com?q=1", ("example.com", 80, "/?q=1")),
        ("HTTP://HOST.test:1/A/b/", ("host.test", 1, "/A/b/")),
        ("http://h:65535/p%20q?x=%2F", ("h", 65535, "/p%20q?x=%2F")),
        ("http://[::1]:9000/v6", ("::1", 9000, "/v6")),
        ("http://h/path#only-fragment", ("h", 80, "/path")),
    ],
)
def test_parse_url_known_values(ex, url, expected):
    expect_equal(ex.parse_url(url), expected, call=f"parse_url({url!r})",
                 hint="(hostname, port or 80, path or '/' plus '?query'); never send the fragment, keep %-escapes as written")


@pytest.mark.parametrize(
    "url", ["https://example.com/", "ftp://example.com/", "example.com/path", "localhost:8080", "http://", "http://:80/",
            "http://h:0/", "http://h:65536/", "http://h:port/", "http://user:pw@h/", ""],
)
def test_parse_url_rejects(ex, url):
    ex.parse_url("http://h/")  # a valid URL must work first
    expect_raises(ValueError, ex.parse_url, url, call=f"parse_url({url!r})",
                  hint="only http://, a non-empty host, a port in 1..65535, no user@ part")


@given(st.from_regex(r"[a-z][a-z0-9-]{0,8}(\.[a-z]{2,3})?", fullmatch=True), st.one_of(st.none(), st.integers(1, 65535)),
       st.from_regex(r"(/[A-Za-z0-9._~%-]{0,6}){0,3}", fullmatch=True), st.from_regex(r"([a-z0-9=&%]{1,8})?", fullmatch=True))
def test_parse_url_property(ex, host, port, path, query):
    url = f"http://{host}{'' if port is None else f':{port}'}{path}{'?' + query if query else ''}"
    expected = (host, 80 if port is None else port, (path or "/") + ("?" + query if query else ""))
    expect_equal(ex.parse_url(url), expected, call=f"parse_url({url!r})", hint="split the URL back into the parts it was built from")


# ---------------------------------------------------------------- fetch


def test_fetch_hello_and_the_request_it_sends(ex):
    (status, body), requests, base = fetch_on_server(ex, "/hello")
    expect_equal((status, body), (200, b"hello"), call="await fetch(base + '/hello')",
                 hint="return (int status, raw body bytes)")
    line, headers = requests[0]
    expect_equal(line, "GET /hello HTTP/1.1", call="the request line the server received", hint="'GET <target> HTTP/1.1\\r\\n'")
    expect_equal((headers.get("host"), headers.get("connection", "").lower()), (base.removeprefix("http://"), "close"),
                 call="(Host, Connection) headers the server received", hint="send 'Host: 127.0.0.1:<port>' and 'Connection: close'")


def test_fetch_sends_the_raw_target(ex):
    (status, body), _, base = fetch_on_server(ex, "/echo?q=a%20b&x=1#frag")
    expect_equal((status, body.decode()), (200, f"/echo?q=a%20b&x=1|{base.removeprefix('http://')}"),
                 call="await fetch(base + '/echo?q=a%20b&x=1#frag') (the server echoes target|Host)",
                 hint="send path and query exactly as written; never the fragment")


@pytest.mark.parametrize(
    "path,expected",
    [
        pytest.param("/missing", (404, b"not found"), id="404-is-a-result"),
        pytest.param("/error", (500, b"oops"), id="500-is-a-result"),
        pytest.param("/empty", (200, b""), id="empty-body"),
        pytest.param("/unicode", (200, "你好, wörld".encode("utf-8")), id="utf8-bytes"),
        pytest.param("/pieces", (200, b"first-mid-last!"), id="body-in-pieces"),
        pytest.param("/lowercase", (201, b"abcd"), id="lowercase-header-http10"),
        pytest.param("/no-length", (200, b"until the connection closes"), id="no-content-length"),
        pytest.param("/big", (200, BIG), id="200kB"),
    ],
)
def test_fetch_responses(ex, path, expected):
    got, _, _ = fetch_on_server(ex, path)
    expect_true(got == expected,
                message=f"await fetch(base + {path!r})\n  expected: ({expected[0]}, <{len(expected[1])} bytes> {expected[1][:40]!r})\n"
                f"  got:      {got[0] if isinstance(got, tuple) else got!r}, "
                f"{'<%d bytes> %r' % (len(got[1]), got[1][:40]) if isinstance(got, tuple) and isinstance(got[1], bytes) else ''}",
                hint="header names are case-insensitive; read exactly Content-Length bytes with readexactly (one read() may "
                "return less); with no Content-Length, read to EOF; the length counts bytes, not characters")


@pytest.mark.parametrize("path", ["/short", "/bad-status", "/not-http", "/bad-header", "/bad-length", "/chunked", "/headers-cut"])
def test_fetch_malformed_responses_raise_value_error(ex, path):
    fetch_on_server(ex, "/hello")  # a good response must work first

    async def scenario():
        async with serve() as (_, base):
            return await ex.fetch(base + path, timeout=1.0)

    expect_raises(ValueError, run, scenario(), call=f"await fetch(base + {path!r})",
                  hint="check the status line (HTTP/1.x and 3 digits), header lines (need ':'), a numeric Content-Length, "
                  "no chunked encoding, and turn asyncio.IncompleteReadError into ValueError")


def test_fetch_timeout(ex):
    fetch_on_server(ex, "/hello")  # a good response must work first

    async def scenario():
        async with serve() as (_, base):
            return await ex.fetch(base + "/hang", timeout=0.1)

    expect_raises(TimeoutError, run, scenario(), call="await fetch(base + '/hang', timeout=0.1) (the server never answers)",
                  hint="wrap the whole exchange in asyncio.wait_for(..., timeout)")


def test_fetch_connection_refused(ex):
    fetch_on_server(ex, "/hello")  # a good response must work first
    url = f"http://127.0.0.1:{closed_port()}/"
    expect_raises(OSError, run, ex.fetch(url, timeout=1.0), call=f"await fetch({url!r}) (nothing listening)",
                  hint="let open_connection's ConnectionRefusedError (an OSError) propagate")


@pytest.mark.parametrize("url", ["https://127.0.0.1/", "ftp://x/", "not a url"])
def test_fetch_bad_url(ex, url):
    fetch_on_server(ex, "/hello")  # a good response must work first
    expect_raises(ValueError, run, ex.fetch(url, timeout=1.0), call=f"await fetch({url!r})", hint="parse_url first, before connecting")


def test_fetch_closes_the_connection(ex):
    async def scenario():
        async with serve() as (server, base):
            result = await ex.fetch(base + "/hold", timeout=1.0)
            for _ in range(100):  # the server waits up to 0.5 s for our side to close
                if server.client_closed:
                    break
                await asyncio.sleep(0.01)
            return result, server.client_closed

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        result, closed = run(scenario())
        gc.collect()
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning) and "unclosed" in str(w.message)]
    expect_true(not unclosed, message=f"fetch left a connection for the garbage collector to close: {unclosed[:1]}",
                hint="writer.close() and await writer.wait_closed() in a finally block")
    expect_equal(result, (200, b"held"), call="await fetch(base + '/hold')", hint="the server keeps its side open after the body")
    expect_equal(closed, [True], call="did the server see the client close its side after the response?",
                 hint="writer.close() and await writer.wait_closed() in a finally block; read exactly Content-Length bytes, "
                 "not until EOF, when the length is known")


# ---------------------------------------------------------------- fetch_all


@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_fetch_all_respects_the_limit(ex, limit):
    async def scenario():
        async with serve(delay=0.03) as (server, base):
            urls = [f"{base}/echo?n={i}" for i in range(6)]
            results = await ex.fetch_all(urls, limit)
            return results, server.max_active, base

    results, peak, base = run(scenario())
    host = base.removeprefix("http://")
    expect_equal(results, [(200, f"/echo?n={i}|{host}".encode()) for i in range(6)], call=f"await fetch_all(<6 URLs>, limit={limit})",
                 hint="results in input order (gather keeps it)")
    expect_true(peak <= limit, message=f"the server saw {peak} connections at once with limit={limit}",
                hint="acquire one shared asyncio.Semaphore(limit) around each fetch (async with sem:)")
    if limit > 1:
        expect_true(peak > 1, message=f"the server never saw more than {peak} connection at once with limit={limit}",
                    hint="start all requests as tasks (gather); awaiting them one by one is sequential")


def test_fetch_all_failures_are_results(ex):
    bad_port = closed_port()

    async def scenario():
        async with serve() as (_, base):
            urls = [base + "/hello", "ftp://nope/", base + "/missing", f"http://127.0.0.1:{bad_port}/", base + "/short", base + "/hello"]
            return await ex.fetch_all(urls, 2, timeout=1.0)

    results = run(scenario())
    kinds = [r if isinstance(r, tuple) else type(r).__name__ for r in results]
    ok = (len(results) == 6 and results[0] == (200, b"hello") and isinstance(results[1], ValueError) and results[2] == (404, b"not found")
          and isinstance(results[3], OSError) and isinstance(results[4], ValueError) and results[5] == (200, b"hello"))
    expect_true(ok, message=f"await fetch_all([hello, ftp://nope/, missing, <refused>, short, hello], 2) gave {kinds}",
                hint="expected [(200, b'hello'), ValueError, (404, b'not found'), ConnectionRefusedError, ValueError, (200, b'hello')]: "
                "gather(..., return_exceptions=True) puts each exception in its slot")


def test_fetch_all_empty(ex):
    expect_equal(run(ex.fetch_all([], 3)), [], call="await fetch_all([], 3)", hint="no URLs: an empty list")


@pytest.mark.parametrize("limit", [0, -1, 1.5, True])
def test_fetch_all_rejects_bad_limit(ex, limit):
    run(ex.fetch_all([], 1))  # a valid call must work first
    expect_raises(ValueError, run, ex.fetch_all(["http://127.0.0.1:1/"], limit), call=f"await fetch_all([...], {limit!r})",
                  hint="limit must be an int >= 1; asyncio.Semaphore(0) would wait forever")
