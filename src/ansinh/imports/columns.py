"""The import/export format: two tables (households, members) with Vietnamese headers.

One definition serves the templates, the reader (headers are matched diacritics- and case-insensitively,
the field name is accepted too), validation, the export and ``docs/import-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansinh import registry_schema, vocab
from ansinh.lib.text import fold


@dataclass(frozen=True)
class Column:
    field: str  # the registry field (``ward_code`` for the household's ward, ``household_code`` for members)
    header: str  # the Vietnamese header of the template
    kind: str  # text | code | date | int | float | bool | id12 | id9
    required: bool = False
    vocabulary: vocab.Vocabulary | None = None
    example: str = ""
    note: str = ""


HOUSEHOLD_SHEET = "Hộ gia đình"
MEMBER_SHEET = "Thành viên"


def _column(attribute: registry_schema.Attribute) -> Column:
    return Column(
        attribute.name,
        attribute.header,
        attribute.kind,
        attribute.import_required,
        attribute.vocabulary,
        attribute.example,
        attribute.note,
    )


# Derived from the schema of record (``ansinh.registry_schema``); a member row names its household by code.
HOUSEHOLD_COLUMNS: tuple[Column, ...] = tuple(_column(a) for a in registry_schema.HOUSEHOLD)
MEMBER_COLUMNS: tuple[Column, ...] = (
    Column(
        "household_code",
        "Mã hộ",
        "text",
        True,
        example="79-26743-000123",
        note="mã hộ ở trang Hộ gia đình (hoặc hộ đã đăng ký)",
    ),
    *(_column(a) for a in registry_schema.MEMBER),
)

TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "households": (HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS),
    "members": (MEMBER_SHEET, MEMBER_COLUMNS),
}

# Accepted spellings of yes/no, folded.
TRUE_WORDS = ("co", "x", "1", "true", "yes", "dung", "c", "y")
FALSE_WORDS = ("khong", "0", "false", "no", "k", "n", "sai")
YES, NO = "Có", "Không"


def header_map(columns: tuple[Column, ...]) -> dict[str, str]:
    """Folded header (Vietnamese or the field name) → field."""
    out: dict[str, str] = {}
    for c in columns:
        out[fold(c.header)] = c.field
        out[fold(c.field)] = c.field
    return out


def code_map(vocabulary: vocab.Vocabulary) -> dict[str, str]:
    """Folded code, Vietnamese label or English label → code.

    >>> code_map(vocab.SEX)["nu"], code_map(vocab.SEX)["m"]
    ('F', 'M')
    """
    out: dict[str, str] = {}
    for code, (en, vi) in vocabulary.items():
        for form in (en, vi, code):  # later wins: a code always means itself
            out[fold(form)] = code
    return out
