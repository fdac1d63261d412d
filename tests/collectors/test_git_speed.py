"""The git collector's faster paths give exactly what the plain ones give: credential masking tried only on lines
that can hold a credential, YAML built without PyYAML's generic constructor, patterns tried only on lines holding one
of their words, and the cyclic garbage collector paused during the analysis."""

from __future__ import annotations

import gc
import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from evidence_collectors import yamlio
from evidence_collectors.base import CollectContext, ProbeSpec, load_probe_specs
from evidence_collectors.git import buildchain, commands, layout, manifests, masking, prefilter, yamldocs
from evidence_collectors.git.collector import GitCollector
from evidence_collectors.git.config import GitTargetConfig
from evidence_collectors.raw import RawStore
from evidence_collectors.secrets import Redactor
from tests.collectors.git_support import RepoBuilder

# --- credential masking ------------------------------------------------------------------------------------------


def _mask_everywhere(body: bytes) -> bytes:
    """Both patterns applied to the whole text, as the masking is specified."""
    body = masking._USERINFO.sub(rb"\1" + masking.MASK + b"@", body)
    return masking._SETTING.sub(lambda m: m.group(1) + masking.MASK, body)


MASKING_CASES = [
    b"",
    b"no credentials here\n",
    b"password: hunter2\n",
    b"\n\n   \n  api_key = abc\n",
    b"token:\n\n    value-on-a-later-line\nnext: 1\n",
    b"url: https://user:pass@example.org/repo.git and http://x@y/\n",
    b"AWS_SECRET_ACCESS_KEY=abc\r\nSAS_TOKEN='x'\r\n",
    b"# the token is kept elsewhere\nkey_id: 1\npasswd:\tp\n",
    b"\xc3\xa9t\xc3\xa9 PASSWORD: \xff\xfe\n",
    b"secret_key: a\nsecret_key: b\n  private_key: c",
    b"sas\nsas: 1\n  : 2\ntoken=\n=\n",
]


@pytest.mark.parametrize("body", MASKING_CASES)
def test_masking_matches_the_whole_text_patterns(body: bytes) -> None:
    assert masking.mask_credentials(body) == _mask_everywhere(body)


def test_masking_matches_on_generated_texts() -> None:
    pieces = [b"\n", b" ", b"\t", b"password", b"TOKEN", b":", b"=", b"x", b"'", b'"', b"-", b".", b"sas", b"@"]
    pieces += [b"http://u:p@h/", b"://", b"Secret_Key", b"\r", b"\x0b", b"\x0c", b"key_id", b"\n\n", b"  "]
    rnd = random.Random(12)
    for _ in range(5000):
        body = b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14)))
        assert masking.mask_credentials(body) == _mask_everywhere(body), body


# --- YAML ----------------------------------------------------------------------------------------------------------


def _outcome(load: Any, text: str) -> tuple[str, str]:
    try:
        return "ok", repr(load(text))
    except yamlio.YAMLError:
        return "refused", ""


_LONG = ",".join(["1"] * 1000)
YAML_CASES = [
    "",
    "~",
    "---\n---\na: 1\n---\n~\n",
    "a: 1\na: 2\nb: 3\n",
    "k: {1: a, True: b, 1.0: c}",
    "a: 0x1F\nb: 0o17\nc: 1_000\nd: .inf\ne: .nan\nf: ~\ng: yes\nh: 2001-12-14t21:59:43.10-05:00\ni: !!binary aGk=",
    "a: &x 1\nb: *x\nl: &l [1, 2]\nm: [*l, *l]\n",
    "<<: {a: 1}\nb: 2",
    "a: &a {x: 1}\nb:\n  <<: *a\n  y: 2",
    "=: 1",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "a: !Ref x",
    "a: !!str 1\nb: !!int '3'",
    "!!seq x",
    "!!str {a: 1}",
    "{[1]: 2}",
    "? [1]\n: 2",
    "a: &a [*a]",
    "a: &a {b: *a}",
    "a: 2023-13-45",
    "a: 1" + "0" * 5000,
    "a: [unclosed",
    "a: &a [" + _LONG + "]\nb: [" + ",".join(["*a"] * 990) + "]",  # just under the expansion bound
    "a: &a [" + _LONG + "]\nb: [" + ",".join(["*a"] * 1000) + "]",  # just over it
    "[" * 150 + "]" * 150,
    "[" * 250 + "]" * 250,  # deeper than the direct build: the standard constructor answers
    "{a: " * 1200 + "1" + "}" * 1200,
    "apiVersion: v1\nkind: Service\nmetadata: {name: model}\n---\napiVersion: apps/v1\nkind: Deployment\n",
]


@pytest.mark.parametrize("text", YAML_CASES)
def test_yaml_documents_are_those_of_yamlio(text: str) -> None:
    assert _outcome(yamldocs.load_all, text) == _outcome(yamlio.load_all, text)
    assert _outcome(yamldocs.load, text) == _outcome(yamlio.load, text)


def test_yaml_aliases_share_collections_as_pyyaml_does() -> None:
    doc = yamldocs.load("a: &l [1, 2]\nb: *l\n")
    assert doc == {"a": [1, 2], "b": [1, 2]} and doc["a"] is doc["b"]


def test_yaml_fixture_files_read_the_same(tmp_path: Path) -> None:
    files = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.y*ml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert _outcome(yamldocs.load_all, text) == _outcome(yamlio.load_all, text), path


# --- word prefilter ------------------------------------------------------------------------------------------------

_PATTERNS = [buildchain.TEST_REPORTS, buildchain.BUILD_MATRIX, buildchain._INDEX_SETTING, buildchain._RUNS_PRE_COMMIT]
_PATTERNS += [*buildchain.SUPPLY_CHAIN.values(), *buildchain.CONFIG_LINTERS.values(), *commands.ACTIVITIES.values()]
_PATTERNS += [re.compile(p) for _, p in layout._DOCS + layout._IAC]


def test_words_are_read_from_the_pattern() -> None:
    assert prefilter.words_of(buildchain.CONFIG_LINTERS["hadolint"]) == (("hadolint",), True)
    assert prefilter.words_of(re.compile(r"(^|/)readme(\.\w+)?$")) == (("readme",), False)
    assert prefilter.words_of(re.compile(r"\w+|foo")) is None  # an alternative without a word: never filtered
    assert prefilter.words_of(re.compile(r"(?i:abc)")) is None  # a group with flags of its own: never filtered


def test_filtered_lines_are_the_lines_the_pattern_matches() -> None:
    pieces = ["COSIGN SIGN x", "Syft", "junit: x", "  matrix:", "-i https://pypi.org/simple", "terraform validate"]
    pieces += ["pytest", "docker build", "README.md", "docs/a.md", "main.tf", "İ", "ſ", "\u212a", " ", "-", "/", "."]
    pieces += ["kubectl apply", "helm lint", "Train", "dvc repro", "\t", "sign", "verify", "Chart.yaml", "ﬀ"]
    rnd = random.Random(3)
    lines = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6))) for _ in range(3000)]
    filtered = prefilter.Lines(lines, lambda line: line)
    for pattern in _PATTERNS:
        assert filtered.matching(pattern) == [line for line in lines if pattern.search(line)], pattern.pattern
        for line in lines[:300]:
            assert bool(prefilter.search(pattern, line)) == bool(pattern.search(line))


def test_case_insensitive_words_outside_ascii_are_not_filtered() -> None:
    kelvin = re.compile(r"\bkubectl\b", re.IGNORECASE)
    assert kelvin.search("\u212aubectl apply")  # KELVIN SIGN folds to k
    assert prefilter.Lines(["\u212aubectl apply"], lambda line: line).matching(kelvin) == ["\u212aubectl apply"]


# --- manifests ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind: Deployment\nspec:\n  strategy:\n    type: RollingUpdate\n", True),
        ("spec:\n  canary: {steps: []}\n", True),
        ("routes:\n  - {weight: 90}\n  - {weight: 10}\n", True),
        ('key: "\\x63anary"\n', True),  # an escape could spell a word: walked
        ("pipelineInfo: {name: p}\ndeploymentSpec: {executors: {}}\n", False),
    ],
)
def test_routing_walk_is_left_out_only_without_its_words(text: str, expected: bool) -> None:
    assert manifests.may_route(text) is expected


# --- the collector as a whole -------------------------------------------------------------------------------------


def test_garbage_collection_is_resumed_after_collection(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "repo")
    repo.commit("Add model", {"train.py": "import mlflow\n", "k8s/d.yaml": "apiVersion: v1\nkind: Pod\n"})
    config = GitTargetConfig.model_validate({"collector": "git", "name": "repo", "path": str(repo.path)})
    assert gc.isenabled()
    records = GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
    assert gc.isenabled()
    assert {r.probe: r.value for r in records}["git.k8s_resource_kinds"] == ["Pod"]
    gc.disable()
    try:
        GitCollector().collect(config, CollectContext(raw=RawStore(), redactor=Redactor()))
        assert not gc.isenabled()  # a pause never turns on what the caller had turned off
    finally:
        gc.enable()


def test_every_probe_catalogue_reads_the_same_with_libyaml_as_with_the_pure_python_parser() -> None:
    """load_probe_specs takes libyaml's safe loader for speed: it must give what PyYAML's own safe loader gives."""
    folders = sorted(Path(manifests.__file__).parent.parent.glob("*/probes.yaml"))
    assert len(folders) >= 14
    for path in folders:
        plain = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)["probes"]
        assert load_probe_specs(path) == tuple(ProbeSpec.model_validate(p) for p in plain), path


# --- start-up: only the targeted collector is imported -------------------------------------------------------------


def test_a_git_target_imports_the_git_collector_only() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from evidence_collectors.registry import installed_collectors, probe_catalogue\n"
        "found = installed_collectors()\n"
        "assert 'git' in found and 'no-such-collector' not in found\n"
        "assert found['git'].name == 'git'\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('evidence_collectors.') and m.endswith('.collector'))\n"
        "print(','.join(loaded))\n"
        "catalogue = probe_catalogue()\n"
        "print(len(found), any(p.startswith('mlflow.') for p in catalogue))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == "evidence_collectors.git.collector"
    count, has_mlflow = second.split()
    assert int(count) > 5 and has_mlflow == "True"  # the catalogue still lists every collector's probes
