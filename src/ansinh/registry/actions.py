"""Every change to the registry: one function per change, one transaction, one audit event each.

Views, the API, imports and the CLI call these; nothing else writes households or members. Each checks the
actor's role and area itself (``require_in_area``), whatever the caller checked before; ``actor=None`` is the system
(seed, fixtures, management commands), never a request's user.
Edits are optimistic: the caller passes the ``version`` it read, and a stale version raises
``ConcurrentEdit`` with the other user's changes instead of overwriting them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh import registry_schema, vocab
from ansinh.accounts.models import Actor, acting_user
from ansinh.accounts.permissions import can
from ansinh.accounts.scope import scoped_wards
from ansinh.audit.actions import diff, jsonable, record
from ansinh.audit.models import AuditEvent
from ansinh.geo.models import Ward
from ansinh.lib.dates import format_date
from ansinh.lib.text import fold
from ansinh.registry import idnumber, timeline
from ansinh.registry.audit_actions import RegistryAudit
from ansinh.registry.errors import (
    CodeInUse,
    ConcurrentEdit,
    DateInFuture,
    DuplicateIdNumber,
    IllegalTransition,
    InvalidIdNumber,
    NoWard,
    RegistryError,
)
from ansinh.registry.models import (
    DuplicateFlag,
    EventKind,
    Household,
    HouseholdEvent,
    Member,
    Membership,
)

# Derived from the schema of record (``ansinh.registry_schema``): the attributes an action may set.
HOUSEHOLD_FIELDS = tuple(a.attname for a in registry_schema.HOUSEHOLD)
MEMBER_FIELDS = tuple(a.attname for a in registry_schema.MEMBER)


def require_in_area(actor: Actor, resource: str, action: str, *ward_codes: str) -> None:
    """Refuse a change the actor's role does not allow on ``resource``, or in a ward outside their area.
    The system (``actor=None``) may do anything."""
    if actor is None:
        return
    if not can(actor, resource, action):
        raise PermissionDenied(f"{resource}.{action}")
    if actor.is_superuser:
        return
    wanted = {code for code in ward_codes if code}
    if wanted - set(scoped_wards(actor).filter(code__in=wanted).values_list("code", flat=True)):
        raise PermissionDenied(f"{resource}.{action}: outside the user's area")


def _values(obj: Household | Member, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def _household_data(data: Mapping[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    if "ward" in clean:
        ward = clean.pop("ward")
        clean["ward_id"] = ward.code if isinstance(ward, Ward) else ward
    if "ward_code" in clean:
        clean["ward_id"] = clean.pop("ward_code")
    unknown = set(clean) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise RegistryError(_("Unknown household fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    return clean


def _member_data(data: Mapping[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    unknown = set(clean) - set(MEMBER_FIELDS)
    if unknown:
        raise RegistryError(_("Unknown member fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if clean.get("id_number") == "":
        clean["id_number"] = None
    return clean


def _check_member(values: Mapping[str, Any], *, member_id: int | None, today: datetime.date) -> list[str]:
    """Refuse what must not be stored; return the warnings to show."""
    dob = values.get("date_of_birth")
    if dob and dob > today:
        raise RegistryError(_("The date of birth cannot be in the future."), field="date_of_birth")
    warnings: list[str] = []
    id_number = values.get("id_number")
    if id_number:
        errors, warnings = idnumber.check(id_number, values.get("sex"), dob)
        if errors:
            raise InvalidIdNumber(" ".join(errors), field="id_number")
        others = Member.objects.filter(id_number=id_number).select_related("household")
        if member_id is not None:
            others = others.exclude(pk=member_id)
        other = others.first()
        if other is not None:
            raise DuplicateIdNumber(id_number, other.household.code)
    legacy = values.get("legacy_id_number")
    if legacy and not idnumber.is_legacy_well_formed(legacy):
        raise RegistryError(_("An old ID card number has exactly 9 digits."), field="legacy_id_number")
    return warnings


def _audit(
    actor: Actor, action: RegistryAudit, obj: Household | Member, changes: Mapping[str, Any], note: str = ""
) -> None:
    household = obj if isinstance(obj, Household) else obj.household
    record(
        actor=actor,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.pk,
        changes=changes,
        household_id=household.pk,
        ward_code=household.ward_id,
        note=note,
    )


def _event(
    household: Household,
    kind: str,
    on: datetime.date,
    actor: Actor,
    *,
    member: Member | None = None,
    related: Household | None = None,
    note: str = "",
) -> None:
    HouseholdEvent.objects.create(
        household=household,
        kind=kind,
        date=on,
        member=member,
        related_household=related,
        note=note,
        recorded_at=timezone.now(),
        recorded_by=acting_user(actor),
    )


def _their_changes(object_type: str, pk: int, since_version: int) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(object_type=object_type, object_id=str(pk)).order_by("-id")[:50]
    return [e for e in events if (e.changes.get("version") or [0, 0])[1] > since_version][::-1]


def _create_member(
    actor: Actor, household: Household, data: Mapping[str, Any], on: datetime.date, reason: str
) -> Member:
    values = timeline.defaults(_member_data(data), on)
    _check_member(values, member_id=None, today=timezone.localdate())
    timeline.check_member(values, on)
    if values.get("date_of_birth") is not None:
        timeline.check_event(str(values.get("full_name") or ""), values["date_of_birth"], on, field="date")
    member = Member(household=household, name_folded=fold(values.get("full_name")), **values)
    try:
        with transaction.atomic():
            member.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent insert of the same ID number
        if values.get("id_number") and Member.objects.filter(id_number=values["id_number"]).exists():
            other = Member.objects.select_related("household").get(id_number=values["id_number"])
            raise DuplicateIdNumber(values["id_number"], other.household.code) from exc
        raise
    Membership.objects.create(member=member, household=household, start=on, start_reason=reason)
    _audit(actor, RegistryAudit.MEMBER_CREATE, member, {k: [None, jsonable(v)] for k, v in values.items()})
    return member


@transaction.atomic
def do_register_household(
    *,
    actor: Actor,
    household: Mapping[str, Any],
    members: list[Mapping[str, Any]],
    on: datetime.date,
    head_reason: str = "",
) -> Household:
    """Register a new household with its members (exactly one of them the head, an adult unless no member
    is: then ``head_reason`` says why)."""
    data = _household_data(household)
    heads = [m for m in members if m.get("relation") == "head"]
    if len(heads) != 1:
        raise RegistryError(_("A household must have exactly one head."), field="relation")
    ward = Ward.objects.filter(code=data.get("ward_id")).first()
    if ward is None:
        raise NoWard
    require_in_area(actor, "household", "create", ward.code)
    if Household.objects.filter(code=data.get("code")).exists():
        raise CodeInUse(data.get("code"))
    data.setdefault("area_type", ward.area_type)
    hh = Household(address_folded=fold(data.get("address")), **data)
    hh.save(force_insert=True)
    _audit(actor, RegistryAudit.HOUSEHOLD_CREATE, hh, {k: [None, jsonable(v)] for k, v in data.items()})
    _event(hh, EventKind.REGISTERED, on, actor, note=head_reason)
    created = [_create_member(actor, hh, m, on, "registered") for m in members]
    # After the members: their own refusals (a date of birth in the future) come first.
    if heads[0].get("date_of_birth") is not None:
        timeline.check_head(
            str(heads[0].get("full_name") or ""),
            heads[0]["date_of_birth"],
            [m["date_of_birth"] for m in members if m is not heads[0] and m.get("date_of_birth")],
            on,
            head_reason,
            field="date_of_birth",
        )
    flag_likely_duplicates(member_ids=[m.pk for m in created])
    return hh


@transaction.atomic
def do_update_household(
    *, actor: Actor, household: Household, changes: Mapping[str, Any], expected_version: int
) -> Household:
    """Change household attributes; refused with ``ConcurrentEdit`` if someone saved in between."""
    data = _household_data(changes)
    current = Household.objects.select_for_update().get(pk=household.pk)
    require_in_area(actor, "household", "change", current.ward_id, str(data.get("ward_id") or ""))
    if current.version != expected_version:
        raise ConcurrentEdit(current, _their_changes("household", current.pk, expected_version))
    if "ward_id" in data and not Ward.objects.filter(code=data["ward_id"]).exists():
        raise NoWard
    if "code" in data and Household.objects.filter(code=data["code"]).exclude(pk=current.pk).exists():
        raise CodeInUse(data["code"])
    changed = diff(_values(current, data), data)
    if not changed:
        return current
    extra: dict[str, Any] = {}
    if "address" in data:
        extra["address_folded"] = fold(data["address"])
    updated = Household.objects.filter(pk=current.pk, version=expected_version).update(
        **data, **extra, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:  # pragma: no cover - guarded by select_for_update on PostgreSQL, IMMEDIATE on SQLite
        raise ConcurrentEdit(current, _their_changes("household", current.pk, expected_version))
    changed["version"] = [expected_version, expected_version + 1]
    current.refresh_from_db()
    _audit(actor, RegistryAudit.HOUSEHOLD_UPDATE, current, changed)
    return current


@transaction.atomic
def do_add_member(
    *, actor: Actor, household: Household, data: Mapping[str, Any], on: datetime.date, kind: str = "member_added"
) -> Member:
    """Add a person to a household: a birth, someone moving in, or a member missed at registration."""
    require_in_area(actor, "member", "create", household.ward_id)
    if kind not in (EventKind.BIRTH, EventKind.MOVE_IN, EventKind.MEMBER_ADDED):
        raise IllegalTransition(_("Unknown reason for adding a member."))
    if data.get("relation") == "head" and Member.objects.active().filter(household=household, relation="head").exists():
        raise RegistryError(_("The household already has a head; use change of head."), field="relation")
    if kind == EventKind.BIRTH and data.get("date_of_birth") is not None:
        timeline.check_birth(str(data.get("full_name") or ""), data["date_of_birth"], on, field="date")
    member = _create_member(actor, household, data, on, str(kind))
    _event(household, kind, on, actor, member=member)
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1, updated_at=timezone.now())
    flag_likely_duplicates(member_ids=[member.pk])
    return member


@transaction.atomic
def do_update_member(*, actor: Actor, member: Member, changes: Mapping[str, Any], expected_version: int) -> Member:
    data = _member_data(changes)
    current = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    require_in_area(actor, "member", "change", current.household.ward_id)
    if current.version != expected_version:
        raise ConcurrentEdit(current, _their_changes("member", current.pk, expected_version))
    if data.get("relation") == "head" and current.relation != "head":
        raise RegistryError(_("Use change of head to make this member the head."), field="relation")
    if current.relation == "head" and "relation" in data and data["relation"] != "head":
        raise RegistryError(_("Use change of head to choose another head first."), field="relation")
    merged = {**_values(current, MEMBER_FIELDS), **data}
    _check_member(merged, member_id=current.pk, today=timezone.localdate())
    if {"employment_status", "date_of_birth"} & data.keys():
        timeline.check_member(merged, timezone.localdate())
    changed = diff(_values(current, data), data)
    if not changed:
        return current
    extra: dict[str, Any] = {}
    if "full_name" in data:
        extra["name_folded"] = fold(data["full_name"])
    try:
        with transaction.atomic():
            Member.objects.filter(pk=current.pk).update(
                **data, **extra, version=F("version") + 1, updated_at=timezone.now()
            )
    except IntegrityError as exc:
        raise DuplicateIdNumber(str(data.get("id_number")), "?") from exc
    changed["version"] = [expected_version, expected_version + 1]
    current.refresh_from_db()
    _audit(actor, RegistryAudit.MEMBER_UPDATE, current, changed)
    if "full_name" in data or "date_of_birth" in data:
        flag_likely_duplicates(member_ids=[current.pk])
    return current


def _end_membership(member: Member, on: datetime.date, reason: str) -> None:
    Membership.objects.filter(member=member, household_id=member.household_id, end__isnull=True).update(
        end=on, end_reason=reason
    )


def _set_status(actor: Actor, member: Member, status: str, note: str = "") -> None:
    old = member.status
    Member.objects.filter(pk=member.pk).update(status=status, version=F("version") + 1, updated_at=timezone.now())
    member.refresh_from_db()
    _audit(actor, RegistryAudit.MEMBER_UPDATE, member, {"status": [old, status]}, note=note)


def _active(member: Member) -> Member:
    current = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    if current.status != "active":
        raise IllegalTransition(_("%(name)s is no longer in the household.") % {"name": current.full_name})
    return current


@transaction.atomic
def do_change_head(
    *,
    actor: Actor,
    household: Household,
    new_head: Member,
    on: datetime.date,
    old_head_relation: str = "other_relative",
    head_reason: str = "",
    leaving: Iterable[int] = (),
) -> Household:
    """Make ``new_head`` the head; the former head (if still present) takes ``old_head_relation``. The new
    head is an adult unless no member who stays (all but ``leaving``) is: then ``head_reason`` says why."""
    require_in_area(actor, "member", "change", household.ward_id)
    new_head = _active(new_head)
    if new_head.household_id != household.pk:
        raise RegistryError(_("The new head must be a member of this household."), field="new_head")
    others = Member.objects.active().filter(household=household).exclude(pk__in=[new_head.pk, *leaving])
    timeline.check_head(
        new_head.full_name,
        new_head.date_of_birth,
        list(others.values_list("date_of_birth", flat=True)),
        on,
        head_reason,
        field="new_head",
    )
    old_head = Member.objects.active().filter(household=household, relation="head").exclude(pk=new_head.pk).first()
    if old_head is not None:
        Member.objects.filter(pk=old_head.pk).update(relation=old_head_relation, version=F("version") + 1)
        _audit(actor, RegistryAudit.MEMBER_UPDATE, old_head, {"relation": ["head", old_head_relation]})
    previous = new_head.relation
    Member.objects.filter(pk=new_head.pk).update(relation="head", version=F("version") + 1)
    _audit(actor, RegistryAudit.MEMBER_UPDATE, new_head, {"relation": [previous, "head"]})
    _event(household, EventKind.HEAD_CHANGE, on, actor, member=new_head, note=head_reason)
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1, updated_at=timezone.now())
    household.refresh_from_db()
    return household


def _after_leaving(
    actor: Actor, member: Member, on: datetime.date, new_head: Member | None, head_reason: str = ""
) -> None:
    """A head who leaves must be replaced; a household left empty is dissolved."""
    household = member.household
    remaining = Member.objects.active().filter(household=household).exclude(pk=member.pk)
    if member.relation == "head" and remaining.exists():
        if new_head is None:
            raise RegistryError(_("Choose the new head of household first."), field="new_head")
        do_change_head(
            actor=actor, household=household, new_head=new_head, on=on, head_reason=head_reason, leaving=[member.pk]
        )
    if not remaining.exists():
        Household.objects.filter(pk=household.pk).update(
            status="dissolved", dissolved_on=on, version=F("version") + 1, updated_at=timezone.now()
        )
        _audit(actor, RegistryAudit.HOUSEHOLD_UPDATE, household, {"status": ["active", "dissolved"]})
        _event(household, EventKind.DISSOLVED, on, actor)


@transaction.atomic
def do_record_death(
    *, actor: Actor, member: Member, on: datetime.date, new_head: Member | None = None, head_reason: str = ""
) -> Member:
    member = _active(member)
    require_in_area(actor, "member", "change", member.household.ward_id)
    timeline.check_event(member.full_name, member.date_of_birth, on, field="date")
    _check_move_date(on, [member])
    _after_leaving(actor, member, on, new_head, head_reason)
    _end_membership(member, on, "death")
    _set_status(actor, member, "deceased")
    _event(member.household, EventKind.DEATH, on, actor, member=member)
    return member


def _check_move_date(on: datetime.date, members: Iterable[Member]) -> None:
    """A move is dated: not in the future, not before a member's birth, and not before a member joined the
    household they leave."""
    if on > timezone.localdate():
        raise DateInFuture
    for m in members:
        timeline.check_event(m.full_name, m.date_of_birth, on, field="date")
    later = (
        Membership.objects.filter(member__in=[m.pk for m in members], end__isnull=True, start__gt=on)
        .select_related("member")
        .order_by("start")
        .first()
    )
    if later is not None:
        raise RegistryError(
            _("The date cannot be before %(name)s joined the household (%(day)s).")
            % {"name": later.member.full_name, "day": format_date(later.start)},
            field="date",
        )


def _check_receiving(to_household: Household, source: Household, field: str) -> None:
    """Members can only join another household that still exists."""
    if to_household.pk == source.pk:
        raise RegistryError(_("Choose a household other than this one."), field=field)
    if to_household.status != "active":
        raise RegistryError(
            _("Household %(code)s has been dissolved; choose a household that still exists.")
            % {"code": to_household.code},
            field=field,
        )


def _check_relations(relations: Mapping[int, str], joining: Iterable[Member], *, code: str) -> None:
    """Refuse relations to the head of household ``code`` for anyone but the ``joining`` members, "head"
    (the household has its head) or a relation not in the vocabulary. The field is ``relation_<member id>``
    (``relations`` for a member who does not join)."""
    by_pk = {m.pk: m for m in joining}
    if not relations.keys() <= by_pk.keys():
        raise RegistryError(
            _("A relation can only be given for a member who joins household %(code)s, other than its head.")
            % {"code": code},
            field="relations",
        )
    for pk, m in by_pk.items():
        if pk not in relations:
            continue
        relation = relations[pk]
        if relation == "head":
            raise RegistryError(
                _("%(name)s cannot join as head: household %(code)s has its head. Choose another relation.")
                % {"name": m.full_name, "code": code},
                field=f"relation_{pk}",
            )
        if relation not in vocab.RELATION:
            raise RegistryError(
                _("Choose the relation of %(name)s to the head from the list.") % {"name": m.full_name},
                field=f"relation_{pk}",
            )


@transaction.atomic
def do_move_out(
    *,
    actor: Actor,
    member: Member,
    on: datetime.date,
    to_household: Household | None = None,
    relation: str = "other_relative",
    new_head: Member | None = None,
    head_reason: str = "",
) -> Member:
    """A member leaves the household: out of the registry, or into another registered household."""
    member = _active(member)
    source = member.household
    require_in_area(actor, "member", "change", source.ward_id, to_household.ward_id if to_household is not None else "")
    previous_relation = member.relation
    _check_move_date(on, [member])
    if to_household is not None:
        to_household = Household.objects.select_for_update().get(pk=to_household.pk)
        _check_receiving(to_household, source, "to_household")
        if relation == "head" and Member.objects.active().filter(household=to_household, relation="head").exists():
            raise RegistryError(
                _("Household %(code)s already has a head; choose another relation.") % {"code": to_household.code},
                field="relation",
            )
        if relation not in vocab.RELATION:
            raise RegistryError(
                _("Choose the relation of %(name)s to the head from the list.") % {"name": member.full_name},
                field="relation",
            )
    _after_leaving(actor, member, on, new_head, head_reason)
    _end_membership(member, on, "move_out")
    _event(source, EventKind.MOVE_OUT, on, actor, member=member, related=to_household)
    if to_household is None:
        _set_status(actor, member, "moved_out")
        return member
    Member.objects.filter(pk=member.pk).update(
        household=to_household, relation=relation, version=F("version") + 1, updated_at=timezone.now()
    )
    Membership.objects.create(member=member, household=to_household, start=on, start_reason="move_in")
    member.refresh_from_db()
    _audit(
        actor,
        RegistryAudit.MEMBER_UPDATE,
        member,
        {"household": [source.code, to_household.code], "relation": [previous_relation, relation]},
    )
    _event(to_household, EventKind.MOVE_IN, on, actor, member=member, related=source)
    Household.objects.filter(pk=to_household.pk).update(version=F("version") + 1, updated_at=timezone.now())
    return member


@transaction.atomic
def do_split_household(
    *,
    actor: Actor,
    household: Household,
    members: list[Member],
    head: Member,
    code: str,
    address: str,
    on: datetime.date,
    remaining_head: Member | None = None,
    relations: Mapping[int, str] | None = None,
    head_reason: str = "",
) -> Household:
    """Some members leave to form a new household in the same ward (tách hộ).

    At least one member stays. If the head leaves, ``remaining_head`` (one of those who stay) becomes
    the head of the household they leave; it may be omitted when only one member stays. ``relations``
    (member id → relation) gives the leavers' relation to ``head``; anyone not in it is "other_relative".
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_in_area(actor, "household", "create", household.ward_id)
    require_in_area(actor, "household", "change", household.ward_id)
    if household.status != "active":
        raise IllegalTransition(_("Household %(code)s has been dissolved.") % {"code": household.code})
    if not members:
        raise RegistryError(_("Choose the members who leave."), field="members")
    present = {m.pk: m for m in Member.objects.active().filter(household=household)}
    leaving_ids = {m.pk for m in members}
    if not leaving_ids <= present.keys():
        raise RegistryError(_("Only current members of this household can leave it."), field="members")
    staying = [m for pk, m in present.items() if pk not in leaving_ids]
    if not staying:
        raise RegistryError(
            _(
                "At least one member must stay in household %(code)s. To move the whole "
                "household, change its details instead."
            )
            % {"code": household.code},
            field="members",
        )
    if head.pk not in leaving_ids:
        raise RegistryError(_("The head of the new household must be one of the members who leave."), field="head")
    code = (code or "").strip()
    if not code:
        raise RegistryError(_("Enter the code of the new household."), field="code")
    if Household.objects.filter(code=code).exists():
        raise CodeInUse(code)
    relations = dict(relations or {})
    _check_relations(relations, [present[pk] for pk in sorted(leaving_ids) if pk != head.pk], code=code)
    _check_move_date(on, members)
    timeline.check_head(
        head.full_name,
        present[head.pk].date_of_birth,
        [present[pk].date_of_birth for pk in leaving_ids if pk != head.pk],
        on,
        head_reason,
        field="head",
    )
    current_head = next((m for m in present.values() if m.relation == "head"), None)
    replacement = None
    if current_head is not None and current_head.pk in leaving_ids:
        if remaining_head is None and len(staying) == 1:
            remaining_head = staying[0]
        if remaining_head is None:
            raise RegistryError(
                _("The head leaves: choose the new head of the household that stays."), field="remaining_head"
            )
        if remaining_head.pk not in {m.pk for m in staying}:
            raise RegistryError(_("The new head must be one of the members who stay."), field="remaining_head")
        replacement = remaining_head
    attrs = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS if f not in ("code", "address")}
    new_household = Household(code=code, address=address, address_folded=fold(address), **attrs)
    new_household.save(force_insert=True)
    _audit(actor, RegistryAudit.HOUSEHOLD_CREATE, new_household, {"split_from": [None, household.code]})
    _event(new_household, EventKind.SPLIT, on, actor, related=household, note=head_reason)
    if replacement is not None:
        do_change_head(
            actor=actor, household=household, new_head=replacement, on=on, head_reason=head_reason, leaving=leaving_ids
        )
    for m in members:
        do_move_out(
            actor=actor,
            member=m,
            on=on,
            to_household=new_household,
            relation="head" if m.pk == head.pk else relations.get(m.pk, "other_relative"),
        )
    _event(household, EventKind.SPLIT, on, actor, related=new_household)
    return new_household


def check_merge(*, source: Household, target: Household, on: datetime.date) -> list[Member]:
    """Refuse a merge that cannot happen, or return the members who would join ``target``.

    The merge runs it again under lock; a form can run it before asking for confirmation.
    """
    if source.status != "active":
        raise IllegalTransition(_("Household %(code)s has been dissolved.") % {"code": source.code})
    if source.pk == target.pk:
        raise RegistryError(_("A household cannot be merged into itself."), field="target")
    _check_receiving(target, source, "target")
    joining = list(Member.objects.active().filter(household=source).order_by("date_of_birth", "pk"))
    _check_move_date(on, joining)
    return joining


def merge_relation(member: Member) -> str:
    """A member's relation to the receiving head when none is given: unchanged, the head's "other relative"."""
    return "other_relative" if member.relation == "head" else member.relation


@transaction.atomic
def do_merge_households(
    *,
    actor: Actor,
    source: Household,
    target: Household,
    on: datetime.date,
    relations: Mapping[int, str] | None = None,
) -> Household:
    """Every member of ``source`` joins ``target``; ``source`` is dissolved (nhập hộ).

    The target's head stays the head. ``relations`` (member id → relation) gives the joining members'
    relation to that head; anyone not in it keeps their relation, except the source's head, who joins
    as another relative (``merge_relation``).
    """
    source = Household.objects.select_for_update().get(pk=source.pk)
    target = Household.objects.select_for_update().get(pk=target.pk)
    require_in_area(actor, "household", "change", source.ward_id, target.ward_id)
    joining = check_merge(source=source, target=target, on=on)
    relations = dict(relations or {})
    _check_relations(relations, joining, code=target.code)
    for m in joining:
        _end_membership(m, on, "merge")
        relation = relations.get(m.pk, merge_relation(m))
        Member.objects.filter(pk=m.pk).update(
            household=target,
            relation=relation,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        Membership.objects.create(member=m, household=target, start=on, start_reason="merge")
        changes = {"household": [source.code, target.code]}
        if relation != m.relation:
            changes["relation"] = [m.relation, relation]
        _audit(actor, RegistryAudit.MEMBER_UPDATE, m, changes)
    Household.objects.filter(pk=source.pk).update(
        status="dissolved", dissolved_on=on, version=F("version") + 1, updated_at=timezone.now()
    )
    Household.objects.filter(pk=target.pk).update(version=F("version") + 1, updated_at=timezone.now())
    _audit(
        actor,
        RegistryAudit.HOUSEHOLD_UPDATE,
        source,
        {"status": ["active", "dissolved"], "merged_into": [None, target.code]},
    )
    _event(source, EventKind.MERGE, on, actor, related=target)
    _event(target, EventKind.MERGE, on, actor, related=source)
    target.refresh_from_db()
    return target


def flag_likely_duplicates(*, member_ids: list[int] | None = None) -> int:
    """Flag pairs of members with the same folded name and date of birth, set-based; returns new flags.

    With ``member_ids``, only pairs involving those members are considered (the fast path after an edit).
    """
    m = Member._meta.db_table
    f = DuplicateFlag._meta.db_table
    where = ""
    params: list[Any] = []
    if member_ids is not None:
        if not member_ids:
            return 0
        marks = ",".join(["%s"] * len(member_ids))
        where = f"AND (a.id IN ({marks}) OR b.id IN ({marks}))"
        params = [*member_ids, *member_ids]
    sql = f"""
        INSERT INTO {f} (member_a_id, member_b_id, status, flagged_at)
        SELECT a.id, b.id, 'open', %s FROM {m} a JOIN {m} b
          ON a.name_folded = b.name_folded AND a.date_of_birth = b.date_of_birth AND a.id < b.id
        WHERE a.status = 'active' AND b.status = 'active'
          AND (a.id_number IS NULL OR b.id_number IS NULL OR a.id_number <> b.id_number)
          {where}
          AND NOT EXISTS (SELECT 1 FROM {f} d WHERE d.member_a_id = a.id AND d.member_b_id = b.id)
    """  # noqa: S608 - table names come from model metadata, values are parameters
    with connection.cursor() as cur:
        cur.execute(sql, [timezone.now(), *params])
        return cur.rowcount or 0


@transaction.atomic
def do_resolve_duplicate(*, actor: Actor, flag: DuplicateFlag, status: str) -> DuplicateFlag:
    if status not in (DuplicateFlag.Status.SAME_PERSON, DuplicateFlag.Status.DIFFERENT):
        raise IllegalTransition(_("Choose whether they are the same person or different people."))
    flag = (
        DuplicateFlag.objects.select_for_update()
        .select_related("member_a__household", "member_b__household")
        .get(pk=flag.pk)
    )
    require_in_area(actor, "duplicate", "resolve", flag.member_a.household.ward_id, flag.member_b.household.ward_id)
    old = flag.status
    flag.status = status
    flag.resolved_by = acting_user(actor)
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["status", "resolved_by", "resolved_at"])
    record(
        actor=actor,
        action=RegistryAudit.DUPLICATE_RESOLVE,
        object_type="duplicateflag",
        object_id=flag.pk,
        changes={"status": [old, status]},
        household_id=flag.member_a.household_id,
        ward_code=flag.member_a.household.ward_id,
    )
    return flag
