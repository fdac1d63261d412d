"""Pieces every OSCAL document here shares: the namespace, stable UUIDs, props, metadata and timestamps."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from capability_model.schema import Lang, LocalizedText

OSCAL_VERSION = "1.2.1"
# Project-namespaced props and parts (OSCAL allows any URI as `ns`); the NIST namespace is implied when none is given.
NS = "urn:mlops-maturity:oscal"
_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)

Json = dict[str, Any]


def stable_uuid(*parts: str) -> str:
    """A version-5 UUID from the parts: the same ids and fingerprints always give the same UUID."""
    return str(uuid.uuid5(_UUID_NAMESPACE, "\x1f".join(parts)))


def line(text: str) -> str:
    """One line of text with no leading or trailing whitespace, as OSCAL strings and markup lines require."""
    return " ".join(text.split())


def prop(name: str, value: object, *, cls: str | None = None, ns: bool = True) -> Json | None:
    """A property in the project's namespace (or NIST's with ns=False); None when the value is empty."""
    text = line(str(value))
    if not text:
        return None
    out: Json = {"name": name}
    if ns:
        out["ns"] = NS
    out["value"] = text
    if cls:
        out["class"] = cls
    return out


def props(*items: Json | None) -> list[Json]:
    return [p for p in items if p is not None]


def other(lang: Lang) -> Lang:
    return "en" if lang == "zh" else "zh"


def alt_title(text: LocalizedText | None, lang: Lang) -> Json | None:
    """The title in the other language, as a prop whose class names that language."""
    if text is None:
        return None
    return prop("alt-title", text.get(other(lang)), cls=other(lang))


def timestamp(when: dt.datetime | dt.date) -> str:
    """An OSCAL date-time with a time zone: a date is midnight UTC, a naive time is taken as UTC."""
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def metadata(title: str, version: str, last_modified: dt.datetime | dt.date, extra: list[Json] | None = None) -> Json:
    out: Json = {
        "title": line(title),
        "last-modified": timestamp(last_modified),
        "version": line(version) or "1",
        "oscal-version": OSCAL_VERSION,
    }
    if extra:
        out["props"] = extra
    return out


def tool_props() -> list[Json]:
    """Which tool and version wrote the document."""
    from reports.identity import tool_name_and_version

    return props(prop("generator", tool_name_and_version()))
