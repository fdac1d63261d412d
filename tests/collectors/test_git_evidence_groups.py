"""Raw evidence of large groups of files, and the cheaper scans that must give what the plain ones give.

A probe counted over many files (test files, pipeline definitions) keeps the content of its first files and one file
index naming every file by path and blob id, with the lines that gave the value; the bundle holding it verifies.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from evidence_collectors.base import CollectContext
from evidence_collectors.bundle import collect_bundle, read_records, verify_bundle
from evidence_collectors.git import code_index, testsuite
from evidence_collectors.git.collector import GitCollector
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.git.contents import Contents
from evidence_collectors.git.gitcmd import GitRepo
from evidence_collectors.git.manifests import compiled_kfp, worth_parsing
from evidence_collectors.git.prefilter import at_line_start
from evidence_collectors.git.snapshot import FULL_CONTENT_FILES
from evidence_collectors.http import CollectError
from evidence_collectors.raw import RawStore
from evidence_collectors.records import EvidenceRecord
from evidence_collectors.secrets import Redactor
from evidence_collectors.targets import Target
from tests.collectors.git_support import RepoBuilder
from tests.support.servers import require_binary


@pytest.fixture(scope="module", autouse=True)
def _git() -> None:
    require_binary("git")


def _test_module(n: int) -> str:
    """A test module whose cases start on lines 4 and 8 + n % 3 (a varying gap, so the lines are not a constant)."""
    gap = "\n" * (n % 3)
    return (
        f'"""Tests of part {n}."""\n\n\n'
        f"def test_part_{n}_loads() -> None:\n    assert {n} >= 0\n\n\n{gap}"
        f"async def test_part_{n}_runs() -> None:\n    assert True\n"
    )


def _collect(path: Path) -> tuple[dict[str, EvidenceRecord], RawStore]:
    raw = RawStore()
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(path)})
    records = GitCollector().collect(config, CollectContext(raw=raw, redactor=Redactor()))
    return {r.probe: r for r in records}, raw


def test_a_large_group_keeps_its_first_files_and_an_index_naming_every_file_and_line(tmp_path: Path) -> None:
    count = FULL_CONTENT_FILES + 7
    repo = RepoBuilder(tmp_path / "many-tests")
    files: dict[str, str | bytes] = {f"tests/test_part_{n:02d}.py": _test_module(n) for n in range(count)}
    repo.commit("tests", {**files, "README.md": "# parts\n"})
    records, raw = _collect(repo.path)
    stored = {item.sha256: item for item in raw.items()}

    cases = records["git.test_cases"]
    assert cases.value == 2 * count
    items = [stored[sha] for sha in cases.raw_sha256]
    indexes = [i for i in items if i.content_type == "application/json"]
    contents = [i for i in items if i.content_type == "text/plain"]
    assert len(indexes) == 1 and len(contents) == FULL_CONTENT_FILES
    assert {i.body.decode() for i in contents} == {files[p] for p in sorted(files)[:FULL_CONTENT_FILES]}

    index = json.loads(indexes[0].body)
    assert index["commit"] == repo.git("rev-parse", "HEAD")
    assert [f["path"] for f in index["files"]] == sorted(files)
    for row in index["files"]:
        assert row["blob"] == repo.git("rev-parse", f"HEAD:{row['path']}")  # `git cat-file -p BLOB` shows it
        text = str(files[row["path"]])
        expected = [n for n, line in enumerate(text.split("\n"), start=1) if "def test_" in line]
        assert row["lines"] == expected and len(expected) == 2
    assert sum(f["content_kept"] for f in index["files"]) == FULL_CONTENT_FILES


def test_a_small_group_keeps_the_content_of_every_file(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "few-tests")
    files: dict[str, str | bytes] = {f"tests/test_part_{n}.py": _test_module(n) for n in range(3)}
    repo.commit("tests", files)
    records, raw = _collect(repo.path)
    stored = {item.sha256: item for item in raw.items()}
    bodies = sorted(stored[sha].body.decode() for sha in records["git.test_files"].raw_sha256)
    assert records["git.test_files"].value == 3
    assert bodies == sorted(str(t) for t in files.values())


def test_a_bundle_with_file_indexes_verifies_and_reads_back(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "bundle-src")
    repo.commit("tests", {f"tests/test_part_{n:02d}.py": _test_module(n) for n in range(FULL_CONTENT_FILES + 2)})
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(repo.path)})
    root = tmp_path / "bundle"
    collect_bundle(root, [Target(config=config, collector=GitCollector)], workers=1)
    report = verify_bundle(root)
    assert report.ok, report.problems()
    records = {r.probe: r for r in read_records(root)}
    cases = records["git.test_cases"]
    assert cases.value == 2 * (FULL_CONTENT_FILES + 2)
    bodies = [(root / "raw" / sha).read_bytes() for sha in cases.raw_sha256]
    index = next(json.loads(b) for b in bodies if b.startswith(b"{"))
    assert len(index["files"]) == FULL_CONTENT_FILES + 2


def test_a_script_run_by_several_jobs_is_credited_to_each_and_kept_as_evidence(tmp_path: Path) -> None:
    workflow = "on: push\njobs:\n  {name}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./scripts/release.sh\n"
    repo = RepoBuilder(tmp_path / "shared-script")
    repo.commit(
        "ci",
        {
            ".github/workflows/a.yml": workflow.format(name="first"),
            ".github/workflows/b.yml": workflow.format(name="second"),
            "scripts/release.sh": "#!/bin/sh\nkubectl apply -f k8s/\n",
        },
    )
    records, raw = _collect(repo.path)
    jobs = records["git.ci_jobs"]
    assert jobs.value == [
        "github_actions .github/workflows/a.yml#first: deploy",
        "github_actions .github/workflows/b.yml#second: deploy",
    ]
    urls = {item.url for item in raw.items() if item.sha256 in set(jobs.raw_sha256)}
    assert any(url.endswith(":scripts/release.sh") for url in urls)


# --- the cheaper scans give what the patterns give --------------------------------------------------------------

_IMPORT_CASES = [
    "",
    "import os\n",
    "x = 1\r\nimport a.b as c, d\n",
    "  from pkg.sub import (one,\n two)\nfrom . import x\n",
    "from m import *\nimportable = 1\n# import commented\n",
    "s = 'import inside a string'\n\timport tabbed\n",
    "from  a.b  import  c as d , e",
]


def _imports_by_patterns(text: str) -> frozenset[str]:
    names: set[str] = set()
    for match in code_index._IMPORT.finditer(text):
        names |= {part.split()[0] for part in match.group(1).split(",") if part.split()}
    for match in code_index._FROM.finditer(text):
        names.add(match.group(1))
        names |= {f"{match.group(1)}.{p.split()[0]}" for p in match.group(2).split(",") if p.split()}
        names.discard(f"{match.group(1)}.*")
    return frozenset(names)


@pytest.mark.parametrize("text", _IMPORT_CASES)
def test_imports_read_from_lines_holding_the_word_match_the_patterns(text: str) -> None:
    assert code_index.parse_imports(text) == _imports_by_patterns(text)


def test_imports_and_test_cases_match_the_patterns_on_generated_texts() -> None:
    pieces = ["import", "from", " ", "\t", "\n", "\r\n", "a", ".", ",", "(", "*", "as", "def", "test_x", "async "]
    pieces += ["(", ")", ":", "  ", "b.c", "#"]
    rnd = random.Random(7)
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 16)))
        assert code_index.parse_imports(text) == _imports_by_patterns(text), text
        by_pattern = [text.count("\n", 0, m.start()) + 1 for m in testsuite._PY_CASE.finditer(text)]
        assert testsuite.case_lines(testsuite._PY_CASE, text) == by_pattern, text


def test_line_start_tests_match_the_anchored_patterns() -> None:
    words = ["method:", "pipelineSpec:", "apiVersion:", "dependencies"]
    pieces = [*words, "\n", " ", "x", "\r", "pipelineInfo:", "deploymentSpec:", "apiVersion: v1", "searchSpace"]
    rnd = random.Random(3)
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        for word in words:
            assert at_line_start(text, word) == bool(re.search("^" + re.escape(word), text, re.MULTILINE)), text
        old_worth = re.search(
            r"apiVersion|canaryTrafficPercent|blueGreen|AWSTemplateFormatVersion|AWS::|hosts:|sweeper|search_?space"
            r"|searchSpace|^method:|pipelineSpec|pipelineInfo",
            text,
            re.MULTILINE,
        )
        assert worth_parsing(text) == bool(old_worth), text
        api = re.search(r"^apiVersion:\s*['\"]?([\w./-]+)", text, re.MULTILINE)
        spec = re.search(r"^pipelineSpec:", text, re.MULTILINE)
        info = re.search(r"^pipelineInfo:", text, re.MULTILINE)
        deployment = re.search(r"^deploymentSpec:", text, re.MULTILINE)
        assert compiled_kfp(text) == (not api and bool(spec or (info and deployment))), text


def test_git_output_larger_than_a_pipe_and_its_errors_are_read(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "big-blob")
    body = ("line of text\n" * 40_000).encode()  # several pipe buffers
    repo.commit("big", {"data.txt": body})
    git = GitRepo(repo.path, 30, RawStore(), Redactor())
    oid = repo.git("rev-parse", "HEAD:data.txt")
    assert git.read_blobs([oid, "0" * 40]) == {oid: body}  # a missing object is left out
    with pytest.raises(CollectError, match=r"rev-parse .* failed: fatal: "):  # stderr read from its file
        git.run("rev-parse", "--verify", "no-such-ref^{commit}")


# --- sources of other languages are read when asked -------------------------------------------------------------


def test_deferred_sources_are_listed_at_once_and_read_in_groups() -> None:
    reads: list[list[str]] = []
    blobs = {"b1": b"package a\n", "b2": b"package b\n", "b3": b"x"}

    def read_blobs(oids: list[str]) -> dict[str, bytes]:
        reads.append(oids)
        return {o: blobs[o] for o in oids if o in blobs}

    order = ["ci.yml", "a.go", "b_test.go", "gone.go"]
    contents = Contents(
        order, {"ci.yml": b"on: push\n"}, {"a.go": "b1", "b_test.go": "b2", "gone.go": "b9"}, read_blobs
    )
    assert list(contents) == order and len(contents) == 4 and "a.go" in contents and "x.go" not in contents
    assert contents["ci.yml"] == b"on: push\n" and reads == []  # nothing read until a deferred file is asked for
    contents.prefetch(["b_test.go", "ci.yml", "elsewhere.go"])
    assert reads == [["b2"]] and contents["b_test.go"] == b"package b\n"
    assert contents.get("a.go") == b"package a\n"  # the rest, together
    assert reads == [["b2"], ["b1", "b9"]]
    assert "gone.go" not in contents and list(contents) == ["ci.yml", "a.go", "b_test.go"]  # absent from git


def test_go_tests_are_counted_without_reading_the_other_go_sources_first(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "go")
    go_test = 'package a\n\nimport "testing"\n\nfunc TestOne(t *testing.T) {}\n\nfunc BenchmarkTwo(b *testing.B) {}\n'
    repo.commit("go", {"a/a.go": "package a\n\nfunc One() int { return 1 }\n", "a/a_test.go": go_test})
    records, _ = _collect(repo.path)
    assert records["git.test_files"].value == 1
    assert records["git.test_cases"].value == 2
    assert "content of 2 configuration and source files read" in records["git.tracked_files"].summary
