"""Feature transformations shared by training and serving: one scikit-learn pipeline, fitted once in training and
logged with the model, so that serving applies exactly the same steps."""

from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

NUMERIC = ["purchases_30d", "avg_balance", "days_since_last_login"]
CATEGORICAL = ["segment", "channel"]


def recency_bucket(days_since_last_purchase: float) -> int:
    if days_since_last_purchase < 7:
        return 0
    if days_since_last_purchase < 30:
        return 1
    return 2


def feature_pipeline() -> Pipeline:
    columns = ColumnTransformer(
        [
            ("numeric", StandardScaler(), NUMERIC),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
            ("recency", FunctionTransformer(lambda x: x.map(recency_bucket)), ["days_since_last_purchase"]),
        ]
    )
    return Pipeline([("columns", columns)])
