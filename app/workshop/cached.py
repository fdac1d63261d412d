"""What one rerun reuses from the last: the store, frameworks, evidence verdicts and the scores of a revision.

A rerun asks the store only for the workshop's revision (one indexed read). The answers are loaded and both parts
scored again only when the revision moved, i.e. when someone saved a change; the framework, the evidence bundle and
its verdicts are kept until they change. Cached objects are shared between sessions and must not be mutated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import streamlit as st

from app.workshop.bundles import checked_path, data_home
from app.workshop.service import PartScore, Scores, score_part
from assessors.assessment import Assessment
from assessors.evidence import EvidenceDecision, decide
from assessors.proposal_store import ProposalStore
from assessors.store import Workshop
from assessors.workflow import BundleError, EvidenceBundle, open_bundle
from capability_model.catalog import resolve
from capability_model.loader import LoadedFramework
from capability_model.schema import LocalizedText, Requirement
from evidence_collectors.bundle import MANIFEST, RECORDS

OPEN_WAIT_S = 3.0


@st.cache_resource(show_spinner=False)
def store(db: str) -> ProposalStore:
    """The store, checked when first opened; a refused database (DatabaseProblem) is not cached, so each run checks
    it again until it is fixed."""
    return ProposalStore(db, open_wait_s=OPEN_WAIT_S)


@st.cache_resource(show_spinner=False, max_entries=16)
def framework(ref: str) -> LoadedFramework:
    return resolve(ref)


_LATEST: dict[tuple[str, int], Workshop] = {}  # the last workshop loaded per database and id: the next load reads
# only the answers written since (one per click) instead of every answer of every part


@st.cache_resource(show_spinner=False, max_entries=16)
def _workshop(db: str, workshop_id: int, revision: int) -> Workshop:
    loaded = store(db).load(workshop_id, since=_LATEST.get((db, workshop_id)))
    _LATEST[(db, workshop_id)] = loaded
    return loaded


@st.cache_resource(show_spinner=False, max_entries=4)
def _bundle(path: str, stamp: tuple[int, ...]) -> EvidenceBundle:
    return open_bundle(path)


@st.cache_resource(show_spinner=False, max_entries=8)
def _decisions(ref: str, manifest_sha256: str, _bundle: EvidenceBundle) -> Mapping[str, EvidenceDecision]:
    return decide(framework(ref).framework, _bundle.records)


def fingerprint(assessment: Assessment) -> str:
    """What a part's score depends on, as a digest: the part as stored (header, answers, framework version)."""
    return hashlib.sha256(assessment.model_dump_json().encode("utf-8")).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=32)
def _part(
    db: str, ref: str, digest: str, bundle_key: str, _assessment: Assessment, _b: EvidenceBundle | None
) -> PartScore:
    """One part scored; an edit changes one part, so the other one's score is reused."""
    loaded = framework(ref)
    decisions = _decisions(loaded.ref, _b.manifest_sha256, _b) if _b is not None else {}
    return score_part(_assessment, loaded, _b, decisions, data_home(db))


@st.cache_resource(show_spinner=False, max_entries=16)
def _scores(
    db: str, workshop_id: int, revision: int, bundle_key: str, _w: Workshop, _b: EvidenceBundle | None
) -> Scores:
    parts = tuple(_part(db, a.framework, fingerprint(a), bundle_key, a, _b) for a in _w.parts)
    return Scores(_w, parts, _b)


def bundle_at(path: str) -> EvidenceBundle:
    """The verified bundle at `path`, verified again only when its manifest or records file changed."""
    root = Path(path)
    stamp = tuple((root / name).stat().st_mtime_ns if (root / name).exists() else 0 for name in (MANIFEST, RECORDS))
    return _bundle(str(root.resolve()), stamp)


def bundle_path(db: str, workshop: Workshop) -> str | None:
    """The workshop's bundle directory (relative: from the database's folder); refused outside the bundles folder."""
    if not workshop.evidence_bundle:
        return None
    return str(checked_path(db, workshop.evidence_bundle))


def scores(db: str, workshop_id: int) -> Scores:
    """The workshop as saved now, scored (with its evidence bundle when one is set and still verifies)."""
    revision = store(db).revision(workshop_id)
    loaded = _workshop(db, workshop_id, revision)
    bundle, problem = None, None
    try:
        where = bundle_path(db, loaded)
        bundle = bundle_at(where) if where else None
    except (BundleError, OSError, ValueError) as exc:  # outside, altered or vanished: score without it, say why
        problem = str(exc)
    key = bundle.manifest_sha256 if bundle else ""
    scored = _scores(db, workshop_id, loaded.revision, key, loaded, bundle)
    return replace(scored, bundle_error=problem) if problem else scored


@st.cache_resource(show_spinner=False, max_entries=16)
def requirements(ref: str) -> Mapping[str, Requirement]:
    """Id -> requirement of a framework."""
    return {req.id: req for _, req in framework(ref).framework.requirements()}


@st.cache_resource(show_spinner=False, max_entries=16)
def names(ref: str) -> Mapping[str, LocalizedText]:
    """Id -> name of every domain, subdomain and item of a framework."""
    fw = framework(ref).framework
    found = {d.id: d.name for d in fw.domains}
    found |= {s.id: s.name for d in fw.domains for s in d.subdomains}
    found |= {i.id: i.name for _, _, i in fw.items()}
    return found
