"""Field encryption of cases at rest (ADR 0012): Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography``,
with the keys in a file outside the database and the repository (``settings.CASES_KEY_FILE``).

The key file holds one Fernet key a line; the first encrypts, every one decrypts (``MultiFernet``), so a key is
rotated by putting a new one first and re-encrypting at leisure. The database holds only tokens: a stolen dump
or backup without the key file reveals no narrative, perpetrator, medical section, name or attachment.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from ansinh.cases.errors import KeyUnavailable


def make_key_file(path: Path) -> Path:
    """Write a new key file readable by its owner only (the demo's under ``var/``, a test's in a temporary
    directory); an existing one is kept."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(Fernet.generate_key() + b"\n")
    return path


@lru_cache(maxsize=4)
def _keyring(path: str, mtime: float) -> MultiFernet:
    keys = [line.strip() for line in Path(path).read_bytes().splitlines() if line.strip()]
    return MultiFernet([Fernet(k) for k in keys])


def keyring() -> MultiFernet:
    path = Path(settings.CASES_KEY_FILE)
    try:
        return _keyring(str(path), path.stat().st_mtime)
    except (OSError, ValueError):
        raise KeyUnavailable(path=str(path)) from None


def seal(data: bytes) -> bytes:
    return keyring().encrypt(data)


def unseal(token: bytes | memoryview | None) -> bytes:
    if token is None or len(token) == 0:
        return b""
    try:
        return keyring().decrypt(bytes(token))
    except InvalidToken:
        raise KeyUnavailable(path=str(settings.CASES_KEY_FILE)) from None


def seal_text(text: str | None) -> bytes:
    return seal((text or "").encode("utf-8"))


def unseal_text(token: bytes | memoryview | None) -> str:
    return unseal(token).decode("utf-8")
