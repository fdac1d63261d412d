"""The Airflow collector against a hostile webserver on 127.0.0.1: the v2/v1 detection led astray by a redirect or a
login page, `total_entries` that lies, an `offset` the server ignores, DAG and run ids holding slashes, dots and
percent signs (each must stay one path segment), and run times without a time zone. Every fault ends as
unavailable/error for the probes read from it, never as a collector failure nor as counts inflated by pages read
twice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from evidence_collectors.airflow import AirflowCollector
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.support.hostile import Counter, HostileHandler, HostileServer, redirect
from tests.support.hostile import collect_target as run

P = "airflow."
Records = dict[str, EvidenceRecord]
NOW = dt.datetime.now(dt.UTC)


def when(days_ago: float, naive: bool = False) -> str:
    moment = NOW - dt.timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ("" if naive else "+00:00")


def dag(dag_id: str) -> dict[str, Any]:
    return {
        "dag_id": dag_id,
        "description": "d",
        "is_paused": False,
        "is_active": True,
        "tags": [],
        "schedule_interval": {"__type": "CronExpression", "value": "0 3 * * *"},
    }


def dag_run(run_id: str, days_ago: float, naive: bool = False) -> dict[str, Any]:
    return {
        "dag_run_id": run_id,
        "state": "success",
        "run_type": "scheduled",
        "start_date": when(days_ago, naive),
        "end_date": when(days_ago - 0.01, naive),
    }


def query(h: HostileHandler) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(h.path).query).items()}


def airflow(
    server: HostileServer,
    dags: list[dict[str, Any]],
    *,
    prefix: str = "/api/v1",
    runs: Callable[[str], list[dict[str, Any]]] = lambda d: [],
    dag_page: Callable[[HostileHandler, list[dict[str, Any]]], dict[str, Any]] | None = None,
) -> None:
    """An Airflow API at `prefix` (v2 is not served unless `prefix` is /api/v2): the DAG list paged honestly unless
    `dag_page` says otherwise, each DAG with two tasks and `runs(dag_id)`."""

    def version(h: HostileHandler) -> None:
        h.send(200, json.dumps({"version": "2.9.3"}).encode())

    def listing(h: HostileHandler) -> None:
        if dag_page is not None:
            h.send(200, json.dumps(dag_page(h, dags)).encode())
            return
        q = query(h)
        offset, limit = int(q.get("offset", 0)), int(q.get("limit", 100))
        h.send(200, json.dumps({"dags": dags[offset : offset + limit], "total_entries": len(dags)}).encode())

    def per_dag(h: HostileHandler) -> None:
        rest = urlsplit(h.path).path.removeprefix(f"{prefix}/dags/")
        parts = rest.split("/")
        dag_id = unquote(parts[0])
        if parts[1:] == ["tasks"]:
            tasks = [{"task_id": "train", "retries": 1}, {"task_id": "evaluate", "retries": 0}]
            h.send(200, json.dumps({"tasks": tasks, "total_entries": 2}).encode())
        elif parts[1:] == ["dagRuns"]:
            found = runs(dag_id)
            h.send(200, json.dumps({"dag_runs": found, "total_entries": len(found)}).encode())
        elif len(parts) == 4 and parts[1] == "dagRuns" and parts[3] == "taskInstances":
            instances = [{"task_id": "train", "try_number": 2}]
            h.send(200, json.dumps({"task_instances": instances, "total_entries": 1}).encode())
        else:
            h.send(404, json.dumps({"title": "not found", "path": h.path}).encode())

    server.routes.update({f"{prefix}/version": version, f"{prefix}/dags": listing, f"{prefix}/dags/": per_dag})


def assert_no_collector_failure(records: Records) -> None:
    for probe, record in records.items():
        assert not record.reason.startswith("collector failed"), (probe, record.reason)


# --- v1 / v2 detection -----------------------------------------------------------------------------------------------


def test_a_v2_version_redirected_to_v1_reads_v1(home: HostileServer) -> None:
    """An Airflow 2 behind a proxy that sends /api/v2/* to /api/v1/*: the answer came from v1, so v1 is read."""
    airflow(home, [dag("train_model")])
    home.routes["/api/v2/"] = redirect(lambda h: h.path.replace("/api/v2/", "/api/v1/"))
    records = run(AirflowCollector, home.url)
    assert records[P + "version"].value == "2.9.3 (REST API v1)", records[P + "version"].reason
    assert records[P + "pipelines"].value == 1
    assert home.hits("/api/v2/dags") == 0


@pytest.mark.parametrize("page", ["login-html", "json-list", "empty-object-elsewhere"])
def test_a_v2_version_answered_by_something_else_falls_back_to_v1(home: HostileServer, page: str) -> None:
    """A login page (HTML, after a redirect), a JSON list, or an object from a page outside the API: not Airflow 3."""
    airflow(home, [dag("train_model")])
    if page == "login-html":
        home.routes["/api/v2/"] = redirect("/login/?next=/api/v2/version")
        home.routes["/login/"] = lambda h: h.send(200, b"<html><form>Sign in</form></html>", content_type="text/html")
    elif page == "json-list":
        home.routes["/api/v2/"] = lambda h: h.send(200, b"[]")
    else:
        home.routes["/api/v2/"] = redirect("/home")
        home.routes["/home"] = lambda h: h.send(200, b"{}")
    records = run(AirflowCollector, home.url)
    assert_no_collector_failure(records)
    assert records[P + "version"].value == "2.9.3 (REST API v1)", records[P + "version"].reason
    assert records[P + "pipelines"].status is EvidenceStatus.ok


@pytest.mark.parametrize("status", [401, 503])
def test_a_v2_version_refused_or_failing_is_not_taken_for_airflow_2(home: HostileServer, status: int) -> None:
    airflow(home, [dag("train_model")])
    home.routes["/api/v2/"] = lambda h: h.send(status, b'{"detail": "no"}')
    records = run(AirflowCollector, home.url)
    expected = EvidenceStatus.error if status == 401 else EvidenceStatus.unavailable
    for record in records.values():
        assert record.status is expected and f"HTTP {status}" in record.reason, record.reason
    assert home.hits("/api/v1/") == 0


# --- paging ----------------------------------------------------------------------------------------------------------


def test_an_offset_ignored_with_a_changing_total_stops_and_counts_each_dag_once(home: HostileServer) -> None:
    """The server ignores `offset` and sends the first page again, each time with another `total_entries` (so no two
    answers are byte-identical): reading stops at the repeat and no DAG is counted twice."""
    calls = Counter()
    airflow(
        home,
        [dag(f"dag_{i}") for i in range(3)],
        dag_page=lambda h, dags: {"dags": dags[:3], "total_entries": 1_000_000 + calls.next()},
    )
    records = run(AirflowCollector, home.url, page_size=3)
    pipelines = records[P + "pipelines"]
    assert pipelines.status is EvidenceStatus.ok and pipelines.value == 3, pipelines.summary
    assert "again" in pipelines.summary, pipelines.summary
    assert calls.value == 2


@pytest.mark.parametrize("total", [10**30, -5, "7", True, None, 1.5])
def test_a_total_entries_that_lies_or_is_no_count_ends_at_the_last_page(home: HostileServer, total: Any) -> None:
    """The server pages honestly but states a total of any kind: reading ends at the first short page."""
    dags = [dag(f"dag_{i}") for i in range(7)]

    def page(h: HostileHandler, all_dags: list[dict[str, Any]]) -> dict[str, Any]:
        q = query(h)
        offset, limit = int(q["offset"]), int(q["limit"])
        return {"dags": all_dags[offset : offset + limit], "total_entries": total}

    airflow(home, dags, dag_page=page)
    records = run(AirflowCollector, home.url, page_size=3)
    assert records[P + "pipelines"].value == 7, records[P + "pipelines"].summary
    assert home.hits("/api/v1/dags?") <= 4


def test_a_total_entries_of_zero_with_full_pages_reads_what_is_sent(home: HostileServer) -> None:
    """A total of 0 beside a full page is a lie the items disprove: the pages are read until a short one."""
    dags = [dag(f"dag_{i}") for i in range(7)]

    def page(h: HostileHandler, all_dags: list[dict[str, Any]]) -> dict[str, Any]:
        q = query(h)
        offset, limit = int(q["offset"]), int(q["limit"])
        return {"dags": all_dags[offset : offset + limit], "total_entries": 0}

    airflow(home, dags, dag_page=page)
    records = run(AirflowCollector, home.url, page_size=3)
    assert records[P + "pipelines"].value == 7, records[P + "pipelines"].summary


# --- ids in paths ----------------------------------------------------------------------------------------------------

ODD_IDS = ["a/b", "..", ".", "%2e%2e", "50%", "x?y#z", "../../version"]


def test_dag_and_run_ids_with_slashes_dots_and_percent_signs_stay_one_path_segment(home: HostileServer) -> None:
    """Every id is sent as one segment (a slash or a dot segment never climbs the path), and the task instances of
    a run whose DAG id holds a slash are asked of that DAG, not of the part before the slash."""
    airflow(home, [dag(i) for i in ODD_IDS], runs=lambda d: [dag_run(f"run/{d}/..", 1)])
    records = run(AirflowCollector, home.url)
    assert_no_collector_failure(records)
    bad = {p: r.reason for p, r in records.items() if r.status is not EvidenceStatus.ok}
    assert bad.pop(P + "pipeline_versions_from_commit_ratio", "").startswith("DAG versions: Airflow 2"), "v1 only"
    assert not bad, bad
    assert records[P + "pipelines"].value == len(ODD_IDS)
    assert records[P + "runs"].value == len(ODD_IDS)
    assert records[P + "task_retries_in_runs"].value == len(ODD_IDS)
    for seen in home.seen:
        path = urlsplit(seen.target).path
        assert "/../" not in path and not path.endswith("/..") and "/./" not in path, path
        if path.startswith("/api/v1/dags/"):
            assert path.split("/")[5:6] in ([], ["tasks"], ["dagRuns"]), path


# --- times -----------------------------------------------------------------------------------------------------------


def test_run_times_without_a_time_zone_are_read_as_utc(home: HostileServer) -> None:
    """Airflow sends ISO 8601 times with an offset; a time without one (naive) must not break the window arithmetic
    (comparing naive and aware times raises in Python)."""
    airflow(home, [dag("train_model")], runs=lambda d: [dag_run("r1", 1, naive=True), dag_run("r2", 2)])
    records = run(AirflowCollector, home.url)
    assert_no_collector_failure(records)
    assert records[P + "runs"].status is EvidenceStatus.ok, records[P + "runs"].reason
    assert records[P + "runs"].value == 2
    assert records[P + "run_duration_median_minutes"].status is EvidenceStatus.ok


@pytest.mark.parametrize(
    "cron",
    [
        "*/" + "9" * 400 + " * * * *",
        "*/" + "9" * 5000 + " * * * *",
        "0 */" + "9" * 400 + " * * *",
        "0 3 " + "9" * 5000 + " * *",
        "0 3 * * " + "1-" * 2000 + "1",
    ],
    ids=["400-digit-step", "5000-digit-step", "400-digit-hour-step", "5000-digit-day", "long-weekday-range"],
)
def test_a_cron_expression_with_absurd_numbers_is_a_schedule_of_unknown_period(home: HostileServer, cron: str) -> None:
    one = dag("train_model")
    one["schedule_interval"] = {"__type": "CronExpression", "value": cron}
    airflow(home, [one])
    records = run(AirflowCollector, home.url)
    assert_no_collector_failure(records)
    assert records[P + "pipelines_scheduled_ratio"].value == 1.0
    assert records[P + "scheduled_pipelines_on_time_ratio"].status is EvidenceStatus.ok


@pytest.mark.parametrize(
    "interval",
    [{"days": 10**400}, {"days": 1e308, "seconds": 1e308}, {"days": "7"}, {"days": None, "seconds": [1]}],
    ids=["10**400-days", "huge-float", "text", "wrong-types"],
)
def test_a_timedelta_schedule_of_any_size_or_type_is_read(home: HostileServer, interval: dict[str, Any]) -> None:
    one = dag("train_model")
    one["schedule_interval"] = {"__type": "TimeDelta", **interval}
    airflow(home, [one])
    records = run(AirflowCollector, home.url)
    assert_no_collector_failure(records)
    assert records[P + "pipelines_scheduled_ratio"].value == 1.0


@pytest.mark.parametrize("summary", ["9" * 5000 + " days, 1:00:00", "\u00b2 days, 1:00:00", "1 day, 99999999999:00:00"])
def test_a_v2_timetable_summary_with_absurd_numbers_is_read(home: HostileServer, summary: str) -> None:
    one = dag("train_model")
    one["schedule_interval"] = None
    one["timetable_summary"] = summary
    airflow(home, [one], prefix="/api/v2")
    records = run(AirflowCollector, home.url)
    assert_no_collector_failure(records)
    assert records[P + "version"].value == "2.9.3 (REST API v2)"
    assert records[P + "pipelines_scheduled_ratio"].value == 1.0
