"""Reading the ModelArts REST API: the IAM token, offset/limit listings, single items.

Everything goes through `HttpSession` (deadlines, size caps, budgets, retries, redirects, raw recording, redaction);
no Huawei Cloud SDK is loaded, so the collector starts fast, adds no dependency and keeps the project's limits and
redaction on every read. The token travels in the `X-Auth-Token` header. Signing in with a password is a POST to IAM
(`/v3/auth/tokens`, which only issues a token); the token comes back in the `X-Subject-Token` header and is
registered with the redactor before the answer is stored, so no raw response, record or message can hold it. The
only other POST is the training job search (`/training-job-searches`), read-only by design.

Listings answer `{"<total key>": N, "<items key>": [...]}` and take `offset` and `limit`. The API reference gives
`offset` two meanings: an item offset for workflows and their executions, a page index for models, services, events
and training jobs; each listing says which. A listing is read until its total is reached, a page comes back short or
empty, the server sends a page (or its items) again, `stop` says enough, or `max_items` is reached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.http.credentials import Credentials
from evidence_collectors.modelarts.config import ModelArtsConfig
from evidence_collectors.rest import DetailReads, Pages, SessionApi, parse
from evidence_collectors.secrets import MIN_SECRET, read_secret

TOKEN_HEADER = "X-Auth-Token"
SUBJECT_TOKEN = "X-Subject-Token"
TOKENS = "/v3/auth/tokens"
MAX_TOKEN = 32_768  # IAM tokens are long (several KB); a header value beyond this is not a token
HEADER_SAFE = re.compile(rf"[\x21-\x7e]{{{MIN_SECRET},{MAX_TOKEN}}}")
M = TypeVar("M", bound=BaseModel)
Paging = Literal["item", "page"]


class IamSession(HttpSession):
    """The session to the IAM endpoint: learns the token from every answer's X-Subject-Token header before the answer
    is stored, so that a body echoing it is stored masked."""

    def keep(self, response: httpx.Response) -> str:
        token = response.headers.get(SUBJECT_TOKEN)
        if token:
            if len(token) < MIN_SECRET:
                raise CollectError(
                    f"IAM issued a token shorter than {MIN_SECRET} characters: too short to be masked in the "
                    "evidence, so it is not used"
                )
            self.redactor.add(token)
        return super().keep(response)


class ModelArtsApi(DetailReads, SessionApi):
    def __init__(self, config: ModelArtsConfig, ctx: CollectContext) -> None:
        self.config = config
        self.ctx = ctx
        self.session = HttpSession(config, ctx.raw, ctx.redactor, auth_header=TOKEN_HEADER, auth_scheme="")
        self.details_left = config.max_detail_reads
        self.project = f"/{config.project_id}"

    # --- the token -------------------------------------------------------------------------------------------

    def sign_in(self) -> None:
        """With iam_user: ask IAM for a project-scoped token with the user's password and send it from then on."""
        config = self.config
        if not config.signs_in or config.iam_url is None:
            return
        password = read_secret(config.password_env, config.password_file)
        self.session.redactor.add(password)
        iam_config = config.model_copy(update={"url": config.iam_url, "token_env": None, "token_file": None})
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {"name": config.iam_user, "password": password, "domain": {"name": config.iam_domain}}
                    },
                },
                "scope": {"project": {"id": config.project_id}},
            }
        }
        with IamSession(iam_config, self.ctx.raw, self.ctx.redactor) as iam:
            where = iam.url(TOKENS)
            try:
                response, _ = iam.request("POST", TOKENS, json_body=body)
            except CollectError as exc:
                if exc.status in (401, 403):
                    raise CollectError(
                        f"IAM refused the sign-in of {config.iam_user} (HTTP {exc.status} from {where}): check "
                        "iam_user, iam_domain and the password named in the targets file",
                        exc.status,
                    ) from None
                raise
        token = response.headers.get(SUBJECT_TOKEN, "")
        if not token:
            raise CollectError(f"IAM answered without an X-Subject-Token header: {where}")
        if not HEADER_SAFE.fullmatch(token):
            raise CollectError(
                f"IAM issued a token that cannot be sent in an HTTP header (not printable ASCII without spaces, or "
                f"longer than {MAX_TOKEN} characters): {where}"
            )
        self.session.guard = Credentials({TOKEN_HEADER: token}, self.session.redactor, self.session.home)

    # --- listings ----------------------------------------------------------------------------------------------

    def path(self, version: str, rest: str) -> str:
        return f"/{version}{self.project}{rest}"

    def where(self, version: str, rest: str) -> str:
        """Where a set of reads is made, for the records: a path with a placeholder (`/workflows/{id}/executions`)
        kept readable, not URL-encoded."""
        return f"{self.config.url}{self.path(version, rest)}"

    def scope(self) -> dict[str, Any]:
        """The workspace filter, for the reads that document one (executions, to-do list, models, services)."""
        return {"workspace_id": self.config.workspace_id} if self.config.workspace_id else {}

    def listing(
        self,
        path: str,
        key: str,
        model: type[M],
        *,
        total_key: str,
        paging: Paging,
        ident: Callable[[M], str],
        params: dict[str, Any] | None = None,
        search: dict[str, Any] | None = None,
        stop: Callable[[list[M]], bool] | None = None,
    ) -> Pages[M]:
        """Every item of an offset/limit listing, up to max_items; `key` names the list in the answer. With `search`,
        the listing is a read-only POST search whose body carries the paging."""
        result: Pages[M] = Pages(items=[], url=self.url(path))
        cap = self.config.max_items
        limit = self.config.page_size
        page = 0
        received = 0  # items the server sent, for item offsets
        served: dict[str, int] = {}  # each answer, by the page it first came for
        known: set[str] = set()
        while True:
            offset = page if paging == "page" else received
            if search is not None:
                data, _, sha = self.session.post_json(path, {**search, "offset": offset, "limit": limit})
            else:
                query = {**(params or {}), "offset": offset, "limit": limit}
                data, _, sha = self.session.get_json(path, query)
            where = self.url(path)
            found = data.get(key) if isinstance(data, dict) else None
            if not isinstance(found, list):
                raise CollectError(f"unexpected response from {where}: expected a list under '{key}'")
            if sha in served:
                result.stopped = f"stopped after {result.pages} pages: the server sent page {served[sha] + 1} again"
                return result
            served[sha] = page
            room = cap - len(result.items)
            items = [parse(model, item, where) for item in found[:room]]
            ids = {ident(item) for item in items}
            if items and ids <= known:
                result.stopped = f"stopped after {result.pages} pages: the server sent the items of a page again"
                return result
            items = [item for item in items if ident(item) not in known]  # an overlapping page adds only new items
            known |= ids
            result.raw.append(sha)
            result.pages += 1
            result.items += items
            received += len(found)
            total = data.get(total_key)
            more = received < total if isinstance(total, int) and not isinstance(total, bool) else len(found) >= limit
            if len(found) > room or (len(result.items) >= cap and more):
                result.stopped = f"stopped at max_items ({cap})"
                return result
            if not found or not more or (stop is not None and stop(items)):
                return result
            page += 1

    # --- single items ----------------------------------------------------------------------------------------

    def get(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> tuple[M, str]:
        data, _, sha = self.session.get_json(path, params or None)
        return parse(model, data, self.url(path)), sha


def segment(text: str) -> str:
    """An id from a listing as one path segment: `/`, `?`, `#` and `%` encoded, and a `.` or `..` id too (a dot segment
    would be removed from the path): a listed id can only name that item, never another resource."""
    quoted = quote(text, safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted
