"""Where a user may look: every read of area data starts here.

A user's scope is a whole province (``User.province``) and/or a list of wards (``User.wards``).
Records outside it do not exist for the user (views answer 404, counts leave them out).
:func:`scoped` is the one rule for any queryset of area data; the domain apps expose it as a QuerySet
method (``Household.objects.scoped(user, "change")``), so this module knows no domain model.
:func:`get_in_area` is the one rule for a single record a page asks for: 404 outside the user's area, 403
inside it when the role may not do the action (``tests/web/test_refusal_rule.py`` holds every page to it).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from ansinh.accounts.permissions import can, require
from ansinh.accounts.tokens import area_filter
from ansinh.geo.models import Ward

Rows = TypeVar("Rows", bound=QuerySet[Any])


def _ward_filter(user: Any, prefix: str = "") -> Q:
    if user.is_superuser:
        return Q()
    q = Q(**{f"{prefix}code__in": user.wards.values("code")})
    if user.province_id:
        q |= Q(**{f"{prefix}province_id": user.province_id})
    narrowed = area_filter(user, prefix)  # through an API token: its area within the owner's (tokens.py)
    return q if narrowed is None else q & narrowed


def scoped_wards(user: Any) -> QuerySet[Ward]:
    """The current wards the user may see."""
    if user is None or not user.is_authenticated:
        return Ward.objects.none()
    return Ward.objects.filter(valid_to__isnull=True).filter(_ward_filter(user)).order_by("name")


def ward_codes(user: Any) -> list[str] | None:
    """The ward codes of the user's scope, or ``None`` for no restriction (superuser)."""
    if user.is_superuser:
        return None
    return list(scoped_wards(user).values_list("code", flat=True))


def is_ward_scope(user: Any) -> bool:
    """Whether the user's scope is a list of wards (a ward officer's, a chairman's) rather than a whole province
    or everything (a superuser): small enough for a search to read the wards' own members instead of looking a
    name up across the city (``registry.queries.matching``)."""
    token = getattr(user, "api_token", None)
    if token is not None and token.province_id is None:
        return not user.is_superuser
    return not user.is_superuser and user.province_id is None


def in_scope(user: Any, ward_code: str) -> bool:
    return scoped_wards(user).filter(code=ward_code).exists()


def scoped(user: Any, queryset: Rows, *, resource: str, action: str = "view", ward: str = "ward") -> Rows:
    """The rows of ``queryset`` the user may ``action``: the role first (``resource`` in the permission
    matrix), then the area (the rows whose ``ward`` lookup, e.g. ``household__ward``, is one of the user's)."""
    if not can(user, resource, action):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{ward}__in": scoped_wards(user)})


def in_area(user: Any, queryset: Rows, *, ward: str = "ward") -> Rows:
    """The rows of ``queryset`` in the user's area, whatever their role may do with them."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{ward}__in": scoped_wards(user)})


def get_in_area(
    user: Any, queryset: QuerySet[Any], *, resource: str, action: str = "view", ward: str = "ward", **lookup: Any
) -> Any:
    """The one record of ``queryset`` matching ``lookup`` that a page asks for, by the one rule for refusals:
    outside the user's area it does not exist for them (``Http404``, so its existence does not leak); inside it,
    a role the matrix does not allow ``resource.action`` is refused (``PermissionDenied``, 403)."""
    found = in_area(user, queryset, ward=ward).filter(**lookup).first()
    if found is None:
        raise Http404
    require(user, resource, action)
    return found
