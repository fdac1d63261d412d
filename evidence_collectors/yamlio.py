"""YAML reading with libyaml when it is available (pure-Python parsing of large repositories is slow)."""

from __future__ import annotations

from typing import Any

import yaml

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def load(text: str) -> Any:
    return yaml.load(text, Loader=Loader)  # a safe loader (CSafeLoader or SafeLoader)


def load_all(text: str) -> list[Any]:
    return [d for d in yaml.load_all(text, Loader=Loader) if d is not None]  # a safe loader (CSafeLoader or SafeLoader)
