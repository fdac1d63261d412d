"""Code a model server runs, recognised by its shape rather than by one call: SageMaker inference scripts (`model_fn`
with `predict_fn`/`input_fn`/`output_fn`/`transform_fn`, the handlers the SageMaker framework containers call),
ModelArts inference services (a class built on the platform's `*BaseService`), and the keys of a platform request
that switch on model monitoring (a Vertex batch prediction job with `modelMonitoringConfig`)."""

from __future__ import annotations

import re

from evidence_collectors.git.pyast import CallIndex, Hit

_SAGEMAKER_HANDLERS = {"predict_fn", "input_fn", "output_fn", "transform_fn"}
# ModelArts inference runtime: `model_service.<framework>_model_service.<X>BaseService` (also under `mms.`)
_MODELARTS_BASE = re.compile(r"^(mms\.)?model_service(\.\w+)*\.\w*(BaseService|SingleNodeService)$")
_VERTEX_MONITORING_KEYS = {
    "modelMonitoringConfig",
    "model_monitoring_config",
    "modelDeploymentMonitoringObjectiveConfigs",
}


def serving_handlers(calls: CallIndex) -> list[Hit]:
    """Inference entry points of the project's own code that a managed model server loads."""
    hits: list[Hit] = []
    for source in calls.index.files:
        if not source.path.endswith(".py"):
            continue
        if "def model_fn" in source.text:
            functions = calls.facts(source).functions
            handlers = functions & _SAGEMAKER_HANDLERS
            if "model_fn" in functions and handlers:
                what = f"model_fn, {', '.join(sorted(handlers))}"
                hits.append(Hit("sagemaker_inference_script", source.path, 1, what))
        if "BaseService" in source.text or "SingleNodeService" in source.text:
            for base, line in calls.facts(source).bases:
                if _MODELARTS_BASE.match(base):
                    hits.append(Hit("modelarts_service", source.path, line, f"class on {base.rsplit('.', 1)[-1]}"))
                    break
    return hits


_MONITOR_IMAGE = re.compile(r"""^[^#\n]*["'][^"'\n]*sagemaker-model-monitor-analyzer""", re.MULTILINE)


def monitoring_requests(calls: CallIndex) -> list[Hit]:
    """Platform requests of the project's own code that configure model monitoring: Vertex AI monitoring settings,
    and SageMaker processing jobs run on the Model Monitor analyzer image over captured endpoint data."""
    hits: list[Hit] = []
    for source in calls.index.files:
        if "sagemaker-model-monitor-analyzer" in source.text and any(i.startswith("sagemaker") for i in source.imports):
            match = _MONITOR_IMAGE.search(source.text)
            if match:
                line = source.text.count("\n", 0, match.start()) + 1
                hits.append(Hit("sagemaker_model_monitor", source.path, line, "model monitor analyzer image"))
        if not any(i.startswith("google.cloud.aiplatform") for i in source.imports):
            continue
        if not any(k in source.text for k in _VERTEX_MONITORING_KEYS):
            continue
        for key, line in calls.facts(source).keys:
            if key in _VERTEX_MONITORING_KEYS:
                hits.append(Hit("vertex_model_monitoring", source.path, line, key))
                break
    return hits
