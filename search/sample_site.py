"""A site of synthetic decisions for the search tests and `bench/search.py`, built in seconds.

The real build redacts with a tagger and gates for leaks; neither is what search is measured
on, so here a decision's "redacted" text is the synthetic text with the party names replaced by
their pseudonym markers. Never point this at real exports: it is not a redaction.
"""
from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from records.model import PublicDecision, PublicParty


def _plain(text: str) -> str:
    """Markup off (the samples come as HTML, Markdown or plain text), long digit runs masked."""
    text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    text = re.sub(r"\*\*|^#+ *|^> *", "", text, flags=re.M)
    text = re.sub(r"\d{11,}[\dXx]?", lambda m: "＊" * len(m.group()), text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def sample_decisions(exports: Path, today: date) -> tuple[list[PublicDecision], object]:
    from publication import select
    from publication.public import to_public
    from records import load_exports

    loaded = load_exports(Path(exports))
    sel = select(loaded.decisions, today)
    out = []
    for d in sel.public:
        text = _plain(d.text)
        parties = []
        for i, p in enumerate(d.parties):
            if p.type == "person":
                label = f"某{chr(0x7532 + i)}"  # 某甲, 某乙, …
                if p.name:
                    text = text.replace(p.name, label)
                parties.append(PublicParty(p.role, p.type, label))
            else:
                parties.append(PublicParty(p.role, p.type, p.name or "", p.credit_code))
        fake = SimpleNamespace(text_plain=text, parties=parties,
                               text_html="".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line))
        out.append(to_public(d, fake, sel.slugs[d.id]))
    return out, sel


def build_sample_site(count: int, work: Path, today: date = date(2026, 11, 25), seed: int = 1,
                      overrides: dict | None = None) -> tuple[Path, Path, list[PublicDecision]]:
    """Generate `count` penalties' worth of exports, render the whole site (with search) into
    `work/site`, put the whoosh index in place under `work/state`; returns (site, state, decisions)."""
    import samples
    from pipeline.render import render_site
    from portal.site_data import SiteData

    work = Path(work)
    exports, site, state = work / "exports", work / "site", work / "state"
    samples.write_exports(count, exports, seed=seed, today=today)
    decisions, sel = sample_decisions(exports, today)
    for d in decisions:
        d.first_published_on = d.decided_on
    data = SiteData(decisions=decisions, withdrawals=sel.withdrawals, progress=[], state_dir=state, today=today)
    site.mkdir(parents=True, exist_ok=True)
    # Only the search stage: the other stages (statistics charts, progress files) are slow and
    # not what these sites are for.
    import portal.stages as stages

    saved = list(stages.STAGE_GENERATORS)
    stages.STAGE_GENERATORS[:] = [g for g in saved if g.__name__ == "SearchGenerator"]
    try:
        render_site(site, data, False, overrides)
    finally:
        stages.STAGE_GENERATORS[:] = saved
    for action in data.results.get("after_swap", []):
        action()
    return site, state, decisions


_built: dict[int, tuple[Path, Path, list[PublicDecision]]] = {}


def shared_sample_site(count: int = 150) -> tuple[Path, Path, list[PublicDecision]]:
    """One sample site per process and size (the test modules share it; pytest runs them in one)."""
    import atexit
    import shutil
    import tempfile

    if count not in _built:
        work = Path(tempfile.mkdtemp(prefix=f"search-sample-{count}-"))
        atexit.register(shutil.rmtree, work, True)
        _built[count] = build_sample_site(count, work)
    return _built[count]
