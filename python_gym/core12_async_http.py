"""Core day 12: a minimal asyncio HTTP/1.1 client and bounded concurrency with a semaphore.

HTTP/1.1 over a plain TCP stream, written with ``asyncio.open_connection``:
the request is a few lines of ASCII, the response is a status line, header
lines, a blank line, and a body whose length the ``Content-Length`` header
gives. Three functions:

- ``parse_url``: ``"http://host:port/path?query"`` -> ``(host, port, target)``;
- ``fetch``: one ``GET`` request -> ``(status, body)``;
- ``fetch_all``: many URLs with at most ``limit`` connections open at once
  (``asyncio.Semaphore``), results in input order, one failure not losing
  the other results.

In scope: ``StreamReader.readline``/``readexactly``/``read``, ``StreamWriter``
``write``/``drain``/``close``/``wait_closed``, ``asyncio.Semaphore``,
``asyncio.wait_for``. Out of scope (on purpose): HTTPS, redirects, chunked
transfer encoding, keep-alive and connection pools, request bodies. Use
``httpx`` or ``aiohttp`` for real work; this is what they do underneath.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from urllib.parse import urlsplit


def parse_url(url: str) -> tuple[str, int, str]:
    """Split an ``http://`` URL into ``(host, port, target)`` for a request.

    - the scheme must be ``http`` (case-insensitive);
    - ``host`` is the host name as ``urllib.parse`` reports it (lower-cased;
      an IPv6 literal without brackets);
    - ``port`` is the explicit port, or 80; it must be in 1..65535;
    - ``target`` is the path (``"/"`` if empty) plus ``"?query"`` if there is
      a query, exactly as written (no percent-decoding); the ``#fragment`` is
      never sent.

    Raises:
        ValueError: another scheme (``https``, ``ftp``, none), no host, a
            non-numeric or out-of-range port, or user info (``user@host``).

    Example:
        >>> parse_url("http://127.0.0.1:8080/items?id=3#top")
        ('127.0.0.1', 8080, '/items?id=3')
        >>> parse_url("http://Example.com")
        ('example.com', 80, '/')

    Edge cases the tests try: no path, a query without a path, percent
    escapes, a fragment, upper-case scheme and host, port 0, 65535 and
    65536, ``https``, a missing scheme, ``"http://"``, ``"http://:80/"``,
    user info, random valid URLs built from parts (Hypothesis).
    """
    # TODO: urllib.parse.urlsplit(url) does the splitting; check the pieces.
    # TODO: Reading .port raises ValueError for a bad port: let it (or re-raise).
    raise NotImplementedError("core-12: parse_url is not written yet")


async def fetch(url: str, *, timeout: float = 5.0) -> tuple[int, bytes]:
    """``GET url`` over HTTP/1.1 and return ``(status, body)``.

    The request, in ASCII, with ``\\r\\n`` line endings::

        GET <target> HTTP/1.1
        Host: <host>[:<port>]          (the port only when it is not 80)
        Connection: close
        <blank line>

    The response: a status line ``HTTP/1.x <3-digit status> <reason>``,
    header lines ``Name: value`` (names are case-insensitive:
    ``content-length`` and ``Content-Length`` are the same header) up to a
    blank line, then the body: exactly ``Content-Length`` bytes if that
    header is present (the data may arrive in several pieces), otherwise
    everything until the server closes the connection.

    Any status is a result, not an error: ``(404, b"not found")``. The
    connection is closed before returning, whatever happens.

    Args:
        url: an ``http://`` URL (see ``parse_url``).
        timeout: seconds for the whole exchange.

    Returns:
        ``(status, body)``: an ``int`` and the raw body ``bytes`` (not decoded).

    Raises:
        ValueError: a bad URL (before connecting), or a malformed response:
            not ``HTTP/1.x``, a non-numeric status, a header line without
            ``":"``, a bad ``Content-Length``, ``Transfer-Encoding: chunked``
            (not supported), or the connection closing before the headers
            end or before ``Content-Length`` bytes arrived.
        OSError: the connection failed (e.g. ``ConnectionRefusedError``).
        TimeoutError: the exchange took longer than ``timeout``.

    Example:
        >>> asyncio.run(fetch("http://127.0.0.1:8000/hello"))  # doctest: +SKIP
        (200, b'hello')

    Edge cases the tests try: 200, 404 and 500, an empty body, a UTF-8 body
    (bytes, not characters), a 200 kB body, a body that arrives in pieces,
    lower-case header names, no ``Content-Length``, a truncated body, a
    malformed status line, a chunked response, a server that never answers
    (with a short timeout), a refused connection, bad URLs.
    """
    # TODO: asyncio.open_connection(host, port); write the request bytes and
    # TODO: await writer.drain(); readline() for the status and header lines;
    # TODO: readexactly(n) for the body (one read() may return less). Close the
    # TODO: writer in a finally block. Wrap the exchange in asyncio.wait_for.
    raise NotImplementedError("core-12: fetch is not written yet")




async def fetch_all(urls: Iterable[str], limit: int, *, timeout: float = 5.0) -> list[tuple[int, bytes] | Exception]:
    """Fetch every URL, with at most ``limit`` requests in flight at any moment.

    All requests are started as concurrent tasks, but each one waits on an
    ``asyncio.Semaphore(limit)`` before connecting and releases it after its
    connection is closed, so the server never sees more than ``limit``
    connections from us at once (and sees several when ``limit > 1``).

    A failed fetch does not stop the others: its slot in the result holds
    the exception object (``ValueError``, ``OSError``, ``TimeoutError``...).
    Cancelling ``fetch_all`` cancels every request.

    Args:
        urls: the URLs, possibly with duplicates (each is fetched).
        limit: the most connections open at once, an ``int >= 1``.
        timeout: passed to each ``fetch``.

    Returns:
        One entry per URL, in input order: ``(status, body)`` or an exception.

    Raises:
        ValueError: if ``limit`` is not an ``int >= 1``.

    Example:
        >>> asyncio.run(fetch_all(["http://127.0.0.1:8000/a", "ftp://x"], limit=2))  # doctest: +SKIP
        [(200, b'a'), ValueError("only http:// URLs are supported, got 'ftp://x'")]

    Edge cases the tests try: no URLs, ``limit`` 1, 2, 3 and larger than the
    number of URLs (the server records the most simultaneous connections),
    a bad URL and a refused connection among good ones, ``limit`` 0 or not
    an int.
    """
    # TODO: one Semaphore(limit) shared by all requests; `async with sem:`
    # TODO: around each fetch. gather(..., return_exceptions=True) keeps the
    # TODO: order and turns failures into values. Do not split into batches by hand.
    raise NotImplementedError("core-12: fetch_all is not written yet")


if __name__ == "__main__":

    async def demo() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            request_line = await reader.readline()
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            body = request_line.split()[1]
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            print(await fetch(f"http://127.0.0.1:{port}/hello"))
            print(await fetch_all([f"http://127.0.0.1:{port}/{i}" for i in range(3)] + ["ftp://nope"], limit=2))

    asyncio.run(demo())
