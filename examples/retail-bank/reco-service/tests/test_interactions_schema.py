"""The prepared interactions keep the schema the feature pipeline expects."""

from reco.features import CATEGORICAL, NUMERIC


def test_schema_columns_are_disjoint():
    assert not set(NUMERIC) & set(CATEGORICAL)
