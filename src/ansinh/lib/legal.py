"""Dated legal data: the one reader of every legal number, whatever law it comes from.

Why in ``ansinh.lib``: the poverty standards (``standards``, read by the pure ``engine``), the review
procedure (``review/rules``), and next the programme rules and the public-service deadlines all hold legal
numbers in the same form; none of them owns the form, and ``standards`` is one of its users, not its home.
``lib`` is importable from every layer (the engine, the data, the Django apps) and knows no law itself, so the
reader lives here; it imports no Django and no domain app.

**One set of fields.** A YAML file is a tree of mappings whose leaves are parameters::

    posting_working_days:
      description: The provisional list stays posted publicly for this many working days.
      unit: working_days
      reference: Decision 24/2021/QĐ-TTg, Art. 4 cl. 4
      verified: false                        # checked against the official text?
      last_value_still_valid_on: 2026-11-25  # optional: when someone last found the value still in force
      values:
        2021-09-01: 3                        # from this date (valid from) …
        2030-01-01: null                     # … a dated null repeals it

A dated value may carry its own reference when a later instrument set it (``2024-07-01: {value: 500000,
reference: Decree 76/2024/NĐ-CP}``): the value in force then reports that reference, not the parameter's.

A value in force on a date is a :class:`Dated`: value, unit, valid_from, reference, verified,
last_value_still_valid_on, description. A value may also be

* an amount as a base level times a coefficient, ``{base: social_assistance.base_level, coefficient: 1.5}``,
  both read on the same date (the base level changes by decree, the coefficients by their own appendix);
* the rows of an appendix table keyed by category: the children of one node (``coefficient.orphan_under_4``,
  ``coefficient.disabled_severe`` …), read together with :meth:`LegalData.table`.

**Layers.** ``read(..., base=national)`` makes a province's file a layer over the national data: on a date
where the province has dated a value of a parameter, it wins (a dated null there repeals the parameter in the
province); elsewhere the national value applies.

:meth:`LegalData.value_at` refuses with :class:`NoValue` (naming the parameter and the date) when nothing is
in force on the date: before the first date, after a repeal, or for a parameter nobody wrote.

>>> data = read({"line": {"description": "Income line", "unit": "VND/person/month", "reference": "Decree 07/2021",
...                        "verified": True, "values": {"2022-01-01": 2000000, "2026-01-01": None}}}, "example")
>>> data.value_at("line", dt.date(2025, 6, 30))
2000000
>>> data.value_at("line", dt.date(2021, 6, 30))
Traceback (most recent call last):
...
ansinh.lib.legal.NoValue: line has no value on 2021-06-30 (example)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ansinh.lib.errors import DomainError

Value = Any
FIELDS = ("description", "unit", "reference", "verified")  # required on every parameter
OPTIONAL_FIELDS = ("last_value_still_valid_on", "allowed", "values")

# Units, by how a value is read. Money units say what one amount covers; ``MONEY_UNITS`` gives the months.
MONEY_UNITS: Mapping[str, int] = {"VND/person/month": 1, "VND/person/year": 12, "VND/month": 1}
INT_UNITS = frozenset({"count", "years", "months", "day_of_month", "calendar_days", "working_days", "hours"})
FLOAT_UNITS = frozenset({"ratio", "m2/person", "share_at_least", "coefficient"})
# Structured values kept as written (a mapping or a list): the rule that reads them knows their shape.
AS_WRITTEN_UNITS = frozenset({"month_day_range", "roles", "mapping"})
UNITS = frozenset({*MONEY_UNITS, *INT_UNITS, *FLOAT_UNITS, *AS_WRITTEN_UNITS, "codes", "flag", "choice"})


class LegalDataError(DomainError, LookupError, ValueError):
    """Legal data that cannot be read, found or applied."""

    code: ClassVar[str] = "legal_data_error"


class NoValue(LegalDataError):
    """No value of ``path`` is in force on ``on``."""

    code: ClassVar[str] = "legal_no_value"
    wording: ClassVar[Any] = "%(path)s has no value on %(on)s (%(source)s)"

    def __init__(self, path: str, on: dt.date, source: str, reason: str = "") -> None:
        super().__init__(path=path, on=on.isoformat(), source=source, reason=reason)


class UnknownParameter(LegalDataError):
    code: ClassVar[str] = "legal_unknown_parameter"
    wording: ClassVar[Any] = "%(source)s has no parameter %(path)r"

    def __init__(self, path: str, source: str) -> None:
        super().__init__(path=path, source=source)


class BadValue(LegalDataError):
    code: ClassVar[str] = "legal_bad_value"
    wording: ClassVar[Any] = "%(path)s: %(raw)r is not %(expected)s"

    def __init__(self, path: str, raw: object, expected: str) -> None:
        super().__init__(path=path, raw=raw, expected=expected)


class BadFile(LegalDataError):
    code: ClassVar[str] = "legal_bad_file"
    wording: ClassVar[Any] = "%(source)s: %(problem)s"

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(source=source, problem=problem)


@dataclass(frozen=True)
class Scaled:
    """An amount written as a base level times a coefficient (resolved on the date asked)."""

    base: str
    coefficient: float


@dataclass(frozen=True)
class Dated:
    """One value in force, with the fields every legal number carries."""

    path: str
    value: Value
    unit: str
    valid_from: dt.date
    reference: str
    verified: bool
    last_value_still_valid_on: dt.date | None
    description: str
    jurisdiction: str = ""


def to_date(value: object, where: str) -> dt.date:
    """A YAML date (already a ``date``) or an ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadFile(where, f"{value!r} is not a date") from None


@dataclass(frozen=True)
class Parameter:
    """One legal number with its dated values (ascending; ``None`` means repealed from that date)."""

    path: str
    description: str
    unit: str
    reference: str
    verified: bool
    values: tuple[tuple[dt.date, Value], ...]
    allowed: tuple[str, ...] = ()
    last_value_still_valid_on: dt.date | None = None
    source: str = ""
    value_references: Mapping[dt.date, str] = field(default_factory=dict, hash=False)

    def entry(self, on: dt.date) -> tuple[dt.date, Value] | None:
        """The dated entry in force on ``on`` (the last at or before it), or None before the first date."""
        found = None
        for start, value in self.values:
            if start <= on:
                found = (start, value)
        return found

    def in_force(self, on: dt.date) -> Value:
        """The value on ``on``; ``None`` when repealed. Refuses a date before the first value."""
        found = self.entry(on)
        if found is None:
            raise NoValue(self.path, on, self.source)
        return found[1]

    def at(self, on: dt.date) -> Value:
        """The value on ``on``; refuses when there is none (before the first date, or repealed)."""
        value = self.in_force(on)
        if value is None:
            raise NoValue(self.path, on, self.source, "repealed")
        return value

    def dated(self, on: dt.date, value: Value = None) -> Dated:
        """The value on ``on`` with its fields (``value`` when resolved elsewhere, e.g. a scaled amount)."""
        found = self.entry(on)
        if found is None or found[1] is None:
            raise NoValue(self.path, on, self.source)
        return Dated(
            path=self.path,
            value=found[1] if value is None else value,
            unit=self.unit,
            valid_from=found[0],
            reference=self.value_references.get(found[0], self.reference),
            verified=self.verified,
            last_value_still_valid_on=self.last_value_still_valid_on,
            description=self.description,
        )

    def parse(self, raw: object) -> Value:
        """Turn a written value (or an override, often a command-line string) into a value of this unit."""
        text = raw.strip() if isinstance(raw, str) else raw
        try:
            if text is None or text == "null":
                return None
            if isinstance(text, Mapping) and set(text) == {"base", "coefficient"}:
                if self.unit not in MONEY_UNITS or not _is_number(text["coefficient"]):
                    raise ValueError(text)
                return Scaled(str(text["base"]), float(text["coefficient"]))
            if self.unit in AS_WRITTEN_UNITS:
                return text
            if self.unit in INT_UNITS or self.unit in MONEY_UNITS:
                number = float(text) if isinstance(text, str) else text
                if not isinstance(number, int | float) or isinstance(number, bool):
                    raise ValueError(text)
                return _whole(number)
            if self.unit in FLOAT_UNITS:
                if isinstance(text, bool) or not isinstance(text, int | float | str):
                    raise ValueError(text)
                return float(text)
            if self.unit == "codes":
                if isinstance(text, str):
                    return tuple(c.strip() for c in text.split(",") if c.strip())
                if isinstance(text, list | tuple):
                    return tuple(str(c) for c in text)
                raise ValueError(text)
            if self.unit == "flag":
                if isinstance(text, bool):
                    return text
                if str(text).lower() in {"true", "1", "yes"}:
                    return True
                if str(text).lower() in {"false", "0", "no"}:
                    return False
                raise ValueError(text)
            if self.unit == "choice":
                if str(text) not in self.allowed:
                    raise ValueError(text)
                return str(text)
        except ValueError:
            expected = f"one of {', '.join(self.allowed)}" if self.allowed else f"a value in {self.unit}"
            raise BadValue(self.path, raw, expected) from None
        raise BadValue(self.path, raw, f"a value of a known unit (not {self.unit!r})")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(number: float) -> int | float:
    return int(number) if float(number).is_integer() else float(number)


def _walk(node: Mapping[str, Any], prefix: str, source: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key, child in node.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if not isinstance(child, Mapping):
            raise BadFile(source, f"parameter node {path} must be a mapping")
        if "values" in child:
            yield path, child
        else:
            yield from _walk(child, path, source)


def parameter(path: str, node: Mapping[str, Any], source: str) -> Parameter:
    """One parameter from its node, every field checked."""
    for key in FIELDS:
        if key not in node:
            raise BadFile(source, f"parameter {path} lacks {key!r}")
    unknown = sorted(set(node) - {*FIELDS, *OPTIONAL_FIELDS})
    if unknown:
        raise BadFile(source, f"parameter {path} has unknown field {unknown[0]!r}")
    unit = str(node["unit"])
    if unit not in UNITS:
        raise BadFile(source, f"parameter {path} has unknown unit {unit!r}")
    if not isinstance(node["verified"], bool):
        raise BadFile(source, f"parameter {path}: verified must be true or false")
    checked = node.get("last_value_still_valid_on")
    skeleton = Parameter(
        path=path,
        description=" ".join(str(node["description"]).split()),
        unit=unit,
        reference=str(node["reference"]),
        verified=node["verified"],
        values=(),
        allowed=tuple(str(a) for a in node.get("allowed", ())),
        last_value_still_valid_on=to_date(checked, f"{source}: {path}") if checked else None,
        source=source,
    )
    if not isinstance(node["values"], Mapping) or not node["values"]:
        raise BadFile(source, f"parameter {path} has no values")
    references: dict[dt.date, str] = {}
    values: list[tuple[dt.date, Value]] = []
    for written_on, raw in node["values"].items():
        on = to_date(written_on, f"{source}: {path}")
        if isinstance(raw, Mapping) and "value" in raw:
            if set(raw) - {"value", "reference"}:
                raise BadFile(source, f"parameter {path}: a dated value has only 'value' and 'reference'")
            if "reference" in raw:
                references[on] = str(raw["reference"])
            raw = raw["value"]
        values.append((on, skeleton.parse(raw)))
    values.sort(key=lambda kv: kv[0])
    return replace(skeleton, values=tuple(values), value_references=references)


@dataclass(frozen=True)
class LegalData:
    """The parameters of one source (a standard, the review procedure, a province's programme rules), over an
    optional ``base`` layer (the national data a province's values override)."""

    source: str
    parameters: Mapping[str, Parameter]
    jurisdiction: str = ""
    base: LegalData | None = None

    def __contains__(self, path: object) -> bool:
        return path in self.parameters or (self.base is not None and path in self.base)

    def paths(self) -> list[str]:
        """Every parameter path, this layer's and the base's."""
        below = self.base.paths() if self.base is not None else []
        return [*self.parameters, *(p for p in below if p not in self.parameters)]

    def _layer(self, path: str, on: dt.date) -> LegalData:
        """The layer whose value of ``path`` applies on ``on``: this one where it dated a value, else the base."""
        own = self.parameters.get(path)
        if own is not None and own.entry(on) is not None:
            return self
        if self.base is not None and path in self.base:
            return self.base._layer(path, on)
        if own is not None:
            return self
        raise UnknownParameter(path, self.source)

    def parameter(self, path: str) -> Parameter:
        """The parameter ``path``: this layer's definition, else the base's."""
        if path in self.parameters:
            return self.parameters[path]
        if self.base is not None:
            return self.base.parameter(path)
        raise UnknownParameter(path, self.source)

    def lookup(self, path: str, on: dt.date) -> Dated:
        """The value of ``path`` in force on ``on`` with its fields (reference, verified, valid from …);
        refuses with ``NoValue`` when none is."""
        layer = self._layer(path, on)
        parameter = layer.parameters[path]
        value = parameter.at(on)
        if isinstance(value, Scaled):
            value = _whole(self.value_at(value.base, on) * value.coefficient)
        return replace(parameter.dated(on, value), jurisdiction=layer.jurisdiction)

    def value_at(self, path: str, on: dt.date) -> Value:
        """The value of ``path`` in force on ``on``; refuses with ``NoValue`` when none is."""
        return self.lookup(path, on).value

    def table(self, path: str, on: dt.date) -> dict[str, Value]:
        """The rows of an appendix table: each child of ``path`` (keyed by its category) → its value on ``on``.
        Rows repealed or not yet in force on ``on`` are left out."""
        prefix = path + "."
        rows: dict[str, Value] = {}
        for leaf in self.paths():
            if leaf.startswith(prefix):
                try:
                    rows[leaf[len(prefix) :]] = self.value_at(leaf, on)
                except NoValue:
                    continue
        if not rows:
            raise NoValue(path, on, self.source, "no rows")
        return rows

    def unverified(self) -> list[Parameter]:
        """The parameters not yet checked against the official text: this layer's, then the base's (a value of
        the base still applies where the layer has dated none)."""
        own = [p for p in self.parameters.values() if not p.verified]
        return own + (self.base.unverified() if self.base is not None else [])


def read(tree: object, source: str, *, jurisdiction: str = "", base: LegalData | None = None) -> LegalData:
    """The legal data of a parsed YAML tree (``source`` names it in errors)."""
    if tree is None:
        tree = {}
    if not isinstance(tree, Mapping):
        raise BadFile(source, "must be a mapping of parameters")
    parameters = {path: parameter(path, node, source) for path, node in _walk(tree, "", source)}
    return LegalData(source=source, parameters=parameters, jurisdiction=jurisdiction, base=base)


def read_files(paths: list[Path], source: str, *, jurisdiction: str = "", base: LegalData | None = None) -> LegalData:
    """The legal data of several YAML files read as one (a parameter written twice is refused)."""
    parameters: dict[str, Parameter] = {}
    for path in paths:
        part = read(yaml.safe_load(path.read_text(encoding="utf-8")), f"{source}/{path.name}")
        twice = sorted(set(part.parameters) & set(parameters))
        if twice:
            raise BadFile(f"{source}/{path.name}", f"parameter {twice[0]} is written in two files")
        parameters.update(part.parameters)
    return LegalData(source=source, parameters=parameters, jurisdiction=jurisdiction, base=base)
