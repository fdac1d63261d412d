"""Signed evidence bundles and results: DSSE envelopes (PAE as the DSSE protocol defines it) around in-toto
Statements, Ed25519 keys from `keys generate`, and `evidence verify --key` refusing a bundle that was edited and
re-sealed with a recomputed manifest, which the manifest check alone cannot see."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence_collectors.bundle import verify_bundle, write_bundle
from evidence_collectors.bundle_writer import bundle_files, sha_file
from evidence_collectors.raw import RawStore
from evidence_collectors.records import CollectorInfo, EvidenceRecord, EvidenceSource, EvidenceStatus
from evidence_collectors.runner import Collection
from evidence_collectors.secrets import Redactor
from evidence_collectors.signing import (
    ATTESTATION,
    BUNDLE_PREDICATE,
    SigningError,
    dsse,
    generate_keys,
    load_private_key,
    load_public_key,
    sign_bundle,
    sign_file,
    verify_bundle_signature,
    verify_file_signature,
)
from evidence_collectors.signing.statement import PAYLOAD_TYPE, STATEMENT_TYPE
from tests.conftest import EXAMPLES, RunCli

SECRET = "tok-9f8e7d6c5b4a-SECRET"


def _record(probe: str, value: int, url: str, raw: list[str]) -> EvidenceRecord:
    return EvidenceRecord(
        probe=probe,
        target="tracking",
        value=value,
        status=EvidenceStatus.ok,
        source=EvidenceSource(system="mlflow", url=url),
        collected_at=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
        collector=CollectorInfo(name="mlflow", version="2.1.0"),
        raw_sha256=raw,
    )


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    made = generate_keys(tmp_path / "keys")
    return made.private, made.public


def _bundle(root: Path, url: str = "http://127.0.0.1:1/api") -> Path:
    raw = RawStore()
    sha = raw.add(b'{"runs": 3}', url=url)
    records = [_record("mlflow.runs", 3, url, [sha]), _record("mlflow.models", 2, url, [sha])]
    write_bundle(root, Collection(records=records, raw=raw, redactor=Redactor()))
    return root


def _reseal(root: Path) -> None:
    """What a forger does after editing: recompute the manifest over every file but the signature."""
    lines = "".join(f"{sha_file(root / rel)}  {rel}\n" for rel in bundle_files(root) if rel != ATTESTATION)
    (root / "MANIFEST.sha256").write_text(lines, encoding="utf-8")


def _statement(envelope_path: Path) -> dict[str, object]:
    envelope = json.loads(envelope_path.read_text(encoding="utf-8"))
    payload: dict[str, object] = json.loads(base64.b64decode(envelope["payload"]))
    return payload


# --- DSSE ------------------------------------------------------------------------------------------------------------


def test_pae_matches_the_dsse_protocol_test_vector() -> None:
    assert dsse.pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )
    # LEN counts bytes, not characters
    assert dsse.pae("t/\u00e9", b"\xe4\xb8\xad") == b"DSSEv1 4 t/\xc3\xa9 3 \xe4\xb8\xad"


def test_pae_verifies_the_dsse_protocols_published_signature() -> None:
    """The protocol's example envelope (ECDSA P-256, SHA-256, r||s) verifies over the PAE computed here."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    x = 46950820868899156662930047687818585632848591499744589407958293238635476079160
    y = 5640078356564379163099075877009565129882514886557779369047442380624545832820
    public = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    envelope = dsse.parse_envelope(
        b'{"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld", "signatures": [{"sig": '
        b'"A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}',
        "spec example",
    )
    raw = dsse.b64decode(envelope.signatures[0].sig)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    body = dsse.b64decode(envelope.payload)
    public.verify(der, dsse.pae(envelope.payloadType, body), ec.ECDSA(hashes.SHA256()))


def test_envelope_verifies_only_with_its_key_type_and_payload() -> None:
    key = Ed25519PrivateKey.generate()
    envelope = dsse.sign(PAYLOAD_TYPE, b'{"a": 1}', key)
    signature = base64.b64decode(envelope.signatures[0].sig)
    key.public_key().verify(signature, dsse.pae(PAYLOAD_TYPE, b'{"a": 1}'))  # the signature is over PAE, not the body
    assert dsse.verify(envelope, key.public_key(), PAYLOAD_TYPE, "e") == b'{"a": 1}'

    urlsafe = envelope.model_copy(update={"payload": base64.urlsafe_b64encode(b'{"a": 1}').decode().rstrip("=")})
    assert dsse.verify(urlsafe, key.public_key(), PAYLOAD_TYPE, "e") == b'{"a": 1}'
    changed = envelope.model_copy(update={"payload": base64.b64encode(b'{"a": 2}').decode()})
    with pytest.raises(SigningError, match="no signature verifies"):
        dsse.verify(changed, key.public_key(), PAYLOAD_TYPE, "e")
    retyped = envelope.model_copy(update={"payloadType": "application/json"})  # the type is signed too
    with pytest.raises(SigningError, match="no signature verifies"):
        dsse.verify(retyped, key.public_key(), PAYLOAD_TYPE, "e")
    with pytest.raises(SigningError, match="no signature verifies"):
        dsse.verify(envelope, Ed25519PrivateKey.generate().public_key(), PAYLOAD_TYPE, "e")
    other_type = dsse.sign("application/json", b'{"a": 1}', key)
    with pytest.raises(SigningError, match="payload type"):
        dsse.verify(other_type, key.public_key(), PAYLOAD_TYPE, "e")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"{", "not valid JSON"),
        (b"[]", "expected a JSON object"),
        (b'{"payload": "e30=", "payloadType": "x"}', "signatures"),
        (b'{"payload": "e30=", "payloadType": "x", "signatures": []}', "no signature"),
    ],
)
def test_a_damaged_envelope_is_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(SigningError, match=message):
        dsse.parse_envelope(data, "attestation.dsse.json")


# --- keys ------------------------------------------------------------------------------------------------------------


def test_generated_private_key_is_0600_and_never_overwritten(tmp_path: Path) -> None:
    made = generate_keys(tmp_path / "k", name="signer")
    assert stat.S_IMODE(made.private.stat().st_mode) == 0o600
    assert made.private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    private, public = load_private_key(made.private), load_public_key(made.public)
    public.verify(private.sign(b"x"), b"x")
    with pytest.raises(SigningError, match="never overwritten"):
        generate_keys(tmp_path / "k", name="signer")


def test_encrypted_key_needs_its_passphrase_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNING_PASS", "correct horse battery")
    made = generate_keys(tmp_path, passphrase_env="SIGNING_PASS")
    assert made.encrypted and b"ENCRYPTED PRIVATE KEY" in made.private.read_bytes()
    with pytest.raises(SigningError, match="MLOPS_MATURITY_KEY_PASSPHRASE is not set"):
        load_private_key(made.private)
    monkeypatch.setenv("MLOPS_MATURITY_KEY_PASSPHRASE", "wrong")
    with pytest.raises(SigningError, match="wrong passphrase"):
        load_private_key(made.private)
    key = load_private_key(made.private, "SIGNING_PASS")
    load_public_key(made.public).verify(key.sign(b"y"), b"y")
    with pytest.raises(SigningError, match="not set"):
        generate_keys(tmp_path / "other", passphrase_env="UNSET_VARIABLE_FOR_TEST")


def test_keys_of_the_wrong_kind_are_refused(keys: tuple[Path, Path], tmp_path: Path) -> None:
    private, public = keys
    with pytest.raises(SigningError, match="is a private key"):
        load_public_key(private)
    with pytest.raises(SigningError, match="public key: signing needs the private one"):
        load_private_key(public)
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(SigningError, match="not a readable PEM public key"):
        load_public_key(junk)


# --- bundles ---------------------------------------------------------------------------------------------------------


def test_signed_bundle_verifies_and_its_statement_names_the_manifest(keys: tuple[Path, Path], tmp_path: Path) -> None:
    private, public = keys
    root = _bundle(tmp_path / "b")
    envelope = sign_bundle(root, load_private_key(private))
    assert envelope == root / ATTESTATION
    statement = _statement(envelope)
    manifest_sha = hashlib.sha256((root / "MANIFEST.sha256").read_bytes()).hexdigest()
    assert statement["_type"] == STATEMENT_TYPE
    assert statement["predicateType"] == BUNDLE_PREDICATE
    assert statement["subject"] == [{"name": "MANIFEST.sha256", "digest": {"sha256": manifest_sha}}]
    predicate = statement["predicate"]
    assert isinstance(predicate, dict)
    assert predicate["collectors"] == {"mlflow": "2.1.0"}
    assert [(t["name"], t["collector"], t["records"]) for t in predicate["targets"]] == [("tracking", "mlflow", 2)]
    assert predicate["bundle"]["records"] == 2 and predicate["bundle"]["complete"] is True
    report = verify_bundle(root, load_public_key(public))
    assert report.ok and report.signature_checked, report.problems()
    assert verify_bundle(root).ok  # the envelope is not a file the manifest must list
    with pytest.raises(SigningError, match="already signed"):
        sign_bundle(root, load_private_key(private))


def test_forged_bundle_with_recomputed_manifest_fails_only_the_key_check(
    keys: tuple[Path, Path], tmp_path: Path
) -> None:
    private, public = keys
    root = _bundle(tmp_path / "b")
    sign_bundle(root, load_private_key(private))
    records = root / "records.jsonl"
    records.write_text(records.read_text().replace('"value":3', '"value":30'), encoding="utf-8")
    _reseal(root)
    assert verify_bundle(root).ok  # the manifest check alone is fooled
    report = verify_bundle(root, load_public_key(public))
    assert not report.ok
    assert (
        report.signature
        == [
            f"signature: the manifest MANIFEST.sha256 changed after it was signed (signed sha256 "
            f"{_statement(root / ATTESTATION)['subject'][0]['digest']['sha256'][:16]}…, "  # type: ignore[index]
            f"now {hashlib.sha256((root / 'MANIFEST.sha256').read_bytes()).hexdigest()[:16]}…)"
        ]
    )


def test_a_forger_cannot_carry_over_another_bundles_signature(keys: tuple[Path, Path], tmp_path: Path) -> None:
    private, public = keys
    genuine = _bundle(tmp_path / "genuine")
    sign_bundle(genuine, load_private_key(private))
    forged = _bundle(tmp_path / "forged", url="http://127.0.0.1:2/other")
    (forged / ATTESTATION).write_bytes((genuine / ATTESTATION).read_bytes())
    check = verify_bundle_signature(forged, load_public_key(public))
    assert not check.ok and "changed after it was signed" in check.problems[0]


def test_unsigned_or_badly_signed_bundle_fails_with_a_key(keys: tuple[Path, Path], tmp_path: Path) -> None:
    public = keys[1]
    root = _bundle(tmp_path / "b")
    check = verify_bundle_signature(root, load_public_key(public))
    assert check.problems == [f"signature: {root / ATTESTATION} is missing: the content is not signed"]
    other = generate_keys(tmp_path / "other").private
    sign_bundle(root, load_private_key(other))
    check = verify_bundle_signature(root, load_public_key(public))
    assert len(check.problems) == 1 and "no signature verifies with the given public key" in check.problems[0]
    (root / ATTESTATION).write_text("not json", encoding="utf-8")
    assert "not valid JSON" in verify_bundle_signature(root, load_public_key(public)).problems[0]


def test_predicate_records_targets_without_secrets(keys: tuple[Path, Path], tmp_path: Path) -> None:
    root = _bundle(tmp_path / "b", url=f"https://auditor:{SECRET}@mlflow.example/api?private_token={SECRET}&page=2")
    redactor = Redactor()
    redactor.add(SECRET)
    sign_bundle(root, load_private_key(keys[0]), redactor)
    text = base64.b64decode(json.loads((root / ATTESTATION).read_text())["payload"]).decode()
    assert SECRET not in text and "auditor" not in text
    sources = json.loads(text)["predicate"]["targets"][0]["sources"]
    assert sources == ["https://***@mlflow.example/api?private_token=***&page=2"]


def test_an_incomplete_or_altered_bundle_is_not_signed(keys: tuple[Path, Path], tmp_path: Path) -> None:
    root = _bundle(tmp_path / "b")
    (root / "records.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(SigningError, match="only a complete bundle that verifies can be signed"):
        sign_bundle(root, load_private_key(keys[0]))
    assert not (root / ATTESTATION).exists()


# --- result files ----------------------------------------------------------------------------------------------------


def test_signed_result_file_covers_its_digest(keys: tuple[Path, Path], tmp_path: Path) -> None:
    private, public = keys
    result = tmp_path / "result.json"
    result.write_text('{"overall": 2}\n', encoding="utf-8")
    envelope = sign_file(result, load_private_key(private), "ab" * 32)
    statement = _statement(envelope)
    assert statement["subject"] == [
        {"name": "result.json", "digest": {"sha256": hashlib.sha256(result.read_bytes()).hexdigest()}}
    ]
    assert statement["predicate"]["evidence_manifest_sha256"] == "ab" * 32  # type: ignore[index]
    assert verify_file_signature(result, load_public_key(public)).ok
    result.write_text('{"overall": 3}\n', encoding="utf-8")
    check = verify_file_signature(result, load_public_key(public))
    assert not check.ok and "changed after it was signed" in check.problems[0]


# --- command line ----------------------------------------------------------------------------------------------------


def test_cli_generate_sign_verify_and_forgery(run_cli: RunCli, tmp_path: Path) -> None:
    made = run_cli("keys", "generate", "--out", tmp_path / "keys")
    assert made.returncode == 0, made.stderr
    private, public = tmp_path / "keys" / "mlops-maturity.key", tmp_path / "keys" / "mlops-maturity.pub"
    root = _bundle(tmp_path / "b")
    unsigned = run_cli("evidence", "verify", root, "--key", public)
    assert unsigned.returncode == 1 and "is missing: the content is not signed" in unsigned.stderr
    signed = run_cli("evidence", "sign", root, "--key", private)
    assert signed.returncode == 0, signed.stderr
    ok = run_cli("evidence", "verify", root, "--key", public)
    assert ok.returncode == 0 and "signature verified" in ok.stdout, ok.stderr
    records = root / "records.jsonl"
    records.write_text(records.read_text().replace('"value":2', '"value":5'), encoding="utf-8")
    _reseal(root)
    assert run_cli("evidence", "verify", root).returncode == 0
    forged = run_cli("evidence", "verify", root, "--key", public)
    assert forged.returncode == 1
    assert "MANIFEST.sha256 changed after it was signed" in forged.stderr and "Traceback" not in forged.stderr
    wrong = run_cli("evidence", "verify", root, "--key", private)
    assert wrong.returncode == 2 and "is a private key" in wrong.stderr


def test_cli_collect_sign_with_encrypted_key(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"SIGNING_PASS": "a long passphrase"}
    monkeypatch.setenv("SIGNING_PASS", env["SIGNING_PASS"])
    monkeypatch.delenv("MLOPS_MATURITY_KEY_PASSPHRASE", raising=False)
    generate_keys(tmp_path, passphrase_env="SIGNING_PASS")
    result = tmp_path / "scorecard.json"
    result.write_text(
        json.dumps(
            {
                "date": "2026-11-30",
                "repo": {"name": "github.com/acme/reco", "commit": "a" * 40},
                "scorecard": {"version": "v5.1.1", "commit": "b" * 40},
                "score": 7.0,
                "checks": [],
                "metadata": None,
            }
        ),
        encoding="utf-8",
    )
    targets = tmp_path / "targets.yaml"
    targets.write_text("targets:\n  - {collector: scorecard, name: reco, path: scorecard.json}\n", encoding="utf-8")
    key, bundle = tmp_path / "mlops-maturity.key", tmp_path / "bundle"
    refused = run_cli("collect", targets, "-o", bundle, "--sign", key)
    assert refused.returncode == 2 and "MLOPS_MATURITY_KEY_PASSPHRASE is not set" in refused.stderr
    assert not bundle.exists() or not any(bundle.iterdir())  # refused before anything was collected
    done = run_cli("collect", targets, "-o", bundle, "--sign", key, "--passphrase-env", "SIGNING_PASS", env=env)
    assert done.returncode == 0, done.stderr
    assert (bundle / ATTESTATION).is_file()
    checked = run_cli("evidence", "verify", bundle, "--key", tmp_path / "mlops-maturity.pub")
    assert checked.returncode == 0 and "signature verified" in checked.stdout


def test_cli_assess_sign_covers_the_result_json(run_cli: RunCli, tmp_path: Path) -> None:
    generate_keys(tmp_path)
    key, public = tmp_path / "mlops-maturity.key", tmp_path / "mlops-maturity.pub"
    answers = EXAMPLES / "retail-bank" / "part1-development.yaml"
    no_output = run_cli("assess", answers, "--format", "json", "--sign", key)
    assert no_output.returncode == 2 and "--sign signs the result file" in no_output.stderr
    result = tmp_path / "result.json"
    done = run_cli("assess", answers, "--format", "json", "-o", result, "--sign", key)
    assert done.returncode == 0, done.stderr
    envelope = tmp_path / "result.json.dsse.json"
    subject = _statement(envelope)["subject"]
    assert subject == [{"name": "result.json", "digest": {"sha256": hashlib.sha256(result.read_bytes()).hexdigest()}}]
    assert run_cli("keys", "verify", result, "--key", public).returncode == 0
    data = json.loads(result.read_text(encoding="utf-8"))
    result.write_text(json.dumps(data, indent=1), encoding="utf-8")  # same content, other bytes: no longer signed
    changed = run_cli("keys", "verify", result, "--key", public)
    assert changed.returncode == 1 and "changed after it was signed" in changed.stderr


def test_cli_import_sign_signs_the_imported_bundle(run_cli: RunCli, tmp_path: Path) -> None:
    made = generate_keys(tmp_path / "keys")
    result = tmp_path / "scorecard.json"
    result.write_text(
        json.dumps(
            {
                "date": "2026-11-30T08:00:00Z",
                "repo": {"name": "github.com/acme/feature-store", "commit": "c" * 40},
                "scorecard": {"version": "v5.1.1", "commit": "d" * 40},
                "score": 4.5,
                "checks": [],
                "metadata": [],
            }
        ),
        encoding="utf-8",
    )
    bundle = tmp_path / "bundle"
    done = run_cli("evidence", "import", "scorecard", result, "--bundle", bundle, "--sign", made.private)
    assert done.returncode == 0, done.stderr
    check = verify_bundle_signature(bundle, load_public_key(made.public))
    assert check.ok, check.problems
    assert check.statement is not None
    targets = check.statement.predicate["targets"]
    assert [(t["name"], t["collector"], t["sources"]) for t in targets] == [
        ("feature-store", "scorecard", [str(result.resolve())])
    ]


def test_a_format_1_bundle_names_its_targets_from_the_records(keys: tuple[Path, Path], tmp_path: Path) -> None:
    root = _bundle(tmp_path / "b")
    info = json.loads((root / "bundle.json").read_text(encoding="utf-8"))
    info.pop("collection")
    (root / "bundle.json").write_text(json.dumps({**info, "format": 1}), encoding="utf-8")
    _reseal(root)
    sign_bundle(root, load_private_key(keys[0]))
    targets = _statement(root / ATTESTATION)["predicate"]["targets"]  # type: ignore[index]
    assert targets == [
        {
            "name": "tracking",
            "collector": "mlflow",
            "state": "collected",
            "records": 2,
            "sources": ["http://127.0.0.1:1/api"],
        }
    ]
