"""What one rerun reuses from the last: the store, frameworks, evidence verdicts and the scores of a revision.

A rerun asks the store only for the workshop's revision (one indexed read). The answers are loaded and both parts
scored again only when the revision moved, i.e. when someone saved a change; the framework, the evidence bundle and
its verdicts are kept until they change. Cached objects are shared between sessions and must not be mutated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import streamlit as st

from app.workshop.bundles import checked_path, data_home
from app.workshop.service import Scores, score_workshop
from assessors.evidence import EvidenceDecision, decide
from assessors.proposal_store import ProposalStore
from assessors.store import Workshop
from assessors.workflow import BundleError, EvidenceBundle, open_bundle
from capability_model.catalog import resolve
from capability_model.loader import LoadedFramework
from capability_model.schema import LocalizedText
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


@st.cache_resource(show_spinner=False, max_entries=16)
def _workshop(db: str, workshop_id: int, revision: int) -> Workshop:
    return store(db).load(workshop_id)


@st.cache_resource(show_spinner=False, max_entries=4)
def _bundle(path: str, stamp: tuple[int, ...]) -> EvidenceBundle:
    return open_bundle(path)


@st.cache_resource(show_spinner=False, max_entries=8)
def _decisions(ref: str, manifest_sha256: str, _bundle: EvidenceBundle) -> Mapping[str, EvidenceDecision]:
    return decide(framework(ref).framework, _bundle.records)


@st.cache_resource(show_spinner=False, max_entries=16)
def _scores(
    db: str, workshop_id: int, revision: int, bundle_key: str, _w: Workshop, _b: EvidenceBundle | None
) -> Scores:
    def decisions_of(loaded: LoadedFramework) -> Mapping[str, EvidenceDecision]:
        assert _b is not None
        return _decisions(loaded.ref, _b.manifest_sha256, _b)

    return score_workshop(_w, framework, _b, decisions_of, data_home(db))


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
def names(ref: str) -> Mapping[str, LocalizedText]:
    """Id -> name of every domain, subdomain and item of a framework."""
    fw = framework(ref).framework
    found = {d.id: d.name for d in fw.domains}
    found |= {s.id: s.name for d in fw.domains for s in d.subdomains}
    found |= {i.id: i.name for _, _, i in fw.items()}
    return found
