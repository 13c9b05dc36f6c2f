"""Run Pelican over `content/` and the theme with the build's public data in its settings."""
from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path

from portal.site_data import SETTING, SiteData

ROOT = Path(__file__).resolve().parent.parent


def pelican_settings(staging: Path, data: SiteData | None, production: bool = False, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    conf = ROOT / ("publishconf.py" if production else "pelicanconf.py")
    override = {"OUTPUT_PATH": str(Path(staging).resolve()), SETTING: data}
    override.update(overrides or {})
    return read_settings(str(conf), override=override)


def render_site(staging: Path, data: SiteData, production: bool = False, overrides: dict | None = None) -> None:
    from pelican import Pelican

    logging.getLogger("pelican").setLevel(logging.WARNING)
    # Pelican prints a "Done: Processed …" line of its own; the build reports its own figures.
    with contextlib.redirect_stdout(io.StringIO()):
        Pelican(pelican_settings(staging, data, production, overrides)).run()
