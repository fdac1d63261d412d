"""Facts about experiments and runs: what every run records, and how hyperparameter searches are logged."""

from __future__ import annotations

from collections import Counter

from evidence_collectors.mlflow.shapes import Experiment, RunFacts
from evidence_collectors.outcome import Finding, ratio, sample, share

P = "mlflow."
DAY_MS = 86_400_000
RECENT_DAYS = 30
MIN_TRIALS = 2  # a parent run with at least this many child runs counts as a hyperparameter search


def experiment_findings(experiments: list[Experiment], scope: str) -> dict[str, Finding]:
    described = sum(1 for e in experiments if e.described)
    return {
        P + "experiment_count": Finding(len(experiments), f"{len(experiments)} active experiments{scope}"),
        P + "experiments_with_description_ratio": Finding(
            ratio(described, len(experiments)),
            share(described, len(experiments), "experiments", "carry a description (mlflow.note.content)"),
        ),
    }


def run_findings(experiments: list[Experiment], runs: list[RunFacts], now_ms: int, note: str) -> dict[str, Finding]:
    """`note` says why reading stopped early, if it did; it is added to every summary."""
    n = len(runs)
    suffix = f" ({note})" if note else ""

    def counted(probe: str, part: int, predicate: str) -> tuple[str, Finding]:
        return P + probe, Finding(ratio(part, n), share(part, n, "runs", predicate) + suffix)

    used = len({r.experiment_id for r in runs})
    users = {r.user for r in runs if r.user}
    sources = Counter(r.source_type or "UNKNOWN" for r in runs)
    statuses = Counter(r.status or "UNKNOWN" for r in runs)
    datasets = {d for r in runs for d in r.datasets}
    recent = sum(1 for r in runs if r.start_time is not None and now_ms - r.start_time <= RECENT_DAYS * DAY_MS)
    models = sum(1 for r in runs if r.logged_model)
    return dict(
        [
            (P + "run_count", Finding(n, f"{n} active runs in {used} of {len(experiments)} experiments{suffix}")),
            counted("runs_with_params_ratio", sum(1 for r in runs if r.params), "log parameters"),
            counted("runs_with_metrics_ratio", sum(1 for r in runs if r.metrics), "log metrics"),
            counted(
                "runs_with_git_commit_ratio",
                sum(1 for r in runs if r.git_commit),
                "carry a git commit tag (mlflow.source.git.commit)",
            ),
            counted(
                "runs_with_git_branch_ratio",
                sum(1 for r in runs if r.git_branch),
                "carry a git branch tag (mlflow.source.git.branch)",
            ),
            counted("runs_with_dataset_input_ratio", sum(1 for r in runs if r.datasets), "log a dataset input"),
            counted(
                "runs_fully_tracked_ratio",
                sum(1 for r in runs if r.fully_tracked),
                "log parameters, metrics, a git commit and a dataset input together",
            ),
            counted(
                "runs_with_description_ratio",
                sum(1 for r in runs if r.described),
                "carry a description (mlflow.note.content)",
            ),
            (P + "runs_with_logged_model_count", Finding(models, f"{models} of {n} runs logged a model{suffix}")),
            (
                P + "runs_last_30_days",
                Finding(recent, f"{recent} of {n} runs started in the last {RECENT_DAYS} days{suffix}"),
            ),
            (
                P + "distinct_user_count",
                Finding(
                    len(users),
                    f"{len(users)} distinct users ran experiments"
                    f"{': ' + sample(sorted(users)) if users else ''}{suffix}",
                ),
            ),
            (
                P + "run_source_types",
                Finding(_ranked(sources), f"run source types (mlflow.source.type): {_line(sources) or 'none'}{suffix}"),
            ),
            (P + "run_statuses", Finding(_ranked(statuses), f"run statuses: {_line(statuses) or 'none'}{suffix}")),
            counted("failed_run_ratio", statuses.get("FAILED", 0), "ended with status FAILED"),
            (
                P + "distinct_dataset_versions",
                Finding(
                    len(datasets),
                    f"{len(datasets)} distinct dataset versions (name and digest) used as run inputs{suffix}",
                ),
            ),
        ]
    )


def search_findings(runs: list[RunFacts], note: str) -> dict[str, Finding]:
    """Hyperparameter searches as MLflow records them: a parent run whose trials are its child runs."""
    suffix = f" ({note})" if note else ""
    children = [r for r in runs if r.parent_run_id]
    per_parent = Counter(r.parent_run_id for r in children)
    searches = {p for p, k in per_parent.items() if k >= MIN_TRIALS}
    trials = [r for r in children if r.parent_run_id in searches]
    logged = sum(1 for r in trials if r.params and r.metrics)
    by_id = {r.run_id: r for r in runs}
    parents = [by_id[p] for p in searches if p in by_id]
    chosen = sum(1 for p in parents if p.params)
    budgeted = sum(1 for p in parents if p.budget and p.end_time is not None)
    trials_of: dict[str, list[RunFacts]] = {}
    for r in trials:
        trials_of.setdefault(r.parent_run_id, []).append(r)
    kept = sum(1 for p in parents if records_chosen_values(p, trials_of.get(p.run_id, [])))
    parallel = sum(1 for p in searches if ran_in_parallel(trials_of.get(p, [])))
    unseen = len(searches) - len(parents)
    mean = f", {len(trials) / len(searches):.1f} trials on average" if searches else ""
    return {
        P + "child_run_ratio": Finding(
            ratio(len(children), len(runs)),
            share(len(children), len(runs), "runs", "are child runs (mlflow.parentRunId)") + suffix,
        ),
        P + "hyperparameter_search_count": Finding(
            len(searches),
            f"{len(searches)} parent runs with at least {MIN_TRIALS} child runs (searches){mean}{suffix}",
        ),
        P + "search_trials_logged_ratio": Finding(
            ratio(logged, len(trials)),
            share(logged, len(trials), "search trials", "log both their parameters and metrics") + suffix,
        ),
        P + "searches_recording_choice_ratio": Finding(
            ratio(chosen, len(parents)),
            share(chosen, len(parents), "searches", "record the chosen parameters on the parent run")
            + (f"; {unseen} parent runs were not among the runs read" if unseen else "")
            + suffix,
        ),
        P + "searches_recording_chosen_values_ratio": Finding(
            ratio(kept, len(parents)),
            share(
                kept,
                len(parents),
                "searches",
                "record on the parent run a value for every hyperparameter their trials tried",
            )
            + (f"; {unseen} parent runs were not among the runs read" if unseen else "")
            + suffix,
        ),
        P + "searches_with_parallel_trials_ratio": Finding(
            ratio(parallel, len(searches)),
            share(parallel, len(searches), "searches", "ran at least two of their trials at the same time") + suffix,
        ),
        P + "searches_with_budget_ratio": Finding(
            ratio(budgeted, len(parents)),
            share(
                budgeted,
                len(parents),
                "searches",
                "record a budget (a trial, time or compute limit param) on a parent run that has ended",
            )
            + (f"; {unseen} parent runs were not among the runs read" if unseen else "")
            + suffix,
        ),
    }


def tuned_keys(trials: list[RunFacts]) -> set[str]:
    """The hyperparameters a search tried: params whose value differs between its trials or that only some trials
    log; when every trial logs the same values, all their params."""
    values: dict[str, set[str]] = {}
    for trial in trials:
        for key, value in trial.trial_params:
            values.setdefault(key, set()).add(value)
    logged_by_all = set.intersection(*({k for k, _ in t.trial_params} for t in trials)) if trials else set()
    varied = {k for k, seen in values.items() if len(seen) > 1 or k not in logged_by_all}
    return varied or set(values)


def ran_in_parallel(trials: list[RunFacts]) -> bool:
    """Two trials overlap in time: one started before another had ended (a trial without an end time is still
    running). Trials without a start time cannot be placed and are left out."""
    placed = sorted(((t.start_time, t.end_time) for t in trials if t.start_time is not None), key=lambda se: se[0])
    latest_end: float | None = None
    for start, end in placed:
        if latest_end is not None and start < latest_end:
            return True
        finish = float("inf") if end is None else float(end)
        latest_end = finish if latest_end is None else max(latest_end, finish)
    return False


CHOSEN_PREFIXES = ("best_", "best.", "chosen_", "selected_", "final_")  # how searches name the value they settled on


def records_chosen_values(parent: RunFacts, trials: list[RunFacts]) -> bool:
    """The parent run logs a param for every hyperparameter the search tried (the values finally chosen), under the
    trial's name or with a prefix saying it is the chosen one (`best_learning_rate` for `learning_rate`)."""
    tuned = tuned_keys(trials)
    logged = set(parent.param_keys)
    logged |= {key[len(prefix) :] for key in parent.param_keys for prefix in CHOSEN_PREFIXES if key.startswith(prefix)}
    return bool(tuned) and tuned <= logged


def _ranked(counter: Counter[str]) -> list[str]:
    """Keys, most frequent first (ties by name): plain values, so that expectations can test membership."""
    return [key for key, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def _line(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {counter[key]}" for key in _ranked(counter))
