"""Compare two versions of a framework so reviewers see what changed and old answers can be migrated."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from capability_model.schema import Framework, Lang

ChangeKind = Literal["added", "removed", "reworded", "level_changed", "moved", "checks_changed"]


class RequirementChange(BaseModel):
    kind: ChangeKind
    id: str
    item_old: str | None = None
    item_new: str | None = None
    level_old: int | None = None
    level_new: int | None = None
    text_old: str | None = None
    text_new: str | None = None
    verification_old: str | None = None  # checks_changed: the verification class before and after
    verification_new: str | None = None
    probes_old: list[str] = []  # checks_changed: the probes the checks read before and after
    probes_new: list[str] = []


class ItemChange(BaseModel):
    kind: Literal["added", "removed", "renamed"]
    id: str
    name_old: str | None = None
    name_new: str | None = None


class FrameworkDiff(BaseModel):
    old: str
    new: str
    items: list[ItemChange]
    requirements: list[RequirementChange]

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.requirements if c.kind == kind)

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.requirements


def diff_frameworks(old: Framework, new: Framework, lang: Lang = "zh") -> FrameworkDiff:
    """Requirements added, removed, reworded (zh or en text), moved between levels or items, or given other automated
    checks (probe expectations); items too.

    A requirement keeps its id for life, so ids are what is compared; one requirement can show several kinds of change.
    """
    old_items = {i.id: i for _, _, i in old.items()}
    new_items = {i.id: i for _, _, i in new.items()}
    item_changes: list[ItemChange] = []
    for iid, item in new_items.items():
        if iid not in old_items:
            item_changes.append(ItemChange(kind="added", id=iid, name_new=item.name.get(lang)))
        elif old_items[iid].name != item.name:
            item_changes.append(
                ItemChange(kind="renamed", id=iid, name_old=old_items[iid].name.get(lang), name_new=item.name.get(lang))
            )
    item_changes += [
        ItemChange(kind="removed", id=iid, name_old=i.name.get(lang))
        for iid, i in old_items.items()
        if iid not in new_items
    ]

    old_reqs = old.requirement_index()
    new_reqs = new.requirement_index()
    changes: list[RequirementChange] = []
    for rid, (item, req) in new_reqs.items():
        if rid not in old_reqs:
            changes.append(
                RequirementChange(
                    kind="added", id=rid, item_new=item.id, level_new=req.level, text_new=req.text.get(lang)
                )
            )
            continue
        old_item, old_req = old_reqs[rid]
        common = {
            "id": rid,
            "item_old": old_item.id,
            "item_new": item.id,
            "level_old": old_req.level,
            "level_new": req.level,
        }
        if old_req.text != req.text:
            changes.append(
                RequirementChange(
                    kind="reworded", text_old=old_req.text.get(lang), text_new=req.text.get(lang), **common
                )
            )
        if old_req.level != req.level:
            changes.append(RequirementChange(kind="level_changed", **common))
        if old_item.id != item.id:
            changes.append(RequirementChange(kind="moved", **common))
        if (old_req.expectations, old_req.verification_class) != (req.expectations, req.verification_class):
            changes.append(
                RequirementChange(
                    kind="checks_changed",
                    verification_old=old_req.verification_class.value,
                    verification_new=req.verification_class.value,
                    probes_old=old_req.probes(),
                    probes_new=req.probes(),
                    **common,
                )
            )
    for rid, (item, req) in old_reqs.items():
        if rid not in new_reqs:
            changes.append(
                RequirementChange(
                    kind="removed", id=rid, item_old=item.id, level_old=req.level, text_old=req.text.get(lang)
                )
            )
    return FrameworkDiff(old=old.ref, new=new.ref, items=item_changes, requirements=changes)
