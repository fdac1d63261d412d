"""Dockerfiles and their base images: is every `FROM` pinned to a digest or a fixed version tag?"""

from __future__ import annotations

import re

from pydantic import BaseModel

from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot, TreeEntry
from evidence_collectors.outcome import of, ratio

_FLOATING = {
    "latest",
    "stable",
    "edge",
    "nightly",
    "main",
    "master",
    "dev",
    "develop",
    "lts",
    "current",
    "mainline",
    "rolling",
    "slim",
    "alpine",
    "bookworm",
    "bullseye",
    "jammy",
    "noble",
    "focal",
}
_ARG = re.compile(r"^\s*ARG\s+(\w+)(?:=(\S*))?", re.IGNORECASE)
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE)
_VAR = re.compile(r"\$\{?(\w+)(?::-([^}]*))?\}?")


class BaseImage(BaseModel):
    dockerfile: str
    image: str
    pinned: bool
    digest: bool


def is_dockerfile(entry: TreeEntry) -> bool:
    name = entry.name.lower()
    return (
        name.startswith(("dockerfile", "containerfile")) or name.endswith((".dockerfile", ".containerfile"))
    ) and not name.endswith((".dockerignore", ".md", ".txt"))


def base_images(path: str, text: str) -> list[BaseImage]:
    """External base images of one Dockerfile (stages built from an earlier stage and `scratch` are left out)."""
    args: dict[str, str] = {}
    stages: set[str] = set()
    found: list[BaseImage] = []
    seen_from = False
    for line in re.sub(r"\\\n", " ", text).splitlines():
        arg = _ARG.match(line)
        if arg and not seen_from:
            args[arg.group(1)] = (arg.group(2) or "").strip("\"'")
            continue
        match = _FROM.match(line)
        if not match:
            continue
        seen_from = True
        image = _VAR.sub(lambda m: args.get(m.group(1)) or m.group(2) or "$" + m.group(1), match.group(1))
        if match.group(2):
            stages.add(match.group(2).lower())
        if image.lower() in stages or image.lower() == "scratch":
            continue
        digest = "@sha256:" in image
        _, _, tag = (
            image.split("@")[0].rpartition(":") if ":" in image.split("@")[0].rsplit("/", 1)[-1] else (image, "", "")
        )
        pinned = digest or (
            "$" not in image and bool(tag) and tag.lower() not in _FLOATING and bool(re.search(r"\d", tag))
        )
        found.append(BaseImage(dockerfile=path, image=image, pinned=pinned, digest=digest))
    return found


def docker_findings(snap: Snapshot) -> Findings:
    every = [e.path for e in snap.find(is_dockerfile)]
    # images of tests, docs, examples and template folders are not the project's own (README: own practice)
    files = [p for p in every if path_scope(p) == "own"]
    apart = [p for p in every if p not in files]
    images = [img for path in files for img in base_images(path, snap.text(path))]
    pinned = [i for i in images if i.pinned]
    digests = sum(i.digest for i in images)
    floating = [f"{i.image} ({i.dockerfile})" for i in images if not i.pinned]
    raw = snap.raws(set(files))
    return {
        "git.dockerfiles": Finding(
            value=len(files),
            raw=raw,
            summary=f"{len(files)} Dockerfile(s)"
            + (f": {sample(files)}" if files else "")
            + (f"; in tests, docs, examples or templates (not counted): {sample(apart, 3)}" if apart else ""),
        ),
        "git.pinned_base_image_ratio": Finding(
            value=ratio(len(pinned), len(images)),
            raw=raw,
            summary=(
                f"{of(len(pinned), len(images))} external base images pinned ({digests} by digest)"
                + (f"; floating: {sample(floating, 3)}" if floating else "")
                if images
                else "no Dockerfile base images to check"
            ),
        ),
    }
