"""The staff review report: one offline HTML file showing what was masked in each decision,
why, and with what confidence, and listing the low-confidence spots a person should read.

It contains the original personal data, so it is written under --state, never into the site.
"""
from __future__ import annotations

import html
import pathlib

from records.model import Decision
from redaction.engine import MIN_SCORE, RULES_VERSION, redact
from redaction.markup import Document, render

LOW = 0.9  # spans scoring under this are listed for a person to read

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:60rem;margin:2rem auto;line-height:1.7}
mark{background:#ffe08a;padding:0 .1em}mark.low{background:#f7a8a8}mark.kept{background:#d6e9ff}
mark small{font-size:.7em;color:#444;margin-left:.2em}section{border-top:1px solid #ccc;margin-top:2rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
"""


def _highlight(text: str, spans) -> str:
    out, pos = [], 0
    for s in sorted(spans, key=lambda s: s.start):
        if s.start < pos:
            continue
        out.append(html.escape(text[pos:s.start]))
        cls = "kept" if s.score < MIN_SCORE else ("low" if s.score < LOW else "")
        title = f"{s.rule} · {s.score:.2f} · {s.reason}"
        out.append(f'<mark class="{cls}" title="{html.escape(title)}">{html.escape(text[s.start:s.end])}'
                   f"<small>→{html.escape(s.replacement)} [{html.escape(s.entity)} {s.score:.2f}]</small></mark>")
        pos = s.end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>\n")


def write_review(decisions: list[Decision], out_path: pathlib.Path) -> pathlib.Path:
    out_path = pathlib.Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    body, low_rows = [], []
    for d in decisions:
        red = redact(d)
        text = Document(render(d.text)).text
        anchor = f"d-{html.escape(d.id)}"
        for s in red.spans:
            if s.score < LOW:
                low_rows.append(
                    f'<tr><td><a href="#{anchor}">{html.escape(d.id)}</a></td><td>{html.escape(s.original)}</td>'
                    f"<td>{html.escape(s.entity)}</td><td>{s.score:.2f}</td><td>{html.escape(s.rule)}</td>"
                    f"<td>{'masked' if s.score >= MIN_SCORE else 'NOT masked'}</td>"
                    f"<td>{html.escape(text[max(0, s.start - 12):s.end + 12])}</td></tr>")
        parties = "、".join(html.escape(p.label) for p in red.parties)
        body.append(f'<section id="{anchor}"><h2>{html.escape(d.decision_no)} <small>({html.escape(d.id)}, '
                    f"{html.escape(d.source.file)})</small></h2><p>当事人（公开显示）：{parties}</p>"
                    f"<p>{len(red.spans)} 处隐去</p><div>{_highlight(text, red.spans)}</div></section>")
    low = ("<table><tr><th>决定</th><th>原文</th><th>类型</th><th>置信度</th><th>规则</th><th>处理</th><th>上下文</th></tr>"
           + "".join(low_rows) + "</table>") if low_rows else "<p>无低置信度位置。</p>"
    page = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>隐私处理复核报告</title>'
            f'<meta name="robots" content="noindex"><style>{_CSS}</style></head><body><main>'
            f"<h1>隐私处理复核报告</h1><p>规则版本 {RULES_VERSION} · {len(decisions)} 份决定书 · 本报告含个人信息，仅供内部复核，不得公开。</p>"
            f"<h2>需人工阅读的低置信度位置（{len(low_rows)}）</h2>{low}{''.join(body)}</main></body></html>")
    out_path.write_text(page, encoding="utf-8")
    return out_path
