"""`publish.py serve`: the built site as static files, plus a read-only JSON search endpoint.

For deployments that run a server; the site itself needs none (its search page reads the
static index). `/api/search` answers from the whoosh index in `--state` (see `server.api`),
`/api/openapi.json` describes it. Anything else under `/api/` is a 404; only GET and HEAD.
"""
from __future__ import annotations

import functools
import json
import logging
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from server.api import answer
from server.openapi import openapi

log = logging.getLogger(__name__)


class PortalHandler(SimpleHTTPRequestHandler):
    state_dir: Path = Path("state")
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
                status, body = answer(parts.query, self.state_dir)
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
