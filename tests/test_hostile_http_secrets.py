"""Credentials against hostile servers on 127.0.0.1, through the real collectors and the real bundle writer: a token
never travels to another origin (whatever header or query carries it), and however a server echoes it back (raw,
base64 of user:token, URL-quoted in a redirect), no encoding of it reaches any file of the bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from evidence_collectors.airflow import AirflowCollector
from evidence_collectors.base import Collector
from evidence_collectors.bundle import write_bundle
from evidence_collectors.github import GitHubCollector
from evidence_collectors.gitlab import GitLabCollector
from evidence_collectors.grafana.collector import GrafanaCollector
from evidence_collectors.jenkins import JenkinsCollector
from evidence_collectors.jira.collector import JiraCollector
from evidence_collectors.kubeflow import KubeflowCollector
from evidence_collectors.kubernetes import KubernetesCollector
from evidence_collectors.mlflow import MlflowCollector
from evidence_collectors.modelarts import ModelArtsCollector
from evidence_collectors.prometheus.collector import PrometheusCollector
from evidence_collectors.runner import collect
from evidence_collectors.secrets import Redactor
from evidence_collectors.targets import Target
from evidence_collectors.zentao.collector import ZentaoCollector
from tests.support.hostile import HostileServer, credential_forms, echo, echo_redirect, leaks

TOKEN = "hx/T0k+en=9~q&secret"  # characters that every encoding changes differently
USER = "auditor"
ENV = "HOSTILE_HTTP_TOKEN"
FORMS = credential_forms(TOKEN, f"{USER}:{TOKEN}")

# collector, its target fields, and the header the credential travels in
KINDS: dict[str, tuple[type[Collector], dict[str, Any], str]] = {
    "gitlab": (GitLabCollector, {"project": "ml/app"}, "private-token"),
    "github": (GitHubCollector, {"repository": "acme/app"}, "authorization"),
    "jenkins": (JenkinsCollector, {"username": USER}, "authorization"),
    "mlflow": (MlflowCollector, {"username": USER}, "authorization"),
    "prometheus": (PrometheusCollector, {}, "authorization"),
    "grafana": (GrafanaCollector, {"username": USER}, "authorization"),
    "jira": (JiraCollector, {"username": USER}, "authorization"),
    "jira-bearer": (JiraCollector, {}, "authorization"),
    "zentao": (ZentaoCollector, {}, "token"),
    "kubernetes": (KubernetesCollector, {}, "authorization"),
    "airflow": (AirflowCollector, {"username": USER}, "authorization"),
    "airflow-bearer": (AirflowCollector, {}, "authorization"),
    "kubeflow": (KubeflowCollector, {}, "authorization"),
    "modelarts": (ModelArtsCollector, {"project_id": "0a1b2c3d"}, "x-auth-token"),
}


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, TOKEN)


def target(kind: str, url: str, **extra: Any) -> Target:
    cls, fields, _ = KINDS[kind]
    config = cls.config_model.model_validate(
        {"collector": cls.name, "name": f"hostile-{kind}", "url": url, "token_env": ENV, "timeout_s": 2, "retries": 0}
        | fields
        | extra
    )
    return Target(config=config, collector=cls)


def bundle_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def carried_credential(seen_headers: dict[str, str], header: str) -> bool:
    return any(k.lower() == header for k in seen_headers) or bool(leaks(" ".join(seen_headers.values()), FORMS))


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("where", ["same-origin", "cross-origin"])
def test_an_echoed_credential_is_masked_everywhere_and_never_sent_to_another_origin(
    kind: str, where: str, home: HostileServer, elsewhere: HostileServer, tmp_path: Path
) -> None:
    """Every request is redirected with its credential headers copied into the query (raw, base64, URL-quoted); the
    landing page echoes every header it receives."""
    landing = home if where == "same-origin" else elsewhere
    home.routes["/"] = echo_redirect(f"{landing.url}/landing")
    landing.routes["/landing"] = echo()
    header = KINDS[kind][2]

    collection = collect([target(kind, home.url)])
    write_bundle(tmp_path / "bundle", collection)

    assert len(collection.records) == len(KINDS[kind][0].probes)
    first = [s for s in home.seen if not s.target.startswith("/landing")]
    assert first and all(carried_credential(s.headers, header) for s in first), "the home origin gets the credential"
    landed = [s for s in landing.seen if s.target.startswith("/landing")]
    assert landed, "the redirects were followed"
    if where == "cross-origin":
        for seen in elsewhere.seen:
            assert not carried_credential(seen.headers, header), seen.headers
            assert not leaks(seen.target, FORMS), seen.target
            assert "private_token" not in seen.target and "hop=1" in seen.target  # other parameters kept
    else:
        assert all(carried_credential(s.headers, header) for s in landed), "a same-origin hop keeps the credential"
    files = bundle_files(tmp_path / "bundle")
    assert any(name.startswith("raw/") and name != "raw/index.jsonl" for name in files)
    for name, data in files.items():
        assert not leaks(data, FORMS), f"{name} leaks {leaks(data, FORMS)}"
    if where == "same-origin":  # the echo was stored, masked
        assert any(b'"echo"' in data and b"***" in data for data in files.values())


def test_redactor_masks_every_encoding_of_a_secret_and_of_a_basic_auth_pair() -> None:
    redactor = Redactor()
    redactor.add_basic(USER, TOKEN)
    assert len(FORMS) > 20
    for label, form in FORMS.items():
        text = f"before {form} after"
        assert redactor(text) == "before *** after", label
        assert redactor.bytes(text.encode()) == b"before *** after", label
        assert redactor.contains(text), label
    assert redactor("nothing secret here, auditor") == "nothing secret here, auditor"


def test_a_credential_like_query_parameter_is_not_carried_to_another_origin(
    home: HostileServer, elsewhere: HostileServer
) -> None:
    """A Location naming another origin with an api key, a session and a signature in its query loses those
    parameters (and anything holding the token), but keeps the rest."""
    home.routes["/"] = lambda h: h.send(
        302,
        b"",
        headers={"Location": f"{elsewhere.url}/x?api_key=k1&session=s1&sig=z&page=2&echo={quote(TOKEN, safe='')}"},
    )
    elsewhere.routes["/x"] = echo()
    collect([target("prometheus", home.url)])
    assert elsewhere.seen
    for seen in elsewhere.seen:
        assert "page=2" in seen.target
        assert not any(p in seen.target for p in ("api_key", "session", "sig=", "echo=")), seen.target
        assert not carried_credential(seen.headers, "authorization")
