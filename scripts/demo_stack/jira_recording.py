"""Write the bank's recorded Jira (examples/retail-bank/recorded/jira/): the RECO project as Jira Server 9 answers it.

    python -m scripts.demo_stack.jira_recording

The responses are written in Jira's documented formats (REST API v2 with wiki markup, Agile 1.0) by the same row
renderer the Jira collector's tests use (tests/collectors/fixtures/jira/generate.py), from the tables below: one row
of flags per issue or sprint. The tables say what the bank's P1.RM answers say: every requirement has an owner and a
priority and all but one have acceptance criteria; most were reviewed; the two changed after review were reviewed
again; almost every requirement has a test case and every test case, bug and risk is linked, owned and rated.
As the bank's P1.RM.RA.02, RA.03 and PP.02 answers say, the feasibility assessments and scenario designs live in
Confluence and the project's approval in Jira references them: the two epics carry the feasibility conclusion (a
Feasibility Conclusion field naming the signed FA page) and a "Usage scenario" section naming the SD page; staff
effort comes from Jira time logs, so every requirement but the newest has work logged (on itself or its sub-tasks).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "examples" / "retail-bank" / "recorded" / "jira"
SITE = "jira"  # the path prefix the recorded server answers under: <server>/jira
PROJECT = "RECO"


def _renderer() -> ModuleType:
    """The Jira fixture renderer of the collector tests, loaded from its file (the fixtures are not a package)."""
    path = ROOT / "tests" / "collectors" / "fixtures" / "jira" / "generate.py"
    spec = importlib.util.spec_from_file_location("jira_fixture_renderer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    # the bank's people stand in for the renderer's: owners, risk author, bug assignee
    module.PEOPLE.update({"li": "Liu Yang", "anna": "Wang Lei", "zhou": "Zhao Min", "omar": "Wu Fang"})
    # the bank's feasibility assessment and scenario design pages, which the epics name
    conclusion = "Feasible with conditions (FA-2026-03, signed off): claims data is only available from 2023"
    setattr(module, "FEASIBILITY_EN", conclusion)  # noqa: B010 (a module attribute mypy does not know)
    scene = (
        "SD-07 home feed ranking: logged-in app users; online call on home-feed load; input customer id and context, "
        "output a top-20 product list rendered by the feed"
    )
    setattr(module, "SCENARIO_TEXT", scene)  # noqa: B010
    return module


# key, type, acceptance criteria (F field, - none), measurable (M), review (A approved), change after review
# (X changed and reviewed again, - none), owner, priority, estimate (P story points), plan (S sprint), tested (T),
# age in days
REQUIREMENTS = """
RECO-401 Epic  F M A - y y P S T 170
RECO-402 Story F M A - y y P S T 163
RECO-403 Story F M A X y y P S T 155
RECO-404 Story F M A - y y P S T 148
RECO-405 Story F M A - y y P S T 140
RECO-406 Story F - A - y y P S T 131
RECO-407 Story F M A - y y P S T 122
RECO-408 Story F M A - y y P S T 115
RECO-409 Story F M A - y y P S T 104
RECO-410 Story F M A X y y P S T 96
RECO-411 Story F M A - y y P S T 88
RECO-412 Epic  F M A - y y P S T 80
RECO-413 Story F M A - y y P S T 71
RECO-414 Story F M A - y y P S T 63
RECO-415 Story F M A - y y P S T 55
RECO-416 Story F M A - y y P S T 47
RECO-417 Story F M A - y y P S T 36
RECO-418 Story F - A - y y P S T 25
RECO-419 Story F M - - y y P S T 12
RECO-420 Story - - - - y y - - - 4
"""

# key, feasibility conclusion (F field, - none), scenario (D description section, - none), time logged (T on the issue,
# A on its sub-tasks, - none); requirements not listed have none of these
FACTS = """
RECO-401 F D T
RECO-402 - - T
RECO-403 - - A
RECO-404 - - T
RECO-405 - - T
RECO-406 - - A
RECO-407 - - T
RECO-408 - - T
RECO-409 - - T
RECO-410 - - T
RECO-411 - - A
RECO-412 F D T
RECO-413 - - T
RECO-414 - - T
RECO-415 - - T
RECO-416 - - A
RECO-417 - - T
RECO-418 - - T
RECO-419 - - T
"""

# key, requirement it verifies, steps (F field, D description), execution (X linked Test Execution, S result status,
# B both, - none), age in days
TESTS = """
RECO-501 RECO-401 F B 165
RECO-502 RECO-402 F X 158
RECO-503 RECO-403 D S 150
RECO-504 RECO-404 F X 143
RECO-505 RECO-405 F B 135
RECO-506 RECO-406 D S 126
RECO-507 RECO-407 F X 118
RECO-508 RECO-408 F B 110
RECO-509 RECO-409 F X 100
RECO-510 RECO-410 D S 92
RECO-511 RECO-411 F B 84
RECO-512 RECO-412 F X 76
RECO-513 RECO-413 F S 67
RECO-514 RECO-414 F B 59
RECO-515 RECO-415 D X 51
RECO-516 RECO-416 F S 43
RECO-517 RECO-417 F X 31
RECO-518 RECO-418 F B 21
RECO-519 RECO-419 F - 9
RECO-520 RECO-407 F X 117
"""


def _tables(r: ModuleType) -> tuple[list[Any], list[Any], list[Any], list[Any], list[Any]]:
    bugs = [
        # every bug is assigned, rated (Severity), names the affected model version and links the test case that
        # found it
        r.Bug("RECO-601", "RECO-503", 148, "y y y"),
        r.Bug("RECO-602", "RECO-507", 116, "y y y"),
        r.Bug("RECO-603", "RECO-511", 82, "y y y"),
        r.Bug("RECO-604", "RECO-513", 60, "y y y"),
        r.Bug("RECO-605", "RECO-517", 28, "y y y"),
        r.Bug("RECO-606", "RECO-518", 11, "y y y"),
    ]
    risks = [
        r.Risk("RECO-701", True, True, "F", True, True, "-150d", 6),  # suitability of wealth products
        r.Risk("RECO-702", True, True, "F", True, True, "-120d", 12),  # training data drifts from app traffic
        r.Risk("RECO-703", True, True, "F", True, True, "-90d", 9),  # cold-start customers
        r.Risk("RECO-704", False, True, "F", True, True, "-60d", 20),  # feature store outage (closed)
        r.Risk("RECO-705", True, True, "F", True, True, "-30d", 3),  # personal data in features
    ]
    sprints = [
        r.SprintRow(40, 11, "closed", -168, -154, -154, done=3, others=2),
        r.SprintRow(41, 11, "closed", -154, -140, -140, done=3, late=1, others=1),
        r.SprintRow(42, 11, "closed", -140, -126, -126, done=4, others=2),
        r.SprintRow(43, 11, "closed", -126, -112, -111.5, done=3, open=1, others=1),
        r.SprintRow(44, 11, "closed", -112, -98, -98, done=4, others=2),
        r.SprintRow(45, 11, "closed", -98, -84, -84, done=3, others=3),
        r.SprintRow(46, 11, "closed", -84, -70, -70, done=4, late=1, others=1),
        r.SprintRow(47, 11, "closed", -70, -56, -56, done=3, others=2),
        r.SprintRow(48, 11, "closed", -56, -42, -42, done=4, others=1),
        r.SprintRow(49, 11, "closed", -42, -28, -27, done=3, open=1, others=2),
        r.SprintRow(50, 11, "closed", -28, -14, -14, done=4, others=2),
        r.SprintRow(51, 11, "active", -14, 0, None),
    ]
    # every case states its preconditions and test data: Xray step Data where the steps are in the field (X), a
    # "Test data" section where they are in the description (A)
    specs = {line.split()[0]: "X" if line.split()[2] == "F" else "A" for line in TESTS.strip().splitlines()}
    return r.with_facts(r.reqs(REQUIREMENTS), FACTS), r.tests(TESTS, specs=specs), bugs, risks, sprints


def write(out: Path = OUT) -> dict[str, Any]:
    """Write the responses, routes.yaml and expected.json (the figures the tables imply) under `out`."""
    r = _renderer()

    class Writer(r.Writer):  # type: ignore[misc,name-defined]
        def body(self, name: str, data: Any) -> str:
            name = name.removeprefix(f"{SITE}/")  # the files sit beside routes.yaml
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(data, ensure_ascii=False, indent=1).replace("Acme Jira", "Huaxin Bank Jira")
            path.write_text(text + "\n", encoding="utf-8")
            return name

    cf, gh, xray = r.CF, r.GH, r.XRAY
    site = r.Site(
        name=SITE,
        cloud=False,
        projects=[PROJECT],
        fields=[
            *r.SYSTEM_FIELDS,
            r.custom("customfield_10010", "Sprint", "array", gh + "gh-sprint"),
            r.custom("customfield_10016", "Story Points", "number", cf + "float"),
            r.custom("customfield_10100", "Acceptance Criteria", "string", cf + "textarea"),
            r.custom("customfield_10200", "Risk Probability", "option", cf + "select"),
            r.custom("customfield_10201", "Risk Impact", "option", cf + "select"),
            r.custom("customfield_10202", "Mitigation Plan", "string", cf + "textarea"),
            r.custom("customfield_10203", "Risk Category", "option", cf + "select"),
            r.custom("customfield_10204", "Risk Rating", "option", cf + "select"),
            r.custom("customfield_10300", "Manual Test Steps", "array", xray + "manual-test-steps-custom-field"),
            r.custom("customfield_10500", "Feasibility Conclusion", "string", cf + "textarea"),
            r.custom("customfield_10600", "Severity", "option", cf + "select"),
        ],
        types=["Story", "Epic", "Task", "Sub-task", "Bug", "Test", "Test Execution", "Risk"],
        ac_field="customfield_10100",
        points_field="customfield_10016",
        sprint_field="customfield_10010",
        steps_field="customfield_10300",
        risk_fields=("customfield_10200", "customfield_10201", "customfield_10202"),
        grade_fields=("customfield_10203", "customfield_10204"),
        feasibility_field="customfield_10500",
        severity_field="customfield_10600",
    )
    boards = {
        PROJECT: [
            {"id": 11, "self": "{{base}}/jira/rest/agile/1.0/board/11", "name": "RECO board", "type": "scrum"},
            {"id": 12, "self": "{{base}}/jira/rest/agile/1.0/board/12", "name": "RECO support", "type": "kanban"},
        ]
    }
    w = Writer()
    requirements, tests, bugs, risks, sprints = _tables(r)
    expected: dict[str, Any] = r.build(w, site, requirements, tests, bugs, risks, sprints, boards)
    w.route(
        f"/{SITE}/rest/api/2/project/{PROJECT}",
        f"project-{PROJECT}.json",
        {
            "self": f"{{{{base}}}}/{SITE}/rest/api/2/project/{PROJECT}",
            "id": "10410",
            "key": PROJECT,
            "name": "Retail recommendation",
            "projectTypeKey": "software",
        },
    )
    routes = w.routes
    header = (
        "# The bank's Jira (RECO project) as Jira Server 9 answers it: REST API v2 (wiki markup, startAt paging)\n"
        "# and Agile 1.0, served over HTTP on 127.0.0.1 by scripts/demo_stack while the demo collects. Times are\n"
        "# relative to the server's start ({{iso:-3d0h}} = three days earlier). Written by\n"
        "# scripts/demo_stack/jira_recording.py: edit its tables and rerun it, never this file.\n"
    )
    manifest = header + yaml.safe_dump({"routes": routes}, allow_unicode=True, sort_keys=False, width=200)
    (out / "routes.yaml").write_text(manifest, encoding="utf-8")
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    return expected


if __name__ == "__main__":
    import shutil

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    print(json.dumps(write(), indent=1))
