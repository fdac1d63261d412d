"""The parts of Jenkins remote-access API (JSON, `tree` filtered) responses the probes read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


def from_ms(ms: int) -> dt.datetime:
    """A Jenkins timestamp as a UTC time; one beyond the years a datetime holds is taken as the nearest it can."""
    try:
        return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return (dt.datetime.max if ms > 0 else dt.datetime.min).replace(tzinfo=dt.UTC)


class BuildRef(_Model):
    number: int
    timestamp: int  # start, milliseconds since the epoch

    @property
    def started(self) -> dt.datetime:
        return from_ms(self.timestamp)


class ChildRef(_Model):
    name: str


class JobNode(_Model):
    """A job or a folder (folders, multibranch projects and organisation folders carry `jobs`)."""

    name: str
    full_name: str | None = Field(default=None, alias="fullName")
    color: str | None = None  # blue | red | yellow | aborted | notbuilt | disabled, "_anime" while building
    buildable: bool | None = None
    last_success: BuildRef | None = Field(default=None, alias="lastSuccessfulBuild")
    jobs: list[ChildRef] | None = None

    @property
    def is_folder(self) -> bool:
        return self.jobs is not None

    @property
    def enabled(self) -> bool:
        return self.buildable is not False and self.color != "disabled"


class JobList(_Model):
    jobs: list[JobNode] = Field(default_factory=list)


class Cause(_Model):
    kind: str = Field(default="", alias="_class")
    user_id: str | None = Field(default=None, alias="userId")  # on user causes; null for an anonymous user


class Revision(_Model):
    sha1: str = Field(default="", alias="SHA1")


class Action(_Model):
    causes: list[Cause] = Field(default_factory=list)
    last_built_revision: Revision | None = Field(default=None, alias="lastBuiltRevision")  # git plug-in BuildData
    # JUnit plug-in TestResultAction (or an aggregated one): the tests the build recorded; read leniently, so an odd
    # value costs only this figure, not the whole build history
    total_count: Any = Field(default=None, alias="totalCount")
    fail_count: Any = Field(default=None, alias="failCount")
    skip_count: Any = Field(default=None, alias="skipCount")

    @property
    def tests(self) -> int:
        value = self.total_count
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


class Build(_Model):
    number: int
    result: str | None = None  # SUCCESS | UNSTABLE | FAILURE | NOT_BUILT | ABORTED; None while building
    timestamp: int
    duration: int = 0
    building: bool = False
    actions: list[Action | None] = Field(default_factory=list)

    @property
    def started(self) -> dt.datetime:
        return from_ms(self.timestamp)

    @property
    def cause_classes(self) -> list[str]:
        return [c.kind for a in self.actions if a is not None for c in a.causes]

    @property
    def causes(self) -> list[Cause]:
        return [c for a in self.actions if a is not None for c in a.causes]

    @property
    def tests_recorded(self) -> int:
        """Test cases in the build's test result (JUnit plug-in), 0 when it recorded none."""
        return sum(a.tests for a in self.actions if a is not None)

    @property
    def revision(self) -> str:
        """The commit the build checked out (git plug-in), or "" when none is recorded."""
        return next((a.last_built_revision.sha1 for a in self.actions if a and a.last_built_revision), "")


class BuildList(_Model):
    builds: list[Build] = Field(default_factory=list, alias="allBuilds")
