"""Facts about dashboards: how many, which show model metrics (judged by their panel queries), what those panels
cover, and whether they can be filtered by model version."""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence_collectors import model_metrics as vocab
from evidence_collectors.grafana.api import DashboardRead, SearchResult
from evidence_collectors.grafana.models import DashboardDoc
from evidence_collectors.outcome import Finding, percent, ratio, sample

VERSION_TEXT = re.compile(r"version|revision", re.IGNORECASE)


@dataclass(frozen=True)
class ModelDashboard:
    name: str  # "folder/title"
    categories: set[str]
    version_variable: bool
    provisioned: bool

    @property
    def complete(self) -> bool:
        """Shows at least one system aspect and at least one model-quality aspect together."""
        return bool(self.categories & set(vocab.SYSTEM_CATEGORIES)) and bool(
            self.categories & set(vocab.MODEL_QUALITY_CATEGORIES)
        )


def as_model_dashboard(doc: DashboardDoc, extra: re.Pattern[str] | None) -> ModelDashboard | None:
    """A dashboard shows model metrics when a panel query names models or model metrics; titles alone do not count."""
    panels = [p for p in doc.dashboard.all_panels() if p.queries()]
    if not any(vocab.is_model_text(p.queries(), extra=extra) for p in panels):
        return None
    found = {c for p in panels for c in vocab.titled_categories(p.title, p.queries())}
    folder = doc.meta.folder_title
    title = doc.dashboard.title or doc.dashboard.uid
    return ModelDashboard(
        name=f"{folder}/{title}" if folder else title,
        categories=found,
        version_variable=any(VERSION_TEXT.search(v.text()) for v in doc.dashboard.templating.variables),
        provisioned=doc.meta.provisioned,
    )


def listing_findings(search: SearchResult) -> dict[str, Finding]:
    folders = {h.folder_title or "General" for h in search.hits}
    note = f" (stopped after {search.pages} page(s): {search.why}, more exist)" if search.capped else ""
    summary = f"{len(search.hits)} dashboards in {len(folders)} folders, read in {search.pages} search page(s){note}"
    return {"grafana.dashboards": Finding(len(search.hits), summary)}


def content_findings(read: DashboardRead, extra: re.Pattern[str] | None) -> dict[str, Finding]:
    models = [m for doc in read.docs if (m := as_model_dashboard(doc, extra))]
    models.sort(key=lambda m: m.name)
    n, total = len(models), len(read.docs)
    note = ""
    if read.gone:
        note += f"; {len(read.gone)} listed dashboard(s) no longer exist (HTTP 404): {sample(read.gone)}"
    if read.skipped:
        note += f"; {read.skipped} dashboard(s) not read: the max-dashboards guard was hit"
    covered = vocab.ordered(c for m in models for c in m.categories)
    complete = [m.name for m in models if m.complete]
    versioned = [m.name for m in models if m.version_variable]
    provisioned = sum(1 for m in models if m.provisioned)
    none = "there are no model dashboards"
    return {
        "grafana.model_dashboards": Finding(n, f"{n} of {total} dashboards read show model metrics{note}"),
        "grafana.model_dashboard_titles": Finding(
            [m.name for m in models], f"model dashboards: {sample([m.name for m in models], 10)}" if models else none
        ),
        "grafana.model_dashboard_categories": Finding(
            covered,
            f"panels of model dashboards cover {', '.join(covered)}" if covered else f"{none} with categorised panels",
        ),
        "grafana.complete_model_dashboards": Finding(
            len(complete),
            f"{len(complete)} of {n} model dashboards show system and model-quality metrics together"
            + (f": {sample(complete)}" if complete else ""),
        ),
        "grafana.model_dashboards_with_version_variable": Finding(
            len(versioned),
            f"{len(versioned)} of {n} model dashboards can be filtered by model version"
            + (f": {sample(versioned)}" if versioned else ""),
        ),
        "grafana.model_dashboards_provisioned_ratio": Finding(
            ratio(provisioned, n),
            f"{provisioned} of {n} model dashboards ({percent(provisioned, n)}) are provisioned from files"
            if n
            else f"{none}, so none is provisioned (0.0)",
        ),
    }
