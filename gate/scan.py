"""Scan every publishable byte of a built site for personal strings, in one pass per file.

All secrets of all records go into one Aho-Corasick automaton (gate/automaton.py), so the cost
is one walk over each file's text, whatever the number of secrets. Each file is read raw,
HTML-unescaped (twice: &amp;#37073; too), JSON-unescaped and NFKC-normalised; compressed files
(.gz, .zip, .bz2, .xz) are opened. Fail closed: a file that cannot be read is itself a leak.
"""
from __future__ import annotations

import bz2
import gzip
import html
import io
import lzma
import pathlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from gate.automaton import Automaton
from gate.patterns import find_patterns

TEXT_SUFFIXES = {".html", ".htm", ".xml", ".json", ".csv", ".js", ".txt", ".md", ".rss", ".atom", ".svg",
                 ".tsv", ".webmanifest", ".map", ".css", ".yaml", ".yml", ".ics", ""}
PACKED = {".gz", ".zip", ".bz2", ".xz"}
BINARY_SKIP = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".pdf"}


@dataclass
class Leak:
    file: str
    record: str
    what: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what} of {self.record}: …{self.excerpt}…"


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _json_unescape(text: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def views(text: str) -> list[str]:
    """The file text as a reader (or a script) would see it."""
    out = [text]
    un = html.unescape(_json_unescape(text))
    un2 = html.unescape(un)
    for v in (un, un2):
        if v not in out:
            out.append(v)
    nf = [_norm(v) for v in out]
    out += [v for v in nf if v not in out]
    stripped = re.sub(r"<[^>]{0,200}>", "", out[-1])  # 张<b>三</b>
    if stripped not in out:
        out.append(stripped)
    return out


def _mask(excerpt: str, secret: str) -> str:
    return excerpt.replace(secret, secret[:1] + "＊" * (len(secret) - 1))


def _excerpt(text: str, start: int, end: int) -> str:
    value = text[start:end]
    masked = value[:1] + "＊" * (len(value) - 1)
    return (text[max(0, start - 15):start] + masked + text[end:end + 15]).replace("\n", " ")


def _decode(data: bytes) -> str:
    for enc in ("utf-8", "utf-16", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


SVG_GEOMETRY = re.compile(r'\s(?:d|points|transform|viewBox|x|y|x1|x2|y1|y2|cx|cy|r|width|height|stroke-width|clip-path)="[^"]*"')


def _contents(display: str, data: bytes, name: str):
    """(display name, text) of a file, opening archives and compressed files; name decides the type."""
    suffix = pathlib.Path(name).suffix.lower()
    if suffix == ".gz":
        yield from _contents(display, gzip.decompress(data), name[:-3])
    elif suffix == ".bz2":
        yield from _contents(display, bz2.decompress(data), name[:-4])
    elif suffix == ".xz":
        yield from _contents(display, lzma.decompress(data), name[:-3])
    elif suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    inner = f"{display}!{info.filename}"
                    yield from _contents(inner, zf.read(info), info.filename)
    elif suffix in BINARY_SKIP:
        return
    elif suffix == ".svg":
        # Geometry (path data, coordinates) is numbers separated by spaces, which the phone and
        # card patterns would read as numbers; text, titles and descriptions are all still scanned.
        yield display, SVG_GEOMETRY.sub(" ", _decode(data))
    else:
        yield display, _decode(data)


def scan_text(name: str, text: str, auto: Automaton, owners: dict[str, list[str]]) -> list[Leak]:
    leaks, seen = [], set()
    for view in views(text):
        for start, end, secret in auto.find(view):
            for record in owners[secret]:
                key = (record, secret)
                if key not in seen:
                    seen.add(key)
                    leaks.append(Leak(name, record, "personal string", _excerpt(view, start, end)))
        for kind, start, end in find_patterns(view):
            key = ("(pattern)", kind, view[start:end])
            if key not in seen:
                seen.add(key)
                leaks.append(Leak(name, "(any record)", kind, _excerpt(view, start, end)))
    return leaks


def scan_site(site_dir: pathlib.Path, secrets: dict[str, list[str]]) -> list[Leak]:
    site_dir = pathlib.Path(site_dir)
    owners: dict[str, list[str]] = {}
    for record, values in secrets.items():
        for v in values:
            v = _norm(v.strip())
            if len(v) >= 2:
                owners.setdefault(v, []).append(record)
    auto = Automaton(owners)
    leaks: list[Leak] = []
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        rel = str(path.relative_to(site_dir))
        try:
            for name, text in _contents(rel, path.read_bytes(), rel):
                leaks.extend(scan_text(name, text, auto, owners))
        except Exception as exc:  # fail closed: what cannot be read cannot be vouched for
            leaks.append(Leak(rel, "(unknown)", "unreadable file", f"{type(exc).__name__}: {exc}"))
    return leaks
