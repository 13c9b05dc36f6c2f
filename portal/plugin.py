"""Registers the portal's generators with Pelican (a namespace-style plugin with one register())."""
from __future__ import annotations

from pelican import signals

from portal.decisions import DecisionGenerator


def _generators(pelican):
    return [DecisionGenerator, *_later_stage_generators()]


def _later_stage_generators():
    """Generators of the stages that add to the site (search, statistics, progress lookup)."""
    from portal.stages import STAGE_GENERATORS

    return STAGE_GENERATORS


def register():
    signals.get_generators.connect(_generators)
