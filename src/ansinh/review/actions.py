"""Every step of the poverty review: one ``do_<verb>_<noun>`` per step, keyword-only, an acting user,
one transaction, an audit event. Views, imports, the API and the CLI call these and nothing else.

Who may act: preparing steps need ``review.prepare`` and the round's ward in the user's scope; the
approval needs ``review.approve``, a role the procedure rules name, and the ward in scope. An approved
round is locked: every action refuses it (``RoundLocked``) and the database refuses too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh import vocab
from ansinh.accounts.models import Actor, acting_user
from ansinh.accounts.permissions import can
from ansinh.accounts.scope import in_scope
from ansinh.audit.actions import jsonable, record
from ansinh.dbframes import insert_frame, read_frame
from ansinh.engine import assess
from ansinh.geo.calendar import calendar_for
from ansinh.geo.models import Ward
from ansinh.registry.actions import do_update_household, do_update_member
from ansinh.registry.models import Household, Member
from ansinh.review import queries, rules, scoring
from ansinh.review.audit_actions import SURVEY_SAVED, SURVEY_SUBMITTED, ReviewAudit
from ansinh.review.errors import (
    IllegalTransition,
    InvalidSurvey,
    NotAllowed,
    OpenComplaints,
    ReviewError,
    RoundLocked,
    StaleVersion,
    StepNotOpen,
)
from ansinh.review.frames import ward_frames
from ansinh.review.models import (
    ASSESS_OPEN,
    COMPLAINT_LIFECYCLE,
    HOUSEHOLD_LIFECYCLE,
    LIST_OPEN,
    ROUND_LIFECYCLE,
    ROUND_STEPS,
    SURVEY_OPEN,
    Assessment,
    Certificate,
    Complaint,
    ComplaintStatus,
    Decision,
    DecisionKind,
    HouseholdSource,
    HouseholdStage,
    Meeting,
    MeetingVote,
    Posting,
    PovertyStatus,
    ReviewRequest,
    Round,
    RoundEvent,
    RoundHousehold,
    RoundKind,
    RoundStatus,
    ScoringMethod,
    StatusEnd,
    SurveyResponse,
    SurveyStatus,
)
from ansinh.review.survey import load_form, survey_message
from ansinh.review.xlsform import ReadResult, Submission, read_submissions
from ansinh.standards import load_standard, standards_for

Progress = Callable[[int, int, str], None]


# --- guards --------------------------------------------------------------------------------------------


def _require(actor: Actor, ward_code: str, action: str) -> None:
    if not can(actor, "review", action) or not in_scope(actor, ward_code):
        raise NotAllowed(_("You may not %(action)s reviews of this ward.") % {"action": action})


def _open(review_round: Round, allowed: Iterable[str] | None = None) -> Round:
    """The round, locked for the transaction; refused when approved or not in one of ``allowed``."""
    current = Round.objects.select_for_update().get(pk=review_round.pk)
    if current.status == RoundStatus.APPROVED:
        raise RoundLocked
    if allowed is not None and current.status not in tuple(allowed):
        raise StepNotOpen(
            _("This step is not possible while the round is %(status)s.") % {"status": current.get_status_display()}
        )
    return current


def check_step(review_round: Round, step: str) -> None:
    """Refuse now, as the step's action would when it runs (``RoundLocked``, ``StepNotOpen``), a ``step``
    (a key of ``ROUND_STEPS``) the round's status does not allow: for work queued to run later."""
    with transaction.atomic():
        _open(review_round, ROUND_STEPS[step])


def _audit(
    actor: Actor,
    action: ReviewAudit,
    review_round: Round,
    obj: Any,
    changes: Mapping[str, Any] | None = None,
    household_id: int | None = None,
    note: str = "",
) -> None:
    record(
        actor=actor,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.pk,
        changes=changes or {},
        household_id=household_id,
        ward_code=review_round.ward_id,
        note=note,
    )


def _move(actor: Actor, review_round: Round, to_status: str, note: str = "") -> Round:
    """Move ``round`` (already locked) to ``to_status`` along the lifecycle map, with its event row."""
    before = review_round.status
    ROUND_LIFECYCLE.move(review_round, before, to_status)
    Round.objects.filter(pk=review_round.pk).update(status=to_status)
    review_round.status = to_status
    RoundEvent.objects.create(
        round=review_round,
        from_status=before,
        to_status=to_status,
        at=timezone.now(),
        actor=acting_user(actor),
        note=note,
    )
    _audit(actor, ReviewAudit.ROUND_MOVE, review_round, review_round, {"status": [before, to_status]}, note=note)
    return review_round


def _move_households(
    actor: Actor, review_round: Round, entries: Iterable[RoundHousehold], to_stage: str, note: str = ""
) -> None:
    """Move several households of ``round`` to ``to_stage`` (set-based), each move an event row."""
    entries = list(entries)
    for rh in entries:
        HOUSEHOLD_LIFECYCLE.check(rh.stage, to_stage)
    if not entries:
        return
    now = timezone.now()
    RoundEvent.objects.bulk_create(
        [
            RoundEvent(
                round=review_round,
                round_household=rh,
                from_status=rh.stage,
                to_status=to_stage,
                at=now,
                actor=acting_user(actor),
                note=note,
            )
            for rh in entries
        ],
        batch_size=5000,
    )
    ids = [rh.pk for rh in entries]
    for chunk in range(0, len(ids), 5000):
        RoundHousehold.objects.filter(pk__in=ids[chunk : chunk + 5000]).update(stage=to_stage)
    for rh in entries:
        rh.stage = to_stage


def _move_households_where(
    actor: Actor, review_round: Round, to_stage: str, condition: str, params: list[Any], note: str = "", cur: Any = None
) -> dict[str, int]:
    """Move, set-based in SQL, every household of ``round`` that may go to ``to_stage`` and meets
    ``condition`` (SQL on review_roundhousehold ``rh``). Each group of households leaving the same stage is
    one event row listing their round-household ids (built in the database; no row per household), and only
    the rows whose stage changes are updated. Returns how many moved from each stage."""
    sources = HOUSEHOLD_LIFECYCLE.sources(to_stage)
    rh_table, ev_table = RoundHousehold._meta.db_table, RoundEvent._meta.db_table
    where = f"rh.round_id = %s AND rh.stage IN ({', '.join(['%s'] * len(sources))}) AND ({condition})"
    where_params = [review_round.pk, *sources, *params]
    pg = connection.vendor == "postgresql"
    ids = "jsonb_agg(rh.id)" if pg else "json_group_array(rh.id)"
    count = "jsonb_array_length(households)" if pg else "json_array_length(households)"
    with contextlib.ExitStack() as stack:
        if cur is None:
            cur = stack.enter_context(connection.cursor())
        cur.execute(
            f"INSERT INTO {ev_table} (round_id, round_household_id, from_status, to_status, at, actor_id, note, "  # noqa: S608
            f"households) SELECT rh.round_id, NULL, rh.stage, %s, %s, %s, %s, {ids} FROM {rh_table} rh "
            f"WHERE {where} GROUP BY rh.round_id, rh.stage RETURNING from_status, {count}",
            [to_stage, timezone.now(), getattr(acting_user(actor), "pk", None), note, *where_params],
        )
        moved = {str(stage): int(n) for stage, n in cur.fetchall()}
        if any(stage != to_stage for stage in moved):
            cur.execute(
                f"UPDATE {rh_table} AS rh SET stage = %s WHERE {where} AND rh.stage <> %s",  # noqa: S608
                [to_stage, *where_params, to_stage],
            )
    return moved


# --- rounds --------------------------------------------------------------------------------------------


@transaction.atomic
def do_create_round(
    *,
    actor: Actor,
    ward: Ward,
    kind: str,
    year: int,
    standards: list[str] | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    assessed_on: dt.date | None = None,
    corrects: Round | None = None,
    note: str = "",
) -> Round:
    """Open a round for ``ward``. Periodic rounds default to the legal window of ``year``; the standards
    default to those in force for the ward's province on the reference date."""
    _require(actor, ward.code, "prepare")
    if kind not in RoundKind.values:
        raise ReviewError(_("Unknown kind of review."), field="kind")
    if kind == RoundKind.PERIODIC:
        start, end = rules.periodic_window(year)
    else:
        start = period_start or dt.date(year, 1, 1)
        end = rules.regular_decision_due(start)
    period_start, period_end = period_start or start, period_end or end
    if period_end < period_start:
        raise ReviewError(_("The review cannot end before it starts."), field="period_end")
    assessed_on = assessed_on or period_start
    ids = standards or [s.id for s in standards_for(assessed_on, ward.province_id)]
    for sid in ids:
        std = load_standard(sid)
        if not std.applies_on(assessed_on):
            raise ReviewError(
                _("Standard %(s)s is not in force on %(d)s.") % {"s": sid, "d": assessed_on}, field="standards"
            )
    if corrects is not None and corrects.status != RoundStatus.APPROVED:
        raise ReviewError(_("Only an approved round can be corrected."), field="corrects")
    review_round = Round.objects.create(
        ward=ward,
        kind=kind,
        year=year,
        period_start=period_start,
        period_end=period_end,
        assessed_on=assessed_on,
        standards=list(ids),
        corrects=corrects,
        note=note,
        created_by=acting_user(actor),
        due_on=rules.regular_decision_due(period_start) if kind == RoundKind.REGULAR else None,
    )
    RoundEvent.objects.create(
        round=review_round, to_status=review_round.status, at=timezone.now(), actor=acting_user(actor)
    )
    _audit(
        actor,
        ReviewAudit.ROUND_CREATE,
        review_round,
        review_round,
        {
            "ward": [None, ward.code],
            "kind": [None, kind],
            "year": [None, year],
            "standards": [None, list(ids)],
            "corrects": [None, corrects.pk if corrects else None],
        },
    )
    return review_round


@transaction.atomic
def do_move_round(*, actor: Actor, review_round: Round, to_status: str, note: str = "") -> Round:
    """Move a round one step along its lifecycle (the step actions below do this themselves).
    Approval only through ``do_approve_round``."""
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round)
    if to_status == RoundStatus.APPROVED:
        raise IllegalTransition(_("A round"), current.status, to_status)
    return _move(actor, current, to_status, note)


# --- the household list ---------------------------------------------------------------------------------


def _previous_classes(household_ids: list[int], standards: list[str], on: dt.date) -> pl.DataFrame:
    """household_id, standard_id, previous_class: the open official status on ``on`` (set-based)."""
    qs = PovertyStatus.objects.on(on).filter(standard_id__in=standards)
    if len(household_ids) < 900:  # small lists in SQL; larger ones filtered in the frame below
        qs = qs.filter(household_id__in=household_ids)
    rows = list(qs.values_list("household_id", "standard_id", "klass"))
    frame = pl.DataFrame(
        rows, schema={"household_id": pl.Int64, "standard_id": pl.String, "previous_class": pl.String}, orient="row"
    )
    if len(household_ids) >= 900:
        frame = frame.filter(pl.col("household_id").is_in(household_ids))
    return frame


def _add_entries(actor: Actor, review_round: Round, frame: pl.DataFrame, source: str, on: dt.date, reason: str) -> int:
    """Bulk-add the households of ``frame`` (column household_id) not yet on the round's list."""
    existing = set(RoundHousehold.objects.filter(round=review_round).values_list("household_id", flat=True))
    ids = [int(h) for h in frame["household_id"].unique().sort().to_list() if int(h) not in existing]
    if not ids:
        return 0
    prev = _previous_classes(ids, list(review_round.standards), review_round.period_start)
    by_household: dict[int, dict[str, str]] = {}
    for hid, sid, klass in prev.iter_rows():
        by_household.setdefault(hid, {})[sid] = klass
    first = review_round.standards[0]
    now = timezone.now()
    RoundHousehold.objects.bulk_create(
        [
            RoundHousehold(
                round=review_round,
                household_id=h,
                source=source,
                requested_on=on,
                reason=reason,
                previous_classes=by_household.get(h, {}),
                previous_class=by_household.get(h, {}).get(first, ""),
                added_by=acting_user(actor),
                added_at=now,
            )
            for h in ids
        ],
        batch_size=5000,
    )
    return len(ids)


def screening_candidates(review_round: Round) -> pl.DataFrame:
    """Registry households of the round's ward the engine finds at or below the income line under any of
    the round's standards (household_id, standard_id, class)."""
    households, members = ward_frames([review_round.ward_id], review_round.assessed_on)
    if households.is_empty():
        return pl.DataFrame(schema={"household_id": pl.Int64, "standard_id": pl.String, "class": pl.String})
    parts = [
        assess(households, members, sid, review_round.assessed_on)
        .filter((pl.col("at_or_below_line") == 1) | pl.col("class").is_in(vocab.LISTED_CLASSES))
        .select("household_id", "standard_id", "class")
        for sid in review_round.standards
    ]
    return pl.concat(parts)


@transaction.atomic
def do_build_household_list(
    *,
    actor: Actor,
    review_round: Round,
    current_list: bool = True,
    requests: bool = True,
    screening: bool = True,
) -> dict[str, int]:
    """Fill the round's list: households on the current poor / near-poor list of the ward, pending requests
    (form 01 for a periodic round, form 04 for a regular one) and the registry screening. Set-based.
    Returns how many households each source added."""
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, LIST_OPEN)
    added: dict[str, int] = {}
    on = current.period_start
    if current_list:
        # Households that have since moved away or dissolved are closed at approval, not reviewed here.
        ids = PovertyStatus.objects.on(on).filter(
            ward_id=current.ward_id,
            standard_id__in=current.standards,
            household__ward_id=current.ward_id,
            household__status="active",
        )
        frame = pl.DataFrame(
            {"household_id": list(ids.values_list("household_id", flat=True))}, schema={"household_id": pl.Int64}
        )
        added["current_list"] = _add_entries(
            actor, current, frame, HouseholdSource.CURRENT_LIST, on, _("On the list managed by the ward")
        )
    if requests:
        form = HouseholdSource.FORM_01 if current.kind == RoundKind.PERIODIC else HouseholdSource.FORM_04
        pending = list(
            ReviewRequest.objects.filter(
                household__ward_id=current.ward_id,
                form=form,
                round_household__isnull=True,
                received_on__lte=current.period_end,
            )
        )
        added["requests"] = 0
        for req in pending:
            rh = RoundHousehold.objects.filter(round=current, household_id=req.household_id).first()
            if rh is None:
                rh = _new_entry(actor, current, req.household_id, req.form, req.received_on, req.channel, req.reason)
                added["requests"] += 1
            ReviewRequest.objects.filter(pk=req.pk).update(round_household=rh)
    if screening:
        added["screening"] = _add_entries(
            actor,
            current,
            screening_candidates(current),
            HouseholdSource.SCREENING,
            on,
            _("The registry screening finds income at or below the line"),
        )
    if current.status == RoundStatus.DRAFT:
        _move(actor, current, RoundStatus.LISTING)
    _audit(actor, ReviewAudit.ROUND_BUILD_LIST, current, current, {"added": [None, added]})
    return added


def _new_entry(
    actor: Actor, review_round: Round, household_id: int, source: str, on: dt.date, channel: str, reason: str
) -> RoundHousehold:
    prev = {
        sid: k
        for _h, sid, k in _previous_classes(
            [household_id], list(review_round.standards), review_round.period_start
        ).iter_rows()
    }
    return RoundHousehold.objects.create(
        round=review_round,
        household_id=household_id,
        source=source,
        requested_on=on,
        channel=channel,
        reason=reason,
        previous_classes=prev,
        previous_class=prev.get(review_round.standards[0], ""),
        added_by=acting_user(actor),
        added_at=timezone.now(),
    )


@transaction.atomic
def do_add_round_household(
    *,
    actor: Actor,
    review_round: Round,
    household: Household,
    source: str = HouseholdSource.OFFICER,
    requested_on: dt.date,
    reason: str,
    channel: str = "",
) -> RoundHousehold:
    """Put one household on the round's list (or back on it after a removal), with the reason."""
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, LIST_OPEN)
    if household.ward_id != current.ward_id:
        raise ReviewError(_("The household does not live in this ward."), field="household")
    if source not in HouseholdSource.values:
        raise ReviewError(_("Unknown source."), field="source")
    if not reason.strip() and source == HouseholdSource.OFFICER:
        raise ReviewError(_("Give the reason for adding the household."), field="reason")
    rh = RoundHousehold.objects.filter(round=current, household=household).first()
    if rh is not None:
        if rh.stage != HouseholdStage.REMOVED:
            raise ReviewError(_("The household is already on the list."), field="household")
        _move_households(actor, current, [rh], HouseholdStage.LISTED, reason)
        RoundHousehold.objects.filter(pk=rh.pk).update(removed_reason="", reason=reason, source=source)
        rh.refresh_from_db()
    else:
        rh = _new_entry(actor, current, household.pk, source, requested_on, channel, reason)
    _audit(
        actor,
        ReviewAudit.HOUSEHOLD_ADD,
        current,
        rh,
        {"source": [None, source], "reason": [None, reason]},
        household_id=household.pk,
    )
    return rh


@transaction.atomic
def do_remove_round_household(*, actor: Actor, round_household: RoundHousehold, reason: str) -> RoundHousehold:
    """Take a household off the round's list, with the reason (kept; the household can be put back)."""
    review_round = round_household.round
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, LIST_OPEN)
    if not reason.strip():
        raise ReviewError(_("Give the reason for removing the household."), field="reason")
    rh = RoundHousehold.objects.select_for_update().get(pk=round_household.pk)
    _move_households(actor, current, [rh], HouseholdStage.REMOVED, reason)
    RoundHousehold.objects.filter(pk=rh.pk).update(removed_reason=reason)
    rh.removed_reason = reason
    _audit(actor, ReviewAudit.HOUSEHOLD_REMOVE, current, rh, {"reason": [None, reason]}, household_id=rh.household_id)
    return rh


@transaction.atomic
def do_record_request(
    *,
    actor: Actor,
    household: Household,
    form: str,
    received_on: dt.date,
    channel: str = "",
    reason: str = "",
) -> ReviewRequest:
    """Record a household's request. Form 01 waits for the periodic round's list; form 04 starts (or joins)
    the ward's regular review that begins on the next monthly start day, with its legal deadline."""
    _require(actor, household.ward_id, "prepare")
    kinds = rules.rule("request_forms", received_on)
    if form not in kinds:
        raise ReviewError(_("Unknown request form."), field="form")
    req = ReviewRequest.objects.create(
        household=household,
        form=form,
        received_on=received_on,
        channel=channel,
        reason=reason,
        recorded_by=acting_user(actor),
        recorded_at=timezone.now(),
    )
    if kinds[form] == RoundKind.REGULAR:
        start = rules.regular_review_start(received_on)
        review_round = (
            Round.objects.select_for_update()
            .filter(ward_id=household.ward_id, kind=RoundKind.REGULAR, period_start=start, corrects__isnull=True)
            .exclude(status=RoundStatus.APPROVED)
            .first()
        )
        if review_round is None:
            review_round = do_create_round(
                actor=actor, ward=household.ward, kind=RoundKind.REGULAR, year=start.year, period_start=start
            )
        rh = RoundHousehold.objects.filter(round=review_round, household=household).first()
        if rh is None:
            if not review_round.allows("list"):
                raise ReviewError(_("This month's regular review is past listing; the request waits for the next."))
            if review_round.status == RoundStatus.DRAFT:
                review_round = _move(
                    actor, Round.objects.select_for_update().get(pk=review_round.pk), RoundStatus.LISTING
                )
            rh = _new_entry(actor, review_round, household.pk, form, received_on, channel, reason)
        ReviewRequest.objects.filter(pk=req.pk).update(round_household=rh)
        req.round_household = rh
    record(
        actor=actor,
        action=ReviewAudit.REQUEST_RECORD,
        object_type="reviewrequest",
        object_id=req.pk,
        changes={"form": [None, form], "received_on": [None, received_on.isoformat()], "channel": [None, channel]},
        household_id=household.pk,
        ward_code=household.ward_id,
    )
    return req


# --- survey --------------------------------------------------------------------------------------------


@transaction.atomic
def do_save_survey(
    *,
    actor: Actor,
    round_household: RoundHousehold,
    form: str,
    answers: Mapping[str, Any],
    surveyed_on: dt.date | None = None,
    expected_version: int | None = None,
    source: str = "web",
) -> SurveyResponse:
    """Save a draft of form A or B; fields are checked one by one (types, ranges, choices), required ones
    only at submission. Raises ``InvalidSurvey`` with ``errors`` by field."""
    review_round = round_household.round
    _require(actor, review_round.ward_id, "prepare")
    _open(review_round, SURVEY_OPEN)
    definition = load_form(form)
    clean, errors = definition.validate(answers, partial=True)
    if errors:
        raise InvalidSurvey(_("Some answers are not valid."), errors=errors)
    survey = SurveyResponse.objects.select_for_update().filter(round_household=round_household, form=form).first()
    now = timezone.now()
    if survey is None:
        survey = SurveyResponse.objects.create(
            round_household=round_household,
            form=form,
            answers=clean,
            surveyed_on=surveyed_on,
            surveyor=acting_user(actor),
            source=source,
            updated_at=now,
        )
    else:
        if expected_version is not None and survey.version != expected_version:
            raise StaleVersion(_("Someone else saved this survey after you opened it."))
        SurveyResponse.objects.filter(pk=survey.pk).update(
            answers=clean,
            surveyed_on=surveyed_on or survey.surveyed_on,
            surveyor=acting_user(actor),
            source=source,
            status=SurveyStatus.DRAFT,
            version=survey.version + 1,
            updated_at=now,
        )
        survey.refresh_from_db()
    _audit(
        actor,
        SURVEY_SAVED[form],
        review_round,
        survey,
        {"version": [None, survey.version]},
        household_id=round_household.household_id,
    )
    return survey


@transaction.atomic
def do_submit_survey(*, actor: Actor, survey: SurveyResponse, surveyed_on: dt.date | None = None) -> SurveyResponse:
    """Submit a survey: every required field checked, then the answers written to the registry through
    the registry actions (audited), and the household moved to ``surveyed``."""
    rh = RoundHousehold.objects.select_related("round", "household").get(pk=survey.round_household_id)
    review_round = rh.round
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, SURVEY_OPEN)
    survey = SurveyResponse.objects.select_for_update().get(pk=survey.pk)
    day = surveyed_on or survey.surveyed_on
    if day is None:
        raise InvalidSurvey(_("Give the survey date."), field="surveyed_on", errors={"surveyed_on": "is required"})
    definition = load_form(survey.form)
    clean, errors = definition.validate(survey.answers, partial=False)
    member_ids = {str(pk) for pk in Member.objects.active().filter(household=rh.household).values_list("pk", flat=True)}
    if definition.section("members") is not None:
        given = set((clean.get("members") or {}).keys())
        for missing in sorted(member_ids - given):
            errors[f"members.{missing}"] = "is missing"
        for extra in sorted(given - member_ids):
            errors[f"members.{extra}"] = "is not a member of this household"
    if errors:
        raise InvalidSurvey(_("Some answers are missing or not valid."), errors=errors)
    household_changes, member_changes = definition.registry_changes(clean)
    if household_changes:
        hh = Household.objects.get(pk=rh.household_id)
        do_update_household(actor=actor, household=hh, changes=household_changes, expected_version=hh.version)
    for member in Member.objects.filter(pk__in=list(member_changes)).order_by("pk"):
        do_update_member(actor=actor, member=member, changes=member_changes[member.pk], expected_version=member.version)
    SurveyResponse.objects.filter(pk=survey.pk).update(
        status=SurveyStatus.SUBMITTED,
        surveyed_on=day,
        submitted_at=timezone.now(),
        answers=clean,
    )
    survey.refresh_from_db()
    rh.refresh_from_db()
    if rh.stage != HouseholdStage.REMOVED:
        _move_households(actor, current, [rh], HouseholdStage.SURVEYED, f"form {survey.form}")
    if current.status == RoundStatus.LISTING:
        _move(actor, current, RoundStatus.SURVEYING)
    _audit(
        actor,
        SURVEY_SUBMITTED[survey.form],
        current,
        survey,
        {
            "surveyed_on": [None, day.isoformat()],
            "household": [None, jsonable(household_changes)],
            "members": [None, {str(k): {f: jsonable(v) for f, v in c.items()} for k, c in member_changes.items()}],
        },
        household_id=rh.household_id,
        note=f"survey of {day.isoformat()}",
    )
    return survey


@dataclass
class SurveyImport:
    """What an import of offline surveys did: drafts saved, rows unchanged, or the problems (nothing saved)."""

    saved: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _survey_import_plan(
    review_round: Round, form: str, read: ReadResult
) -> tuple[list[str], list[tuple[RoundHousehold, Submission, SurveyResponse | None]]]:
    """Check every submission; the problems (worded, by row) and what would be saved."""
    definition = load_form(form)
    problems = list(read.errors)
    entries = {rh.household.code: rh for rh in queries.round_households(review_round, include_removed=False)}
    members: dict[int, set[str]] = {}
    for household_id, member_id in (
        Member.objects.active()
        .filter(household_id__in=[rh.household_id for rh in entries.values()])
        .values_list("household_id", "pk")
    ):
        members.setdefault(household_id, set()).add(str(member_id))
    existing = {
        s.round_household_id: s for s in SurveyResponse.objects.filter(round_household__round=review_round, form=form)
    }
    plan = []
    for sub in read.submissions:
        rh = entries.get(sub.household_code)
        if rh is None:
            problems.append(
                _("%(row)s: household %(code)s is not on this round's list.")
                % {"row": sub.row, "code": sub.household_code}
            )
            continue
        clean, errors = definition.validate(sub.answers, partial=True)
        for where, message in errors.items():
            problems.append(f"{sub.row} ({sub.household_code}), {where}: {survey_message(message)}")
        for member in clean.get("members") or {}:
            if member not in members.get(rh.household_id, set()):
                problems.append(
                    _("%(row)s: %(member)s is not a member of household %(code)s.")
                    % {"row": sub.row, "member": member, "code": sub.household_code}
                )
        survey = existing.get(rh.pk)
        if survey is not None and survey.status == "submitted" and survey.answers != clean:
            problems.append(
                _("%(row)s: the survey of household %(code)s is already submitted; change it in the web form.")
                % {"row": sub.row, "code": sub.household_code}
            )
        plan.append((rh, Submission(sub.household_code, clean, sub.surveyed_on, sub.row), survey))
    return problems, plan


@transaction.atomic
def do_import_surveys(*, actor: Actor, review_round: Round, form: str, content: bytes, file_name: str) -> SurveyImport:
    """Read a filled-in workbook or an ODK / KoBoToolbox export back as drafts of the round's surveys.

    All or nothing: every row is checked first (household on the list, members of the household, each
    answer against the form definition); nothing is saved while one row is wrong (the problems are
    returned). Rows are saved as drafts through ``do_save_survey``: nothing reaches the registry until the
    officer submits each survey. A row whose answers are already saved is skipped, so importing the same
    file twice changes nothing.
    """
    _require(actor, review_round.ward_id, "prepare")
    problems, plan = _survey_import_plan(review_round, form, read_submissions(content, file_name, form))
    if problems:
        return SurveyImport(problems=problems)
    result = SurveyImport()
    source = "xlsform" if file_name.lower().endswith(".json") else "xlsx"
    for rh, sub, existing in plan:
        if existing is not None and existing.answers == sub.answers and sub.surveyed_on in (None, existing.surveyed_on):
            result.skipped += 1
            continue
        do_save_survey(
            actor=actor, round_household=rh, form=form, answers=sub.answers, surveyed_on=sub.surveyed_on, source=source
        )
        result.saved += 1
    return result


@transaction.atomic
def do_load_scoring_method(
    *,
    actor: Actor,
    name: str,
    region: str,
    area_type: str,
    valid_from: dt.date,
    table: Mapping[str, Any],
    cutoffs: Mapping[str, Any],
    reference: str,
    verified: bool = False,
    valid_to: dt.date | None = None,
) -> ScoringMethod:
    """Load a points table for form B (administrator): ``table`` maps form-B fields to points and
    ``cutoffs`` gives poor, near_poor (and optionally average_living); the format is in
    ``ansinh.review.scoring`` and ``docs/review.md``. Every problem is reported by field
    (``ReviewError.errors``). A method is never changed once loaded (assessments name it): load a new one.
    Nothing official ships with the code."""
    if not can(actor, "review", "configure"):
        raise NotAllowed(_("Only an administrator loads scoring methods."))
    spec, errors = scoring.check_method(
        {
            "name": name,
            "region": region,
            "area_type": area_type,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "points": table,
            "cutoffs": cutoffs,
            "reference": reference,
            "verified": verified,
        }
    )
    if errors:
        first = next(iter(errors))
        raise ReviewError(
            _("The scoring method cannot be loaded: %(where)s %(why)s") % {"where": first, "why": errors[first]},
            field=first.split(".")[0],
            errors=errors,
        )
    method = ScoringMethod.objects.create(**spec, loaded_by=acting_user(actor), loaded_at=timezone.now())
    record(
        actor=actor,
        action=ReviewAudit.SCORING_LOAD,
        object_type="scoringmethod",
        object_id=method.pk,
        changes={k: [None, v if isinstance(v, dict) else jsonable(v)] for k, v in spec.items()},
    )
    return method


# --- assessment ----------------------------------------------------------------------------------------


@dataclass
class AssessmentSummary:
    """What a bulk assessment did: households assessed per standard, class counts, changes, timings."""

    round_id: int
    households: int = 0
    missing: list[int] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


ASSESSMENT_COLUMNS = (
    "round_id",
    "round_household_id",
    "household_id",
    "standard_id",
    "parameter_version",
    "class",
    "deprivation_count",
    "income_per_person",
    "income_line",
    "members",
    "indicators",
    "explanation",
    "income_basis",
    "previous_class",
    "changed",
    "final",
    "assessed_at",
)


def _stored_columns(result: pl.DataFrame) -> pl.DataFrame:
    """Add the stored ``indicators`` (JSON ``{name: 1}`` for each indicator the household is deprived in,
    ``{name: null}`` for one undetermined: its input not known, to be surveyed) and an empty ``explanation``:
    ``Assessment.explanation`` rebuilds it from the stored figures, so the bulk rows stay narrow (the text was
    about half of a row); a scoring method writes its own."""
    ind_cols = [c for c in result.columns if c.startswith("ind_")]
    # '"name": 1, ' per deprivation, then the trailing separator cut: concat_str is far cheaper than lists.
    deprived = (
        pl.concat_str(
            [
                pl.when(pl.col(c) == 1)
                .then(pl.lit(f"{json.dumps(c[4:])}: 1, "))
                .when(pl.col(c).is_null())
                .then(pl.lit(f"{json.dumps(c[4:])}: null, "))
                .otherwise(pl.lit(""))
                for c in ind_cols
            ]
        ).str.strip_suffix(", ")
        if ind_cols
        else pl.lit("")
    )
    return result.with_columns(
        pl.concat_str(pl.lit("{"), deprived, pl.lit("}")).alias("indicators"), pl.lit("").alias("explanation")
    )


def _insert_assessments(frame: pl.DataFrame, cur: Any = None) -> None:
    """Bulk insert (``ansinh.dbframes``: COPY on PostgreSQL, executemany elsewhere), with ``cur`` or a new
    cursor. Rows go in key order (household, standard), so the unique index and the round-household index
    fill in order instead of at random."""
    ordered = frame.select(ASSESSMENT_COLUMNS).sort("household_id", "standard_id")
    insert_frame(Assessment._meta.db_table, ordered, cursor=cur)


def _delete_assessments(round_id: int, household_ids: list[int] | None, cur: Any) -> None:
    """Delete the round's results (or those of ``household_ids``) before they are stored again."""
    sql, params = f"DELETE FROM {Assessment._meta.db_table} WHERE round_id = %s", [round_id]  # noqa: S608
    if household_ids is not None:
        sql += f" AND household_id IN ({', '.join(['%s'] * len(household_ids))})"
        params += list(household_ids)
    cur.execute(sql, params)


class _Storer:
    """Runs the storing statements of a bulk assessment, in order. On PostgreSQL they run in one background
    thread on the transaction's own connection (psycopg's, which serialises its use), so that the server
    deletes the old results and moves the households while the engine computes; the caller touches the
    database again only after ``wait``. Elsewhere (SQLite: one connection per thread) they run at once."""

    def __init__(self) -> None:
        self.background = connection.vendor == "postgresql"
        connection.ensure_connection()
        self.raw = connection.connection  # psycopg's connection: Django's wrapper is per thread
        self.pool = ThreadPoolExecutor(max_workers=1) if self.background else None
        self.futures: list[Future[Any]] = []
        self.seconds: dict[str, float] = {}

    def _run(self, name: str, fn: Callable[..., Any], *args: Any) -> Any:
        import time

        started = time.perf_counter()
        if self.background:
            with self.raw.cursor() as cur:
                result = fn(*args, cur)
        else:
            with connection.cursor() as cur:
                result = fn(*args, cur)
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        return result

    def submit(self, name: str, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        if self.pool is None:
            done: Future[Any] = Future()
            done.set_result(self._run(name, fn, *args))
            return done
        future = self.pool.submit(self._run, name, fn, *args)
        self.futures.append(future)
        return future

    def abandon(self) -> None:
        """After an error in the caller: let the running statement end, drop the others (the transaction
        is rolled back by the caller's error)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def wait(self) -> None:
        """Wait for every statement (cancelling those not started if one failed) and raise its error."""
        if self.pool is None:
            return
        try:
            for future in self.futures:
                future.result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _round_list(review_round: Round, household_ids: list[int] | None) -> pl.DataFrame:
    """The round's households still on its list (or only ``household_ids``): round_household_id,
    household_id (COPY on PostgreSQL)."""
    sql = (
        f"SELECT rh.id AS round_household_id, rh.household_id FROM {RoundHousehold._meta.db_table} rh "  # noqa: S608
        "WHERE rh.round_id = %s AND rh.stage <> %s"
    )
    schema = {"round_household_id": pl.Int64, "household_id": pl.Int64}
    listed = read_frame(sql, [review_round.pk, HouseholdStage.REMOVED], schema)
    if household_ids is not None:
        listed = listed.filter(pl.col("household_id").is_in(household_ids))
    return listed


@transaction.atomic
def do_assess_round(
    *,
    actor: Actor,
    review_round: Round,
    household_ids: list[int] | None = None,
    progress: Progress | None = None,
) -> AssessmentSummary:
    """Assess the round's households (or only ``household_ids``, e.g. after a re-survey) under each of its
    standards, in bulk: one registry read, the engine per standard, one bulk insert. Results are
    provisional; classes that differ from the previous decision are flagged ``changed``."""
    import time

    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, ASSESS_OPEN)
    say = progress or (lambda done, total, message: None)
    summary = AssessmentSummary(round_id=current.pk)
    t0 = time.perf_counter()
    listed = _round_list(current, household_ids)
    total = len(current.standards) + 2
    say(0, total, _("Reading the registry"))
    households, members = ward_frames([current.ward_id], current.assessed_on, listed.select("household_id"))
    summary.households = households.height
    summary.missing = (
        listed.join(households.select("household_id"), on="household_id", how="anti")["household_id"].sort().to_list()
    )
    summary.seconds["read"] = time.perf_counter() - t0
    now = timezone.now()
    prev = _previous_classes(listed["household_id"].to_list(), list(current.standards), current.period_start)
    scores = scoring.round_scores(current, households)  # scoring method (issue 5): form-B scores, or None
    # Every listed household with a result moves to assessed: one event row per stage left, listing them.
    only, only_params = "1 = 1", []
    if household_ids is not None:
        only, only_params = f"rh.household_id IN ({', '.join(['%s'] * len(household_ids))})", list(household_ids)
    move_first = len(summary.missing) <= 500
    if 0 < len(summary.missing) <= 500:
        only += f" AND rh.household_id NOT IN ({', '.join(['%s'] * len(summary.missing))})"
        only_params += summary.missing
    elif summary.missing:
        only += f" AND rh.id IN (SELECT a.round_household_id FROM {Assessment._meta.db_table} a WHERE a.round_id = %s)"  # noqa: S608
        only_params.append(current.pk)
    move = (actor, current, HouseholdStage.ASSESSED, only, only_params, "")
    # The storing runs beside the engine (see _Storer): the old results go and the households move while
    # the engine computes (neither needs the new results), then the results are stored.
    storer = _Storer()
    parts = []
    try:
        storer.submit("delete", _delete_assessments, current.pk, household_ids)
        moving = storer.submit("move", _move_households_where, *move) if move_first else None
        t1 = time.perf_counter()
        for i, sid in enumerate(current.standards, start=1):
            say(i, total, _("Assessing under %(s)s") % {"s": sid})
            result = assess(households, members, sid, current.assessed_on)
            result = _stored_columns(result).join(
                listed.select("household_id", "round_household_id"), on="household_id"
            )
            result = result.join(
                prev.filter(pl.col("standard_id") == sid).drop("standard_id"), on="household_id", how="left"
            )
            # scoring method: class, income_basis
            result = scoring.apply_scores(result, scores, sid, current.assessed_on)
            listed_now = (
                pl.when(pl.col("class").is_in(vocab.LISTED_CLASSES)).then(pl.col("class")).otherwise(pl.lit(""))
            )
            result = result.with_columns(
                pl.col("previous_class").fill_null(""),
            ).with_columns(
                (listed_now != pl.col("previous_class")).alias("changed"),
                pl.lit(current.pk, dtype=pl.Int64).alias("round_id"),
                pl.lit(value=False).alias("final"),
                pl.lit(now).alias("assessed_at"),
            )
            summary.counts[sid] = dict(result.group_by("class").len().iter_rows())
            summary.changed[sid] = int(result["changed"].sum())
            parts.append(result.select(ASSESSMENT_COLUMNS))
        summary.seconds["engine"] = time.perf_counter() - t1
        say(total - 1, total, _("Storing the results"))
        t2 = time.perf_counter()
        # One COPY of every standard's rows in key order: stored standard by standard, the second standard's
        # rows would land between the first's in the unique index, splitting its pages all along.
        if parts:
            storer.submit("insert", _insert_assessments, pl.concat(parts))
        if moving is None:
            moving = storer.submit("move", _move_households_where, *move)
        storer.wait()
    except BaseException:
        storer.abandon()
        raise
    moved = moving.result()
    summary.seconds.update(storer.seconds)
    if summary.missing:
        reason = _("No longer an active household of the ward")
        gone = RoundHousehold.objects.filter(round=current, household_id__in=summary.missing[:50_000])
        _move_households(
            actor,
            current,
            [rh for rh in gone if HOUSEHOLD_LIFECYCLE.allows(rh.stage, HouseholdStage.REMOVED)],
            HouseholdStage.REMOVED,
            reason,
        )
        gone.filter(stage=HouseholdStage.REMOVED).update(removed_reason=reason)
    if current.status == RoundStatus.SURVEYING:
        _move(actor, current, RoundStatus.ASSESSED)
    summary.seconds["store"] = time.perf_counter() - t2  # after the engine: what the storing added
    _audit(
        actor,
        ReviewAudit.ROUND_ASSESS,
        current,
        current,
        {
            "households": [None, summary.households],
            "counts": [None, summary.counts],
            "changed": [None, summary.changed],
            "missing": [None, summary.missing[:100]],
            "only": [None, household_ids[:100] if household_ids else None],
            "moved": [None, moved],
        },
    )
    say(total, total, _("Done"))
    return summary


# --- meeting, posting, complaints ----------------------------------------------------------------------


@transaction.atomic
def do_record_meeting(
    *,
    actor: Actor,
    review_round: Round,
    held_on: dt.date,
    present_count: int,
    votes: Mapping[int, tuple[int, int]],
    place: str = "",
    chaired_by: str = "",
    participants: list[Any] | None = None,
    secretary: str = "",
    minutes: str = "",
) -> Meeting:
    """Record the village meeting and its agreement per household: ``votes`` maps a round-household id to
    (present, agree). A household below the agreement threshold goes back to the survey; the others are
    agreed. Once every assessed household is agreed the round moves on to the meeting step."""
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, ROUND_STEPS["meeting"])
    if current.status == RoundStatus.ASSESSED:
        _move(actor, current, RoundStatus.MEETING)
    share = float(rules.rule("meeting_agreement_share", held_on))
    entries = {rh.pk: rh for rh in RoundHousehold.objects.filter(round=current, pk__in=list(votes))}
    unknown = set(votes) - set(entries)
    if unknown:
        raise ReviewError(_("Some households are not on this round's list."), field="votes")
    meeting = Meeting.objects.create(
        round=current,
        held_on=held_on,
        place=place,
        chaired_by=chaired_by,
        present_count=present_count,
        participants=list(participants or []),
        secretary=secretary,
        minutes=minutes,
        recorded_by=acting_user(actor),
        recorded_at=timezone.now(),
    )
    rows: list[MeetingVote] = []
    passed: list[RoundHousehold] = []
    failed: list[RoundHousehold] = []
    for pk, (present, agree) in votes.items():
        if agree > present or present <= 0 or present > present_count:
            raise ReviewError(_("Agreement must be between 0 and the number present."), field="votes")
        ok = agree >= share * present
        rows.append(MeetingVote(meeting=meeting, round_household_id=pk, present=present, agree=agree, passed=ok))
        (passed if ok else failed).append(entries[pk])
    MeetingVote.objects.bulk_create(rows, batch_size=5000)
    _move_households(actor, current, passed, HouseholdStage.AGREED, f"meeting {meeting.pk}")
    _move_households(actor, current, failed, HouseholdStage.RESURVEY, f"meeting {meeting.pk}: below the threshold")
    _audit(
        actor,
        ReviewAudit.MEETING_RECORD,
        current,
        meeting,
        {
            "held_on": [None, held_on.isoformat()],
            "present": [None, present_count],
            "passed": [None, len(passed)],
            "back_to_survey": [None, [rh.household_id for rh in failed]],
        },
    )
    return meeting


@transaction.atomic
def do_open_posting(*, actor: Actor, review_round: Round, start: dt.date, places: str = "") -> Posting:
    """Post the provisional list from ``start`` for the legal number of working days. Refused while a
    household still waits for re-survey or for the meeting's agreement."""
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, ROUND_STEPS["post"])
    waiting = RoundHousehold.objects.filter(round=current).exclude(
        stage__in=(HouseholdStage.AGREED, HouseholdStage.REMOVED)
    )
    if waiting.exists():
        raise ReviewError(
            _("%(n)d households still wait for the survey or the meeting's agreement.") % {"n": waiting.count()}
        )
    days = int(rules.rule("posting_working_days", start))
    cal = calendar_for(start, start + dt.timedelta(days=days * 3 + 30))
    first = cal.add_working_days(start, 0)
    end = cal.add_working_days(first, days - 1)
    posting = Posting.objects.create(
        round=current, start=first, end=end, places=places, posted_by=acting_user(actor), posted_at=timezone.now()
    )
    _move(actor, current, RoundStatus.POSTING)
    _audit(
        actor,
        ReviewAudit.POSTING_OPEN,
        current,
        posting,
        {"start": [None, first.isoformat()], "end": [None, end.isoformat()]},
    )
    return posting


@transaction.atomic
def do_record_complaint(
    *,
    actor: Actor,
    review_round: Round,
    received_on: dt.date,
    content: str,
    round_household: RoundHousehold | None = None,
    complainant: str = "",
) -> Complaint:
    """Record a complaint about the posted list; its answer is due after the legal working days."""
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, ROUND_STEPS["complain"])
    if round_household is not None and round_household.round_id != current.pk:
        raise ReviewError(_("The household is not on this round's list."), field="round_household")
    days = int(rules.rule("complaint_recheck_working_days", received_on))
    cal = calendar_for(received_on, received_on + dt.timedelta(days=days * 3 + 30))
    complaint = Complaint.objects.create(
        round=current,
        round_household=round_household,
        received_on=received_on,
        complainant=complainant,
        content=content,
        due_on=cal.add_working_days(received_on, days),
        recorded_by=acting_user(actor),
    )
    _audit(
        actor,
        ReviewAudit.COMPLAINT_RECORD,
        current,
        complaint,
        {"due_on": [None, complaint.due_on.isoformat()]},
        household_id=round_household.household_id if round_household else None,
    )
    return complaint


@transaction.atomic
def do_answer_complaint(
    *,
    actor: Actor,
    complaint: Complaint,
    answered_on: dt.date,
    answer: str,
    reassess: bool = False,
) -> Complaint:
    """Answer a complaint after the re-check. With ``reassess`` the household (whose data the re-check
    corrected through a survey) is assessed again; class changes are recorded on the complaint."""
    review_round = complaint.round
    _require(actor, review_round.ward_id, "prepare")
    current = _open(review_round, ROUND_STEPS["complain"])
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    COMPLAINT_LIFECYCLE.move(complaint, complaint.status, ComplaintStatus.ANSWERED)
    if not answer.strip():
        raise ReviewError(_("Write the answer."), field="answer")
    changes: dict[str, list[str]] = {}
    rh = complaint.round_household
    if reassess:
        if rh is None:
            raise ReviewError(_("The complaint concerns no household to reassess."), field="reassess")
        before = dict(
            Assessment.objects.filter(round=current, household_id=rh.household_id).values_list("standard_id", "klass")
        )
        do_assess_round(actor=actor, review_round=current, household_ids=[rh.household_id])
        after = dict(
            Assessment.objects.filter(round=current, household_id=rh.household_id).values_list("standard_id", "klass")
        )
        changes = {sid: [before.get(sid, ""), k] for sid, k in after.items() if before.get(sid) != k}
        # The re-checked result stands for this household (the meeting already agreed on the list).
        rh.refresh_from_db()
        if rh.stage == HouseholdStage.ASSESSED:
            _move_households(actor, current, [rh], HouseholdStage.AGREED, f"complaint {complaint.pk}")
    Complaint.objects.filter(pk=complaint.pk).update(
        status=ComplaintStatus.ANSWERED,
        answered_on=answered_on,
        answer=answer,
        class_changes=changes,
        answered_by=acting_user(actor),
    )
    complaint.refresh_from_db()
    _audit(
        actor,
        ReviewAudit.COMPLAINT_ANSWER,
        current,
        complaint,
        {"class_changes": [None, changes], "late": [None, answered_on > complaint.due_on]},
        household_id=rh.household_id if rh else None,
    )
    return complaint


# --- approval and corrections --------------------------------------------------------------------------


def _statuses_frame(review_round: Round) -> pl.DataFrame:
    """The final classes of the round: household_id, standard_id, class, ward_id (current residence)."""
    rows = list(
        Assessment.objects.filter(round=review_round).values_list(
            "household_id", "standard_id", "klass", "round_household_id"
        )
    )
    return pl.DataFrame(
        rows,
        schema={"household_id": pl.Int64, "standard_id": pl.String, "class": pl.String, "round_household_id": pl.Int64},
        orient="row",
    )


@transaction.atomic
def do_approve_round(*, actor: Actor, review_round: Round, number: str, date: dt.date, note: str = "") -> Decision:
    """The chairman's decision: recognises the round's classes, issues certificates to poor and near-poor
    households, updates the official list (closing earlier statuses; households leaving both lists get
    their escape date) and locks the round. A correction round's decision is linked to the one it corrects."""
    if not can(actor, "review", "approve") or not in_scope(actor, review_round.ward_id):
        raise NotAllowed(_("You may not approve reviews of this ward."))
    roles = rules.approval_roles(date)
    approver = acting_user(actor)
    if approver is None or (not approver.is_superuser and approver.role not in roles):
        raise NotAllowed(_("The procedure in force names another role to approve."))
    current = _open(review_round)
    if not current.allows("approve"):
        raise IllegalTransition(_("A round"), current.status, RoundStatus.APPROVED)
    open_complaints = Complaint.objects.filter(round=current, status=ComplaintStatus.OPEN).count()
    if open_complaints:
        raise OpenComplaints(_("%(n)d complaints are not answered yet.") % {"n": open_complaints})
    posting = current.postings.order_by("-end").first()
    if posting is not None and date <= posting.end:
        raise ReviewError(_("The list is posted until %(d)s; approve after that.") % {"d": posting.end}, field="date")
    if not number.strip():
        raise ReviewError(_("Give the decision number."), field="number")
    corrected = None
    if current.corrects_id:
        corrected = Decision.objects.filter(round_id=current.corrects_id).first()
    decision = Decision.objects.create(
        round=current,
        kind=DecisionKind.CORRECTION if corrected else DecisionKind.APPROVAL,
        number=number,
        date=date,
        approved_by=approver,
        corrects=corrected,
        note=note,
        created_at=timezone.now(),
    )
    results = _statuses_frame(current)
    Assessment.objects.filter(round=current).update(final=True)
    hh_ward = (
        dict(Household.objects.filter(pk__in=results["household_id"].unique().to_list()).values_list("pk", "ward_id"))
        if results.height < 50_000
        else dict(Household.objects.filter(ward_id=current.ward_id).values_list("pk", "ward_id"))
    )
    listed = results.filter(pl.col("class").is_in(vocab.LISTED_CLASSES))
    # Certificates: one per household and standard on a list.
    # Decision numbers repeat between wards (each ward numbers its own), so certificates number by decision.
    Certificate.objects.bulk_create(
        [
            Certificate(
                decision=decision,
                household_id=hid,
                standard_id=sid,
                klass=klass,
                number=f"{current.ward_id}/{decision.pk}/{sid}/{i:06d}",
                issued_on=date,
            )
            for i, (hid, sid, klass, _rh) in enumerate(listed.iter_rows(), start=1)
        ],
        batch_size=5000,
    )
    # The official list: close the open statuses of the round's households, then open the new ones.
    new = {(hid, sid): klass for hid, sid, klass, _rh in listed.iter_rows()}
    assessed = {(hid, sid) for hid, sid, _k, _rh in results.iter_rows()}
    open_qs = PovertyStatus.objects.current().filter(standard_id__in=current.standards)
    if results.height < 900:
        open_qs = open_qs.filter(household_id__in=results["household_id"].unique().to_list())
    else:  # every assessed household lives in the ward (the frames are read by ward)
        open_qs = open_qs.filter(household__ward_id=current.ward_id)
    open_rows = list(open_qs.values_list("pk", "household_id", "standard_id", "klass"))
    close_by_reason: dict[tuple[str, bool], list[int]] = {}
    reason: str
    end_day = date - dt.timedelta(days=1)
    for pk, hid, sid, klass in open_rows:
        if (hid, sid) not in assessed:
            continue
        after = new.get((hid, sid))
        if corrected is not None:
            reason, escaped = StatusEnd.CORRECTED, after is None
        elif after is None:
            reason, escaped = StatusEnd.ESCAPED, True
        elif after == klass:
            reason, escaped = StatusEnd.RENEWED, False
        else:
            reason, escaped = StatusEnd.RECLASSIFIED, False
        close_by_reason.setdefault((reason, escaped), []).append(pk)
    for (reason, escaped), pks in close_by_reason.items():
        for chunk in range(0, len(pks), 5000):
            PovertyStatus.objects.filter(pk__in=pks[chunk : chunk + 5000]).update(
                valid_to=end_day,
                end_reason=reason,
                ended_by=decision,
                escaped_on=date if escaped else None,
            )
    # Statuses of the ward whose household has moved away or dissolved (and was not assessed here) close too.
    if corrected is None:
        gone = (
            PovertyStatus.objects.current()
            .filter(ward_id=current.ward_id, standard_id__in=current.standards)
            .exclude(household__ward_id=current.ward_id, household__status="active")
        )
        for reason, cond in (
            (StatusEnd.DISSOLVED, Q(household__status="dissolved")),
            (StatusEnd.MOVED, ~Q(household__status="dissolved")),
        ):
            pks = list(gone.filter(cond).values_list("pk", flat=True))
            close_by_reason[(reason, False)] = pks
            for chunk in range(0, len(pks), 5000):
                PovertyStatus.objects.filter(pk__in=pks[chunk : chunk + 5000]).update(
                    valid_to=end_day, end_reason=reason, ended_by=decision
                )
    PovertyStatus.objects.bulk_create(
        [
            PovertyStatus(
                household_id=hid,
                ward_id=hh_ward.get(hid, current.ward_id),
                standard_id=sid,
                klass=klass,
                valid_from=date,
                decision=decision,
            )
            for (hid, sid), klass in new.items()
        ],
        batch_size=5000,
    )
    Round.objects.filter(pk=current.pk).update(approved_at=timezone.now())
    _move(actor, current, RoundStatus.APPROVED, note=f"decision {number}")
    _audit(
        actor,
        ReviewAudit.ROUND_APPROVE,
        current,
        decision,
        {
            "number": [None, number],
            "date": [None, date.isoformat()],
            "kind": [None, decision.kind],
            "certificates": [None, listed.height],
            "corrects": [None, corrected.pk if corrected else None],
            "closed": [None, {f"{r}{'+escaped' if e else ''}": len(p) for (r, e), p in close_by_reason.items()}],
        },
    )
    return decision


@transaction.atomic
def do_close_statuses(*, actor: Actor, household: Household, on: dt.date, reason: str, decision: Decision) -> int:
    """Close a household's open statuses because it moved away or no longer exists (``reason`` is
    ``moved`` or ``dissolved``), under the decision that records it. Returns how many were closed."""
    _require(actor, household.ward_id, "prepare")
    if reason not in (StatusEnd.MOVED, StatusEnd.DISSOLVED):
        raise ReviewError(_("Statuses close here only for a move or a dissolution."), field="reason")
    n = (
        PovertyStatus.objects.current()
        .filter(household=household)
        .update(
            valid_to=on,
            end_reason=reason,
            ended_by=decision,
        )
    )
    record(
        actor=actor,
        action=ReviewAudit.STATUS_CLOSE,
        object_type="household",
        object_id=household.pk,
        changes={"reason": [None, reason], "on": [None, on.isoformat()], "closed": [None, n]},
        household_id=household.pk,
        ward_code=household.ward_id,
    )
    return n


@transaction.atomic
def do_create_correction(
    *,
    actor: Actor,
    review_round: Round,
    households: list[Household],
    reason: str,
    on: dt.date,
) -> Round:
    """Start a correction of an approved round for some of its households: a new round linked to the old
    one, whose approval is a new decision linked to the old decision. The old round stays as it was."""
    _require(actor, review_round.ward_id, "prepare")
    if review_round.status != RoundStatus.APPROVED:
        raise ReviewError(_("Only an approved round can be corrected."))
    if not reason.strip():
        raise ReviewError(_("Give the reason for the correction."), field="reason")
    on_old = set(RoundHousehold.objects.filter(round=review_round).values_list("household_id", flat=True))
    if any(h.pk not in on_old for h in households):
        raise ReviewError(_("Only households of the corrected round can be corrected."), field="households")
    correction = do_create_round(
        actor=actor,
        ward=review_round.ward,
        kind=review_round.kind,
        year=review_round.year,
        standards=list(review_round.standards),
        period_start=on,
        period_end=on,
        assessed_on=review_round.assessed_on,
        corrects=review_round,
        note=reason,
    )
    for h in households:
        _new_entry(actor, correction, h.pk, HouseholdSource.OFFICER, on, "", reason)
    return _move(actor, Round.objects.select_for_update().get(pk=correction.pk), RoundStatus.LISTING, reason)


def next_decision_number(ward: Ward, year: int) -> str:
    """A suggestion for the next decision number of the ward in ``year`` (``<n>/QĐ-UBND``)."""
    return f"{Decision.objects.filter(round__ward=ward, date__year=year).count() + 1}/QĐ-UBND"
