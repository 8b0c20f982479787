"""Named reads of the registry. Every read that serves a user starts from that user's scope."""

from __future__ import annotations

import datetime
from typing import Any

import polars as pl
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Replace

from ansinh import registry_schema
from ansinh.accounts.permissions import can
from ansinh.accounts.scope import get_in_area, is_ward_scope, scoped_wards
from ansinh.accounts.scope import ward_codes as scope_ward_codes
from ansinh.audit.models import AuditEvent
from ansinh.dbframes import read_frame
from ansinh.lib.text import fold
from ansinh.registry.models import DuplicateFlag, Household, HouseholdEvent, Member, Membership

JOIN = "0"  # what the names' trigram index writes for a space (registry migration 0008)


def search_households(user: Any, q: str = "", ward_code: str | None = None) -> QuerySet[Household]:
    """Households in the user's scope matching ``q``: a member's name (diacritics- and case-insensitive),
    a 12-digit or 9-digit ID number, a household code, or an address."""
    qs = Household.objects.scoped(user).select_related("ward")
    if ward_code:
        qs = qs.filter(ward_id=ward_code)
    return matching(qs, q, few_wards=bool(ward_code) or is_ward_scope(user)).order_by("ward__name", "code")


def matching(qs: QuerySet[Household], q: str = "", *, few_wards: bool = False) -> QuerySet[Household]:
    """The households of ``qs`` that the search box's ``q`` finds (all of them for an empty ``q``).

    ``few_wards`` says that ``qs`` lies within a few wards (a ward officer's scope, one ward chosen), not a
    whole city: the members' names are then looked up among the members of ``qs``'s households only. Either
    way the answer is the same; only the plan differs."""
    q = (q or "").strip()
    if not q:
        return qs
    if q.isdigit() and len(q) in (9, 12):
        field = "id_number" if len(q) == 12 else "legacy_id_number"
        return qs.filter(pk__in=Member.objects.filter(**{field: q}).values("household_id"))
    folded = fold(q)
    # One set of household ids, the households' own tests and their members' names apart, rather than one OR
    # with ``pk IN (members...)``: a sub-select inside an OR is checked row by row, so PostgreSQL would read
    # every household in scope. Apart, each side is served by its indexes (registry migrations 0002, 0003):
    # a BitmapOr of the code and address indexes, and the names' trigram index.
    by_household = (
        qs.order_by()
        .filter(Q(code__iexact=q) | Q(code__istartswith=q) | Q(address_folded__contains=folded))
        .values("pk")
    )
    # The names' trigram index (registry migration 0008) is on the name with its spaces written "0", so that a
    # fragment of two words finds its trigrams across the space too ("g0v" in "quang van"): only the names that
    # hold those words in that order, not every name that holds both words somewhere (the reversed "van quang"
    # is most of a city's). The exact test on the name still decides (no name holds a digit).
    joined = Replace(F("name_folded"), Value(" "), Value(JOIN))
    by_member = (
        Member.objects.order_by()
        .alias(name_joined=joined)
        .filter(name_joined__contains=folded.replace(" ", JOIN), name_folded__contains=folded)
    )
    if few_wards:
        # A common fragment ("nguyen": two people in five) matches millions of members across a city, which the
        # names' index would all hand over before the scope applies. Confined to the households of ``qs``, the
        # planner may read the wards' households and their members instead (the ward and member-household
        # indexes), or still the names' index for a rare fragment, checked against the wards' few households.
        # Not for a city-wide ``qs``: the outer filter applies the scope anyway, and this one would add a read
        # of every household in the city.
        by_member = by_member.filter(household__in=qs.order_by().values("pk"))
    return qs.filter(pk__in=by_household.union(by_member.values("household_id")))


def wards_with_counts(user: Any) -> QuerySet[Any]:
    """The user's current wards, each with ``household_count`` (its active households the user may see), those
    with households first, then by name: a city-wide home page lists them all, a page at a time."""
    counted = Count("households", filter=Q(households__status="active"))
    wards = scoped_wards(user)
    if not can(user, "household", "view"):
        return wards.annotate(household_count=Value(0, output_field=IntegerField())).order_by("name", "code")
    empty_last = Case(When(household_count=0, then=Value(1)), default=Value(0), output_field=IntegerField())
    return wards.annotate(household_count=counted).order_by(empty_last, "name", "code")


def get_household_for(user: Any, pk: int, action: str = "view") -> Household:
    """The household if the user may ``action`` it: outside their area it does not exist for them (404); inside,
    a role without ``household.<action>`` is refused (403)."""
    household: Household = get_in_area(
        user, Household.objects.select_related("ward__province"), resource="household", action=action, pk=pk
    )
    return household


def get_member_for(user: Any, pk: int, action: str = "view") -> Member:
    """The member if the user may ``action`` them, by the same rule as :func:`get_household_for`."""
    member: Member = get_in_area(
        user, Member.objects.select_related("household__ward"), resource="member", action=action,
        ward="household__ward", pk=pk,
    )  # fmt: skip
    return member


def open_duplicate_flags_for(user: Any) -> QuerySet[DuplicateFlag]:
    """Open likely-duplicate flags whose two people both live in the user's area.

    A pair across areas is for someone whose area covers both, so that no one sees a person outside theirs.
    """
    households = Household.objects.scoped(user).values("pk")
    return (
        DuplicateFlag.objects.filter(
            status=DuplicateFlag.Status.OPEN,
            member_a__household__in=households,
            member_b__household__in=households,
        )
        .select_related("member_a__household__ward", "member_b__household__ward")
        .order_by("flagged_at", "pk")
    )


def members_on(household: Household, day: datetime.date) -> QuerySet[Member]:
    """Who belonged to the household on ``day`` (from the membership history)."""
    stays = Membership.objects.filter(household=household, start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))
    return Member.objects.filter(pk__in=stays.values("member_id")).order_by("date_of_birth")


def household_timeline(household: Household) -> list[dict[str, Any]]:
    """Dated events and field-level changes of a household and its members, newest first."""
    events = [
        {"at": e.recorded_at, "date": e.date, "kind": "event", "event": e}
        for e in HouseholdEvent.objects.filter(household=household).select_related("member", "related_household")
    ]
    changes = [
        {"at": a.at, "date": a.at.date(), "kind": "change", "audit": a}
        for a in AuditEvent.objects.filter(household_id=household.pk).select_related("actor")[:500]
    ]
    return sorted(events + changes, key=lambda item: item["at"], reverse=True)


def search_audit(
    user: Any,
    *,
    username: str = "",
    action: str = "",
    household_code: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit trail for an administrator, within their scope."""
    if not can(user, "audit", "view"):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.select_related("actor")
    if not user.is_superuser:
        codes = scope_ward_codes(user)
        if codes is not None:
            qs = qs.filter(Q(ward_code__in=codes) | Q(ward_code=""))
    if username:
        qs = qs.filter(actor_name__iexact=username)
    if action:
        qs = qs.filter(action__startswith=action)
    if household_code:
        ids = Household.objects.filter(code__iexact=household_code).values_list("pk", flat=True)
        qs = qs.filter(household_id__in=list(ids))
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.order_by("-at", "-id")


# --- Frames for the engine (docs/frames.md) -------------------------------------------------------

# Derived from the schema of record (``ansinh.registry_schema``).
HOUSEHOLD_SCHEMA: dict[str, Any] = registry_schema.household_frame_dtypes()
MEMBER_SCHEMA: dict[str, Any] = registry_schema.member_frame_dtypes()
# Frame column → database column, where they differ (per table: a member's household_id is a real column).
_HOUSEHOLD_COLUMNS = {
    registry_schema.HOUSEHOLD_KEY: "id",
    **{a.name: a.attname for a in registry_schema.HOUSEHOLD if a.attname != a.name},
}
_MEMBER_COLUMNS = {
    registry_schema.MEMBER_KEY: "id",
    **{a.name: a.attname for a in registry_schema.MEMBER if a.attname != a.name},
}


def _select(table: str, schema: dict[str, Any], where: str, renames: dict[str, str]) -> str:
    cols = ", ".join(f"t.{renames[c]} AS {c}" if c in renames else f"t.{c}" for c in schema)
    return f"SELECT {cols} FROM {table} t {where}"  # noqa: S608 - identifiers from model metadata


def registry_queries(
    ward_codes: list[str] | None = None, *, engine_only: bool = False
) -> tuple[tuple[str, list[Any], dict[str, Any]], tuple[str, list[Any], dict[str, Any]]]:
    """The (sql, params, schema) of the households and of the members ``registry_frames`` reads (also what
    ``bench/review.py`` times on the server alone)."""
    hh_schema, m_schema = HOUSEHOLD_SCHEMA, MEMBER_SCHEMA
    if engine_only:
        from ansinh.engine.frames import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

        hh_schema = {k: v for k, v in HOUSEHOLD_SCHEMA.items() if HOUSEHOLD_COLUMNS[k].required}
        m_schema = {k: v for k, v in MEMBER_SCHEMA.items() if MEMBER_COLUMNS[k].required}
    hh_table = Household._meta.db_table
    m_table = Member._meta.db_table
    where = "WHERE t.status = 'active'"
    params: list[Any] = []
    if ward_codes:
        where += f" AND t.ward_id IN ({', '.join(['%s'] * len(ward_codes))})"
        params = list(ward_codes)
    m_where = f"JOIN {hh_table} h ON h.id = t.household_id WHERE t.status = 'active' AND h.status = 'active'" + (
        f" AND h.ward_id IN ({', '.join(['%s'] * len(ward_codes))})" if ward_codes else ""
    )
    return (
        (_select(hh_table, hh_schema, where, _HOUSEHOLD_COLUMNS) + " ORDER BY t.id", params, hh_schema),
        (_select(m_table, m_schema, m_where, _MEMBER_COLUMNS), params, m_schema),
    )


def registry_frames(
    ward_codes: list[str] | None = None, *, engine_only: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The active households and their current members as engine frames (docs/frames.md).

    Members come sorted by household, so the engine can reduce contiguous segments. ``engine_only`` reads
    only the columns the classification needs (no code, name, relation or ethnicity): less to send and parse.
    """
    (hh_sql, params, hh_schema), (m_sql, _, m_schema) = registry_queries(ward_codes, engine_only=engine_only)
    if ward_codes is not None and not ward_codes:
        return pl.DataFrame(schema=hh_schema), pl.DataFrame(schema=m_schema)
    households = read_frame(hh_sql, params, hh_schema)
    # Sorted here rather than by the server (its sort costs more than Polars'), and only when the rows do not
    # already come in household order (the join usually walks the household index).
    members = read_frame(m_sql, params, m_schema)
    if not members.get_column("household_id").is_sorted():
        members = members.sort("household_id", "member_id")
    # The registry stores an empty text as "" (Django's way); the frames say null.
    empty_text = [
        a.name
        for a in registry_schema.MEMBER
        if (a.frame == "nullable" or (a.frame == "optional" and a.blank)) and a.dtype == pl.String
    ]
    members = members.with_columns(pl.col(c).replace("", None) for c in empty_text if c in m_schema)
    return households, members


def get_household_by_code_for(user: Any, code: str, action: str = "view") -> Household:
    """The household of this code, by the one rule for refusals (404 outside the user's area, 403 inside it
    without ``household.<action>``). Other systems name a household by its code (the API), never by its id."""
    household: Household = get_in_area(
        user, Household.objects.select_related("ward__province"), resource="household", action=action, code=code
    )
    return household
