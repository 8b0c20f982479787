"""Document layouts: the Vietnamese text and the columns of each document, as YAML an administrator adjusts.

The defaults ship in ``layouts/*.yaml``. A file of the same name in the override directory
(``settings.REVIEW_LAYOUT_DIR``, default ``$ANSINH_DATA_DIR/layouts/review``) replaces the keys it
gives; the others keep their default. Placeholders are ``$name`` (``string.Template``), so a layout
cannot reach into Python objects.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

DEFAULTS = Path(__file__).with_name("layouts")
KINDS = ("common", "minutes", "provisional_list", "decision", "certificate")


def override_dir() -> Path:
    configured = getattr(settings, "REVIEW_LAYOUT_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "layouts" / "review"


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a layout must be a mapping")
    return data


def load(kind: str) -> dict[str, Any]:
    """The layout ``kind`` with the administrator's overrides applied (read on each call: edits apply at once)."""
    if kind not in KINDS:
        raise ValueError(f"unknown layout {kind!r}")
    layout = _read(DEFAULTS / f"{kind}.yaml")
    custom = override_dir() / f"{kind}.yaml"
    if custom.is_file():
        layout.update(_read(custom))
    return layout


def fill(text: str, **values: Any) -> str:
    """Substitute ``$name`` placeholders; unknown ones stay as written so a typo shows on the page.

    >>> fill("Năm $year tại $ward", year=2026, ward="Phường Bến Thành")
    'Năm 2026 tại Phường Bến Thành'
    >>> fill("$unknown stays")
    '$unknown stays'
    """
    return string.Template(text).safe_substitute({k: "" if v is None else str(v) for k, v in values.items()})
