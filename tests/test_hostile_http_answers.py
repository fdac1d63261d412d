"""Answers no well-behaved server sends, from hostile servers on 127.0.0.1, through the real collectors: JSON Python
cannot hold, header bytes that are not ASCII, broken HTTP framing, absurd `Retry-After` and rate-limit headers,
redirects and pagination links to unusable or foreign URLs, a server that never completes a TLS handshake. Each ends
as `unavailable` or `error` with a reason that says what the server did, never as a collector failure, and within the
configured waits."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from evidence_collectors.airflow import AirflowCollector
from evidence_collectors.base import CollectContext, Collector
from evidence_collectors.bundle import read_records, write_bundle
from evidence_collectors.github import GitHubCollector
from evidence_collectors.github.figures import ruleset_approvals
from evidence_collectors.github.models import BranchRule
from evidence_collectors.gitlab.api import GitLabApi
from evidence_collectors.gitlab.config import GitLabConfig
from evidence_collectors.http import CollectError
from evidence_collectors.jenkins import JenkinsCollector
from evidence_collectors.kubeflow import KubeflowCollector
from evidence_collectors.kubernetes import KubernetesCollector
from evidence_collectors.mlflow import MlflowCollector
from evidence_collectors.modelarts import ModelArtsCollector
from evidence_collectors.prometheus.collector import PrometheusCollector
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from evidence_collectors.runner import collect
from evidence_collectors.secrets import Redactor
from evidence_collectors.targets import Target
from tests.support.hostile import HostileHandler, HostileServer, SilentServer, answer, raw
from tests.support.hostile import collect_target as run
from tests.support.recorded_http import RecordedHttpServer

Records = dict[str, EvidenceRecord]
BUILD_INFO = {"status": "success", "data": {"version": "3.1.0", "revision": "abc"}}


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def no_collector_failure(records: Records) -> None:
    for probe, record in records.items():
        assert not record.reason.startswith("collector failed"), (probe, record.reason)


def all_failed(records: Records, status: EvidenceStatus, reason: str) -> None:
    no_collector_failure(records)
    for probe, record in records.items():
        assert record.status is status, (probe, record.status, record.reason)
        assert reason in record.reason, (probe, record.reason)


# --- JSON ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "(nested too deep)"),
        (b'{"status": "success", "data": {"version": ' + b"7" * 1_000_000 + b"}}", "(a number too long to convert)"),
        (b'{"status": "success", "data": {"version": "\xff\xfe\xc3"}}', "(not valid UTF-8)"),
    ],
    ids=["nested-100000-deep", "million-digit-number", "invalid-utf8"],
)
def test_json_python_cannot_hold_is_an_error_with_its_reason(hostile: HostileServer, body: bytes, why: str) -> None:
    hostile.routes["/"] = lambda h: h.send(200, body)
    records = run(PrometheusCollector, hostile.url)
    all_failed(records, EvidenceStatus.error, "invalid JSON from http://127.0.0.1:")
    assert any(why in r.reason for r in records.values())


def test_json_that_would_take_gigabytes_once_parsed_is_refused_with_bounded_memory(hostile: HostileServer) -> None:
    """2.1 million empty objects: 6 MB of JSON, within every size cap, but about 150 MB of Python objects (a
    100 MB body of them, 2.5 GB): refused before parsing."""
    body = b"[" + b"{}," * 2_100_000 + b"{}]"
    hostile.routes["/"] = lambda h: h.send(200, body)
    tracemalloc.start()
    try:
        records = run(PrometheusCollector, hostile.url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    all_failed(records, EvidenceStatus.unavailable, "JSON answer of more than 2000000 values, not parsed")
    assert peak < 100 * 1024**2, f"peak {peak / 1024**2:.0f} MB"


def test_lone_surrogates_in_json_strings_are_replaced_and_the_bundle_is_written(
    hostile: HostileServer, tmp_path: Path
) -> None:
    """`"\\ud800"` is valid JSON but no UTF-8 text: kept as it came, it would stop the bundle from being written. A
    surrogate pair (an emoji, escaped) is kept."""
    hostile.routes["/"] = answer({"status": "success", "data": {}})
    hostile.routes["/api/v1/status/buildinfo"] = lambda h: h.send(
        200, b'{"status": "success", "data": {"version": "3.\\ud800x\\udc00", "revision": "\\ud83d\\ude00"}}'
    )
    config = {"collector": "prometheus", "name": "p", "url": hostile.url, "retries": 0}
    collection = collect(
        [Target(config=PrometheusCollector.config_model.model_validate(config), collector=PrometheusCollector)]
    )
    version = next(r for r in collection.records if r.probe == "prometheus.version")
    assert version.value == "3.\ufffdx\ufffd"
    write_bundle(tmp_path / "bundle", collection)
    assert "3.\ufffdx\ufffd" in (tmp_path / "bundle" / "records.jsonl").read_text(encoding="utf-8")


def test_values_too_long_for_a_bundle_line_are_cut_and_the_bundle_stays_readable(
    hostile: HostileServer, tmp_path: Path
) -> None:
    """A 5 MB version string and 70,000 firing alerts with long names: either record alone would be a line longer
    than the bundle reader accepts, which would make the whole bundle unreadable."""
    alerts = [{"labels": {"alertname": f"Model{i}_" + "x" * 70}, "state": "firing"} for i in range(70_000)]
    hostile.routes.update(
        {
            "/": answer({"status": "success", "data": {}}),
            "/api/v1/status/buildinfo": answer({"status": "success", "data": {"version": "v" * 5_000_000}}),
            "/api/v1/alerts": answer({"status": "success", "data": {"alerts": alerts}}),
        }
    )
    config = {"collector": "prometheus", "name": "p", "url": hostile.url, "retries": 0}
    target = Target(config=PrometheusCollector.config_model.model_validate(config), collector=PrometheusCollector)
    collection = collect([target])
    write_bundle(tmp_path / "bundle", collection)
    records = {r.probe: r for r in read_records(tmp_path / "bundle")}
    version, names = records["prometheus.version"], records["prometheus.firing_alert_names"]
    assert isinstance(version.value, str) and len(version.value) <= 4_000
    assert "(value cut to 4000 of 5000000 characters)" in version.summary
    assert isinstance(names.value, list) and len(names.value) == 1_000
    assert "value cut to the first 1000 of 70000 items" in names.summary


@pytest.mark.parametrize("start", [b"1e400", b"Infinity", b"-Infinity", b"NaN"])
def test_numbers_no_float_holds_read_as_null(hostile: HostileServer, start: bytes) -> None:
    """An MLflow run starting at an infinite time (or `NaN`, which Python's encoder writes): read as no time."""
    one = b'{"info": {"run_id": "r1", "experiment_id": "1", "status": "FINISHED", "start_time": %s, "end_time": %s}}'
    hostile.routes.update(
        {
            "/api/2.0/mlflow/experiments/search": answer({"experiments": [{"experiment_id": "1"}]}),
            "/api/2.0/mlflow/runs/search": lambda h: h.send(200, b'{"runs": [' + one % (start, start) + b"]}"),
            "/api/2.0/mlflow/registered-models/search": answer({"registered_models": []}),
            "/api/2.0/mlflow/model-versions/search": answer({"model_versions": []}),
        }
    )
    records = run(MlflowCollector, hostile.url)
    no_collector_failure(records)
    assert all(r.status is EvidenceStatus.ok for r in records.values()), {r.reason for r in records.values()}
    assert records["mlflow.run_count"].value == 1


def test_mlmodel_files_python_cannot_hold_are_unread_not_a_failure(hostile: HostileServer) -> None:
    """Four model versions whose MLmodel files hold an integer of 5,000 digits, a date in month 13, 6 MB of list
    items (far more in memory once parsed), and a valid signature; the version numbers include '²' and 5,000 digits,
    which `str.isdigit` accepts and `int` refuses."""
    files = {
        "a": b"signature:\n  inputs: " + b"1" * 5_000 + b"\n",
        "b": b"signature:\n  inputs: 2001-13-45\n",
        "c": b"signature:\n  inputs:\n" + b"  - {}\n" * 900_000,
        "d": b'signature:\n  inputs: \'[{"name": "x"}]\'\n',
    }
    versions = [{"name": n, "version": v} for n, v in zip(files, ["\u00b2", "9" * 5_000, "1", "2"], strict=True)]

    def artifact(h: HostileHandler) -> None:
        name = h.path.split("name=")[1].split("&")[0]
        h.send(200, files[name], content_type="text/plain")

    hostile.routes.update(
        {
            "/api/2.0/mlflow/experiments/search": answer({"experiments": []}),
            "/api/2.0/mlflow/registered-models/search": answer({"registered_models": [{"name": n} for n in files]}),
            "/api/2.0/mlflow/model-versions/search": answer({"model_versions": versions}),
            "/model-versions/get-artifact": artifact,
        }
    )
    records = run(MlflowCollector, hostile.url)
    no_collector_failure(records)
    signed = records["mlflow.latest_versions_with_signature_ratio"]
    assert signed.status is EvidenceStatus.ok, signed.reason
    assert signed.value == 0.3333  # of the three read, two are not YAML this reader can hold: no signature
    assert "1 MLmodel files could not be read, e.g. MLmodel file of 6 MB, too large to be one" in signed.summary


@pytest.mark.parametrize("timestamp", [10**20, -(10**20), 253_402_300_800_000, 10**400])
def test_jenkins_build_times_beyond_any_date_are_read(hostile: HostileServer, timestamp: int) -> None:
    last: dict[str, Any] = {"number": 1, "timestamp": timestamp}
    job = {"name": "build", "color": "blue", "buildable": True, "lastSuccessfulBuild": last}
    build = {"number": 1, "timestamp": timestamp, "result": "SUCCESS", "duration": 10**30}
    body = json.dumps({"jobs": [job], "allBuilds": [build], **job}).encode()
    hostile.routes["/"] = lambda h: h.send(200, body)
    records = run(JenkinsCollector, hostile.url)
    assert all(r.status is EvidenceStatus.ok for r in records.values()), {r.reason for r in records.values()}


# --- headers and framing ---------------------------------------------------------------------------------------------


def test_header_values_that_are_not_ascii_do_not_break_the_answer(hostile: HostileServer) -> None:
    """Bytes such as 0xB2 ('²' once decoded, a digit to `str.isdigit` but not to `int`) in any header, Retry-After
    and Content-Length included."""
    body = json.dumps(BUILD_INFO).encode()
    hostile.routes["/"] = raw(
        b"HTTP/1.1 503 Busy\r\nRetry-After: \xb2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    hostile.routes["/api/v1/status/buildinfo"] = raw(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nX-Note: caf\xe9 \xb2\xff\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    records = run(PrometheusCollector, hostile.url)
    no_collector_failure(records)
    assert records["prometheus.version"].value == "3.1.0"
    others = [r for p, r in records.items() if p != "prometheus.version"]
    assert all(r.status is EvidenceStatus.unavailable and "HTTP 503 from" in r.reason for r in others)


@pytest.mark.parametrize(
    "answer_bytes",
    [
        b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * 300_000 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X-Many: a\r\n" * 100_000 + b"\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\n" * 50_000,
        b"HTTP/1.1 200 OK\r\nContent-Length: " + b"9" * 5_000 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        b'{"status": "success"}',
    ],
    ids=["huge-header", "100000-headers", "endless-1xx", "5000-digit-length", "bad-chunk", "no-status"],
)
def test_broken_http_is_unavailable_and_says_so(hostile: HostileServer, answer_bytes: bytes) -> None:
    hostile.routes["/"] = raw(answer_bytes)
    records = run(PrometheusCollector, hostile.url)
    all_failed(records, EvidenceStatus.unavailable, "the server broke the HTTP protocol")


def test_an_endless_chunked_body_is_cut_at_the_cap(hostile: HostileServer) -> None:
    def endless(h: HostileHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        while not h.released:
            h.wfile.write(b"10000\r\n" + b"[" * 0x10000 + b"\r\n")

    hostile.routes["/"] = endless
    records = run(PrometheusCollector, hostile.url, max_response_mb=2)
    all_failed(records, EvidenceStatus.unavailable, "response larger than 2 MB")


# --- rate limits -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "said"),
    [
        ("Fri, 31 Dec 9999 23:59:59 GMT", "retry after "),
        ("9" * 400, "retry after an unbounded time"),
    ],
    ids=["year-9999", "400-digits"],
)
def test_an_absurd_retry_after_is_given_up_at_once(hostile: HostileServer, retry_after: str, said: str) -> None:
    hostile.routes["/"] = lambda h: h.send(503, b"{}", headers={"Retry-After": retry_after})
    start = time.monotonic()
    records = run(MlflowCollector, hostile.url, retries=3)
    assert time.monotonic() - start < 20
    all_failed(records, EvidenceStatus.unavailable, said)
    assert hostile.hits("/") == len({r.reason for r in records.values()})  # one request for each read, no retry


@pytest.mark.parametrize("reset", ["9" * 30, "\xb2"], ids=["beyond-any-date", "superscript-digit"])
def test_a_rate_limit_reset_beyond_any_date_is_an_unknown_time(hostile: HostileServer, reset: str) -> None:
    hostile.routes["/"] = raw(
        b"HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 2\r\n"
        + b"X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: "
        + reset.encode("latin-1")
        + b"\r\n\r\n{}"
    )
    records = run(GitHubCollector, hostile.url, repository="acme/app")
    all_failed(records, EvidenceStatus.unavailable, "resets at an unknown time")


# --- redirects -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "redirect to a file URL"),
        ("ftp://127.0.0.1/x", "redirect to a ftp URL"),
        ("javascript:alert(1)", "redirect to a javascript URL"),
        ("http://[::1/x", "redirect to an unusable URL"),
        ("http://127.0.0.1:99999999/x", "redirect to an unusable URL"),
        ("http://127.0.0.1/\x01\x7f x", "redirect to an unusable URL"),
    ],
)
def test_a_redirect_to_an_unusable_url_is_an_error(hostile: HostileServer, location: str, reason: str) -> None:
    hostile.routes["/"] = raw(
        b"HTTP/1.1 302 Found\r\nConnection: close\r\nLocation: " + location.encode() + b"\r\nContent-Length: 0\r\n\r\n"
    )
    records = run(PrometheusCollector, hostile.url)
    all_failed(records, EvidenceStatus.error, reason)


# --- pagination links ------------------------------------------------------------------------------------------------


class Item(BaseModel):
    n: int


def listing(server: HostileServer, link: str) -> tuple[list[Item], str]:
    """Page 1 names `link` as the next page; any other page is the last."""

    def items(h: HostileHandler) -> None:
        last = "page=2" in h.path
        headers = {} if last else {"Link": f'<{link}>; rel="next"'}
        h.send(200, json.dumps([{"n": 2 if last else 1}]).encode(), headers=headers)

    server.routes["/api/v4/items"] = items
    config = GitLabConfig.model_validate(
        {"collector": "gitlab", "name": "g", "url": server.url, "project": "ml/app", "retries": 0}
    )
    with GitLabApi(config, CollectContext(raw=RawStore(), redactor=Redactor())) as api:
        pages = api.pages("/api/v4/items", Item)
    return pages.items, pages.stopped


def test_a_relative_next_link_is_followed_on_the_same_origin(hostile: HostileServer) -> None:
    items, stopped = listing(hostile, "/api/v4/items?page=2")
    assert [i.n for i in items] == [1, 2] and not stopped


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("http://[::1/x", "unusable pagination link"),
        ("http://127.0.0.1:1/api/v4/items?page=2", "pagination link to another host not followed"),
        ("http://127.0.0.1:{port}/api/v4/items?page=%ZZ\x01", "unusable pagination link"),
    ],
    ids=["bad-host", "other-port", "control-character"],
)
def test_an_unusable_or_foreign_next_link_is_an_error(hostile: HostileServer, link: str, reason: str) -> None:
    link = link.replace("{port}", hostile.url.rsplit(":", 1)[1])
    with pytest.raises(CollectError, match=reason):
        listing(hostile, link)
    assert hostile.hits("/api/v4/items") == 1


# --- TLS -----------------------------------------------------------------------------------------------------------


def test_a_server_that_never_completes_the_tls_handshake_is_unavailable() -> None:
    with SilentServer() as silent:
        start = time.monotonic()
        records = run(PrometheusCollector, f"https://127.0.0.1:{silent.port}", timeout_s=1, request_deadline_s=2)
        took = time.monotonic() - start
        assert silent.accepted, "the connection was made; only the handshake never ended"
    all_failed(records, EvidenceStatus.unavailable, "no answer within 1 s")
    assert took < 20


# --- values of an unexpected type ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [(2, 2), ("3", 3), ("\u00b2", 0), ("many", 0), ([1], 0), ({"n": 1}, 0), (None, 0), ("9" * 5_000, 0)],
)
def test_a_github_approval_count_of_any_type_is_read(count: Any, expected: int) -> None:
    """`parameters` is free-form in the API: a ruleset answer may hold anything where the count should be."""
    rule = BranchRule.model_validate({"type": "pull_request", "parameters": {"required_approving_review_count": count}})
    assert ruleset_approvals([rule]) == expected


# --- recorded answers of the newer collectors, poisoned on the way ----------------------------------------------------

FIXTURES = Path(__file__).parent / "collectors" / "fixtures"
RECORDED: dict[str, tuple[type[Collector], str, dict[str, Any]]] = {
    "kubernetes": (KubernetesCollector, "/acme", {}),
    "airflow": (
        AirflowCollector,
        "/af3",
        {"page_size": 5},
    ),  # Airflow 3: every probe readable (v1 keeps no DAG versions)
    "kubeflow": (KubeflowCollector, "/kfp", {"namespace": "team-a", "page_size": 4}),
    "modelarts": (ModelArtsCollector, "/acme", {"project_id": "0b7c9f2e4d5a4c3e8f1a2b3c4d5e6f70", "page_size": 5}),
}


def _poison(value: Any, how: str, depth: int = 0) -> Any:
    """Every leaf of a recorded answer turned into what a careless or hostile server may send instead."""
    if isinstance(value, dict):
        return {k: _poison(v, how, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if how == "wrong-types" and depth > 1:
            return {"0": value}
        return [_poison(v, how, depth + 1) for v in value]
    if how == "nulls":
        return None
    if how == "strings-for-numbers" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if how == "wrong-types":
        return [value] if isinstance(value, str) else {"v": value}
    if how == "huge-numbers" and isinstance(value, int | float) and not isinstance(value, bool):
        return 10**400
    return value


def _encode(data: Any, how: str) -> bytes:
    return (_twice(data) if how == "duplicate-keys" else json.dumps(data)).encode()


def _twice(value: Any) -> str:
    """JSON whose objects give every key twice: the recorded value, then a list of a list (a parser keeps the last)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_twice(v)}, {json.dumps(k)}: [[]]" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_twice(v) for v in value) + "]"
    return json.dumps(value)


POISONS = ["as-recorded", "nulls", "strings-for-numbers", "wrong-types", "huge-numbers", "duplicate-keys"]


@pytest.mark.parametrize("how", POISONS)
@pytest.mark.parametrize("kind", list(RECORDED))
def test_recorded_answers_poisoned_in_every_field_give_records_never_a_failure(
    hostile: HostileServer, kind: str, how: str
) -> None:
    """The collector's own recorded answers, relayed with every field null, every number as text, lists and strings
    in the wrong type, every number beyond a float, or duplicate keys: each probe is a value or unavailable/error with
    a reason, never a collector failure."""
    collector, prefix, fields = RECORDED[kind]
    with (
        RecordedHttpServer.from_manifest(FIXTURES / kind / "routes.yaml") as recorded,
        httpx.Client(base_url=recorded.base_url, timeout=5) as client,
    ):

        def relay(h: HostileHandler) -> None:
            headers = {"Authorization": h.headers.get("Authorization", ""), "Content-Type": "application/json"}
            answer_ = client.request(h.command, h.path, headers=headers, content=getattr(h, "body", None))
            try:
                data = answer_.json()
            except ValueError:
                h.send(answer_.status_code, answer_.content)
                return
            h.send(answer_.status_code, _encode(_poison(data, how), how))

        hostile.routes["/"] = relay
        start = time.monotonic()
        records = run(collector, hostile.url + prefix, **fields)
    assert time.monotonic() - start < 20
    no_collector_failure(records)
    if how == "as-recorded":  # the relay itself changes nothing
        assert all(r.status is EvidenceStatus.ok for r in records.values()), {r.reason for r in records.values()}
    for probe, record in records.items():
        if record.status is not EvidenceStatus.ok:
            assert record.reason, probe
