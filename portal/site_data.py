"""What the build hands to Pelican: plain, already public data, through the settings."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from records.model import ProgressRecord, PublicDecision, Withdrawal

if TYPE_CHECKING:
    from progress.publish import Ahead

SETTING = "PORTAL_SITE_DATA"


@dataclass
class SiteData:
    decisions: list[PublicDecision]  # published, both kinds
    withdrawals: list[Withdrawal]
    progress: list[ProgressRecord]
    state_dir: Path
    today: date
    audit: list[dict] = field(default_factory=list)  # the audit log as it stands before this build
    # the site now online and the render keys of its pages: pages whose key did not change are
    # linked from there instead of rendered again (see portal/writing.py)
    previous_output: Path | None = None
    render_keys: dict[str, str] = field(default_factory=dict)
    cache_dir: Path | None = None  # content-addressed caches (pipeline.state.State.cache_root)
    timings: dict | None = None  # pipeline.timing.Timings: the stage generators time themselves
    # filled in by the generators, read back by the build (e.g. secrets the gate must look for)
    results: dict = field(default_factory=dict)
    # the progress stage's derivations, started as soon as the exports were read (progress.derive_ahead)
    progress_ahead: Ahead | None = None
    # called by the progress stage once it has added its secrets, the last stage to add any (the
    # build starts the gate's child there: pipeline.GateChild)
    secrets_known: Callable[[], None] | None = None


def site_data(settings: dict) -> SiteData | None:
    return settings.get(SETTING)
