"""MLflow's REST API, read-only: the search endpoints with complete page_token pagination, and single-object GETs.

Only runs/search is sent as POST: MLflow offers it no other way, and it changes nothing on the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from pydantic import ValidationError

from evidence_collectors.http import CollectError, HttpSession
from evidence_collectors.mlflow.shapes import Experiment, ModelVersion, RegisteredModel, RunFacts, parse_run
from evidence_collectors.rest import Pages

API = "/api/2.0/mlflow"
EXPERIMENTS_PAGE = 1_000
REGISTRY_PAGE = 1_000  # registered-models/search accepts at most 1,000 per page
VERSIONS_PAGE = 1_000
EXPERIMENT_CHUNK = 1_000  # experiment ids per runs/search query

T = TypeVar("T")


def not_found(exc: CollectError) -> bool:
    """404: the object is not there."""
    return exc.status == 404


def like_filters(patterns: Iterable[str]) -> list[str | None]:
    """One MLflow filter per name pattern; [None] (no filter) when there are none."""
    return [f"name LIKE '{p}'" for p in patterns] or [None]


class MlflowApi:
    def __init__(self, session: HttpSession, max_pages: int) -> None:
        self.session = session
        self.max_pages = max_pages

    def _pages(
        self, path: str, key: str, params: dict[str, Any], into: Pages[Any], post: bool = False
    ) -> Iterator[tuple[list[Any], bool]]:
        """Yield the `key` list of every page and whether another page follows, following next_page_token until it
        is absent, repeats a token already followed, or the max_pages guard is hit. `params` is re-read for every page,
        so a caller may adjust it."""
        token: str | None = None
        seen: set[str] = set()
        for _ in range(self.max_pages):
            query = {**params, "page_token": token} if token else params
            if post:
                data, _, sha = self.session.post_json(API + path, query)
            else:
                data, _, sha = self.session.get_json(API + path, query)
            into.raw.append(sha)
            into.pages += 1
            if not isinstance(data, dict) or not isinstance(data.get(key, []), list):
                raise CollectError(f"unexpected answer from {self.session.url(API + path)}: no '{key}' list")
            token = data.get("next_page_token") or None
            if token is not None and not isinstance(token, str):
                where = self.session.url(API + path)
                raise CollectError(f"unexpected answer from {where}: next_page_token is not a string")
            if token in seen:
                into.stopped = f"stopped after {into.pages} pages of {path}: the server repeated a page token"
                yield data.get(key, []), False
                return
            if token is not None:
                seen.add(token)
            yield data.get(key, []), token is not None
            if not token:
                return
        into.stopped = f"stopped at the max_pages guard ({self.max_pages} pages) of {path}"

    def _validated(self, path: str, key: str, params: dict[str, Any], model: Callable[..., T], into: Pages[T]) -> None:
        for page, _ in self._pages(path, key, params, into):
            try:
                into.items.extend(model(**item) for item in page)
            except (TypeError, ValidationError) as exc:
                where = self.session.url(API + path)
                raise CollectError(f"unexpected answer from {where}: {type(exc).__name__}") from None

    def _search(self, path: str, key: str, page_size: int, patterns: list[str], model: Callable[..., T]) -> Pages[T]:
        """Every page of a search, once per name pattern (duplicates across patterns are the caller's to drop)."""
        listing: Pages[T] = Pages()
        for name_filter in like_filters(patterns):
            params: dict[str, Any] = {"max_results": page_size}
            if name_filter:
                params["filter"] = name_filter
            self._validated(path, key, params, model, listing)
        return listing

    def experiments(self, patterns: list[str]) -> Pages[Experiment]:
        """Active experiments whose name matches any pattern (all when there is none), each once."""
        listing = self._search("/experiments/search", "experiments", EXPERIMENTS_PAGE, patterns, Experiment)
        seen: dict[str, Experiment] = {}
        for e in listing.items:
            seen.setdefault(e.experiment_id, e)
        listing.items = list(seen.values())
        return listing

    def runs(
        self, experiment_ids: list[str], page_size: int, max_runs: int, progress: Callable[[int], None] = lambda n: None
    ) -> Pages[RunFacts]:
        """Active runs of the experiments, newest first, each once, up to `max_runs`."""
        listing: Pages[RunFacts] = Pages()
        seen: set[str] = set()
        chunks = [experiment_ids[i : i + EXPERIMENT_CHUNK] for i in range(0, len(experiment_ids), EXPERIMENT_CHUNK)]
        for n, chunk in enumerate(chunks):
            body = {"experiment_ids": chunk, "max_results": min(page_size, max_runs - len(listing.items))}
            for page, more in self._pages("/runs/search", "runs", body, listing, post=True):
                try:
                    facts = [parse_run(run) for run in page]
                except (KeyError, TypeError, AttributeError, ValueError):
                    raise CollectError(f"unexpected run in {self.session.url(API + '/runs/search')}") from None
                for run in facts:
                    if run.run_id not in seen:  # pages are offsets: a run started meanwhile can repeat one
                        seen.add(run.run_id)
                        listing.items.append(run)
                progress(len(listing.items))
                if len(listing.items) >= max_runs:
                    del listing.items[max_runs:]
                    if more or n + 1 < len(chunks):
                        listing.stopped = f"stopped at the max_runs guard ({max_runs} runs, newest first)"
                    return listing
                body["max_results"] = min(page_size, max_runs - len(listing.items))
            if listing.capped:
                return listing
        return listing

    def run(self, run_id: str) -> tuple[RunFacts | None, str]:
        """One run by id (runs/get) and the hash of the answer; None when the server no longer has it."""
        try:
            data, _, sha = self.session.get_json(API + "/runs/get", {"run_id": run_id})
        except CollectError as exc:
            if not_found(exc):
                return None, ""
            raise
        try:
            return parse_run(data["run"]), sha
        except (KeyError, TypeError, AttributeError, ValueError):
            raise CollectError(f"unexpected answer from {self.session.url(API + '/runs/get')}") from None

    def registered_models(self, patterns: list[str]) -> Pages[RegisteredModel]:
        path = "/registered-models/search"
        listing = self._search(path, "registered_models", REGISTRY_PAGE, patterns, RegisteredModel)
        seen = {m.name: m for m in listing.items}
        listing.items = list(seen.values())
        return listing

    def model_versions(self, patterns: list[str]) -> Pages[ModelVersion]:
        listing = self._search("/model-versions/search", "model_versions", VERSIONS_PAGE, patterns, ModelVersion)
        seen = {(v.name, v.version): v for v in listing.items}
        listing.items = list(seen.values())
        return listing

    def mlmodel(self, name: str, version: str) -> tuple[bytes, str]:
        """The MLmodel file of a model version, as the MLflow UI reads it to show the signature."""
        response, sha = self.session.request(
            "GET", "/model-versions/get-artifact", params={"name": name, "version": version, "path": "MLmodel"}
        )
        return response.content, sha
