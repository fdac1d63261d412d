from datetime import timedelta

from feast import Entity, FeatureView, Field
from feast.types import Float32, Int64

customer = Entity(name="customer", join_keys=["customer_id"])

customer_activity = FeatureView(
    name="customer_activity",
    entities=[customer],
    ttl=timedelta(days=30),
    schema=[Field(name="purchases_30d", dtype=Int64), Field(name="avg_balance", dtype=Float32)],
)
