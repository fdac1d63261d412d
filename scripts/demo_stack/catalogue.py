"""The example bank's models, in one place so that the registry, the served metrics and the alert rules agree.

Huaxin Bank (fictional) runs one MLflow service and one Prometheus for all its AI teams: the recommendation team of
the questionnaires (reco-ranking, reco-retrieval), card fraud, credit risk and card marketing.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Feature(BaseModel):
    """A model input: its name and MLflow column type, and today's drift (PSI against the training snapshot)."""

    model_config = ConfigDict(frozen=True)

    name: str
    dtype: str  # MLflow ColSpec type: double, long, string
    psi: float


class Served(BaseModel):
    """A model version that answers online requests, and its share of the model's traffic."""

    model_config = ConfigDict(frozen=True)

    version: int
    share: float


class Serving(BaseModel):
    """How a model service behaves: requests per second, error share, latency and score distributions (cumulative
    shares per histogram bucket), share of inputs with a missing value."""

    model_config = ConfigDict(frozen=True)

    rps: float
    error_ratio: float
    latency_cdf: tuple[float, ...]  # per LATENCY_BUCKETS_S
    score_cdf: tuple[float, ...]  # per SCORE_BUCKETS
    null_ratio: float
    online_metric: tuple[str, float] | None = None  # the model's own quality measured on live traffic (name, value)


class ModelSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    experiment: str
    team: str
    description: str  # empty: the registered model has none
    tags: dict[str, str]
    versions: int
    aliases: dict[str, int]
    stages: dict[int, str] = {}  # legacy registry stages, still used by the credit team
    features: tuple[Feature, ...]
    served: tuple[Served, ...] = ()
    serving: Serving | None = None


LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.08, 0.1, 0.25, 0.5, 1.0)
SCORE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
PSI_ALERT_THRESHOLD = 0.2

RECO_RANKING = ModelSpec(
    name="reco-ranking",
    experiment="reco-ranking",
    team="reco",
    description="Ranks wealth and card products for the mobile banking home page (LightGBM LambdaRank on Feast "
    "feature service ranking_v7). Owner: Zhao Min. Model card: Confluence RECO/Model card reco-ranking.",
    tags={"owner": "zhao.min", "team": "reco", "use_case": "next-best-offer", "risk_tier": "medium"},
    versions=42,
    aliases={"champion": 41, "challenger": 42},
    features=(
        Feature(name="days_since_last_login", dtype="long", psi=0.24),
        Feature(name="txn_amount_30d_v2", dtype="double", psi=0.07),
        Feature(name="product_holdings_count", dtype="long", psi=0.03),
        Feature(name="app_sessions_7d", dtype="long", psi=0.11),
        Feature(name="customer_segment", dtype="string", psi=0.02),
    ),
    served=(Served(version=41, share=0.9), Served(version=42, share=0.1)),
    serving=Serving(
        rps=120.0,
        error_ratio=0.002,
        latency_cdf=(0.05, 0.31, 0.78, 0.95, 0.993, 0.997, 0.9995, 1.0, 1.0),
        score_cdf=(0.34, 0.55, 0.69, 0.79, 0.86, 0.91, 0.95, 0.975, 0.992, 1.0),
        null_ratio=0.004,
        online_metric=("ctr", 0.043),
    ),
)

RECO_RETRIEVAL = ModelSpec(
    name="reco-retrieval",
    experiment="reco-retrieval",
    team="reco",
    description="Two-tower retrieval model: picks 500 candidate products per customer for reco-ranking.",
    tags={"owner": "zhao.min", "team": "reco", "use_case": "next-best-offer"},
    versions=3,
    aliases={"champion": 3},
    features=(
        Feature(name="customer_embedding_v3", dtype="string", psi=0.05),
        Feature(name="app_sessions_7d", dtype="long", psi=0.11),
    ),
    served=(Served(version=3, share=1.0),),
    serving=Serving(
        rps=120.0,
        error_ratio=0.001,
        latency_cdf=(0.0, 0.02, 0.41, 0.88, 0.982, 0.994, 0.9992, 1.0, 1.0),
        score_cdf=(0.02, 0.08, 0.19, 0.35, 0.52, 0.68, 0.81, 0.91, 0.97, 1.0),
        null_ratio=0.0,
        online_metric=("recall_at_100", 0.61),
    ),
)

CARD_FRAUD = ModelSpec(
    name="card-fraud",
    experiment="card-fraud-detection",
    team="fraud-analytics",
    description="Scores card authorisations for fraud in real time; scores above 0.92 are held for review.",
    tags={"owner": "chen.jing", "team": "fraud-analytics", "use_case": "card-fraud", "risk_tier": "high"},
    versions=6,
    aliases={"champion": 5, "challenger": 6},
    features=(
        Feature(name="amount", dtype="double", psi=0.04),
        Feature(name="merchant_category", dtype="string", psi=0.06),
        Feature(name="card_present", dtype="long", psi=0.01),
        Feature(name="txn_count_1h", dtype="long", psi=0.09),
    ),
    served=(Served(version=5, share=1.0),),
    serving=Serving(
        rps=300.0,
        error_ratio=0.0005,
        latency_cdf=(0.22, 0.71, 0.97, 0.995, 0.999, 0.9995, 1.0, 1.0, 1.0),
        score_cdf=(0.962, 0.981, 0.989, 0.993, 0.995, 0.996, 0.997, 0.998, 0.999, 1.0),
        null_ratio=0.0001,
        online_metric=("precision", 0.88),
    ),
)

CREDIT_PD = ModelSpec(
    name="credit-scoring-pd",
    experiment="credit-scoring-pd",
    team="credit-risk-analytics",
    description="Probability of default of retail loan applicants (scorecard with gradient boosting challenger); "
    "scored nightly in batch.",
    tags={"owner": "wang.fang", "team": "credit-risk-analytics", "use_case": "loan-origination", "risk_tier": "high"},
    versions=5,
    aliases={},
    stages={4: "Production", 2: "Archived"},
    features=(
        Feature(name="annual_income", dtype="double", psi=0.0),
        Feature(name="debt_to_income", dtype="double", psi=0.0),
        Feature(name="credit_history_months", dtype="long", psi=0.0),
        Feature(name="delinquencies_24m", dtype="long", psi=0.0),
    ),
)

CARD_MARKETING = ModelSpec(
    name="card-marketing-response",
    experiment="card-marketing-response",
    team="card-marketing",
    description="Response propensity of card holders to the monthly spending campaign (logistic regression).",
    tags={},
    versions=1,
    aliases={"champion": 1},
    features=(Feature(name="spend_90d", dtype="double", psi=0.0), Feature(name="tenure_months", dtype="long", psi=0.0)),
)

MODELS: tuple[ModelSpec, ...] = (RECO_RANKING, RECO_RETRIEVAL, CARD_FRAUD, CREDIT_PD, CARD_MARKETING)
SERVED_MODELS: tuple[ModelSpec, ...] = tuple(m for m in MODELS if m.serving is not None)


def drifting_features() -> list[tuple[str, str]]:
    """(model, feature) pairs whose PSI is above the alert threshold: the drift alerts that fire in the demo."""
    return [(m.name, f.name) for m in SERVED_MODELS for f in m.features if f.psi > PSI_ALERT_THRESHOLD]
