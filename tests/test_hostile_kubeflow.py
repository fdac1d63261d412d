"""The Kubeflow Pipelines collector against a hostile KFP API on 127.0.0.1: a next_page_token repeated, new on every
page for the same items, or of a megabyte; ids holding slashes and dot segments; times without a time zone; counts
and retry policies in digits `int` refuses. Listings end in bounded time without counting an item twice, and no fault
becomes a collector failure."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from evidence_collectors.kubeflow import KubeflowCollector
from evidence_collectors.records import EvidenceRecord, EvidenceStatus
from tests.support.hostile import Counter, HostileHandler, HostileServer, answer
from tests.support.hostile import collect_target as run

API = "/apis/v2beta1"
P = "kubeflow."
Records = dict[str, EvidenceRecord]
NOW = dt.datetime.now(dt.UTC)


def when(days_ago: float, naive: bool = False) -> str:
    return (NOW - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S") + ("" if naive else "Z")


def kfp_run(run_id: str, pipeline_id: str, days_ago: float, naive: bool = False) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "state": "SUCCEEDED",
        "created_at": when(days_ago, naive),
        "finished_at": when(days_ago - 0.01, naive),
        "pipeline_version_reference": {"pipeline_id": pipeline_id},
    }


def spec(retries: Any) -> dict[str, Any]:
    tasks = {"train": {"retryPolicy": {"maxRetryCount": retries}}, "evaluate": {}, "load": {}}
    return {"root": {"dag": {"tasks": tasks}}}


def kfp(
    server: HostileServer,
    pipelines: list[dict[str, Any]],
    *,
    runs: Callable[[HostileHandler], dict[str, Any]] | None = None,
    recurring: list[dict[str, Any]] | None = None,
    version_spec: dict[str, Any] | None = None,
) -> None:
    """A KFP API listing `pipelines` (one page), each with one version, `runs` answered by the callable."""
    server.routes.update(
        {
            f"{API}/pipelines": answer({"pipelines": pipelines, "total_size": len(pipelines)}),
            f"{API}/pipelines/": lambda h: h.send(
                200,
                json.dumps(
                    {"pipeline_versions": [{"pipeline_version_id": "v1", "pipeline_spec": version_spec or spec(2)}]}
                ).encode(),
            ),
            f"{API}/runs": (lambda h: h.send(200, json.dumps(runs(h)).encode())) if runs else answer({}),
            f"{API}/recurringruns": answer({"recurringRuns": recurring or []}),
            f"{API}/experiments": answer({"experiments": [{"experiment_id": "e1", "display_name": "main"}]}),
        }
    )


def no_collector_failure(records: Records) -> None:
    for probe, record in records.items():
        assert not record.reason.startswith("collector failed"), (probe, record.reason)


def token_of(h: HostileHandler) -> str:
    return parse_qs(urlsplit(h.path).query).get("page_token", [""])[0]


@pytest.mark.parametrize(
    "next_token",
    [lambda n: "same", lambda n: f"token-{n}", lambda n: "t" * 1_000_000 + str(n)],
    ids=["repeated", "new-every-page", "one-megabyte"],
)
def test_a_run_listing_that_never_ends_stops_and_counts_each_run_once(
    home: HostileServer, next_token: Callable[[int], str]
) -> None:
    """Every page holds the same two runs and names a next page: reading stops (a token given again, a page of runs
    already read, a token too long to send back) and each run is counted once."""
    pages = Counter()

    def runs(h: HostileHandler) -> dict[str, Any]:
        n = pages.next()
        two = [kfp_run("r1", "p1", 1), kfp_run("r2", "p1", 2)]
        return {"runs": two, "next_page_token": next_token(n)}

    kfp(home, [{"pipeline_id": "p1", "display_name": "train"}], runs=runs)
    start = time.monotonic()
    records = run(KubeflowCollector, home.url, max_items=1000, page_size=2)
    assert time.monotonic() - start < 15
    no_collector_failure(records)
    count = records[P + "runs"]
    assert count.status is EvidenceStatus.ok and count.value == 2, count.summary
    assert "stopped after" in count.summary, count.summary
    assert pages.value <= 2
    assert all(len(s.target) < 100_000 for s in home.seen), "a megabyte token is not sent back"


def test_a_token_naming_the_same_page_again_after_another_stops(home: HostileServer) -> None:
    """A, B, A: page A is not read a second time."""
    order = {"": "A", "A": "B", "B": "A"}

    def runs(h: HostileHandler) -> dict[str, Any]:
        token = token_of(h)
        return {"runs": [kfp_run(f"r-{token or 'first'}", "p1", 1)], "next_page_token": order[token]}

    kfp(home, [{"pipeline_id": "p1"}], runs=runs)
    records = run(KubeflowCollector, home.url)
    assert records[P + "runs"].value == 3
    assert "gave a page token again" in records[P + "runs"].summary
    assert home.hits(f"{API}/runs") == 3


@pytest.mark.parametrize("token", [7, ["a"], {"t": 1}, True])
def test_a_page_token_that_is_not_text_is_an_error_for_its_probes(home: HostileServer, token: Any) -> None:
    kfp(home, [{"pipeline_id": "p1"}], runs=lambda h: {"runs": [kfp_run("r1", "p1", 1)], "next_page_token": token})
    records = run(KubeflowCollector, home.url)
    no_collector_failure(records)
    assert records[P + "runs"].status is EvidenceStatus.error
    assert "next_page_token is not text" in records[P + "runs"].reason
    assert records[P + "pipelines"].status is EvidenceStatus.ok


def test_pipeline_ids_with_slashes_and_dot_segments_stay_one_path_segment(home: HostileServer) -> None:
    ids = ["..", ".", "a/b", "../../runs", "x?y#z", "50%"]
    kfp(home, [{"pipeline_id": i, "display_name": f"p{n}"} for n, i in enumerate(ids)])
    records = run(KubeflowCollector, home.url)
    no_collector_failure(records)
    versioned = records[P + "pipelines_multi_stage_ratio"]
    assert versioned.status is EvidenceStatus.ok, versioned.reason
    assert versioned.value == 1.0, versioned.summary
    for seen in home.seen:
        path = urlsplit(seen.target).path
        assert "/../" not in path and "/./" not in path and not path.endswith("/.."), path
    assert home.hits(f"{API}/pipelines/") == len(ids)


def test_run_and_version_times_without_a_time_zone_are_read_as_utc(home: HostileServer) -> None:
    def runs(h: HostileHandler) -> dict[str, Any]:
        return {"runs": [kfp_run("r1", "p1", 1, naive=True), kfp_run("r2", "p1", 2)]}

    kfp(home, [{"pipeline_id": "p1", "created_at": when(5, naive=True)}], runs=runs)
    records = run(KubeflowCollector, home.url)
    no_collector_failure(records)
    assert records[P + "runs"].status is EvidenceStatus.ok and records[P + "runs"].value == 2


@pytest.mark.parametrize("digits", ["\u00b2", "9" * 5000, "-3", " 12 ", "1e3"])
def test_counts_in_digits_int_refuses_are_no_count(home: HostileServer, digits: str) -> None:
    """`interval_second` and `maxRetryCount` are int64 sent as text: '²' passes `str.isdigit` and fails `int`,
    5,000 digits exceed what `int` converts."""
    job = {
        "recurring_run_id": "j1",
        "status": "ENABLED",
        "pipeline_version_reference": {"pipeline_id": "p1"},
        "trigger": {"periodic_schedule": {"interval_second": digits}},
    }
    kfp(home, [{"pipeline_id": "p1"}], recurring=[job], version_spec=spec(digits))
    records = run(KubeflowCollector, home.url)
    no_collector_failure(records)
    assert all(r.status is EvidenceStatus.ok for r in records.values()), {r.reason for r in records.values()}
    assert records[P + "pipelines_scheduled_ratio"].value == 1.0
    assert records[P + "tasks_with_retries_ratio"].value == 0.0


def test_a_listing_with_null_items_is_empty(home: HostileServer) -> None:
    kfp(home, [{"pipeline_id": "p1"}], runs=lambda h: {"runs": None, "next_page_token": None})
    home.routes[f"{API}/experiments"] = answer({"experiments": None})
    records = run(KubeflowCollector, home.url)
    assert records[P + "runs"].status is EvidenceStatus.ok and records[P + "runs"].value == 0
    assert records[P + "experiments"].value == 0


def test_a_spec_of_fifty_thousand_tasks_and_megabyte_names_is_read_in_seconds(home: HostileServer) -> None:
    """Stage recognition once took time in the product of names, words and stems, recomputed for every figure: a
    5 MB spec held a collection for over a minute (a 2.5 MB one, half a minute)."""
    tasks: dict[str, Any] = {f"task_{i}_step": {} for i in range(50_000)}
    tasks["train_" + "x" * 1_000_000] = {}
    tasks["a_" * 500_000 + "evaluate"] = {}
    kfp(home, [{"pipeline_id": "p1"}], version_spec={"root": {"dag": {"tasks": tasks}}})
    start = time.monotonic()
    records = run(KubeflowCollector, home.url)
    assert time.monotonic() - start < 10
    assert records[P + "pipelines_with_training_and_evaluation_ratio"].value == 1.0
    assert records[P + "pipeline_stages"].value == ["train", "evaluate"]
