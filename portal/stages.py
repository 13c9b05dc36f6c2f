"""Generators of the later stages, run by Pelican after the decision pages are written.

Each stage keeps its own logic in its folder; these adapters only hand it the site data.
"""
from __future__ import annotations

STAGE_GENERATORS: list = []
