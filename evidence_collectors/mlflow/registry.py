"""Facts about the model registry: descriptions, lifecycle labels, links to runs, lineage and signatures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from evidence_collectors.mlflow.shapes import STAGE_NONE, ModelVersion, RegisteredModel, RunFacts
from evidence_collectors.outcome import Finding, ratio, sample, share

P = "mlflow."
REGISTRATION_GRACE_MS = 10 * 60_000  # a version registered up to 10 minutes after its run ended counts as by the run
MAX_LABELS = 50


def newest_versions(versions: list[ModelVersion]) -> list[ModelVersion]:
    """The highest-numbered version of each registered model, in model-name order."""
    newest: dict[str, ModelVersion] = {}
    for v in versions:
        if v.name not in newest or v.number > newest[v.name].number:
            newest[v.name] = v
    return [newest[name] for name in sorted(newest)]


def model_findings(models: list[RegisteredModel], versions: list[ModelVersion], scope: str) -> dict[str, Finding]:
    n = len(models)
    described = sum(1 for m in models if m.description.strip())
    tagged = sum(1 for m in models if m.tags)
    staged: dict[str, set[str]] = {}
    for v in versions:
        if v.current_stage and v.current_stage != STAGE_NONE:
            staged.setdefault(v.name, set()).add(v.current_stage)
    labelled = sum(1 for m in models if m.aliases or staged.get(m.name))
    labels: Counter[str] = Counter()
    for m in models:
        labels.update({f"alias:{a.alias}" for a in m.aliases})
        labels.update({f"stage:{s}" for s in staged.get(m.name, ())})
    ordered = [label for label, _ in sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))]
    shown = [f"{label} ({labels[label]})" for label in ordered]
    more = f" (the {MAX_LABELS} most used of {len(ordered)})" if len(ordered) > MAX_LABELS else ""
    return {
        P + "registered_model_count": Finding(n, f"{n} registered models{scope}"),
        P + "registered_models_with_description_ratio": Finding(
            ratio(described, n), share(described, n, "registered models", "have a description")
        ),
        P + "registered_models_with_tags_ratio": Finding(
            ratio(tagged, n), share(tagged, n, "registered models", "carry tags")
        ),
        P + "registered_models_with_lifecycle_ratio": Finding(
            ratio(labelled, n), share(labelled, n, "registered models", "mark a version with an alias or a stage")
        ),
        P + "model_lifecycle_labels": Finding(
            ordered[:MAX_LABELS],
            f"aliases and stages in use{more}: {sample(shown, 10)}" if shown else "no aliases or stages in use",
        ),
    }


def version_findings(versions: list[ModelVersion]) -> dict[str, Finding]:
    n = len(versions)
    linked = sum(1 for v in versions if v.run_id)
    described = sum(1 for v in versions if v.description.strip())
    return {
        P + "model_version_count": Finding(
            n, f"{n} model versions in {len({v.name for v in versions})} registered models"
        ),
        P + "model_versions_with_run_ratio": Finding(
            ratio(linked, n), share(linked, n, "model versions", "link to the run that produced them")
        ),
        P + "model_versions_with_description_ratio": Finding(
            ratio(described, n), share(described, n, "model versions", "have a description")
        ),
    }


def lineage_findings(
    versions: list[ModelVersion], runs: Mapping[str, RunFacts | None], unread: int
) -> dict[str, Finding]:
    """`runs` maps each source run id that could be looked up to its facts (None: the run no longer exists)."""
    n = len(versions)
    traced = by_run = 0
    for v in versions:
        run = runs.get(v.run_id) if v.run_id else None
        if run is None:
            continue
        traced += run.lineage
        if v.creation_timestamp is not None and run.start_time is not None:
            end = (run.end_time or v.creation_timestamp) + REGISTRATION_GRACE_MS
            by_run += run.start_time <= v.creation_timestamp <= end
    missing = sum(1 for v in versions if v.run_id and v.run_id in runs and runs[v.run_id] is None)
    notes = [f"{missing} source runs no longer exist"] if missing else []
    notes += [f"{unread} source runs were not read (max_run_lookups guard)"] if unread else []
    note = f" ({'; '.join(notes)})" if notes else ""
    return {
        P + "model_versions_with_lineage_ratio": Finding(
            ratio(traced, n),
            share(traced, n, "model versions", "trace to a run with parameters, a git commit and a dataset input")
            + note,
        ),
        P + "model_versions_registered_by_run_ratio": Finding(
            ratio(by_run, n),
            share(
                by_run,
                n,
                "model versions",
                "were registered while their run was active (or within 10 minutes of its end)",
            )
            + note,
        ),
    }


@dataclass(frozen=True)
class SignatureCheck:
    """What the MLmodel file of one model version says; `signature` is None when the file could not be read."""

    name: str
    version: str
    signature: bool | None
    problem: str = ""


def signature_findings(checks: list[SignatureCheck], models: int, note: str) -> Finding:
    read = [c for c in checks if c.signature is not None]
    signed = sum(1 for c in read if c.signature)
    unread = [c for c in checks if c.signature is None]
    extra = [f"{len(unread)} MLmodel files could not be read, e.g. {unread[0].problem}"] if unread else []
    extra += [f"{models - len(checks)} registered models were not checked ({note})"] if note else []
    return Finding(
        ratio(signed, len(read)),
        share(signed, len(read), "newest model versions", "declare an input/output signature in their MLmodel file")
        + (f" ({'; '.join(extra)})" if extra else ""),
    )
