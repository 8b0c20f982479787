"""The DCI social-registry search queries, read into one filter over the households a caller may see.

Three DCI query types (``search_criteria.query_type``):

- ``idtype-value``: ``{"type": "household_code" | "id_number", "value": "…"}`` — a household by its code, or the
  household of the (active) member with that ID number;
- ``predicate``: a list of ``{expression1, [condition, expression2]}``, each expression ``{attribute_name,
  operator, attribute_value}``; the predicates hold together (and), ``condition`` is ``and`` or ``or``;
- ``expression``: a tree of attribute conditions (``{"ward_code": "26734", "member_age": {"ge": 60}}``), with
  ``$and`` / ``$or`` lists, given as the query itself or as DCI's ``{"type": "expression", "value":
  {"expression": {"query": …}}}``; an attribute's value is a value (``eq``), a list (``in``), or operators and
  values (``{"ge": 60, "lt": 80}``; the ``$``-prefixed spellings and ``gte``/``lte`` are read too).

Attributes: the household's ``ward_code``, ``household_code``, ``area_type``, ``residence_type``, ``status``; the
official list's ``poverty_class`` and ``poverty_standard`` (the open statuses); an active member's
``member_age`` (whole years on today's date), ``member_sex``, ``member_relation``, ``member_disability_level``.
Within one "and" group the conditions on the official list hold for one and the same status (poor *under*
vn_2022), and the conditions on members for one and the same member (a woman *aged* 60 or more). Operators:
``eq``, ``ne``, ``in`` everywhere; ``lt``, ``le``, ``gt``, ``ge`` on ``member_age``. Anything else is refused
with the attribute or the operator named (:class:`DciAttributeUnsupported`, :class:`DciOperatorUnsupported`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ansinh.api.errors import DciAttributeUnsupported, DciOperatorUnsupported, DciQueryInvalid
from ansinh.registry.models import Member
from ansinh.review.models import PovertyStatus

HOUSEHOLD = {
    "ward_code": "ward_id",
    "household_code": "code",
    "area_type": "area_type",
    "residence_type": "residence_type",
    "status": "status",
}
POVERTY = {"poverty_class": "klass", "poverty_standard": "standard_id"}
MEMBER = {
    "member_age": "date_of_birth",
    "member_sex": "sex",
    "member_relation": "relation",
    "member_disability_level": "disability_level",
}
ATTRIBUTES = [*HOUSEHOLD, *POVERTY, *MEMBER]
EQUALITY = ("eq", "ne", "in")
ORDERED = ("eq", "ne", "in", "lt", "le", "gt", "ge")
ID_TYPES = ("household_code", "id_number")
ALIASES = {"lte": "le", "gte": "ge", "nin": "not_in"}
MAX_NODES = 100
MAX_PREDICATES = 20


@dataclass(frozen=True)
class Leaf:
    attribute: str
    operator: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Group:
    kind: str  # "and" | "or"
    children: tuple[Any, ...]


def leaf(attribute: Any, operator: Any, value: Any) -> Leaf:
    """One condition, checked: a supported attribute, an operator that applies to it, values of its kind."""
    attribute, operator = str(attribute), str(operator).lstrip("$").lower()
    operator = ALIASES.get(operator, operator)
    if attribute not in ATTRIBUTES:
        raise DciAttributeUnsupported(attribute=attribute, supported=", ".join(ATTRIBUTES))
    allowed = ORDERED if attribute == "member_age" else EQUALITY
    if operator not in allowed:
        raise DciOperatorUnsupported(operator=operator, attribute=attribute, supported=", ".join(allowed))
    values = tuple(value) if isinstance(value, list | tuple) else (value,)
    if not values or (operator != "in" and len(values) != 1):
        raise DciQueryInvalid(reason=f"{attribute} {operator}: one value ('in': a list)")
    if attribute == "member_age":
        if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 150 for v in values):
            raise DciQueryInvalid(reason="member_age takes whole years from 0 to 150")
    elif not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise DciQueryInvalid(reason=f"{attribute} takes text values")
    else:
        values = tuple(str(v) for v in values)
    return Leaf(attribute, operator, values)


def _group(kind: str, children: list[Any]) -> Any:
    """A group, with nested groups of the same kind merged into it (so an "and" of predicates is one group)."""
    flat: list[Any] = []
    for child in children:
        flat.extend(child.children if isinstance(child, Group) and child.kind == kind else [child])
    return flat[0] if len(flat) == 1 else Group(kind, tuple(flat))


def from_predicates(predicates: list[Any]) -> Any:
    """The ``predicate`` query: ``[{expression1, condition, expression2}]``, the predicates held together."""
    if not predicates or len(predicates) > MAX_PREDICATES:
        raise DciQueryInvalid(reason=f"from 1 to {MAX_PREDICATES} predicates")
    parts = []
    for p in predicates:
        first = leaf(p.expression1.attribute_name, p.expression1.operator, p.expression1.attribute_value)
        if p.expression2 is None:
            parts.append(first)
            continue
        condition = (p.condition or "").lower()
        if condition not in ("and", "or"):
            raise DciQueryInvalid(reason="a predicate's condition is 'and' or 'or'")
        second = leaf(p.expression2.attribute_name, p.expression2.operator, p.expression2.attribute_value)
        parts.append(_group(condition, [first, second]))
    return _group("and", parts)


def _unwrap_expression(query: Any) -> Any:
    if isinstance(query, dict) and "value" in query and set(query) <= {"type", "value"}:
        query = query["value"]
    if isinstance(query, dict) and set(query) == {"expression"}:
        query = query["expression"]
    if isinstance(query, dict) and set(query) == {"query"}:
        query = query["query"]
    return query


def from_expression(query: Any) -> Any:
    """The ``expression`` query (module docstring)."""
    count = [0]

    def node(obj: Any) -> Any:
        count[0] += 1
        if count[0] > MAX_NODES:
            raise DciQueryInvalid(reason=f"more than {MAX_NODES} conditions")
        if not isinstance(obj, dict) or not obj:
            raise DciQueryInvalid(reason="an expression is an object of conditions")
        parts: list[Any] = []
        for key, value in obj.items():
            kind = str(key).lstrip("$").lower()
            if kind in ("and", "or"):
                if not isinstance(value, list) or not value:
                    raise DciQueryInvalid(reason=f"{key} takes a list of expressions")
                parts.append(_group(kind, [node(v) for v in value]))
            elif isinstance(value, dict):
                if not value:
                    raise DciQueryInvalid(reason=f"{key}: no operator")
                parts.extend(leaf(key, op, v) for op, v in value.items())
            elif isinstance(value, list):
                parts.append(leaf(key, "in", value))
            else:
                parts.append(leaf(key, "eq", value))
        return _group("and", parts)

    return node(_unwrap_expression(query))


def from_idtype(query: Any) -> Leaf | Group:
    """The ``idtype-value`` query: ``{"type": "household_code" | "id_number", "value": "…"}``."""
    if not isinstance(query, dict) or not isinstance(query.get("value"), str | int) or not query.get("type"):
        raise DciQueryInvalid(reason='idtype-value takes {"type": …, "value": …}')
    kind, value = str(query["type"]), str(query["value"])
    if kind not in ID_TYPES:
        raise DciAttributeUnsupported(attribute=kind, supported=", ".join(ID_TYPES))
    return Leaf("id_number" if kind == "id_number" else "household_code", "eq", (value,))


# --- to a filter over households ---------------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year - years, day=28)


def _age(op: str, years: int, today: datetime.date) -> Q:
    """Members whose age in whole years on ``today`` compares so with ``years``."""
    if op == "ge":
        return Q(date_of_birth__lte=_years_before(today, years))
    if op == "gt":
        return Q(date_of_birth__lte=_years_before(today, years + 1))
    if op == "le":
        return Q(date_of_birth__gt=_years_before(today, years + 1))
    if op == "lt":
        return Q(date_of_birth__gt=_years_before(today, years))
    return _age("ge", years, today) & _age("le", years, today)  # eq


def _member_q(item: Leaf, today: datetime.date) -> Q:
    if item.attribute == "member_age":
        if item.operator in ("eq", "ne", "in"):
            q = Q()
            for years in item.values:
                q |= _age("eq", years, today)
            return ~q if item.operator == "ne" else q
        return _age(item.operator, item.values[0], today)
    q = Q(**{f"{MEMBER[item.attribute]}__in": item.values})
    return ~q if item.operator == "ne" else q


def _poverty(items: list[Leaf]) -> Q:
    """The official-list conditions of one group, on one status. The list holds only the poor and near-poor:
    a household it does not list is not poor, so ``poverty_class ne poor`` (with no class it must have) means
    "not listed as poor" (under the standards named), and keeps the households the list does not name."""
    rows = PovertyStatus.objects.current()
    cell = {i: Q(**{f"{POVERTY[i.attribute]}__in": i.values}) for i in items}
    positive = [i for i in items if i.operator != "ne"]
    negative = [i for i in items if i.operator == "ne"]
    for item in positive:
        rows = rows.filter(cell[item])
    if any(i.attribute == "poverty_class" for i in positive) or not negative:
        for item in negative:
            rows = rows.filter(~cell[item])
        return Q(pk__in=rows.values("household_id"))
    refused = Q()
    for item in negative:
        refused |= cell[item]
    return ~Q(pk__in=rows.filter(refused).values("household_id"))


def _same_row(items: list[Leaf], today: datetime.date) -> Q:
    """The leaves of one "and" group: the household's own, then one status and one member for the others."""
    q = Q()
    statuses, members = [], []
    for item in items:
        if item.attribute in HOUSEHOLD:
            here = Q(**{f"{HOUSEHOLD[item.attribute]}__in": item.values})
            q &= ~here if item.operator == "ne" else here
        elif item.attribute == "id_number":
            q &= Q(pk__in=Member.objects.active().filter(id_number__in=item.values).values("household_id"))
        elif item.attribute in POVERTY:
            statuses.append(item)
        else:
            members.append(item)
    if statuses:
        q &= _poverty(statuses)
    if members:
        people = Member.objects.active()
        for item in members:
            people = people.filter(_member_q(item, today))
        q &= Q(pk__in=people.values("household_id"))
    return q


def to_q(tree: Any, today: datetime.date | None = None) -> Q:
    """The filter over households that ``tree`` (a :class:`Leaf` or a :class:`Group`) means."""
    today = today or timezone.localdate()
    if isinstance(tree, Leaf):
        return _same_row([tree], today)
    if tree.kind == "or":
        q = Q()
        for child in tree.children:
            q |= to_q(child, today)
        return q
    q = _same_row([c for c in tree.children if isinstance(c, Leaf)], today)
    for child in tree.children:
        if isinstance(child, Group):
            q &= to_q(child, today)
    return q
