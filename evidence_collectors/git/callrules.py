"""Calls that show a practice, per platform SDK (read by `pyast`): registering a model, logging runs, searching
hyperparameters, deploying to an online endpoint, versioning a dataset and monitoring a deployed model.

A rule names the resolved call (`mlflow.register_model`); calls on objects whose type the parser cannot know (a boto3
client passed around, `run.log` on a run handed in) are matched by method name and require the file to import the SDK.
"""

from __future__ import annotations

from evidence_collectors.git.pyast import Rule

_AZ = ("azureml", "azure.ai.ml")
_GCP = ("google.cloud.aiplatform", "google.cloud", "vertexai")
_AWS = ("sagemaker", "boto3")
_WATSON = ("ibm_watson_machine_learning", "ibm_watsonx_ai")

REGISTRATION = [
    Rule("mlflow", r"^mlflow(\.\w+)*\.register_model$"),
    Rule("mlflow", r"^mlflow(\.\w+)*\.log_model$", keyword="registered_model_name"),
    Rule(
        "mlflow",
        r"\.(create_model_version|create_registered_model|transition_model_version_stage|set_registered_model_alias)$",
        imports=("mlflow",),
    ),
    Rule("azureml", r"^azureml\.core(\.model)?\.Model\.register$"),
    Rule("azureml", r"\.register_model$", imports=_AZ),
    Rule("azureml", r"\.models\.create_or_update$", imports=_AZ),
    Rule("vertex_ai", r"^google\.cloud\.aiplatform(_v1\w*)?\.Model\.upload(_\w+)?$", words=("Model.upload",)),
    Rule("vertex_ai", r"^vertexai(\.\w+)*\.Model\.upload$", words=("Model.upload",)),
    # a training job run with a model name uploads the trained model as a (new version of a) registered model
    Rule(
        "vertex_ai",
        r"^google\.cloud\.aiplatform(\.\w+)*\.\w*TrainingJob\(\)\.run$",
        keyword="model_display_name",
        words=("TrainingJob",),
    ),
    Rule("vertex_ai", r"^google\.cloud\.aiplatform(\.\w+)*\.ModelRegistry$", words=("ModelRegistry",)),
    # Google Cloud Pipeline Components: the upload step of a Vertex pipeline
    Rule("vertex_ai", r"^google_cloud_pipeline_components(\.\w+)*\.ModelUploadOp$", words=("ModelUploadOp",)),
    Rule("sagemaker", r"^sagemaker\.workflow\.step_collections\.RegisterModel$"),
    Rule("sagemaker", r"\.create_model_package(_group)?$", imports=_AWS),
    Rule("sagemaker", r"^sagemaker(\.\w+)*\.ModelPackage$"),
    Rule("sagemaker", r"^sagemaker(\.\w+)*\.\w*(Model|Estimator)\(\)\.register$", words=("register",)),
    Rule("watson_ml", r"\.repository\.store_model$", imports=_WATSON),
    Rule("modelarts", r"^modelarts\.model\.Model$", words=("Model",)),
    # W&B: an artifact linked into the model registry
    Rule("wandb", r"\.(link_model|link_artifact)$", imports=("wandb",)),
    Rule("wandb", r"\.link$", imports=("wandb",), keyword="target_path"),
    # ZenML Model Control Plane: a pipeline or step run under a Model records a model version
    Rule("zenml", r"^zenml(\.\w+)*\.(Model|ModelVersion)$", words=("Model",)),
]

TRACKING = [
    Rule("azureml_run", r"^azureml\.core(\.run)?\.Run(\.get_context\(\)|\(\))\.log(_\w+)?$", words=("log",)),
    Rule("azureml_run", r"\.log(_row|_list|_table|_image)?$", imports=("azureml.core.run", "azureml.core.Run")),
    Rule("vertex_experiments", r"^google\.cloud\.aiplatform\.(log_metrics|log_params|start_run)$"),
    Rule("sagemaker_experiments", r"^sagemaker\.experiments(\.run)?\.(Run|load_run)$", words=("Run", "load_run")),
    Rule("tensorboard", r"^tensorflow(\.\w+)*\.keras\.callbacks\.TensorBoard$", words=("TensorBoard",)),
    Rule("tensorboard", r"^keras\.callbacks\.TensorBoard$", words=("TensorBoard",)),
    Rule("tensorboard", r"^tensorflow\.summary\.create_file_writer$", words=("create_file_writer",)),
    # ZenML run metadata: metrics and parameters logged per pipeline run or model version
    Rule("zenml", r"^zenml(\.\w+)*\.log_(metadata|model_metadata|step_metadata)$", words=("log_",)),
]

TUNING = [
    Rule("vertex_tuning", r"^google\.cloud\.aiplatform\.HyperparameterTuningJob$"),
    Rule("hypertune", r"^hypertune\.HyperTune\(\)\.report_hyperparameter_tuning_metric$", words=("HyperTune",)),
    Rule("hypertune", r"^hypertune\.HyperTune$"),
    Rule("sagemaker_tuning", r"^sagemaker\.tuner\.HyperparameterTuner$"),
    Rule("hyperopt", r"^hyperopt\.fmin$"),
]

SERVING = [
    Rule(
        "vertex_endpoint",
        r"^google\.cloud\.aiplatform\.(Model|Endpoint)(\(\)|\.\w+\(\))?\.deploy$",
        words=(".deploy(",),
    ),
    Rule("vertex_endpoint", r"\.deploy$", imports=("google.cloud.aiplatform",), words=(".deploy(",)),
    Rule("vertex_endpoint", r"^google_cloud_pipeline_components(\.\w+)*\.ModelDeployOp$", words=("ModelDeployOp",)),
    Rule("sagemaker_endpoint", r"\.create_endpoint$", imports=_AWS),
    # any SageMaker model or estimator object deployed (`PyTorchModel(...).deploy`, `estimator.deploy`)
    Rule("sagemaker_endpoint", r"^sagemaker(\.\w+)*\.\w+\(\)\.deploy$", words=("deploy",)),
    Rule("watson_ml_deployment", r"\.deployments\.create$", imports=_WATSON),
    Rule("modelarts_service", r"\.deploy_predictor$", imports=("modelarts",)),
    Rule("azureml_endpoint", r"^azureml\.core\.(model\.)?Model\.deploy$", words=("deploy",)),
    Rule("azureml_endpoint", r"\.online_endpoints\.begin_create_or_update$", imports=_AZ),
]

DATA_VERSIONS = [
    Rule("azureml_datasets", r"\.register$", imports=("azureml",), keyword="create_new_version=true"),
    Rule("azureml_datasets", r"\.data\.create_or_update$", imports=_AZ),
]

MONITORING = [
    Rule("evidently", r"^evidently(\.\w+)*\.(Report|TestSuite)$", words=("Report", "TestSuite")),
    Rule("evidently", r"^evidently(\.\w+)*\.Report\(\)\.run$", words=("run",)),
    Rule("whylogs", r"^whylogs(\.\w+)*\.log$", words=("log",)),
    Rule("nannyml", r"^nannyml\.\w+", words=("nannyml", "nml")),
    Rule("alibi_detect", r"^alibi_detect\.cd\.\w+Drift$", words=("Drift",)),
    Rule(
        "sagemaker_model_monitor",
        r"^sagemaker\.model_monitor\.\w*(ModelMonitor|QualityMonitor|BiasMonitor|ExplainabilityMonitor)$",
        words=("Monitor",),
    ),
    Rule("sagemaker_model_monitor", r"\.create_monitoring_schedule$", imports=_AWS),
    Rule(
        "vertex_model_monitoring",
        r"\.ModelDeploymentMonitoringJob(\.create)?$",
        imports=_GCP,
        words=("ModelDeploymentMonitoringJob",),
    ),
    Rule("vertex_model_monitoring", r"\.create_model_deployment_monitoring_job$", imports=_GCP),
    Rule("vertex_model_monitoring", r"\.batch_predict$", imports=_GCP, keyword="model_monitoring_objective_config"),
    Rule("watson_openscale", r"\.monitor_instances\.create$", imports=("ibm_watson_openscale",)),
    Rule("azure_app_insights", r"\.(update|deploy_configuration)$", imports=_AZ, keyword="enable_app_insights=true"),
]

FEATURE_STORE = [
    Rule("sagemaker_feature_store", r"^sagemaker\.feature_store(\.\w+)*\.FeatureGroup$", words=("FeatureGroup",)),
    Rule(
        "sagemaker_feature_store",
        r"\.(describe_feature_group|create_feature_group|batch_get_record)$",
        imports=_AWS,
    ),
    Rule(
        "vertex_feature_store",
        r"^google\.cloud\.aiplatform\.(Featurestore|EntityType|Feature)(\.create)?$",
        words=("Featurestore", "EntityType"),
    ),
]
