"""MLmodel files: MLflow keeps a model's signature, flavors and environment files only there, so the file of each
registered model's newest version and of each released version is read."""

from __future__ import annotations

from collections.abc import Callable

from evidence_collectors import yamlio
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.mlflow.api import MlflowApi, not_found
from evidence_collectors.mlflow.registry import MlmodelFile, SignatureCheck
from evidence_collectors.mlflow.shapes import ModelVersion

MAX_CONSECUTIVE_OUTAGES = 3  # an artifact store that does not answer three times in a row is not asked again
MAX_MLMODEL_BYTES = 4 * 1024 * 1024  # an MLmodel file is a few KB; parsed YAML costs many times its size in memory


def has_signature(mlmodel: bytes) -> bool:
    """True when the MLmodel file declares a signature with inputs or outputs. Raises yamlio.YAMLError."""
    return _signed(yamlio.load(mlmodel))


def _signed(doc: object) -> bool:
    signature = doc.get("signature") if isinstance(doc, dict) else None
    return isinstance(signature, dict) and bool(signature.get("inputs") or signature.get("outputs"))


def is_packaged(doc: object) -> bool:
    """A python_function flavor (what `mlflow models serve` and other MLflow deployment tools load) naming its loader
    module and declaring its environment: `env` is a conda file name (older MLflow) or a map of conda/virtualenv
    file names (MLflow 2 and later)."""
    flavors = doc.get("flavors") if isinstance(doc, dict) else None
    pyfunc = flavors.get("python_function") if isinstance(flavors, dict) else None
    if not isinstance(pyfunc, dict) or not str(pyfunc.get("loader_module") or "").strip():
        return False
    env = pyfunc.get("env")
    if isinstance(env, dict):
        return any(isinstance(f, str) and f.strip() for f in env.values())
    return isinstance(env, str) and bool(env.strip())


def describe(name: str, version: str, mlmodel: bytes) -> MlmodelFile:
    """Raises yamlio.YAMLError."""
    doc = yamlio.load(mlmodel)
    return MlmodelFile(name, version, True, _signed(doc), is_packaged(doc))


def read_mlmodels(
    api: MlflowApi, versions: list[ModelVersion], progress: Callable[[int], None] = lambda n: None
) -> tuple[list[MlmodelFile], list[str]]:
    """Read each version's MLmodel file; returns what each says and the hashes of the files read.

    A missing file (404) is a definite answer: the version is not an MLflow model with a signature. Anything else that
    prevents reading is recorded as unread; a persistent outage raises Unavailable when nothing could be read at all.
    """
    checks: list[MlmodelFile] = []
    raw: list[str] = []
    outages = 0
    for n, v in enumerate(versions):
        try:
            body, sha = api.mlmodel(v.name, v.version)
            raw.append(sha)
            if len(body) > MAX_MLMODEL_BYTES:
                size = f"{len(body) / 1024**2:.0f} MB"
                checks.append(
                    MlmodelFile(v.name, v.version, None, problem=f"MLmodel file of {size}, too large to be one")
                )
            else:
                checks.append(describe(v.name, v.version, body))
            outages = 0
        except CollectError as exc:
            if not_found(exc):
                checks.append(MlmodelFile(v.name, v.version, False, problem="no MLmodel file"))
            else:
                checks.append(MlmodelFile(v.name, v.version, None, problem=str(exc)))
        except yamlio.YAMLError:
            checks.append(MlmodelFile(v.name, v.version, True, problem="MLmodel file is not valid YAML"))
        except Unavailable as exc:
            checks.append(MlmodelFile(v.name, v.version, None, problem=str(exc)))
            outages += 1
            if outages >= MAX_CONSECUTIVE_OUTAGES:
                if not any(c.found is not None for c in checks):
                    raise Unavailable(f"MLmodel files cannot be read: {exc}") from None
                checks += [
                    MlmodelFile(w.name, w.version, None, problem=f"not asked after {outages} outages: {exc}")
                    for w in versions[n + 1 :]
                ]
                break
        progress(n + 1)
    return checks, raw


def as_signature(file: MlmodelFile) -> SignatureCheck:
    """The signature probe's view: a missing file is a version without a signature, an unread one is left out."""
    return SignatureCheck(file.name, file.version, None if file.found is None else file.signature, file.problem)
