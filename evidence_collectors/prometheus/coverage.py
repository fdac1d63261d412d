"""Which model-serving scrape targets an alerting rule watches for being down.

A rule watches a target when its expression selects the target's `up` series (`up == 0`, `up{job=~"model-.*"} == 0`,
`absent(up{job="churn"})`, ...) and the rule is about availability; the selector's label matchers are applied to the
target's labels, so a rule for one job does not cover another.
"""

from __future__ import annotations

import re

from evidence_collectors import model_metrics as vocab
from evidence_collectors.outcome import Finding, percent, ratio, sample
from evidence_collectors.prometheus.models import Rule, ScrapeTarget
from evidence_collectors.prometheus.rules import RuleSet

UP_SELECTOR = re.compile(r"(?<![\w:])up\s*(?:\{([^}]*)\})?(?!\s*\()")
MATCHER = re.compile(r'([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')

Matchers = list[tuple[str, str, str]]


def up_selectors(query: str) -> list[Matchers]:
    """The label matchers of every `up` selector in a PromQL expression (an empty list selects every target)."""
    return [MATCHER.findall(body or "") for body in UP_SELECTOR.findall(query)]


def _holds(op: str, pattern: str, actual: str) -> bool:
    if op == "=":
        return actual == pattern
    if op == "!=":
        return actual != pattern
    try:
        found = re.fullmatch(pattern, actual) is not None
    except re.error:
        return False
    return found if op == "=~" else not found


def selects(matchers: Matchers, labels: dict[str, str]) -> bool:
    return all(_holds(op, value.replace('\\"', '"'), labels.get(name, "")) for name, op, value in matchers)


def availability_rules(rules: RuleSet) -> list[Rule]:
    """Alerting rules (about models or not) that select `up` and watch availability."""
    return [
        r
        for r in rules.alerting
        if up_selectors(r.query) and "availability" in vocab.categories(r.query) | vocab.categories(vocab.snake(r.name))
    ]


def coverage_findings(model_targets: list[ScrapeTarget], rules: RuleSet) -> dict[str, Finding]:
    watching = [(r.name, up_selectors(r.query)) for r in availability_rules(rules)]
    covered, missing = 0, []
    for target in model_targets:
        labels = {**target.labels, "job": target.job, "instance": target.instance}
        if any(selects(m, labels) for _, selectors in watching for m in selectors):
            covered += 1
        else:
            missing.append(f"{target.job} {target.instance}")
    total = len(model_targets)
    if not total:
        summary = "there are no model-serving scrape targets, so none is watched (0.0)"
    else:
        summary = (
            f"{covered} of {total} model-serving scrape targets ({percent(covered, total)}) are selected by an "
            f"availability alerting rule on up ({sample(sorted(n for n, _ in watching)) or 'none'})"
            + (f"; not watched: {sample(sorted(missing))}" if missing else "")
        )
    return {
        "prometheus.model_serving_targets_with_availability_alert_ratio": Finding(
            ratio(covered, total), summary + rules.capped_note
        )
    }
