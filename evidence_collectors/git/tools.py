"""Which ML tools the code uses: a tool counts when a Python file or notebook imports it (and, where a bare import
proves little, also uses its defining construct, e.g. an Airflow `DAG(`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence_collectors.git import prefilter
from evidence_collectors.git.code_index import CodeIndex


@dataclass(frozen=True)
class ToolSpec:
    imports: tuple[str, ...] = ()  # importing any of these suffices (unless `both`)
    code: str = ""  # or a match of this regex in the source ...
    within: tuple[str, ...] = ()  # ... of files importing one of these (all files when empty)
    packages: tuple[str, ...] = ()  # distribution names in dependency files
    both: bool = False  # import AND code match required (a bare import of an orchestrator proves little)

    def pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.code, re.MULTILINE) if self.code else None


def _t(imports: str = "", code: str = "", packages: str = "", within: str = "") -> ToolSpec:
    return ToolSpec(tuple(imports.split()), code, tuple(within.split()), tuple(packages.split() or imports.split()[:1]))


def _p(imports: str, code: str, packages: str = "") -> ToolSpec:
    return ToolSpec(tuple(imports.split()), code, (), tuple(packages.split() or imports.split()[:1]), both=True)


EXPERIMENT_TRACKING = {
    # a run logged, not only a model loaded from the registry (serving code imports mlflow too)
    "mlflow": _p(
        "mlflow ray.air.integrations.mlflow ray.tune.integration.mlflow",
        r"\bmlflow\.(?:log_\w+|start_run|autolog|set_experiment|pipelines|recipes|\w+\.(?:autolog|log_model))\b"
        r"|^\s*(?:log_metrics?|log_params?|log_artifacts?|start_run|autolog)\s*\("
        r"|\b(?:MLflowLoggerCallback|MLflowCallback|setup_mlflow)\s*\(",  # Ray, Transformers, Ray Tune
        packages="mlflow mlflow-skinny",
    ),
    "wandb": _t("wandb"),
    "comet": _t("comet_ml", packages="comet-ml comet_ml"),
    "neptune": _t("neptune neptune_client", packages="neptune neptune-client"),
    "clearml": _t("clearml"),
    "tensorboard": _t("torch.utils.tensorboard tensorboardX tensorboard", packages="tensorboard tensorboardX"),
    "aim": _t("aim"),
    "dvclive": _t("dvclive"),
    "sacred": _t("sacred"),
    "guildai": _t("guild", packages="guildai"),
}

HYPERPARAMETER_SEARCH = {
    # a study or a search space, not a bare import (a service that unpickles a model may import optuna)
    "optuna": _p(
        "optuna",
        r"\boptuna\.\w+|\b(create_study|load_study)\s*\(|\.optimize\s*\(|\.suggest_(float|int|categorical)\s*\(",
    ),
    "hyperopt": _t("hyperopt"),
    "ray_tune": _t("ray.tune", packages="ray"),
    "sklearn_search": _t(
        code=r"\b(GridSearchCV|RandomizedSearchCV|HalvingGridSearchCV|HalvingRandomSearchCV)\s*\(",
        packages="scikit-learn",
        within="sklearn",
    ),
    "keras_tuner": _t("keras_tuner kerastuner", packages="keras-tuner keras_tuner"),
    "scikit_optimize": _t("skopt", packages="scikit-optimize"),
    "nevergrad": _t("nevergrad"),
    "ax": _t("ax.service ax.plot", packages="ax-platform"),
    "flaml": _t("flaml"),
    "smac": _t("smac"),
    "nni": _t("nni"),
    "syne_tune": _t("syne_tune", packages="syne-tune"),
    "wandb_sweeps": _t(code=r"\bwandb\.(sweep|agent)\s*\(", within="wandb"),
}

DATA_VALIDATION = {
    "great_expectations": _t("great_expectations gx", packages="great-expectations great_expectations"),
    "pandera": _t("pandera"),
    "deepchecks": _t("deepchecks"),
    # Evidently reports and whylogs profiles watch drift (monitoring); they validate data through test suites and
    # constraints. TFDV validates when statistics are checked against a schema, not when they are only shown.
    "evidently": _p("evidently", r"\bTestSuite\s*\("),
    "tfdv": _p(
        "tensorflow_data_validation",
        r"\b(validate_statistics|validate_examples_in_\w+|infer_schema|display_anomalies)\s*\(",
        packages="tensorflow-data-validation",
    ),
    "tfx_example_validator": _p("tfx", r"\b(ExampleValidator|SchemaGen)\s*\(", packages="tfx"),
    "soda": _t("soda", packages="soda-core"),
    "whylogs": _p("whylogs", r"\bconstraints\b"),
    "pointblank": _t("pointblank"),
    "frictionless": _t("frictionless"),
    "ydata_profiling": _t("ydata_profiling pandas_profiling", packages="ydata-profiling pandas-profiling"),
    "sweetviz": _t("sweetviz"),
}

FEATURE_STORE = {
    "feast": _t("feast"),
    "tecton": _t("tecton"),
    "hopsworks": _t("hopsworks hsfs"),
    "featureform": _t("featureform"),
    "databricks_feature_store": _t(
        "databricks.feature_store databricks.feature_engineering",
        packages="databricks-feature-store databricks-feature-engineering",
    ),
    "sagemaker_feature_store": _t("sagemaker.feature_store", packages="sagemaker"),
}

# A web framework serves a model when the same file loads or calls one (a docs site or a feature lookup API does not).
_MODEL_USE = (
    r"\b(joblib|pickle|cloudpickle|dill|torch)\.load\s*\(|load_model\s*\(|from_pretrained\s*\(|InferenceSession\s*\("
    r"|\bBooster\s*\(|\.predict(_proba)?\s*\(|\bpipeline\s*\(|\.generate\s*\(|\bpredictor\b|\bmodel\s*\("
)

SERVING = {
    "fastapi": _p("fastapi", _MODEL_USE),
    "flask": _p("flask", _MODEL_USE),
    "bentoml": _t("bentoml"),
    "torchserve": _t("ts.torch_handler ts.context", packages="torchserve"),
    "kserve": _t("kserve"),
    "seldon": _t("seldon_core", packages="seldon-core"),
    "mlserver": _t("mlserver"),
    "ray_serve": _t("ray.serve", packages="ray"),
    "triton": _t("tritonclient triton_python_backend_utils", packages="tritonclient"),
    "litserve": _t("litserve"),
    "vllm": _t("vllm"),
    "mlflow_serving": _t(
        code=r"mlflow\.pyfunc\.scoring_server|mlflow models serve|mlflow\.deployments", within="mlflow"
    ),
    "grpc": _t(code=r"add_\w+Servicer_to_server|grpc\.server\(", packages="grpcio", within="grpc"),
}

PIPELINE_CODE = {
    "airflow": _p("airflow", r"\bDAG\s*\(|@dag\b|@task\b"),
    "kubeflow": _p("kfp", r"@(kfp\.)?(dsl\.)?pipeline\b|@(dsl\.)?component\b|@(dsl\.)?container_component\b"),
    "prefect": _p("prefect", r"@flow\b"),
    "zenml": _p("zenml", r"@pipeline\b"),
    "metaflow": _p("metaflow", r"\bFlowSpec\b"),
    "dagster": _p("dagster", r"@(job|graph|asset|op)\b|\bDefinitions\s*\("),
    "flyte": _p("flytekit", r"@workflow\b"),
    "kedro": _p("kedro", r"\bPipeline\s*\(|\bpipeline\s*\(\s*\[|\bnode\s*\("),
    "tfx": _p("tfx", r"\bPipeline\s*\("),
    "luigi": _p("luigi", r"luigi\.Task\b|\(Task\)"),
    "sagemaker_pipelines": _p("sagemaker.workflow", r"\bPipeline\s*\(", packages="sagemaker"),
    "azureml_pipelines": _p(
        "azure.ai.ml.dsl azureml.pipeline", r"@(dsl\.)?pipeline\b|\bPipeline\s*\(", packages="azure-ai-ml"
    ),
    "vertex_pipelines": _p("google.cloud.aiplatform", r"\bPipelineJob\s*\(", packages="google-cloud-aiplatform"),
}

MODEL_CONVERSION = {
    "onnx": _t("onnx onnxruntime skl2onnx tf2onnx onnxmltools", r"torch\.onnx\.export\s*\(", within="torch"),
    "tensorrt": _t("tensorrt torch_tensorrt"),
    "openvino": _t("openvino"),
    "tflite": _t("tflite_runtime", r"TFLiteConverter|\btflite\b", within="tensorflow keras"),
    "torchscript": _t(code=r"torch\.jit\.(trace|script)\s*\(", within="torch"),
    "coreml": _t("coremltools"),
    "tvm": _t("tvm", packages="apache-tvm"),
    "quantization": _t(
        "bitsandbytes optimum.onnxruntime optimum.intel onnxruntime.quantization",
        r"torch\.(ao\.)?quantization|quantize_dynamic\s*\(",
        within="torch",
    ),
}

DATA_VERSIONING_CODE = {
    "dvc": _t("dvc.api dvc.repo", packages="dvc"),
    "lakefs": _t("lakefs lakefs_client lakefs_sdk", r"lakefs://"),
    "delta_lake": _t(
        "delta deltalake",
        r"""\.format\(\s*["']delta["']\s*\)|\bDeltaTable\b""",
        packages="delta-spark deltalake",
        within="pyspark",
    ),
    "datalad": _t("datalad"),
    "quilt": _t("quilt3"),
    "deeplake": _t("deeplake hub"),
    "iceberg": _t("pyiceberg", r"""\.format\(\s*["']iceberg["']\s*\)""", within="pyspark"),
}


def detect(index: CodeIndex, specs: dict[str, ToolSpec]) -> dict[str, list[str]]:
    """tool -> sorted paths of the files that use it (tools not found are left out)."""
    found: dict[str, list[str]] = {}
    for tool, spec in specs.items():
        files = index.importing(spec.imports) if spec.imports else []
        pattern = spec.pattern()
        if pattern is not None:
            pool = files if spec.both else index.importing(spec.within) if spec.within else index.files
            hits = [f for f in pool if prefilter.search(pattern, f.text)]
            files = hits if spec.both else [*files, *hits]
        if files:
            found[tool] = sorted({f.path for f in files})
    return found


def declared(packages: set[str], specs: dict[str, ToolSpec]) -> set[str]:
    """Tools whose distribution appears in a dependency file."""
    normal = {p.lower().replace("_", "-") for p in packages}
    return {tool for tool, spec in specs.items() if any(p.lower().replace("_", "-") in normal for p in spec.packages)}


# --- development practices (Part 1): labelling, label quality, metrics, early stopping, feature transformations ---

LABELLING = {
    "label_studio": _t("label_studio_sdk label_studio label_studio_tools", packages="label-studio label-studio-sdk"),
    "label_studio_ml_backend": _t("label_studio_ml", packages="label-studio-ml"),
    "cvat": _t("cvat_sdk cvat_cli", packages="cvat-sdk cvat-cli"),
    "doccano": _t("doccano_client doccano_api_client", packages="doccano-client"),
    "labelbox": _t("labelbox"),
    "prodigy": _t("prodigy"),
    "argilla": _t("argilla rubrix", packages="argilla"),
    "supervisely": _t("supervisely"),
    "roboflow": _t("roboflow"),
}

LABEL_QUALITY = {
    "inter_annotator_agreement": _t(
        "krippendorff statsmodels.stats.inter_rater nltk.metrics.agreement",
        r"\b(cohen_kappa_score|fleiss_kappa|krippendorff_alpha)\s*\(|\bAnnotationTask\s*\(",
        packages="krippendorff",
        within="sklearn statsmodels nltk krippendorff",
    ),
    "label_error_detection": _t("cleanlab"),
    "active_learning": _t("modAL small_text baal alipy libact skactiveml", packages="modAL-python small-text baal"),
    "weak_supervision": _t("snorkel"),
}

METRIC_LIBRARIES = {
    "sklearn_metrics": _t("sklearn.metrics", r"\bsklearn\.metrics\.", packages="scikit-learn", within="sklearn"),
    "torchmetrics": _t("torchmetrics"),
    "hf_evaluate": _t(code=r"\bevaluate\.(load|combine|evaluator)\s*\(", packages="evaluate", within="evaluate"),
    "keras_metrics": _t(
        "keras.metrics tensorflow.keras.metrics", r"\b(tf\.)?keras\.metrics\.", within="tensorflow keras"
    ),
    "ignite_metrics": _t("ignite.metrics", packages="pytorch-ignite"),
    "mlflow_evaluate": _t(code=r"\bmlflow\.(models\.)?evaluate\s*\(", within="mlflow"),
    "pycocotools": _t("pycocotools.cocoeval", packages="pycocotools"),
    "seqeval": _t("seqeval"),
    "sacrebleu": _t("sacrebleu"),
    "rouge_score": _t("rouge_score", packages="rouge-score"),
    "jiwer": _t("jiwer"),
    "fairlearn_metrics": _t("fairlearn.metrics", packages="fairlearn"),
}

EARLY_STOPPING = {
    "optuna_pruner": _t(
        "optuna.pruners",
        r"\boptuna\.pruners\.|\b(Median|Hyperband|SuccessiveHalving|Percentile|Threshold|Patient|Wilcoxon)Pruner\s*\(",
        packages="optuna",
        within="optuna",
    ),
    "ray_tune_scheduler": _t(
        "ray.tune.schedulers",
        r"\b(ASHAScheduler|AsyncHyperBandScheduler|HyperBandScheduler|HyperBandForBOHB|MedianStoppingRule"
        r"|PopulationBasedTraining|PB2)\s*\(",
        packages="ray",
        within="ray",
    ),
    "keras_tuner_hyperband": _t(code=r"\bHyperband\s*\(", packages="keras-tuner", within="keras_tuner kerastuner"),
    "sklearn_halving": _t(code=r"\bHalving(Grid|Random)SearchCV\s*\(", packages="scikit-learn", within="sklearn"),
    "hyperopt_early_stop": _t(
        "hyperopt.early_stop", r"\bno_progress_loss\s*\(", packages="hyperopt", within="hyperopt"
    ),
    # the Katib SDK's form of an Experiment's spec.earlyStopping (same name as the manifest finding)
    "katib_early_stopping": _t(
        code=r"(?<!class )\bV1beta1EarlyStoppingSpec\s*\(", packages="kubeflow-katib", within="kubeflow.katib"
    ),
}

FEATURE_PIPELINES = {
    "sklearn_pipeline": _p(
        "sklearn.pipeline sklearn.compose",
        r"\b(Pipeline|make_pipeline|ColumnTransformer|make_column_transformer|FeatureUnion|make_union)\s*\(",
        packages="scikit-learn",
    ),
    "featuretools": _t("featuretools"),
    "feature_engine": _t("feature_engine", packages="feature-engine feature_engine"),
    "category_encoders": _t("category_encoders", packages="category-encoders category_encoders"),
    "tsfresh": _t("tsfresh"),
    "spark_ml_pipeline": _p("pyspark.ml", r"\bPipeline\s*\(|\bVectorAssembler\s*\(", packages="pyspark"),
    "tf_transform": _t("tensorflow_transform", packages="tensorflow-transform"),
    "nvtabular": _t("nvtabular"),
}

DATA_PROFILING = {
    "ydata_profiling": _t("ydata_profiling pandas_profiling", packages="ydata-profiling pandas-profiling"),
    "sweetviz": _t("sweetviz"),
    "dtale": _t("dtale"),
    "autoviz": _t("autoviz"),
    "dataprep": _t("dataprep.eda", packages="dataprep"),
    "skimpy": _t("skimpy"),
    "lux": _t("lux", packages="lux-api"),
}


def tool_packages() -> set[str]:
    """Distribution names of every tool the code probes know: a repository publishing one of them is that tool."""
    tables = (
        EXPERIMENT_TRACKING,
        HYPERPARAMETER_SEARCH,
        DATA_VALIDATION,
        FEATURE_STORE,
        SERVING,
        PIPELINE_CODE,
        MODEL_CONVERSION,
        DATA_VERSIONING_CODE,
        LABELLING,
    )
    return {p for table in tables for spec in table.values() for p in spec.packages}
