"""Practices written by hand in Python rather than through a tool, read from the syntax tree.

- A grid search as a flow fan-out: a Metaflow step fans out with `self.next(..., foreach=...)` and a branch passes
  `self.input` to a model as a hyperparameter (`DecisionTreeClassifier(max_depth=self.input)`). A fan-out over data
  shards or files passes `self.input` to no hyperparameter and is not a search.
- Weighted routing between two models in a server: an `if` on a random draw against a share (`random.random() > 0.2`)
  whose branches predict with different models (champion/challenger, A/B). A random draw that picks no model
  (sampling requests for a log) is not a release strategy.
"""

from __future__ import annotations

import ast

from evidence_collectors.git.pyast import Hit
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot
from evidence_collectors.git.sweeps import HYPERPARAMETERS


def _own_python(snap: Snapshot, *words: bytes) -> list[tuple[str, ast.Module]]:
    """The project's own Python files holding every word (a cheap test before parsing), parsed."""
    found: list[tuple[str, ast.Module]] = []
    for path in snap.contents:
        if not path.endswith(".py") or path_scope(path) != "own":
            continue
        data = snap.contents[path]
        if not all(w in data for w in words):
            continue
        try:
            found.append((path, ast.parse(snap.text(path))))
        except (SyntaxError, ValueError):
            continue
    return found


def _is_self_input(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "input"
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _fans_out(tree: ast.Module) -> bool:
    """A `self.next(..., foreach=...)` call."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "next"
        and any(k.arg == "foreach" for k in node.keywords)
        for node in ast.walk(tree)
    )


def flow_grid_searches(snap: Snapshot) -> list[Hit]:
    """Flow fan-outs whose branches set a model hyperparameter from the branch's input."""
    hits: list[Hit] = []
    for path, tree in _own_python(snap, b"foreach", b"self.input"):
        if not _fans_out(tree):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            keyword = next(
                (k for k in node.keywords if k.arg and k.arg.lower() in HYPERPARAMETERS and _is_self_input(k.value)),
                None,
            )
            if keyword is not None:
                hits.append(Hit("flow_grid", path, node.lineno, f"foreach branch sets {keyword.arg}=self.input"))
                break
    return hits


def _random_draw(test: ast.expr) -> bool:
    """`random.random() > 0.2`, `np.random.rand() < share`: a comparison of a random draw."""
    if not isinstance(test, ast.Compare):
        return False
    for side in (test.left, *test.comparators):
        if isinstance(side, ast.Call):
            func = side.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
            if name in {"random", "rand", "uniform"} and (name != "random" or "random" in owner or not owner):
                return True
    return False


def _predictors(body: list[ast.stmt]) -> set[str]:
    """The objects a block calls `.predict(...)` (or `.predict_proba(...)`) on."""
    found: set[str] = set()
    for statement in body:
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"predict", "predict_proba"}
            ):
                found.add(ast.unparse(node.func.value))
    return found


def weighted_model_routing(snap: Snapshot) -> list[Hit]:
    """Servers that send a random share of requests to one model and the rest to another."""
    hits: list[Hit] = []
    for path, tree in _own_python(snap, b"random", b".predict"):
        for node in ast.walk(tree):
            if not isinstance(node, ast.If) or not _random_draw(node.test):
                continue
            chosen, other = _predictors(node.body), _predictors(node.orelse)
            if chosen and other and chosen != other:
                hits.append(Hit("weighted_routing", path, node.lineno, "random share of requests per model"))
                break
    return hits
