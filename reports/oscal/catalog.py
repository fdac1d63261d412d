"""A framework file as an OSCAL catalog: groups are domains and subdomains, controls are capability items, and each
requirement is an `item` part of the control's statement, with its level, dimension and verification class as props.
"""

from __future__ import annotations

from capability_model.schema import CapabilityItem, Framework, Lang, Requirement
from reports.oscal.common import NS, Json, alt_title, line, metadata, other, prop, props, stable_uuid, tool_props

_PURPOSE = {"zh": "目的", "en": "Purpose"}
_GUIDANCE = {"zh": "证据与核查指引", "en": "Evidence and verification guidance"}
_STATEMENT = {"zh": "分级要求", "en": "Requirements by level"}
_LEVEL = {"zh": "第{n}级", "en": "Level {n}"}


def _requirement(req: Requirement, lang: Lang) -> Json:
    alt = other(lang)
    part: Json = {
        "id": req.id,
        "name": "item",
        "props": props(
            prop("label", req.id, ns=False),
            prop("level", req.level),
            prop("dimension", req.dimension.value),
            prop("verification", req.verification_class.value),
            *(prop("evidence-kind", kind.value) for kind in req.evidence),
            *(prop("evidence-system", system.value) for system in req.systems),
            *(prop("probe", probe) for probe in dict.fromkeys(req.probes())),
        ),
        "title": _LEVEL[lang].format(n=req.level),
        "prose": req.text.get(lang),
        "parts": [
            {"id": f"{req.id}_gdn", "name": "guidance", "title": _GUIDANCE[lang], "prose": req.guidance.get(lang)},
            {
                "id": f"{req.id}_{alt}",
                "name": "translation",
                "ns": NS,
                "class": alt,
                "prose": req.text.get(alt),
            },
        ],
    }
    return part


def _control(item: CapabilityItem, lang: Lang) -> Json:
    parts: list[Json] = []
    if item.purpose is not None:
        parts.append(
            {"id": f"{item.id}_obj", "name": "objective", "title": _PURPOSE[lang], "prose": item.purpose.get(lang)}
        )
    ordered = sorted(item.requirements, key=lambda r: r.level)  # stable: the file's order within a level
    parts.append(
        {
            "id": f"{item.id}_smt",
            "name": "statement",
            "title": _STATEMENT[lang],
            "parts": [_requirement(r, lang) for r in ordered],
        }
    )
    control: Json = {
        "id": item.id,
        "class": "capability-item",
        "title": line(item.name.get(lang)),
        "props": props(
            prop("label", item.id, ns=False),
            alt_title(item.name, lang),
            *(prop("builds-on", ref) for ref in item.builds_on),
        ),
        "parts": parts,
    }
    return control


def oscal_catalog(framework: Framework, sha256: str, lang: Lang) -> Json:
    """The framework as an OSCAL catalog document (the JSON root object), in `lang` with the other language beside."""
    fw = framework
    levels = [prop("level-name", f"{lv.level} {lv.name.get(lang)}", cls=f"level-{lv.level}") for lv in fw.levels]
    extra = props(
        prop("framework-id", fw.id),
        prop("framework-sha256", sha256),
        prop("status", fw.status),
        prop("standard", f"{fw.standard.series} {fw.standard.title.get(lang)}"),
        alt_title(fw.title, lang),
        *levels,
        *tool_props(),
    )
    meta = metadata(fw.title.get(lang), fw.version, fw.released, extra)
    meta["published"] = meta["last-modified"]
    notes = [fw.disclosure.get(lang)] if fw.disclosure else []
    if fw.copyright:
        notes.append(fw.copyright)
    if notes:
        meta["remarks"] = "\n\n".join(notes)
    groups = [
        {
            "id": d.id,
            "class": "domain",
            "title": line(d.name.get(lang)),
            "props": props(prop("label", d.id, ns=False), alt_title(d.name, lang)),
            "groups": [
                {
                    "id": s.id,
                    "class": "subdomain",
                    "title": line(s.name.get(lang)),
                    "props": props(prop("label", s.id, ns=False), alt_title(s.name, lang)),
                    "controls": [_control(i, lang) for i in s.items],
                }
                for s in d.subdomains
            ],
        }
        for d in fw.domains
    ]
    catalog: Json = {"uuid": stable_uuid("catalog", fw.ref, sha256, lang), "metadata": meta, "groups": groups}
    return {"catalog": catalog}
