"""Writing rendered pages: relative links that work on any static host, and no work for pages
whose inputs did not change.

A page rendered with a `key` (a digest of everything it shows) is not rendered again while the
key is the one recorded by the last build and the online file is still the one it wrote (size,
time and inode): that file is kept. Raw files whose bytes equal the online ones are kept too.
When a site is online, the build's folder holds only the files that change (pipeline/swap.py):
a kept file is not copied or linked there, it is named in `kept` and stays where it is, and the
gate knows it scanned it when it was first written.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def theme_version() -> str:
    """A digest of everything besides the data that shapes a page: templates, portal code, settings."""
    h = hashlib.sha256()
    sources = [*sorted((ROOT / "theme" / "templates").rglob("*.html")), *sorted((ROOT / "portal").glob("*.py")),
               ROOT / "pelicanconf.py", ROOT / "publishconf.py", ROOT / "records" / "model.py"]
    for path in sources:
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def digest(*parts) -> str:
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _stamp(st: os.stat_result) -> str:
    """Which file this is: a page linked from the site online must be the one the last build wrote."""
    return f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}"


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
    """The SITEURL as seen from one output file: '..' chains when RELATIVE_URLS is on (what
    pelican.utils.get_relative_path gives, without importing Pelican on a worker)."""
    if settings.get("RELATIVE_URLS"):
        parts = [p for p in os.path.normpath(relative).split(os.sep) if p not in ("", ".")]
        return os.curdir if len(parts) <= 1 else os.path.join(*[os.pardir] * (len(parts) - 1))
    return settings.get("SITEURL", "")


# Settings that are not configuration a page shows: the build's data and executor, and the
# filters (a worker imports them from portal.filters).
_NOT_SENT = {"PORTAL_SITE_DATA", "BUILD_EXECUTOR", "BUILD_SHARDS", "JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS"}


def page_settings(settings: dict) -> dict:
    """The configuration a page template may read, as plain data (what a worker or the search
    child is sent): every upper-case setting whose value is plain (strings, numbers, lists, dicts
    of those), by exact type: a subclass is a class of some package, which unpickling imports
    (Pelican's PAGINATION_PATTERNS are namedtuples of `pelican.paginator`: reading the settings
    imported all of Pelican, 0.28 s)."""
    def is_plain(value) -> bool:
        if value is None or type(value) in (str, int, float, bool):
            return True
        if type(value) in (list, tuple):
            return all(is_plain(v) for v in value)
        if type(value) is dict:
            return all(type(k) is str and is_plain(v) for k, v in value.items())
        return False

    return {k: v for k, v in sorted(settings.items()) if k.isupper() and k not in _NOT_SENT and is_plain(v)}


_ENVIRONMENTS: dict = {}


def template_environment(settings: dict):
    """Pelican's Jinja environment for the theme, rebuilt from plain settings: the theme's
    templates (shipped with the build's code), the settings' Jinja options and portal.filters."""
    import jinja2

    from portal.filters import FILTERS

    key = json.dumps(settings.get("JINJA_ENVIRONMENT", {}), sort_keys=True, default=str)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "templates")),
                                 **settings.get("JINJA_ENVIRONMENT", {}))
        env.filters.update(FILTERS)
        _ENVIRONMENTS[key] = env
    from portal import compiled

    compiled.share(env, compiled.current_dir())  # on this machine, the build's compiled templates
    return env


def render_jobs(settings: dict, jobs: list, write_to: str | None = None) -> list[tuple[str, bytes | None]]:
    """Render pages from plain data: `jobs` are (relative path, template, context). Returns
    (relative path, bytes) each, or (relative path, None) once written under `write_to`."""
    env = template_environment(settings)
    extensions = settings.get("TEMPLATE_EXTENSIONS", [".html"])
    results = []
    for relative, template, context in jobs:
        names = [template + ext for ext in extensions]
        ctx = dict(settings)
        ctx.update(context)
        ctx["SITEURL"] = siteurl_for(settings, relative)
        ctx["output_file"] = relative
        data = env.select_template(names).render(ctx).encode("utf-8")
        if write_to is not None:
            write_bytes(write_to, relative, data)
            data = None
        results.append((relative, data))
    return results


class PageWriter:
    """Renders theme templates into the output folder with the page's own SITEURL."""

    def __init__(self, generator):
        from portal.site_data import site_data

        self.generator = generator
        self.settings = generator.settings
        self.output_path = Path(generator.output_path)
        data = site_data(self.settings)
        self.previous: Path | None = data.previous_output if data else None
        self.old_keys: dict[str, str] = data.render_keys if data else {}
        results = data.results if data else {}
        self.new_keys: dict[str, str] = results.setdefault("render_keys", {})
        self.kept: set[str] = results.setdefault("kept_files", set())
        # the stamp each kept file had when this build chose to keep it: the gate trusts a kept file
        # by its stamp and need not stat it again (an edit online after that is seen by the next
        # build, whose stamp differs from the one recorded)
        self.kept_stamps: dict[str, str] = results.setdefault("kept_stamps", {})

    def _reuse(self, relative: str, stamp: str | None = None) -> bool:
        """Keep the online file in the new site; with a `stamp`, only if it is still the very
        file the last build wrote (an online file edited since is rendered again)."""
        if self.previous is None:
            return False
        try:
            st = os.stat(f"{self.previous}/{relative}")
        except OSError:
            return False
        now = _stamp(st)
        if stamp is not None and stamp != now:
            return False
        self.kept.add(relative)
        self.kept_stamps[relative] = now
        return True

    def stamp_of(self, relative: str) -> str:
        """The stamp of a file of the new site: kept from the site online, or written by this build."""
        known = self.kept_stamps.get(relative)
        return known if known is not None else _stamp(os.stat(os.path.join(self.output_path, relative)))

    def reuse(self, relative: str, template: str, key) -> str | None:
        """Keep the page of the site online when its render key is the one the last build
        recorded (and the online file is the one it wrote): None. Otherwise the full render key
        to record with `accept` once the page is rendered."""
        key = digest(theme_version(), self.settings.get("SITEURL", ""), self.settings.get("RELATIVE_URLS"), template, key)
        old_key, _, old_stamp = self.old_keys.get(relative, "").partition(" ")
        if old_key == key and self._reuse(relative, old_stamp):
            self.new_keys[relative] = f"{key} {old_stamp}"
            return None
        return key

    def accept(self, relative: str, key: str | None, data: bytes | None) -> None:
        """A page rendered elsewhere (`render_jobs`): its bytes, or None when already written here.

        A keyed page whose bytes are the online file's (a new render key, e.g. after a change of
        the code or the theme, with the same page) keeps the online file now, and its key records
        that file: the build keeps such files later anyway (`pipeline._keep_unchanged`), and a key
        recorded with the stamp of a file that is not put online would never match again, so every
        later build rendered every such page once more."""
        if key is not None and self._same_as_online(relative, data):
            self.new_keys[relative] = f"{key} {self.kept_stamps[relative]}"
            return
        path = self.output_path / relative if data is None else write_bytes(self.output_path, relative, data)
        if key is not None:
            self.new_keys[relative] = f"{key} {_stamp(path.stat())}"

    def _same_as_online(self, relative: str, data: bytes | None) -> bool:
        """Keep the online file in place of this page if it has the very bytes (`data`, or the
        file already written in the new site when None, which is then removed from it)."""
        if self.previous is None:
            return False
        source = os.path.join(self.previous, relative)
        target = os.path.join(self.output_path, relative)
        try:
            st = os.stat(source)
            size = st.st_size
            if data is None:
                if os.stat(target).st_size != size:
                    return False
                with open(target, "rb") as f:
                    data = f.read()
            elif len(data) != size:
                return False
            with open(source, "rb") as f:
                if f.read() != data:
                    return False
        except OSError:
            return False
        try:
            os.unlink(target)
        except FileNotFoundError:
            pass
        self.kept.add(relative)
        self.kept_stamps[relative] = _stamp(st)
        return True

    def page(self, relative: str, template: str, key=None, **context) -> None:
        if key is not None:
            key = self.reuse(relative, template, key)
            if key is None:
                return
        ctx = dict(self.generator.context)
        ctx.update(context)
        ctx["SITEURL"] = siteurl_for(self.settings, relative)
        ctx["output_file"] = relative
        html = self.generator.get_template(template).render(ctx)
        self.accept(relative, key, html.encode("utf-8"))

    def raw(self, relative: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.previous is not None:
            source = self.previous / relative
            try:
                if source.stat().st_size == len(data) and source.read_bytes() == data and self._reuse(relative):
                    return
            except FileNotFoundError:
                pass
        write_bytes(self.output_path, relative, data)
