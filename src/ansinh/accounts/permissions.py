"""Who may do what: the matrix in ``permissions.yaml``, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied

from ansinh.accounts.models import Role

RESOURCES = (
    "household",
    "member",
    "duplicate",
    "audit",
    "units",
    "user",
    "review",
    "import",
    "enrolment",
    "payroll",
    "dossier",
    "case",
    "report",
    "simulation",
    "case_log",
)
ACTIONS = (
    *("view", "create", "change", "export", "resolve", "prepare", "approve", "configure", "process"),
    *("refer", "reveal", "override", "break_glass", "report"),
)


def _raw() -> dict[str, Any]:  # read by the cached matrix() and assigns()
    raw: dict[str, Any] = yaml.safe_load((Path(__file__).with_name("permissions.yaml")).read_text(encoding="utf-8"))
    return raw


@cache
def matrix() -> dict[str, dict[str, frozenset[str]]]:
    result: dict[str, dict[str, frozenset[str]]] = {}
    for role, grants in _raw().items():
        if role not in Role.values:
            raise ValueError(f"permissions.yaml names an unknown role: {role}")
        result[role] = {}
        for resource, actions in (grants or {}).items():
            if resource == ASSIGNS:
                continue
            if resource not in RESOURCES:
                raise ValueError(f"permissions.yaml: unknown resource {resource!r} for {role}")
            unknown = set(actions) - set(ACTIONS)
            if unknown:
                raise ValueError(f"permissions.yaml: unknown actions {sorted(unknown)} for {role}.{resource}")
            result[role][resource] = frozenset(actions)
    return result


# Administering: the resources whose grants make an account an administrator of others or of reference data.
ADMINISTRATIVE = ("user", "units", "audit")
ASSIGNS = "assigns"


@cache
def assigns() -> dict[str, frozenset[str]]:
    """Role → the roles an account of it may give another (``assigns`` in the matrix; none if not listed).

    No role may give a role that holds, on an administrative resource, an action the giver does not hold
    itself; nor its own role (a peer is made from the command line), nor any role without ``user.create`` or
    ``user.change``."""
    grants = matrix()
    result: dict[str, frozenset[str]] = {}
    for role, raw in _raw().items():
        given = frozenset((raw or {}).get(ASSIGNS, ()))
        for other in given:
            if other not in Role.values:
                raise ValueError(f"permissions.yaml: {role} assigns an unknown role {other!r}")
            held = grants[role]
            wider = [
                f"{r}.{a}"
                for r in ADMINISTRATIVE
                for a in grants[other].get(r, frozenset())
                if a not in held.get(r, frozenset())
            ]
            if wider or other == role:
                raise ValueError(f"permissions.yaml: {role} may not assign {other} ({', '.join(wider) or 'itself'})")
        if given and not ({"create", "change"} & grants[role].get("user", frozenset())):
            raise ValueError(f"permissions.yaml: {role} assigns roles but may not create or change users")
        result[role] = given
    return result


def assignable_roles(user: Any) -> frozenset[str]:
    """The roles ``user`` may give in the admin (all of them for a superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    return assigns().get(user.role, frozenset())


def is_staff_role(role: str) -> bool:
    """Whether the role uses Django's admin (it administers users or reference data): its staff status."""
    return any(matrix().get(role, {}).get(r) for r in ("user", "units"))


def can(user: Any, resource: str, action: str) -> bool:
    """Whether ``user``'s role allows ``action`` on ``resource`` (anywhere in their scope)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    token = getattr(user, "api_token", None)  # a request through an API token: only what it grants (tokens.py)
    if token is not None and f"{resource}.{action}" not in token.grants:
        return False
    if user.is_superuser:
        return True
    return action in matrix().get(user.role, {}).get(resource, frozenset())


def shows_full_ids(user: Any) -> bool:
    """The one rule of who sees whole personal ID numbers: those who may change members. Everyone else sees the
    last three digits (``registry.idnumber.mask``) on screen and in every output made for them — exports,
    certificates, workbooks and any other file — so no file reveals what the screen hides."""
    return can(user, "member", "change")


def require(user: Any, resource: str, action: str) -> None:
    if not can(user, resource, action):
        raise PermissionDenied(f"{resource}.{action}")
