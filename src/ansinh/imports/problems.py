"""The problems found in an import's rows: a stable code and its parameters, worded only when shown.

Validation builds them column-wise: :func:`problem` is a Polars struct expression ``{code, p0..p3}`` (null
where there is no problem), so no row is handled in Python. A batch's ``issues.parquet`` holds one row per
problem (``ISSUE_SCHEMA``: table, row, column, value, code, params, level), ``params`` listed by
:func:`issue_columns` for the problem rows only. :func:`message` words one in the active language (English
source, Vietnamese in the imports catalog) and :func:`rows` does so for the rows a page shows. Issues staged
before the codes existed carry their Vietnamese text in ``message``: shown as it is.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext as _


def gettext_noop(message: str) -> str:
    """Marks a wording for the catalog (``makemessages`` knows the name) without reading the settings, so that
    ``parsing`` and ``validation`` stay importable without Django configured."""
    return message


# Fixed string fields rather than a list: a list built on every row of a column (``concat_list``) costs
# twenty times a ``pl.format``; these cost less than one.
MAX_PARAMS = 4
PARAMS = tuple(f"p{i}" for i in range(MAX_PARAMS))
PROBLEM = pl.Struct({"code": pl.String, **{name: pl.String for name in PARAMS}})
ISSUE_SCHEMA: dict[str, Any] = {
    "table": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "code": pl.String,
    "params": pl.List(pl.String),
    "level": pl.String,
}

# code → (English wording, the names of its parameters in the order ``problem`` is given them).
# The codes are stored in staged batches: rename none, only add.
MESSAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    # Cells that cannot be read (``parsing``).
    "missing_required": (gettext_noop("The required column “%(column)s” has no value."), ("column",)),
    "not_in_list": (
        gettext_noop(
            "“%(value)s” is not in the list of the column “%(column)s” (write the code or the Vietnamese name)."
        ),
        ("value", "column"),
    ),
    "bad_date": (
        gettext_noop("The date “%(value)s” cannot be read (write dd/mm/yyyy, for example 17/05/1980)."),
        ("value",),
    ),
    "bad_number": (gettext_noop("The number “%(value)s” cannot be read (for example 1.500.000 or 45,5)."), ("value",)),
    "bad_whole_number": (
        gettext_noop("The number “%(value)s” cannot be read (write a whole number, for example 1.500.000)."),
        ("value",),
    ),
    "negative_number": (gettext_noop("The number “%(value)s” cannot be negative."), ("value",)),
    "bad_yes_no": (gettext_noop("“%(value)s” cannot be read; write “Có” (yes) or “Không” (no)."), ("value",)),
    "bad_id_number": (gettext_noop("The ID number “%(value)s” must have exactly 12 digits."), ("value",)),
    "bad_old_id_number": (gettext_noop("The old ID card number “%(value)s” must have exactly 9 digits."), ("value",)),
    "too_long": (gettext_noop("Too long (at most %(limit)s characters)."), ("limit",)),
    "control_character": (
        gettext_noop(
            "The cell holds a control character (%(character)s), invisible and not allowed in text: retype the "
            "value or remove the character."
        ),
        ("character",),
    ),
    "id_sex_and_year_mismatch": (
        gettext_noop(
            "The ID number does not match the sex and century of birth (digit 4 is %(digit4)s, should be "
            "%(expected4)s) nor the year of birth (digits 5-6 are %(digits56)s, should be %(expected56)s)."
        ),
        ("digit4", "expected4", "digits56", "expected56"),
    ),
    "id_sex_mismatch": (
        gettext_noop(
            "The ID number does not match the sex and century of birth: digit 4 is %(digit4)s, should be %(expected4)s."
        ),
        ("digit4", "expected4"),
    ),
    "id_year_mismatch": (
        gettext_noop(
            "The ID number does not match the year of birth: digits 5-6 are %(digits56)s, should be %(expected56)s."
        ),
        ("digits56", "expected56"),
    ),
    # Households (``validation``).
    "household_code_repeated": (
        gettext_noop("The household code %(code)s appears more than once in the file (rows %(rows)s)."),
        ("code", "rows"),
    ),
    "ward_converted": (
        gettext_noop("The former ward code %(former)s was converted to the current ward code %(ward)s (%(name)s)."),
        ("former", "ward", "name"),
    ),
    "ward_split": (
        gettext_noop(
            "The former ward %(former)s now belongs to several wards (%(wards)s); write the current ward's code."
        ),
        ("former", "wards"),
    ),
    "ward_unknown": (gettext_noop("The ward code %(ward)s does not exist."), ("ward",)),
    "ward_out_of_scope": (gettext_noop("The ward %(ward)s is outside the area you may import into."), ("ward",)),
    "household_registered_out_of_scope": (
        gettext_noop("The household code %(code)s is already registered in a ward outside your area."),
        ("code",),
    ),
    # Members.
    "member_without_household": (
        gettext_noop(
            "The member belongs to no household: the household code %(code)s is neither in the households sheet "
            "nor in the registry."
        ),
        ("code",),
    ),
    "household_out_of_scope": (
        gettext_noop("The household %(code)s is outside the area you may import into."),
        ("code",),
    ),
    "birth_in_future": (gettext_noop("The date of birth %(date)s is in the future."), ("date",)),
    "employment_too_young": (
        gettext_noop(
            "Born %(date)s, the member is %(age)s years old: below %(limit)s, the employment status is a child's, "
            "a pupil's or unable to work."
        ),
        ("age", "date", "limit"),
    ),
    "head_not_adult": (
        gettext_noop(
            "The head (born %(date)s) is under %(adult)s while the household has an adult member: choose an adult "
            "as head."
        ),
        ("date", "adult"),
    ),
    "id_province_unknown": (
        gettext_noop(
            "The province code %(province)s at the start of the ID number is not in the list of places of birth "
            "registration (a warning only)."
        ),
        ("province",),
    ),
    "id_leading_zero_added": (
        gettext_noop("The ID number had 11 digits (Excel dropped the leading zero): a 0 was added."),
        (),
    ),
    "id_number_repeated": (
        gettext_noop("The ID number %(id_number)s appears more than once in the file (rows %(rows)s)."),
        ("id_number", "rows"),
    ),
    "same_name_and_birth_without_id": (
        gettext_noop(
            "Two people of the household have the same name and date of birth and no ID number (rows %(rows)s)."
        ),
        ("rows",),
    ),
    "id_registered_elsewhere": (
        gettext_noop("The ID number %(id_number)s is already registered in household %(household)s."),
        ("id_number", "household"),
    ),
    "ambiguous_registry_match": (
        gettext_noop(
            "Several people of this household in the registry have the same name and date of birth; write the ID "
            "number to tell them apart."
        ),
        (),
    ),
    "same_registry_member": (
        gettext_noop("Several rows refer to the same person in the registry (rows %(rows)s)."),
        ("rows",),
    ),
    # Heads of household.
    "household_without_head": (
        gettext_noop("The household has no head: exactly one member must have the relation “Chủ hộ” (head)."),
        (),
    ),
    "head_already_registered": (
        gettext_noop(
            "The household already has a head in the registry; a change of head is made in the system (the "
            "change-of-head procedure)."
        ),
        (),
    ),
    "several_heads": (gettext_noop("The household has more than one head."), ()),
    # Rows held back with their household (notices).
    "held_by_member": (gettext_noop("Not imported because a member of the household has errors."), ()),
    "held_by_household": (gettext_noop("Not imported because the household or another of its members has errors."), ()),
}


def problem(code: str, *params: pl.Expr | str | int) -> pl.Expr:
    """The problem ``code`` with its parameters (columns or constants), as a ``PROBLEM`` struct. Like the text
    it replaces (``pl.format``), it is null on a row where a column parameter is null."""
    assert code in MESSAGES and len(params) == len(MESSAGES[code][1]) <= MAX_PARAMS, code
    values = [p.cast(pl.String) if isinstance(p, pl.Expr) else pl.lit(str(p), dtype=pl.String) for p in params]
    values += [pl.lit(None, dtype=pl.String)] * (MAX_PARAMS - len(values))
    out = pl.struct(
        pl.lit(code, dtype=pl.String).alias("code"), *[v.alias(name) for v, name in zip(values, PARAMS, strict=True)]
    )
    columns = [p for p in params if isinstance(p, pl.Expr)]
    if columns:
        out = pl.when(pl.all_horizontal([p.is_not_null() for p in columns])).then(out)
    return out


def issue_columns(problem_column: str) -> list[pl.Expr]:
    """``code`` and ``params`` (the parameters the code has) of a ``PROBLEM`` column, for the rows that have one."""
    col = pl.col(problem_column)
    return [
        col.struct.field("code").alias("code"),
        pl.concat_list([col.struct.field(name) for name in PARAMS]).list.drop_nulls().alias("params"),
    ]


def message(code: str | None, params: list[str | None] | None = None, text: str | None = None) -> str:
    """A problem in the active language; ``text`` (the wording stored by an older batch) when it has no code."""
    entry = MESSAGES.get(code or "")
    if entry is None:
        return text or code or ""
    wording, names = entry
    values = list(params or [])
    return _(wording) % {
        n: (values[i] if i < len(values) and values[i] is not None else "") for i, n in enumerate(names)
    }


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """An issues frame as read from a batch, old or new: with ``code`` and ``params`` (null in issues staged
    before the codes) and ``message`` (their text; null in new ones)."""
    missing: dict[str, pl.DataType] = {"code": pl.String(), "params": pl.List(pl.String), "message": pl.String()}
    return frame.with_columns(
        *[pl.lit(None, dtype=dtype).alias(name) for name, dtype in missing.items() if name not in frame.columns]
    )


def rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of an issues frame, each with its ``message`` in the active language. Word only the rows
    that are shown (a page of them)."""
    out = []
    for r in normalise(frame).iter_rows(named=True):
        r["message"] = message(r["code"], r["params"], r["message"])
        out.append(r)
    return out
