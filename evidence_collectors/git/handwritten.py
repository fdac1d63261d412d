"""Practices written by hand in Python rather than through a tool, read from the syntax tree.

- A grid search as a flow fan-out: a Metaflow step fans out with `self.next(..., foreach=...)` and a branch passes
  `self.input` to a model as a hyperparameter (`DecisionTreeClassifier(max_depth=self.input)`). A fan-out over data
  shards or files passes `self.input` to no hyperparameter and is not a search.
- A grid search as a plain loop: a `for` loop whose variable is passed to a model as a hyperparameter
  (`DecisionTreeClassifier(max_depth=depth)`, `{"max_depth": depth}`, `params["max_depth"] = depth`) and whose body
  fits or trains (`.fit(...)`, `train(...)`, `xgb.cv(...)`, `cross_val_score(...)`). A loop over epochs or data that
  sets no hyperparameter from its variable, or that fits nothing, is not a search.
- Weighted routing between two models in a server: an `if` on a random draw against a share (`random.random() > 0.2`)
  or on a hash bucket of the user (`zlib.crc32(user) % 100 < 20`) whose branches predict with different models
  (champion/challenger, A/B), or a model picked by a weighted random choice (`random.choices([a, b], weights=...)`)
  and then asked to predict. A random draw or a hash that picks no model (sampling requests for a log) is not a
  release strategy.
"""

from __future__ import annotations

import ast

from evidence_collectors.git.pyast import Hit
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot
from evidence_collectors.git.sweeps import HYPERPARAMETERS


class OwnPython:
    """The project's own Python files of a snapshot, each parsed at most once however many rules read it."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.paths = [p for p in snap.contents if p.endswith(".py") and path_scope(p) == "own"]
        self._trees: dict[str, ast.Module | None] = {}

    def holding(self, *words: bytes, any_of: tuple[bytes, ...] = ()) -> list[tuple[str, ast.Module]]:
        """The files holding every word and one of `any_of` (a cheap test before parsing), parsed."""
        found: list[tuple[str, ast.Module]] = []
        for path in self.paths:
            data = self.snap.contents[path]
            if not all(w in data for w in words) or (any_of and not any(w in data for w in any_of)):
                continue
            if path not in self._trees:
                try:
                    self._trees[path] = ast.parse(self.snap.text(path))
                except (SyntaxError, ValueError):
                    self._trees[path] = None
            tree = self._trees[path]
            if tree is not None:
                found.append((path, tree))
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


def flow_grid_searches(snap: Snapshot, files: OwnPython | None = None) -> list[Hit]:
    """Flow fan-outs whose branches set a model hyperparameter from the branch's input."""
    hits: list[Hit] = []
    for path, tree in (files or OwnPython(snap)).holding(b"foreach", b"self.input"):
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


_FITS = frozenset({"fit", "fit_generator", "train", "cross_val_score", "cross_validate", "train_model"})


def _bound_names(target: ast.expr) -> set[str]:
    """The names a `for` target binds (`depth`, `lr, depth`)."""
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _fits(body: list[ast.stmt]) -> bool:
    """Whether the block fits or trains something: `.fit(...)`, `train(...)`, `cross_val_score(...)` (a bare
    `model.train()` only switches PyTorch's training mode)."""
    for statement in body:
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in _FITS and (name != "train" or node.args or node.keywords or isinstance(func, ast.Name)):
                return True
            if name == "cv" and isinstance(func, ast.Attribute):  # xgb.cv(...), lgb.cv(...)
                return True
    return False


def _settings(node: ast.AST) -> list[tuple[str, ast.expr]]:
    """(name, value) pairs a node sets: a call's keywords (`max_depth=d`), a dict's string keys
    (`{"max_depth": d}`), an item assignment (`params["max_depth"] = d`)."""
    if isinstance(node, ast.Call):
        return [(k.arg, k.value) for k in node.keywords if k.arg]
    if isinstance(node, ast.Dict):
        return [(k.value, v) for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)
                and isinstance(k.value, str)]  # fmt: skip
    if isinstance(node, ast.Assign):
        return [
            (t.slice.value, node.value)
            for t in node.targets
            if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str)
        ]
    return []


def _loop_hyperparameter(loop: ast.For) -> str | None:
    """The hyperparameter a loop's body sets from the loop's variable, if it also fits or trains."""
    names = _bound_names(loop.target)
    for statement in loop.body:
        for node in ast.walk(statement):
            for name, value in _settings(node):
                if name.lower() in HYPERPARAMETERS and isinstance(value, ast.Name) and value.id in names:
                    return name if _fits(loop.body) else None
    return None


def loop_grid_searches(snap: Snapshot, files: OwnPython | None = None) -> list[Hit]:
    """Plain `for` loops that fit a model per value of a hyperparameter."""
    hits: list[Hit] = []
    fits = (b"fit(", b"train(", b"cross_val", b".cv(")
    for path, tree in (files or OwnPython(snap)).holding(b"for ", b"=", any_of=fits):
        for node in ast.walk(tree):
            if isinstance(node, ast.For):
                found = _loop_hyperparameter(node)
                if found is not None:
                    hits.append(Hit("loop_grid", path, node.lineno, f"loop sets {found} and fits each time"))
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


_HASHES = frozenset({"hash", "crc32", "adler32", "md5", "sha1", "sha256", "murmurhash3_32", "xxh32", "xxh64"})


def _hashed_share(test: ast.expr) -> bool:
    """`zlib.crc32(user_id) % 100 < 20`, `hash(user) % 10 == 0`: a comparison of a hash bucket (a fixed share of
    users, each always sent to the same side)."""
    if not isinstance(test, ast.Compare):
        return False
    for side in (test.left, *test.comparators):
        if isinstance(side, ast.BinOp) and isinstance(side.op, ast.Mod):
            for node in ast.walk(side.left):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in _HASHES:
                        return True
    return False


def _weighted_choice(value: ast.expr) -> list[str]:
    """The candidates of `random.choices([a, b], weights=...)[0]` or `np.random.choice([a, b], p=...)`."""
    call = value.value if isinstance(value, ast.Subscript) else value
    if not isinstance(call, ast.Call) or not call.args or not isinstance(call.args[0], ast.List | ast.Tuple):
        return []
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    weighted = {k.arg for k in call.keywords} & ({"weights", "cum_weights"} if name == "choices" else {"p"})
    if name not in {"choices", "choice"} or not weighted:
        return []
    candidates = [ast.unparse(e) for e in call.args[0].elts]
    return candidates if len(set(candidates)) >= 2 else []


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


def _blocks(tree: ast.Module) -> list[list[ast.stmt]]:
    """Every block of statements: a module's, a function's, a branch's, a loop's."""
    found: list[list[ast.stmt]] = []
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                found.append(block)
    return found


def _other_side(block: list[ast.stmt], at: int) -> list[ast.stmt]:
    """What runs when the `if` at `block[at]` is not taken: its `else`, or, when its branch returns (an early
    return), the statements after it."""
    branch = block[at]
    assert isinstance(branch, ast.If)
    if branch.orelse:
        return branch.orelse
    return block[at + 1 :] if isinstance(branch.body[-1], ast.Return | ast.Raise) else []


def _routing(tree: ast.Module) -> tuple[int, str] | None:
    """Where and how a module sends a share of requests (or users) to one model and the rest to another."""
    for block in _blocks(tree):
        for at, branch in enumerate(block):
            if isinstance(branch, ast.If) and (_random_draw(branch.test) or _hashed_share(branch.test)):
                chosen, other = _predictors(branch.body), _predictors(_other_side(block, at))
                if chosen and other and chosen != other:
                    how = "random share of requests" if _random_draw(branch.test) else "hashed share of users"
                    return branch.lineno, f"{how} per model"
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):  # model = random.choices([a, b], weights=w)[0]
            for node in ast.walk(function):
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                    continue
                target = node.targets[0]
                if (
                    isinstance(target, ast.Name)
                    and _weighted_choice(node.value)
                    and target.id in _predictors(function.body)
                ):
                    return node.lineno, "weighted random choice of model"
    return None


def weighted_model_routing(snap: Snapshot, files: OwnPython | None = None) -> list[Hit]:
    """Servers that send a share of requests (by a random draw, a weighted choice or a hash of the user) to one model
    and the rest to another."""
    hits: list[Hit] = []
    routed = (b"random", b"choice", b"hash", b"crc32", b"md5(", b"sha1(", b"sha256(", b"xxh")
    for path, tree in (files or OwnPython(snap)).holding(b".predict", any_of=routed):
        found = _routing(tree)
        if found is not None:
            hits.append(Hit("weighted_routing", path, found[0], found[1]))
    return hits
