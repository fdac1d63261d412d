"""Fixtures for the workshop tests: a store on a scratch SQLite file and blank assessments of both parts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.workshop import throttle
from assessors.assessment import Assessment
from assessors.sqlite_store import SqliteStore
from capability_model.loader import LoadedFramework


def blank(loaded: LoadedFramework, **header: object) -> Assessment:
    fields: dict[str, object] = {
        "organisation": "示例银行",
        "scope": "推荐系统",
        "assessor": "Li Wei",
        "participants": ["Zhang", "Wang"],
        "started": dt.date(2026, 11, 2),
        "framework": loaded.ref,
        "target_level": 3,
    }
    return Assessment.model_validate({**fields, **header})


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "workshop.sqlite")


@pytest.fixture
def parts(part1: LoadedFramework, part2: LoadedFramework) -> list[Assessment]:
    return [blank(part1), blank(part2)]


@pytest.fixture(autouse=True)
def _no_server_replaces_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workshop command ends by replacing its process with the server; run in-process by a test that expected a
    refusal, that would replace pytest. Fail that test instead (the browser test starts the command as its own
    process)."""

    def refuse(*args: object) -> None:
        raise AssertionError("the workshop command went on to start the server")

    monkeypatch.setattr("os.execve", refuse)


@pytest.fixture(autouse=True)
def _fresh_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's throttle lives as long as its process, which for AppTest is pytest's: each test gets a new one."""
    monkeypatch.setattr(throttle, "SERVER", throttle.Throttle())
