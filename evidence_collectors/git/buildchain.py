"""Build and supply-chain practices written into CI and repository configuration (content version 2022.10.4 checks).

Read from the text of CI files (GitHub workflows, .gitlab-ci.yml and the local files it includes, Jenkinsfiles, ...),
the Makefile, test-runner configuration and dependency files, with comment lines left out, so a commented-out step
does not count. Each probe names the file and line that shows it, so a reviewer can open the evidence directly.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from evidence_collectors.git.ci_parse import ci_system
from evidence_collectors.git.findings import Finding, Findings, sample
from evidence_collectors.git.masking import mask_credentials
from evidence_collectors.git.prefilter import Lines
from evidence_collectors.git.snapshot import Snapshot

# --- what is recognised -----------------------------------------------------------------------------------------

TEST_REPORTS = re.compile(
    r"--junit-?xml\b|^\s*-?\s*junit(\s+|\s*[:(]\s*)[\w'\"$./]|\bxunit\s*\(|go-junit-report|gotestsum\b.*--junitfile|jest-junit"
    r"|--reporters?[= ]\S*junit|dorny/test-reporter|mikepenz/action-junit-report|publish-unit-test-result-action"
    r"|test-summary/action|--json-report\b|--report-junit|--junit-report\b|--logger[= ]\S*trx|--alluredir\b",
    re.IGNORECASE,
)

BUILD_MATRIX = re.compile(
    r"^\s*matrix:|^\s*matrix\s*\{|^\s*parameters\s*\{|^\s*strategy:\s*matrix|\bbuildx\b.*--platform[= ]\S+,\S+"
    r"|\bdocker buildx bake\b|^\s*platforms:\s*\S+,\S+",
    re.IGNORECASE,
)

SUPPLY_CHAIN: dict[str, re.Pattern[str]] = {
    "sbom": re.compile(
        r"\bsyft\b|cyclonedx|spdx-json|--format[= ]spdx|spdx-sbom-generator|anchore/sbom-action|\bdocker sbom\b"
        r"|\bsbom:\s*true|--sbom(?!=false)\b|\bbom\s+generate\b",
        re.IGNORECASE,
    ),
    "signing": re.compile(
        r"\bcosign\s+sign(-blob)?\b|\bnotation\s+sign\b|\bsigstore\b.*\bsign\b|sigstore/gh-action-sigstore-python"
        r"|\bgpg\b.*--detach-sign|\bjarsigner\b",
        re.IGNORECASE,
    ),
    "provenance": re.compile(
        r"slsa-framework/slsa-github-generator|actions/attest-build-provenance|actions/attest@|\bcosign\s+attest\b"
        r"|--provenance(?!=false)\b|\bprovenance:\s*(true|mode)|\bwitness\s+run\b|\bin-toto-run\b",
        re.IGNORECASE,
    ),
    "verification": re.compile(
        r"\bcosign\s+verify(-blob|-attestation)?\b|\bnotation\s+verify\b|\bslsa-verifier\b|\bgh attestation verify\b",
        re.IGNORECASE,
    ),
}

CONFIG_LINTERS: dict[str, re.Pattern[str]] = {
    "hadolint": re.compile(r"\bhadolint\b", re.IGNORECASE),
    "dockerfile_check": re.compile(r"\bdocker (buildx )?build\b.*--check\b", re.IGNORECASE),
    "actionlint": re.compile(r"\bactionlint\b|\bcheck-github-workflows\b", re.IGNORECASE),
    "gitlab_ci_lint": re.compile(r"\bglab ci (lint|validate)\b|/ci/lint\b|gitlab-ci-lint", re.IGNORECASE),
    "jenkinsfile_lint": re.compile(r"declarative-linter|pipeline-model-converter/validate", re.IGNORECASE),
    "yamllint": re.compile(r"\byamllint\b", re.IGNORECASE),
    "k8s_schema": re.compile(
        r"\bkubeconform\b|\bkubeval\b|\bkube-linter\b|\bhelm lint\b|\bct lint\b|\bflux-schema validate\b", re.IGNORECASE
    ),
    "terraform_validate": re.compile(
        r"\bterraform[ _]validate\b|\b(terraform_)?tflint\b|\btofu[ _]validate\b", re.IGNORECASE
    ),
    "checkov": re.compile(r"\bcheckov\b", re.IGNORECASE),
}

PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
_RUNS_PRE_COMMIT = re.compile(r"\bpre-commit\s+run\b|pre-commit/action@|\bprek\s+run\b", re.IGNORECASE)

UPDATE_BOT_FILES = {
    ".github/dependabot.yml": "dependabot",
    ".github/dependabot.yaml": "dependabot",
    "renovate.json": "renovate",
    "renovate.json5": "renovate",
    ".renovaterc": "renovate",
    ".renovaterc.json": "renovate",
    ".renovaterc.json5": "renovate",
    ".github/renovate.json": "renovate",
    ".github/renovate.json5": "renovate",
    ".gitlab/renovate.json": "renovate",
    ".gitlab/renovate.json5": "renovate",
}

# Public package indexes a build would fetch from directly (hosts as written in index settings or install lines).
PUBLIC_INDEX_HOSTS = (
    "pypi.org",
    "pypi.python.org",
    "files.pythonhosted.org",
    "download.pytorch.org",
    "pypi.nvidia.com",
    "registry.npmjs.org",
    "registry.yarnpkg.com",
    "conda.anaconda.org",
    "repo.anaconda.com",
    "repo1.maven.org",
    "repo.maven.apache.org",
    "proxy.golang.org",
    "crates.io",
    "rubygems.org",
    "pypi.tuna.tsinghua.edu.cn",
    "mirrors.aliyun.com",
    "pypi.douban.com",
    "mirrors.cloud.tencent.com",
    "repo.huaweicloud.com",
)
_INDEX_SETTING = re.compile(
    r"(--(extra-)?index-url|(?<![\w-])-i\s|--find-links|index[-_]url|extra[-_]index[-_]url|\bregistry\s*[=:]"
    r"|\burl\s*=|--registry\b|--channel\b|\bfind-links\b|PIP_INDEX_URL|UV_INDEX_URL|UV_EXTRA_INDEX_URL|GOPROXY"
    r"|^\s*-\s*https?://)",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://(?:[^/\s@]+@)?([A-Za-z0-9.-]+)")  # the host, after any user info

TEST_CONFIG_FILES = {
    "pyproject.toml",
    "pytest.ini",
    "setup.cfg",
    "tox.ini",
    "makefile",
    "package.json",
    "jest.config.js",
}
DEPENDENCY_SETTINGS = {
    "pip.conf",
    "pip.ini",
    ".npmrc",
    ".yarnrc",
    ".yarnrc.yml",
    ".condarc",
    "environment.yml",
    "environment.yaml",
    "pyproject.toml",
    "pipfile",
    "uv.toml",
    "poetry.toml",
    "setup.cfg",
    "tox.ini",
    "makefile",
}


def _text(hit: tuple[str, int, str]) -> str:
    return hit[2]


_COMMENT_STARTS = ("#", "//", "*", "/*")


# A trailing YAML or shell comment (`packages: write # for attestations, see slsa-github-generator`) names tools it
# does not run; `#` inside a word or URL (`${#x}`, `page#anchor`) is not a comment.
_TRAILING_COMMENT = re.compile(r"\s#(\s.*)?$")


def _lines(
    snap: Snapshot, paths: Iterable[str], done: dict[str, list[tuple[str, int, str]]] | None = None
) -> list[tuple[str, int, str]]:
    """(path, line number, line) of the given files, comment lines and trailing comments left out. `done`: the lines
    of files split before (CI files are read for several probes)."""
    done = {} if done is None else done
    found: list[tuple[str, int, str]] = []
    for path in sorted(paths):
        lines = done.get(path)
        if lines is None:
            lines = done[path] = _file_lines(path, snap.text(path))
        found += lines
    return found


def _file_lines(path: str, text: str) -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith(_COMMENT_STARTS):
            found.append((path, number, _TRAILING_COMMENT.sub("", line) if "#" in line else line))
    return found


# A shell script a CI line runs (`./test/unit.sh`, `bash hack/release.sh`): its steps are CI steps too.
_SCRIPT = re.compile(r"(?:^|[\s;&|(\"'=])(?:\./)?((?:[\w.-]+/)*[\w.-]+\.sh)\b")


def _ci_files(snap: Snapshot) -> list[str]:
    """CI files, the YAML files under CI include folders (.gitlab/, ci/) that GitLab jobs are often split into, and
    the local composite actions (.github/actions/*/action.yml) GitHub workflows call."""
    paths = [e.path for e in snap.entries if ci_system(e.path) is not None]
    paths += [
        e.path
        for e in snap.entries
        if (
            e.lower.startswith((".gitlab/ci/", "ci/", ".ci/", ".gitlab-ci/"))
            or (e.lower.startswith(".github/actions/") and e.name.lower() in {"action.yml", "action.yaml"})
        )
        and e.lower.endswith((".yml", ".yaml"))
    ]
    return sorted(p for p in set(paths) if p in snap.contents)


def _ci_scripts(snap: Snapshot, ci_lines: list[tuple[str, int, str]]) -> list[str]:
    """Repository shell scripts that CI lines run (one level: scripts those scripts call are not followed)."""
    named = {posixpath.normpath(m) for hit in ci_lines for m in _SCRIPT.findall(hit[2])}
    return sorted(p for p in named if p in snap.contents)


def _public(host: str) -> bool:
    return any(host == p or host.endswith("." + p) for p in PUBLIC_INDEX_HOSTS)


def _where(hits: list[tuple[str, int, str]]) -> str:
    """The first hit as path:line: text, with URL user info and password/token settings masked."""
    path, number, line = hits[0]
    shown = mask_credentials(line.strip().encode("utf-8", "replace")).decode("utf-8", "replace")
    return f"{path}:{number}: {shown[:100]}"


def _pre_commit_lines(snap: Snapshot, ci_lines: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """The hook lines of .pre-commit-config.yaml, when a CI job runs pre-commit (its hooks then run in CI)."""
    if PRE_COMMIT_CONFIG not in snap.contents or not any(_RUNS_PRE_COMMIT.search(h[2]) for h in ci_lines):
        return []
    return [h for h in _lines(snap, [PRE_COMMIT_CONFIG]) if re.match(r"\s*-?\s*id:", h[2])]


def buildchain_findings(snap: Snapshot) -> Findings:
    split: dict[str, list[tuple[str, int, str]]] = {}
    ci_paths = _ci_files(snap)
    ci_lines = _lines(snap, ci_paths, split)
    scripts = [p for p in _ci_scripts(snap, ci_lines) if p not in ci_paths]
    ci_lines += _lines(snap, scripts, split)
    ci_paths += scripts
    test_config = [p for p in snap.contents if posixpath.basename(p).lower() in TEST_CONFIG_FILES]
    test_lines = ci_lines + _lines(snap, test_config, split)
    raw_ci = snap.raws(set(ci_paths))

    ci_text = Lines(ci_lines, _text)
    report_hits = Lines(test_lines, _text).matching(TEST_REPORTS)
    matrix_hits = ci_text.matching(BUILD_MATRIX)
    steps = {name: ci_text.matching(pattern) for name, pattern in SUPPLY_CHAIN.items()}
    steps = {name: hits for name, hits in steps.items() if hits}
    linter_lines = Lines(ci_lines + _pre_commit_lines(snap, ci_lines), _text)
    linters = {name: linter_lines.matching(pattern) for name, pattern in CONFIG_LINTERS.items()}
    linters = {name: hits for name, hits in linters.items() if hits}
    bots = {e.path: UPDATE_BOT_FILES[e.lower] for e in snap.entries if e.lower in UPDATE_BOT_FILES}
    if "package.json" in snap.contents and re.search(r'"renovate"\s*:', snap.text("package.json")):
        bots["package.json"] = "renovate"

    dep_paths = [
        p
        for p in snap.contents
        if posixpath.basename(p).lower() in DEPENDENCY_SETTINGS
        or posixpath.basename(p).lower().startswith(("requirements", "dockerfile", "constraints"))
        or p.lower().endswith((".dockerfile", "requirements.in"))
    ]
    index_lines = _lines(snap, set(dep_paths) | set(ci_paths), split)
    public: list[tuple[str, int, str]] = []
    for hit in Lines(index_lines, _text).matching(_INDEX_SETTING):
        if any(_public(h.lower()) for h in _URL.findall(hit[2])):
            public.append(hit)
    public_hosts = sorted({h for hit in public for h in map(str.lower, _URL.findall(hit[2])) if _public(h)})

    report_files = {h[0] for h in report_hits}
    return {
        "git.ci_publishes_test_reports": Finding(
            value=bool(report_hits),
            raw=snap.raws(report_files) if report_files else raw_ci,
            summary=(
                f"machine-readable test results written or published in {len(report_files)} file(s); "
                f"e.g. {_where(report_hits)}"
                if report_hits
                else f"no JUnit/JSON test report output in {len(ci_paths)} CI file(s) or the test-runner configuration"
            ),
        ),
        "git.ci_build_matrix": Finding(
            value=bool(matrix_hits),
            raw=raw_ci,
            summary=(
                f"build matrix or build parameters declared in {sample({h[0] for h in matrix_hits}, 3)}; "
                f"e.g. {_where(matrix_hits)}"
                if matrix_hits
                else f"no build matrix, build parameters or multi-platform build in {len(ci_paths)} CI file(s)"
            ),
        ),
        "git.supply_chain_steps": Finding(
            value=sorted(steps),
            raw=raw_ci,
            summary=(
                "CI supply-chain steps: "
                + "; ".join(f"{name} ({_where(hits)})" for name, hits in sorted(steps.items()))
                if steps
                else f"no SBOM, signing, provenance or signature verification step in {len(ci_paths)} CI file(s)"
            ),
        ),
        "git.ci_config_linters": Finding(
            value=sorted(linters),
            raw=raw_ci,
            summary=(
                "CI checks build and deployment configuration with: "
                + "; ".join(f"{name} ({_where(hits)})" for name, hits in sorted(linters.items()))
                if linters
                else f"no Dockerfile, CI, manifest or infrastructure linter in {len(ci_paths)} CI file(s)"
            ),
        ),
        "git.dependency_update_bots": Finding(
            value=sorted(set(bots.values())),
            raw=snap.raws(set(bots)) if bots else [snap.listing_sha],
            summary=(
                "dependency update bots configured: " + ", ".join(f"{v} ({k})" for k, v in sorted(bots.items()))
                if bots
                else "no Dependabot or Renovate configuration"
            ),
        ),
        "git.public_package_index_refs": Finding(
            value=len(public),
            raw=snap.raws({h[0] for h in public}) if public else snap.raws(set(dep_paths) | set(ci_paths)),
            summary=(
                f"{len(public)} place(s) point installs straight at a public package index "
                f"({', '.join(public_hosts)}); e.g. {_where(public)}"
                if public
                else f"no index setting or install line in {len(dep_paths) + len(ci_paths)} dependency, image and CI "
                "file(s) names a public package index"
            ),
        ),
    }
