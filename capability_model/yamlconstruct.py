"""Python values from a composed YAML tree, with any constructor's failure tied to the node that caused it.

PyYAML's safe constructor raises ValueError for `2026-02-30`, KeyError for `!!bool maybe`, AttributeError for
`!!timestamp soon`; each becomes a ConstructFailure carrying the node, so the reader can say where and in which field.
"""

from __future__ import annotations

from typing import Any

import yaml

from capability_model.yamlcompose import BaseLoader, kind_of


class Loader(BaseLoader):
    """The safe loader, with every constructor failure (a bad date, `!!int x`) tied to the node that caused it."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except ConstructFailure:
            raise
        except yaml.MarkedYAMLError as exc:
            raise ConstructFailure(node, exc.problem or str(exc), exc.problem_mark) from None
        except Exception as exc:  # any constructor's failure on any scalar text: int(), date(), base64, ...
            raise ConstructFailure(node, describe(node, exc), None) from None


class ConstructFailure(Exception):
    """A value that could not be built, with the node it came from and the position to report."""

    def __init__(self, node: yaml.Node, message: str, mark: Any) -> None:
        super().__init__(message)
        self.node = node
        self.message = message
        self.mark = mark or node.start_mark


def describe(node: yaml.Node, exc: Exception) -> str:
    """`cannot read '2026-02-30' as a date: day is out of range for month`."""
    value = node.value if isinstance(node, yaml.ScalarNode) else ""
    shown = repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(exc, AttributeError | KeyError):
        reason = "not in the form the tag requires"
    elif "Exceeds the limit" in str(exc):  # Python refuses to convert integers of more than 4300 digits
        reason = "too many digits"
    else:
        reason = str(exc)
    return f"cannot read {shown} as {kind_of(node.tag)}: {reason}"
