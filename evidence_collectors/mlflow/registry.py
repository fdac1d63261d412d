"""Facts about the model registry: descriptions, lifecycle labels, links to runs, lineage and signatures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from evidence_collectors.http import Unavailable
from evidence_collectors.mlflow.shapes import STAGE_NONE, ModelVersion, RegisteredModel, RunFacts
from evidence_collectors.outcome import Finding, ratio, sample, share

P = "mlflow."
RELEASE_STAGES = frozenset({"Staging", "Production"})
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


def stored_with_run(version: ModelVersion) -> bool:
    """The version's files are its run's own artifacts: the source names the run (runs:/<id>/..., or the run's
    artifact folder, whose path holds the run id) or is a logged model of MLflow 3 (models:/m-...) linked to it."""
    if not version.run_id:
        return False
    return version.run_id in version.source or version.source.startswith("models:/m-")


def version_findings(versions: list[ModelVersion]) -> dict[str, Finding]:
    n = len(versions)
    linked = sum(1 for v in versions if v.run_id)
    stored = sum(1 for v in versions if stored_with_run(v))
    described = sum(1 for v in versions if v.description.strip())
    return {
        P + "model_version_count": Finding(
            n, f"{n} model versions in {len({v.name for v in versions})} registered models"
        ),
        P + "model_versions_with_run_ratio": Finding(
            ratio(linked, n), share(linked, n, "model versions", "link to the run that produced them")
        ),
        P + "model_versions_with_run_artifacts_ratio": Finding(
            ratio(stored, n),
            share(stored, n, "model versions", "are stored as artifacts of the run that produced them"),
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
    traced = by_run = located = 0
    owned = sum(1 for v in versions if owner(v, runs))
    for v in versions:
        run = runs.get(v.run_id) if v.run_id else None
        if run is None:
            continue
        traced += run.lineage
        located += run.dataset_located
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
        P + "model_versions_with_owner_ratio": Finding(
            ratio(owned, n),
            share(owned, n, "model versions", "name an owner (the registering user or their run's user)") + note,
        ),
        P + "model_versions_with_dataset_location_ratio": Finding(
            ratio(located, n),
            share(
                located,
                n,
                "model versions",
                "trace to a run whose dataset input records both a content digest and where the data is kept",
            )
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


def owner(version: ModelVersion, runs: Mapping[str, RunFacts | None]) -> str:
    """Who the version belongs to: the user who registered it, else the user of its source run."""
    run = runs.get(version.run_id) if version.run_id else None
    return version.user_id.strip() or (run.user.strip() if run is not None else "")


def released(models: list[RegisteredModel], versions: list[ModelVersion]) -> list[ModelVersion]:
    """Versions handed over for use: those an alias points to, or in stage Staging or Production."""
    aliased = {(m.name, a.version) for m in models for a in m.aliases}
    return [v for v in versions if (v.name, v.version) in aliased or v.current_stage in RELEASE_STAGES]


def provenance(version: ModelVersion, runs: Mapping[str, RunFacts | None]) -> bool:
    """Training data (a dataset input), code version (git commit), training time (run start) and owner on record."""
    run = runs.get(version.run_id) if version.run_id else None
    if run is None:
        return False
    return bool(run.datasets and run.git_commit and run.start_time is not None and owner(version, runs))


def release_findings(
    models: list[RegisteredModel], versions: list[ModelVersion], runs: Mapping[str, RunFacts | None], unread: int
) -> dict[str, Finding]:
    chosen = released(models, versions)
    n = len(chosen)
    known = sum(1 for v in chosen if provenance(v, runs))
    sources = [runs.get(v.run_id) if v.run_id else None for v in chosen]
    evaluated = sum(1 for run in sources if run is not None and run.metrics)
    sourced = sum(1 for run in sources if run is not None and run.git_commit and run.dataset_located)
    versioned = sum(1 for run in sources if run is not None and run.dataset_versioned)
    labels = sorted(f"{v.name} v{v.version}" for v in chosen)
    note = f" ({unread} source runs were not read: max_run_lookups guard)" if unread else ""
    return {
        P + "released_model_versions": Finding(
            n,
            f"{n} model versions marked by an alias or in stage Staging/Production"
            + (f": {sample(labels)}" if labels else ""),
        ),
        P + "released_versions_with_provenance_ratio": Finding(
            ratio(known, n),
            share(
                known,
                n,
                "released model versions",
                "trace to a run recording its dataset, git commit, start time and an owner",
            )
            + note,
        ),
        P + "released_versions_with_code_and_data_source_ratio": Finding(
            ratio(sourced, n),
            share(
                sourced,
                n,
                "released model versions",
                "link to a run recording its git commit and a dataset input with digest and source",
            )
            + note,
        ),
        P + "released_versions_with_dataset_version_ratio": Finding(
            ratio(versioned, n),
            share(versioned, n, "released model versions", "link to a run recording a dataset input with a digest")
            + note,
        ),
        P + "released_versions_with_metrics_ratio": Finding(
            ratio(evaluated, n),
            share(evaluated, n, "released model versions", "link to a run that records evaluation metrics") + note,
        ),
    }


@dataclass(frozen=True)
class MlmodelFile:
    """What the MLmodel file of one model version says; `found` is None when it could not be read, False when the
    server has no such file (404)."""

    name: str
    version: str
    found: bool | None
    signature: bool = False
    packaged: bool = False  # a python_function flavor that names its loader and declares its environment files
    problem: str = ""


def package_findings(
    models: list[RegisteredModel], versions: list[ModelVersion], files: Mapping[tuple[str, str], MlmodelFile]
) -> dict[str, Finding]:
    """Released versions whose model can be fetched by name and version, and those packaged for any deployment tool.
    Versions whose file could not be read (outage, max_signature_reads guard) are left out and reported; when none
    could be read, raises Unavailable: the figures are unknown, not zero."""
    chosen = released(models, versions)
    read = [files[key] for v in chosen if (key := (v.name, v.version)) in files and files[key].found is not None]
    unread = len(chosen) - len(read)
    if chosen and not read:
        problems = [f.problem for v in chosen if (f := files.get((v.name, v.version))) is not None and f.problem]
        why = problems[0] if problems else "not read (max_signature_reads guard)"
        raise Unavailable(f"the MLmodel files of the {len(chosen)} released model versions could not be read: {why}")
    note = f" ({unread} released versions' MLmodel files could not be read and are left out)" if unread else ""
    fetched = sum(1 for f in read if f.found)
    packaged = sum(1 for f in read if f.found and f.packaged and f.signature)
    return {
        P + "released_versions_with_model_files_ratio": Finding(
            ratio(fetched, len(read)),
            share(fetched, len(read), "released model versions", "can be fetched by name and version (MLmodel file)")
            + note,
        ),
        P + "released_versions_packaged_ratio": Finding(
            ratio(packaged, len(read)),
            share(
                packaged,
                len(read),
                "released model versions",
                "are MLflow Models with a python_function flavor, declared environment files and a signature",
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
