"""Everything the probes are computed from, read in one pass; each part keeps its own failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.mlflow import registry
from evidence_collectors.mlflow.api import MlflowApi
from evidence_collectors.mlflow.config import MlflowConfig
from evidence_collectors.mlflow.registry import MlmodelFile
from evidence_collectors.mlflow.shapes import Experiment, ModelVersion, RegisteredModel, RunFacts
from evidence_collectors.mlflow.signatures import read_mlmodels
from evidence_collectors.outcome import Fetched
from evidence_collectors.rest import Pages

T = TypeVar("T")
Lookups = tuple[dict[str, RunFacts | None], int]  # source runs of model versions (None: gone), and how many unread


@dataclass
class Gathered:
    experiments: Fetched[Pages[Experiment]]
    runs: Fetched[Pages[RunFacts]]  # its raw hashes include the experiment pages the run query was built from
    models: Fetched[Pages[RegisteredModel]]
    versions: Fetched[Pages[ModelVersion]]
    lookups: Fetched[Lookups]
    mlmodels: Fetched[list[MlmodelFile]]  # newest version of each registered model, then released versions


def gather(api: MlflowApi, config: MlflowConfig, progress: Callable[[str], None]) -> Gathered:
    """Read experiments, runs, registered models, versions, missing source runs and MLmodel files.

    Raises Unavailable only when the very first request gets no answer at all: then every endpoint would time out too.
    """
    progress("experiments")
    experiments = Fetched.run(lambda: _listed(api.experiments(config.experiments)))
    if experiments.error is not None and _silent(experiments.error):
        raise experiments.error

    def read_runs() -> tuple[Pages[RunFacts], list[str]]:
        listing = experiments.get()
        ids = [e.experiment_id for e in listing.items]
        runs = api.runs(ids, config.runs_page_size, config.max_runs, lambda n: progress(f"{n} runs read"))
        return runs, listing.raw + runs.raw

    runs = Fetched.run(read_runs)
    progress("registered models and versions")
    models = Fetched.run(lambda: _listed(api.registered_models(config.registered_models)))
    versions = Fetched.run(lambda: _listed(api.model_versions(config.registered_models)))

    def look_up_runs() -> tuple[Lookups, list[str]]:
        """Source runs of the versions: from the runs read, else one by one (runs/get) up to max_run_lookups."""
        known = {r.run_id: r for r in runs.get().items}
        wanted = list(dict.fromkeys(v.run_id for v in versions.get().items if v.run_id))
        found: dict[str, RunFacts | None] = {run_id: known[run_id] for run_id in wanted if run_id in known}
        missing = [run_id for run_id in wanted if run_id not in known]
        raw: list[str] = []
        for run_id in missing[: config.max_run_lookups]:
            found[run_id], sha = api.run(run_id)
            raw += [sha] if sha else []
        return (found, max(0, len(missing) - config.max_run_lookups)), raw

    lookups = Fetched.run(look_up_runs)

    def read_files() -> tuple[list[MlmodelFile], list[str]]:
        """One pass over the files, so that an artifact store that does not answer is waited for only once."""
        newest = registry.newest_versions(versions.get().items)[: config.max_signature_reads]
        shipped = registry.released(models.value.items, versions.get().items) if models.value is not None else []
        wanted = {(v.name, v.version): v for v in newest}
        for v in shipped[: config.max_signature_reads]:
            wanted.setdefault((v.name, v.version), v)
        return read_mlmodels(api, list(wanted.values()), lambda n: progress(f"{n} MLmodel files read"))

    mlmodels = Fetched.run(read_files)
    return Gathered(experiments, runs, models, versions, lookups, mlmodels)


def _listed(listing: Pages[T]) -> tuple[Pages[T], list[str]]:
    return listing, listing.raw


def _silent(error: Unavailable | CollectError) -> bool:
    """No answer at all (refused, timed out), as opposed to an HTTP error status or an unusable body.

    A server that answered can still serve other endpoints; one that did not would make each of them wait for its
    timeout and retries.
    """
    return isinstance(error, Unavailable) and error.status is None
