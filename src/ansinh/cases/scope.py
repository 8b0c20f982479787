"""Who sees a case: its circle, and nobody else. The cases' own scope function, never the registry's.

The registry's rule (``ansinh.accounts.scope``) opens every household of a ward to its officers; a victim's case
is never opened by area. The circle of a case is

* its owner and its assigned users (every section);
* the users of the owning agency whose role approves (``case.approve``: the agency's supervisor, the commune
  chairman of the commune agency), every section;
* the users of an agency it was referred to, while the referral is sent or accepted (not rejected, done or
  revoked), and only the sections the referral shares; a referral to a named user opens it to that user only;
* a supervisor who broke the glass, with a reason, until the opening expires (every section, each read logged).

A superuser is not in any circle by being a superuser. Everything (the lists, the counts, the attachments, the
exports, the notifications) starts from :func:`visible_cases` or :func:`access`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ansinh.accounts.permissions import can
from ansinh.cases.models import ACTIVE_REFERRAL, ALL_SECTIONS, AgencyMember, BreakGlass, Case, Referral


@dataclass(frozen=True)
class Access:
    """What one user may see of one case and why (``owner``, ``assigned``, ``agency``, ``referral``,
    ``break_glass``). ``core``: the user is in the case's own circle (owner, assigned, owning agency's approver)
    and may work on it; a break-the-glass opening reads every section but changes nothing."""

    sections: frozenset[str]
    via: str

    @property
    def core(self) -> bool:
        return self.via in ("owner", "assigned", "agency")

    def sees(self, section: str) -> bool:
        return section in self.sections


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active and can(user, "case", "view")


def user_agencies(user: Any) -> QuerySet[Any]:
    return AgencyMember.objects.filter(user_id=user.pk, agency__active=True).values("agency_id")


def referral_q(user: Any, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status__in": ACTIVE_REFERRAL,
            f"{prefix}to_agency_id__in": user_agencies(user),
        }
    ) & (Q(**{f"{prefix}to_user__isnull": True}) | Q(**{f"{prefix}to_user_id": user.pk}))


def _core_q(user: Any) -> Q:
    q = Q(owner_id=user.pk) | Q(assigned__id=user.pk)
    if can(user, "case", "approve"):
        q |= Q(owner_agency_id__in=user_agencies(user))
    q |= Q(pk__in=BreakGlass.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).values("case_id"))
    return q


def visible_cases(user: Any) -> QuerySet[Case]:
    """The cases of ``user``'s circles (none without ``case.view``)."""
    if not _active(user):
        return Case.objects.none()
    q = _core_q(user) | Q(pk__in=Referral.objects.filter(referral_q(user)).values("case_id"))
    return Case.objects.filter(pk__in=Case.objects.filter(q).values("pk"))


def core_case_ids(user: Any, ids: list[int]) -> set[int]:
    """Which of ``ids`` the user sees whole (owner, assigned, approver, break-the-glass), not through a referral."""
    if not _active(user):
        return set()
    return set(Case.objects.filter(_core_q(user), pk__in=ids).values_list("pk", flat=True))


def shared_sections(user: Any, ids: list[int]) -> dict[int, set[str]]:
    """The sections each of ``ids`` shares with the user through its open referrals (one query)."""
    shared: dict[int, set[str]] = {i: set() for i in ids}
    for case_id, sections in Referral.objects.filter(referral_q(user), case_id__in=ids).values_list(
        "case_id", "sections"
    ):
        shared[case_id].update(sections or ())
    return shared


def access(user: Any, case: Case) -> Access | None:
    """What ``user`` may see of ``case``: ``None`` outside the circle."""
    if not _active(user):
        return None
    everything = frozenset(ALL_SECTIONS)
    if case.owner_id == user.pk:
        return Access(everything, "owner")
    if case.assigned.filter(pk=user.pk).exists():
        return Access(everything, "assigned")
    if can(user, "case", "approve") and user_agencies(user).filter(agency_id=case.owner_agency_id).exists():
        return Access(everything, "agency")
    if BreakGlass.objects.filter(case=case, user_id=user.pk, expires_at__gt=timezone.now()).exists():
        return Access(everything, "break_glass")
    shared: set[str] = set()
    for sections in Referral.objects.filter(referral_q(user), case=case).values_list("sections", flat=True):
        shared.update(sections or ())
    if Referral.objects.filter(referral_q(user), case=case).exists():
        return Access(frozenset(shared), "referral")
    return None


def may_break_glass(user: Any, case: Case) -> bool:
    """A supervisor outside the circle may open the case with a reason."""
    return can(user, "case", "break_glass") and access(user, case) is None
