"""Mutated framework, assessment and targets files: every reader answers with located SourceErrors, never a traceback,
and no input costs more than 2 s or 500 MB (bounds against denial of service, not speed targets).

The seeds are real files (the bundled Part 1 framework, the example bank's Part 1 answers, a targets file); the
mutations are what a hurried edit or a hostile upload does to them: lines deleted, duplicated, swapped or re-indented,
values replaced by lists, maps, null, huge numbers, odd tags and impossible dates, keys that are not text, stray bytes,
truncation and aliases. Hypothesis runs derandomized, so CI sees the same cases every time.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from assessors.workflow import open_assessment
from capability_model.catalog import UnknownFrameworkError, resolve
from capability_model.loader import load_framework
from capability_model.sourcefile import SourceError, SourceIssue
from capability_model.visible import visible
from evidence_collectors.airflow.models import Dag
from evidence_collectors.airflow.views import pipeline as airflow_pipeline
from evidence_collectors.kubeflow.models import KfpPipeline, RecurringRun
from evidence_collectors.kubeflow.views import pipeline as kfp_pipeline
from evidence_collectors.kubeflow.views import spec_tasks
from evidence_collectors.modelarts.models import to_number, to_time
from evidence_collectors.orchestration import cron_period_s, stages_of
from evidence_collectors.registry import installed_collectors, probe_catalogue
from evidence_collectors.targets import load_targets
from tests.conftest import EXAMPLES, RunCli

# a reader stuck on a hostile file (endless input, quadratic blow-up) is caught here; how fast the readers are is
# measured by `python -m bench hostile_inputs` (under 2 s each), not by a test sharing two cores with others
HANG_SECONDS = 20.0
MAX_PEAK_BYTES = 500 * 1024 * 1024

TARGETS_SEED = """\
# systems to probe (nothing listens on these ports: a collection that gets this far ends at once)
targets:
  - collector: git
    name: reco-service
    path: ../repos/reco-service
  - {collector: mlflow, name: tracking, url: "http://127.0.0.1:9", token_env: MLFLOW_TOKEN, retries: 0}
  - collector: prometheus
    name: monitoring
    url: http://127.0.0.1:1
    timeout_s: 5
    retries: 0
  - {collector: kubernetes, name: cluster, url: "http://127.0.0.1:9", namespaces: [ml-prod], retries: 0}
  - {collector: airflow, name: dags, url: "http://127.0.0.1:9/airflow", username: auditor, retries: 0}
  - {collector: kubeflow, name: kfp, url: "http://127.0.0.1:9/pipeline", namespace: team-a, retries: 0}
  - collector: modelarts
    name: cloud
    url: http://127.0.0.1:9
    project_id: 0a1b2c3d
    workflows: [reco-*]
    retries: 0
  - {collector: feast, name: features, path: ../repos/feature-repo, window_days: 30}
"""

VALUES = [
    "[a, b]",
    "{x: 1}",
    "null",
    "~",
    "''",
    "",
    "-",
    "9" * 5000,
    "-" + "9" * 400,
    "1e999",
    ".nan",
    "-.inf",
    "0x_ff",
    "0o777",
    "!!float abc",
    "!!int x",
    "!!bool maybe",
    "!!timestamp soon",
    "!!binary '!!'",
    "!!str",
    "!!map [1]",
    "!!seq {a: 1}",
    "!!set {a}",
    "!!omap [1]",
    "!foo bar",
    "!!python/object/apply:os.system [id]",
    "2026-02-30",
    "2026-13-45",
    "2026-02-28T25:61:00",
    "yes",
    "*nowhere",
    "&dup x",
    "'[/bold] [red]'",
    '"\\e[2J\\e[31m\\u202e\\x07"',
    ":skull:",
    "? [a]",
    "{? [a]: b}",
    "[[[[[[[[]]]]]]]]",
    "<<: 3",
    "{<<: [1]}",
    "'unterminated",
    '"bad \\q escape"',
    "| \n  block",
]
KEYS = ["1", "true", "null", "~", "2026-01-01", "[a]", "{a: 1}", "? x", "<<", "'dup'", "on", ""]
BYTES = [
    b"\xff",
    b"\xc3",
    b"\x00",
    b"\x07",
    b"\x1b[31m",
    b"\xe2\x80\xae",
    b"\r",
    b"\t",
    b"{",
    b"[",
    b"]",
    b"'",
    b'"',
    b"&a ",
    b"*a",
    b"\xef\xbb\xbf",
    b"\n---\n",
    b"!!",
    b": ",
    b"- ",
    b"#",
    b"%YAML 1.1\n",
]
OPS = [
    "delete",
    "duplicate",
    "swap",
    "value",
    "key",
    "insert",
    "indent",
    "bytes",
    "truncate",
    "anchor_alias",
    "bomb",
]
BOMB = "\n".join(
    ["zz0: &zz0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"zz{i}: &zz{i} [" + ", ".join([f"*zz{i - 1}"] * 9) + "]" for i in range(1, 9)]
)

Mutation = tuple[str, int, int, int]


def mutate(seed: str, mutations: list[Mutation]) -> bytes:
    """Apply line- and byte-level mutations; indices are taken modulo the current size, so any integers work."""
    lines = seed.splitlines()
    raw: bytes | None = None
    for op, i, j, k in mutations:
        if raw is not None:  # after a byte-level change, later mutations stay byte-level
            raw = _mutate_bytes(raw, op, i, k)
            continue
        if not lines:
            lines = [""]
        n = i % len(lines)
        line = lines[n]
        indent = line[: len(line) - len(line.lstrip())]
        if op == "delete":
            del lines[n]
        elif op == "duplicate":
            lines.insert(n, line)
        elif op == "swap":
            m = j % len(lines)
            lines[n], lines[m] = lines[m], line
        elif op == "value":
            lines[n] = _with_value(line, VALUES[k % len(VALUES)])
        elif op == "key":
            lines[n] = _with_key(line, KEYS[k % len(KEYS)])
        elif op == "insert":
            lines.insert(n, indent + _with_key("x: " + VALUES[k % len(VALUES)], KEYS[j % len(KEYS)]))
        elif op == "indent":
            lines[n] = " " * (k % 7) + line.lstrip() if k % 2 else line[(k % 4) :]
        elif op == "anchor_alias":
            m = j % len(lines)
            lines[n] = _with_value(line, "&zz " + _value_of(line))
            lines[m] = _with_value(lines[m], "*zz")
        elif op == "bomb":
            lines += BOMB.splitlines()
        else:
            raw = _mutate_bytes(("\n".join(lines) + "\n").encode("utf-8"), op, i, k)
    return raw if raw is not None else ("\n".join(lines) + "\n").encode("utf-8")


def _mutate_bytes(raw: bytes, op: str, i: int, k: int) -> bytes:
    at = i % (len(raw) + 1)
    if op == "truncate":
        return raw[:at]
    if op == "bytes":
        return raw[:at] + BYTES[k % len(BYTES)] + raw[at:]
    return raw


def _value_of(line: str) -> str:
    return line.split(": ", 1)[1] if ": " in line else ""


def _with_value(line: str, value: str) -> str:
    if ": " in line or line.rstrip().endswith(":"):
        return line.split(":", 1)[0] + ": " + value
    stripped = line.lstrip()
    if stripped.startswith("-"):
        return line[: len(line) - len(stripped)] + "- " + value
    return value


def _with_key(line: str, key: str) -> str:
    if ":" not in line:
        return line
    indent = line[: len(line) - len(line.lstrip())]
    rest = line.lstrip()
    dash = "- " if rest.startswith("- ") else ""
    return indent + dash + key + ":" + line.split(":", 1)[1]


mutations = st.lists(
    st.tuples(
        st.sampled_from(OPS),
        st.integers(0, 1_000_000),
        st.integers(0, 1_000_000),
        st.integers(0, 1_000),
    ),
    min_size=1,
    max_size=4,
)


# --- the readers under test ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    issues: list[SourceIssue] | None  # None: the file was accepted
    seconds: float
    peak_bytes: int
    unlocated: str = ""  # an error the reader raised without a position (see check_outcome)


def read_once(reader: Callable[[Path], object], path: Path) -> tuple[list[SourceIssue] | None, str]:
    try:
        reader(path)
    except SourceError as exc:
        return exc.issues, ""
    except UnknownFrameworkError as exc:  # an assessment naming a framework that does not exist
        return None, str(exc)
    return None, ""


def measure(reader: Callable[[Path], object], path: Path) -> Outcome:
    """The reader's result, its wall time (untraced) and its peak of traced allocations (a second, traced run)."""
    start = time.perf_counter()
    issues, unlocated = read_once(reader, path)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        read_once(reader, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Outcome(issues, seconds, peak, unlocated)


def check_outcome(outcome: Outcome, path: Path) -> None:
    assert outcome.seconds < HANG_SECONDS, f"{path.name}: {outcome.seconds:.2f} s"
    assert outcome.peak_bytes < MAX_PEAK_BYTES, f"{path.name}: {outcome.peak_bytes / 1e6:.0f} MB"
    for issue in outcome.issues or []:
        assert issue.file == str(path)
        assert issue.line > 0 and issue.column > 0, str(issue)
        assert str(issue) == visible(str(issue)), "an error message would pass control characters to the terminal"


def read_framework(path: Path) -> object:
    return load_framework(path, known_probes=_known_probes())


def read_assessment(path: Path) -> object:
    return open_assessment(path)


def read_targets(path: Path) -> object:
    return load_targets(path, installed_collectors())


_PROBES: set[str] = set()


def _known_probes() -> set[str]:
    if not _PROBES:
        _PROBES.update(probe_catalogue())
    return _PROBES


def framework_seed() -> str:
    return resolve("caict-mlops-p1").path.read_text(encoding="utf-8")


def assessment_seed() -> str:
    return (EXAMPLES / "retail-bank" / "part1-development.yaml").read_text(encoding="utf-8")


SEEDS: dict[str, tuple[Callable[[], str], Callable[[Path], object]]] = {
    "framework": (framework_seed, read_framework),
    "assessment": (assessment_seed, read_assessment),
    "targets": (lambda: TARGETS_SEED, read_targets),
}
SUFFIX = {"framework": ".yaml", "assessment": ".yaml", "targets": ".yaml"}

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _fuzz_one(kind: str, muts: list[Mutation], tmp_path: Path) -> None:
    seed, reader = SEEDS[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(mutate(seed(), muts))
    check_outcome(measure(reader, path), path)


def test_the_seeds_are_valid(tmp_path: Path) -> None:
    for kind, (seed, reader) in SEEDS.items():
        path = tmp_path / f"{kind}.yaml"
        path.write_text(seed(), encoding="utf-8")
        assert read_once(reader, path) == (None, ""), kind


@FUZZ
@given(muts=mutations)
def test_mutated_framework_files(muts: list[Mutation], tmp_path: Path) -> None:
    _fuzz_one("framework", muts, tmp_path)


@settings(FUZZ, max_examples=100)
@given(muts=mutations)
def test_mutated_assessment_files(muts: list[Mutation], tmp_path: Path) -> None:
    _fuzz_one("assessment", muts, tmp_path)


@settings(FUZZ, max_examples=200)
@given(muts=mutations)
def test_mutated_targets_files(muts: list[Mutation], tmp_path: Path) -> None:
    _fuzz_one("targets", muts, tmp_path)


# --- the same through the real command line ------------------------------------------------------------------------

COMMANDS: dict[str, tuple[list[str], int]] = {  # arguments before the file, exit code for a rejected file
    "framework": (["model", "validate"], 1),
    "assessment": (["assess"], 2),
    "targets": (["collect"], 2),
}


def cli_sample(per_kind: int = 4) -> list[tuple[str, list[Mutation]]]:
    """A fixed sample of mutations per kind, heavier than hypothesis's first examples (three to five each)."""
    rng = random.Random(20261206)
    return [
        (
            kind,
            [
                (rng.choice(OPS), rng.randrange(10**6), rng.randrange(10**6), rng.randrange(1000))
                for _ in range(rng.randint(3, 5))
            ],
        )
        for kind in COMMANDS
        for _ in range(per_kind)
    ]


@pytest.mark.parametrize(("kind", "muts"), cli_sample(), ids=lambda v: v if isinstance(v, str) else "")
def test_mutated_files_through_the_command_line(
    kind: str, muts: list[Mutation], tmp_path: Path, run_cli: RunCli
) -> None:
    seed, reader = SEEDS[kind]
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(mutate(seed(), muts))
    issues, unlocated = read_once(reader, path)
    args, rejected = COMMANDS[kind]
    extra = ["-o", str(tmp_path / "bundle")] if kind == "targets" else []
    result = run_cli(*args, path, *extra, cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    if issues is None and not unlocated:
        assert result.returncode == 0, result.stderr[-2000:]
        return
    assert result.returncode == (2 if unlocated else rejected), result.stderr[-2000:]
    if issues:
        assert f"{issues[0].file}:{issues[0].line}:{issues[0].column} " in result.stderr


# --- the readers of the orchestrator and cloud answers -------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["\u00b2", "9" * 5000, "*/0", "0 */99999999999 * * *", "1 day, 0:00:00", "@daily", "-1"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
HUGE_STEPS = ["*/" + "9" * 30, "*/" + "9" * 400, "*/" + "9" * 5000]
CRON_FIELD = st.sampled_from(["*", "0", "*/5", "*/0", "1,2", "MON", "1-5", "9" * 5000, "\u00b2", "", *HUGE_STEPS])


@FUZZ
@given(fields=st.lists(CRON_FIELD, min_size=1, max_size=7), text=st.text(max_size=40))
def test_cron_periods_and_stage_names_never_raise(fields: list[str], text: str) -> None:
    period = cron_period_s(" ".join(fields))
    assert period is None or period > 0
    assert stages_of(text + " ".join(fields)) <= {
        "ingest",
        "validate",
        "preprocess",
        "train",
        "evaluate",
        "register",
        "deploy",
    }
    from_text = cron_period_s(text)
    assert from_text is None or from_text > 0


@FUZZ
@given(schedule=json_values, summary=json_values, retries=json_values, interval=json_values, spec=json_values)
def test_answers_of_any_shape_are_read_or_refused_as_unusable(
    schedule: object, summary: object, retries: object, interval: object, spec: object
) -> None:
    """Airflow schedules, KFP recurring runs and compiled specs, ModelArts times and counts of any JSON shape: each is
    read, or refused with pydantic's ValidationError (which the API layer turns into an unusable answer); nothing
    else is raised."""
    try:
        dag = Dag.model_validate({"dag_id": "d", "schedule_interval": schedule, "timetable_summary": summary})
    except ValidationError:
        pass
    else:
        airflow_pipeline(dag, None)
    try:
        job = RecurringRun.model_validate(
            {"recurring_run_id": "j", "trigger": {"periodic_schedule": {"interval_second": interval}}}
        )
    except ValidationError:
        pass
    else:
        kfp_pipeline(KfpPipeline(pipeline_id="p"), [job])
    spec_tasks(spec if isinstance(spec, dict) else {"root": {"dag": {"tasks": {"t": {"retryPolicy": retries}}}}})
    to_time(schedule)
    to_number(retries)
