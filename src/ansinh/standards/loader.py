"""Load poverty standards from their YAML folders.

A standard is a folder holding ``standard.yaml`` (identity, validity, jurisdiction, dimensions, indicators
with their legal source) and ``parameters.yaml`` (every legal number, OpenFisca style: dated values, unit,
description, legal reference, ``verified`` and optionally ``last_value_still_valid_on``), read by the one
reader of dated legal data, ``ansinh.lib.legal``. No legal number lives in Python.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ansinh.lib.legal import MONEY_UNITS as MONEY_UNITS  # the engine converts amounts by their unit
from ansinh.lib.legal import LegalDataError, read, to_date
from ansinh.lib.legal import Parameter as Parameter  # a standard's parameters are the shared reader's

HERE = Path(__file__).resolve().parent
NATIONAL = "VN"

# A value of a standard's parameter (the shared reader's values; a standard holds no scaled amounts).
Value = int | float | str | bool | tuple[str, ...] | None


# A standard or parameter that cannot be found, parsed or applied: the shared reader's error, so that one
# ``except`` catches a parameter without a value on a date as well as a standard's own refusals.
StandardError = LegalDataError


@dataclass(frozen=True)
class Indicator:
    """A deprivation indicator: its dimension, the formula computing it and its legal source."""

    name: str
    dimension: str
    formula: str
    label: Mapping[str, str]
    reference: str


@dataclass(frozen=True)
class Standard:
    """A poverty standard: validity, jurisdiction, indicators and parameters (plus any overrides)."""

    id: str
    title: Mapping[str, str]
    jurisdiction: str
    valid_from: dt.date
    valid_to: dt.date | None
    legal_basis: tuple[str, ...]
    dimension_labels: Mapping[str, Mapping[str, str]]
    indicators: tuple[Indicator, ...]
    parameters: Mapping[str, Parameter]
    base_version: str
    overrides: Mapping[str, Value] = field(default_factory=dict)

    @property
    def dimensions(self) -> dict[str, str]:
        """Indicator name -> dimension name, in the order of the standard (for nested AF weights)."""
        return {i.name: i.dimension for i in self.indicators}

    @property
    def version(self) -> str:
        """Content hash of the standard's files and formulas, plus a hash of any overrides."""
        if not self.overrides:
            return self.base_version
        text = repr(sorted(self.overrides.items()))
        return self.base_version + "+" + hashlib.sha256(text.encode()).hexdigest()[:8]

    def applies_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def indicator(self, name: str) -> Indicator:
        for ind in self.indicators:
            if ind.name == name:
                return ind
        raise StandardError(f"standard {self.id} has no indicator {name!r}")

    def has(self, path: str) -> bool:
        return path in self.parameters

    def value(self, path: str, on: dt.date) -> Value:
        """The value of parameter ``path`` on ``on``, an override taking precedence."""
        if path in self.overrides:
            return self.overrides[path]
        try:
            parameter = self.parameters[path]
        except KeyError:
            raise StandardError(f"standard {self.id} has no parameter {path!r}") from None
        value: Value = parameter.in_force(on)  # None where repealed: the engine reads "no such line"
        return value

    def leaves(self, path: str) -> list[str]:
        """Parameter paths at or below ``path`` (``income_line`` -> ``income_line.urban``, ``.rural``)."""
        return [p for p in self.parameters if p == path or p.startswith(path + ".")]

    def with_overrides(self, overrides: Mapping[str, object] | None) -> Standard:
        """A copy computing with changed values (a group path sets every leaf below it); files untouched."""
        if not overrides:
            return self
        merged: dict[str, Value] = dict(self.overrides)
        for path, raw in overrides.items():
            leaves = self.leaves(path)
            if not leaves:
                known = ", ".join(sorted({p.split(".")[0] for p in self.parameters}))
                raise StandardError(f"standard {self.id} has no parameter {path!r} (known: {known})")
            for leaf in leaves:
                merged[leaf] = self.parameters[leaf].parse(raw)
        return replace(self, overrides=merged)

    def unverified(self) -> list[Parameter]:
        return [p for p in self.parameters.values() if not p.verified]


def _hash_files(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in [*sorted(folder.glob("*.yaml")), HERE / "formulas.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def load_folder(folder: Path) -> Standard:
    """Read one standard folder (``standard.yaml`` + ``parameters.yaml``)."""
    where = str(folder.name)
    meta = yaml.safe_load((folder / "standard.yaml").read_text(encoding="utf-8"))
    tree = yaml.safe_load((folder / "parameters.yaml").read_text(encoding="utf-8"))
    if not isinstance(meta, Mapping) or not isinstance(tree, Mapping):
        raise StandardError(f"{where}: standard.yaml and parameters.yaml must be mappings")
    dims = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in dict(meta["dimensions"]).items()}
    indicators = []
    for name, spec in dict(meta["indicators"]).items():
        if spec["dimension"] not in dims:
            raise StandardError(f"{where}: indicator {name} names unknown dimension {spec['dimension']!r}")
        indicators.append(
            Indicator(
                name=str(name),
                dimension=str(spec["dimension"]),
                formula=str(spec.get("formula", name)),
                label={"vi": str(spec["vi"]), "en": str(spec["en"])},
                reference=str(spec["reference"]),
            )
        )
    parameters = read(tree, where).parameters
    return Standard(
        id=str(meta["id"]),
        title={str(k): str(v) for k, v in dict(meta["title"]).items()},
        jurisdiction=str(meta["jurisdiction"]),
        valid_from=to_date(meta["valid_from"], where),
        valid_to=to_date(meta["valid_to"], where) if meta.get("valid_to") else None,
        legal_basis=tuple(str(x) for x in meta.get("legal_basis", ())),
        dimension_labels=dims,
        indicators=tuple(indicators),
        parameters=parameters,
        base_version=_hash_files(folder),
    )


@functools.cache
def all_standards() -> tuple[Standard, ...]:
    """Every standard shipped with ansinh, national first, then by start date."""
    found = [load_folder(p.parent) for p in sorted(HERE.glob("*/standard.yaml"))]
    return tuple(sorted(found, key=lambda s: (s.jurisdiction != NATIONAL, s.jurisdiction, s.valid_from)))


def load_standard(standard_id: str) -> Standard:
    """The standard with this id (e.g. ``vn_2022``, ``hcm_2024``)."""
    for standard in all_standards():
        if standard.id == standard_id:
            return standard
    known = ", ".join(s.id for s in all_standards())
    raise StandardError(f"unknown standard {standard_id!r} (known: {known})")


def standards_for(on: dt.date, jurisdiction: str = "79") -> list[Standard]:
    """The standards in force on ``on`` for a province: the national one and the province's own, if any."""
    return [s for s in all_standards() if s.applies_on(on) and s.jurisdiction in (NATIONAL, jurisdiction)]
