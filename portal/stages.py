"""Generators of the later stages, run by Pelican after the decision pages are written.

Each stage keeps its logic in its own folder behind one entry point; these adapters only hand
it the site data and the page writer, and pass back what the build needs from it: personal
strings for the leak gate (`results["secrets"]`) and work to do once the new site is in place
(`results["after_swap"]`, e.g. swapping in a private search index).
"""
from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from portal.site_data import site_data
from portal.writing import PageWriter


class _StageGenerator(Generator):
    def generate_context(self):
        self.data = site_data(self.settings)

    stage = "stage"

    def generate_output(self, writer):
        if self.data is None:
            return
        if self.data.timings is None:
            self.run(PageWriter(self), Path(self.output_path))
            return
        with self.data.timings(self.stage):
            self.run(PageWriter(self), Path(self.output_path))

    def run(self, out: PageWriter, site: Path) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def add_secrets(self, secrets: dict[str, list[str]]) -> None:
        self.data.results.setdefault("secrets", {}).update(secrets)

    def after_swap(self, action) -> None:
        self.data.results.setdefault("after_swap", []).append(action)


class ProgressGenerator(_StageGenerator):
    """Encrypted case-progress files and their parameters (`progress/`)."""

    stage = "progress"

    def run(self, out, site):
        from progress import publish_progress

        result = publish_progress(self.data.progress, site, self.data.state_dir, today=self.data.today,
                                  settings=self.settings, online=self.data.previous_output)
        out.kept.update(result.kept)  # kept byte for byte from the site online: its gate scanned them
        if result.after_swap is not None:
            self.after_swap(result.after_swap)
        # A case number printed on a published decision is public by the export contract; the
        # progress of that case stays secret, and the query code and notes stay in the gate.
        public = {d.case_no.replace(" ", "").upper() for d in self.data.decisions if d.case_no}
        # Removing spaces and dashes and upper-casing ASCII never lengthens a string: an ASCII string
        # shorter than every public case number (a query code) cannot be one, and is not normalised.
        shortest = min(map(len, public), default=0)
        self.add_secrets({
            label: [s for s in strings if (len(s) < shortest and s.isascii()) or s.replace(" ", "").replace("-", "").upper() not in public]
            for label, strings in result.secrets.items()
        } if public else result.secrets)


class SearchGenerator(_StageGenerator):
    """The static search index in the site and the private whoosh index (`search/`).

    Made in a forked child (`pipeline.forked`) while this process renders the other pages, when
    the work stays on this machine: the indexes need the published decisions and nothing another
    generator makes, and the child writes files of its own into the same staging folder. What it
    adds to the build's results (files kept from the site online, their stamps, render keys) and
    the action that puts the whoosh index in place come back as data; `pipeline.render` joins it
    before the gate. `SEARCH_IN_CHILD = False` makes the indexes here (the same bytes: tested)."""

    stage = "search"

    def generate_context(self):
        super().generate_context()
        if self.data is None or not self._in_child() or self._unchanged():
            return
        from pipeline import forked

        data = self.data
        child = forked.start(self._made_in_child, "搜索索引", self.stage)
        data.results.setdefault("forked", []).append((child, lambda answer: self._joined(answer, data)))
        self.data = None  # generate_output has nothing left to do here

    def _in_child(self) -> bool:
        from pipeline import forked
        from pipeline.executor import for_stage

        return (self.settings.get("SEARCH_IN_CHILD", True) and forked.may_fork()
                and for_stage(self.settings.get("BUILD_EXECUTOR"), self.settings.get("BUILD_SHARDS")) is None)

    def _unchanged(self) -> bool:
        previous = self.data.previous_output
        marker = Path(self.data.state_dir) / "search" / "built-for"
        return (
            previous is not None and (previous / "search").is_dir()
            and (Path(self.data.state_dir) / "search" / "current").exists()
            and marker.exists() and marker.read_text(encoding="utf-8") == self._key()
        )

    def _made_in_child(self) -> dict:
        """Runs in the child: the indexes, with results of the child's own (what it adds)."""
        self.data.results = {}
        swap_in = self._make(PageWriter(self), Path(self.output_path))
        return {"results": self.data.results, "swap_in": swap_in, "key": self._key()}

    def _joined(self, answer: dict, data) -> None:
        """In the build's process: the child's results joined with the build's."""
        results = data.results
        for name, value in answer["results"].items():
            into = results.setdefault(name, type(value)())
            into.update(value) if isinstance(value, (dict, set)) else into.extend(value)
        results.setdefault("after_swap", []).append(_in_place(answer["swap_in"], data.state_dir, answer["key"]))

    def run(self, out, site):
        previous = self.data.previous_output
        if self._unchanged():  # the same decisions as the site online: its index files, and the whoosh index, stand
            for path in sorted(p for p in (previous / "search").rglob("*") if p.is_file()):
                rel = str(path.relative_to(previous))
                if out._reuse(rel) and rel in out.old_keys:
                    out.new_keys[rel] = out.old_keys[rel]
            return
        self.after_swap(_in_place(self._make(out, site), self.data.state_dir, self._key()))

    def _make(self, out, site):
        """Both indexes; the action that puts the whoosh index in place after the swap."""
        from search import publish_search

        Path(self.data.state_dir, "search", "built-for").unlink(missing_ok=True)
        return publish_search(self.data.decisions, site, self.data.state_dir, self.settings, out,
                              cache_dir=self.data.cache_dir)

    def _key(self) -> str:
        """What both indexes are made of: the published decisions and the search code."""
        if getattr(self, "_made_of", None) is None:
            self._made_of = self._digest()
        return self._made_of

    def _digest(self) -> str:
        import hashlib

        import search
        from portal.writing import digest

        code = hashlib.sha256()
        for path in sorted(Path(search.__file__).parent.glob("*.py")):
            code.update(path.read_bytes())
        return digest(code.hexdigest(), sorted((d.id, d.slug, d.content_hash, d.first_published_on) for d in self.data.decisions))


def _in_place(swap_in, state_dir, key: str):
    """After the swap: the whoosh index made by this build put in place, and what it was made of
    recorded (the next build with the same decisions keeps both indexes)."""
    marker = Path(state_dir) / "search" / "built-for"

    def after():
        swap_in()
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(key, encoding="utf-8")

    return after


class StatsGenerator(_StageGenerator):
    """Statistics, organ scorecards and open data (`stats/`, `opendata/`)."""

    stage = "stats"

    def run(self, out, site):
        from stats import keep_copy, publish_stats

        from pipeline.executor import for_stage

        d = self.data
        pool, many = for_stage(self.settings.get("BUILD_EXECUTOR"), self.settings.get("BUILD_SHARDS")), None
        if pool is not None:  # the shards' summaries not in the cache are made on the executor's workers
            from pipeline.shards import summarise_stats_shard

            origin = out.settings.get("PORTAL_SITE_ORIGIN") or out.settings.get("SITEURL") or ""
            many = lambda parts: pool.map(summarise_stats_shard, [  # noqa: E731
                {"decisions": part, "origin": origin, "today": d.today} for part in parts])
        publish_stats(d.decisions, d.withdrawals, d.audit, d.today, site, d.state_dir, out, d.cache_dir, many)
        self.after_swap(lambda: keep_copy(d.state_dir))


STAGE_GENERATORS: list = [ProgressGenerator, SearchGenerator, StatsGenerator]
