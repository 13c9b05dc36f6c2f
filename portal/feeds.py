"""Atom feeds: new decisions, and withdrawals (so that those who copied a decision delete it too)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from feedgenerator import Atom1Feed

from portal.filters import penalties_text

CHINA = timezone(timedelta(hours=8))
FEED_SIZE = 50


def _when(day) -> datetime:
    return datetime.combine(day, time(0, 0), CHINA)


class _Feed(Atom1Feed):
    """An Atom feed whose <updated> never comes from the clock: an empty feed says the build day."""

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self._today = today

    def latest_post_date(self):
        return max((i["updateddate"] or i["pubdate"] for i in self.items), default=_when(self._today))


def _origin(settings: dict) -> str:
    return settings.get("PORTAL_SITE_ORIGIN", "").rstrip("/")


def write_feeds(out, settings: dict, rows, withdrawals, today) -> None:
    """The feeds from the merged summaries: `rows` (portal.listings.Row) newest first."""
    origin = _origin(settings)
    name = settings.get("SITENAME", "")
    feed = _Feed(today=today, 
        title=f"{name}：最新公开的决定书", link=f"{origin}/", description="新公开的行政处罚决定书与行政复议决定书",
        language="zh-CN", feed_url=f"{origin}/feeds/decisions.atom.xml",
    )
    for d in rows[:FEED_SIZE]:
        summary = f"{d.organ}，{d.offence or ''}，{penalties_text(d.penalties)}" if d.kind == "penalty" else f"{d.organ}，复议决定"
        feed.add_item(
            title=d.decision_no, link=f"{origin}/{d.url}", description=summary,
            unique_id=f"{origin}/{d.url}", pubdate=_when(d.decided_on), updateddate=_when(d.decided_on),
        )
    out.raw("feeds/decisions.atom.xml", feed.writeString("utf-8"))

    feed = _Feed(today=today, 
        title=f"{name}：撤回公告", link=f"{origin}/withdrawals/",
        description="已撤下的决定书及撤回原因。转载过这些决定书的网站请同步删除。",
        language="zh-CN", feed_url=f"{origin}/feeds/withdrawals.atom.xml",
    )
    for w in withdrawals[:FEED_SIZE * 4]:
        feed.add_item(
            title=f"撤回：{w.decision_no}", link=f"{origin}/{w.url}",
            description=f"{w.organ}于{w.withdrawn_on.isoformat()}撤回。原因：{w.reason}",
            unique_id=f"{origin}/{w.url}#withdrawn", pubdate=_when(w.withdrawn_on), updateddate=_when(w.withdrawn_on),
        )
    out.raw("feeds/withdrawals.atom.xml", feed.writeString("utf-8"))
