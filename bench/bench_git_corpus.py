"""Accuracy of the git collector on real public ML repositories: targets precision >= 0.95 and recall >= 0.9 overall.

The repositories and their hand labels (18 facts each, with the files that show them) are in
`bench/git_corpus/labels.yaml`; the definitions of the facts are in `bench/git_corpus/README.md`. For every labelled
repository present on this machine, a throw-away work tree is made at the pinned commit from the local objects (no
network), the real `mlops-maturity collect` CLI runs on it with a git target, and the records are read back from the
bundle. `FACTS` maps each fact to one predicate over the records; the result is compared with the label.

Repositories are looked for in `$MLOPS_GIT_CORPUS/<owner>+<name>/` (a bare repository, or one under `repo/`), then in
`/work/.mirror/<owner>+<name>/repo`; `MLOPS_GIT_CORPUS_ONLY=a,b` keeps the repositories whose name contains a or b.
Absent repositories, or ones without the pinned commit, are listed as skipped. A
snapshot that lacks some blobs (large data files) gets a placeholder line in their place, on a commit made for the run
with the pinned commit's parents; the files are named in the output.

The Figure of `bench.timing` is about milliseconds, so a ratio is not written in its millisecond columns: each figure
carries the median `collect` wall time per repository there (a real time), its `ok` is the accuracy target, and its
detail gives the ratio. The full per-fact table and the misses are printed before the summary.

Run on its own: `python -m bench git_corpus` (a few minutes; kubeflow/pipelines takes the longest).

The held-out set (`bench/git_corpus/holdout.yaml`, repositories the collector's rules were not written against) is
scored the same way by `python -m bench git_holdout` (`run_holdout`), the second round (`holdout2.yaml`) by
`python -m bench git_holdout2` (`run_holdout2`), the third (`holdout3.yaml`) by `python -m bench git_holdout3`,
the fourth (`holdout4.yaml`) by `python -m bench git_holdout4`; `MLOPS_GIT_CORPUS_LABELS=<file>` makes `git_corpus`
read any other label file of the same format.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.timing import Figure

PRECISION_TARGET = 0.95
RECALL_TARGET = 0.9
LABELS = Path(__file__).resolve().parent / "git_corpus" / "labels.yaml"
HOLDOUT = Path(__file__).resolve().parent / "git_corpus" / "holdout.yaml"
HOLDOUT2 = Path(__file__).resolve().parent / "git_corpus" / "holdout2.yaml"
HOLDOUT3 = Path(__file__).resolve().parent / "git_corpus" / "holdout3.yaml"
HOLDOUT4 = Path(__file__).resolve().parent / "git_corpus" / "holdout4.yaml"
LABELS_ENV = "MLOPS_GIT_CORPUS_LABELS"
MIRRORS = Path("/work/.mirror")
PLACEHOLDER = b"placeholder: this blob is missing from the local snapshot\n"
MISSES_SHOWN = 100

Values = dict[str, Any]  # probe id -> value of its ok record
Predicate = Callable[[Values], bool]


def _truthy_list(probe: str) -> Predicate:
    return lambda v: bool(v.get(probe))


def _positive(probe: str) -> Predicate:
    return lambda v: isinstance(v.get(probe), int | float) and v[probe] > 0


def _true(probe: str) -> Predicate:
    return lambda v: v.get(probe) is True


def _any(*predicates: Predicate) -> Predicate:
    return lambda v: any(p(v) for p in predicates)


def _list_beyond(probe: str, ignored: set[str]) -> Predicate:
    """True when the probe's list holds a value other than the ignored ones (compared in lower case)."""
    return lambda v: any(str(x).lower() not in ignored for x in (v.get(probe) or []))


def _list_meets(probe: str, wanted: set[str]) -> Predicate:
    return lambda v: any(str(x).lower() in wanted for x in (v.get(probe) or []))


def _at_least(probe: str, threshold: float) -> Predicate:
    return lambda v: isinstance(v.get(probe), int | float) and v[probe] >= threshold


# One predicate per fact, over the probes the collector offers (evidence_collectors/git/probes.yaml); a fact's comment
# says where the predicate needs judgement.
FACTS: dict[str, tuple[Predicate, tuple[str, ...]]] = {
    "ci_present": (
        _any(_true("git.ci_config_present"), _truthy_list("git.ci_systems")),
        ("git.ci_config_present", "git.ci_systems"),
    ),
    "ci_runs_tests": (_true("git.ci_runs_tests"), ("git.ci_runs_tests",)),
    "ci_trains_or_deploys": (
        _any(_true("git.ci_runs_training"), _true("git.ci_deploys")),
        ("git.ci_runs_training", "git.ci_deploys"),
    ),
    "tests": (_positive("git.test_files"), ("git.test_files",)),
    "data_validation": (
        _any(_truthy_list("git.data_validation_tools"), _positive("git.data_validation_rule_files")),
        ("git.data_validation_tools", "git.data_validation_rule_files"),
    ),
    "data_versioning": (_truthy_list("git.data_versioning_tools"), ("git.data_versioning_tools",)),
    "pipeline_definitions": (
        _positive("git.pipeline_definition_files"),
        ("git.pipeline_definition_files", "git.pipeline_tools"),
    ),
    "experiment_tracking": (_truthy_list("git.experiment_tracking_tools"), ("git.experiment_tracking_tools",)),
    "tuning": (_truthy_list("git.hyperparameter_search_tools"), ("git.hyperparameter_search_tools",)),
    "model_registry": (
        _any(_true("git.ci_registers_models"), _truthy_list("git.model_registration")),
        ("git.model_registration", "git.ci_registers_models"),
    ),
    "containers": (_positive("git.dockerfiles"), ("git.dockerfiles",)),
    "serving": (
        _any(_truthy_list("git.serving_frameworks"), _truthy_list("git.model_serving_resources")),
        ("git.serving_frameworks", "git.model_serving_resources"),
    ),
    # Default rolling updates and recreate are not release strategies (README: deployment_strategy).
    "deployment_strategy": (
        _list_beyond("git.traffic_strategies", {"rolling_update", "recreate"}),
        ("git.traffic_strategies",),
    ),
    "monitoring": (
        _any(_truthy_list("git.monitoring_in_repo"), _positive("git.slo_definitions")),
        ("git.monitoring_in_repo", "git.slo_definitions"),
    ),
    "feature_store": (_truthy_list("git.feature_store_tools"), ("git.feature_store_tools",)),
    "dependency_pinning": (
        _at_least("git.python_dependencies_pinned_ratio", 0.9),
        ("git.python_dependencies_pinned_ratio", "git.dependency_manifests_pinning", "git.lock_files"),
    ),
    "model_documentation": (
        _any(_positive("git.model_cards"), _list_meets("git.documentation", {"model_card"})),
        ("git.model_cards", "git.documentation"),
    ),
    # Helm charts and Kustomize overlays are deployment configuration, not infrastructure (README).
    "infrastructure_code": (_list_beyond("git.iac_tools", {"helm", "kustomize"}), ("git.iac_tools",)),
}


@dataclass(frozen=True)
class RatioFigure(Figure):
    """A Figure whose target is a ratio: median_ms/target_ms hold the collect time, `ok` the accuracy target."""

    ratio: float = 0.0
    ratio_target: float = 0.0

    @property
    def ok(self) -> bool:
        return self.ratio >= self.ratio_target


@dataclass
class Label:
    value: bool
    files: list[str]
    note: str


@dataclass
class Repo:
    name: str
    commit: str
    facts: dict[str, Label]


@dataclass
class Outcome:
    repo: Repo
    values: Values
    summaries: dict[str, str]
    not_ok: dict[str, str]  # probe -> status and reason, for records that are not ok
    seconds: float
    placeholders: list[str] = field(default_factory=list)


def _load_labels(path: Path = LABELS) -> list[Repo]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    repos = []
    for entry in data["repositories"]:
        facts = {
            fact: Label(bool(item["value"]), [str(f) for f in item.get("files") or []], str(item.get("note", "")))
            for fact, item in entry["facts"].items()
        }
        unknown = set(facts) ^ set(FACTS)
        if unknown:
            raise ValueError(f"{entry['repo']}: facts do not match the benchmark's: {sorted(unknown)}")
        repos.append(Repo(entry["repo"], entry["commit"], facts))
    return repos


def _git(*args: str, cwd: Path | None = None, data: bytes | None = None) -> bytes:
    done = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args[:3])}: {done.stderr.decode(errors='replace').strip()[:300]}")
    return done.stdout


def _snapshot(repo: str) -> Path | None:
    """The local git directory holding `repo`, or None."""
    folder = repo.replace("/", "+")
    roots = [Path(p) for p in [os.environ.get("MLOPS_GIT_CORPUS", "")] if p] + [MIRRORS]
    for root in roots:
        for candidate in (root / folder / "repo", root / folder):
            if (candidate / "objects").is_dir():
                return candidate
            if (candidate / ".git" / "objects").is_dir():
                # A snapshot with a work tree: git commands below take the git directory, not the work tree.
                return candidate / ".git"
    return None


def _has_commit(git_dir: Path, commit: str) -> bool:
    done = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True, check=False
    )
    return done.returncode == 0


def _missing_blobs(work: Path, commit: str) -> list[tuple[str, str, str]]:
    """(mode, sha, path) of the commit's blobs that are not in the local objects."""
    listing = _git("ls-tree", "-r", "-z", commit, cwd=work).split(b"\0")
    entries = []
    for item in listing:
        if not item:
            continue
        meta, path = item.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        if kind == "blob":
            entries.append((mode, sha, path.decode(errors="surrogateescape")))
    checked = _git("cat-file", "--batch-check", cwd=work, data="".join(f"{s}\n" for _, s, _ in entries).encode())
    missing = {line.split()[0] for line in checked.decode().splitlines() if line.endswith(" missing")}
    return [e for e in entries if e[1] in missing]


def _commit_with_placeholders(work: Path, commit: str, missing: list[tuple[str, str, str]]) -> str:
    """A commit like `commit` (same parents, message and authors) whose missing blobs hold a placeholder line."""
    placeholder = _git("hash-object", "-w", "--stdin", cwd=work, data=PLACEHOLDER).decode().strip()
    _git("read-tree", commit, cwd=work)
    info = "".join(f"{mode} {placeholder}\t{path}\0" for mode, _, path in missing)
    _git("update-index", "-z", "--index-info", cwd=work, data=info.encode(errors="surrogateescape"))
    tree = _git("write-tree", cwd=work).decode().strip()
    fmt = "%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B"
    parents, an, ae, ad, cn, ce, cd, message = (
        _git("log", "-1", f"--format={fmt}", commit, cwd=work).decode(errors="replace").split("\n", 7)
    )
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": an,
        "GIT_AUTHOR_EMAIL": ae,
        "GIT_AUTHOR_DATE": ad,
        "GIT_COMMITTER_NAME": cn,
        "GIT_COMMITTER_EMAIL": ce,
        "GIT_COMMITTER_DATE": cd,
    }
    args = ["git", "commit-tree", tree, "-F", "-"]
    for parent in parents.split():
        args += ["-p", parent]
    done = subprocess.run(args, cwd=work, input=message.encode(), capture_output=True, env=env, check=True)
    return done.stdout.decode().strip()


def _work_tree(git_dir: Path, commit: str, into: Path) -> tuple[Path, list[str]]:
    """A clone sharing `git_dir`'s objects, checked out (detached) at `commit`; returns it and the placeholder paths."""
    work = into / "repo"
    _git("clone", "--quiet", "--shared", "--no-checkout", str(git_dir), str(work))
    missing = _missing_blobs(work, commit)
    target = _commit_with_placeholders(work, commit, missing) if missing else commit
    _git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", target, cwd=work)
    return work, [path for _, _, path in missing]


def _cli() -> str:
    beside = Path(sys.executable).parent / "mlops-maturity"
    return str(beside) if beside.exists() else (shutil.which("mlops-maturity") or "mlops-maturity")


def _collect(repo: Repo, work: Path, scratch: Path) -> tuple[Values, dict[str, str], dict[str, str], float]:
    """Run the CLI on the work tree; the ok records' values and summaries, the other records' reasons, wall time."""
    targets = scratch / "targets.yaml"
    name = repo.name.replace("/", "-").lower()
    targets.write_text(yaml.safe_dump({"targets": [{"collector": "git", "name": name, "path": str(work)}]}))
    out = scratch / "bundle"
    start = time.perf_counter()
    done = subprocess.run(
        [_cli(), "collect", str(targets), "-o", str(out), "--workers", "1"], capture_output=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"collect exited {done.returncode}: {done.stderr.decode(errors='replace')[-500:]}")
    values: Values = {}
    summaries: dict[str, str] = {}
    not_ok: dict[str, str] = {}
    for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        probe = record["probe"]
        if record["status"] == "ok":
            values[probe] = record.get("value")
            summaries[probe] = str(record.get("summary", ""))
        else:
            not_ok[probe] = f"{record['status']}: {record.get('reason', '')}"
    return values, summaries, not_ok, seconds


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, label: bool, predicted: bool) -> None:
        if label and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif label:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _said(outcome: Outcome, probe: str) -> str:
    """What the collector recorded for one probe: value and the start of its summary, or why there is no value."""
    if probe not in outcome.values:
        return f"{probe}: {outcome.not_ok.get(probe, 'no record')}"
    summary = outcome.summaries.get(probe, "")
    return f"{probe}={_short(outcome.values[probe])}" + (f" [{_short(summary, 200)}]" if summary else "")


def _evaluate(outcomes: Iterable[Outcome]) -> tuple[dict[str, Tally], Tally, list[str]]:
    per_fact = {fact: Tally() for fact in FACTS}
    overall = Tally()
    misses = []
    for outcome in outcomes:
        for fact, (predicate, probes) in FACTS.items():
            label = outcome.repo.facts[fact]
            predicted = predicate(outcome.values)
            per_fact[fact].add(label.value, predicted)
            overall.add(label.value, predicted)
            if predicted != label.value:
                kind = "FN" if label.value else "FP"
                said = "; ".join(_said(outcome, p) for p in probes)
                shown = ", ".join(label.files[:3]) or "-"
                misses.append(
                    f"{kind} {fact} @ {outcome.repo.name}: label {label.value} ({shown}"
                    + (f"; {label.note}" if label.note else "")
                    + f") | collector: {said}"
                )
    return per_fact, overall, misses


def _print_report(
    outcomes: list[Outcome],
    skipped: list[str],
    per_fact: dict[str, Tally],
    overall: Tally,
    misses: list[str],
    title: str = "git corpus",
) -> None:
    out = sys.stdout
    print(f"\n{title}: repositories", file=out)
    for done in outcomes:
        extra = (
            f", {len(done.placeholders)} placeholder blob(s): {', '.join(done.placeholders)}"
            if done.placeholders
            else ""
        )
        errors = f", {len(done.not_ok)} record(s) not ok" if done.not_ok else ""
        print(f"  {done.repo.name} @ {done.repo.commit[:12]}: collect {done.seconds:.1f} s{errors}{extra}", file=out)
    for s in skipped:
        print(f"  skipped {s}", file=out)
    print(f"\n{'fact':<22} {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3} {'precision':>9} {'recall':>7}", file=out)
    for fact, t in [*per_fact.items(), ("overall", overall)]:
        print(f"{fact:<22} {t.tp:>3} {t.fp:>3} {t.fn:>3} {t.tn:>3} {t.precision:>9.3f} {t.recall:>7.3f}", file=out)
    print(f"\nmisses ({len(misses)}):", file=out)
    for line in misses[:MISSES_SHOWN]:
        print(f"  {line}", file=out)
    if len(misses) > MISSES_SHOWN:
        print(f"  ... and {len(misses) - MISSES_SHOWN} more", file=out)
    out.flush()


def _run_one(repo: Repo, git_dir: Path) -> Outcome:
    scratch = Path(tempfile.mkdtemp(prefix="bench-git-corpus-"))
    try:
        work, placeholders = _work_tree(git_dir, repo.commit, scratch)
        values, summaries, not_ok, seconds = _collect(repo, work, scratch)
        return Outcome(repo, values, summaries, not_ok, seconds, placeholders)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _labels_path() -> Path:
    """The label file `git_corpus` reads: `$MLOPS_GIT_CORPUS_LABELS` when set, else labels.yaml."""
    chosen = os.environ.get(LABELS_ENV, "").strip()
    return Path(chosen) if chosen else LABELS


def run(labels: Path | None = None, title: str = "git corpus") -> list[Figure]:
    """Score the collector on the repositories of one label file that are present here."""
    outcomes: list[Outcome] = []
    skipped: list[str] = []
    only = [s.strip().lower() for s in os.environ.get("MLOPS_GIT_CORPUS_ONLY", "").split(",") if s.strip()]
    path = labels if labels is not None else _labels_path()
    print(f"  {title}: labels from {path}", file=sys.stderr, flush=True)
    for repo in _load_labels(path):
        if only and not any(s in repo.name.lower() for s in only):
            continue
        git_dir = _snapshot(repo.name)
        if git_dir is None:
            skipped.append(f"{repo.name}: no local snapshot")
            continue
        if not _has_commit(git_dir, repo.commit):
            skipped.append(f"{repo.name}: pinned commit {repo.commit[:12]} not in {git_dir}")
            continue
        print(f"  {title}: {repo.name} ...", file=sys.stderr, flush=True)
        try:
            outcomes.append(_run_one(repo, git_dir))
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            skipped.append(f"{repo.name}: {exc}")
    if not outcomes:
        print(f"{title}: no labelled repository present here; nothing measured", file=sys.stderr)
        for line in skipped:
            print(f"  skipped {line}", file=sys.stderr)
        return []
    per_fact, overall, misses = _evaluate(outcomes)
    _print_report(outcomes, skipped, per_fact, overall, misses, title)
    median = statistics.median(o.seconds for o in outcomes) * 1000
    longest = max(outcomes, key=lambda o: o.seconds, default=None)
    timing = f"ms columns: median collect time of {len(outcomes)} repositories"
    if longest is not None:
        timing += f", longest {longest.repo.name} {longest.seconds:.1f} s"
    counts = f"TP {overall.tp} FP {overall.fp} FN {overall.fn} TN {overall.tn}, {len(skipped)} skipped"
    return [
        RatioFigure(
            f"{title} precision (overall)",
            median,
            median,
            f"precision {overall.precision:.3f}, target >= {PRECISION_TARGET}; {counts}; {timing}",
            ratio=overall.precision,
            ratio_target=PRECISION_TARGET,
        ),
        RatioFigure(
            f"{title} recall (overall)",
            median,
            median,
            f"recall {overall.recall:.3f}, target >= {RECALL_TARGET}; {counts}; {timing}",
            ratio=overall.recall,
            ratio_target=RECALL_TARGET,
        ),
    ]


def run_holdout() -> list[Figure]:
    """The same scoring on the held-out label file: the honest figure for repositories not used to tune the rules."""
    return run(HOLDOUT, "git holdout")


def run_holdout2() -> list[Figure]:
    """The second held-out round (`holdout2.yaml`), labelled after the rules had been tuned on the first two sets."""
    return run(HOLDOUT2, "git holdout2")


def run_holdout3() -> list[Figure]:
    """The third held-out round (`holdout3.yaml`), labelled after the second round's rules were written."""
    return run(HOLDOUT3, "git holdout3")


def run_holdout4() -> list[Figure]:
    """The fourth held-out round (`holdout4.yaml`), labelled after the third round's rules were written."""
    return run(HOLDOUT4, "git holdout4")


if __name__ == "__main__":
    entry = {
        "holdout": run_holdout,
        "holdout2": run_holdout2,
        "holdout3": run_holdout3,
        "holdout4": run_holdout4,
    }
    chosen = entry.get(" ".join(sys.argv[1:]), run)
    for figure in chosen():
        print(f"{figure.name}: {'ok' if figure.ok else 'MISSED'} ({figure.detail})")
