"""YAML text to nodes, composed from the parser's events within limits, remembering where every value came from.

A few hundred bytes of nested aliases ("billion laughs") expand to billions of values, an alias can refer to the
block that contains it, and a small file can hold a very deep or very wide tree. Composing event by event lets each
limit be checked before its cost is paid, and every refusal point at the line and column (and, for an alias, at the
`*name` itself) that caused it. Construction into Python values then reuses PyYAML's safe constructor on a tree that
is known to be bounded and acyclic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict
from yaml import events
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml's parser is several times faster on the 600-requirement files; PyYAML's own is the fallback.
LIBYAML: bool = bool(getattr(yaml, "__with_libyaml__", False))
if TYPE_CHECKING:
    from yaml import SafeLoader as BaseLoader
else:
    BaseLoader = yaml.CSafeLoader if LIBYAML else yaml.SafeLoader

__all__ = [
    "LIBYAML",
    "LIMITS",
    "BaseLoader",
    "Composed",
    "PathKey",
    "Position",
    "ReadLimits",
    "Refusal",
    "compose",
    "kind_of",
    "position",
]

PathKey = tuple[str | int, ...]
Position = tuple[int, int]

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"
_KNOWN_TAGS = {tag for tag in yaml.SafeLoader.yaml_constructors if tag is not None}
_KEY_SLOT = -1  # path element under which the contents of a (refused) non-text key are placed
_KINDS = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:binary": "base64 data",
    _MERGE: "a merge key",
}


class ReadLimits(BaseModel):
    """What one file may hold; far above any framework, assessment or targets file, far below a memory exhaustion."""

    model_config = ConfigDict(frozen=True)

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 50
    max_values: int = 100_000
    max_alias_values: int = 20_000


LIMITS = ReadLimits()


class Refusal(Exception):
    """A located problem in the YAML itself (not in what the schema expects of it)."""

    def __init__(self, position: Position, path: PathKey, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.path = path
        self.message = message


class Composed(BaseModel):
    """The node tree, the position of every value by path, and the problems that did not stop composition."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    root: Node | None
    positions: dict[PathKey, Position]
    problems: list[Refusal]

    def path_of(self, node: Node) -> PathKey:
        """The path of a node, found by its position (only needed to report an error, so not indexed)."""
        at = position(node.start_mark)
        found = [path for path, where in self.positions.items() if where == at]
        return max(found, key=len, default=())


def position(mark: Any) -> Position:
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def kind_of(tag: str) -> str:
    return _KINDS.get(tag, f"'{tag.replace('tag:yaml.org,2002:', '!!')}'")


class _Frame:
    """A mapping or sequence being composed; `size` and `height` count its expanded contents, aliases included."""

    __slots__ = ("anchor", "height", "in_key", "is_map", "items", "keys", "node", "path", "pending", "size")

    def __init__(self, node: MappingNode | SequenceNode, path: PathKey, anchor: str | None, in_key: bool) -> None:
        self.node = node
        self.path = path
        self.anchor = anchor
        self.in_key = in_key  # inside a (refused) key that is a list or mapping: its values have no path
        self.is_map = isinstance(node, MappingNode)
        self.items: list[Node] = []
        self.keys: dict[str, Position] = {}
        self.pending: str | int = ""
        self.size = 1
        self.height = 1

    def expects_key(self) -> bool:
        return self.is_map and len(self.items) % 2 == 0

    def child_path(self) -> PathKey:
        if not self.is_map:
            return (*self.path, len(self.items))
        return (*self.path, _KEY_SLOT if len(self.items) % 2 == 0 else self.pending)

    def child_in_key(self) -> bool:
        return self.in_key or self.expects_key()


class _Composer:
    def __init__(self, loader: BaseLoader, limits: ReadLimits) -> None:
        self.loader = loader
        self.limits = limits
        self.stack: list[_Frame] = []
        self.anchors: dict[str, Node] = {}
        self.anchor_at: dict[str, Position] = {}
        self.open_anchors: set[str] = set()
        self.sizes: dict[str, tuple[int, int]] = {}  # anchor -> (expanded size, height)
        self.values = 0
        self.copied = 0
        self.root: Node | None = None
        self.positions: dict[PathKey, Position] = {}
        self.problems: list[Refusal] = []
        self.resolved: dict[str, str] = {}

    def compose(self) -> Composed:
        get: Callable[[], Any] = self.loader.get_event
        get()  # stream start
        if isinstance(get(), events.StreamEndEvent):
            return self._result()
        while True:
            event: Any = get()
            kind = type(event)
            if kind is events.ScalarEvent:
                self._scalar(event)
            elif kind is events.MappingStartEvent or kind is events.SequenceStartEvent:
                self._start(event)
            elif kind is events.MappingEndEvent or kind is events.SequenceEndEvent:
                self._end()
            elif kind is events.AliasEvent:
                self._alias(event)
            else:  # document end
                break
        event = get()
        if not isinstance(event, events.StreamEndEvent):
            raise Refusal(position(event.start_mark), (), "expected one document, found another after '---'")
        return self._result()

    def _result(self) -> Composed:
        return Composed(root=self.root, positions=self.positions, problems=self.problems)

    # --- events ---------------------------------------------------------------------------------------------

    def _new_node(self, event: Any) -> tuple[PathKey, Position]:
        at = position(event.start_mark)
        path = self.stack[-1].child_path() if self.stack else ()
        self.values += 1
        if self.values > self.limits.max_values:
            raise Refusal(at, path, f"too many values in one file (limit {self.limits.max_values})")
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            line = self.anchor_at[anchor][0]
            raise Refusal(at, path, f"anchor '&{anchor}' is defined twice (first at line {line})")
        return path, at

    def _tag(self, event: Any, kind: type[Node], value: str | None, path: PathKey, at: Position) -> str:
        tag: str | None = event.tag
        if tag is None or tag == "!":
            tag = self._resolve(kind, value, kind is ScalarNode and event.implicit[0])
        if tag not in _KNOWN_TAGS and tag not in (_MERGE, _VALUE):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(Refusal(at, path, f"unknown tag '{shown}': remove it (no tags are needed here)"))
        return tag

    def _resolve(self, kind: type[Node], value: str | None, plain: bool) -> str:
        """The tag YAML implies: collections and quoted text have a fixed one, plain scalars depend on their text."""
        if kind is not ScalarNode:
            return _MAP if kind is MappingNode else _SEQ
        if not plain or value is None:
            return _STR
        tag = self.resolved.get(value)
        if tag is None:
            resolver: Any = self.loader
            tag = self.resolved[value] = str(resolver.resolve(ScalarNode, value, (True, False)))
        return tag

    def _scalar(self, event: Any) -> None:
        """The common case inline (a plain or quoted scalar in a mapping or list, no anchor, no tag): most events."""
        value = event.value
        if (
            not self.stack
            or event.anchor is not None
            or (event.tag is not None and event.tag != "!")
            or self.values >= self.limits.max_values
        ):
            return self._any_scalar(event)
        self.values += 1
        tag = (self.resolved.get(value) or self._resolve(ScalarNode, value, True)) if event.implicit[0] else _STR
        node = ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)
        frame = self.stack[-1]
        items = frame.items
        if frame.is_map and not len(items) % 2:
            frame.pending = value if tag == _STR else self._key_text(node, frame)
        else:
            mark = event.start_mark
            at = (mark.line + 1, mark.column + 1)
            if not frame.is_map:
                path: PathKey = (*frame.path, len(items))
            else:
                path = (*frame.path, frame.pending)
                if isinstance(frame.pending, str):
                    self._check_unique(frame, at)
            if not frame.in_key:
                self.positions[path] = at
        items.append(node)
        frame.size += 1
        if frame.height < 2:
            frame.height = 2
        return None

    def _any_scalar(self, event: Any) -> None:
        path, at = self._new_node(event)
        tag = self._tag(event, ScalarNode, event.value, path, at)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        if event.anchor is not None:
            self._anchor(event.anchor, node, at)
            self.sizes[event.anchor] = (1, 1)
        self._attach(node, path, at, 1, 1)

    def _start(self, event: Any) -> None:
        path, at = self._new_node(event)
        if len(self.stack) + 1 > self.limits.max_depth:
            raise Refusal(at, path, f"nested deeper than {self.limits.max_depth} levels")
        kind: type[MappingNode] | type[SequenceNode] = (
            MappingNode if isinstance(event, events.MappingStartEvent) else SequenceNode
        )
        tag = self._tag(event, kind, None, path, at)
        node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
        if event.anchor is not None:
            self._anchor(event.anchor, node, at)
            self.open_anchors.add(event.anchor)
        in_key = bool(self.stack) and self.stack[-1].child_in_key()
        if not in_key:
            self.positions[path] = at
        self.stack.append(_Frame(node, path, event.anchor, in_key))

    def _end(self) -> None:
        frame = self.stack.pop()
        node = frame.node
        if frame.is_map:
            node.value = list(zip(frame.items[::2], frame.items[1::2], strict=True))
        else:
            node.value = frame.items
        if frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
            self.sizes[frame.anchor] = (frame.size, frame.height)
        self._attach(node, frame.path, None, frame.size, frame.height)

    def _alias(self, event: Any) -> None:
        at = position(event.start_mark)
        path = self.stack[-1].child_path() if self.stack else ()
        name = str(event.anchor)
        if name not in self.anchors:
            raise Refusal(at, path, f"alias '*{name}' refers to no anchor '&{name}' defined before it")
        if name in self.open_anchors:
            raise Refusal(at, path, f"recursive alias '*{name}': the value of '&{name}' would contain itself")
        size, height = self.sizes[name]
        self.copied += size
        if self.copied > self.limits.max_alias_values:
            raise Refusal(
                at, path, f"too many alias expansions (limit {self.limits.max_alias_values} values copied by aliases)"
            )
        if len(self.stack) + height > self.limits.max_depth:
            raise Refusal(at, path, f"alias '*{name}' nests the file deeper than {self.limits.max_depth} levels")
        self._attach(self.anchors[name], path, at, size, height)

    # --- helpers --------------------------------------------------------------------------------------------

    def _anchor(self, name: str, node: Node, at: Position) -> None:
        self.anchors[name] = node
        self.anchor_at[name] = at

    def _attach(self, node: Node, path: PathKey, at: Position | None, size: int, height: int) -> None:
        """Place a finished node in its parent (or as the root); `at` is None when its position is already known."""
        frame = self.stack[-1] if self.stack else None
        is_key = frame is not None and frame.expects_key()
        if at is not None and not is_key and not (frame is not None and frame.in_key):
            self.positions[path] = at  # a duplicate key's later value is the one kept
        if frame is None:
            self.root = node
            return
        if is_key:
            frame.pending = self._key_text(node, frame)
        elif frame.is_map and isinstance(frame.pending, str):
            self._check_unique(frame, at or position(node.start_mark))
        frame.items.append(node)
        frame.size += size
        frame.height = max(frame.height, height + 1)

    def _check_unique(self, frame: _Frame, at: Position) -> None:
        key = str(frame.pending)
        if key in frame.keys and key != "<<":
            message = (
                f"duplicate key '{key}' (first at line {frame.keys[key][0]}; "
                "a later value would silently replace the earlier one)"
            )
            self.problems.append(Refusal(at, (*frame.path, key), message))
        frame.keys.setdefault(key, at)

    def _key_text(self, node: Node, frame: _Frame) -> str | int:
        at = position(node.start_mark)
        if isinstance(node, ScalarNode) and node.tag in (_STR, _VALUE, _MERGE):
            return str(node.value)
        if isinstance(node, ScalarNode):
            message = f"key '{node.value}' is read as {kind_of(node.tag)}, not as text: put it in quotes"
        else:
            message = f"a key must be text, not a {'mapping' if isinstance(node, MappingNode) else 'list'}"
        self.problems.append(Refusal(at, frame.path, message))
        return _KEY_SLOT


def compose(loader: BaseLoader, limits: ReadLimits = LIMITS) -> Composed:
    """Compose the loader's single document; Refusal on a limit, an undefined or recursive alias, a second document.

    Duplicate keys, keys that are not text and unknown tags do not stop composition: they are all listed in
    `problems`, so one run reports every such mistake.
    """
    return _Composer(loader, limits).compose()
