"""Generators of the later stages, run by Pelican with the decision pages.

Each stage keeps its logic in its own folder behind one entry point; these adapters only hand
it the site data and the page writer, and pass back what the build needs from it: personal
strings for the leak gate (`results["secrets"]`) and work to do once the new site is in place
(`results["after_swap"]`, e.g. swapping in a private search index).

The search indexes are made beside Pelican, in a child forked before it starts (`portal.beside`);
their generator here runs only where that child could not be forked. The statistics are made
by that child too when it is done with the indexes before this process comes to them.
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
                                  settings=self.settings, online=self.data.previous_output,
                                  ahead=self.data.progress_ahead)
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
        if self.data.secrets_known is not None:
            self.data.secrets_known()


class SearchGenerator(_StageGenerator):
    """The static search index in the site and the private whoosh index (`search/`), here when
    the build could not make them beside Pelican in a child (`portal.beside`)."""

    stage = "search"

    def generate_output(self, writer):
        if self.settings.get("SEARCH_MADE_BESIDE"):
            return
        super().generate_output(writer)

    def run(self, out, site):
        from portal.beside import search_stage

        for action in search_stage(out, self.data, self.settings, site):
            self.after_swap(action)


class StatsGenerator(_StageGenerator):
    """Statistics, organ scorecards and open data (`stats/`, `opendata/`)."""

    stage = "stats"

    def generate_output(self, writer):
        beside = self.settings.get("STATS_BESIDE")
        if beside is not None and not beside.once.take():
            return  # the search child, done with its indexes, makes them (portal.beside)
        super().generate_output(writer)

    def run(self, out, site):
        from portal.beside import stats_stage

        self.after_swap(stats_stage(out, self.data, self.settings, site))


STAGE_GENERATORS: list = [ProgressGenerator, SearchGenerator, StatsGenerator]
