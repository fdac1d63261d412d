"""Feast evidence: feature views, entities, data sources, feature services, TTLs and materialisation history read from
a Feast repository's registry."""

from evidence_collectors.feast.collector import FeastCollector

__all__ = ["FeastCollector"]
