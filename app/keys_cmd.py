"""`mlops-maturity keys ...`: make the Ed25519 key pair that signs evidence bundles and results, and check a signed
result. Also the two calls `assess --sign` makes (open the key before any work, sign the file once written)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.options import fail, say

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

keys_app = typer.Typer(help="Make signing keys; check a signed result file.", no_args_is_help=True)

EXIT_FAILED, EXIT_BAD_INPUT = 1, 2
PassphraseEnv = Annotated[
    str | None,
    typer.Option(
        "--passphrase-env",
        metavar="VAR",
        help="Environment variable holding the private key's passphrase (default MLOPS_MATURITY_KEY_PASSPHRASE, read "
        "only when the key is encrypted). A passphrase is never given on the command line.",
    ),
]


@keys_app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Directory to write NAME.key (mode 0600) and NAME.pub into.")],
    name: Annotated[str, typer.Option("--name", help="File name of the pair, without extension.")] = "mlops-maturity",
    passphrase_env: Annotated[
        str | None,
        typer.Option(
            "--passphrase-env",
            metavar="VAR",
            help="Encrypt the private key with the passphrase held in this environment variable (default: not "
            "encrypted; protect the file instead).",
        ),
    ] = None,
) -> None:
    """Make an Ed25519 key pair as PEM files: the private key signs (`collect --sign`, `evidence sign`,
    `assess --sign`), the public key verifies (`evidence verify --key`, `keys verify`). Existing files are never
    overwritten."""
    from evidence_collectors.signing import SigningError, generate_keys

    if not name or "/" in name or name.startswith("."):
        fail(f"--name {name!r} is not a plain file name")
    try:
        made = generate_keys(out, name, passphrase_env)
    except SigningError as exc:
        fail(str(exc))
    say(f"wrote {made.private} (private, {'encrypted' if made.encrypted else 'not encrypted'}; keep it secret)")
    say(f"wrote {made.public} (public: give it to whoever verifies); keyid {made.keyid}")


@keys_app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="A signed file (the result written by `assess --sign`).")],
    key: Annotated[Path, typer.Option("--key", help="Public key (PEM) of the signer.")],
    envelope: Annotated[
        Path | None, typer.Option("--envelope", help="Signature envelope (default: FILE.dsse.json).")
    ] = None,
) -> None:
    """Check that FILE is exactly what was signed with the private key matching KEY. Exit 1 when it is not (changed,
    signed by another key, no or a damaged signature), 2 on bad input."""
    from evidence_collectors.signing import SigningError, load_public_key, verify_file_signature

    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        public = load_public_key(key)
    except SigningError as exc:
        fail(str(exc))
    check = verify_file_signature(file, public, envelope)
    for line in check.problems:
        say(line, err=True)
    if not check.ok:
        say(f"{file}: signature verification failed", err=True)
        raise typer.Exit(EXIT_FAILED)
    signed_at = check.statement.predicate.get("signed_at", "?") if check.statement else "?"
    say(f"ok {file}: signed with keyid {check.keyid[:16]}… at {signed_at}")


def open_signing_key(key: Path, passphrase_env: str | None = None) -> Ed25519PrivateKey:
    """The private key, or exit 2 with the reason (missing, wrong passphrase, not Ed25519)."""
    from evidence_collectors.signing import SigningError, load_private_key

    try:
        return load_private_key(key, passphrase_env)
    except SigningError as exc:
        fail(str(exc), EXIT_BAD_INPUT)


def signer_for(sign: Path | None, output: Path | None) -> Ed25519PrivateKey | None:
    """For `assess --sign KEY`: the key, opened before any work; a result printed to the terminal cannot be signed."""
    if sign is None:
        return None
    if output is None:
        fail("--sign signs the result file: give --output FILE as well")
    return open_signing_key(sign)


def sign_result(key: Ed25519PrivateKey | None, output: Path | None, evidence_manifest_sha256: str | None) -> None:
    """For `assess --sign KEY`: sign the file just written (its SHA-256 as the subject) beside it."""
    if key is None or output is None:
        return
    from evidence_collectors.signing import SigningError, sign_file

    try:
        envelope = sign_file(output, key, evidence_manifest_sha256)
    except SigningError as exc:
        fail(str(exc))
    say(f"signed {output}: {envelope}", err=True)
