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
import os
import pathlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from gate.automaton import Automaton
from gate.public_names import NONE as NO_PUBLIC_NAMES
from gate.public_names import PublicNames
from gate.patterns import find_patterns

TEXT_SUFFIXES = {".html", ".htm", ".xml", ".json", ".csv", ".js", ".txt", ".md", ".rss", ".atom", ".svg",
                 ".tsv", ".webmanifest", ".map", ".css", ".yaml", ".yml", ".ics", ""}
PACKED = {".gz", ".zip", ".bz2", ".xz"}
PIECE_BYTES = 4 << 20  # a text file larger than this is read a piece of whole lines at a time
OVERLAP_CHARS = 64 << 10  # each piece begins with this much of the one before (whole lines)
BINARY_SKIP = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".pdf"}


@dataclass
class Leak:
    file: str
    record: str
    what: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what} of {self.record}: …{self.excerpt}…"


_TABLE = None


def prime_nfkc_table(folder: pathlib.Path) -> None:
    """Keep the table of `_one_to_one` in folder (0.3 s to compute, per Unicode version)."""
    global _TABLE
    import numpy as np

    if _TABLE is not None:
        return
    path = pathlib.Path(folder) / f"nfkc-{unicodedata.unidata_version}.npy"
    try:
        table = np.load(path)
        if table.shape == (0x10000,) and table.dtype == np.uint16:
            _TABLE = table
            return
    except (OSError, ValueError):
        pass
    _TABLE = _one_to_one()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            np.save(f, _TABLE)
        os.replace(tmp, path)
    except OSError:
        pass


def _one_to_one():
    """Every BMP character whose NFKC form is one other BMP character, as a lookup table over
    UTF-16 code units (full-width letters, digits and punctuation, compatibility ideographs …)."""
    global _TABLE
    import numpy as np

    if _TABLE is not None:
        return _TABLE
    table = np.arange(0x10000, dtype=np.uint16)
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        n = unicodedata.normalize("NFKC", chr(cp))
        if len(n) == 1 and ord(n) < 0x10000 and n != chr(cp):
            table[cp] = ord(n)
    _TABLE = table
    return table


def _norm(s: str) -> str:
    """NFKC, exactly (tests/test_gate.py compares with unicodedata on random text), about four
    times faster on Chinese pages: their full-width punctuation (，（） …) kept
    `unicodedata.normalize` on its slow path for the whole text. Replacing a character by its own
    NFKC form never changes the NFKC form of the text, so the one-to-one replacements are made
    first, as one table lookup per code unit, and `normalize` then only runs on lines still not
    normalised (line breaks are stable: NFKC of a text is NFKC of its lines, joined)."""
    if s.isascii() or unicodedata.is_normalized("NFKC", s):
        return s
    import numpy as np

    units = np.frombuffer(s.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    s = _one_to_one()[units].tobytes().decode("utf-16-le", "surrogatepass").replace("\u2026", "...")
    if unicodedata.is_normalized("NFKC", s):
        return s
    return "\n".join(line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
                     for line in s.split("\n"))


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _json_unescape(text: str) -> str:
    if "\\u" not in text:
        return text
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def views(text: str) -> list[str]:
    """The file text as a reader (or a script) would see it: JSON escapes and HTML character
    references decoded (twice: &amp;#37073; too), NFKC-normalised; then the same with tags removed
    (张<b>三</b>). Decoding and normalising only ever turn spellings into the plain one the secrets
    are kept in, so the raw text need not be searched separately."""
    return [view for view, _ in stored_views(text)[0]]


def stored_views(text: str) -> tuple[list[tuple[str, bool]], str]:
    """views(text), each with whether the gate's memory must keep its lines, and what it keeps
    instead of the plain view's lines (gate/memory.py): what the stripped view drops, each cell
    as a line, and each tag as the stripped view found it (its cells made line breaks); "" when
    nothing is dropped.

    Why that is enough: a secret holds no "<", ">" or line break (gate/memory.py looks for one
    that does apart), and a cell or tag begins with "<" and ends with ">". An occurrence of a
    secret in the plain view that touches no dropped character lies in a run of characters the
    stripped view keeps side by side, in one of its lines. One that touches a cell lies inside
    it (it would hold its first or last character otherwise); one that touches a tag and no
    cell lies inside the tag, between two of its cells, on one of its lines as kept. At 10k the
    text lines a site's memory keeps go from 24.4 to ~11.7 million characters: the plain view of
    a page is mostly its text again, which the stripped view holds."""
    plain = _plain(text)
    if "<" in plain:
        # inline tags go (张<b>三</b> is 张三); a cell, item or block boundary separates what
        # it separates: a statistics table read with its cells glued (1 | 3800…) spelled a mobile.
        # The stripped view is _TAG.sub("", _CELL.sub("\n", plain)), split to keep what it drops.
        texts_cells = _CELL_SPLIT.split(plain)  # text, cell, text, ...
        texts_tags = _TAG_SPLIT.split("\n".join(texts_cells[::2]) if len(texts_cells) > 1 else plain)
        if len(texts_tags) + len(texts_cells) > 2:
            dropped = "\n".join(dict.fromkeys(texts_cells[1::2] + texts_tags[1::2]))  # a page repeats its tags
            return [(plain, False), ("".join(texts_tags[::2]), True)], dropped
    return [(plain, True)], ""


def _plain(text: str) -> str:
    return _norm(html.unescape(html.unescape(_json_unescape(text))))


_TAG = re.compile(r"<[^>]{0,200}>")
_CELL = re.compile(r"</?(?:td|th|tr|li|p|div|br|h[1-6]|table|thead|tbody|ul|ol|dt|dd|section|article)\b[^>]{0,200}>", re.I)
_TAG_SPLIT = re.compile(f"({_TAG.pattern})")
_CELL_SPLIT = re.compile(f"({_CELL.pattern})", re.I)


def _mask(excerpt: str, secret: str) -> str:
    return excerpt.replace(secret, secret[:1] + "＊" * (len(secret) - 1))


def _excerpt(text: str, start: int, end: int) -> str:
    value = text[start:end]
    masked = value[:1] + "＊" * (len(value) - 1)
    return (text[max(0, start - 15):start] + masked + text[end:end + 15]).replace("\n", " ")


# In a binary file only secrets whose encoding is this long are looked for: the binary files a
# build publishes (encrypted progress files, search postings) are nearly random bytes, and a key
# of n bytes turns up in B random bytes about B / 2**(8n) times. At 6 bytes (a two-character name
# in UTF-8, a three-character one in GB18030) a 100k build's ~370 MB of binary lines and its
# ~2**18 six-byte keys expect 0.35 chance matches a full scan: a 100k cold build (21:14 run) was
# stopped by one, in an encrypted progress file. At 8, ~1e-5. Text files are searched for every
# secret of two characters or more, as before; these binary files hold no UTF-8 or GB18030 text
# (the search postings spell their terms in UTF-16 units).
BINARY_MIN_BYTES = 8


def _decode(data: bytes, suffix: str) -> str | None:
    """The file as text, or None when it is binary (an encrypted blob, an image we do not know)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if suffix in TEXT_SUFFIXES and suffix:
        try:
            return data.decode("gb18030")  # a CSV saved for Excel
        except UnicodeDecodeError:
            pass
    return None


SVG_GEOMETRY = re.compile(r'\s(?:d|points|transform|viewBox|x|y|x1|x2|y1|y2|cx|cy|r|width|height|stroke-width|clip-path)="[^"]*"')


class Binary(str):
    """Bytes that are not text, as latin-1: scanned for secrets' UTF-8 and GB18030 bytes."""


def _suffix(name: str) -> str:
    """pathlib.PurePosixPath(name).suffix.lower(), without making a path object per file."""
    base = name.rsplit("/", 1)[-1]
    if not base or base == ".":  # "a/", "a/.": pathlib names the folder before
        parts = [p for p in name.split("/") if p and p != "."]
        base = parts[-1] if parts else ""
    i = base.rfind(".")
    return base[i:].lower() if 0 < i < len(base) - 1 else ""


def _contents(display: str, data: bytes, name: str):
    """(display name, text) of a file, opening archives and compressed files; name decides the type."""
    suffix = _suffix(name)
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
        text = _decode(data, suffix)
        yield display, Binary(data.decode("latin-1")) if text is None else SVG_GEOMETRY.sub(" ", text)
    else:
        text = _decode(data, suffix)
        yield display, Binary(data.decode("latin-1")) if text is None else text


def texts(f, rel: str):
    """(display name, text) of an open file, as _contents gives them (whole), except that a large
    UTF-8 text file comes in pieces of whole lines, each piece beginning with the last
    OVERLAP_CHARS (or more: whole lines) of the one before. A piece begins and ends at a line
    break, which no JSON escape, character reference or NFKC form reaches across, so the plain
    view of the file is the plain views of its pieces, line for line; only a tag (200 characters
    at most) removed in the view without tags reaches across a line break, and what the overlap
    repeats makes every line of that view, and every stretch of it up to the overlap's length
    (a secret holding a line break, a secret split by tags), whole in some piece."""
    suffix = _suffix(rel)
    size = os.fstat(f.fileno()).st_size
    if size <= PIECE_BYTES or suffix in PACKED or suffix in BINARY_SKIP or suffix == ".svg":
        yield from _contents(rel, f.read(), rel)
        return
    rest, tail = b"", ""
    while True:
        block = f.read(PIECE_BYTES)
        data = rest + block
        end = data.rfind(b"\n") + 1 if block else len(data)
        if not end and block:  # no line break yet: read on (a piece holds whole lines)
            rest = data
            continue
        try:
            text = data[:end].decode("utf-8")
        except UnicodeDecodeError:  # not UTF-8 (UTF-16, GB18030, binary): whole, as _contents decides
            f.seek(0)
            yield from _contents(rel, f.read(), rel)
            return
        if text:
            piece = tail + text
            yield rel, piece
        if not block:
            return
        rest = data[end:]
        # the overlap: whole lines, the last OVERLAP_CHARS or more, of what was read
        start = piece.rfind("\n", 0, max(0, len(piece) - OVERLAP_CHARS)) + 1
        tail = piece[start:]


def scan_text(name: str, text: str, auto: Automaton, owners: dict[str, list[str]],
              raw: Automaton | None = None, patterns: bool = True, seen: set | None = None,
              public: PublicNames = NO_PUBLIC_NAMES) -> list[Leak]:
    """Leaks in one text; `seen` (what was reported already) is shared by the pieces of a file;
    a secret inside a public name of `public` is none (gate/public_names.py; text, not bytes)."""
    leaks, seen = [], set() if seen is None else seen
    binary = isinstance(text, Binary)
    if binary:
        # random bytes spell short ASCII strings by chance (MIN in an encrypted file), so a binary
        # file is searched for the encoded bytes of secrets long enough not to occur by chance
        views_, automaton = [str(text)], raw
    else:
        views_, automaton = views(text), auto
    for view in views_:
        for start, end, secret in automaton.find(view) if automaton is not None else ():
            if not binary and public.covers(view, start, end):
                continue
            for record in owners[secret]:
                key = (record, secret)
                if key not in seen:
                    seen.add(key)
                    leaks.append(Leak(name, record, "personal string", _excerpt(view, start, end)))
        for kind, start, end in find_patterns(view) if patterns else ():
            key = ("(pattern)", kind, view[start:end])
            if key not in seen:
                seen.add(key)
                leaks.append(Leak(name, "(any record)", kind, _excerpt(view, start, end)))
    return leaks


def _encoded(owners: dict[str, list[str]]) -> dict[str, list[str]]:
    """Secrets as their UTF-8 and GB18030 bytes (read as latin-1), for binary files."""
    out: dict[str, list[str]] = {}
    for secret, records in owners.items():
        for enc in ("utf-8", "gb18030"):
            try:
                b = secret.encode(enc)
            except UnicodeEncodeError:
                continue
            if len(b) >= BINARY_MIN_BYTES:
                out.setdefault(b.decode("latin-1"), []).extend(records)
    return out


# Python source of a helper's `advise(path)`: ask the kernel to read a file ahead (open,
# posix_fadvise WILLNEED, close). Also the start of pipeline/warm.py's helper.
ADVISE_FUNCTION = """import os, sys
def advise(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass
    finally:
        os.close(fd)
"""
_ADVISE = ADVISE_FUNCTION + """for line in sys.stdin.buffer:
    advise(line[:-1])
"""


class ReadAhead:
    """A small process of its own that asks the kernel for the files a long scan will read next,
    a few hundred ahead of it (open, posix_fadvise WILLNEED, close: the reads start and the call
    returns), so that the disk has reads to do while the scan works on the files before. A
    first build's gate reads back every file the build has just written, while the disk may
    still be writing them out: at 100k it waited 93 s of its 190 s. The scan sends it the paths
    through a pipe as it goes (`at(i)`), never more than a pipe holds. Not threads: two of them
    took the interpreter lock from the scan (a 10k cold gate 6.6 → 9.6 s with the page cache
    warm); not a fork of the build: the build then copies every page it writes while the child
    shares it (the same gate 6.6 → 7.7 s). Only for scans of `MIN_FILES` or more (a daily
    build's gate reads a few hundred). `with ReadAhead(items, path) as ahead:`."""

    MIN_FILES = 2000
    AHEAD = 512
    STEP = 64

    def __init__(self, items: list, path=str):
        self.items, self.path = items, path
        self.helper = None

    def __enter__(self) -> "ReadAhead":
        if len(self.items) < self.MIN_FILES or not hasattr(os, "posix_fadvise"):
            return self
        import subprocess
        import sys

        try:
            self.helper = subprocess.Popen([sys.executable, "-I", "-S", "-c", _ADVISE], stdin=subprocess.PIPE,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:  # no process to be had: the scan reads as it comes
            return self
        os.set_blocking(self.helper.stdin.fileno(), False)
        self._send(0, self.AHEAD)
        return self

    def at(self, i: int) -> None:
        """The scan is at item i."""
        if self.helper is not None and i % self.STEP == 0:
            self._send(i + self.AHEAD, i + self.AHEAD + self.STEP)

    def _send(self, start: int, end: int) -> None:
        paths = [self.path(item) for item in self.items[start:end]]
        if not paths:
            return
        data = "".join(f"{p}\n" for p in paths if "\n" not in p).encode("utf-8", "surrogateescape")
        try:
            os.write(self.helper.stdin.fileno(), data)
        except (BlockingIOError, BrokenPipeError, OSError):  # behind, or gone: these are read as they come
            pass

    def __exit__(self, *exc) -> None:
        if self.helper is not None:
            self.helper.kill()
            self.helper.stdin.close()
            self.helper.wait()
            self.helper = None


def scan_site(site_dir: pathlib.Path, secrets: dict[str, list[str]], files=None, patterns: bool = True,
              public_names=(), online: pathlib.Path | None = None) -> list[Leak]:
    """Leaks in the site: every secret, and (with `patterns`) every bare valid ID, phone, card or
    plate. `files` (relative paths) limits the scan, for a build that knows which files it
    kept unchanged from a site already scanned (see pipeline: only new secrets are looked
    for there); one of them not under `site_dir` is read from the site `online` (a build over
    a site online writes only the files that change). `public_names`: the organisations' and
    sole proprietors' names the site publishes, inside which a secret is no leak
    (gate/public_names.py)."""
    site_dir = pathlib.Path(site_dir)
    owners: dict[str, list[str]] = {}
    for record, values in secrets.items():
        for v in values:
            v = _norm(v.strip())
            if len(v) >= 2:
                owners.setdefault(v, []).append(record)
    auto = Automaton(owners)
    public = (PublicNames.of(public_names, lambda: "\n".join(k for k in owners if "\n" not in k)) if public_names
              else NO_PUBLIC_NAMES)
    # binary files: the secrets' bytes are looked for first as gate/memory.py does, without an
    # automaton (a quarter of the memory); the automaton that names them (as large again as
    # `auto`) is made only for a binary file where some may occur, or when a secret holds a
    # line break (never a key there)
    encoded = raw = prefilter = None
    leaks: list[Leak] = []
    if files is None:
        paths = [(str(p.relative_to(site_dir)), p) for p in sorted(p for p in site_dir.rglob("*") if p.is_file())]
    else:
        paths = [(f, site_dir / f if online is None or (site_dir / f).exists() else pathlib.Path(online, f))
                 for f in sorted(files)]
    if not owners and not patterns:
        return []
    with ReadAhead(paths, lambda item: str(item[1])) as ahead:
        for i, (rel, path) in enumerate(paths):
            ahead.at(i)
            try:
                seen: dict[str, set] = {}  # a large file comes in overlapping pieces: reported once
                with open(path, "rb") as f:
                    for name, text in texts(f, rel):
                        if isinstance(text, Binary):
                            if prefilter is None:
                                from gate.memory import _BinaryKeys

                                prefilter = False if any("\n" in k for k in owners) else _BinaryKeys("\n".join(owners))
                            if prefilter is not False and prefilter.find(str(text)) is False:
                                leaks.extend(scan_text(name, text, None, {}, None, patterns, seen.setdefault(name, set())))
                                continue
                            if encoded is None:
                                encoded = _encoded(owners)
                                raw = Automaton(encoded)
                            leaks.extend(scan_text(name, text, raw, encoded, raw, patterns, seen.setdefault(name, set())))
                        else:
                            leaks.extend(scan_text(name, text, auto, owners, patterns=patterns,
                                                   seen=seen.setdefault(name, set()), public=public))
            except Exception as exc:  # fail closed: what cannot be read cannot be vouched for
                leaks.append(Leak(rel, "(unknown)", "unreadable file", f"{type(exc).__name__}: {exc}"))
    return leaks
