"""The serving image answers the KServe v1 protocol with one ranked list per customer (run against a local container)."""

import os

import requests

URL = os.environ.get("RECO_URL", "http://localhost:8080/v1/models/reco-ranking:predict")


def test_ranked_list_per_customer():
    body = {"instances": [{"customer_id": "c-001"}, {"customer_id": "c-002"}]}
    answer = requests.post(URL, json=body, timeout=5).json()
    assert len(answer["predictions"]) == 2
    assert all(len(p["products"]) == 10 for p in answer["predictions"])


def test_unknown_customer_gets_popularity_ranking():
    answer = requests.post(URL, json={"instances": [{"customer_id": "new"}]}, timeout=5).json()
    assert answer["predictions"][0]["fallback"] == "popularity"
