"""Survey form definitions (``review/forms/phieu_a.yaml``, ``phieu_b.yaml``) and their validation.

One definition serves the web form, the XLSX workbook and the XLSForm. Answers are stored as
``{"household": {field: value}, "members": {"<member id>": {field: value}}}``.

>>> form = load_form("B")
>>> [s.name for s in form.sections]
['household', 'members']
>>> clean, errors = form.validate({"household": {"floor_area_m2": "-1"}}, partial=True)
>>> errors
{'household.floor_area_m2': 'must be at least 0'}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _

from ansinh import vocab
from ansinh.lib.numbers import parse_number
from ansinh.lib.text import control_character, fold

FORMS_DIR = Path(__file__).with_name("forms")
FILES = {"A": "phieu_a.yaml", "B": "phieu_b.yaml"}
TYPES = ("boolean", "integer", "number", "choice", "date", "text")
_TRUE = {"1", "true", "yes", "co", "có", "x", "on"}
_FALSE = {"0", "false", "no", "khong", "không", "", "off"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: Mapping[str, str]
    required: bool = False
    maps_to: str | None = None
    vocab: str | None = None
    options: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    screens_out: bool = False

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(code, Vietnamese label) for a choice field."""
        return self.choices_in("vi")

    def choices_in(self, lang: str) -> list[tuple[str, str]]:
        """(code, label in ``lang``) for a choice field (Vietnamese when the language has no label)."""
        if self.vocab:
            return [
                (code, en if lang == "en" else vi) for code, (en, vi) in vocab.VOCABULARIES[self.vocab.lower()].items()
            ]
        return [(o, o) for o in self.options]

    def code_of(self, answer: str) -> str | None:
        """The code an answer names: the code itself, or its label in either language, however accented or
        cased (an offline workbook offers the Vietnamese labels; older workbooks hold the codes)."""
        text = answer.strip()
        codes = {c for c, _ in self.choices}
        if text in codes:
            return text
        folded = fold(text)
        for lang in ("vi", "en"):
            for code, label in self.choices_in(lang):
                if fold(label) == folded:
                    return code
        return None

    def parse(self, raw: Any) -> Any:
        """The typed value of ``raw`` (a form string or a JSON value); raises ValueError with a message."""
        if isinstance(raw, str) and control_character(raw):  # where survey text enters, whatever the channel
            raise ValueError("holds a control character")
        if raw is None or (isinstance(raw, str) and raw.strip() == "" and self.type != "boolean"):
            return None
        if self.type == "boolean":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError("must be yes or no")
        if self.type in ("integer", "number"):
            # Answers arrive in the plain form (forms and workbooks normalise what users type) or as JSON.
            number = raw if isinstance(raw, int | float) and not isinstance(raw, bool) else parse_number(str(raw), "en")
            if number is None:
                raise ValueError("must be a number")
            value: float | int = float(number)
            if self.type == "integer":
                if value != int(value):
                    raise ValueError("must be a whole number")
                value = int(value)
            if self.min is not None and value < self.min:
                raise ValueError(f"must be at least {self.min:g}")
            if self.max is not None and value > self.max:
                raise ValueError(f"must be at most {self.max:g}")
            return value
        if self.type == "choice":
            code = self.code_of(str(raw))
            if code is None:
                raise ValueError("is not one of the choices")
            return code
        if self.type == "date":
            if isinstance(raw, dt.date):
                return raw.isoformat()
            try:
                return dt.date.fromisoformat(str(raw).strip()).isoformat()
            except ValueError:
                raise ValueError("must be a date (YYYY-MM-DD)") from None
        return str(raw)


@dataclass(frozen=True)
class Section:
    name: str
    label: Mapping[str, str]
    fields: tuple[Field, ...]
    repeat: bool = False


@dataclass(frozen=True)
class FormDefinition:
    form: str
    title: Mapping[str, str]
    reference: str
    verified: bool
    sections: tuple[Section, ...]

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def validate(self, answers: Mapping[str, Any], *, partial: bool) -> tuple[dict[str, Any], dict[str, str]]:
        """Typed answers and the errors by ``section.field`` (``members.<id>.field`` for members).

        ``partial`` (a draft) checks only the fields given; a submission also requires every required field.
        """
        clean: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for section in self.sections:
            given = answers.get(section.name) or {}
            if section.repeat:
                rows: dict[str, Any] = {}
                for key, row in dict(given).items():
                    rows[str(key)] = self._fields(section, row or {}, f"{section.name}.{key}", partial, errors)
                clean[section.name] = rows
            else:
                clean[section.name] = self._fields(section, given, section.name, partial, errors)
        return clean, errors

    @staticmethod
    def _fields(
        section: Section, given: Mapping[str, Any], prefix: str, partial: bool, errors: dict[str, str]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        known = {f.name for f in section.fields}
        for name in given:
            if name not in known:
                errors[f"{prefix}.{name}"] = "is not a field of this form"
        for f in section.fields:
            if f.name not in given:
                if f.required and not partial:
                    errors[f"{prefix}.{f.name}"] = "is required"
                continue
            try:
                value = f.parse(given[f.name])
            except ValueError as exc:
                errors[f"{prefix}.{f.name}"] = str(exc)
                continue
            if value is None and f.required and not partial:
                errors[f"{prefix}.{f.name}"] = "is required"
            out[f.name] = value
        return out

    def registry_changes(self, clean: Mapping[str, Any]) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
        """The household changes and the per-member changes the answers imply (fields with ``maps_to``)."""
        household: dict[str, Any] = {}
        members: dict[int, dict[str, Any]] = {}
        for section in self.sections:
            mapped = [f for f in section.fields if f.maps_to]
            if section.repeat:
                for key, row in (clean.get(section.name) or {}).items():
                    changes = {
                        f.maps_to.split(".", 1)[1]: _registry_value(row[f.name])
                        for f in mapped
                        if f.name in row and f.maps_to and f.maps_to.startswith("member.")
                    }
                    if changes:
                        members[int(key)] = changes
            else:
                row = clean.get(section.name) or {}
                for f in mapped:
                    if f.name in row and f.maps_to and f.maps_to.startswith("household."):
                        household[f.maps_to.split(".", 1)[1]] = _registry_value(row[f.name])
        return household, members

    def registry_answers(
        self, household: Mapping[str, Any], members: Mapping[int, Mapping[str, Any]]
    ) -> dict[str, Any]:
        """The answers the registry already holds (``maps_to`` fields), in the definition's shape: a survey
        opens with what is known, and the officer changes only what the visit finds different. ``household``
        and ``members`` (by id) are the registry's stored values; empty values stay unanswered."""
        answers: dict[str, Any] = {}
        for section in self.sections:
            if section.repeat:
                rows: dict[str, Any] = {}
                for member_id, values in members.items():
                    row = _known(section, values, "member.")
                    if row:
                        rows[str(member_id)] = row
                answers[section.name] = rows
            else:
                answers[section.name] = _known(section, household, "household.")
        return answers

    def screens_out(self, clean: Mapping[str, Any]) -> bool:
        """Whether a form-A answer marks the household as clearly not poor."""
        for section in self.sections:
            row = clean.get(section.name) or {}
            if any(f.screens_out and row.get(f.name) is True for f in section.fields):
                return True
        return False


def merge_answers(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over``'s answers on top of ``base``'s, section by section and member by member (a saved draft over
    what the registry holds)."""
    out: dict[str, Any] = {}
    for section in {*base, *over}:
        given, extra = base.get(section) or {}, over.get(section) or {}
        if any(isinstance(v, dict) for v in (*given.values(), *extra.values())):
            out[section] = {k: {**(given.get(k) or {}), **(extra.get(k) or {})} for k in {*given, *extra}}
        else:
            out[section] = {**given, **extra}
    return out


def _known(section: Section, values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in section.fields:
        if not (f.maps_to and f.maps_to.startswith(prefix)):
            continue
        value = values.get(f.maps_to.split(".", 1)[1])
        if value is None or value == "":
            continue
        try:
            out[f.name] = f.parse(value)
        except ValueError:  # a stored value the form would refuse is left for the officer to answer
            continue
    return out


def _registry_value(value: Any) -> Any:
    return "" if value is None else value


def _field(node: Mapping[str, Any], where: str) -> Field:
    kind = node["type"]
    if kind not in TYPES:
        raise ValueError(f"{where}: unknown field type {kind!r}")
    if kind == "choice" and not (node.get("vocab") or node.get("options")):
        raise ValueError(f"{where}: a choice field needs vocab or options")
    if node.get("vocab") and node["vocab"].lower() not in vocab.VOCABULARIES:
        raise ValueError(f"{where}: unknown vocabulary {node['vocab']}")
    return Field(
        name=node["name"],
        type=kind,
        label=dict(node.get("label") or {}),
        required=bool(node.get("required")),
        maps_to=node.get("maps_to"),
        vocab=node.get("vocab"),
        options=tuple(node.get("options") or ()),
        min=node.get("min"),
        max=node.get("max"),
        screens_out=bool(node.get("screens_out")),
    )


@cache
def load_form(form: str) -> FormDefinition:
    """The definition of form ``"A"`` or ``"B"``."""
    path = FORMS_DIR / FILES[form]
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    sections = tuple(
        Section(
            name=s["name"],
            label=dict(s.get("label") or {}),
            repeat=bool(s.get("repeat")),
            fields=tuple(_field(f, f"{path.name}:{s['name']}") for f in s["fields"]),
        )
        for s in raw["sections"]
    )
    return FormDefinition(
        form=raw["form"],
        title=dict(raw["title"]),
        reference=raw["reference"],
        verified=bool(raw.get("verified")),
        sections=sections,
    )


_MESSAGES = [
    (re.compile(r"^must be at least (.+)$"), _("Enter a number of at least %(n)s.")),
    (re.compile(r"^must be at most (.+)$"), _("Enter a number of at most %(n)s.")),
]


def survey_message(message: str) -> str:
    """The definition's validation message in the user's language."""
    for pattern, template in _MESSAGES:
        match = pattern.match(message)
        if match:
            return str(template) % {"n": match.group(1)}
    fixed = {
        "is required": _("Answer this question before you submit the form."),
        "must be yes or no": _("Choose yes or no."),
        "must be a number": _("Enter a number using digits, for example 12.5."),
        "must be a whole number": _("Enter a whole number."),
        "is not one of the choices": _("Choose one of the answers in the list."),
        "must be a date (YYYY-MM-DD)": _("Enter a real date, for example 27/03/1985."),
        "is missing": _("The answers for this member are missing."),
        "is not a field of this form": _("This answer is not part of the form."),
        "holds a control character": _(
            "The answer holds an invisible control character (usually pasted from another program): retype it."
        ),
    }
    return str(fixed.get(message, message))
