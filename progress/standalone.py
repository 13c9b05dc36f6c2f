"""The lookup page on its own, outside the full build: for the browser test and bench/progress.py.

Builds content/pages/lookup.md with Pelican, the theme and pelicanconf.py (without the portal
plugin, which needs exports), so the page is the one the site serves: lookup/index.html with
theme/js/lookup.js. When the theme has no base.html yet, a minimal stand-in with the same blocks
and a strict Content-Security-Policy is rendered with Jinja instead.
"""
from __future__ import annotations

import pathlib
import shutil
from types import SimpleNamespace

import jinja2
import markdown
from markupsafe import Markup

ROOT = pathlib.Path(__file__).resolve().parent.parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'")
STAND_IN_BASE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ CONTENT_SECURITY_POLICY }}">
<title>{% block title %}{{ SITENAME }}{% endblock %}</title></head>
<body><main id="main">{% block content %}{% endblock %}</main>{% block scripts %}{% endblock %}</body></html>
"""


def read_page(path: pathlib.Path) -> SimpleNamespace:
    head, _, body = path.read_text("utf-8").partition("\n\n")
    meta = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head.splitlines())}
    html = markdown.markdown(body, extensions=["extra"], output_format="html5")
    return SimpleNamespace(content=Markup(html), **meta)


def render_lookup_site(site_dir: pathlib.Path) -> pathlib.Path:
    """Write site_dir/lookup/index.html and site_dir/theme/js/lookup.js; return the page's path."""
    if (ROOT / "theme" / "templates" / "base.html").exists():
        return _with_pelican(pathlib.Path(site_dir))
    return _with_stand_in(pathlib.Path(site_dir))


def _with_pelican(site_dir: pathlib.Path) -> pathlib.Path:
    import runpy
    import tempfile

    from pelican import Pelican
    from pelican.settings import read_settings

    conf = {k: v for k, v in runpy.run_path(str(ROOT / "pelicanconf.py")).items() if k.isupper()}
    with tempfile.TemporaryDirectory() as tmp:
        pages = pathlib.Path(tmp) / "pages"
        pages.mkdir()
        shutil.copyfile(ROOT / "content" / "pages" / "lookup.md", pages / "lookup.md")
        conf.update(PATH=tmp, OUTPUT_PATH=str(site_dir), THEME=str(ROOT / "theme"), PLUGINS=[], PLUGIN_PATHS=[],
                    DELETE_OUTPUT_DIRECTORY=False)
        Pelican(read_settings(None, override=conf)).run()
    return site_dir / "lookup" / "index.html"


def _with_stand_in(site_dir: pathlib.Path) -> pathlib.Path:
    templates = ROOT / "theme" / "templates"
    loaders = [jinja2.DictLoader({"base.html": STAND_IN_BASE}), jinja2.FileSystemLoader(str(templates))]
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    page = read_page(ROOT / "content" / "pages" / "lookup.md")
    html = env.get_template(page.template + ".html").render(
        page=page, SITEURL="..", SITENAME="行政处罚与行政复议决定公开平台", CONTENT_SECURITY_POLICY=CSP,
        NAV_LINKS=[], FOOTER_LINKS=[], PUBLISHER="", output_file=page.save_as,
    )
    out = site_dir / page.save_as
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, "utf-8")
    js = site_dir / "theme" / "js" / "lookup.js"
    js.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "theme" / "static" / "js" / "lookup.js", js)
    return out
