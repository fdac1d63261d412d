"""What a CI command line does: classified into activities, or recognised as a no-op or set-up line.

A job "runs something" only when at least one of its lines is neither a no-op (echo, sleep, true, ...) nor set-up
(installing packages, logging in, pulling data), so a template CI file that only echoes placeholders counts as empty.
"""

from __future__ import annotations

import re
from functools import lru_cache

from evidence_collectors.git.prefilter import may_match

ACTIVITIES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "test": r"\b(pytest|py\.test|nosetests|tox|nox|behave|jest|vitest|unittest)\b|python\S* -m (pytest|unittest)"
        r"|\b(make|just|task|invoke)\s+[\w-]*test|\b(npm|yarn|pnpm)( run)? test\b|\b(go|cargo|dotnet) test\b"
        r"|\b(mvn|mvnw|gradle|gradlew)\b.*\b(test|verify|check)\b|\bhatch (run )?test|\bcoverage run\b|testthat",
        "coverage": r"--cov\b|--cov=|\bcoverage (run|report|xml)\b|codecov",
        "lint": r"\b(ruff|flake8|pylint|mypy|pyright|hadolint|yamllint|eslint|shellcheck|sqlfluff|golangci-lint"
        r"|kubeval|kubeconform|actionlint|super-linter|pre-commit)\b|\bblack\b.*--check|\bisort\b.*--check"
        r"|\bhelm lint\b|\bterraform validate\b",
        "data_validation": r"great[_-]?expectations|\bgx\b|\bcheckpoint run\b|\bsoda scan\b|\bdeepchecks\b|\bpandera\b"
        r"|valid(ate|ation)?[_-]?(the[_-])?data|data[_-]?(valid\w*|quality|checks?)\b|check[_-]?data|\btfdv\b"
        r"|evidently|schema[_-]?check",
        "train": r"(?<![a-z])(re)?train(?!s\b)|fine[_-]?tun",
        "evaluate": r"(?<![a-z])evaluat|(?<![a-z])eval(_\w+)?\.py|\bmake eval\b|mlflow\.evaluate",
        "register_model": r"(?<![a-z])register(?!-runner)|model[_-]?registry|\bmlflow models? (create|register)"
        r"|\baz ml model (create|register)\b|\bgcloud ai models upload\b|create-model-package|promote[_-]?model",
        "run_pipeline": r"\bdvc (repro|exp run)\b|\bmlflow run\b|\bzenml pipeline run\b"
        r"|\bkfp (run|pipeline|recurring-job) (create|submit|start)\b"
        r"|\bkedro run\b|\bairflow dags (trigger|test)\b|\bprefect deployment run\b|\bdagster job (launch|execute)\b"
        r"|\bpyflyte run\b|\bsnakemake\b|\bnextflow run\b|\baz ml job create\b|\bgcloud ai custom-jobs create\b"
        r"|flow\.py (run|--with)",
        "build_image": r"\b(docker|podman) (build|buildx build|compose build|image build)\b|\bbuildah (bud|build)\b"
        r"|kaniko|\bpack build\b|\bbentoml (build|containerize)\b|\bmlflow models build-docker\b"
        r"|\bgcloud builds submit\b|build-push-action|\bjib\b",
        "publish": r"\b(docker|podman) push\b|--push\b|\btwine upload\b|\b(poetry|npm|cargo) publish\b|\bdvc push\b"
        r"|\bhelm push\b|\b(crane|oras) push\b|\bskopeo copy\b|\bmvn\S* deploy\b|gh-action-pypi-publish",
        "deploy": r"\bkubectl\b.*\b(apply|create|replace|rollout|set image|patch|scale)\b"
        r"|\bhelm(file)?\b.*\b(upgrade|install|rollback|sync|apply)\b|\bargocd app (sync|set|create)\b"
        r"|\bflux reconcile\b|\bskaffold (run|deploy)\b"
        r"|\bkn service (create|update)\b|(?<![a-z])deploy|\bcf push\b|\bkserve\b|\bseldon\b|\boc (apply|rollout)\b"
        r"|\b(terraform|tofu|terragrunt) apply\b|\bpulumi up\b|\bfeast apply\b|\bcdk deploy\b"
        r"|\baws lambda update-function-(code|configuration)\b|\banyscale service rollout\b"
        r"|\baws sagemaker (create|update)-endpoint\b",
        "infrastructure": r"\b(terraform|tofu|terragrunt) (apply|plan|init)\b|\bpulumi (up|preview)\b"
        r"|\bansible-playbook\b|\bcdk (deploy|synth)\b|\bcloudformation (deploy|create-stack|update-stack)\b"
        r"|\bpacker build\b",
        "security_scan": r"\b(trivy|grype|snyk|bandit|safety|pip-audit|semgrep|checkov|tfsec|gitleaks|trufflehog"
        r"|osv-scanner|dependency-check|sonar-scanner|codeql|sast|dast)\b"
        r"|secret[_-]detection|dependency[_-]scanning|container[_-]scanning",
        "release": r"\bsemantic-release\b|\bgh release (create|upload)\b|\bgit tag\b|\bgit push\b.*--tags|bump2?version"
        r"|\bcz bump\b|release-please|goreleaser|standard-version|action-gh-release|create-release|release-action",
    }.items()
}

_NO_OP = re.compile(
    r"^(?:(?:echo|printf|true|false|exit|sleep|date|env|printenv|pwd|ls|cat|whoami|uname|hostname|id|cd|export|set"
    r"|unset|shopt|which|type|time|df|free|nvidia-smi|tree|du|read|wait|then|else|fi|done|do|esac)\b|:\s*$|[{}]\s*$"
    r"|\w+=\S*\s*$|\S+ -?-?version\s*$)",
)
_SET_UP = re.compile(
    r"^(?:sudo )?(?:(?:pip\d?(?:\.\d+)?|python\S* -m (?:pip|venv|ensurepip)|uv (?:pip|sync|venv|lock)"
    r"|poetry (?:install|lock|config)|pipenv (?:install|sync)|conda|mamba|micromamba|apt(?:-get)?|apk|yum|dnf|brew"
    r"|npm (?:ci|install)|yarn(?: install)?\s*$|pnpm install|go mod|bundle install|source|git (?:config|fetch|checkout"
    r"|submodule|clone|lfs|remote|switch)|curl|wget|chmod|chown|mkdir|cp|mv|rm|ln|tar|unzip|gunzip|touch"
    r"|docker (?:login|pull|logout)|gcloud (?:auth|config)|az (?:login|account)|aws (?:configure|sts|ecr get-login)"
    r"|dvc (?:pull|fetch|remote|config|checkout)|virtualenv|pyenv|nvm|corepack|helm repo|ssh-add)\b|\.\s)",
)
_RUNNERS = {"poetry", "uv", "pipenv", "pdm", "hatch", "rye"}

PYTHON_SIGNALS: dict[str, re.Pattern[str]] = {
    "register_model": re.compile(
        r"register_model\(|create_model_version\(|registered_model_name\s*=|"
        r"transition_model_version_stage\(|set_registered_model_alias\("
    ),
    "train": re.compile(r"\.fit\(|\.train\(|Trainer\(|train_test_split|\.fit_transform\("),
    "evaluate": re.compile(r"mlflow\.evaluate\(|\.evaluate\(|classification_report\(|roc_auc_score\(|_score\("),
    "deploy": re.compile(r"create_namespaced_\w+\(|KServeClient\(|\.deploy\(|InferenceService\("),
    # a script that starts a platform pipeline run (ZenML, Vertex/KFP) hands the pipeline's steps to the platform
    "run_pipeline": re.compile(
        r"\.trigger_pipeline\(|\bPipelineJob\(|\.create_run_from_pipeline_(func|package)\(|\.start_pipeline_execution\("
    ),
    "data_validation": re.compile(
        r"^\s*(import|from)\s+(great_expectations|pandera|deepchecks|evidently|"
        r"tensorflow_data_validation|whylogs)\b",
        re.MULTILINE,
    ),
}


# Commands that only read or query: a word such as "train" or "deploy" in their arguments (a URL, a resource name)
# says nothing about what the job does.
_READERS = {"curl", "wget", "gh", "jq", "yq", "grep", "egrep", "sed", "awk", "cat", "head", "tail", "test", "[", "[["}
_KUBECTL_READS = {"exec", "get", "logs", "describe", "wait", "port-forward", "top", "cp", "auth", "config", "version"}
_LEADING = re.compile(r"^(?:(?:if|then|elif|while|until|!|time)\s+|\w+=\$\(|\$\(|\w+=\S*\s+)+")


def reads_only(line: str) -> bool:
    """True when the line's command reads or queries (`curl ...`, `kubectl exec ...`, `kubectl get ...`)."""
    words = _LEADING.sub("", line.strip()).split()
    if not words:
        return False
    head = words[0].rsplit("/", 1)[-1]
    if head in _READERS:
        return True
    if head in {"kubectl", "oc"}:
        verbs = _kubectl_verbs(words[1:])
        return bool(verbs) and (
            verbs[0] in _KUBECTL_READS or (verbs[0] == "create" and verbs[1:2] in (["configmap"], ["secret"]))
        )
    return False


def _kubectl_verbs(words: list[str]) -> list[str]:
    """The non-option words of a kubectl call (options that take a value skip it)."""
    takes_value = {"-n", "--namespace", "--context", "-c", "--container", "-l", "--selector", "-o", "--kubeconfig"}
    verbs: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in takes_value:
            skip = True
        elif not word.startswith("-"):
            verbs.append(word)
    return verbs


def logical_lines(text: str) -> list[str]:
    """Shell lines with comments dropped, continuations joined and `&&`/`;` chains split."""
    joined = re.sub(r"\\\n\s*", " ", text)
    lines: list[str] = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        lines += [part.strip() for part in split_chain(line) if part.strip()]
    return lines


def split_chain(line: str) -> list[str]:
    """Split a shell line at `&&`, `||` and `;` outside quotes and `$( )`/`( )` groups, so a `python -c "a; b"` or
    `VAR=$(cmd; cmd)` stays one command."""
    if ";" not in line and "&&" not in line and "||" not in line:  # nothing to split at
        return [line]
    if not any(c in line for c in "'\"("):  # nothing to keep together: the plain split
        return re.split(r"&&|\|\||;", line)
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    depth = 0
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote == '"' and i + 1 < len(line):
                current.append(line[i : i + 2])
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif depth == 0 and (line.startswith("&&", i) or line.startswith("||", i) or ch == ";"):
            parts.append("".join(current))
            current = []
            i += 1 if ch == ";" else 2
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def is_effective(line: str) -> bool:
    """True when the line does real work (not a placeholder echo, not only installing or logging in)."""
    return any(not (_NO_OP.match(part) or _SET_UP.match(part)) for part in (p.strip() for p in line.split("|")) if part)


_NOT_A_DEPLOYMENT = re.compile(
    r"gh-deploy|\bmike deploy\b|gh-pages|deploy-pages|pages-deploy|deploy[-_ ]?docs\b|docs?[-_ ]?deploy"
    r"|\bpypi\b|\btwine\b|\bnpm publish\b",
    re.IGNORECASE,
)
# Registering workflows, tasks or launch plans with an orchestrator (Flyte, or a step that says so) puts the
# project's pipelines into that orchestrator's environment: a deployment of the workflows, not a model registration.
_WORKFLOW_REGISTRATION = re.compile(
    r"\b(?:py)?flyte(?:ctl|kit)?\b[^|;&]*\bregister\b|flyte\w*register"
    r"|\bregister[-_ ]?(?:workflows?|pipelines?|tasks?|flows?|launch[-_ ]?plans?)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\\\]|\\\\.)*\"")
# Variables and CI expressions name values (`$MODEL_REGISTRY`, `${{ env.REGISTRY }}`, Azure's `$(registryName)`),
# not what the command does.
_VARIABLE = re.compile(r"\$\{\{.*?\}\}|\$\(\s*[A-Za-z_][\w.]*\s*\)|\$\{?[A-Za-z_]\w*\}?")


def activities_of(text: str) -> set[str]:
    """What a command line does (test, train, deploy, ...)."""
    return set(_activities(text))


@lru_cache(maxsize=1 << 14)
def _activities(text: str) -> frozenset[str]:
    """`activities_of`, remembered: the same lines come back in many jobs and scripts."""
    if reads_only(text):
        return frozenset()
    text = _VARIABLE.sub("", text)  # `$MODEL_REGISTRY` names a value, not what the command does
    if _LEADING.sub("", text.strip()).split(" ", 1)[0] in {"kubectl", "oc", "helm"}:
        text = _QUOTED.sub("''", text)  # a patch or value payload says nothing about the verb
    lowered = text.lower()
    found = {name for name, pattern in ACTIVITIES.items() if may_match(pattern, text, lowered) and pattern.search(text)}
    if "deploy" in found and _NOT_A_DEPLOYMENT.search(text):  # documentation sites and packages are published
        found.discard("deploy")
        found.add("publish")
    if _WORKFLOW_REGISTRATION.search(text):
        found.discard("register_model")
        found.add("deploy")
    return frozenset(found)


def _command_words(line: str) -> list[str]:
    words = line.split()
    if len(words) > 2 and words[0] in _RUNNERS and words[1] == "run":
        words = words[2:]
    return words


def command_words(line: str) -> list[str]:
    """The words of a command line, without a `uv run`/`poetry run`-style runner in front."""
    return _command_words(line)


def invoked_scripts(line: str) -> list[str]:
    """Repository scripts a line runs (paths as written, `python -m pkg.mod` as pkg/mod.py)."""
    words = _command_words(line)
    if not words:
        return []
    head = words[0]
    if head.endswith((".sh", ".py")):
        return [head.removeprefix("./")]
    if head in {"bash", "sh", "zsh"} or re.fullmatch(r"python[\d.]*", head):
        for n, word in enumerate(words[1:], start=1):
            if word == "-m" and n + 1 < len(words):
                return [words[n + 1].replace(".", "/") + ".py"]
            if not word.startswith("-"):
                return [word.removeprefix("./")] if word.endswith((".sh", ".py")) else []
    return []


def make_targets(line: str) -> tuple[str, list[str]] | None:
    """(directory, targets) when the line is a `make` call, else None."""
    words = _command_words(line)
    if not words or words[0] not in {"make", "gmake"}:
        return None
    directory, targets, skip = "", [], False
    for n, word in enumerate(words[1:], start=1):
        if skip:
            skip = False
        elif word == "-C" and n + 1 < len(words):
            directory, skip = words[n + 1], True
        elif not word.startswith("-") and "=" not in word:
            targets.append(word)
    return directory.rstrip("/"), targets or ["<default>"]


def python_activities(source: str) -> set[str]:
    return {name for name, pattern in PYTHON_SIGNALS.items() if pattern.search(source)}
