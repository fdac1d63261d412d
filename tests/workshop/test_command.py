"""`mlops-maturity workshop` refuses to serve without protection: no open server on a network address, no unusable
access code or targets file; what it hands the server holds the code only as a hash."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from app.workshop import access
from app.workshop.config import OPEN, from_environment


def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["workshop", *args], env=env)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_no_access_code_only_on_a_loopback_address(host: str, tmp_path: Path) -> None:
    code, err = _run("--db", str(tmp_path / "w.sqlite"), "--no-access-code", "--host", host)
    assert code == 2 and "--no-access-code is refused" in err and "loopback" in err
    assert not (tmp_path / "w.sqlite").exists()  # refused before anything was created


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--access-code-env", "WORKSHOP_CODE"], {}, "is empty"),
        (["--access-code-env", "WORKSHOP_CODE"], {"WORKSHOP_CODE": "short"}, "too short"),
        (["--access-code-file", "missing.txt"], {}, "cannot read the access code"),
        (["--access-code-env", "WORKSHOP_CODE", "--no-access-code"], {"WORKSHOP_CODE": "long enough code"}, "one of"),
    ],
)
def test_an_unusable_access_code_is_refused(
    args: list[str], env: dict[str, str], says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKSHOP_CODE", raising=False)
    code, err = _run("--db", str(tmp_path / "w.sqlite"), *args, env=env)
    assert code == 2 and says in err


def test_an_invalid_targets_file_is_refused(tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - {collector: gitlab, name: x, url: https://gitlab.example, token: inline}\n")
    code, err = _run("--db", str(tmp_path / "w.sqlite"), "--targets", str(targets))
    assert code == 2 and "targets file cannot be used" in err and "inline credentials are refused" in err


def test_the_server_gets_the_code_only_as_a_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the command would start: its environment holds the hash of the given code, not the code."""
    started: dict[str, object] = {}

    def serve(path: str, argv: list[str], env: dict[str, str]) -> None:
        started.update(argv=argv, env=env)
        raise SystemExit(0)

    monkeypatch.setattr("os.execve", serve)
    code_file = tmp_path / "code.txt"
    code_file.write_text("correct horse battery\n")
    monkeypatch.setenv("MLOPS_MATURITY_WORKSHOP_ACCESS", "open")  # inherited settings never reach the server
    _run("--db", str(tmp_path / "w.sqlite"), "--access-code-file", str(code_file), "--host", "127.0.0.1")
    env = started["env"]
    assert isinstance(env, dict)
    config = from_environment(env)
    assert config.access != OPEN and access.verify("correct horse battery", config.access)
    assert not access.verify("correct horse", config.access)
    assert all("correct horse" not in value for value in env.values())
    assert "--client.showErrorDetails" in started["argv"]  # type: ignore[operator]


def _options(command: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for flag, value in zip(command[5::2], command[6::2], strict=True):
        found.setdefault(flag, []).append(value)
    return found


def test_the_server_options_that_guard_it_are_always_given() -> None:
    """Given on the command line, they win over a `.streamlit/config.toml` or `STREAMLIT_*` variables."""
    from app.workshop_cmd import streamlit_command

    local = _options(streamlit_command(8501, "127.0.0.1"))
    for flag, value in {
        "--server.enableAgentApi": "false", "--server.enableStaticServing": "false", "--server.runOnSave": "false",
        "--server.enableXsrfProtection": "true", "--server.enableCORS": "true", "--client.showErrorDetails": "none",
    }.items():  # fmt: skip
        assert local[flag] == [value], flag
    assert local["--server.allowedHosts"] == ["localhost", "127.0.0.1", "::1"]  # no DNS rebinding on loopback
    assert streamlit_command(8501, "127.0.0.1")[4].endswith("server.py")  # the app behind its guard
    network = _options(streamlit_command(8501, "0.0.0.0"))
    assert "--server.allowedHosts" not in network  # reached by names the server cannot know: the code guards it
    assert network["--server.maxUploadSize"] == local["--server.maxUploadSize"]
