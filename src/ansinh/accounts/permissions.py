"""Who may do what: the matrix in ``permissions.yaml``, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied

from ansinh.accounts.models import Role

RESOURCES = ("household", "member", "duplicate", "audit", "units", "user", "review", "import", "dossier")
ACTIONS = ("view", "create", "change", "export", "resolve", "prepare", "approve", "configure", "process")


@cache
def matrix() -> dict[str, dict[str, frozenset[str]]]:
    raw = yaml.safe_load((Path(__file__).with_name("permissions.yaml")).read_text(encoding="utf-8"))
    result: dict[str, dict[str, frozenset[str]]] = {}
    for role, grants in raw.items():
        if role not in Role.values:
            raise ValueError(f"permissions.yaml names an unknown role: {role}")
        result[role] = {}
        for resource, actions in (grants or {}).items():
            if resource not in RESOURCES:
                raise ValueError(f"permissions.yaml: unknown resource {resource!r} for {role}")
            unknown = set(actions) - set(ACTIONS)
            if unknown:
                raise ValueError(f"permissions.yaml: unknown actions {sorted(unknown)} for {role}.{resource}")
            result[role][resource] = frozenset(actions)
    return result


def can(user: Any, resource: str, action: str) -> bool:
    """Whether ``user``'s role allows ``action`` on ``resource`` (anywhere in their scope)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return action in matrix().get(user.role, {}).get(resource, frozenset())


def require(user: Any, resource: str, action: str) -> None:
    if not can(user, resource, action):
        raise PermissionDenied(f"{resource}.{action}")
