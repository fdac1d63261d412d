"""OSCAL exports: the framework as a catalog, a scored assessment as assessment results, its roadmap as a POA&M.

The documents follow NIST OSCAL 1.2.1 (JSON). They only render what the framework files and the scoring computed;
nothing is rescored here. Every UUID is a version-5 UUID derived from ids and input fingerprints, so exporting the
same inputs again gives the same document, byte for byte.

Languages: a document is written in one language (`--lang`): titles, statements and descriptions. The other language
travels beside it in project-namespaced props (`alt-title`, class = the language) and parts (`translation`), so one
file still carries both.
"""

from reports.oscal.common import NS, OSCAL_VERSION, stable_uuid

__all__ = ["NS", "OSCAL_VERSION", "stable_uuid"]
