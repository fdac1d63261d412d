"""Ed25519 key pairs as PEM files: the private key (PKCS#8, optionally encrypted with a passphrase read from an
environment variable, never from the command line) and the public key (SubjectPublicKeyInfo) that verifiers need."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PASSPHRASE_ENV = "MLOPS_MATURITY_KEY_PASSPHRASE"  # read when no other variable is named
MAX_KEY_FILE = 64 * 1024


class SigningError(ValueError):
    """A key that cannot be made, read or used; the message names the file and never quotes a passphrase."""


@dataclass(frozen=True)
class GeneratedKeys:
    private: Path
    public: Path
    keyid: str
    encrypted: bool


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 of the public key's DER SubjectPublicKeyInfo: the DSSE `keyid` hint, the same for anyone who has it."""
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def read_passphrase(env: str) -> bytes:
    value = os.environ.get(env)
    if not value:
        raise SigningError(f"environment variable {env} is not set or empty: it must hold the key's passphrase")
    return value.encode()


def generate_keys(out_dir: Path, name: str = "mlops-maturity", passphrase_env: str | None = None) -> GeneratedKeys:
    """Write NAME.key (mode 0600) and NAME.pub in `out_dir`; existing files are never overwritten."""
    passphrase = read_passphrase(passphrase_env) if passphrase_env else None
    private_path, public_path = out_dir / f"{name}.key", out_dir / f"{name}.pub"
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise SigningError(f"{path} exists; keys are never overwritten (choose another --out or --name)")
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _write_new(private_path, private_pem, 0o600)
        _write_new(public_path, public_pem, 0o644)
    except OSError as exc:
        raise SigningError(f"cannot write the keys in {out_dir}: {exc.strerror or exc}") from None
    return GeneratedKeys(private_path, public_path, key_id(key.public_key()), passphrase is not None)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create `path` with `mode` from the start (a private key is never readable by others, not even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _read_key_file(path: Path) -> bytes:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise SigningError(f"{path} is not a regular file")
        with path.open("rb") as fh:
            data = fh.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise SigningError(f"cannot read the key {path}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_KEY_FILE:
        raise SigningError(f"{path} is larger than {MAX_KEY_FILE // 1024} KB: not a key file")
    return data


def load_private_key(path: Path, passphrase_env: str | None = None) -> Ed25519PrivateKey:
    """The Ed25519 private key in `path`; an encrypted one is opened with the passphrase in `passphrase_env`
    (default MLOPS_MATURITY_KEY_PASSPHRASE)."""
    data = _read_key_file(path)
    if b"PRIVATE KEY-----" not in data:
        hint = " (this is a public key: signing needs the private one)" if b"PUBLIC KEY-----" in data else ""
        raise SigningError(f"{path} is not a PEM private key{hint}")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:  # encrypted: it needs its passphrase
        env = passphrase_env or PASSPHRASE_ENV
        passphrase = read_passphrase(env)
        try:
            key = serialization.load_pem_private_key(data, password=passphrase)
        except ValueError:
            raise SigningError(f"{path}: wrong passphrase in {env}, or a damaged key") from None
    except ValueError as exc:
        raise SigningError(f"{path} is not a readable PEM private key ({_first_line(exc)})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"{path} holds a {type(key).__name__.removeprefix('_')}, not an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The Ed25519 public key in `path`; a private key is refused, so that verifying never needs the secret."""
    data = _read_key_file(path)
    if b"PRIVATE KEY-----" in data:
        raise SigningError(f"{path} is a private key: verify with the public key (the .pub file)")
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise SigningError(f"{path} is not a readable PEM public key ({_first_line(exc)})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"{path} holds a {type(key).__name__.removeprefix('_')}, not an Ed25519 key")
    return key


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
