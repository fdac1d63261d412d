"""Feature transformations shared by training and serving."""


def recency_bucket(days_since_last_purchase: float) -> int:
    if days_since_last_purchase < 7:
        return 0
    if days_since_last_purchase < 30:
        return 1
    return 2
