"""Hand-made hostile files (tests/hostile_inputs/) and the typos that used to end in a traceback: every reader refuses
them with `FILE:LINE:COL field.path: message`, within 2 s and 500 MB, and the command line exits with its code for bad
input and no traceback. Ordinary anchors, aliases and merge keys keep working."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from assessors.storage import load_assessment
from capability_model.catalog import resolve
from capability_model.sourcefile import SourceError, SourceIssue, format_path, load_positioned, parse_positioned
from capability_model.yamlcompose import LIMITS
from evidence_collectors.registry import installed_collectors
from evidence_collectors.targets import load_targets
from tests.conftest import EXAMPLES, RunCli
from tests.test_fuzz_inputs import (
    COMMANDS,
    HANG_SECONDS,
    check_outcome,
    measure,
    read_assessment,
    read_framework,
    read_targets,
)

CORPUS_DIR = Path(__file__).parent / "hostile_inputs"
CORPUS = sorted(p for p in CORPUS_DIR.iterdir() if p.suffix in {".yaml", ".json"})
READERS = {"framework": read_framework, "assessment": read_assessment, "targets": read_targets}
EXAMPLE = EXAMPLES / "retail-bank" / "part1-development.yaml"


def issues_of(fn: object, *args: object) -> list[SourceIssue]:
    with pytest.raises(SourceError) as exc:
        fn(*args)  # type: ignore[operator]
    return exc.value.issues


def where(issue: SourceIssue) -> tuple[int, int, str]:
    return issue.line, issue.column, issue.path


# --- the corpus ----------------------------------------------------------------------------------------------------


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 45


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_reader_refuses_a_hostile_file_with_located_errors(path: Path) -> None:
    for kind, reader in READERS.items():
        outcome = measure(reader, path)
        check_outcome(outcome, path)
        assert outcome.issues, f"the {kind} reader accepted {path.name}"


@pytest.mark.parametrize(("n", "path"), list(enumerate(CORPUS)), ids=[p.name for p in CORPUS])
def test_hostile_file_through_the_command_line(n: int, path: Path, tmp_path: Path, run_cli: RunCli) -> None:
    kind = list(COMMANDS)[n % len(COMMANDS)]  # each file through one command, every command in turn
    args, code = COMMANDS[kind]
    extra = ["-o", str(tmp_path / "bundle")] if kind == "targets" else []
    result = run_cli(*args, path, *extra)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == code, result.stderr[-2000:]
    assert re.search(rf"^{re.escape(str(path))}:[1-9]\d*:[1-9]\d* ", result.stderr, re.MULTILINE), result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


# --- aliases -------------------------------------------------------------------------------------------------------


def test_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit() -> None:
    [issue] = issues_of(load_positioned, CORPUS_DIR / "billion_laughs.yaml")
    assert where(issue) == (5, 11, "e[1]")
    assert issue.message == f"too many alias expansions (limit {LIMITS.max_alias_values} values copied by aliases)"


def test_merge_key_bomb_is_refused() -> None:
    [issue] = issues_of(load_positioned, CORPUS_DIR / "merge_key_bomb.yaml")
    assert issue.line > 1 and "too many alias expansions" in issue.message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("recursive_alias.yaml", (2, 5, "targets[0]", "recursive alias '*a'")),
        ("recursive_alias_inline.yaml", (2, 8, "a[0]", "recursive alias '*a'")),
        ("recursive_merge.yaml", (3, 7, "a.<<", "recursive alias '*a'")),
        ("undefined_alias.yaml", (2, 8, "scope", "alias '*nowhere' refers to no anchor")),
        ("duplicate_anchor.yaml", (2, 4, "b", "anchor '&x' is defined twice (first at line 1)")),
    ],
)
def test_alias_mistakes_are_located(name: str, expected: tuple[int, int, str, str]) -> None:
    [issue] = issues_of(load_positioned, CORPUS_DIR / name)
    assert (*where(issue), issue.message[: len(expected[3])]) == expected


def test_ordinary_anchors_aliases_and_merge_keys_still_work(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "defaults: &defaults {timeout_s: 5, retries: 1}\n"
        "targets:\n"
        "  - <<: *defaults\n    collector: prometheus\n    name: a\n    url: &url http://prom.internal:9090\n"
        "  - <<: *defaults\n    collector: prometheus\n    name: b\n    url: *url\n    retries: 3\n",
        encoding="utf-8",
    )
    a, b = load_targets(path, installed_collectors())
    assert (a.config.timeout_s, a.config.retries, b.config.retries) == (5, 1, 3)
    assert b.config.url == "http://prom.internal:9090"
    reused = "evidence: &ev [doc-1, doc-2, doc-3]\n" + "".join(f"k{i}: *ev\n" for i in range(2000))
    doc = parse_positioned(reused, "reused.yaml")
    assert doc.data["k1999"] == ["doc-1", "doc-2", "doc-3"]
    assert doc.locate(["k1999"]) == (2001, 8)  # an aliased value is located where the alias is written


# --- values the constructor cannot build ---------------------------------------------------------------------------


def _example_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int, str]:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith(old))
    lines[n] = new
    path = tmp_path / "answers.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, n + 1, new


def test_impossible_date_is_located(tmp_path: Path, run_cli: RunCli) -> None:
    path, line, text = _example_with(tmp_path, "started:", "started: 2026-02-30")
    [issue] = issues_of(load_assessment, path)
    assert where(issue) == (line, text.index("2026") + 1, "started")
    assert issue.message == "cannot read '2026-02-30' as a date: day is out of range for month"
    result = run_cli("assess", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{path}:{line}:10 started: cannot read '2026-02-30' as a date" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!float abc", "cannot read 'abc' as a number"),
        ("!!int x", "cannot read 'x' as an integer"),
        ("!!bool maybe", "cannot read 'maybe' as a boolean"),
        ("!!timestamp soon", "cannot read 'soon' as a date"),
        ("!!binary 'a'", "failed to decode base64 data"),
        ("!foo bar", "unknown tag '!foo'"),
        ("!!python/object/apply:os.system [id]", "unknown tag '!!python/object/apply:os.system'"),
        ("!!map [1]", "expected a mapping node, but found sequence"),
        ("1" * 5000, "cannot read '1111"),
        ("!!int 1x", "cannot read '1x' as an integer"),
    ],
)
def test_bad_tags_and_numbers_are_located(tmp_path: Path, value: str, message: str) -> None:
    path, line, _ = _example_with(tmp_path, "scope:", f"scope: {value}")
    [issue] = issues_of(load_assessment, path)
    assert (issue.line, issue.column, issue.path) == (line, 8, "scope")
    assert issue.message.startswith(message), issue.message


def test_keys_that_are_not_text_are_located() -> None:
    issues = issues_of(load_positioned, CORPUS_DIR / "non_text_keys.yaml")
    assert [(i.line, i.message) for i in issues] == [
        (1, "a key must be text, not a list"),
        (3, "key '1' is read as an integer, not as text: put it in quotes"),
        (4, "key 'true' is read as a boolean, not as text: put it in quotes"),
        (5, "key 'null' is read as null, not as text: put it in quotes"),
        (6, "key '2026-01-01' is read as a date, not as text: put it in quotes"),
    ]


def test_wrong_types_anywhere_are_schema_errors_not_crashes(tmp_path: Path) -> None:
    issues = issues_of(load_targets, CORPUS_DIR / "unhashable_collector.yaml", installed_collectors())
    assert [where(i) for i in issues] == [(2, 16, "targets[0].collector"), (4, 16, "targets[1].collector")]
    assert issues[0].message.startswith("collector must be a name; installed: ")
    issues = issues_of(load_targets, CORPUS_DIR / "none_items.yaml", installed_collectors())
    assert [(i.line, i.path, i.message) for i in issues] == [
        (2, "targets[0]", "expected a mapping"),
        (3, "targets[1]", "expected a mapping"),
        (4, "targets[2]", "expected a mapping"),
    ]


def test_empty_item_under_expectations_is_a_located_error(tmp_path: Path, run_cli: RunCli) -> None:
    lines = resolve("caict-mlops-p1").path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip() == "expectations:")
    lines.insert(n + 1, lines[n][: len(lines[n]) - len(lines[n].lstrip())] + "-")
    bad = tmp_path / "part1.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    issues = issues_of(read_framework, bad)
    assert {(i.line, i.path.rsplit(".", 1)[-1]) for i in issues} == {(n + 2, "expectations[0]")}
    result = run_cli("model", "validate", bad)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{bad}:{n + 2}:" in result.stderr


@pytest.mark.parametrize("expectations", ["5", "[null, 3, [a], {any_of: x}, {any_of: [null, 1]}]", "{probe: x}"])
def test_malformed_expectations_with_a_probe_catalogue(tmp_path: Path, expectations: str) -> None:
    lines = resolve("caict-mlops-p1").path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip() == "expectations:")
    indent = lines[n][: len(lines[n]) - len(lines[n].lstrip())]
    end = next(
        i for i in range(n + 1, len(lines)) if not lines[i].startswith(indent + "  ") and lines[i][len(indent)] != "-"
    )
    lines[n:end] = [f"{indent}expectations: {expectations}"]
    bad = tmp_path / "part1.yaml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    issues = issues_of(read_framework, bad)
    assert all(i.line == n + 1 for i in issues), [str(i) for i in issues]


# --- bytes that are not YAML text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "position", "message"),
    [
        ("latin1_text.yaml", (2, 11), "not UTF-8 text: byte(s) e9"),
        ("invalid_utf8_midline.yaml", (3, 11), "not UTF-8 text: byte(s) ff"),
        ("truncated_utf8.yaml", (2, 8), "not UTF-8 text"),
        ("utf16_with_bom.yaml", (1, 1), "not UTF-8 text: byte(s) ff"),
        ("control_characters.yaml", (2, 9), "character U+0007 is not allowed"),
        ("nul_bytes.yaml", (1, 19), "character U+0000 is not allowed"),
        ("escape_sequence_raw.yaml", (2, 8), "character U+001B is not allowed"),
        ("lone_carriage_returns.yaml", (4, 11), "character U+0007 is not allowed"),
        ("crlf_with_bom.yaml", (3, 10), "cannot read '2026-02-30' as a date"),
    ],
)
def test_encoding_and_character_errors_have_line_and_column(name: str, position: tuple[int, int], message: str) -> None:
    [issue] = issues_of(load_positioned, CORPUS_DIR / name)
    assert (issue.line, issue.column) == position
    assert issue.message.startswith(message), issue.message


def test_oversized_and_endless_files_are_refused_without_reading_them_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: '" + b"x" * LIMITS.max_bytes + b"'\n")
    [issue] = issues_of(load_positioned, big)
    assert issue.message == "file is larger than the 10 MB limit" and issue.line == 1
    if Path("/dev/zero").exists():
        outcome = measure(lambda p: load_positioned(p), Path("/dev/zero"))
        assert outcome.issues and outcome.issues[0].message == "file is larger than the 10 MB limit"
        assert outcome.seconds < HANG_SECONDS and outcome.peak_bytes < 100 * 1024 * 1024  # read no further


def test_too_many_values_and_too_deep_nesting_are_refused(tmp_path: Path) -> None:
    wide = tmp_path / "wide.yaml"
    wide.write_text("targets: [" + "1, " * LIMITS.max_values + "1]\n", encoding="utf-8")
    outcome = measure(lambda p: load_positioned(p), wide)
    check_outcome(outcome, wide)
    assert outcome.issues and outcome.issues[0].message == f"too many values in one file (limit {LIMITS.max_values})"
    [issue] = issues_of(load_positioned, CORPUS_DIR / "deep_block_nesting.yaml")
    assert (issue.line, issue.message) == (LIMITS.max_depth + 1, f"nested deeper than {LIMITS.max_depth} levels")
    [issue] = issues_of(load_positioned, CORPUS_DIR / "deep_alias_nesting.yaml")
    assert issue.line > 1 and f"nests the file deeper than {LIMITS.max_depth} levels" in issue.message
    [issue] = issues_of(load_positioned, CORPUS_DIR / "deep_flow_nesting.yaml")
    assert issue.line == 1 and "nesting depth" in issue.message


# --- user text on the terminal -------------------------------------------------------------------------------------


def test_rich_markup_and_escape_sequences_in_an_organisation_are_shown_not_obeyed(
    tmp_path: Path, run_cli: RunCli
) -> None:
    org = r'"Acme [/bold] [red]x :skull: \e[2J\e]8;;http://evil\e\\ \u202egnp.exe"'
    path, _, _ = _example_with(tmp_path, "organisation:", f"organisation: {org}")
    result = run_cli("assess", path, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Acme [/bold] [red]x :skull: [U+001B][2J[U+001B]]8;;http://evil[U+001B]\\ [U+202E]gnp.exe" in result.stdout
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    from app.terminal import print_result
    from assessors.scoring import score

    fw = resolve("caict-mlops-p1").framework
    buffer = io.StringIO()
    result_obj = score(fw, {}, 3, "")
    print_result(Console(file=buffer, force_terminal=True, width=200), result_obj, fw, "en", "x\x1b[2J[/]\u202e")
    shown = buffer.getvalue()
    assert "\x1b[2J" not in shown and "\u202e" not in shown and "x[U+001B][2J[/][U+202E]" in shown


def test_invisible_characters_in_keys_are_escaped_in_error_messages(tmp_path: Path, run_cli: RunCli) -> None:
    path, line, _ = _example_with(tmp_path, "  P1.RM.RA.01.R01:", '  "P1.RM.RA.01.R01\\e[2J\\u202e":')
    result = run_cli("assess", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert f":{line + 1}:" in result.stderr and "[U+001B][2J[U+202E]" in result.stderr


def test_paths_quote_keys_that_would_be_ambiguous() -> None:
    assert format_path(["answers", "P1.RM.RA.01.R01", "status"]) == "answers.P1.RM.RA.01.R01.status"
    assert format_path(["answers", "a b", 0]) == "answers['a b'][0]"
    assert format_path(["x", "[0]"]) == "x['[0]']"
    assert format_path(["x", "a\x1bb"]) == "x['a[U+001B]b']"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("华信银行 Acme café", "华信银行 Acme café"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("esc\x1b[31m csi\x9b2J cr\r del\x7f", "esc[U+001B][31m csi[U+009B]2J cr[U+000D] del[U+007F]"),
        ("\u202eexe.txt \u2066x\u2069 \u200f", "[U+202E]exe.txt [U+2066]x[U+2069] [U+200F]"),
        ("line\u2028sep \ufeffbom", "line[U+2028]sep [U+FEFF]bom"),
        ("family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"),
    ],
)
def test_visible_shows_what_the_terminal_would_obey(text: str, expected: str) -> None:
    from capability_model.visible import visible

    assert visible(text) == expected
