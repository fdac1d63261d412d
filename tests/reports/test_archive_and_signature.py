"""The PDF as an archive and a signed record: PDF/A-3b with the result JSON inside, the tool version and report id
on its cover, a PAdES signature that `report verify` accepts, and every alteration after signing refused."""

from __future__ import annotations

import re
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.reports.conftest import PART1, PART2, REPORT_DATE, RenderedPdf, require_tool, squash
from tests.reports.signing_keys import SigningKey, make_signing_key


def detach(pdf: Path, out: Path) -> dict[str, bytes]:
    """Every embedded file, as poppler's pdfdetach lists and saves it."""
    listing = subprocess.run([require_tool("pdfdetach"), "-list", pdf], capture_output=True, text=True, check=True)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([require_tool("pdfdetach"), "-saveall", "-o", out, pdf], capture_output=True, check=True)
    names = [line.split(": ", 1)[1] for line in listing.stdout.splitlines()[1:] if ": " in line]
    return {name: (out / name).read_bytes() for name in names}


def test_version_option_prints_the_installed_version(run_cli: RunCli) -> None:
    done = run_cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"mlops-maturity {metadata.version('mlops-maturity')}"


def test_the_cover_names_the_tool_version_and_report_id(example_pdfs: dict[str, RenderedPdf], run_cli: RunCli) -> None:
    version = run_cli("--version").stdout.strip()
    ids = set()
    for rendered in example_pdfs.values():
        text = squash(rendered.text)
        assert squash(version) in text
        ids.update(word for word in rendered.text.split() if word.startswith("MMR-"))
    assert len(ids) == 1, f"the same inputs must give one report id in both languages: {ids}"


def test_the_pdf_embeds_the_result_json_and_the_evidence_manifest(
    example_pdfs: dict[str, RenderedPdf], run_cli: RunCli, evidence_bundle: tuple[Path, str], tmp_path: Path
) -> None:
    bundle, _ = evidence_bundle
    json_out = run_cli("report", PART1, PART2, "--evidence", bundle, "--format", "json", "--date", REPORT_DATE)
    assert json_out.returncode == 0, json_out.stderr
    for lang, rendered in example_pdfs.items():
        files = detach(rendered.path, tmp_path / lang)
        assert files["assessment-result.json"] == json_out.stdout.encode()
        assert files["evidence-manifest.sha256"] == (bundle / "MANIFEST.sha256").read_bytes()


def test_the_pdf_declares_pdfa_3b_and_its_document_metadata(example_pdfs: dict[str, RenderedPdf]) -> None:
    pdfinfo = require_tool("pdfinfo")
    for rendered in example_pdfs.values():
        xmp = subprocess.run([pdfinfo, "-meta", rendered.path], capture_output=True, text=True, check=True).stdout
        # XMP allows the identification as attributes or as elements
        assert re.search(r'pdfaid:part(="|>)3\b', xmp) and re.search(r'pdfaid:conformance(="|>)B\b', xmp), xmp
        info = subprocess.run([pdfinfo, rendered.path], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        assert "Huaxin Bank" in fields["Title"]
        assert "MMR-" in fields["Subject"]
        assert fields["Author"].strip()
        assert "caict-mlops-p1" in fields["Keywords"] and "caict-mlops-p2" in fields["Keywords"]


@pytest.fixture(scope="module")
def auditor(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    return make_signing_key(tmp_path_factory.mktemp("keys"), "Liu Auditor")


@pytest.fixture(scope="module")
def signed_pdf(run_cli: RunCli, auditor: SigningKey, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("signed") / "signed.pdf"
    done = run_cli(
        "report", PART1, "--lang", "en", "--date", REPORT_DATE, "-o", out, "--sign", auditor.pkcs12,
        env={"MLOPS_MATURITY_SIGN_PASSPHRASE": auditor.passphrase},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_a_signed_report_verifies_against_its_signer(run_cli: RunCli, signed_pdf: Path, auditor: SigningKey) -> None:
    done = run_cli("report", "verify", signed_pdf, "--trust", auditor.certificate)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verified" in done.stdout and "Liu Auditor" in done.stdout and "trusted" in done.stdout


def test_a_byte_changed_inside_the_signed_range_fails(run_cli: RunCli, signed_pdf: Path, tmp_path: Path) -> None:
    data = bytearray(signed_pdf.read_bytes())
    at = len(data) // 3  # page content, well inside the signed byte range
    data[at] ^= 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))
    done = run_cli("report", "verify", altered)
    assert done.returncode == 1
    assert "altered" in done.stderr


def test_anything_added_after_signing_fails(run_cli: RunCli, signed_pdf: Path, tmp_path: Path) -> None:
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(signed_pdf.read_bytes() + b"\n% a later revision\n")
    done = run_cli("report", "verify", appended)
    assert done.returncode == 1
    assert "changed after it was signed" in done.stderr


def test_a_signer_outside_the_trusted_certificates_fails(run_cli: RunCli, signed_pdf: Path, tmp_path: Path) -> None:
    stranger = make_signing_key(tmp_path, "Someone Else")
    done = run_cli("report", "verify", signed_pdf, "--trust", stranger.certificate)
    assert done.returncode == 1
    assert "not among the trusted certificates" in done.stderr


def test_an_unsigned_report_does_not_verify(example_pdfs: dict[str, RenderedPdf], run_cli: RunCli) -> None:
    done = run_cli("report", "verify", example_pdfs["en"].path)
    assert done.returncode == 1
    assert "not signed" in done.stderr
    assert "embedded result SHA-256" in done.stdout  # the data check still ran, and held


def test_a_wrong_passphrase_is_a_clear_input_error(run_cli: RunCli, auditor: SigningKey, tmp_path: Path) -> None:
    out = tmp_path / "never.pdf"
    done = run_cli(
        "report", PART1, "--lang", "en", "-o", out, "--sign", auditor.pkcs12,
        env={"MLOPS_MATURITY_SIGN_PASSPHRASE": "wrong"},
    )  # fmt: skip
    assert done.returncode == 2
    assert str(auditor.pkcs12) in done.stderr
    assert not out.exists()
    assert "wrong" not in done.stderr.replace("wrong passphrase", "")  # the secret itself is never echoed
