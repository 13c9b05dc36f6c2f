"""`publish.py search`: ranked hits for staff, or JSON for scripts."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from search.whoosh_index import SearchError, search_index


def run_search(state_dir: Path, query: str, *, as_json: bool = False, **filters) -> None:
    try:
        results = search_index(state_dir, query, **filters)
    except SearchError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"query": results.query, "total": results.total, "page": results.page,
                               "pages": results.pages, "hits": [asdict(h) for h in results.hits]},
                              ensure_ascii=False, indent=2))
        return
    if not results.total:
        click.echo(f"没有找到包含“{query}”的决定书。")
        return
    click.echo(f"共 {results.total} 份, 第 {results.page}/{results.pages} 页:")
    color = click.get_text_stream("stdout").isatty()
    for i, hit in enumerate(results.hits, (results.page - 1) * results.pagelen + 1):
        click.echo(f"\n{i:>3}. {hit.decision_no}  {hit.organ}  {hit.date}  {hit.kind_name}")
        snippet = hit.snippet
        if color:
            snippet = snippet.replace("[[", "\x1b[1;33m").replace("]]", "\x1b[0m")
        click.echo(f"     {snippet}")
        click.echo(f"     {hit.url}")
