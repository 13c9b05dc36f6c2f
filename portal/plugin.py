"""Registers the portal's generators with Pelican (a namespace-style plugin with one register())."""
from __future__ import annotations

from pelican import signals

from portal.decisions import DecisionGenerator
from portal.site_data import site_data


def _generators(pelican):
    return [DecisionGenerator, *_later_stage_generators()]


def _later_stage_generators():
    """Generators of the stages that add to the site (search, statistics, progress lookup)."""
    from portal.stages import STAGE_GENERATORS

    return STAGE_GENERATORS


def _share_compiled_templates(generator):
    """Every generator's environment compiles a template once, not once each (portal/compiled.py)."""
    from portal import compiled

    data = site_data(generator.settings)
    compiled.share(generator.env, data.cache_dir if data else None)


def register():
    signals.get_generators.connect(_generators)
    signals.generator_init.connect(_share_compiled_templates)
