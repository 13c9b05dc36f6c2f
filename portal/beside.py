"""The stages that need no page template, as the build runs them, in a forked child beside
Pelican when it can: the search indexes (`search_stage`) and the case-progress files
(`progress_stage`).

Both need the published records and nothing a page generator makes, and both write files of
their own. So as rendering starts (`pipeline.render.render_site`) the build forks a child for
each (`made_beside`) while its own process imports Pelican and renders every other page; what a
child adds to the build's results (files kept from the site online, their stamps, render keys,
secrets for the gate, the actions to run after the swap) comes back as plain data and is joined
before the gate. Where a child cannot be forked (see `pipeline.render`), the generators in
`portal.stages` run the same functions in the build's own process: the same bytes.

The search child starts before Pelican is imported and reads only the build's own settings (the
executor, the shard count, `SEARCH_INDEX_PROCS`): none of the search stage's work depends on the
theme. The progress child starts once Pelican's settings are read, which it honours
(`PROGRESS_*`).
"""
from __future__ import annotations

import functools
from pathlib import Path

from portal.site_data import SETTING, SiteData
from portal.writing import PageWriter


def search_stage(out: PageWriter, data: SiteData, settings: dict, site: Path) -> list:
    """Make both indexes into `site` through `out`, or keep those of the site online when made of
    the same decisions: the actions to run once the new site is in place (plain data)."""
    key = search_key(data)
    previous = data.previous_output
    marker = Path(data.state_dir) / "search" / "built-for"
    unchanged = (
        previous is not None and (previous / "search").is_dir()
        and (Path(data.state_dir) / "search" / "current").exists()
        and marker.exists() and marker.read_text(encoding="utf-8") == key
    )
    if unchanged:  # the same decisions as the site online: its index files, and the whoosh index, stand
        for path in sorted(p for p in (previous / "search").rglob("*") if p.is_file()):
            rel = str(path.relative_to(previous))
            if out._reuse(rel) and rel in out.old_keys:
                out.new_keys[rel] = out.old_keys[rel]
        return []
    from search import publish_search

    marker.unlink(missing_ok=True)
    swap_in = publish_search(data.decisions, site, data.state_dir, settings, out, cache_dir=data.cache_dir)
    return [functools.partial(_in_place, swap_in, marker, key)]


def search_key(data: SiteData) -> str:
    """What both indexes are made of: the published decisions and the search code."""
    import hashlib

    import search
    from portal.writing import digest

    code = hashlib.sha256()
    for path in sorted(Path(search.__file__).parent.glob("*.py")):
        code.update(path.read_bytes())
    return digest(code.hexdigest(), sorted((d.id, d.slug, d.content_hash, d.first_published_on) for d in data.decisions))


def _in_place(swap_in, marker: Path, key: str) -> None:
    """After the swap: the whoosh index made by this build put in place, and what it was made of
    recorded (the next build with the same decisions keeps both indexes)."""
    swap_in()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(key, encoding="utf-8")


def progress_stage(data: SiteData, settings: dict, site: Path) -> tuple[list[str], dict, object]:
    """The encrypted case-progress files into `site`: (files kept from the site online, secrets
    for the gate, the action to run after the swap or None)."""
    from progress import publish_progress

    result = publish_progress(data.progress, site, data.state_dir, today=data.today, settings=settings,
                              online=data.previous_output)
    # A case number printed on a published decision is public by the export contract; the
    # progress of that case stays secret, and the query code and notes stay in the gate.
    public = {d.case_no.replace(" ", "").upper() for d in data.decisions if d.case_no}
    # Removing spaces and dashes and upper-casing ASCII never lengthens a string: an ASCII string
    # shorter than every public case number (a query code) cannot be one, and is not normalised.
    shortest = min(map(len, public), default=0)
    secrets = {
        label: [s for s in strings if (len(s) < shortest and s.isascii()) or s.replace(" ", "").replace("-", "").upper() not in public]
        for label, strings in result.secrets.items()
    } if public else result.secrets
    return result.kept, secrets, result.after_swap


class _Site:
    """What a `PageWriter` reads of a Pelican generator, for the child that has none."""

    def __init__(self, settings: dict, output_path: Path):
        self.settings, self.output_path, self.context = settings, str(output_path), {}


def made_beside(stage: str, staging: Path, data: SiteData, settings: dict) -> dict:
    """Runs in a forked child: `stage` ("search" or "progress") with results of the child's own,
    which are what it adds to the build's (`pipeline.render.join_children` joins them)."""
    data.results = {}
    site = Path(staging)
    if stage == "search":
        settings = {**settings, SETTING: data}
        actions = search_stage(PageWriter(_Site(settings, staging)), data, settings, site)
    else:
        kept, secrets, action = progress_stage(data, settings, site)
        data.results["kept_files"] = set(kept)  # kept byte for byte from the site online: its gate scanned them
        data.results["secrets"] = secrets
        actions = [action] if action is not None else []
    data.results.setdefault("after_swap", []).extend(actions)
    return data.results
