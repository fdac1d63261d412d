"""Model signatures: MLflow keeps them only in each model's MLmodel file, so the newest version's file is read."""

from __future__ import annotations

from collections.abc import Callable

from evidence_collectors import yamlio
from evidence_collectors.http import CollectError, Unavailable
from evidence_collectors.mlflow.api import MlflowApi, not_found
from evidence_collectors.mlflow.registry import SignatureCheck
from evidence_collectors.mlflow.shapes import ModelVersion

MAX_CONSECUTIVE_OUTAGES = 3  # an artifact store that does not answer three times in a row is not asked again
MAX_MLMODEL_BYTES = 4 * 1024 * 1024  # an MLmodel file is a few KB; parsed YAML costs many times its size in memory


def has_signature(mlmodel: bytes) -> bool:
    """True when the MLmodel file declares a signature with inputs or outputs. Raises yamlio.YAMLError."""
    doc = yamlio.load(mlmodel)
    signature = doc.get("signature") if isinstance(doc, dict) else None
    return isinstance(signature, dict) and bool(signature.get("inputs") or signature.get("outputs"))


def check_signatures(
    api: MlflowApi, versions: list[ModelVersion], progress: Callable[[int], None] = lambda n: None
) -> tuple[list[SignatureCheck], list[str]]:
    """Read each version's MLmodel file; returns the checks and the hashes of the files read.

    A missing file (404) is a definite answer: the version is not an MLflow model with a signature. Anything else that
    prevents reading is recorded as unread; a persistent outage raises Unavailable when nothing could be read at all.
    """
    checks: list[SignatureCheck] = []
    raw: list[str] = []
    outages = 0
    for n, v in enumerate(versions):
        try:
            body, sha = api.mlmodel(v.name, v.version)
            raw.append(sha)
            if len(body) > MAX_MLMODEL_BYTES:
                size = f"{len(body) / 1024**2:.0f} MB"
                checks.append(SignatureCheck(v.name, v.version, None, f"MLmodel file of {size}, too large to be one"))
            else:
                checks.append(SignatureCheck(v.name, v.version, has_signature(body)))
            outages = 0
        except CollectError as exc:
            if not_found(exc):
                checks.append(SignatureCheck(v.name, v.version, False, "no MLmodel file"))
            else:
                checks.append(SignatureCheck(v.name, v.version, None, str(exc)))
        except yamlio.YAMLError:
            checks.append(SignatureCheck(v.name, v.version, False, "MLmodel file is not valid YAML"))
        except Unavailable as exc:
            checks.append(SignatureCheck(v.name, v.version, None, str(exc)))
            outages += 1
            if outages >= MAX_CONSECUTIVE_OUTAGES:
                if not any(c.signature is not None for c in checks):
                    raise Unavailable(f"MLmodel files cannot be read: {exc}") from None
                checks += [
                    SignatureCheck(w.name, w.version, None, f"not asked after {outages} outages: {exc}")
                    for w in versions[n + 1 :]
                ]
                break
        progress(n + 1)
    return checks, raw
