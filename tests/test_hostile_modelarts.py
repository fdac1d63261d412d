"""The ModelArts collector against a hostile IAM and ModelArts API on 127.0.0.1: an IAM answer without the token
header, or with a token that cannot be a header; the issued token and the password echoed back in later answers (in
X-Subject-Token, in bodies, in error messages); offset paging whose total lies while the server ignores the offset;
listed ids holding slashes and dot segments. Faults end as unavailable/error, the rest goes on, and no output holds
the token or the password."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from evidence_collectors.bundle import write_bundle
from evidence_collectors.modelarts import ModelArtsCollector
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.runner import Collection, collect
from evidence_collectors.targets import Target
from tests.support.hostile import Counter, HostileHandler, HostileServer, answer, credential_forms, leaks

PROJECT = "0a1b2c3d4e5f"
PASSWORD = "iam-Pa55w0rd/hostile+x"
ISSUED = "MIIZ-issued-" + "t0k3n" * 40
PASSWORD_ENV = "HOSTILE_MODELARTS_PASSWORD"
P = "modelarts."
FORMS = credential_forms(PASSWORD, ISSUED)


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def run(url: str, iam: str, **fields: Any) -> tuple[dict[str, EvidenceRecord], Collection]:
    config = ModelArtsCollector.config_model.model_validate(
        {
            "collector": "modelarts",
            "name": "ma",
            "url": url,
            "project_id": PROJECT,
            "iam_url": iam,
            "iam_user": "assessor",
            "iam_domain": "acme",
            "password_env": PASSWORD_ENV,
            "timeout_s": 2,
            "retries": 0,
        }
        | fields
    )
    collection = collect([Target(config=config, collector=ModelArtsCollector)])
    records = {r.probe: r for r in collection.records}
    assert list(records) == ModelArtsCollector.probe_ids()
    for record in collection.records:
        assert not record.reason.startswith("collector failed"), (record.probe, record.reason)
    return records, collection


def iam_issuing(server: HostileServer, token: str | None, echo_password: bool = True) -> None:
    """IAM answers the sign-in with `token` in X-Subject-Token (none when None), the request body echoed back."""

    def tokens(h: HostileHandler) -> None:
        body = json.loads(h.body) if echo_password else {}
        headers = {"X-Subject-Token": token} if token is not None else {}
        h.send(201, json.dumps({"token": {"echo": body, "audit_ids": [token]}}).encode(), headers=headers)

    server.routes["/v3/auth/tokens"] = tokens


def echoing(h: HostileHandler) -> None:
    """Every ModelArts read answers with the token it was sent: in X-Subject-Token, in the body, in an error."""
    sent = h.headers.get("X-Auth-Token", "")
    body = {"error_msg": f"token {sent} is expired", "items": [], "models": [], "services": [], "count": 0}
    h.send(200, json.dumps(body).encode(), headers={"X-Subject-Token": sent})


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_issued_token_and_password_echoed_back_reach_no_output(
    home: HostileServer, elsewhere: HostileServer, tmp_path: Path
) -> None:
    iam_issuing(elsewhere, ISSUED)
    home.routes["/"] = echoing
    _, collection = run(home.url, elsewhere.url)
    assert elsewhere.hits("/v3/auth/tokens") == 1
    sent = [s.headers.get("X-Auth-Token") for s in home.seen]
    assert sent and all(t == ISSUED for t in sent), "the issued token is sent to ModelArts"
    write_bundle(tmp_path / "bundle", collection)
    written = files(tmp_path / "bundle")
    assert any(b"***" in data for name, data in written.items() if name.startswith("raw/"))
    for name, data in written.items():
        assert not leaks(data, FORMS), f"{name} leaks {leaks(data, FORMS)}"
    for record in collection.records:
        assert not leaks(record.model_dump_json(), FORMS), record.probe


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "IAM answered without an X-Subject-Token header"),
        ("", "IAM answered without an X-Subject-Token header"),
        ("abc", "shorter than 4 characters"),
        ("tok en with spaces", "cannot be sent in an HTTP header"),
        ("t" * 40_000, "cannot be sent in an HTTP header"),
    ],
    ids=["absent", "empty", "short", "spaces", "40-kb"],
)
def test_an_iam_answer_without_a_usable_token_fails_the_target_before_modelarts_is_asked(
    home: HostileServer, elsewhere: HostileServer, token: str | None, reason: str, tmp_path: Path
) -> None:
    iam_issuing(elsewhere, token)
    home.routes["/"] = echoing
    records, collection = run(home.url, elsewhere.url)
    assert not home.seen, "no ModelArts read without a token"
    for record in records.values():
        assert record.status is EvidenceStatus.error and reason in record.reason, record.reason
    write_bundle(tmp_path / "bundle", collection)
    for name, data in files(tmp_path / "bundle").items():
        assert not leaks(data, credential_forms(PASSWORD)), name


def test_a_sign_in_redirected_to_another_origin_keeps_the_password_home(
    home: HostileServer, elsewhere: HostileServer
) -> None:
    """A 307 keeps the method and body: the password would travel with it; the hop is refused."""
    home.routes["/v3/auth/tokens"] = lambda h: h.send(307, b"", headers={"Location": f"{elsewhere.url}/v3/auth/tokens"})
    iam_issuing(elsewhere, ISSUED)
    records, _ = run(home.url, home.url)
    assert not elsewhere.seen
    for record in records.values():
        assert record.status is EvidenceStatus.error and "to another origin: not followed" in record.reason


def offset_of(h: HostileHandler) -> int:
    return int(parse_qs(urlsplit(h.path).query).get("offset", ["0"])[0])


def test_offset_ignored_with_a_lying_total_stops_and_counts_each_item_once(
    home: HostileServer, elsewhere: HostileServer
) -> None:
    """Models: the first page again for every offset, with a total of a billion and a changing request id (so no two
    answers are byte-identical). Workflows: a total of a billion, then an empty page."""
    calls = Counter()
    iam_issuing(elsewhere, ISSUED)
    models = [{"model_id": f"m{i}", "model_name": "reco"} for i in range(3)]
    home.routes[f"/v1/{PROJECT}/models"] = lambda h: h.send(
        200, json.dumps({"total_count": 10**9, "request_id": calls.next(), "models": models}).encode()
    )
    home.routes[f"/v1/{PROJECT}/models/"] = answer({"model_id": "m", "model_name": "reco"})
    home.routes[f"/v2/{PROJECT}/workflows"] = lambda h: h.send(
        200,
        json.dumps(
            {"count": 10**9, "items": [{"workflow_id": "w1", "name": "train", "steps": []}] if not offset_of(h) else []}
        ).encode(),
    )
    records, _ = run(home.url, elsewhere.url, page_size=3)
    assert calls.value == 2, "the page sent again ends the listing"
    versions = records[P + "model_version_count"]
    assert versions.status is EvidenceStatus.ok and versions.value == 3, versions.summary
    assert "again" in versions.summary, versions.summary
    assert records[P + "workflows"].value == 1, records[P + "workflows"].summary
    assert home.hits(f"/v2/{PROJECT}/workflows?") == 2


def test_listed_ids_with_slashes_and_dot_segments_stay_one_path_segment(
    home: HostileServer, elsewhere: HostileServer
) -> None:
    iam_issuing(elsewhere, ISSUED)
    ids = ["..", ".", "../../v1/x/services", "a?b#c", "50%"]
    home.routes[f"/v2/{PROJECT}/workflows"] = answer({"count": len(ids), "items": [{"workflow_id": i} for i in ids]})
    home.routes[f"/v1/{PROJECT}/models"] = answer(
        {"total_count": len(ids), "models": [{"model_id": i, "model_name": "m"} for i in ids]}
    )
    gone = answer({"error_code": "ModelArts.0104", "error_msg": "not found"}, status=404)  # deleted since listed
    home.routes.update({f"/v2/{PROJECT}/workflows/": gone, f"/v1/{PROJECT}/models/": gone})
    records, _ = run(home.url, elsewhere.url)
    for seen in home.seen:
        path = urlsplit(seen.target).path
        assert "/../" not in path and "/./" not in path and not path.endswith(("/..", "/.")), path
        assert "?" not in seen.target or seen.target.index("?") > seen.target.index(f"/{PROJECT}/"), seen.target
    assert home.hits(f"/v2/{PROJECT}/workflows/%2E%2E") >= 1
    assert home.hits(f"/v1/{PROJECT}/models/a%3Fb%23c") == 1
    assert home.hits(f"/v1/{PROJECT}/models/..%2F..%2Fv1%2Fx%2Fservices") == 1
    assert records[P + "workflows"].value == len(ids)
    assert records[P + "model_version_count"].value == len(ids)
