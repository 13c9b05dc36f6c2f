"""Leak gate: nothing is published while a personal string or a valid ID/phone/card/plate survives."""
from gate.scan import Leak, scan_site

__all__ = ["scan_site", "Leak"]
