"""YAML reading for the repository files the collector parses: the values `evidence_collectors.yamlio` gives, at a
fraction of its cost on a large repository.

libyaml parses and composes; PyYAML's Python constructor then visits every node through generators and per-node
bookkeeping, and yamlio walks the result once more to bound what aliases expand to. On a repository with hundreds of
compiled pipeline specs and Kubernetes manifests that was most of the collection. Here plain documents (the standard
tags, no merge keys, no alias to an enclosing node, no deep nesting) are built in one recursive pass that counts the
values as it goes; any other document is handed to PyYAML's own constructor and yamlio's check, unchanged. Either way
the documents, and which texts are refused, are the ones `yamlio.load`/`yamlio.load_all` give.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from evidence_collectors import yamlio

YAMLError = yamlio.YAMLError
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("null", "bool", "int", "float", "binary", "timestamp", "str")}
_STR, _SEQ, _MAP = f"{_TAG}str", f"{_TAG}seq", f"{_TAG}map"
_SPECIAL_KEYS = {f"{_TAG}merge", f"{_TAG}value"}  # keys PyYAML rewrites while flattening a mapping
MAX_FAST_DEPTH = 200  # deeper documents go the standard way (its walk reports what is too deep to follow)
_RESOLVED_CACHE_LIMIT = 50_000
_resolved: dict[tuple[str, tuple[bool, bool]], str] = {}


class _Fallback(Exception):
    """The document needs PyYAML's own constructor (an unusual tag, a merge key, a recursive alias...)."""


class _Loader(yamlio.Loader):  # type: ignore[misc,valid-type]
    """The loader yamlio uses, with the implicit tag of plain scalars remembered (keys such as `name:` or `image:`
    repeat thousands of times) and plain documents built directly."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.sizes: list[int | None] = []  # per constructed document: its value count, None when built the slow way

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode or len(value) > 64:
            return str(super().resolve(kind, value, implicit))
        key = (value, implicit)
        tag = _resolved.get(key)
        if tag is None:
            if len(_resolved) > _RESOLVED_CACHE_LIMIT:
                _resolved.clear()
            tag = _resolved[key] = str(super().resolve(kind, value, implicit))
        return tag

    def construct_document(self, node: Node) -> Any:
        try:
            memo: dict[int, tuple[Any, int]] = {}
            data, size = self._build(node, memo, set(), 0)
        except _Fallback:
            self.sizes.append(None)
            return super().construct_document(node)
        self.sizes.append(size)
        return data

    def _build(self, node: Node, memo: dict[int, tuple[Any, int]], open_: set[int], depth: int) -> tuple[Any, int]:
        """The value of `node` and the values a walk over it visits (aliases counted each time, as yamlio does).

        A scalar is built again when an alias repeats it (an equal value, counted the same); a collection is built
        once and shared, as PyYAML shares it."""
        cls, tag = type(node), node.tag
        if cls is ScalarNode:
            if tag == _STR:
                return node.value, 1
            if tag in _SCALAR_TAGS:
                return self.yaml_constructors[tag](self, node), 1
            raise _Fallback
        key = id(node)
        built = memo.get(key)
        if built is not None:  # an alias of a collection built before
            return built
        if key in open_ or depth > MAX_FAST_DEPTH:
            raise _Fallback
        open_.add(key)
        if cls is SequenceNode and tag == _SEQ:
            items: list[Any] = []
            total = 1
            for child in node.value:
                value, size = self._build(child, memo, open_, depth + 1)
                items.append(value)
                total += size
            built = (items, total)
        elif cls is MappingNode and tag == _MAP:
            mapping: dict[Any, Any] = {}
            sizes: dict[Any, int] = {}  # a repeated key keeps its first place and its last value, as in PyYAML
            for key_node, value_node in node.value:
                if key_node.tag in _SPECIAL_KEYS:
                    raise _Fallback
                name, name_size = self._build(key_node, memo, open_, depth + 1)
                if not isinstance(name, Hashable):
                    raise _Fallback
                value, size = self._build(value_node, memo, open_, depth + 1)
                mapping[name] = value
                sizes[name] = name_size + size
            built = (mapping, 1 + sum(sizes.values()))
        else:
            raise _Fallback
        open_.discard(key)
        memo[key] = built
        return built


def _check_size(docs: Any, sizes: list[int | None], single: bool) -> None:
    """yamlio's bound on what aliases expand to, from the counts taken while building (its own walk otherwise)."""
    if any(s is None for s in sizes):
        yamlio._expanded_size(docs, yamlio.MAX_EXPANDED_VALUES)
        return
    counted = [s for s in sizes if s is not None]
    total = (counted[0] if counted else 1) if single else 1 + sum(counted)
    if total > yamlio.MAX_EXPANDED_VALUES:
        raise yamlio.ExpansionError(f"aliases expand the document to more than {yamlio.MAX_EXPANDED_VALUES} values")


def load(text: str) -> Any:
    """`yamlio.load(text)`."""
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except (ValueError, OverflowError, RecursionError) as exc:
        raise yamlio.UnreadableValue(f"a value cannot be read: {yamlio._short(exc)}") from None
    finally:
        loader.dispose()
    _check_size(data, loader.sizes, single=True)
    return data


def load_all(text: str) -> list[Any]:
    """`yamlio.load_all(text)`: the documents that are not empty."""
    loader = _Loader(text)
    docs: list[Any] = []
    sizes: list[int | None] = []
    try:
        while loader.check_data():
            before = len(loader.sizes)
            doc = loader.get_data()
            if doc is not None:
                docs.append(doc)
                sizes += loader.sizes[before:]
    except (ValueError, OverflowError, RecursionError) as exc:
        raise yamlio.UnreadableValue(f"a value cannot be read: {yamlio._short(exc)}") from None
    finally:
        loader.dispose()
    _check_size(docs, sizes, single=False)
    return docs
