"""The parts of ZenTao REST API v1 answers the probes read.

ZenTao answers loosely: numbers may come as strings ("3"), users as an account name, a comma list or objects
({"account": ...}), dates as ISO 8601, "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD" or the zero date "0000-00-00", flags as
"0"/"1". The field types below accept each of these forms and normalise them, so that the figures see one shape.
Naive times are taken as UTC (a server's local offset does not matter at the day scale of the probes).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from evidence_collectors.coerce import scalar_text, utc_moment

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_INT = re.compile(r"-?\d{1,18}")
_FLOAT = re.compile(r"-?\d{1,18}(?:\.\d{1,12})?")


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, dict) and "id" in value:  # a linked object ({"id": 3, "title": ...})
        return to_int(value["id"])
    return 0


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value) if value == value and abs(value) != float("inf") else 0.0
    if isinstance(value, str) and _FLOAT.fullmatch(value.strip()):
        return float(value.strip())
    return 0.0


_to_text = scalar_text


def _to_flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value) if isinstance(value, bool | int) else False


def _account(value: Any) -> str:
    if isinstance(value, dict):
        return _to_text(value.get("account")).strip()
    return _to_text(value).strip()


def _to_users(value: Any) -> list[str]:
    """Accounts named by a user field: "", "admin", "a,b", {"account": ...} or a list of those."""
    items = value if isinstance(value, list) else [value]
    accounts: list[str] = []
    for item in items:
        text = _account(item)
        accounts += [a.strip() for a in text.split(",") if a.strip()]
    return accounts


def _to_ids(value: Any) -> list[int]:
    """Linked ids: 0, "", "3", "3,5", ",3,", [3, 5] or [{"id": 3}]; zero ids mean "none"."""
    if isinstance(value, list):
        items = value
    elif isinstance(value, bool | int | float):
        items = [value]
    else:
        items = _to_text(value).split(",")
    ids = [to_int(item) for item in items]
    return [i for i in ids if i > 0]


def _to_time(value: Any) -> dt.datetime | None:
    """A moment in UTC; None for empty values, ZenTao's zero date and anything unreadable."""
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    if match.group(1) == "0000":
        return None
    return utc_moment(*match.groups())


def _to_steps(value: Any) -> Any:
    """Steps as a list; some versions key them by step id ({"1": {...}})."""
    if isinstance(value, dict):
        return list(value.values())
    return value


Int = Annotated[int, BeforeValidator(to_int)]
Float = Annotated[float, BeforeValidator(_to_float)]
Text = Annotated[str, BeforeValidator(_to_text)]
Flag = Annotated[bool, BeforeValidator(_to_flag)]
Users = Annotated[list[str], BeforeValidator(_to_users)]
Ids = Annotated[list[int], BeforeValidator(_to_ids)]
Time = Annotated[dt.datetime | None, BeforeValidator(_to_time)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Token(_Model):
    """POST /api.php/v1/tokens."""

    token: Annotated[str, Field(min_length=1)]


class Product(_Model):
    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    name: Text = ""
    deleted: Flag = False


class Story(_Model):
    """A story (需求) of GET /products/{id}/stories, /executions/{id}/stories or /stories/{id}.

    `verify` and `spec` are None when the answer does not carry the field at all (list answers of some versions leave
    out the description and acceptance criteria; the single-story answer has them). Other fields are kept as sent
    (`model_extra`): fields added to the story form through the workflow editor come under their own codes."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    title: Text = ""
    product: Int = 0
    type: Text = "story"  # story | requirement
    spec: Annotated[str | None, BeforeValidator(lambda v: None if v is None else _to_text(v))] = None
    verify: Annotated[str | None, BeforeValidator(lambda v: None if v is None else _to_text(v))] = None
    pri: Int = 0
    estimate: Float = 0.0
    status: Text = ""  # draft | reviewing | active | changing | closed
    stage: Text = ""  # wait | planned | projected | developing | ... | released | closed
    version: Int = 1
    plan: Ids = Field(default_factory=list)
    reviewed_by: Users = Field(default_factory=list, alias="reviewedBy")
    reviewed_date: Time = Field(default=None, alias="reviewedDate")
    changed_date: Time = Field(default=None, alias="changedDate")  # the last change of the story's content
    last_edited_date: Time = Field(default=None, alias="lastEditedDate")
    opened_date: Time = Field(default=None, alias="openedDate")
    assigned_to: Users = Field(default_factory=list, alias="assignedTo")
    closed_by: Users = Field(default_factory=list, alias="closedBy")
    closed_reason: Text = Field(default="", alias="closedReason")
    deleted: Flag = False


class Task(_Model):
    """A task (任务) of GET /executions/{id}/tasks: the story it serves and the hours consumed (消耗工时), which ZenTao
    adds up from the task's effort log (任务日志)."""

    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    execution: Int = 0
    story: Int = 0
    consumed: Float = 0.0
    status: Text = ""  # wait | doing | done | pause | cancel | closed
    deleted: Flag = False


class Step(_Model):
    desc: Text = ""
    expect: Text = ""


class TestCase(_Model):
    """A test case of GET /products/{id}/testcases or /testcases/{id}; `steps` and `precondition` (前置条件, rich
    text) are None when the answer omits them."""

    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    title: Text = ""
    product: Int = 0
    story: Int = 0
    steps: Annotated[list[Step] | None, BeforeValidator(_to_steps)] = None
    precondition: Annotated[str | None, BeforeValidator(lambda v: None if v is None else _to_text(v))] = None
    last_run_result: Text = Field(default="", alias="lastRunResult")
    deleted: Flag = False


def _to_builds(value: Any) -> list[str]:
    """The builds a bug affects (openedBuild): "trunk", "3", "3,5", [3, 5] or [{"id": 3, ...}]; empty when none."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        found = item.get("id") if isinstance(item, dict) else item
        text = "" if isinstance(found, bool) else _to_text(found)  # a flag names no build
        names += [n.strip() for n in text.split(",") if n.strip() and n.strip() != "0"]
    return names


class Bug(_Model):
    """A bug of GET /products/{id}/bugs: severity 1-4 (0 when not graded), the builds it affects (openedBuild, a build
    id or "trunk", ZenTao's 主干 placeholder when no build was chosen), who it is assigned to ("closed" once it is
    closed) and who resolved and closed it."""

    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    title: Text = ""
    product: Int = 0
    story: Int = 0
    case: Int = 0
    severity: Int = 0
    opened_build: Annotated[list[str], BeforeValidator(_to_builds)] = Field(default_factory=list, alias="openedBuild")
    status: Text = ""  # active | resolved | closed
    assigned_to: Users = Field(default_factory=list, alias="assignedTo")
    resolved_by: Users = Field(default_factory=list, alias="resolvedBy")
    closed_by: Users = Field(default_factory=list, alias="closedBy")
    opened_date: Time = Field(default=None, alias="openedDate")
    deleted: Flag = False


class Project(_Model):
    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    name: Text = ""
    status: Text = ""  # wait | doing | suspended | closed
    deleted: Flag = False


class Execution(_Model):
    """An execution (迭代/冲刺/阶段) of GET /projects/{id}/executions."""

    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    name: Text = ""
    project: Int = 0
    status: Text = ""  # wait | doing | suspended | closed
    begin: Time = None
    end: Time = None
    real_end: Time = Field(default=None, alias="realEnd")
    closed_date: Time = Field(default=None, alias="closedDate")
    deleted: Flag = False


class ProductPlan(_Model):
    """A product plan (产品计划) of GET /products/{id}/plans."""

    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    title: Text = ""
    product: Int = 0
    status: Text = ""  # wait | doing | done | closed (versions before 18 have no status)
    begin: Time = None
    end: Time = None
    finished_date: Time = Field(default=None, alias="finishedDate")
    closed_date: Time = Field(default=None, alias="closedDate")
    deleted: Flag = False


class Risk(_Model):
    """A risk (风险) of GET /projects/{id}/risks, where the server has the risk module."""

    id: Annotated[int, BeforeValidator(to_int), Field(ge=1)]
    name: Text = ""
    project: Int = 0
    status: Text = ""  # active | hangup | closed | canceled
    assigned_to: Users = Field(default_factory=list, alias="assignedTo")
    prevention: Text = ""  # 防范措施
    remedy: Text = ""  # 应急措施
    probability: Int = 0
    impact: Int = 0
    category: Text = ""  # 风险类别
    rate: Int = 0  # 风险系数: probability x impact, the rating ZenTao ranks risks by
    created_date: Time = Field(default=None, alias="createdDate")
    edited_date: Time = Field(default=None, alias="editedDate")
    tracked_date: Time = Field(default=None, alias="trackedDate")
    deleted: Flag = False
