"""Reading the ZenTao REST API v1 (/api.php/v1): signing in, page/limit listings, single items.

Everything goes through `HttpSession` (deadlines, size caps, budgets, retries, redirects, raw recording, redaction).
The token travels in ZenTao's `Token` header. Signing in with a password is the one POST sent (POST /tokens, which
only opens a session); the token it returns is registered with the redactor before the answer is stored, so the raw
evidence never holds it. Listings answer `{"page": N, "total": T, "limit": L, "<items>": [...]}` and are read page
by page until `total` items have been read, a page comes back empty or short, the server repeats a page (or its
items), or `max_items` is reached; only the items that fit under `max_items` are validated, however long a page is.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from evidence_collectors.base import CollectContext
from evidence_collectors.http import CollectError, HttpSession, Unavailable
from evidence_collectors.http.credentials import Credentials
from evidence_collectors.rest import DetailReads, Pages, SessionApi, parse
from evidence_collectors.secrets import MIN_SECRET, is_sensitive_name, read_secret
from evidence_collectors.zentao.config import ZentaoConfig
from evidence_collectors.zentao.models import (
    Bug,
    Execution,
    Product,
    ProductPlan,
    Project,
    Risk,
    Story,
    Task,
    TestCase,
    Token,
    to_int,
)

API = "/api.php/v1"
TOKENS = f"{API}/tokens"
TOKEN_HEADER = "Token"
MAX_TOKEN = 4096
HEADER_SAFE = re.compile(rf"[\x21-\x7e]{{1,{MAX_TOKEN}}}")  # what a header value can carry as it is
WITHHELD = b"(the sign-in answer was not JSON: not kept, since the credentials in it could not be told apart)"
M = TypeVar("M", bound=BaseModel)


class ZentaoSession(HttpSession):
    """An `HttpSession` that learns the token from the sign-in answer before that answer is stored, and takes a
    refused token (HTTP 401) as no usable answer: the system could not be read, which says nothing about it."""

    signing_in = False  # the sign-in request is under way (its answer may come from a redirect, by GET)

    def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None
    ) -> tuple[httpx.Response, str]:
        self.signing_in = method == "POST" and path == TOKENS
        try:
            return super().request(method, path, params=params, json_body=json_body)
        except CollectError as exc:
            if exc.status == 401:
                raise Unavailable(str(exc), 401) from None
            raise
        finally:
            self.signing_in = False

    def keep(self, response: httpx.Response) -> str:
        if self.signing_in and not self._learn_token(response.content):
            return self.raw.add(
                WITHHELD,
                url=self.url(str(response.request.url)),
                status=response.status_code,
                content_type="text/plain; charset=utf-8",
            )
        return super().keep(response)

    def _learn_token(self, content: bytes) -> bool:
        """Register every credential-like value of the sign-in answer (`token` at the top, or nested in an answer
        of another shape) before the answer is stored; a token too short to be masked is refused. False when the
        answer is not JSON (an HTML page, say): what in it is a credential cannot be told, so none of it is kept."""
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            return False
        token = data.get("token") if isinstance(data, dict) else None
        if isinstance(token, str) and len(token) < MIN_SECRET:
            raise CollectError(
                f"the server issued a token shorter than {MIN_SECRET} characters: too short to be masked in the "
                "evidence, so it is not used"
            )
        for secret in _credentials_in(data):
            self.redactor.add(secret)
        return True


def _credentials_in(data: Any, depth: int = 0) -> list[str]:
    """String values under credential-like keys (token, session, ...), at most 20 levels deep."""
    if depth > 20:
        return []
    if isinstance(data, list):
        return [s for item in data for s in _credentials_in(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    found: list[str] = []
    for key, value in data.items():
        if isinstance(value, str) and is_sensitive_name(str(key)):
            found.append(value)
        else:
            found += _credentials_in(value, depth + 1)
    return found


class ZentaoApi(DetailReads, SessionApi):
    def __init__(self, config: ZentaoConfig, ctx: CollectContext) -> None:
        self.config = config
        self.session = ZentaoSession(config, ctx.raw, ctx.redactor, auth_header=TOKEN_HEADER, auth_scheme="")
        self.details_left = config.max_detail_reads

    # --- signing in ---------------------------------------------------------------------------------------

    def sign_in(self) -> None:
        """With `account`: ask for a session token with the account's password and send it from then on."""
        if not self.config.signs_in:
            return
        password = read_secret(self.config.password_env, self.config.password_file)
        self.session.redactor.add(password)
        data, _, _ = self.session.post_json(TOKENS, {"account": self.config.account, "password": password})
        token = parse(Token, data, self.url(TOKENS)).token
        self.session.redactor.add(token)  # already learnt from the answer; a no-op unless the answer was odd
        if not HEADER_SAFE.fullmatch(token):
            raise CollectError(
                f"the server issued a token that cannot be sent in an HTTP header (not printable ASCII without spaces, "
                f"or longer than {MAX_TOKEN} characters): {self.url(TOKENS)}"
            )
        self.session.guard = Credentials({TOKEN_HEADER: token}, self.session.redactor, self.session.home)

    # --- listings -----------------------------------------------------------------------------------------

    def listing(self, path: str, model: type[M], key: str, params: dict[str, Any] | None = None) -> Pages[M]:
        """Every item of a page/limit listing, up to max_items; `key` names the list in the answer."""
        full = f"{API}{path}"
        result: Pages[M] = Pages(items=[], url=self.url(full))
        cap = self.config.max_items
        page = 1
        served: dict[str, int] = {}  # each page's answer, by the page number it first came for
        known: set[object] = set()  # the ids of the items read
        while True:
            data, _, sha = self.session.get_json(full, {**(params or {}), "page": page, "limit": self.config.page_size})
            where = self.url(full)
            found = data.get(key) if isinstance(data, dict) else None
            if not isinstance(found, list):
                raise CollectError(f"unexpected response from {where}: expected a list under '{key}'")
            if sha in served:  # the page again, or an earlier one (a listing going round in a circle)
                result.stopped = f"stopped after {result.pages} pages: the server sent page {served[sha]} again"
                return result
            served[sha] = page
            room = cap - len(result.items)  # only what fits under the cap is validated, however long the page
            items = [parse(model, item, where) for item in found[:room]]
            ids = {getattr(item, "id", None) for item in items}
            if items and ids <= known:  # the same items under another page number
                result.stopped = f"stopped after {result.pages} pages: the server sent the items of a page again"
                return result
            known |= ids
            result.raw.append(sha)
            result.pages += 1
            result.items += items
            total = to_int(data.get("total"))
            limit = to_int(data.get("limit")) or self.config.page_size
            more = len(result.items) < total if total else len(found) >= limit
            if len(found) > room or (len(result.items) >= cap and more):
                result.stopped = f"stopped at max_items ({cap})"
                return result
            if not found or not more:
                return result
            page += 1

    def where(self, path: str) -> str:
        """Where a set of listings is read, for the records: a path with a placeholder (`/products/{id}/bugs`) kept
        readable, not URL-encoded."""
        return f"{self.config.url}{API}{path}"

    def get(self, path: str, model: type[M]) -> tuple[M, str]:
        full = f"{API}{path}"
        data, _, sha = self.session.get_json(full)
        return parse(model, data, self.url(full)), sha

    def products(self) -> Pages[Product]:
        return self.listing("/products", Product, "products")

    def stories(self, product: int) -> Pages[Story]:
        return self.listing(f"/products/{product}/stories", Story, "stories")

    def testcases(self, product: int) -> Pages[TestCase]:
        return self.listing(f"/products/{product}/testcases", TestCase, "testcases")

    def bugs(self, product: int) -> Pages[Bug]:
        return self.listing(f"/products/{product}/bugs", Bug, "bugs")

    def projects(self, product: int) -> Pages[Project]:
        return self.listing(f"/products/{product}/projects", Project, "projects")

    def executions(self, project: int) -> Pages[Execution]:
        return self.listing(f"/projects/{project}/executions", Execution, "executions")

    def execution_stories(self, execution: int) -> Pages[Story]:
        return self.listing(f"/executions/{execution}/stories", Story, "stories")

    def tasks(self, execution: int) -> Pages[Task]:
        """An execution's tasks, closed and cancelled ones included (their hours were spent too)."""
        return self.listing(f"/executions/{execution}/tasks", Task, "tasks", {"status": "all"})

    def plans(self, product: int) -> Pages[ProductPlan]:
        return self.listing(f"/products/{product}/plans", ProductPlan, "plans")

    def risks(self, project: int) -> Pages[Risk]:
        """A project's risks; a server without the risk module answers 404, which makes the risks unavailable."""
        try:
            return self.listing(f"/projects/{project}/risks", Risk, "risks")
        except CollectError as exc:
            if exc.status != 404:
                raise
            raise Unavailable(
                f"this ZenTao server offers no risk API (HTTP 404 from {self.url(f'{API}/projects/{project}/risks')});"
                " risks are listed by the REST API only in editions and versions with the risk module"
            ) from None

    # --- single items, for fields a listing leaves out ----------------------------------------------------


def combine(listings: list[tuple[str, Pages[M]]], url: str) -> Pages[M]:
    """One listing made of several (one per product or project), each cut short named in `stopped`."""
    merged: Pages[M] = Pages(items=[], url=url)
    cut: list[str] = []
    for label, pages in listings:
        merged.items += pages.items
        merged.raw += pages.raw
        merged.pages += pages.pages
        if pages.stopped:
            cut.append(f"{label}: {pages.stopped}")
    merged.stopped = "; ".join(cut)
    return merged
