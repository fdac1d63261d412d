"""A grid search written as a plain Python loop (the shape of many real training scripts): the loop's variable set as
a model hyperparameter, by keyword, in a parameter dict or by item assignment, with a fit or training call in the
loop. Loops that look alike but search nothing stay negative."""

from __future__ import annotations

from typing import cast

import pytest

from evidence_collectors.git.handwritten import loop_grid_searches
from evidence_collectors.git.snapshot import Snapshot


class _Files:
    """What the rule reads of a snapshot: the files' bytes and their text."""

    def __init__(self, files: dict[str, str]) -> None:
        self.contents = {path: text.encode() for path, text in files.items()}

    def text(self, path: str) -> str:
        return self.contents[path].decode()


def _found(code: str, path: str = "src/train.py") -> list[str]:
    return [hit.call for hit in loop_grid_searches(cast(Snapshot, _Files({path: code})))]


KEYWORD = """
for depth in [2, 4, 8]:
    model = DecisionTreeClassifier(max_depth=depth)
    model.fit(x, y)
"""
NESTED_DICT = """
for max_depth in [3, 5]:
    for lr in [0.01, 0.1]:
        params = {"objective": "binary:logistic", "max_depth": max_depth, "learning_rate": lr}
        booster = xgb.train(params, dtrain, num_boost_round=100)
"""
ITEM_AND_CV = """
for max_depth, child in grid:
    params["max_depth"] = max_depth
    results = xgb.cv(params, dtrain, nfold=5)
"""
TUPLE_TARGET_TRAINER = """
for i, lr in enumerate([1e-3, 1e-4]):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    train(model, optimizer, loader)
"""


@pytest.mark.parametrize(
    ("code", "set_"),
    [(KEYWORD, "max_depth"), (NESTED_DICT, "max_depth"), (ITEM_AND_CV, "max_depth"), (TUPLE_TARGET_TRAINER, "lr")],
    ids=["keyword", "dict", "item-and-cv", "tuple-target"],
)
def test_a_loop_fitting_per_hyperparameter_value_is_a_search(code: str, set_: str) -> None:
    assert _found(code) == [f"loop sets {set_} and fits each time"]


EPOCHS = """
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
for epoch in range(epochs):
    model.train()
    for batch in loader:
        loss_fn(model(batch)).backward()
        optimizer.step(epochs=epochs)
"""
BATCH_SIZES_TIMED = """
for batch_size in [1, 8, 32]:
    loader = DataLoader(dataset, batch_size=batch_size)
    model.eval()
    time_inference(model, loader)
"""
SEEDS = """
for seed in [0, 1, 2]:
    model = RandomForestClassifier(random_state=seed, max_depth=8)
    model.fit(x, y)
"""
FILES = """
for path in files:
    frame = read_csv(path)
    model.fit(frame, learning_rate=0.1)
"""


@pytest.mark.parametrize(
    "code", [EPOCHS, BATCH_SIZES_TIMED, SEEDS, FILES], ids=["epochs", "batch-sizes-timed", "seeds", "files"]
)
def test_loops_that_search_nothing_stay_negative(code: str) -> None:
    assert _found(code) == []


def test_a_search_in_tests_or_examples_is_not_the_projects_own() -> None:
    assert _found(KEYWORD, "tests/test_train.py") == []
    assert _found(KEYWORD, "examples/tree_depth.py") == []
