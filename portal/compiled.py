"""Compiled templates, kept between builds and shared by the build's Jinja environments.

Pelican gives each generator an environment of its own (six here, and the page renderer a
seventh), and each compiled every template it used again, in every build: ten new decisions at
1k spent ~25 template compilations on a dozen templates. A Jinja bytecode cache in the state's
cache folder compiles each template once, when its source changes. Jinja keys a template by its
name and file and checks its source, but not the options that shape the compiled code (block
delimiters, trim_blocks, extensions, autoescape ...), nor Jinja's own version: those name the
cache's folder, so environments of other options never share code.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = "templates"
_CACHES: dict[tuple[str, str], object] = {}
_current: list = [None]  # the cache of the build in progress, for portal.writing's environment


def _options(env) -> str:
    import jinja2

    parts = (
        jinja2.__version__, type(env).__qualname__, env.block_start_string, env.block_end_string,
        env.variable_start_string, env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
        env.newline_sequence, env.keep_trailing_newline, sorted(env.extensions), env.optimized,
        repr(env.autoescape), env.is_async,
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def _cache_class():
    from jinja2 import FileSystemBytecodeCache

    class Cache(FileSystemBytecodeCache):
        """A damaged entry is compiled again, never a failed build (Jinja checks the header
        and catches a bad marshal, but not a bad checksum pickle)."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception as exc:  # noqa: BLE001 - any damage: compile from the source
                log.warning("compiled template %s unreadable (%s); compiled again", bucket.key, exc)
                bucket.reset()

    return Cache


def share(env, cache_dir: Path | None) -> None:
    """Give `env` the bytecode cache of its options under `cache_dir` (none without one)."""
    if cache_dir is None:
        return
    options = _options(env)
    key = (str(cache_dir), options)
    cache = _CACHES.get(key)
    if cache is None:
        folder = Path(cache_dir) / FOLDER / options
        folder.mkdir(parents=True, exist_ok=True)
        cache = _CACHES[key] = _cache_class()(str(folder))
    env.bytecode_cache = cache
    _current[0] = cache_dir


def current_dir() -> Path | None:
    """The cache folder `share` was last given in this process (None on a worker)."""
    return _current[0]
