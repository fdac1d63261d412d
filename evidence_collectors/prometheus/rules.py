"""Facts about alerting and recording rules and the alerts they raise: which watch models, what, who owns them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from evidence_collectors import model_metrics as vocab
from evidence_collectors.outcome import Finding, percent, ratio, sample
from evidence_collectors.prometheus.api import RulePages
from evidence_collectors.prometheus.models import ActiveAlert, Rule

SLO_TEXT = re.compile(r"(^|[^a-z])(slo|sli|error_budget|burn_rate)([^a-z]|$)", re.IGNORECASE)
SEVERITY_KEYS = ("severity", "priority")
RUNBOOK_KEYS = ("runbook_url", "runbook", "playbook", "playbook_url")


@dataclass(frozen=True)
class RuleSet:
    """Rules split by type, with those about models marked."""

    alerting: list[Rule]
    recording: list[Rule]
    model_alerting: list[Rule]
    model_recording: list[Rule]
    groups: int
    capped_note: str


def classify(pages: RulePages, extra: re.Pattern[str] | None) -> RuleSet:
    rules = [r for g in pages.groups for r in g.rules]
    recording = [r for r in rules if r.type == "recording"]
    alerting = [r for r in rules if r.type == "alerting"]
    model_recording = [r for r in recording if vocab.is_model_text(r.name, r.query, extra=extra)]
    model_outputs = {r.name for r in model_recording}
    model_alerting = [
        r
        for r in alerting
        if vocab.is_model_text(r.name, r.query, extra=extra) or model_outputs & set(re.findall(r"[\w:]+", r.query))
    ]
    note = (
        f" (stopped after {pages.pages} page(s) of rule groups: {pages.why}, more rules exist)" if pages.capped else ""
    )
    return RuleSet(alerting, recording, model_alerting, model_recording, len(pages.groups), note)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _has(rule: Rule, keys: Sequence[str]) -> bool:
    return any(rule.labels.get(k) or rule.annotations.get(k) for k in keys)


def _share(rules: list[Rule], keys: Sequence[str], what: str, note: str) -> Finding:
    n = sum(1 for r in rules if _has(r, keys))
    if not rules:
        return Finding(0.0, f"there are no model alerting rules, so none {what} (0.0){note}")
    missing = sorted(r.name for r in rules if not _has(r, keys))
    lacking = f"; without: {sample(missing)}" if missing else ""
    return Finding(
        ratio(n, len(rules)),
        f"{n} of {len(rules)} model alerting rules ({percent(n, len(rules))}) {what} ({'/'.join(keys)}){lacking}{note}",
    )


def rule_findings(rules: RuleSet, owner_keys: Sequence[str]) -> dict[str, Finding]:
    note = rules.capped_note
    states = Counter(r.state for r in rules.alerting)
    model_cats = {r.name: vocab.titled_categories(r.name, r.query) for r in rules.model_alerting}
    covered = vocab.ordered(c for cats in model_cats.values() for c in cats)
    drift = sorted(name for name, cats in model_cats.items() if "drift" in cats)
    availability = sorted(name for name, cats in model_cats.items() if "availability" in cats)
    slo = sorted(
        r.name for r in rules.model_alerting + rules.model_recording if SLO_TEXT.search(r.name + " " + r.query)
    )
    unhealthy = sorted(
        f"{r.name} ({_short(r.last_error or r.health)})" for r in rules.alerting + rules.recording if r.health == "err"
    )
    model_alert_names = sorted({r.name for r in rules.model_alerting})
    return {
        "prometheus.alerting_rules": Finding(
            len(rules.alerting),
            f"{len(rules.alerting)} alerting rules in {rules.groups} rule groups "
            f"({states.get('firing', 0)} firing, {states.get('pending', 0)} pending){note}",
        ),
        "prometheus.recording_rules": Finding(
            len(rules.recording), f"{len(rules.recording)} recording rules in {rules.groups} rule groups{note}"
        ),
        "prometheus.model_alerting_rules": Finding(
            len(rules.model_alerting),
            f"{len(rules.model_alerting)} of {len(rules.alerting)} alerting rules watch models"
            + (f": {sample(model_alert_names, 8)}" if model_alert_names else "")
            + note,
        ),
        "prometheus.model_recording_rules": Finding(
            len(rules.model_recording),
            f"{len(rules.model_recording)} of {len(rules.recording)} recording rules compute model metrics"
            + (f": {sample(sorted(r.name for r in rules.model_recording))}" if rules.model_recording else "")
            + note,
        ),
        "prometheus.model_alert_categories": Finding(
            covered,
            (
                f"model alerting rules cover {', '.join(covered)}"
                if covered
                else "no model alerting rule says which aspect it watches"
            )
            + note,
        ),
        "prometheus.drift_alerting_rules": Finding(
            len(drift),
            (
                f"{len(drift)} alerting rule(s) fire on model or data drift: {sample(drift)}"
                if drift
                else "no alerting rule fires on model or data drift"
            )
            + note,
        ),
        "prometheus.model_availability_alerting_rules": Finding(
            len(availability),
            (
                f"{len(availability)} alerting rule(s) fire when a model service is down: {sample(availability)}"
                if availability
                else "no alerting rule fires when a model service is down or absent"
            )
            + note,
        ),
        "prometheus.model_alerting_rules_with_owner_ratio": _share(
            rules.model_alerting, owner_keys, "name an owner", note
        ),
        "prometheus.model_alerting_rules_with_severity_ratio": _share(
            rules.model_alerting, SEVERITY_KEYS, "carry a severity", note
        ),
        "prometheus.model_alerting_rules_with_runbook_ratio": _share(
            rules.model_alerting, RUNBOOK_KEYS, "link a runbook", note
        ),
        "prometheus.model_slo_rules": Finding(
            len(slo),
            (
                f"{len(slo)} model rule(s) define or watch service level objectives: {sample(slo)}"
                if slo
                else "no model rule mentions an SLO, SLI, error budget or burn rate"
            )
            + note,
        ),
        "prometheus.unhealthy_rules": Finding(
            len(unhealthy),
            (
                f"{len(unhealthy)} rule(s) failed their last evaluation: {sample(unhealthy)}"
                if unhealthy
                else f"all {len(rules.alerting) + len(rules.recording)} rules evaluated without error"
            )
            + note,
        ),
    }


def alert_findings(alerts: list[ActiveAlert]) -> dict[str, Finding]:
    firing = [a for a in alerts if a.state == "firing"]
    pending = sum(1 for a in alerts if a.state == "pending")
    names = sorted({a.name for a in firing})
    per_name = Counter(a.name for a in firing)
    listed = ", ".join(f"{n} ×{per_name[n]}" for n in names[:10])
    summary = (
        f"{len(firing)} alert(s) firing ({pending} pending): {listed}"
        if firing
        else f"no alert is firing ({pending} pending)"
    )
    return {
        "prometheus.firing_alerts": Finding(len(firing), summary),
        "prometheus.firing_alert_names": Finding(names, summary),
    }


def firing_model_findings(alerts: list[ActiveAlert], rules: RuleSet, extra: re.Pattern[str] | None) -> Finding:
    model_rules = {r.name for r in rules.model_alerting}
    firing = [
        a
        for a in alerts
        if a.state == "firing" and (a.name in model_rules or vocab.is_model_text(*a.labels.values(), extra=extra))
    ]
    names = sorted({a.name for a in firing})
    summary = (
        f"{len(firing)} alert(s) about models firing: {sample(names)}" if firing else "no alert about models is firing"
    )
    return Finding(len(firing), summary)
