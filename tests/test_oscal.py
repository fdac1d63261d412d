"""OSCAL 1.2.1 exports: the catalog of each bundled framework, assessment results and a POA&M of the example
organisation, validated with check-jsonschema against NIST's OSCAL 1.2.1 JSON schema (tests/schemas/oscal/), and
checked against the framework files and the scoring they render."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from capability_model.catalog import resolve
from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from reports.build import score_parts
from reports.oscal.render import render_catalog, render_oscal
from tests.conftest import EXAMPLES, RunCli
from tests.schemas.validate import OSCAL_SCHEMA, schema_errors

PART1 = EXAMPLES / "retail-bank" / "interview" / "part1-development.yaml"
PART2 = EXAMPLES / "retail-bank" / "interview" / "part2-delivery.yaml"
NS = "urn:mlops-maturity:oscal"
CHECKED = "P1.MD.MT.01.R04"  # automated: kubeflow.training_pipelines_with_versioned_images_ratio >= 1.0


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle whose one record fails the automated check of CHECKED (half the pipelines use versioned images)."""
    record = EvidenceRecord(
        probe="kubeflow.training_pipelines_with_versioned_images_ratio",
        target="pipelines",
        value=0.5,
        status=EvidenceStatus.ok,
        source=EvidenceSource(system="kubeflow", url="http://127.0.0.1:9/pipelines"),
        collected_at=dt.datetime(2026, 11, 5, 10, 0, tzinfo=dt.UTC),
        collector=CollectorInfo(name="kubeflow", version="1.0"),
        summary="2 of 4 training pipelines pin their images by version",
    )
    root = tmp_path_factory.mktemp("oscal") / "bundle"
    write_bundle(root, Collection(records=[record], raw=RawStore(), redactor=Redactor()))
    return root


def _props(node: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in node.get("props", []) if p["name"] == name]


CATALOGS = (("caict-mlops-p1", "zh"), ("caict-mlops-p2", "en"))
AR_ARGS = ("--format", "oscal-ar", "--lang", "en", "--date", "2026-11-20")


@pytest.fixture(scope="module")
def exported(run_cli: RunCli, bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every document once through the CLI: two catalogs, the results of both parts with evidence, a POA&M."""
    out = tmp_path_factory.mktemp("exported")
    runs: dict[str, tuple[str | Path, ...]] = {}
    for ref, lang in CATALOGS:
        runs[f"catalog-{ref}-{lang}"] = ("model", "export", ref, "--format", "oscal-catalog", "--lang", lang)
    runs["ar"] = ("report", PART1, PART2, "--evidence", bundle, *AR_ARGS)
    runs["poam"] = ("report", PART1, PART2, "--format", "oscal-poam", "--lang", "zh")
    paths = {}
    for name, args in runs.items():
        paths[name] = out / f"{name}.json"
        done = run_cli(*args, "-o", paths[name])
        assert done.returncode == 0, done.stderr
    return paths


@pytest.fixture(scope="module")
def validation(exported: dict[str, Path]) -> dict[Path, list[str]]:
    return schema_errors(list(exported.values()), OSCAL_SCHEMA)


def _doc(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(("ref", "lang"), CATALOGS)
def test_catalog_validates_and_carries_every_requirement(
    exported: dict[str, Path], validation: dict[Path, list[str]], ref: str, lang: str
) -> None:
    path = exported[f"catalog-{ref}-{lang}"]
    assert validation[path] == []
    doc = _doc(path)
    fw = resolve(ref).framework
    other = "en" if lang == "zh" else "zh"
    catalog = doc["catalog"]
    assert catalog["metadata"]["oscal-version"] == "1.2.1" and catalog["metadata"]["version"] == fw.version
    assert [g["id"] for g in catalog["groups"]] == [d.id for d in fw.domains]
    controls = {c["id"]: c for g in catalog["groups"] for s in g["groups"] for c in s["controls"]}
    assert list(controls) == [i.id for _, _, i in fw.items()]
    for item, req in fw.requirements():
        control = controls[item.id]
        assert control["title"] == " ".join(item.name.get(lang).split())  # type: ignore[arg-type]
        assert _props(control, "alt-title") == [" ".join(item.name.get(other).split())]  # type: ignore[arg-type]
        statement = next(p for p in control["parts"] if p["name"] == "statement")
        part = next(p for p in statement["parts"] if p["id"] == req.id)
        assert part["prose"] == req.text.get(lang)  # type: ignore[arg-type]
        assert _props(part, "level") == [str(req.level)]
        assert _props(part, "verification") == [req.verification_class.value]
        translation = next(p for p in part["parts"] if p["name"] == "translation")
        assert (translation["class"], translation["prose"]) == (other, req.text.get(other))  # type: ignore[arg-type]


def test_exports_are_reproducible_with_version_5_uuids(exported: dict[str, Path], bundle: Path) -> None:
    loaded = resolve("caict-mlops-p1")
    path = exported["catalog-caict-mlops-p1-zh"]
    assert render_catalog(loaded.framework, loaded.sha256, "zh") == path.read_bytes()
    assert render_catalog(loaded.framework, loaded.sha256, "en") != path.read_bytes()
    assert uuid.UUID(_doc(path)["catalog"]["uuid"]).version == 5
    parts = score_parts([PART1, PART2], evidence=bundle)
    again = render_oscal(parts, "oscal-ar", "en", dt.date(2026, 11, 20))
    assert again == exported["ar"].read_bytes()  # stable UUIDs and timestamps: the same inputs, the same bytes
    ar = _doc(exported["ar"])["assessment-results"]
    assert uuid.UUID(ar["uuid"]).version == 5
    assert ar["metadata"]["last-modified"] == "2026-11-20T00:00:00Z"


def test_assessment_results_validate_and_render_the_scoring(
    exported: dict[str, Path], validation: dict[Path, list[str]], bundle: Path
) -> None:
    assert validation[exported["ar"]] == []
    ar = _doc(exported["ar"])["assessment-results"]
    parts = score_parts([PART1, PART2], evidence=bundle)
    assert len(ar["results"]) == 2
    for result, part in zip(ar["results"], parts, strict=True):
        items = part.result.items()
        findings = {f["target"]["target-id"]: f for f in result["findings"]}
        assert list(findings) == [i.id for i in items]
        target = part.result.target_level
        for item in items:
            finding = findings[item.id]
            assert _props(finding, "level") == [str(item.level)]
            reached = item.level is None or item.level >= target
            assert finding["target"]["status"]["state"] == ("satisfied" if reached else "not-satisfied")
        risks = {r["uuid"]: r for r in result.get("risks", [])}
        assert sorted(_props(r, "item-id")[0] for r in risks.values()) == sorted(i.id for i in items if i.gap)
        for item in items:
            related = findings[item.id].get("related-risks", [])
            assert bool(related) == bool(item.gap)
            if item.gap:
                assert _props(risks[related[0]["risk-uuid"]], "gap") == [str(len(item.gap))]
        decided = [o for o in part.result.requirements if o.provenance != "unanswered"]
        assert len(result["observations"]) == len(decided)
        assert _props(result, "overall-level") == [str(part.result.overall.level)]


def test_an_evidence_decided_requirement_links_its_record_and_hash(exported: dict[str, Path], bundle: Path) -> None:
    ar = _doc(exported["ar"])["assessment-results"]
    obs = next(o for o in ar["results"][0]["observations"] if o["title"] == CHECKED)
    assert obs["methods"] == ["TEST"] and _props(obs, "method") == ["TEST-AUTOMATED"]
    assert _props(obs, "provenance") == ["evidence"] and _props(obs, "status") == ["not_met"]
    assert obs["collected"] == "2026-11-05T10:00:00Z"
    assert [s["type"] for s in obs["subjects"]] == ["resource"]
    (evidence,) = obs["relevant-evidence"]
    resources = {r["uuid"]: r for r in ar["back-matter"]["resources"]}
    record = resources[evidence["href"].removeprefix("#")]
    (line,) = (bundle / "records.jsonl").read_text(encoding="utf-8").splitlines()
    (rlink,) = record["rlinks"]
    assert rlink["hashes"] == [{"algorithm": "SHA-256", "value": hashlib.sha256(line.encode()).hexdigest()}]
    assert rlink["href"].endswith("records.jsonl#" + json.loads(line)["id"])
    assert obs["subjects"][0]["subject-uuid"] in resources  # the target it was collected from
    manual = next(o for o in ar["results"][0]["observations"] if o["title"] == "P1.RM.RA.01.R01")
    assert manual["methods"] == ["EXAMINE"] and "method" not in {p["name"] for p in manual["props"]}
    assert [s["type"] for s in manual["subjects"]] == ["party"]


def test_poam_validates_and_follows_the_roadmap(exported: dict[str, Path], validation: dict[Path, list[str]]) -> None:
    assert validation[exported["poam"]] == []
    poam = _doc(exported["poam"])["plan-of-action-and-milestones"]
    parts = score_parts([PART1, PART2])
    steps = sorted((ph.level, s.id) for p in parts for ph in p.result.roadmap for s in ph.requirements)
    planned = sorted(
        (int(_props(i, "phase-level")[0]), rid) for i in poam["poam-items"] for rid in _props(i, "requirement-id")
    )
    assert planned == steps and steps
    risks = {r["uuid"] for r in poam["risks"]}
    assert all(r["risk-uuid"] in risks for i in poam["poam-items"] for r in i.get("related-risks", []))
    assert {r["remediations"][0]["lifecycle"] for r in poam["risks"]} <= {"planned", "recommendation"}


def test_the_validator_rejects_a_broken_document(exported: dict[str, Path], tmp_path: Path) -> None:
    doc = _doc(exported["ar"])
    doc["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "mostly"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    errors = schema_errors([broken], OSCAL_SCHEMA)[broken]
    assert errors and "mostly" in " ".join(errors)


def test_every_bundled_framework_exports_a_valid_catalog(tmp_path: Path) -> None:
    """The newest version of each bundled part in both languages: ids must stay OSCAL tokens, titles one line."""
    from capability_model.catalog import catalog
    from capability_model.schema import LANGS, version_key

    newest = {}
    for loaded in sorted(catalog(), key=lambda lf: version_key(lf.framework.version)):
        newest[loaded.framework.id] = loaded
    paths = []
    for loaded in newest.values():
        for lang in LANGS:
            paths.append(tmp_path / f"{loaded.framework.ref}-{lang}.json")
            paths[-1].write_bytes(render_catalog(loaded.framework, loaded.sha256, lang))
    assert len(paths) >= 4
    assert schema_errors(paths, OSCAL_SCHEMA) == {p: [] for p in paths}
