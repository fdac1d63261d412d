"""The command line against careless users and hostile files: output paths that are devices, pipes, links, the input
itself or under a file; option values that are not text; bundle files of a gigabyte or from a future format; file and
target names that carry terminal escapes. Every case ends in a one-line message and an exit code with one meaning,
never a destroyed device file, a lost questionnaire, unbounded memory or an escape sequence reaching the terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import select
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from evidence_collectors.bundle import verify_bundle, write_bundle
from evidence_collectors.bundle_writer import bundle_files, sha_file
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from tests.conftest import RunCli, cli_path
from tests.support.memory import run_with_peak

ESCAPES = "\x1b[31m\u202e"  # a colour escape and a right-to-left override


@pytest.fixture(scope="module")
def questionnaire(tmp_path_factory: pytest.TempPathFactory, run_cli: RunCli) -> Path:
    """A blank Part 1 questionnaire; tests read it, and check that nothing overwrote it."""
    path = tmp_path_factory.mktemp("questionnaire") / "part1.yaml"
    assert run_cli("init", "caict-mlops-p1", "-o", path, "--organisation", "Acme").returncode == 0
    return path


def _bundle(root: Path, target: str = "tracking", summary: str = "3 runs") -> Path:
    raw = RawStore()
    sha = raw.add(b'{"runs": 3}', url="http://127.0.0.1:1/runs")
    record = EvidenceRecord(
        probe="mlflow.runs",
        target=target,
        value=3,
        status=EvidenceStatus.ok,
        source=EvidenceSource(system="mlflow", url="http://127.0.0.1:1"),
        collected_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
        collector=CollectorInfo(name="mlflow", version="1.0.0"),
        raw_sha256=[sha],
        summary=summary,
    )
    write_bundle(root, Collection(records=[record], raw=raw, redactor=Redactor()))
    assert verify_bundle(root).ok
    return root


def _reseal(root: Path) -> None:
    lines = [f"{sha_file(root / rel)}  {rel}\n" for rel in bundle_files(root)]
    (root / "MANIFEST.sha256").write_text("".join(lines), encoding="utf-8")


def _run_in_terminal(*args: str | Path, cwd: Path) -> tuple[int, bytes]:
    """Run the CLI with a pseudo-terminal as stdout and stderr (the output style a user sees); exit code, output."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm", "NO_COLOR": "1"}
    proc = subprocess.Popen([cli_path(), *map(str, args)], stdout=slave, stderr=slave, cwd=cwd, env=env)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=60), out


# --- where the output goes ---------------------------------------------------------------------------------------


def test_output_to_a_fifo_is_written_into_it_not_replaced(tmp_path: Path, run_cli: RunCli) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("init", "caict-mlops-p1", "-o", fifo, "--force")
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # before: replaced by a regular file
    assert b"answers:" in received[0]


def test_output_to_a_full_device_is_bad_input_and_keeps_the_device(tmp_path: Path, run_cli: RunCli) -> None:
    full = tmp_path / "full"
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a private /dev/full
        with full.open("wb", buffering=0) as fh, pytest.raises(OSError):
            fh.write(b"x")
    except (OSError, pytest.fail.Exception):
        pytest.skip("cannot make a working /dev/full here (needs root on a filesystem that allows devices)")
    for args in (["init", "caict-mlops-p1", "-o", full, "--force"], ["model", "schema", "-o", full]):
        result = run_cli(*args)
        assert result.returncode == 2, result.stderr
        assert f"{full}: No space left on device" in result.stderr
        assert stat.S_ISCHR(full.lstat().st_mode)  # before: replaced by a regular file, exit 0


def test_output_through_a_symlink_replaces_the_file_it_points_to(tmp_path: Path, questionnaire: Path) -> None:
    target = tmp_path / "result.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(target.name)
    result = subprocess.run(
        [cli_path(), "assess", questionnaire, "-f", "json", "-o", link], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["framework"]["id"] == "caict-mlops-p1"


def test_output_under_a_file_is_bad_input_naming_the_file(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = run_cli("init", "caict-mlops-p1", "-o", tmp_path / "notes.txt" / "p1.yaml")
    assert result.returncode == 2
    assert f"{tmp_path / 'notes.txt'} is not a directory" in result.stderr  # before: "File exists"


def test_a_result_is_never_written_over_the_assessment_it_came_from(
    tmp_path: Path, questionnaire: Path, run_cli: RunCli
) -> None:
    before = questionnaire.read_bytes()
    link = tmp_path / "link.yaml"
    link.symlink_to(questionnaire)
    for args in (
        ["assess", questionnaire, "-f", "json", "-o", questionnaire],
        ["assess", questionnaire, "-o", link],
        ["report", questionnaire, "-f", "md", "-o", link],
    ):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert "write the output to another file" in result.stderr
    assert questionnaire.read_bytes() == before  # before: the questionnaire was replaced by the JSON result


# --- option values ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--organisation", b"Acme \xff", b"not valid text"),
        ("--scope", b"", b"--scope is empty"),
        ("--assessor", b"  ", b"--assessor is empty"),
    ],
)
def test_init_options_that_are_not_usable_text_are_bad_input(
    tmp_path: Path, option: str, value: bytes, message: bytes
) -> None:
    out = tmp_path / "p1.yaml"
    args = [cli_path().encode(), b"init", b"caict-mlops-p1", b"-o", bytes(out), option.encode(), value]
    result = subprocess.run(args, capture_output=True)
    assert result.returncode == 2, result.stderr  # before: 3, internal error (pydantic ValidationError)
    assert message in result.stderr
    assert not out.exists()


def test_hostile_option_text_round_trips_and_stays_visible(tmp_path: Path, run_cli: RunCli) -> None:
    organisation = f"Ac{ESCAPES}me\nline 2 '\"# : {{x}}\r\x07\x85\u2028" + "x" * 10_000
    out = tmp_path / "p1.json"
    assert run_cli("init", "caict-mlops-p1", "-o", out, "--organisation", organisation).returncode == 0
    assert "\u202e" not in out.read_text(encoding="utf-8")  # escaped as \u202e in the JSON file
    result = run_cli("assess", out)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "Ac[U+001B][31m[U+202E]me" in result.stdout


# --- what reaches the terminal -------------------------------------------------------------------------------------


def test_paths_and_bundle_names_with_escapes_are_shown_not_obeyed(tmp_path: Path) -> None:
    out = f"{ESCAPES}p1.yaml"
    code, text = _run_in_terminal("init", "caict-mlops-p1", "-o", out, cwd=tmp_path)
    assert code == 0
    assert b"[U+001B][31m[U+202E]p1.yaml" in text and b"\x1b[31m" not in text  # before: the raw escape
    bundle = _bundle(tmp_path / f"bundle{ESCAPES}", target=f"t{ESCAPES}", summary=f"s{ESCAPES}[bold]")
    (bundle / f"added{ESCAPES}").write_text("x", encoding="utf-8")
    code, text = _run_in_terminal("evidence", "verify", bundle, cwd=tmp_path)
    assert code == 1
    assert b"added: added[U+001B][31m[U+202E]" in text
    (bundle / f"added{ESCAPES}").unlink()
    shows: list[list[str | Path]] = [["evidence", "show", bundle], ["evidence", "show", bundle, "-f", "json"]]
    for args in shows:
        code, text = _run_in_terminal(*args, cwd=tmp_path)
        assert code == 0
        assert b"\x1b[31m" not in text and "\u202e".encode() not in text, text
    code, text = _run_in_terminal("evidence", "show", bundle, cwd=tmp_path)
    assert b"s[U+001B][31m[U+202E][bold]" in text  # shown, and not taken for rich markup


# --- evidence bundles ------------------------------------------------------------------------------------------------


def _max_rss_kb(args: list[str | Path]) -> tuple[int, str]:
    code, err, peak_mb = run_with_peak([cli_path(), *map(str, args)], timeout_s=120)
    return int(peak_mb * 1024), f"{code} {err}"


def test_a_huge_records_line_costs_bounded_memory(tmp_path: Path, questionnaire: Path) -> None:
    bundle = _bundle(tmp_path / "bundle")
    with (bundle / "records.jsonl").open("r+b") as fh:  # sparse: one line of 300 MB, no disk cost
        fh.seek(0, os.SEEK_END)
        fh.write(b'{"probe": "')
        fh.truncate(300 << 20)
    _reseal(bundle)
    runs: list[tuple[list[str | Path], int]] = [
        (["evidence", "verify", bundle], 1),
        (["evidence", "show", bundle], 2),
        (["assess", questionnaire, "-e", bundle], 2),
    ]
    for args, code in runs:
        rss, outcome = _max_rss_kb(args)
        assert outcome.startswith(f"{code} "), outcome
        assert "more than the 128 MiB a bundle file may have" in outcome
        assert rss < 250_000, (args, rss)  # before: 1 GB here, 3.2 GB for a 1 GB line


def test_a_long_line_is_refused_before_it_is_parsed(tmp_path: Path, questionnaire: Path, run_cli: RunCli) -> None:
    bundle = _bundle(tmp_path / "bundle")
    with (bundle / "records.jsonl").open("ab") as fh:
        fh.write(b'["' + b"x" * (5 * 1024 * 1024) + b'"]\n')
    _reseal(bundle)
    result = run_cli("assess", questionnaire, "-e", bundle)
    assert result.returncode == 2
    assert "records.jsonl:2: line of 5242884 bytes, longer than the 4 MiB limit" in result.stderr


def test_a_bundle_of_a_future_format_is_refused(tmp_path: Path, questionnaire: Path, run_cli: RunCli) -> None:
    bundle = _bundle(tmp_path / "bundle")
    info = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))
    (bundle / "bundle.json").write_text(json.dumps({**info, "format": 99}), encoding="utf-8")
    _reseal(bundle)
    verify = run_cli("evidence", "verify", bundle)
    assert verify.returncode == 1  # before: ok, read as if it were the current format
    assert "bundle format 99 is not one this version reads" in verify.stderr
    for args in (["evidence", "show", bundle], ["assess", questionnaire, "-e", bundle]):
        result = run_cli(*args)
        assert result.returncode == 2, result.stderr
        assert "bundle format 99" in result.stderr


# --- framework and answer texts ------------------------------------------------------------------------------------


@pytest.fixture
def hostile_framework(tmp_path: Path) -> Path:
    """Part 1 with a title and a requirement text holding escapes, bidi overrides, HTML and Markdown."""
    from capability_model.catalog import resolve

    data = resolve("caict-mlops-p1").framework.model_dump(mode="json")
    text = f"{ESCAPES} <script>x</script> **b** | `c` \x85 \u2028 \u2066end"
    data["id"] = "hostile-p1"
    data["title"]["en"] = text
    data["domains"][0]["subdomains"][0]["items"][0]["requirements"][0]["text"]["en"] = text
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_model_show_never_prints_raw_control_or_bidi_characters(hostile_framework: Path, run_cli: RunCli) -> None:
    import yaml

    from capability_model.loader import load_framework

    data = load_framework(hostile_framework).framework.model_dump(mode="json")
    for fmt in ("table", "markdown", "json", "yaml"):
        result = run_cli("model", "show", hostile_framework, "-f", fmt, "--lang", "en")
        assert result.returncode == 0, result.stderr
        for raw in ("\x1b", "\u202e", "\u2066", "\x85", "\u2028"):
            assert raw not in result.stdout, (fmt, raw)  # before: yaml and json wrote U+202E and U+2066 raw
        if fmt == "json":
            assert json.loads(result.stdout) == data
        if fmt == "yaml":
            assert yaml.safe_load(result.stdout) == data


def test_questionnaire_shows_framework_text_and_escapes_answer_text(
    tmp_path: Path, hostile_framework: Path, run_cli: RunCli
) -> None:
    from assessors.assessment import Answer, Status
    from assessors.storage import load_assessment, save_assessment
    from capability_model.loader import load_framework

    out = tmp_path / "q.yaml"
    assert run_cli("init", hostile_framework, "-o", out, "--lang", "en").returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "# [L1] [U+001B][31m[U+202E] <script>x</script>" in text  # before: U+202E raw in the comment
    framework = load_framework(hostile_framework).framework
    note = f"a {ESCAPES} note\nsecond line \u2067 end"
    assessment = load_assessment(out)
    first = next(iter(assessment.answers))
    assessment.answers[first] = Answer(status=Status.met, note=note)
    save_assessment(assessment, out, framework, "en")
    text = out.read_text(encoding="utf-8")
    assert "\u202e" not in text and "\u2067" not in text and "\x1b" not in text
    assert load_assessment(out).answers[first].note == note


# --- exit codes ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["model", "show", "caict-mlops-p1"], ["model", "diff", "caict-mlops-p1@2022.10.1", "caict-mlops-p1"]]
)
def test_a_reader_that_stops_early_is_not_a_failed_check(args: list[str]) -> None:
    proc = subprocess.Popen([cli_path(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # `| head -c 10`, with far more output to come than a pipe buffers
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 141, err  # before: 1 (rich's broken-pipe exit), the code of a failed check
    assert err == b""


def test_thousands_of_unknown_answers_give_a_capped_list(tmp_path: Path, questionnaire: Path, run_cli: RunCli) -> None:
    text = questionnaire.read_text(encoding="utf-8").split("\nanswers:")[0]
    many = tmp_path / "many.yaml"
    many.write_text(text + "\nanswers:\n" + "".join(f"  X.{i}: {{}}\n" for i in range(5000)), encoding="utf-8")
    result = run_cli("assess", many)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 101 and lines[-1].endswith("... and 4900 more problems")  # before: 5,000 lines


def test_a_bundle_path_no_file_can_have_is_bad_input(tmp_path: Path, questionnaire: Path, run_cli: RunCli) -> None:
    text = questionnaire.read_text(encoding="utf-8")
    named = tmp_path / "named.yaml"
    named.write_text(text.replace("evidence_bundle: null", 'evidence_bundle: "a\\0b"'), encoding="utf-8")
    for args in (["assess", named], ["report", named, "-f", "md"]):
        result = run_cli(*args)
        assert result.returncode == 2
        assert "a[U+0000]b: not an evidence bundle" in result.stderr  # before (report): "embedded null byte"


def test_link_loops_as_bundle_or_output_are_bad_input(tmp_path: Path, questionnaire: Path, run_cli: RunCli) -> None:
    bundle = _bundle(tmp_path / "bundle")
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    for args in (
        ["report", questionnaire, "-e", "loop1", "-f", "md"],  # before: 3, RuntimeError from Path.resolve
        ["report", questionnaire, "-e", bundle, "-f", "md", "-o", "loop1"],
        ["assess", questionnaire, "-e", bundle, "-o", "loop1"],
    ):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "internal error" not in result.stderr


def test_output_inside_the_evidence_bundle_is_refused(tmp_path: Path, questionnaire: Path, run_cli: RunCli) -> None:
    bundle = _bundle(tmp_path / "bundle")
    for args in (
        ["report", questionnaire, "-e", bundle, "-f", "md", "-o", bundle / "report.md"],
        ["assess", questionnaire, "-e", bundle, "-o", bundle / ".." / "bundle" / "result.txt"],
    ):
        result = run_cli(*args)
        assert result.returncode == 2
        assert "is inside the evidence bundle" in result.stderr
    assert run_cli("evidence", "verify", bundle).returncode == 0  # before: an added file, verify exit 1


def test_a_link_in_a_bundle_is_reported_not_followed(tmp_path: Path, questionnaire: Path, run_cli: RunCli) -> None:
    bundle = _bundle(tmp_path / "bundle")
    huge = tmp_path / "huge.bin"
    with huge.open("wb") as fh:
        fh.truncate(1 << 40)  # a terabyte, sparse: hashing it through the link would take many minutes
    (bundle / "raw" / "huge").symlink_to(huge)
    result = run_cli("evidence", "verify", bundle)
    assert result.returncode == 1
    assert "raw/huge: a symbolic link; a bundle holds regular files only" in result.stderr
    assert run_cli("assess", questionnaire, "-e", bundle).returncode == 2


def test_a_terminal_that_cannot_show_chinese_gets_escapes_not_a_crash(questionnaire: Path) -> None:
    runs: list[tuple[str, list[str | Path]]] = [("ascii", ["assess", questionnaire]), ("latin-1", ["model", "list"])]
    for encoding, args in runs:
        env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "200"}
        result = subprocess.run([cli_path(), *map(str, args)], capture_output=True, env=env)
        assert result.returncode == 0, result.stderr  # before: 3, UnicodeEncodeError
        assert b"internal error" not in result.stderr
