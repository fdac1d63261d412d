"""Reading the Jenkins remote-access API: `tree`-filtered JSON, folders walked, build history read in ranges.

Jenkins has no page links: `allBuilds[...]{M,N}` returns builds M (inclusive) to N (exclusive), newest first, so the
history is read 100 builds at a time until a short page, a build older than the window, or the page cap.
Everything goes through `HttpSession` (basic auth with user name and API token). Only GET is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.jenkins.config import JenkinsConfig
from evidence_collectors.jenkins.models import Build, BuildList, JobList, JobNode
from evidence_collectors.rest import SessionApi, parse

JOB_FIELDS = "name,fullName,color,buildable,lastSuccessfulBuild[number,timestamp],jobs[name]"
JOB_TREE = f"jobs[{JOB_FIELDS}]"
BUILD_FIELDS = (
    "number,result,timestamp,duration,building,"
    "actions[causes[_class,userId],lastBuiltRevision[SHA1],totalCount,failCount,skipCount]"
)
PAGE = 100

M = TypeVar("M", bound=BaseModel)


@dataclass
class Jobs:
    """The jobs found (folders resolved), the responses they came from, and which guard cut the list, if one did."""

    items: list[JobNode] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    stopped: str = ""  # why the walk ended early, or "" when every folder was read

    @property
    def capped(self) -> bool:
        return bool(self.stopped)


@dataclass
class History:
    """One job's builds, newest first, as far back as needed for the window."""

    builds: list[Build] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    capped: bool = False


class JenkinsApi(SessionApi):
    def __init__(self, config: JenkinsConfig, ctx: CollectContext) -> None:
        self.config = config
        self.session = HttpSession(config, ctx.raw, ctx.redactor)  # masks user:token in every encoding too

    @staticmethod
    def job_path(full_name: str) -> str:
        """folder/job -> /job/folder/job/job (each name URL-encoded, as Jenkins expects)."""
        return "".join(f"/job/{quote(part, safe='')}" for part in full_name.split("/"))

    def _get(self, path: str, model: type[M], tree: str) -> tuple[M, str]:
        data, _, sha = self.session.get_json(f"{path}/api/json", {"tree": tree})
        return parse(model, data, self.url(f"{path}/api/json")), sha

    # --- jobs ---------------------------------------------------------------------------------------------

    def jobs(self) -> Jobs:
        """Every job under the configured names (or the whole server), folders walked breadth first.

        The walk is bounded: folders deeper than max_folder_depth are not opened, at most max_folders are listed, and a
        folder named twice (a server answering with its own folder again) is listed once.
        """
        found = Jobs()
        pending: list[tuple[str, int]] = []  # folders still to list, with their depth
        listed: set[str] = set()
        deep: list[str] = []
        if self.config.jobs:
            for name in self.config.jobs:
                try:
                    node, sha = self._get(self.job_path(name), JobNode, JOB_FIELDS)
                except CollectError as exc:
                    raise CollectError(f"job {name!r} named in the targets file: {exc}") from None
                found.raw.append(sha)
                node = node.model_copy(update={"full_name": node.full_name or name})
                if node.is_folder:
                    pending.append((name, 1))
                elif not self._add(found, node):
                    return found
        else:
            pending.append(("", 0))
        while pending:
            folder, depth = pending.pop(0)
            if folder in listed:
                continue
            if len(listed) >= self.config.max_folders:
                found.stopped = f"stopped at max_folders ({self.config.max_folders} folders listed)"
                return found
            listed.add(folder)
            listing, sha = self._get(self.job_path(folder) if folder else "", JobList, JOB_TREE)
            found.raw.append(sha)
            for node in listing.jobs:
                full = node.full_name or (f"{folder}/{node.name}" if folder else node.name)
                node = node.model_copy(update={"full_name": full})
                if node.is_folder:
                    if depth < self.config.max_folder_depth:
                        pending.append((full, depth + 1))
                    else:
                        deep.append(full)
                elif not self._add(found, node):
                    return found
        if deep:
            found.stopped = (
                f"stopped at max_folder_depth ({self.config.max_folder_depth}): {len(deep)} deeper folder(s) not read"
            )
        return found

    def _add(self, found: Jobs, node: JobNode) -> bool:
        if len(found.items) >= self.config.max_jobs:
            found.stopped = f"stopped at max_jobs ({self.config.max_jobs} jobs)"
            return False
        found.items.append(node)
        return True

    # --- builds -------------------------------------------------------------------------------------------

    def history(self, full_name: str, start: dt.datetime) -> History:
        """Builds newest first, 100 at a time, until one is older than `start`, a short page, or the page cap."""
        result = History()
        for page in range(self.config.max_pages):
            tree = f"allBuilds[{BUILD_FIELDS}]{{{page * PAGE},{(page + 1) * PAGE}}}"
            builds, sha = self._get(self.job_path(full_name), BuildList, tree)
            result.raw.append(sha)
            result.builds += builds.builds
            if len(builds.builds) < PAGE or any(b.started < start for b in builds.builds):
                return result
        result.capped = True
        return result
