"""The assessment of a round (``do_assess_round``, in bulk, with progress) and the scoring methods it may use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh import vocab
from ansinh.accounts.models import Actor, acting_user
from ansinh.accounts.permissions import can
from ansinh.audit.actions import jsonable, record
from ansinh.dbframes import read_frame
from ansinh.engine import assess
from ansinh.review import scoring
from ansinh.review.actions.guards import open_round, require
from ansinh.review.actions.listing import previous_classes
from ansinh.review.actions.moves import audit, move_households, move_households_where, move_round
from ansinh.review.actions.storage import (
    ASSESSMENT_COLUMNS,
    Storer,
    delete_assessments,
    insert_assessments,
    stored_columns,
)
from ansinh.review.audit_actions import ReviewAudit
from ansinh.review.errors import NotAllowed, ReviewError
from ansinh.review.frames import ward_frames
from ansinh.review.models import (
    ASSESS_OPEN,
    HOUSEHOLD_LIFECYCLE,
    Assessment,
    HouseholdStage,
    Round,
    RoundHousehold,
    RoundStatus,
    ScoringMethod,
)

Progress = Callable[[int, int, str], None]


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


@dataclass
class AssessmentSummary:
    """What a bulk assessment did: households assessed per standard, class counts, changes, timings."""

    round_id: int
    households: int = 0
    missing: list[int] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


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


def _agreed_results(review_round: Round, listed: pl.DataFrame) -> pl.DataFrame:
    """The current results (round_household_id, standard_id, class) of the listed households the meeting
    has agreed."""
    sql = (
        f"SELECT a.round_household_id, a.standard_id, a.{Assessment._meta.get_field('klass').column} AS class "  # noqa: S608
        f"FROM {Assessment._meta.db_table} a JOIN {RoundHousehold._meta.db_table} rh ON rh.id = a.round_household_id "
        "WHERE a.round_id = %s AND rh.stage = %s"
    )
    schema = {"round_household_id": pl.Int64, "standard_id": pl.String, "class": pl.String}
    agreed = read_frame(sql, [review_round.pk, HouseholdStage.AGREED], schema)
    return agreed.join(listed.select("round_household_id"), on="round_household_id", how="semi")


def _reopen_changed_agreements(
    actor: Actor, review_round: Round, before: pl.DataFrame, after: pl.DataFrame | None
) -> None:
    """Send back to the meeting (assessed) the agreed households whose class changed under any standard, or
    that have no new result under one; the others stay agreed."""
    if after is None:
        changed = before["round_household_id"].unique()
    else:
        compared = before.join(after, on=["round_household_id", "standard_id"], how="left", suffix="_new")
        changed = compared.filter(pl.col("class_new").is_null() | (pl.col("class_new") != pl.col("class")))[
            "round_household_id"
        ].unique()
    ids = changed.to_list()
    for start in range(0, len(ids), 500):
        entries = RoundHousehold.objects.filter(pk__in=ids[start : start + 500], stage=HouseholdStage.AGREED)
        move_households(actor, review_round, entries, HouseholdStage.ASSESSED, _("Result changed since the meeting"))


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

    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round, ASSESS_OPEN)
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
    prev = previous_classes(listed["household_id"].to_list(), list(current.standards), current.period_start)
    scores = scoring.round_scores(current, households)  # scoring method (issue 5): form-B scores, or None
    # Every listed household with a result moves to assessed: one event row per stage left, listing them.
    only, only_params = "1 = 1", list[Any]()
    if household_ids is not None:
        only, only_params = f"rh.household_id IN ({', '.join(['%s'] * len(household_ids))})", list(household_ids)
    move_first = len(summary.missing) <= 500
    if 0 < len(summary.missing) <= 500:
        only += f" AND rh.household_id NOT IN ({', '.join(['%s'] * len(summary.missing))})"
        only_params += summary.missing
    elif summary.missing:
        only += f" AND rh.id IN (SELECT a.round_household_id FROM {Assessment._meta.db_table} a WHERE a.round_id = %s)"  # noqa: S608
        only_params.append(current.pk)
    # A household the meeting already agreed keeps its agreement when the new result is the same under every
    # standard: a second meeting votes only on what changed. Its results before this run, read before they go.
    only += " AND rh.stage <> %s"
    only_params.append(HouseholdStage.AGREED)
    agreed_before = _agreed_results(current, listed)
    move = (actor, current, HouseholdStage.ASSESSED, only, only_params, "")
    # The storing runs beside the engine (see Storer): the old results go and the households move while
    # the engine computes (neither needs the new results), then the results are stored.
    storer = Storer()
    parts = []
    try:
        storer.submit("delete", delete_assessments, current.pk, household_ids)
        moving = storer.submit("move", move_households_where, *move) if move_first else None
        t1 = time.perf_counter()
        for i, sid in enumerate(current.standards, start=1):
            say(i, total, _("Assessing under %(s)s") % {"s": sid})
            result = assess(households, members, sid, current.assessed_on)
            result = stored_columns(result).join(listed.select("household_id", "round_household_id"), on="household_id")
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
            storer.submit("insert", insert_assessments, pl.concat(parts))
        if moving is None:
            moving = storer.submit("move", move_households_where, *move)
        storer.wait()
    except BaseException:
        storer.abandon()
        raise
    moved = moving.result()
    summary.seconds.update(storer.seconds)
    if agreed_before.height:
        new_results = pl.concat(parts).select("round_household_id", "standard_id", "class") if parts else None
        _reopen_changed_agreements(actor, current, agreed_before, new_results)
    if summary.missing:
        reason = _("No longer an active household of the ward")
        gone = RoundHousehold.objects.filter(round=current, household_id__in=summary.missing[:50_000])
        move_households(
            actor,
            current,
            [rh for rh in gone if HOUSEHOLD_LIFECYCLE.allows(rh.stage, HouseholdStage.REMOVED)],
            HouseholdStage.REMOVED,
            reason,
        )
        gone.filter(stage=HouseholdStage.REMOVED).update(removed_reason=reason)
    if current.status == RoundStatus.SURVEYING:
        move_round(actor, current, RoundStatus.ASSESSED)
    summary.seconds["store"] = time.perf_counter() - t2  # after the engine: what the storing added
    audit(
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
