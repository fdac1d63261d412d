from reco.features import feature_pipeline, recency_bucket


def test_recency_buckets():
    assert [recency_bucket(d) for d in (1, 10, 90)] == [0, 1, 2]


def test_boundaries():
    assert recency_bucket(7) == 1
    assert recency_bucket(30) == 2


def test_pipeline_has_one_column_step():
    assert [name for name, _ in feature_pipeline().steps] == ["columns"]
