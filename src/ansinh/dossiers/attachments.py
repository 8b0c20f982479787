"""The files a citizen attaches to a dossier: checked by content, stored outside the web root, never served inline.

A file is accepted only when its first bytes say it is a PDF, a JPEG or a PNG *and* its name ends with an
extension of that kind; an image must also open as an image (Pillow reads its header and structure, nothing is
rendered). The size limit is ``settings.DOSSIER_ATTACHMENT_MAX_MB`` per file and ``DOSSIER_ATTACHMENTS_MAX``
files per dossier. Stored files live under ``settings.DOSSIER_FILES_DIR`` (``$ANSINH_DATA_DIR/private/dossiers``,
never under ``MEDIA_ROOT`` nor ``STATIC_ROOT``), named by their digest with no extension, so nothing can
execute or serve them by name; the pages hand them out as downloads only (``Content-Disposition: attachment``,
``X-Content-Type-Options: nosniff``).

A failed application loses nothing: the good files of the failed attempt wait in a staging folder under a random
token (:func:`stage`, :func:`staged`) so the form is shown again with them kept; staged files older than a day
are removed on the next application.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ansinh.dossiers.errors import BadAttachment, TooManyAttachments

KINDS = {  # kind → (content type, accepted extensions)
    "pdf": ("application/pdf", (".pdf",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
}
STAGING_MAX_AGE = 24 * 3600  # seconds a failed attempt's files are kept for the citizen's next try
TOKEN = re.compile(r"^[a-f0-9]{32}$")


@dataclass(frozen=True)
class Upload:
    """One checked file: the document it stands for, a safe display name, its kind, bytes and digest."""

    document: str
    name: str
    kind: str
    content: bytes

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def max_bytes() -> int:
    return int(settings.DOSSIER_ATTACHMENT_MAX_MB) * 1024 * 1024


def files_dir() -> Path:
    configured = getattr(settings, "DOSSIER_FILES_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "private" / "dossiers"


def safe_name(name: str) -> str:
    """The file's name as shown back: its last path part, letters, digits, dot, dash and underscore only.

    >>> safe_name("../../etc/Giấy tờ (1).PDF")
    'Giay_to_1_.PDF'
    """
    base = re.split(r"[\\/]", name or "")[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "tep"
    return cleaned[:100]


def sniff(head: bytes) -> str | None:
    """The kind the first bytes announce, or ``None``.

    >>> sniff(b"%PDF-1.7 ..."), sniff(b"\\x89PNG\\r\\n\\x1a\\n..."), sniff(b"\\xff\\xd8\\xff\\xe0"), sniff(b"<html>")
    ('pdf', 'png', 'jpeg', None)
    """
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def _image_opens(content: bytes, kind: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            return (image.format or "").lower() == kind
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


def check(document: str, name: str, content: bytes) -> Upload:
    """The file as an :class:`Upload`, or :class:`BadAttachment` naming it (wrong type, empty, too large)."""
    shown = safe_name(name)
    limit = settings.DOSSIER_ATTACHMENT_MAX_MB
    if not content or len(content) > max_bytes():
        raise BadAttachment(name=shown, limit=limit, field=f"doc_{document}")
    kind = sniff(content[:16])
    if kind is None or not shown.lower().endswith(KINDS[kind][1]):
        raise BadAttachment(name=shown, limit=limit, field=f"doc_{document}")
    if kind == "pdf" and b"%%EOF" not in content[-2048:]:
        raise BadAttachment(name=shown, limit=limit, field=f"doc_{document}")
    if kind in ("png", "jpeg") and not _image_opens(content, kind):
        raise BadAttachment(name=shown, limit=limit, field=f"doc_{document}")
    return Upload(document=document, name=shown, kind=kind, content=content)


def check_count(uploads: list[Upload]) -> None:
    if len(uploads) > int(settings.DOSSIER_ATTACHMENTS_MAX):
        raise TooManyAttachments(limit=settings.DOSSIER_ATTACHMENTS_MAX, field="documents")


def store(upload: Upload) -> str:
    """Write the file under its digest (idempotent) and return its storage key (relative to :func:`files_dir`)."""
    digest = upload.sha256
    key = f"{digest[:2]}/{digest}"
    path = files_dir() / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{digest}.{secrets.token_hex(4)}")
        tmp.write_bytes(upload.content)
        tmp.replace(path)
    return key


def read(key: str) -> bytes:
    path = (files_dir() / key).resolve()
    if files_dir().resolve() not in path.parents:  # pragma: no cover - keys are written by store() only
        raise FileNotFoundError(key)
    return path.read_bytes()


# -- the failed attempt's files, kept for the next try ---------------------------------------------------------


def _staging() -> Path:
    return files_dir() / "staging"


def new_token() -> str:
    return secrets.token_hex(16)


def stage(token: str, uploads: list[Upload]) -> None:
    """Keep the good files of a failed attempt under ``token`` (one file per document; a newer one replaces)."""
    if not TOKEN.match(token):
        return
    folder = _staging() / token
    folder.mkdir(parents=True, exist_ok=True)
    for upload in uploads:
        for old in folder.glob(f"{upload.document}--*"):
            old.unlink()
        (folder / f"{upload.document}--{upload.name}").write_bytes(upload.content)


def staged(token: str) -> list[Upload]:
    """The files kept under ``token`` (checked again: nothing read back is trusted)."""
    if not TOKEN.match(token or ""):
        return []
    folder = _staging() / token
    found = []
    for path in sorted(folder.glob("*--*")) if folder.is_dir() else []:
        document, _sep, name = path.name.partition("--")
        try:
            found.append(check(document, name, path.read_bytes()))
        except BadAttachment:
            continue
    return found


def discard(token: str) -> None:
    if not TOKEN.match(token or ""):
        return
    folder = _staging() / token
    for path in folder.glob("*") if folder.is_dir() else []:
        path.unlink()
    if folder.is_dir():
        folder.rmdir()


def purge_staging(now: float | None = None) -> int:
    """Remove the staged attempts older than a day; returns how many."""
    now = now or time.time()
    removed = 0
    root = _staging()
    for folder in root.iterdir() if root.is_dir() else []:
        if folder.is_dir() and now - folder.stat().st_mtime > STAGING_MAX_AGE:
            discard(folder.name)
            removed += 1
    return removed
