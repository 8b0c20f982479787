"""The official report layouts as data (``*.yaml`` beside this file): title, reference, whether the layout was
checked against the official form, which report fills it and its columns with their official headings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Layout:
    name: str
    title: dict[str, str]
    reference: str
    verified: bool
    report: str
    columns: tuple[dict[str, str], ...]

    def heading(self, key: str, lang: str) -> str:
        for c in self.columns:
            if c["key"] == key:
                return c.get(lang) or c["vi"]
        return key


@cache
def layouts() -> dict[str, Layout]:
    out = {}
    for path in sorted(HERE.glob("*.yaml")):
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[raw["name"]] = Layout(
            name=raw["name"],
            title=dict(raw["title"]),
            reference=str(raw["reference"]),
            verified=bool(raw["verified"]),
            report=str(raw["report"]),
            columns=tuple(dict(c) for c in raw["columns"]),
        )
    return out
