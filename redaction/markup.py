"""Decision text to sanitised HTML, and that HTML to text segments the recognizers can read.

The export text is plain text or light Markdown, sometimes with HTML from an editor. It is
rendered with `markdown`, then cleaned with nh3 (Ammonia, maintained; drops <script>/<style>
with their content). The clean HTML is split into tags and text nodes; the detection text is
the text nodes joined, with a newline at every block boundary, so a span can be mapped back.
"""
from __future__ import annotations

import html
import re
import threading
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}
BLOCK_TAGS = ALLOWED_TAGS - {"strong", "em", "b", "i"}
_HEADINGS = {"h1": "h2", "h5": "h4", "h6": "h4"}


def sanitize_html(text: str) -> str:
    """Only the allow-list survives: no attributes, no comments, no script or style content."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes={},
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object", "textarea", "title"},
        strip_comments=True,
        link_rel=None,
    )


def render(text: str) -> str:
    """Light Markdown (or editor HTML) to sanitised HTML. Plain lines become paragraphs."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if "\n\n" not in text.strip():
        text = text.replace("\n", "\n\n")
    if _PLAIN.fullmatch(text) and not _MARKDOWN_LINE.search(text):
        # plain paragraphs (most exports): what markdown would make of them, without its parser
        blocks = [b.strip("\n") for b in re.split(r"\n{2,}", text)]
        return sanitize_html("\n".join(f"<p>{b}</p>" for b in blocks if b.strip()))
    return sanitize_html(_markdown().reset().convert(text))


# No character markdown or HTML gives a meaning to, and no line that could open a list, a code
# block, a heading, a rule or end in a hard break: markdown's output is then <p> per block.
_PLAIN = re.compile(r"[^*_`#>\[\]\\<&|~!{}=+\t\r]*")
_MARKDOWN_LINE = re.compile(r"(?m)^(?:[ \u3000\u00a0]|-|\d+[.)])|  $|^$\n^\s")


_LOCAL = threading.local()


def _markdown() -> markdown.Markdown:
    """One Markdown converter per thread, reset between texts: building its parser for every
    decision cost as much as converting it."""
    md = getattr(_LOCAL, "md", None)
    if md is None:
        md = _LOCAL.md = markdown.Markdown(extensions=["tables", "sane_lists"])
    return md


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, str]] = []  # ("tag", raw) or ("text", unescaped)

    def handle_starttag(self, tag, attrs):
        self.parts.append(("tag", f"<{_HEADINGS.get(tag, tag)}>"))

    def handle_startendtag(self, tag, attrs):
        self.parts.append(("tag", f"<{tag}>"))

    def handle_endtag(self, tag):
        self.parts.append(("tag", f"</{_HEADINGS.get(tag, tag)}>"))

    def handle_data(self, data):
        self.parts.append(("text", data))


class Document:
    """Clean HTML as parts, with a detection text and each text node's place in it."""

    def __init__(self, clean_html: str) -> None:
        sp = _Splitter()
        sp.feed(clean_html)
        sp.close()
        self.parts = sp.parts
        self.ranges: list[tuple[int, int] | None] = []
        buf: list[str] = []
        pos = 0
        for kind, value in self.parts:
            if kind == "tag":
                name = value.strip("</>")
                if name in BLOCK_TAGS and buf and buf[-1] != "\n":
                    buf.append("\n")
                    pos += 1
                self.ranges.append(None)
            else:
                self.ranges.append((pos, pos + len(value)))
                buf.append(value)
                pos += len(value)
        self.text = "".join(buf)

    def rebuild(self, out: list[str]) -> tuple[str, str]:
        """HTML and plain text with out[i] standing for detection character i."""
        html_parts = []
        for (kind, value), rng in zip(self.parts, self.ranges):
            if kind == "tag":
                html_parts.append(value)
            else:
                html_parts.append(html.escape("".join(out[rng[0]:rng[1]]), quote=False))
        plain = "".join(out)
        lines = [ln.strip() for ln in plain.split("\n")]
        return "".join(html_parts), "\n".join(ln for ln in lines if ln)
