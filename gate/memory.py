"""The gate of a build that knows what the gate of the site online scanned.

A file is checked as lines: the lines of its views (scan.views) when it is text; a binary file
is one "line" of its bytes (as latin-1): what changes in one (search postings, encrypted
progress files) changes throughout, and a file's one digest costs less than a hundred. Nothing
the gate looks for reads across a line break: no pattern consumes one (gate/patterns.py), none
is looked for in binary files, and a secret holding one is handled apart (`_Secrets.multiline`),
so a text is clean exactly when each of its lines is, and a line found clean is clean wherever
it appears. The memory in `--state/gate/` keeps, for the site online:

- `secrets`: every secret its gate looked for (as strings: `--state` holds them anyway, in
  the published state and the redaction cache; nothing in it is ever published), and
  `labels`: where they came from, with a digest of each one's values (`_prepare`);
- `files`: each file's stamp (size, modification time, inode) when it was scanned;
- chunks: every distinct line scanned, compressed, with a 128-bit digest of each; of a text
  with tags, the lines of its stripped view and its tags, not those of its plain view, which
  hold no occurrence of a secret that these do not (scan.stored_views: at 10k, 24.4 -> ~11.7
  million characters that a build over the site searches for its new secrets).

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
import itertools
import logging
import marshal
import os
import re
import uuid
import zlib
from pathlib import Path

from gate.automaton import Automaton
from gate.public_names import NONE as NO_PUBLIC_NAMES
from gate.public_names import PublicNames
from gate.patterns import find_patterns
from gate.scan import BINARY_MIN_BYTES, Binary, Leak, ReadAhead, _norm, prime_nfkc_table, scan_site, stored_views, texts

BATCH_CHARS = 8_000_000  # distinct new lines held at once (about 16-32 MB), then scanned and stored
CHUNK_CHARS = 32_000_000  # a chunk of the memory holds this many characters of lines, written as they come
CHUNKS_MAX = 64
# A daily build adds a chunk of each kind: past CHUNKS_MAX // 2 chunks, those under a quarter of
# CHUNK_CHARS are merged into one of their kind (_merge_small), so that daily builds do not make
# the memory stale (which a build after 31 of them did: a full scan, ~9 s at 10k, ~2 min at 100k).
# Binary lines of files no longer online stay stored too: the static index's recent segment is
# written again every day (~1.45 MB a build at 10k), and the stored binary lines grew by that
# each day. Once they are more than BINARY_REFRESH times those of the last refresh, plus
# BINARY_SLACK, the build drops them and reads the site's binary files again (_check_files).
BINARY_REFRESH = 1.5
BINARY_SLACK = 8_000_000
# More secrets than this are looked for this many at a time (_found_in_chunks), each group in one
# more pass over every line of the site. A 100k build has 1.64 million secrets: in two groups its
# gate cost 19.6x the 10k gate's CPU (a profile: 42% of it in the grouped passes), while an
# automaton of 994,466 of them takes 3.1 s of CPU and 220 MiB (bench note in README, Speed).
GROUP_KEYS = 2_500_000

_log = logging.getLogger(__name__)


def stamp(st: os.stat_result) -> str:
    """Which file this is (portal/writing.py keeps the same stamp for pages it links)."""
    return f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}"


def walk(root: Path, value=None) -> dict:
    """Every file under root (relative path -> stat, or `value(stat)`), with one scandir per
    folder. Links to folders are followed, as a host would serve them; a folder reached again
    through one (a link back up the tree) is not read again."""
    out: dict = {}
    root_st = os.stat(root)
    stack, seen = [("", str(root))], {(root_st.st_dev, root_st.st_ino)}
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.is_symlink():  # only a link can lead back to a folder already read
                        st = entry.stat()
                        if (st.st_dev, st.st_ino) in seen:
                            continue
                        seen.add((st.st_dev, st.st_ino))
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                else:  # a file, or a link to one; a broken link fails closed when read
                    st = entry.stat() if entry.is_file() else entry.stat(follow_symlinks=False)
                    out[prefix + entry.name] = st if value is None else value(st)
    return out


_SHORT = re.compile(r"^.?$", re.M)


class _Secrets:
    """The secrets of this build: NFKC strings of 2 characters or more, and their encodings."""

    def __init__(self, secrets: dict[str, list[str]]):
        # (loops over the 200,000 values of a 10k site run in C: map, join, split, set, regex)
        values = list(map(str.strip, itertools.chain.from_iterable(secrets.values())))
        joined = "\n".join(values)
        single = values if joined.count("\n") == len(values) - 1 else [v for v in values if "\n" not in v]
        # NFKC of the joined values is NFKC of each (a line break is stable); one call, not 200,000
        normalised = _norm(joined if single is values else "\n".join(single)) if single else ""
        keys = set(normalised.split("\n")) if single else set()
        keys.difference_update(_SHORT.findall(normalised))  # lines of 0 or 1 character
        multiline = (_norm(v) for v in values if "\n" in v) if single is not values else ()
        self.multiline = {k for k in multiline if len(k) >= 2}  # never found in a single line
        del values, joined, single, normalised
        self.count = len(keys)
        # the keys of one line, one a line (none holds a line break: NFKC never makes one), as one
        # string: a set of 2 million strings (100k) costs ~400 MB, one string of them 70-130 MB
        self.joined = "\n".join(keys)
        del keys
        self._encoded: dict[str, list[str]] = {}
        self.labels: tuple[list[str], bytes] | None = None  # set by _prepare: the labels, their digest

    @classmethod
    def extended(cls, known: list[str], added: "_Secrets") -> tuple["_Secrets", set[str]] | None:
        """The secrets of the online gate (`known`, its memory's list, one line each) with those
        of `added`, and which of these it did not know; None when a known secret holds a line
        break (the memory's list then does not join back into one line each) or one is there twice."""
        before = "\n".join(known)
        if before.count("\n") != max(len(known) - 1, 0):
            return None
        had = set(known)
        if len(had) != len(known):  # not a list this gate wrote
            return None
        new = [k for k in added.keys() if k not in had]
        wanted = cls({})
        wanted.joined = "\n".join(([before] if known else []) + new)
        wanted.count = len(had) + len(new)
        wanted.multiline = set(added.multiline)
        return wanted, set(new) | wanted.multiline

    def keys(self) -> list[str]:
        """The keys of one line, as strings made for the moment."""
        return self.joined.split("\n") if self.joined else []

    def all(self) -> list[str]:
        return self.keys() + list(self.multiline)

    def encoded_all(self, multiline: bool = False) -> list[str]:
        key = "multiline" if multiline else "single"
        if key not in self._encoded:
            self._encoded[key] = self.encoded(self.multiline if multiline else self.keys(), multiline)
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
    """The keys that may occur in text (see _candidates_in, `bits` at most); keys shorter than
    every length are kept."""
    short = [k for k in keys if len(k) < min(lengths)]
    return short + _candidates_in(text, "\n".join(k for k in keys if len(k) >= min(lengths)), lengths, bits)


def _candidates_in(text: str, joined: str, lengths=(2, 3, 4, 5, 6, 7, 8), bits: int = 26) -> list[str]:
    """The keys (the lines of `joined` of min(lengths) characters or more) that may occur in
    text, found in bulk: a key of n characters (n in `lengths`) must occur as an n-gram of the
    text, a longer one must begin and end with n-grams of it (n the longest length); the text's
    n-grams go into a bitmap of hashes, where a collision only keeps a key. An automaton of
    these costs far less than one of all 200,000 secrets when the text is a build's new lines
    (a number of 18 digits is kept only if its first 8 and last 8 digits occur). The keys come
    as one string, so that nothing loops over them in Python.

    The bitmap has 8 places or more for each n-gram of the text, 2**bits at most: a build's new
    lines (80,000 characters at 10k, ten new) make a bitmap of 8 MiB, not 64 MiB, every page
    of which the first write costs (16,384 page faults: 0.17 s of a 0.21 s call, the rest of the
    calls of a process 0.01 s), for 306 candidates of 215,629 secrets instead of 42."""
    import numpy as np

    bits = min(bits, max(16, (8 * len(lengths) * len(text)).bit_length()))
    mask, prime = np.uint64((1 << bits) - 1), np.uint64(0x9E3779B97F4A7C15)

    def finish(h):
        h ^= h >> np.uint64(31)
        return h & mask

    text32 = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    present = np.zeros(1 << bits, dtype=bool)
    step = 1 << 20  # the text's n-grams a slice at a time (each slice reads max(lengths) - 1 on)
    for at in range(0, max(len(text32), 1), step):
        codes = text32[at:at + step + max(lengths) - 1].astype(np.uint64)
        for n in lengths:
            count = min(len(codes) - n + 1, step)
            if count <= 0:
                continue
            h = np.full(count, n, dtype=np.uint64)
            for j in range(n):
                h *= prime
                h ^= codes[j:j + count]
            present[finish(h)] = True
            del h
    out: list[str] = []
    at = 0
    while at < len(joined):  # the keys a slice of lines at a time, as the text above
        end = joined.find("\n", at + step)
        end = len(joined) if end < 0 else end
        out += _keys_present(joined[at:end], present, lengths, finish, prime)
        at = end + 1
    return out


def _keys_present(joined: str, present, lengths, finish, prime) -> list[str]:
    """The lines of joined whose n-grams (as _candidates_in reads them) are all in present."""
    import numpy as np

    units = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    breaks = np.flatnonzero(units == 10)
    starts = np.concatenate([[0], breaks + 1]).astype(np.int64)
    ends = np.concatenate([breaks, [len(units)]]).astype(np.int64)
    size = ends - starts
    keys = size >= min(lengths)
    starts, ends, size = starts[keys], ends[keys], size[keys]
    joined_codes = units.astype(np.uint64)
    keep = np.zeros(len(size), dtype=bool)
    for i, n in enumerate(lengths):
        group = (size == n) if i + 1 < len(lengths) else (size >= n)
        if not group.any():
            continue
        ok = np.ones(int(group.sum()), dtype=bool)
        for at in (starts[group], ends[group] - n):
            h = np.full(len(at), n, dtype=np.uint64)
            for j in range(n):
                h *= prime
                h ^= joined_codes[at + j]
            ok &= present[finish(h)]
        keep[group] = ok
    return [joined[a:b] for a, b in zip(starts[keep].tolist(), ends[keep].tolist())]


class _BinaryKeys:
    """The UTF-8 and GB18030 bytes of single-line secrets, BINARY_MIN_BYTES or more, looked for
    in binary text (latin-1) without an automaton: every key begins with 6 bytes, read as one
    48-bit number, and so does every position of the text. Positions whose first two bytes begin
    no key are dropped at once (a table of 65,536 flags), the others are looked up among the
    keys' sorted first 6 bytes, and only where some key begins so are the keys compared. A few
    numpy passes over the text instead of building an automaton of 300,000 keys for each build
    (the search index's postings are most of a build's new binary lines)."""

    SLICE = 1 << 21
    BUDGET = 200_000  # keys to compare one by one; more (text full of secrets' bytes): None

    def __init__(self, joined: str):
        """joined: the keys, one a line (lines too short for a binary file are left out)."""
        import numpy as np

        self.np = np
        blobs = []
        for encoding in ("utf-8", "gb18030"):
            try:
                blobs.append(joined.encode(encoding))
            except UnicodeEncodeError:  # a lone surrogate: the keys that have an encoding
                blobs.append(self._encode(joined.split("\n"), encoding))
        utf8_end = len(blobs[0])
        self.blob = b"\n".join(blobs)  # neither encoding has a 0x0A byte inside a character
        del blobs
        data = np.frombuffer(self.blob, dtype=np.uint8)
        breaks = np.flatnonzero(data == 10)
        starts = np.concatenate([[0], breaks + 1]).astype(np.int64)
        ends = np.concatenate([breaks, [len(self.blob)]]).astype(np.int64)
        del breaks
        # whether a line has a byte of 0x80 or more: the largest byte of each line with its line
        # break (one number a key, not a running count a byte of the blob)
        high = np.maximum.reduceat(data, np.minimum(starts, len(data) - 1)) >= 0x80
        # GB18030 spells an ASCII key as UTF-8 does: those once
        keep = (ends - starts >= BINARY_MIN_BYTES) & ((starts <= utf8_end) | high)
        del high
        starts, ends = starts[keep], ends[keep]
        prefixes = self._windows(self.blob, 0, len(self.blob), starts) if len(starts) else np.zeros(0, np.uint64)
        order = np.argsort(prefixes, kind="stable")
        self.prefixes, self.starts, self.ends = prefixes[order], starts[order], ends[order]
        self.first = np.zeros(1 << 16, dtype=bool)
        self.first[(self.prefixes & np.uint64(0xFFFF)).astype(np.intp)] = True

    @staticmethod
    def _encode(keys: list[str], encoding: str) -> bytes:
        try:
            return "\n".join(keys).encode(encoding)
        except UnicodeEncodeError:  # a lone surrogate: the keys that have an encoding
            out = []
            for k in keys:
                try:
                    out.append(k.encode(encoding))
                except UnicodeEncodeError:
                    continue
            return b"\n".join(out)

    def _windows(self, data: bytes, start: int, end: int, at):
        """The 6 bytes at positions start + at of data (zeros past its end), as numbers."""
        np = self.np
        padded = data if end + 8 <= len(data) else data[start:] + bytes(8)
        offset = start if padded is data else 0
        eight = np.ndarray(shape=(end - start,), dtype="<u8", buffer=padded, offset=offset, strides=(1,))
        return eight[at] & np.uint64(0xFFFFFFFFFFFF)  # gathered first: 8 bytes read only where asked

    def find(self, text: str | bytes) -> bool | None:
        """Whether a key occurs in text (latin-1, or bytes); None when too many places would be compared."""
        np = self.np
        if not len(self.prefixes):
            return False
        data = text.encode("latin-1") if isinstance(text, str) else text
        hits, budget = [], self.BUDGET
        for start in range(0, len(data), self.SLICE):
            end = min(len(data), start + self.SLICE)
            pad = data if end + 8 <= len(data) else data[start:] + bytes(8)
            two = np.ndarray(shape=(end - start,), dtype="<u2", buffer=pad, offset=start if pad is data else 0,
                             strides=(1,))
            at = np.flatnonzero(self.first[two])
            if not len(at):
                continue
            values = self._windows(data, start, end, at)
            low = np.searchsorted(self.prefixes, values, "left")
            high = np.searchsorted(self.prefixes, values, "right")
            some = high > low
            budget -= int((high - low)[some].sum())
            if budget < 0:
                return None
            hits.extend(zip((at[some] + start).tolist(), low[some].tolist(), high[some].tolist()))
        for at, low, high in hits:
            for j in range(low, high):
                if data.startswith(self.blob[self.starts[j]:self.ends[j]], at):
                    return True
        return False


def _digests(lines: list[str], kind: str) -> bytes:
    encoding = "latin-1" if kind == "b" else "utf-8"
    return b"".join(hashlib.blake2b(line.encode(encoding, "surrogatepass" if kind == "t" else "strict"),
                                    digest_size=16).digest() for line in lines)


class _Known:
    """The digests of stored lines of one kind, for membership tests in bulk: per chunk, sorted
    by their first 8 bytes (as a number) with the other 8 alongside, so that a lookup is a
    binary search and nothing is sorted when the memory is loaded. A digest counts as known
    only when all 16 bytes match; two digests sharing their first 8 bytes may make a known line
    look new (scanned again), never the reverse."""

    def __init__(self, blobs: list[bytes]):
        import numpy as np

        self.np = np
        self.parts = [self._split(b) for b in blobs if b]
        self.base = len(self.parts)  # the stored chunks' parts; those added later are merged

    def _split(self, blob: bytes):
        pairs = self.np.frombuffer(blob, dtype="<u8").reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1]

    @staticmethod
    def ordered(digests: bytes) -> bytes:
        """The digests sorted as _Known reads them."""
        import numpy as np

        pairs = np.frombuffer(digests, dtype="<u8").reshape(-1, 2)
        return pairs[np.argsort(pairs[:, 0], kind="stable")].tobytes()

    def missing(self, digests: bytes):
        np = self.np
        hi, lo = self._split(digests)
        missing = np.ones(len(hi), dtype=bool)
        for keys_hi, keys_lo in self.parts:
            if not len(keys_hi) or not missing.any():
                continue
            at = np.minimum(np.searchsorted(keys_hi, hi), len(keys_hi) - 1)
            missing &= ~((keys_hi[at] == hi) & (keys_lo[at] == lo))
        return missing

    def add(self, digests: bytes) -> None:
        """Digests now known. Parts added are merged as they come (the last two while the last
        is at least half the one before), so that a build of many batches looks each digest up
        in a few parts, not one per batch."""
        np = self.np
        self.parts.append(self._split(self.ordered(digests)))
        while len(self.parts) - self.base >= 2 and 2 * len(self.parts[-1][0]) >= len(self.parts[-2][0]):
            (hi_a, lo_a), (hi_b, lo_b) = self.parts.pop(), self.parts.pop()
            hi, lo = np.concatenate([hi_b, hi_a]), np.concatenate([lo_b, lo_a])
            order = np.argsort(hi, kind="stable")
            self.parts.append((hi[order], lo[order]))


class _Store:
    """Chunks of the memory in `folder`: zlib-compressed lines (text as UTF-8, binary as latin-1)
    and their digests. New chunks get names of their own; the memory that lists them owns them."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def raw(self, chunk: dict) -> bytes:
        return zlib.decompress((self.folder / f"{chunk['name']}.z").read_bytes())

    def lines(self, chunk: dict) -> str:
        data = self.raw(chunk)
        return data.decode("latin-1" if chunk["kind"] == "b" else "utf-8", "surrogatepass" if chunk["kind"] == "t" else "strict")

    def pieces(self, chunk: dict, size: int = 4 << 20):
        """The chunk's lines as bytes (UTF-8, or latin-1 for binary), about `size` at a time,
        each piece ending at a line break or at the chunk's end."""
        unzip, rest = zlib.decompressobj(), b""
        with open(self.folder / f"{chunk['name']}.z", "rb") as f:
            while True:
                block = f.read(1 << 20)
                data = rest + (unzip.decompress(block) if block else unzip.flush())
                if not block:
                    if data:
                        yield data
                    return
                cut = data.rfind(b"\n") + 1
                if len(data) < size or not cut:
                    rest = data
                    continue
                yield data[:cut]
                rest = data[cut:]

    def digests(self, chunk: dict) -> bytes:
        return (self.folder / f"{chunk['name']}.keys").read_bytes()

    def write(self, kind: str, lines: list[str], digests: bytes) -> dict:
        writer = _Writer(self, kind)
        writer.add(lines, digests)
        return writer.close()

    def complete(self, chunks: list[dict]) -> bool:
        return all((self.folder / f"{c['name']}{ext}").is_file() for c in chunks for ext in (".z", ".keys"))

    def remove_others(self, chunks: list[dict]) -> None:
        keep = {f"{c['name']}{ext}" for c in chunks for ext in (".z", ".keys")}
        for path in self.folder.glob("*-*.*") if self.folder.is_dir() else ():
            if path.name not in keep and path.suffix in (".z", ".keys"):
                path.unlink(missing_ok=True)


class _Writer:
    """One chunk of one kind, written as lines come (compressed as a stream) and closed once it
    holds CHUNK_CHARS, so that lines are held only a batch at a time while chunks stay few."""

    def __init__(self, store: _Store, kind: str):
        self.store, self.kind = store, kind
        self.encoding, self.errors = ("latin-1", "strict") if kind == "b" else ("utf-8", "surrogatepass")
        self.file = None
        self.done: list[dict] = []

    def add(self, lines: list[str], digests: bytes) -> None:
        """Lines to store and the digests of the lines now known (those and any scanned but not
        stored: _Batch.add)."""
        if lines or digests:
            data = "\n".join(lines).encode(self.encoding, self.errors) if lines else b""
            self.add_encoded(data, sum(map(len, lines)) + len(lines), digests)

    def add_encoded(self, data: bytes, chars: int, digests: bytes) -> None:
        """Lines already joined and encoded, `chars` as `add` counts them (their characters and
        one a line; 0: none), and digests (a chunk's whole, when chunks are merged)."""
        if self.file is None:
            self.store.folder.mkdir(parents=True, exist_ok=True)
            self.name = f"{self.kind}-{uuid.uuid4().hex}"
            self.file = open(self.store.folder / f"{self.name}.z", "wb")
            # binary lines (search postings, encrypted files) hardly compress: stored, not deflated
            self.zip = zlib.compressobj(0 if self.kind == "b" else 1)
            self.keys, self.chars = [], 0
        if chars:
            self.file.write(self.zip.compress(data if not self.chars else b"\n" + data))
            self.chars += chars
        self.keys.append(digests)
        if self.chars >= CHUNK_CHARS:
            self.close()

    def close(self) -> dict | None:
        """Finish the chunk being written (the last one closed, or None when none was)."""
        if self.file is not None:
            self.file.write(self.zip.flush())
            self.file.close()
            self.file = None
            (self.store.folder / f"{self.name}.keys").write_bytes(_Known.ordered(b"".join(self.keys)))
            self.done.append({"name": self.name, "kind": self.kind, "chars": self.chars})
            self.keys = []
        return self.done[-1] if self.done else None


def _merge_small(store: _Store, chunks: list[dict]) -> list[dict]:
    """Chunks as before, or, past CHUNKS_MAX // 2 of them, with the small ones of each kind (under
    a quarter of CHUNK_CHARS: those of daily builds) merged, written beside them as any chunk is
    (_Writer: one, or more past CHUNK_CHARS; the memory saved with the new list removes the
    others: pipeline.state.save_gate_memory)."""
    if len(chunks) <= CHUNKS_MAX // 2:
        return chunks
    out = list(chunks)
    for kind in ("t", "b"):
        small = [c for c in chunks if c["kind"] == kind and c["chars"] < CHUNK_CHARS // 4]
        if len(small) < 2:
            continue
        writer = _Writer(store, kind)
        for chunk in small:  # no key holds a line break (nor a 0x0A byte)
            writer.add_encoded(store.raw(chunk), chunk["chars"], store.digests(chunk))
        writer.close()
        out = [c for c in out if c not in small] + writer.done
    return out


def _stale(previous: dict) -> bool:
    """The stored lines outgrew what the site needs: start again from a full scan."""
    chunks = previous.get("chunks", [])
    stored = sum(c["chars"] for c in chunks)
    return len(chunks) > CHUNKS_MAX or stored > 3 * previous.get("base_chars", 0) + 16_000_000


def _found_in_store(store: _Store, chunks: list[dict], secrets: _Secrets, new: set[str],
                    public: PublicNames = NO_PUBLIC_NAMES) -> bool:
    """Whether any secret the online gate did not know occurs in a stored line."""
    if not new:
        return False
    if new & secrets.multiline:
        return True  # a secret over two lines cannot be looked for line by line
    return _found_in_chunks(store, chunks, "\n".join(sorted(new)), len(new), public)


def _found_in_chunks(store: _Store, chunks: list[dict], joined: str, count: int,
                     public: PublicNames = NO_PUBLIC_NAMES) -> bool:
    """Whether any of the keys (`count` secrets of one line, one a line in `joined`) occurs in
    the lines of chunks. The keys are looked for about GROUP_KEYS at a time, each group's
    automaton (and binary keys) built once and dropped before the next, and the chunks are read
    a piece at a time: what is held grows with
    neither the secrets nor the stored lines (a site of 100,000 decisions has 2 million secrets;
    its automaton alone would be about 500 MB). A piece ends at a line break, which no key holds
    (nor, as bytes, a binary key)."""
    step, at = max(1, len(joined) * GROUP_KEYS // max(count, 1)), 0  # characters of about GROUP_KEYS keys
    while at < len(joined):
        end = joined.find("\n", at + step)
        end = len(joined) if end < 0 else end
        group, at = joined[at:end].split("\n"), end + 1
        text = binary = fallback = None
        for chunk in chunks:
            for piece in store.pieces(chunk):
                if chunk["kind"] == "b":
                    if binary is None:
                        binary = _BinaryKeys("\n".join(group))
                    found = binary.find(piece)
                    if found is None:  # too many places to compare one by one
                        if fallback is None:
                            fallback = Automaton(_Secrets.encoded(group))
                        found = next(fallback.find(piece.decode("latin-1")), None) is not None
                else:
                    if text is None:
                        text = Automaton(group)
                    lines = piece.decode("utf-8", "surrogatepass")
                    found = public.leak(lines, text.find(lines))
                if found:
                    return True
        del text, binary, fallback
    return False


class _Batch:
    """Distinct lines not yet known, scanned and stored a batch at a time. `secrets` and `public`
    may be a function that gives them both, called when the first lines are scanned (`check`
    with `beside`: they are being made in another process while the files are read)."""

    def __init__(self, store: _Store, known: dict[str, _Known], secrets,
                 public: PublicNames = NO_PUBLIC_NAMES):
        self.store, self.known = store, known
        self._ready = secrets if callable(secrets) else None
        self.secrets, self.public = (None, None) if callable(secrets) else (secrets, public)
        self.lines: dict[str, dict[str, None]] = {"t": {}, "b": {}}
        self.unkept: set[str] = set()  # lines scanned but not stored: a page's plain view (add)
        self.size = 0
        self.writers = {kind: _Writer(store, kind) for kind in ("t", "b")}
        self.hit = False
        self._full: dict[str, Automaton] = {}
        self._binary: _BinaryKeys | None = None
        self.deferred: set[str] = set()

    def _wanted(self) -> None:
        if self.secrets is None:
            self.secrets, self.public = self._ready()
            self._ready = None

    @property
    def grouped(self) -> bool:
        """More secrets than a group: what would need all of them at once is looked for once the
        lines are stored, a group at a time (_found_in_chunks)."""
        self._wanted()
        return self.secrets.count > GROUP_KEYS

    def add(self, kind: str, text: str, whole: bool = False, keep: bool = True) -> None:
        """The lines of text, or text as one line (`whole`: a binary file; no key holds a 0x0A).
        `keep=False`: scanned, and known from then on, but not stored; only for the plain view
        of a text whose stripped view and dropped tags are added too (scan.stored_views)."""
        target = self.lines[kind]
        lines = [text] if whole else text.split("\n")
        fresh = [line for line in lines if line not in target]
        if not keep:
            self.unkept.update(fresh)
        elif self.unkept and kind == "t":
            self.unkept.difference_update(lines)
        if fresh:
            before = len(target)
            target.update(dict.fromkeys(fresh))
            self.size += sum(map(len, fresh)) if len(target) - before == len(fresh) else sum(map(len, set(fresh)))
            if self.size > BATCH_CHARS:
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
                self._wanted()
                self.hit = self._scan(kind, "\n".join(fresh))
            self.known[kind].add(fresh_digests)
            unkept = self.unkept if kind == "t" else None
            self.writers[kind].add([line for line in fresh if line not in unkept] if unkept else fresh, fresh_digests)
        self.lines = {"t": {}, "b": {}}
        self.unkept = set()
        self.size = 0

    def finish(self) -> list[dict]:
        """Scan what is left and close the chunks: the chunks written, in order."""
        self.flush()
        for writer in self.writers.values():
            writer.close()
        chunks = [c for kind in ("t", "b") for c in self.writers[kind].done]
        if self.deferred and not self.hit:
            self._wanted()
            deferred = [c for c in chunks if c["kind"] in self.deferred]
            self.hit = _found_in_chunks(self.store, deferred, self.secrets.joined, self.secrets.count, self.public)
        return chunks

    def _automaton(self, kind: str, text: str) -> Automaton:
        if kind in self._full:
            return self._full[kind]
        keys = self.secrets.encoded_all() if kind == "b" else None
        count = len(keys) if keys is not None else self.secrets.count
        if count > 2000 and len(text) < 8_000_000:  # longer: most secrets may occur
            candidates = _candidates(text, keys, (6, 8), 27) if kind == "b" else _candidates_in(text, self.secrets.joined)
            if len(candidates) < count // 2 and (not self.grouped or len(candidates) <= GROUP_KEYS):
                return Automaton(candidates)
        if self.grouped:
            return None
        # most secrets may occur (a first build): all, built once
        self._full[kind] = Automaton(keys if keys is not None else self.secrets.keys())
        return self._full[kind]

    def _scan(self, kind: str, text: str) -> bool:
        if kind in self.deferred:  # every line of this kind is looked at again in finish()
            return kind == "t" and next(find_patterns(text), None) is not None
        if kind == "b":
            if self.grouped:
                self.deferred.add("b")
                return False
            if self._binary is None:
                self._binary = _BinaryKeys(self.secrets.joined)
            found = self._binary.find(text)
            if found is not None:
                return found
        automaton = self._automaton(kind, text)
        if automaton is None:
            self.deferred.add(kind)
        elif (self.public.leak(text, automaton.find(text)) if kind == "t"
              else next(automaton.find(text), None) is not None):
            return True
        return kind == "t" and next(find_patterns(text), None) is not None


class Prepared:
    """This build's secrets being made ready in another process (`prepare_beside`): the child
    (`join()` gives `_prepare`'s answer, `cancel()` ends it) and the memory it builds on."""

    def __init__(self, child, previous: dict, secrets: dict[str, list[str]]):
        self.child, self.previous, self.secrets = child, previous, secrets


def _usable(previous: dict | None, store: _Store, version: str) -> dict | None:
    """The memory of the site online, if this gate can build on it."""
    if previous is not None and (previous.get("version") != version or _stale(previous)
                                 or not store.complete(previous.get("chunks", []))):
        return None
    return previous


def prepare_beside(secrets: dict[str, list[str]], previous: dict | None, folder: Path, version: str,
                   public_names=(), beside=None) -> Prepared | None:
    """Start making the secrets ready in another process, `beside(fn)` (see `check`), as soon as
    they are all known: a build does it before it has finished rendering, while the other core
    is idle. None when there is no memory to build on, a secret holds a line break, or no
    process can be had (fork refused: `check` then does it all here, as without one)."""
    store = _Store(folder)
    prime_nfkc_table(folder)  # before the fork: the child normalises with it
    previous = _usable(previous, store, version)
    if beside is None or previous is None or _multiline(secrets):
        return None
    try:
        return Prepared(beside(lambda: _prepare(secrets, previous, store, public_names)), previous, secrets)
    except OSError as exc:
        _log.warning("泄露检查未能另起进程准备个人信息, 改为在本进程中进行: %s", exc)
        return None


def check(staging: Path, secrets: dict[str, list[str]], kept: set[str], previous: dict | None,
          folder: Path, version: str, public_names=(), online: Path | None = None,
          kept_stamps: dict[str, str] | None = None, beside=None,
          prepared: Prepared | None = None) -> tuple[list[Leak], dict]:
    """Leaks in the new site and the memory to keep once it is online (see the module): the
    files in `staging`, and the files `kept` from the site `online` (pipeline/swap.py: a build
    over a site online writes only the files that change; `kept_stamps`: the stamps this build
    saw when it chose to keep them, else they are read here). `public_names`: the organisations'
    and sole proprietors' names the site publishes, inside which a secret is no leak
    (gate/public_names.py).

    `beside(fn)`: run `fn()` in another process and return what `join()`s it for its answer or
    `cancel()`s it (`pipeline.forked.start`). Given, and with a memory to build on, the secrets
    are normalised and compared with the memory's there while this process reads the files and
    finds their lines not seen before (at 10k, ~0.3 s each side); the lines are scanned once
    both are done. `prepared`: the same, started earlier by `prepare_beside` with these very
    secrets and memory (`previous` is then the memory it was given). Without either, or when a
    secret holds a line break (looked for while the files are read), one after the other, as
    before; so too when the child cannot start or fails (it is then done here, with a warning).
    The answer is the same."""
    staging = Path(staging)
    store = _Store(folder)
    prime_nfkc_table(folder)
    if prepared is not None and prepared.secrets is not secrets:
        raise ValueError("check(prepared=) was prepared for other secrets")
    if prepared is None:
        prepared = prepare_beside(secrets, previous, folder, version, public_names, beside)
    previous = prepared.previous if prepared is not None else _usable(previous, store, version)
    child = prepared.child if prepared is not None else None
    if child is not None:
        got: dict = {}

        def ready() -> tuple[_Secrets, PublicNames]:
            if not got:
                try:
                    got["wanted"], got["found"] = child.join()
                except Exception as exc:  # the child failed or died (killed for memory): made here
                    _log.warning("泄露检查的子进程失败, 个人信息改在本进程中准备: %s", str(exc).splitlines()[0])
                    got["wanted"], got["found"] = _prepare(secrets, previous, store, public_names)
                got["public"] = _public(public_names, got["wanted"])
            return got["wanted"], got["public"]

        try:
            result = _check_files(staging, secrets, kept, previous, store, version, public_names, online,
                                  kept_stamps, ready)
            ready()
        except BaseException:
            child.cancel()
            raise
        if not got["found"]:
            return result
        # a new secret in a line stored from the site online, or from older sites: scan the whole
        # site (the chunks this pass wrote go when the memory is saved: save_gate_memory)
        previous, wanted = None, got["wanted"]
    else:
        wanted, found = _prepare(secrets, previous, store, public_names)
        if found:
            previous = None  # a new secret on the site online, or in a line stored from older sites
    return _check_files(staging, secrets, kept, previous, store, version, public_names, online, kept_stamps,
                        (wanted, _public(public_names, wanted)))


# A text file this build writes again is compared with the one online, line by line, from this
# size (smaller ones cost little either way) up to this one (both files' lines are held at once).
LINE_DIFF_BYTES = (1 << 20, 32 << 20)


def _lines_not_online(f, rel: str, online_path: str, recorded: dict[str, str]) -> str | None:
    """The lines of a text file this build writes (`f`, at its start) that the same file online
    does not have, as its view, when that is all the gate needs to scan: a day's open data files
    (data/decisions.json and .csv, 7 and 2.5 MB at 10k, 274,000 lines) differ from yesterday's
    by a few rows, and reading them whole took most of a daily gate's own work (their views, the
    digest of each distinct line, the look-up of each).

    Only when the online file is the one the memory's gate scanned (its stamp as recorded), both
    sizes are in LINE_DIFF_BYTES, it is a .json or .csv file, and the new one is UTF-8 without
    "<", "&" or "\\u": its one view is then its lines' own, each NFKC-normalised (no tag,
    character reference or JSON escape to decode; scan.views), and a line the online file has is
    one whose view that gate scanned and knows (it read the online file as a whole; whatever
    escapes that one held decode within a line, and it was UTF-8 too). Else None, and `f` is read
    as usual."""
    low, high = LINE_DIFF_BYTES
    if not rel.endswith((".json", ".csv")):
        return None
    try:
        size, st = os.fstat(f.fileno()).st_size, os.stat(online_path)
    except OSError:
        return None
    if not (low <= size <= high and low <= st.st_size <= high) or recorded.get(rel) != stamp(st):
        return None
    data = f.read()
    if b"<" in data or b"&" in data or b"\\u" in data:
        f.seek(0)
        return None
    try:
        with open(online_path, "rb") as old:
            was = old.read()
        was.decode("utf-8")  # as that gate read it (scan._decode: UTF-8 first)
        fresh = set(data.split(b"\n"))
        fresh.difference_update(was.split(b"\n"))
        del was
        text = b"\n".join(sorted(fresh)).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        f.seek(0)
        return None
    return _norm(text)


def _multiline(secrets: dict[str, list[str]]) -> bool:
    """Whether a secret holds a line break (once stripped, as _Secrets keeps it)."""
    return any("\n" in v.strip() for values in secrets.values() for v in values if "\n" in v)


def _labels_hash(secrets: dict[str, list[str]], labels, on=None):
    """A hash of these labels (in this order) and their values, each (label, values) marshalled
    on its own (a marshalled tuple ends where it says: the bytes name one list of them); `on`: a
    hash of labels before these, copied and carried on (a build that adds labels digests only the
    added after checking the known). marshal's version 0 spells a string by its characters alone
    (later versions mark interned ones, and refer back to one seen before): at 10k, 12,600 labels
    and 215,000 values in ~0.04 s."""
    h = on.copy() if on is not None else hashlib.blake2b(digest_size=16)
    dumps = marshal.dumps
    h.update(b"".join([dumps((label, secrets[label]), 0) for label in labels]))
    return h


def _prepare(secrets: dict[str, list[str]], previous: dict | None, store: _Store,
             public_names=()) -> tuple[_Secrets, bool]:
    """This build's secrets, and whether one the online gate did not know is in a stored line.

    A daily build's records are the online site's and a few more: when every label the online
    gate knew is here with the very values it had (its memory's `labels` and their digest), this
    build's secrets are that gate's and the added labels' (a label's keys follow from its values),
    so only the added values are normalised and compared (at 10k, ten new: 215,000 values
    otherwise, 0.34 s of the gate's child). A label changed or gone (a correction, a new note on a
    case's progress, a record taken out of the exports): all of them, as a first build does."""
    wanted = new = None
    known = previous.get("labels") if previous is not None else None
    had = set(known) if known is not None else set()
    known_hash = _labels_hash(secrets, known) if known is not None and secrets.keys() >= had else None
    if known_hash is not None and known_hash.digest() == previous.get("labels_digest"):
        added = [label for label in secrets if label not in had] if len(secrets) > len(had) else []
        extended = _Secrets.extended(previous.get("secrets", []), _Secrets({label: secrets[label] for label in added}))
        if extended is not None:
            wanted, new = extended
            labels = [*known, *added] if added else known
    if wanted is None:
        labels = list(secrets)
        wanted = _Secrets(secrets)
        if previous is not None:
            new = set(wanted.all())  # for a moment
            new.difference_update(previous.get("secrets", []))
    if labels is known:
        digest = previous["labels_digest"]
    elif known_hash is not None and labels[:len(known)] == known:  # the known labels' hash, carried on
        digest = _labels_hash(secrets, labels[len(known):], known_hash).digest()
    else:
        digest = _labels_hash(secrets, labels).digest()
    wanted.labels = (labels, digest)
    if previous is None:
        return wanted, False
    return wanted, _found_in_store(store, previous["chunks"], wanted, new, _public(public_names, wanted))


def _public(public_names, wanted: _Secrets) -> PublicNames:
    return PublicNames.of(public_names, wanted.joined) if public_names else NO_PUBLIC_NAMES


def _check_files(staging: Path, secrets: dict[str, list[str]], kept: set[str], previous: dict | None,
                 store: _Store, version: str, public_names, online: Path | None,
                 kept_stamps: dict[str, str] | None, wanted) -> tuple[list[Leak], dict]:
    """`check` once it knows whether to build on `previous`. `wanted`: (this build's _Secrets,
    PublicNames), or a function that gives them (see `check`; no secret then holds a line break)."""
    stamps = walk(staging, stamp)
    staged = set(stamps)  # the files written into `staging`; the new site's others are online
    if online is not None:
        seen = kept_stamps or {}
        for rel in kept:  # (28,000 at 10k: a path is joined only for the few read)
            if rel not in stamps:
                known = seen.get(rel)
                if known is None:
                    try:
                        known = stamp(os.stat(os.path.join(online, rel)))
                    except OSError:  # gone from the site online: not in the new site either
                        continue
                stamps[rel] = known
    if previous is None:
        chunks, recorded, trusted, binary_files, refresh = [], {}, set(), set(), True
    else:
        chunks, recorded = list(previous["chunks"]), previous.get("files", {})
        trusted = {rel for rel in kept if rel in stamps and recorded.get(rel) == stamps[rel]}
        binary_files = set(previous.get("binary_files", ()))
        stored_binary = sum(c["chars"] for c in chunks if c["kind"] == "b")
        refresh = stored_binary > BINARY_REFRESH * previous.get("binary_base", 0) + BINARY_SLACK
        if refresh:  # the site's binary files are read again, and only their lines are kept
            chunks = [c for c in chunks if c["kind"] != "b"]
            trusted -= binary_files
    found_binary: set[str] = set()
    known = {kind: _Known([store.digests(c) for c in chunks if c["kind"] == kind]) for kind in ("t", "b")}
    batch = _Batch(store, known, *((wanted,) if callable(wanted) else wanted))
    multiline = set() if callable(wanted) else wanted[0].multiline
    multiline_bytes = wanted[0].encoded_all(multiline=True) if multiline else []
    leaks: list[Leak] = []
    scanned = sorted(set(stamps) - trusted)
    root = str(staging)

    def where(rel: str) -> str:
        return os.path.join(root if rel in staged else str(online), rel)

    with ReadAhead(scanned, where) as ahead:
        for i, rel in enumerate(scanned):
            ahead.at(i)
            try:
                with open(where(rel), "rb") as f:
                    if rel in staged and online is not None and not multiline and previous is not None:
                        lines = _lines_not_online(f, rel, os.path.join(online, rel), recorded)
                        if lines is not None:
                            batch.add("t", lines)
                            continue
                    for _, text in texts(f, rel):
                        if isinstance(text, Binary):
                            found_binary.add(rel)
                            batch.add("b", str(text), whole=True)
                            if multiline and any(k in text for k in multiline_bytes):
                                batch.hit = True
                            continue
                        viewed, dropped = stored_views(text)
                        for view, keep in viewed:
                            batch.add("t", view, keep=keep)
                            if multiline and any(k in view for k in multiline):
                                batch.hit = True
                        if dropped:
                            batch.add("t", dropped)
            except Exception as exc:  # fail closed: what cannot be read cannot be vouched for
                leaks.append(Leak(rel, "(unknown)", "unreadable file", f"{type(exc).__name__}: {exc}"))
    chunks += batch.finish()
    hit = batch.hit
    if not hit:
        chunks = _merge_small(store, chunks)
    batch._wanted()
    memory = {"version": version, "secrets": batch.secrets.all(), "files": stamps, "chunks": chunks,
              **({"labels": batch.secrets.labels[0], "labels_digest": batch.secrets.labels[1]}
                 if batch.secrets.labels is not None else {}),
              "base_chars": sum(c["chars"] for c in chunks) if previous is None else previous.get("base_chars", 0),
              # the files whose bytes are binary lines (those kept unread stay so), to read again at a refresh
              "binary_files": sorted(found_binary | (binary_files & trusted)),
              "binary_base": (sum(c["chars"] for c in chunks if c["kind"] == "b") if refresh
                              else previous.get("binary_base", 0))}
    del batch, known, wanted  # their automatons and keys, before scan_site makes its own
    if hit:
        # name every file and record as the gate always did
        found = scan_site(staging, secrets, files=scanned, public_names=public_names, online=online)
        leaks += found or [Leak("(gate)", "(unknown)", "line found by gate/memory.py, not by scan_site", "")]
    return leaks, memory
