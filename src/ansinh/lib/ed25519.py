"""Ed25519 public keys and signatures (``cryptography``): read a key written as PEM or as the base64 of its 32
raw bytes, and check a signature over some bytes."""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key


def load_public_key(text: str) -> Ed25519PublicKey:
    """The key in ``text`` (PEM ``PUBLIC KEY``, or base64 of the 32 raw bytes); ``ValueError`` if it is not one."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("neither PEM nor base64") from exc
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def verifies(key_text: str, signature_b64: str, data: bytes) -> bool:
    """Whether ``signature_b64`` (base64) is the signature of ``data`` by the key in ``key_text``."""
    try:
        key = load_public_key(key_text)
        signature = base64.b64decode(signature_b64, validate=True)
        key.verify(signature, data)
    except (ValueError, binascii.Error, InvalidSignature):
        return False
    return True
