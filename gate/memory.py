"""The gate of a build that knows what the gate of the site online scanned.

A file is checked as lines: the lines of its views (scan.views) when it is text, of its bytes
(as latin-1) when it is binary. Nothing the gate looks for reads across a line break: no pattern
consumes one (gate/patterns.py) and a secret holding one is handled apart (`_Secrets.multiline`),
so a text is clean exactly when each of its lines is, and a line found clean is clean wherever
it appears. The memory in `--state/gate/` keeps, for the site online:

- `secrets`: every secret its gate looked for (as strings: `--state` holds them anyway, in
  the published state and the redaction cache; nothing in it is ever published);
- `files`: each file's stamp (size, modification time, inode) when it was scanned;
- chunks: every distinct line scanned, compressed, with a 128-bit digest of each.

A build then scans: the lines it has not seen (every secret and pattern), and the stored lines
for the secrets the online gate did not know (one pass of a small automaton over the distinct
lines instead of all pages). A file linked unchanged from the site online (`kept`, with its
recorded stamp) is not read at all; one edited online since has another stamp and is scanned
like a new file. Any hit makes the gate scan the files one by one as before (scan.scan_site),
which names them; a hit in the stored lines forgets the memory and scans the whole site.
Lines of files no longer online stay stored until the chunks outgrow the site (`_stale`), when
the memory is dropped and the next gate scans the whole site again.
"""
from __future__ import annotations

import hashlib
import os
import uuid
import zlib
from pathlib import Path

from gate.automaton import Automaton
from gate.patterns import find_patterns
from gate.scan import BINARY_MIN_BYTES, Binary, Leak, _contents, _norm, prime_nfkc_table, scan_site, views

BATCH_CHARS = 32_000_000  # distinct new lines held at once (about 64-128 MB), then scanned and stored
CHUNKS_MAX = 64


def stamp(st: os.stat_result) -> str:
    """Which file this is (portal/writing.py keeps the same stamp for pages it links)."""
    return f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}"


def walk(root: Path) -> dict[str, os.stat_result]:
    """Every file under root (relative path -> stat), with one scandir per folder."""
    out: dict[str, os.stat_result] = {}
    stack, seen = [("", str(root))], set()
    while stack:
        prefix, folder = stack.pop()
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen:  # a link back to a folder already read
            continue
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():  # links to folders are followed, as a host would serve them
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                else:  # a file, or a link to one; a broken link fails closed when read
                    out[prefix + entry.name] = entry.stat() if entry.is_file() else entry.stat(follow_symlinks=False)
    return out


class _Secrets:
    """The secrets of this build: NFKC strings of 2 characters or more, and their encodings."""

    def __init__(self, secrets: dict[str, list[str]]):
        values = [v.strip() for vs in secrets.values() for v in vs]
        single = [v for v in values if "\n" not in v]
        # NFKC of the joined values is NFKC of each (a line break is stable); one call, not 200,000
        keys = set(_norm("\n".join(single)).split("\n")) if single else set()
        keys.update(_norm(v) for v in values if "\n" in v)
        self.all = {k for k in keys if len(k) >= 2}
        self.multiline = {k for k in self.all if "\n" in k}  # never found in a single line
        self._encoded: dict[str, list[str]] = {}

    def encoded_all(self, multiline: bool = False) -> list[str]:
        key = "multiline" if multiline else "single"
        if key not in self._encoded:
            self._encoded[key] = self.encoded(self.multiline if multiline else self.all, multiline)
        return self._encoded[key]

    @staticmethod
    def encoded(keys, multiline: bool = False) -> list[str]:
        """UTF-8 and GB18030 bytes (as latin-1) of the keys, where long enough for a binary file
        (scan._encoded; with `multiline`, of the keys holding a line break, else of the others)."""
        out = set()
        if multiline:
            for enc in ("utf-8", "gb18030"):
                for k in keys:
                    try:
                        b = k.encode(enc).decode("latin-1")
                    except UnicodeEncodeError:
                        continue
                    if len(b) >= BINARY_MIN_BYTES:
                        out.add(b)
            return sorted(out)
        keys = [k for k in keys if "\n" not in k]
        for enc in ("utf-8", "gb18030"):
            # neither encoding has a 0x0A byte inside a character, so the joined blob splits back
            # (GB18030 encodes every character; UTF-8 all but lone surrogates, done one by one)
            try:
                blob = "\n".join(keys).encode(enc).decode("latin-1")
                out.update(b for b in blob.split("\n") if len(b) >= BINARY_MIN_BYTES)
            except UnicodeEncodeError:
                out.update(_Secrets.encoded([k for k in keys], True) if enc == "utf-8" else ())
        return sorted(out)


def _candidates(text: str, keys: list[str], lengths=(2, 3, 4, 5, 6, 7, 8), bits: int = 26) -> list[str]:
    """The keys that may occur in text, found in bulk: a key of n characters (n in `lengths`)
    must occur as an n-gram of the text, a longer one must begin and end with n-grams of it
    (n the longest length); the text's n-grams go into a bitmap of hashes, where a collision
    only keeps a key. An automaton of these costs far less than one of all 200,000 secrets when
    the text is a build's new lines (a number of 18 digits is kept only if its first 8 and last
    8 digits occur)."""
    import numpy as np

    mask, prime = np.uint64((1 << bits) - 1), np.uint64(0x9E3779B97F4A7C15)

    def finish(h):
        h ^= h >> np.uint64(31)
        return h & mask

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    present = np.zeros(1 << bits, dtype=bool)
    for n in lengths:
        count = len(codes) - n + 1
        if count <= 0:
            continue
        h = np.full(count, n, dtype=np.uint64)
        for j in range(n):
            h *= prime
            h ^= codes[j:j + count]
        present[finish(h)] = True
        del h
    joined = np.frombuffer("".join(keys).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    size = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    ends = np.cumsum(size)
    starts = ends - size
    keep = size < min(lengths)  # none: secrets are 2 characters or more, encoded ones 6 bytes
    for i, n in enumerate(lengths):
        group = (size == n) if i + 1 < len(lengths) else (size >= n)
        if not group.any():
            continue
        ok = np.ones(int(group.sum()), dtype=bool)
        for at in (starts[group], ends[group] - n):
            h = np.full(len(at), n, dtype=np.uint64)
            for j in range(n):
                h *= prime
                h ^= joined[at + j]
            ok &= present[finish(h)]
        keep[group] = ok
    return [keys[i] for i in np.flatnonzero(keep)]


def _digests(lines: list[str], kind: str) -> bytes:
    encoding = "latin-1" if kind == "b" else "utf-8"
    return b"".join(hashlib.blake2b(line.encode(encoding, "surrogatepass" if kind == "t" else "strict"),
                                    digest_size=16).digest() for line in lines)


class _Known:
    """The digests of stored lines of one kind, sorted, for membership tests in bulk."""

    def __init__(self, blobs: list[bytes]):
        import numpy as np

        self.np = np
        self.keys = np.sort(np.frombuffer(b"".join(blobs), dtype="S16")) if blobs else np.zeros(0, dtype="S16")

    def missing(self, digests: bytes):
        np = self.np
        query = np.frombuffer(digests, dtype="S16")
        if not len(self.keys):
            return np.ones(len(query), dtype=bool)
        return ~np.isin(query, self.keys, assume_unique=False)

    def add(self, digests: bytes) -> None:
        np = self.np
        self.keys = np.sort(np.concatenate([self.keys, np.frombuffer(digests, dtype="S16")]))


class _Store:
    """Chunks of the memory in `folder`: zlib-compressed lines (text as UTF-8, binary as latin-1)
    and their digests. New chunks get names of their own; the memory that lists them owns them."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def lines(self, chunk: dict) -> list[str]:
        data = zlib.decompress((self.folder / f"{chunk['name']}.z").read_bytes())
        return data.decode("latin-1" if chunk["kind"] == "b" else "utf-8", "surrogatepass" if chunk["kind"] == "t" else "strict")

    def digests(self, chunk: dict) -> bytes:
        return (self.folder / f"{chunk['name']}.keys").read_bytes()

    def write(self, kind: str, lines: list[str], digests: bytes) -> dict:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{kind}-{uuid.uuid4().hex}"
        encoding = "latin-1" if kind == "b" else "utf-8"
        text = "\n".join(lines).encode(encoding, "surrogatepass" if kind == "t" else "strict")
        (self.folder / f"{name}.z").write_bytes(zlib.compress(text, 1))
        (self.folder / f"{name}.keys").write_bytes(digests)
        return {"name": name, "kind": kind, "chars": sum(map(len, lines)) + len(lines)}

    def complete(self, chunks: list[dict]) -> bool:
        return all((self.folder / f"{c['name']}{ext}").is_file() for c in chunks for ext in (".z", ".keys"))

    def remove_others(self, chunks: list[dict]) -> None:
        keep = {f"{c['name']}{ext}" for c in chunks for ext in (".z", ".keys")}
        for path in self.folder.glob("*-*.*") if self.folder.is_dir() else ():
            if path.name not in keep and path.suffix in (".z", ".keys"):
                path.unlink(missing_ok=True)


def _stale(previous: dict) -> bool:
    """The stored lines outgrew what the site needs: start again from a full scan."""
    chunks = previous.get("chunks", [])
    stored = sum(c["chars"] for c in chunks)
    return len(chunks) > CHUNKS_MAX or stored > 3 * previous.get("base_chars", 0) + 16_000_000


def _found_in_store(store: _Store, chunks: list[dict], secrets: _Secrets, new: set[str]) -> bool:
    """Whether any secret the online gate did not know occurs in a stored line."""
    if not new:
        return False
    if new & secrets.multiline:
        return True  # a secret over two lines cannot be looked for line by line
    text, binary = Automaton(new), Automaton(_Secrets.encoded(new))
    for chunk in chunks:
        automaton = binary if chunk["kind"] == "b" else text
        if next(automaton.find(store.lines(chunk)), None) is not None:
            return True
    return False


class _Batch:
    """Distinct lines not yet known, scanned and stored a batch at a time."""

    def __init__(self, store: _Store, known: dict[str, _Known], secrets: _Secrets):
        self.store, self.known, self.secrets = store, known, secrets
        self.lines: dict[str, dict[str, None]] = {"t": {}, "b": {}}
        self.size = 0
        self.chunks: list[dict] = []
        self.hit = False
        self._full: dict[str, Automaton] = {}

    def add(self, kind: str, text: str) -> None:
        target = self.lines[kind]
        before = len(target)
        for line in text.split("\n"):
            if line not in target:
                target[line] = None
                self.size += len(line)
        if len(target) != before and self.size > BATCH_CHARS:
            self.flush()

    def flush(self) -> None:
        for kind, lines in self.lines.items():
            if not lines:
                continue
            lines = list(lines)
            digests = _digests(lines, kind)
            missing = self.known[kind].missing(digests)
            fresh = [line for line, m in zip(lines, missing) if m]
            if not fresh:
                continue
            fresh_digests = self.known[kind].np.frombuffer(digests, dtype="S16")[missing].tobytes()
            if not self.hit:
                self.hit = self._scan(kind, "\n".join(fresh))
            self.known[kind].add(fresh_digests)
            self.chunks.append(self.store.write(kind, fresh, fresh_digests))
        self.lines = {"t": {}, "b": {}}
        self.size = 0

    def _automaton(self, kind: str, text: str) -> Automaton:
        if kind in self._full:
            return self._full[kind]
        keys = self.secrets.encoded_all() if kind == "b" else [k for k in self.secrets.all if "\n" not in k]
        if len(keys) > 2000 and len(text) < 8_000_000:  # longer: most secrets may occur
            candidates = _candidates(text, keys, (6, 8), 27) if kind == "b" else _candidates(text, keys)
            if len(candidates) < len(keys) // 2:
                return Automaton(candidates)
        self._full[kind] = Automaton(keys)  # most secrets may occur (a first build): all, built once
        return self._full[kind]

    def _scan(self, kind: str, text: str) -> bool:
        if next(self._automaton(kind, text).find(text), None) is not None:
            return True
        return kind == "t" and next(find_patterns(text), None) is not None


def check(staging: Path, secrets: dict[str, list[str]], kept: set[str], previous: dict | None,
          folder: Path, version: str) -> tuple[list[Leak], dict]:
    """Leaks in the staging site and the memory to keep once it is online (see the module)."""
    staging = Path(staging)
    store = _Store(folder)
    prime_nfkc_table(folder)
    wanted = _Secrets(secrets)
    if previous is not None and (previous.get("version") != version or _stale(previous)
                                 or not store.complete(previous.get("chunks", []))):
        previous = None
    if previous is not None:
        new = wanted.all - set(previous.get("secrets", []))
        if _found_in_store(store, previous["chunks"], wanted, new):
            previous = None  # a new secret on the site online, or in a line stored from older sites
    files = walk(staging)
    stamps = {rel: stamp(st) for rel, st in files.items()}
    if previous is None:
        chunks, recorded, trusted = [], {}, set()
    else:
        chunks, recorded = list(previous["chunks"]), previous.get("files", {})
        trusted = {rel for rel in kept if rel in stamps and recorded.get(rel) == stamps[rel]}
    known = {kind: _Known([store.digests(c) for c in chunks if c["kind"] == kind]) for kind in ("t", "b")}
    batch = _Batch(store, known, wanted)
    leaks: list[Leak] = []
    scanned = sorted(set(files) - trusted)
    for rel in scanned:
        try:
            with open(staging / rel, "rb") as f:
                data = f.read()
            for name, text in _contents(rel, data, rel):
                if isinstance(text, Binary):
                    batch.add("b", str(text))
                    if wanted.multiline and any(k in text for k in wanted.encoded_all(multiline=True)):
                        batch.hit = True
                    continue
                for view in views(text):
                    batch.add("t", view)
                    if wanted.multiline and any(k in view for k in wanted.multiline):
                        batch.hit = True
        except Exception as exc:  # fail closed: what cannot be read cannot be vouched for
            leaks.append(Leak(rel, "(unknown)", "unreadable file", f"{type(exc).__name__}: {exc}"))
    batch.flush()
    if batch.hit:
        # name every file and record as the gate always did
        found = scan_site(staging, secrets, files=scanned)
        leaks += found or [Leak("(gate)", "(unknown)", "line found by gate/memory.py, not by scan_site", "")]
    chunks += batch.chunks
    memory = {"version": version, "secrets": list(wanted.all), "files": stamps, "chunks": chunks,
              "base_chars": sum(c["chars"] for c in chunks) if previous is None else previous.get("base_chars", 0)}
    return leaks, memory
