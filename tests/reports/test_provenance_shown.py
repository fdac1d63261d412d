"""Every output says how each requirement's verdict was reached, tallies those ways, and lists the answers the
collected evidence contradicts, with names and reasons shown as text whatever they hold.

The assessment is made for real: a sealed evidence bundle in which chosen requirements of Part 2 pass or fail, a
person's answers, proposals drafted from the bundle (assessors/draft.py), one confirmed and one overridden
(assessors/answering.py), written to a file and scored by the report builder as `report` does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import pytest
import yaml

from assessors import answering
from assessors.assessment import STATUS_LABELS, Answer, Assessment, Status
from assessors.results import PROVENANCES, OutcomeProvenance
from assessors.storage import save_assessment
from assessors.workflow import open_assessment, open_bundle
from capability_model.catalog import load_path, resolve
from capability_model.loader import LoadedFramework
from capability_model.schema import AnyOf, Framework, Operator, ProbeExpectation, Requirement, Verification
from evidence_collectors.bundle import write_bundle
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from reports.answer_view import BASIS_LABELS
from reports.build import ReportFormat, render_report
from reports.checks_view import value_text
from reports.exports import CSV_COLUMNS
from reports.labels import PROVENANCE_LABELS
from reports.provenance_view import REASON_COLUMNS, shorten_columns
from reports.textsafety import visible
from reports.view import ScoredPart
from tests.reports.conftest import ARTIFACTS, REPORT_DATE, pdf_text, squash, to_png
from tests.reports.support import requirement_block, visible_text

T0 = dt.datetime(2026, 11, 5, 8, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 11, 6, 9, 30, tzinfo=dt.UTC)
PLAIN = "Chen Jing"  # answered the requirement the evidence contradicts
CONFIRMER = "王工"
OVERRIDER = "Li Na"
# a name and a reason that try a spreadsheet formula, markup and a right-to-left override
HOSTILE_NAME = "=cmd|' /C calc'!A0 <b>Mallory</b>\u202eevil"
REASON_HEAD = "@SUM(1+1) <script>alert(1)</script> \u202egnp.exe"
REASON_TAIL = "only-the-demo-repository-was-scanned-END"
HOSTILE_REASON = f"{REASON_HEAD} {'理由较长 ' * 12}{REASON_TAIL}"


def _value(exp: ProbeExpectation, passing: bool) -> Any:
    """A collected value for which `exp` holds (passing) or fails."""
    v: Any = exp.value
    number = isinstance(v, int | float) and not isinstance(v, bool)
    other = (not v) if isinstance(v, bool) else (v + 1 if number else f"{v}-other")
    table: dict[Operator, tuple[Any, Any]] = {
        Operator.exists: (["found"], []),
        Operator.contains: ([v], []),
        Operator.eq: (v, other),
        Operator.ne: (other, v),
        Operator.ge: (v, v - 1 if number else None),
        Operator.le: (v, v + 1 if number else None),
        Operator.gt: (v + 1 if number else None, v),
        Operator.lt: (v - 1 if number else None, v),
    }
    return table[exp.op][0 if passing else 1]


def _values(req: Requirement, passing: bool) -> dict[str, Any] | None:
    """Probe values that make every expectation of `req` hold, or every one fail (None: cannot be made so)."""
    values: dict[str, Any] = {}
    for exp in req.expectations:
        members = exp.any_of if isinstance(exp, AnyOf) else [exp]
        for member in members[:1] if passing else members:
            value = _value(member, passing)
            if value is None:
                return None
            values[member.probe] = value
    return values


def _pick(framework: Framework) -> tuple[dict[str, str], dict[str, Any]] | None:
    """Requirements for each role, on disjoint probes, and the probe values that give each its verdict."""
    wanted = [
        ("evidence", Verification.automated, True),
        ("conflict", Verification.automated, False),
        ("confirmed", Verification.assisted, True),
        ("overridden", Verification.assisted, True),
        ("proposed", Verification.assisted, True),
    ]
    reqs = [r for _, r in framework.requirements()]
    roles: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    for role, verification, passing in wanted:
        for req in reqs:
            values = _values(req, passing) if req.verification_class is verification else None
            if values and req.id not in roles.values() and not set(values) & set(chosen):
                roles[role], chosen = req.id, chosen | values
                break
        else:
            return None
    roles["answered"] = next(r.id for r in reqs if r.verification_class is Verification.attested)
    return roles, chosen


@dataclass(frozen=True)
class Made:
    parts: list[ScoredPart]
    roles: dict[str, str]


def _one_domain(root: Path) -> tuple[LoadedFramework, dict[str, str], dict[str, Any]]:
    """The bundled Part 2 framework file cut to its smallest domain that has a requirement for every role, so that
    each PDF stays a few pages long; with the roles and the probe values."""
    bundled = resolve("caict-mlops-p2")
    data = yaml.safe_load(bundled.path.read_text(encoding="utf-8"))
    domains = sorted(
        data["domains"], key=lambda d: sum(len(i["requirements"]) for s in d["subdomains"] for i in s["items"])
    )
    for domain in domains:
        path = root / f"part2-{domain['id']}.yaml"
        kept = {i["id"] for s in domain["subdomains"] for i in s["items"]}
        for item in (i for s in domain["subdomains"] for i in s["items"]):  # dependencies on items cut away go too
            if "depends_on" in item:
                item["depends_on"] = [d for d in item["depends_on"] if d in kept or not d.startswith("P2.")]
        path.write_text(yaml.safe_dump({**data, "domains": [domain]}, allow_unicode=True, sort_keys=False), "utf-8")
        loaded = load_path(path)
        picked = _pick(loaded.framework)
        if picked:
            return loaded, *picked
    pytest.fail("no domain of Part 2 has a requirement for every role")


def _scored(path: Path, framework: LoadedFramework, bundle: Path) -> list[ScoredPart]:
    """What `score_parts` does, with the assessment bound to the cut framework file."""
    opened = open_assessment(path, str(framework.path))
    evidence = open_bundle(bundle)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return [ScoredPart(opened, opened.score(evidence=evidence), path, sha, evidence)]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    root = tmp_path_factory.mktemp("provenance")
    loaded, roles, values = _one_domain(root)
    raw = RawStore()
    records = []
    for probe, value in values.items():
        sha = raw.add(json.dumps({"probe": probe, "value": value}).encode(), url=f"http://127.0.0.1:1/{probe}")
        records.append(
            EvidenceRecord(
                probe=probe,
                target="reco-service",
                value=value,
                status=EvidenceStatus.ok,
                source=EvidenceSource(system=probe.split(".")[0], url="http://127.0.0.1:1"),
                collected_at=T0,
                collector=CollectorInfo(name=probe.split(".")[0], version="1.0.0"),
                raw_sha256=[sha],
            )
        )
    write_bundle(root / "bundle", Collection(records=records, raw=raw, redactor=Redactor()))
    path = root / "assessment.json"
    start = Assessment(
        organisation="Huaxin Bank",
        scope="reco-service",
        assessor="Chen Jing",
        started=dt.date(2026, 11, 2),
        framework=loaded.ref,
        answers={
            roles["conflict"]: Answer(status=Status.met, answered_by=PLAIN, answered_at=T0),
            roles["answered"]: Answer(status=Status.partial, answered_by=HOSTILE_NAME, answered_at=T0),
        },
    )
    save_assessment(start, path, loaded.framework)
    bundle = open_bundle(root / "bundle")
    drafted = open_assessment(path, str(loaded.path)).draft(bundle, now=T0).assessment
    assert drafted.answers[roles["proposed"]].provenance == "proposed"
    confirmed = answering.confirm(drafted, [roles["confirmed"]], CONFIRMER, T1).assessment
    final = answering.override(confirmed, roles["overridden"], Status.not_met, HOSTILE_REASON, OVERRIDER, T1)
    save_assessment(final, path, loaded.framework)
    parts = _scored(path, loaded, root / "bundle")
    outcomes = {o.id: o for o in parts[0].result.requirements}
    for role, rid in roles.items():  # each role got the provenance it stands for; the evidence decided the conflict
        assert outcomes[rid].provenance == ("evidence" if role == "conflict" else role), (role, outcomes[rid])
    assert [c.requirement for c in parts[0].result.conflicts] == [roles["conflict"]]
    assert all(n >= 1 for n in parts[0].result.provenance.values()), parts[0].result.provenance
    return Made(parts, roles)


def _tally(made: Made) -> dict[OutcomeProvenance, int]:
    return made.parts[0].result.provenance


# The line each role's requirement shows, per language; {reason} is the override reason as the output shows it.
LINES = {
    "en": {
        "evidence": "Decided by evidence",
        "confirmed": f"Proposed by evidence, confirmed by {CONFIRMER} on 2026-11-06 09:30+00:00",
        "answered": f"Answered by {visible(HOSTILE_NAME)} on 2026-11-05 08:00+00:00",
        "overridden": f"Overridden by {OVERRIDER} on 2026-11-06 09:30+00:00 (evidence proposed 'met'); "
        "reason: {reason}",
        "proposed": "Proposed by evidence: met, not yet confirmed (not counted)",
    },
    "zh": {
        "evidence": "由采集证据判定",
        "confirmed": f"证据提议，已确认：{CONFIRMER}，2026-11-06 09:30+00:00",
        "answered": f"人工答复：{visible(HOSTILE_NAME)}，2026-11-05 08:00+00:00",
        "overridden": f"推翻证据：{OVERRIDER}，2026-11-06 09:30+00:00（证据提议“满足”）；理由：{{reason}}",
        "proposed": "证据提议“满足”，尚未确认，不计入",
    },
}
CONFLICT_WORDS = {
    "en": ("Contradictions with collected evidence", "Level and score of each domain", f"met ({PLAIN})", "not met"),
    "zh": ("与采集证据相矛盾的答案", "各能力域的等级、平均分", f"满足（{PLAIN}）", "不满足"),
}


def _tally_line(made: Made, lang: str) -> str:
    counts = _tally(made)
    head = "How decided: " if lang == "en" else "判定方式："
    return head + " · ".join(f"{PROVENANCE_LABELS[p][lang]} {counts[p]}" for p in PROVENANCES)


def _block(text: str, rid: str, lang: str) -> str:
    return requirement_block(text, rid, lang, span=2000)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_shows_each_provenance_the_tally_and_the_contradictions(made: Made, lang: str) -> None:
    pdf = ARTIFACTS / f"report-provenance-{lang}.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(render_report(made.parts, ReportFormat.pdf, lang, dt.date.fromisoformat(REPORT_DATE)))  # type: ignore[arg-type]
    text = pdf_text(pdf)
    flat = squash(text)
    short_reason = shorten_columns(visible(HOSTILE_REASON), REASON_COLUMNS)
    outcomes = {o.id: o for o in made.parts[0].result.requirements}
    report = made.parts[0].check_report()
    for role, line in LINES[lang].items():
        rid = made.roles[role]
        block = squash(_block(text, rid, lang))
        assert squash(line.format(reason=short_reason)) in block, (role, block[:400])
        # the verification basis, and who drafted a proposal before it was confirmed
        assert squash(BASIS_LABELS[outcomes[rid].provenance][lang]) in block, (role, block[:400])
        if role in ("confirmed", "proposed"):
            drafted = "Drafted from evidence on 2026-11-05 08:00+00:00" if lang == "en" else "依据证据起草：2026-11-05"
            assert squash(drafted) in block, (role, block[:400])
        # every check that ran: its probe, the value found and the record's hash
        ran = [row for req, row in report.rows() if req.requirement == rid and row.outcome != "not_collected"]
        if role in ("evidence", "conflict", "confirmed", "overridden", "proposed"):
            assert ran, role
        for row in ran:
            assert row.probe in block and row.record_sha256 and row.record_sha256[:12] in block, (role, row.probe)
            assert squash(value_text(row.actual, lang)) in block, (role, row.probe, row.actual)
    assert short_reason.endswith("…") and REASON_TAIL not in text  # the PDF cuts the reason to one line
    assert "[U+202E]" in text and "\u202e" not in text  # the bidi override shows as a marker
    unanswered = next(
        o.id for o in made.parts[0].result.requirements if o.provenance == "unanswered" and o.id.startswith("P2.")
    )
    assert squash(PROVENANCE_LABELS["unanswered"][lang]) in squash(_block(text, unanswered, lang))  # in its badge
    # the tally: one line in the executive summary, and the methodology table with the same numbers
    assert squash(_tally_line(made, lang)) in flat
    table_title = "How each verdict was reached" if lang == "en" else "各项要求的判定方式"
    method = text[text.rindex(table_title) :]
    lines = [x for x in method[: method.index("\f")].splitlines() if not re.search(r"Page \d+ of|页，共", x)]
    counts = [int(m.group(1)) for x in lines if (m := re.search(r"\s(\d+)$", x))]
    assert counts == [_tally(made)[p] for p in PROVENANCES]  # one row per provenance, in order
    first_column = squash("".join(re.split(r"\s{3,}", x.strip())[0] for x in lines))
    assert all(squash(PROVENANCE_LABELS[p][lang]) in first_column for p in PROVENANCES), first_column
    # the contradiction: flagged under its requirement and listed in one place with who said what and the records
    title, after, answer, evidence = CONFLICT_WORDS[lang]
    conflict = made.parts[0].result.conflicts[0]
    assert squash("Contradicts the evidence" if lang == "en" else "与证据矛盾") in squash(
        _block(text, conflict.requirement, lang)
    )
    section = squash(text[text.index(title, text.index(title) + 1) : text.index(after)])  # past the contents entry
    for piece in (conflict.requirement, answer, evidence, *conflict.records):
        assert squash(piece) in section, (piece, section[:600])
    if lang == "zh":  # a page a person looks at: the contradictions list in the executive summary
        pages = text.split("\f")
        page = next(n for n, p in enumerate(pages, start=1) if title in p and conflict.requirement in p)
        png = to_png(pdf, page, ARTIFACTS / "report-provenance", dpi=90)
        assert png.stat().st_size > 20_000


def test_html_shows_whole_reasons_and_keeps_user_text_as_text(made: Made) -> None:
    html = render_report(made.parts, ReportFormat.html, "en").decode()
    shown = visible_text(html)
    assert "<script>" not in html and "<b>Mallory</b>" not in html and "\u202e" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;Mallory&lt;/b&gt;" in html
    assert REASON_TAIL in shown  # the whole reason on screen (the PDF shows it cut, see above)
    assert squash(visible(HOSTILE_REASON)) in squash(shown)
    anchor = "req-" + made.roles["conflict"].replace(".", "-")
    assert 'href="#sec-conflicts"' in html and f'id="{anchor}"' in html and f'href="#{anchor}"' in html


def test_markdown_lists_every_way_and_the_contradictions(made: Made) -> None:
    md = render_report(made.parts, ReportFormat.md, "zh").decode()
    assert "<script>" not in md and "<b>" not in md and "\u202e" not in md
    table = md[md.index("#### 各项要求的判定方式") :]
    cell = r"(?:[^|\\]|\\.)"  # escaped pipes inside
    five_cells = rf"^\| (P2\.[A-Z0-9.]+) \| [^|]+ \| {cell}+ \| {cell}* \| {cell}* \|$"  # evidence and note last
    rows = {m.group(1): m.group(0) for m in re.finditer(five_cells, table, re.M)}
    assert len(rows) == sum(1 for o in made.parts[0].result.requirements if o.provenance != "unanswered")
    assert "&lt;script&gt;" in rows[made.roles["overridden"]] and REASON_TAIL in rows[made.roles["overridden"]]
    assert "=cmd\\|" in rows[made.roles["answered"]]  # the name's pipe is escaped: it cannot end the cell
    assert "证据提议，已确认：王工，2026-11-06" in rows[made.roles["confirmed"]]
    assert "与证据矛盾" in rows[made.roles["conflict"]]
    unanswered = [o.id for o in made.parts[0].result.requirements if o.provenance == "unanswered"]
    assert unanswered[0] not in rows and unanswered[0] in md  # listed once, with the other unanswered ones
    section = md[md.index("### 与采集证据相矛盾的答案") :]
    conflict = made.parts[0].result.conflicts[0]
    line = next(x for x in section.splitlines() if x.startswith(f"| {conflict.requirement} |"))
    assert f"满足（{PLAIN}）" in line and "不满足" in line and all(r in line for r in conflict.records)
    assert _tally_line(made, "zh") in md


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_csv_and_json_carry_the_same_values(made: Made, lang: str) -> None:
    data = render_report(made.parts, ReportFormat.csv, lang)  # type: ignore[arg-type]
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert len(frame.columns) == len(CSV_COLUMNS) == 29  # the first release's 15, 5 of provenance, 9 of the record
    assert list(frame.columns[15:20]) == (
        ["How decided", "By", "At", "Override reason", "Proposed by evidence"]
        if lang == "en"
        else ["判定方式", "确认或答复人", "确认或答复时间", "推翻理由", "证据提议"]
    )
    assert list(frame.columns[20:23]) == (
        ["Verification basis", "Answered by", "Answered at"] if lang == "en" else ["验证依据", "作答人", "作答时间"]
    )
    frame.columns = list(CSV_COLUMNS)
    rows = frame.set_index("requirement_id")
    outcomes = {o.id: o for o in made.parts[0].result.requirements}
    met = "met" if lang == "en" else "满足"
    for role, rid in made.roles.items():
        row, outcome = rows.loc[rid], outcomes[rid]
        assert row["provenance"] == PROVENANCE_LABELS[outcome.provenance][lang], role
        assert row["at"] == (outcome.at.isoformat() if outcome.at else ""), role
        assert row["proposed"] == (STATUS_LABELS[outcome.proposed][lang] if outcome.proposed else ""), role
        if role != "answered":
            assert row["by"] == (outcome.by or ""), role
    assert rows.loc[made.roles["confirmed"], "by"] == CONFIRMER
    assert rows.loc[made.roles["confirmed"], "at"] == T1.isoformat()
    assert rows.loc[made.roles["answered"], "by"] == "'" + visible(HOSTILE_NAME)  # formula start made text
    assert "\u202e" not in data.decode("utf-8-sig")
    overridden = rows.loc[made.roles["overridden"]]
    assert overridden["override_reason"] == "'" + visible(HOSTILE_REASON)  # whole, `@` neutralised
    assert (overridden["by"], overridden["proposed"]) == (OVERRIDER, met)
    proposed = rows.loc[made.roles["proposed"]]
    assert (proposed["status"], proposed["proposed"]) == ("unknown" if lang == "en" else "未作答", met)  # not counted
    assert rows.loc[made.roles["evidence"], "override_reason"] == ""
    # the audit record: who answered, confirmed and overrode, when, and on what basis
    for role, rid in made.roles.items():
        assert rows.loc[rid, "basis"] == BASIS_LABELS[outcomes[rid].provenance][lang], role
    confirmed = rows.loc[made.roles["confirmed"]]
    assert (confirmed["confirmed_by"], confirmed["confirmed_at"]) == (CONFIRMER, T1.isoformat())
    assert (overridden["overridden_by"], overridden["overridden_at"]) == (OVERRIDER, T1.isoformat())
    assert rows.loc[made.roles["conflict"], "answered_by"] == PLAIN
    assert rows.loc[made.roles["conflict"], "answered_at"] == T0.isoformat()
    result = json.loads(render_report(made.parts, ReportFormat.json, lang))  # type: ignore[arg-type]
    by_id = {o["id"]: o for o in result["requirements"]}
    assert by_id[made.roles["overridden"]]["override_reason"] == HOSTILE_REASON  # JSON keeps it exactly
    assert by_id[made.roles["proposed"]]["proposed"] == "met"
    assert result["provenance"] == dict(made.parts[0].result.provenance)
    assert result["conflicts"][0]["requirement"] == made.roles["conflict"]
