"""Writing rendered pages: relative links that work on any static host, and no rewrite of
files whose bytes did not change (so an incremental deploy uploads only what changed)."""
from __future__ import annotations

import os
from pathlib import Path

from pelican.utils import get_relative_path


def write_bytes(output_path: str | Path, relative: str, data: bytes) -> Path:
    path = Path(output_path, relative)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return path
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def siteurl_for(settings: dict, relative: str) -> str:
    """The SITEURL as seen from one output file: '..' chains when RELATIVE_URLS is on."""
    if settings.get("RELATIVE_URLS"):
        return get_relative_path(relative)
    return settings.get("SITEURL", "")


class PageWriter:
    """Renders theme templates into the output folder with the page's own SITEURL."""

    def __init__(self, generator):
        self.generator = generator
        self.settings = generator.settings
        self.output_path = generator.output_path
        self.written: list[str] = []

    def page(self, relative: str, template: str, **context) -> None:
        ctx = dict(self.generator.context)
        ctx.update(context)
        ctx["SITEURL"] = siteurl_for(self.settings, relative)
        ctx["output_file"] = relative
        html = self.generator.get_template(template).render(ctx)
        self.written.append(relative)
        write_bytes(self.output_path, relative, html.encode("utf-8"))

    def raw(self, relative: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.written.append(relative)
        write_bytes(self.output_path, relative, data)
