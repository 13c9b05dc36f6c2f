"""`publish.py serve`: the built site as static files, plus a read-only JSON search endpoint.

For deployments that run a server; the site itself needs none (its search page reads the
static index). `/api/search` answers from the whoosh index in `--state` (see `server.api`),
`/api/openapi.json` describes it. Anything else under `/api/` is a 404; only GET and HEAD.
"""
from __future__ import annotations

import email.utils
import functools
import gzip
import io
import json
import logging
import os
import socket
import threading
from collections import OrderedDict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from server.api import answer
from server.openapi import openapi

log = logging.getLogger(__name__)

GZIP_SUFFIXES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".bin"}
GZIP_CACHE_BYTES = 64 * 2**20


def _raw_utf8(query: str) -> str:
    """http.server reads the request line as ISO-8859-1: a client that sends UTF-8 without
    percent-encoding it (curl "…?q=殴打他人") arrives as mojibake. Read such bytes as UTF-8 again;
    bytes that are no UTF-8 are left for the query parser to refuse with a 400."""
    if query.isascii():
        return query
    try:
        return query.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return query


class _GzipCache:
    """Compressed bodies of static files, keyed by path, size and mtime (least recently used out)."""

    def __init__(self, limit: int = GZIP_CACHE_BYTES):
        self.limit, self.size, self.items, self.lock = limit, 0, OrderedDict(), threading.Lock()

    def get(self, path: str, st: os.stat_result) -> bytes:
        key = (path, st.st_size, st.st_mtime_ns)
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), compresslevel=6, mtime=0)
        with self.lock:
            self.items[key] = body
            self.size += len(body)
            while self.size > self.limit and self.items:
                self.size -= len(self.items.popitem(last=False)[1])
        return body


_gzip_cache = _GzipCache()


class PortalHandler(SimpleHTTPRequestHandler):
    state_dir: Path = Path("state")
    protocol_version = "HTTP/1.1"  # keep-alive: a search page fetches a dozen small files

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm holds the body
        # back until the client's delayed ACK: ~40 ms for every kept-alive response.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    server_version = "portal"
    sys_version = ""

    def end_headers(self):
        if not getattr(self, "_cache_set", False) and self.command in ("GET", "HEAD"):
            # Files named with the search index's version (`?v=`) never change: cache them for
            # good; anything else may change with the next build: revalidate (a 304 is cheap).
            parts = urlsplit(self.path)
            versioned = parts.path.startswith("/search/") and "v=" in parts.query
            self.send_header("Cache-Control", "public, max-age=31536000, immutable" if versioned else "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "same-origin")
        super().end_headers()

    def send_head(self):
        """Static files, gzip-compressed when the client accepts it and it saves bytes (as any
        production web server does); conditional requests get a 304."""
        path = self.translate_path(self.path)
        if os.path.isdir(path) and urlsplit(self.path).path.endswith("/"):
            path = os.path.join(path, "index.html")
        if not (os.path.isfile(path) and os.path.splitext(path)[1] in GZIP_SUFFIXES
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        st = os.stat(path)
        since = self.headers.get("If-Modified-Since")
        if since and not self.headers.get("If-None-Match"):
            try:
                if email.utils.parsedate_to_datetime(since).timestamp() >= int(st.st_mtime):
                    self.send_response(304)
                    self.end_headers()
                    return None
            except (TypeError, ValueError, IndexError, OverflowError):
                pass
        body = _gzip_cache.get(path, st)
        if len(body) >= st.st_size:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(st.st_mtime)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def _json(self, status: int, body: dict, head: bool = False) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self._cache_set = True
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _api(self, head: bool) -> bool:
        parts = urlsplit(self.path)
        if not parts.path.startswith("/api/"):
            return False
        if parts.path == "/api/search":
            try:
                status, body = answer(_raw_utf8(parts.query), self.state_dir)
            except Exception:  # a bug, never the caller's fault: say so without details
                log.exception("search failed for %r", self.path)
                status, body = 503, {"error": "搜索暂时不可用"}
        elif parts.path == "/api/openapi.json":
            status, body = 200, openapi()
        else:
            status, body = 404, {"error": "没有这个接口; 见 /api/openapi.json"}
        self._json(status, body, head)
        return True

    def do_GET(self):
        self._cache_set = False  # one handler serves every request of a kept-alive connection
        if not self._api(head=False):
            super().do_GET()

    def do_HEAD(self):
        self._cache_set = False
        if not self._api(head=True):
            super().do_HEAD()

    def log_message(self, format, *args):
        log.info("%s %s", self.address_string(), format % args)


def make_server(output: Path, state_dir: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    handler = type("Handler", (PortalHandler,), {"state_dir": Path(state_dir)})
    return ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(output)))


def serve_site(output: Path, state_dir: Path, host: str, port: int) -> None:
    if not Path(output, "index.html").is_file():
        raise SystemExit(f"{output} 中没有站点: 请先运行 publish.py build --output {output}")
    server = make_server(output, state_dir, host, port)
    print(f"站点: http://{host}:{server.server_address[1]}/  搜索接口: /api/search?q=  说明: /api/openapi.json")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
