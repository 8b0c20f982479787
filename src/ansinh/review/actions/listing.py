"""The round's household list: built from the current list, the requests and the registry's screening, and
edited by hand; a request (form 01 / 04) recorded."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh import vocab
from ansinh.accounts.models import Actor, acting_user
from ansinh.audit.actions import record
from ansinh.engine import assess
from ansinh.registry.models import Household
from ansinh.review import rules
from ansinh.review.actions.guards import open_round, require
from ansinh.review.actions.moves import audit, move_households, move_round
from ansinh.review.actions.rounds import do_create_round
from ansinh.review.audit_actions import ReviewAudit
from ansinh.review.errors import ReviewError
from ansinh.review.frames import ward_frames
from ansinh.review.models import (
    LIST_OPEN,
    HouseholdSource,
    HouseholdStage,
    PovertyStatus,
    ReviewRequest,
    Round,
    RoundHousehold,
    RoundKind,
    RoundStatus,
)


def previous_classes(household_ids: list[int], standards: list[str], on: dt.date) -> pl.DataFrame:
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


def add_entries(actor: Actor, review_round: Round, frame: pl.DataFrame, source: str, on: dt.date, reason: str) -> int:
    """Bulk-add the households of ``frame`` (column household_id) not yet on the round's list."""
    existing = set(RoundHousehold.objects.filter(round=review_round).values_list("household_id", flat=True))
    ids = [int(h) for h in frame["household_id"].unique().sort().to_list() if int(h) not in existing]
    if not ids:
        return 0
    prev = previous_classes(ids, list(review_round.standards), review_round.period_start)
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
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, LIST_OPEN)
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
        added["current_list"] = add_entries(
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
                rh = new_entry(actor, current, req.household_id, req.form, req.received_on, req.channel, req.reason)
                added["requests"] += 1
            ReviewRequest.objects.filter(pk=req.pk).update(round_household=rh)
    if screening:
        added["screening"] = add_entries(
            actor,
            current,
            screening_candidates(current),
            HouseholdSource.SCREENING,
            on,
            _("The registry screening finds income at or below the line"),
        )
    if current.status == RoundStatus.DRAFT:
        move_round(actor, current, RoundStatus.LISTING)
    audit(actor, ReviewAudit.ROUND_BUILD_LIST, current, current, {"added": [None, added]})
    return added


def new_entry(
    actor: Actor, review_round: Round, household_id: int, source: str, on: dt.date, channel: str, reason: str
) -> RoundHousehold:
    prev = {
        sid: k
        for _h, sid, k in previous_classes(
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
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, LIST_OPEN)
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
        move_households(actor, current, [rh], HouseholdStage.LISTED, reason)
        RoundHousehold.objects.filter(pk=rh.pk).update(removed_reason="", reason=reason, source=source)
        rh.refresh_from_db()
    else:
        rh = new_entry(actor, current, household.pk, source, requested_on, channel, reason)
    audit(
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
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, LIST_OPEN)
    if not reason.strip():
        raise ReviewError(_("Give the reason for removing the household."), field="reason")
    rh = RoundHousehold.objects.select_for_update().get(pk=round_household.pk)
    move_households(actor, current, [rh], HouseholdStage.REMOVED, reason)
    RoundHousehold.objects.filter(pk=rh.pk).update(removed_reason=reason)
    rh.removed_reason = reason
    audit(actor, ReviewAudit.HOUSEHOLD_REMOVE, current, rh, {"reason": [None, reason]}, household_id=rh.household_id)
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
    require(actor, household.ward_id, "prepare")
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
                review_round = move_round(
                    actor, Round.objects.select_for_update().get(pk=review_round.pk), RoundStatus.LISTING
                )
            rh = new_entry(actor, review_round, household.pk, form, received_on, channel, reason)
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
