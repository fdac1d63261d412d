"""Weighted routing between two models written by hand, in the shapes besides an `if` on `random.random()`: a hash
bucket of the user (each user always on the same side) and a weighted random choice of the model. Near misses (a hash
or a choice that picks no model, or one model on both sides) stay negative."""

from __future__ import annotations

from typing import cast

import pytest

from evidence_collectors.git.handwritten import weighted_model_routing
from evidence_collectors.git.snapshot import Snapshot
from tests.collectors.test_git_loop_grid import _Files

HASHED = """
import zlib


def predict(user_id: str, features):
    if zlib.crc32(user_id.encode()) % 100 < 20:
        return challenger.predict([features])[0]
    return champion.predict([features])[0]
"""
HASHED_ELSE = """
import hashlib


def route(user, x):
    if int(hashlib.md5(user.encode()).hexdigest(), 16) % 10 == 0:
        y = model_b.predict(x)
    else:
        y = model_a.predict(x)
    return y
"""
CHOICES = """
import random


def predict(features):
    model = random.choices([champion, challenger], weights=[0.9, 0.1])[0]
    return model.predict([features])[0]
"""
NUMPY_CHOICE = """
import numpy as np


async def predict(features):
    picked = np.random.choice((model_v1, model_v2), p=[0.5, 0.5])
    return picked.predict(features)
"""


@pytest.mark.parametrize(
    ("code", "how"),
    [
        (HASHED, "hashed share of users per model"),
        (HASHED_ELSE, "hashed share of users per model"),
        (CHOICES, "weighted random choice of model"),
        (NUMPY_CHOICE, "weighted random choice of model"),
    ],
    ids=["crc32", "md5-else", "random-choices", "numpy-choice"],
)
def test_a_share_of_users_or_requests_per_model_is_weighted_routing(code: str, how: str) -> None:
    [hit] = weighted_model_routing(cast(Snapshot, _Files({"serve/app.py": code})))
    assert (hit.tool, hit.call) == ("weighted_routing", how)


HASH_FOR_CACHE = """
import zlib


def predict(user_id, features):
    if zlib.crc32(user_id.encode()) % 100 < 5:
        log_sample(user_id, features)
    return model.predict([features])[0]
"""
ONE_MODEL_BOTH_SIDES = """
def predict(user_id, features):
    if hash(user_id) % 2 == 0:
        return model.predict([features])[0]
    return model.predict([features])[0]
"""
CHOICE_OF_DATA = """
import random


def predict(features):
    prompt = random.choices(["short", "long"], weights=[3, 1])[0]
    return model.predict(features, style=prompt)
"""
UNWEIGHTED_CHOICE = """
import random


def predict(features):
    model = random.choice([champion, challenger])
    return model.predict(features)
"""


@pytest.mark.parametrize(
    "code",
    [HASH_FOR_CACHE, ONE_MODEL_BOTH_SIDES, CHOICE_OF_DATA, UNWEIGHTED_CHOICE],
    ids=["hash-samples-a-log", "one-model", "choice-of-data", "unweighted-choice"],
)
def test_shares_that_pick_no_second_model_stay_negative(code: str) -> None:
    assert weighted_model_routing(cast(Snapshot, _Files({"serve/app.py": code}))) == []
