"""Facts read from paths (and a little content): documentation, model cards, notebooks, infrastructure as code and
the environments that have their own configuration."""

from __future__ import annotations

import posixpath
import re

from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.manifests import Manifests
from evidence_collectors.git.prefilter import Lines
from evidence_collectors.git.scope import path_scope
from evidence_collectors.git.snapshot import Snapshot

_DOCS: list[tuple[str, str]] = [
    ("readme", r"(^|/)readme(\.\w+)?$"),
    ("docs_site", r"^(docs?|documentation)/.+\.(md|rst|adoc|txt|ipynb)$|(^|/)mkdocs\.ya?ml$|(^|/)conf\.py$"),
    ("contributing", r"(^|/)contributing(\.\w+)?$"),
    ("changelog", r"(^|/)(changelog|changes|history|news)(\.\w+)?$"),
    ("release_notes", r"release[_-]?notes|(^|/)releases?/.+\.(md|rst)$"),
    ("architecture_decisions", r"(^|/)(adr|adrs|decisions|architecture)/.+\.(md|rst)$|(^|/)architecture\.(md|rst)$"),
    ("model_card", r"model[_-]?card[^/]*\.(md|rst|ya?ml|json|html|txt|pdf)$"),
    ("data_card", r"(data[_-]?(card|sheet)|datasheet|dataset[_-]?card)[^/]*\.(md|rst|ya?ml|json|html|txt|pdf)$"),
    ("runbook", r"runbook|playbook.*\.(md|rst)$|on[_-]?call.*\.(md|rst)$"),
    ("codeowners", r"(^|/)codeowners$"),
    ("pull_request_template", r"pull_request_template|merge_request_templates/"),
    ("issue_templates", r"issue_template|issue_templates/"),
    ("security_policy", r"(^|/)security\.(md|rst|txt)$"),
    ("branching_guide", r"(branching|branch[_-]?strategy|git[_-]?flow|git[_-]?workflow).*\.(md|rst)$"),
    ("license", r"(^|/)(license|licence|copying)(\.\w+)?$"),
]
_HF_CARD = re.compile(r"\A---\s*\n(?:.*\n)*?(model-index|pipeline_tag|library_name|base_model)\s*:", re.MULTILINE)
_IAC: list[tuple[str, str]] = [
    ("terraform", r"\.tf$|\.tf\.json$|\.tfvars$"),
    ("terragrunt", r"(^|/)terragrunt\.hcl$"),
    ("pulumi", r"(^|/)pulumi(\.[\w-]+)?\.ya?ml$"),
    ("aws_cdk", r"(^|/)cdk\.json$"),
    ("serverless", r"(^|/)serverless\.ya?ml$"),
    ("helm", r"(^|/)chart\.yaml$|(^|/)helmfile\.ya?ml$"),
    ("kustomize", r"(^|/)kustomization\.ya?ml$"),
    ("ansible", r"(^|/)ansible\.cfg$|(^|/)roles/[^/]+/tasks/main\.ya?ml$|(^|/)(playbook|site)\.ya?ml$"),
    ("bicep", r"\.bicep$"),
    ("packer", r"\.pkr\.(hcl|json)$"),
    ("puppet", r"\.pp$"),
]
_ENV_NAMES = {
    "dev": "dev",
    "development": "dev",
    "test": "test",
    "testing": "test",
    "qa": "qa",
    "uat": "uat",
    "sit": "sit",
    "stage": "staging",
    "staging": "staging",
    "stg": "staging",
    "preprod": "preprod",
    "pre-prod": "preprod",
    "prod": "prod",
    "production": "prod",
    "prd": "prod",
    "sandbox": "sandbox",
}
_CONFIG_SUFFIXES = (".yml", ".yaml", ".json", ".tfvars", ".env", ".toml", ".ini", ".properties", ".hcl", ".conf")
_CONFIG_PREFIXES = {
    "values",
    "config",
    "configs",
    "settings",
    "env",
    "application",
    "app",
    "params",
    "vars",
    "variables",
    "terraform",
    "docker",
    "compose",
    "deployment",
    "deploy",
    "kustomization",
    "secrets",
    "appsettings",
    "environment",
}
_ENV_DIRS = {
    "overlays",
    "envs",
    "env",
    "environments",
    "environment",
    "config",
    "configs",
    "conf",
    "deploy",
    "deployment",
    "deployments",
    "k8s",
    "kubernetes",
    "helm",
    "values",
    "terraform",
    "infra",
    "settings",
}


def environments(paths: list[str]) -> dict[str, set[str]]:
    """Environment name -> configuration files dedicated to it (overlays/prod/, values-prod.yaml, prod.tfvars, ...)."""
    found: dict[str, set[str]] = {}
    for path in paths:
        lower = path.lower()
        parts = lower.split("/")
        name = parts[-1]
        if not (name.endswith(_CONFIG_SUFFIXES) or name.startswith(".env.")):
            continue
        if parts[0] in {"tests", "test", ".github", ".gitlab", "node_modules"}:
            continue
        stem = name.rsplit(".", 1)[0]
        tokens = re.split(r"[-_.]", name if name.startswith(".env.") else stem)
        in_env_dir = any(p in _ENV_DIRS for p in parts[:-1])
        named = stem in _ENV_NAMES or name.startswith(".env.") or tokens[0] in _CONFIG_PREFIXES or in_env_dir
        hits = {t for t in tokens if t in _ENV_NAMES} if named else set()
        hits |= {p for n, p in enumerate(parts[:-1]) if p in _ENV_NAMES and n > 0 and parts[n - 1] in _ENV_DIRS}
        for hit in hits:
            found.setdefault(_ENV_NAMES[hit], set()).add(path)
    return found


_ARM_SCHEMA = re.compile(r'"\$schema"\s*:\s*"[^"]*deploymentTemplate\.json', re.IGNORECASE)
_CFN_VERSION = re.compile(r"""^["']?AWSTemplateFormatVersion["']?\s*:""", re.MULTILINE)
_CFN_RESOURCE = re.compile(r"""^\s*["']?Type["']?\s*:\s*["']?AWS::\w+::\w+""", re.MULTILINE)


def cloudformation_by_text(snap: Snapshot) -> set[str]:
    """CloudFormation and SAM templates found by their text: templates using `!Ref`/`!Sub` short forms are not plain
    YAML, so the parsed documents miss them."""
    found: set[str] = set()
    for path in snap.contents:
        if not path.lower().endswith((".yml", ".yaml", ".json", ".template")) or path_scope(path) == "template":
            continue
        text = snap.text(path)
        if "AWS" not in text:
            continue
        if _CFN_VERSION.search(text) or ("Resources" in text and _CFN_RESOURCE.search(text)):
            found.add(path)
    return found


# Sections of a model card (Mitchell et al.; Hugging Face and Google templates), matched in Markdown/RST headings.
_CARD_SECTIONS = {
    "intended_use": r"intended[ _-]?uses?|out[ -]of[ -]scope uses?|use cases?",
    "training_data": r"training data(set)?|data used for training",
    "evaluation": r"evaluation (data|results|metrics)|metrics|performance",
    "limitations": r"limitations|caveats|risks|biases",
    "model_details": r"model (details|description|architecture|overview)",
    "ethics": r"ethical considerations|fairness",
}
_HEADING = re.compile(r"^(?:#{1,6}[ \t]+(.+?)[ \t#]*|(\S.*)\n[=\-~^]{3,}[ \t]*)$", re.MULTILINE)


def model_cards_by_content(snap: Snapshot) -> set[str]:
    """Markdown or RST documents of the project whose headings hold at least three model-card sections, one of them
    intended use or limitations (a card is about what the model is for and where it fails)."""
    found: set[str] = set()
    for path in snap.contents:
        if not path.lower().endswith((".md", ".rst", ".markdown")) or path_scope(path) != "own":
            continue
        text = snap.text(path)
        lowered = text.lower()
        if "limitation" not in lowered and "intended" not in lowered:
            continue
        headings = [(m.group(1) or m.group(2) or "").lower() for m in _HEADING.finditer(text)]
        sections = {k for k, pattern in _CARD_SECTIONS.items() if any(re.search(pattern, h) for h in headings)}
        if len(sections) >= 3 and sections & {"intended_use", "limitations"}:
            found.add(path)
    return found


def layout_findings(snap: Snapshot, manifests: Manifests) -> Findings:
    paths = [e.path for e in snap.entries]
    lowered = Lines(paths, str.lower)
    docs = {kind: set(lowered.matching(re.compile(pattern))) for kind, pattern in _DOCS}
    cards = docs["model_card"] | {
        p for p in snap.contents if posixpath.basename(p).lower() == "readme.md" and _HF_CARD.search(snap.text(p))
    }
    cards |= model_cards_by_content(snap)
    docs["model_card"] = cards
    docs = {k: v for k, v in docs.items() if v}
    notebooks = [p for p in paths if p.lower().endswith(".ipynb")]
    iac = {tool: set(lowered.matching(re.compile(pattern))) for tool, pattern in _IAC}
    iac["ansible"] |= {
        p
        for p, d in manifests.docs
        if isinstance(d, list)
        and d
        and isinstance(d[0], dict)
        and "hosts" in d[0]
        and ("tasks" in d[0] or "roles" in d[0])
    }
    iac["cloudformation"] = {
        p
        for p, d in manifests.docs
        if isinstance(d, dict) and ("AWSTemplateFormatVersion" in d or "AWS::" in str(d.get("Resources", ""))[:2000])
    } | cloudformation_by_text(snap)
    iac["crossplane"] = set(manifests.crossplane)
    iac["arm"] = {
        p
        for p in snap.contents
        if p.lower().endswith(".json") and path_scope(p) == "own" and _ARM_SCHEMA.search(snap.text(p)[:2000])
    }
    iac = {k: v for k, v in iac.items() if v}
    envs = environments(paths)
    listing = [snap.listing_sha]
    return {
        "git.documentation": Finding(
            value=sorted(docs),
            raw=listing,
            summary=("documentation: " + "; ".join(f"{k} ({sample(v, 2)})" for k, v in sorted(docs.items())))
            if docs
            else "no documentation files",
        ),
        "git.model_cards": Finding(
            value=len(cards),
            raw=listing + snap.raws({p for p in cards if p in snap.contents}, 20),
            summary=f"{len(cards)} model card(s)"
            + (f": {sample(cards, 3)}" if cards else " (no MODEL_CARD/model-card files or Hugging Face card READMEs)"),
        ),
        "git.notebooks": Finding(
            value=len(notebooks),
            raw=listing,
            summary=f"{len(notebooks)} Jupyter notebook(s)" + (f", e.g. {sample(notebooks, 3)}" if notebooks else ""),
        ),
        "git.iac_tools": Finding(
            value=sorted(iac),
            raw=listing,
            summary=("infrastructure as code: " + "; ".join(f"{k} ({len(v)} file(s))" for k, v in sorted(iac.items())))
            if iac
            else "no infrastructure-as-code files (Terraform, Helm, Kustomize, Ansible, ...)",
        ),
        "git.environments": Finding(
            value=sorted(envs),
            raw=listing,
            summary=(
                "per-environment configuration: " + "; ".join(f"{k} ({sample(v, 2)})" for k, v in sorted(envs.items()))
            )
            if envs
            else "no per-environment configuration files (e.g. overlays/prod, values-prod.yaml)",
        ),
    }
