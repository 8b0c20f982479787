"""Named reads of the review. Every read that serves a user starts from that user's scope.

The flows between two dates are computed set-based with Polars over the official list
(``PovertyStatus``): one query out, expressions over whole columns, no loop over households.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from ansinh import vocab
from ansinh.accounts.permissions import can
from ansinh.accounts.scope import get_in_area, scoped_wards, ward_codes
from ansinh.geo.calendar import calendar_for
from ansinh.lib.text import fold
from ansinh.registry.models import Household, Member
from ansinh.review import rules
from ansinh.review.models import (
    Assessment,
    Certificate,
    Complaint,
    ComplaintStatus,
    PovertyStatus,
    Round,
    RoundHousehold,
    RoundKind,
    RoundStatus,
    ScoringMethod,
)
from ansinh.review.survey import load_form
from ansinh.tasks.models import Task

# --- rounds in scope -----------------------------------------------------------------------------------


def rounds_for(user: Any) -> QuerySet[Round]:
    """The rounds of the wards in the user's scope (none without ``review.view``)."""
    if not can(user, "review", "view"):
        return Round.objects.none()
    qs = Round.objects.select_related("ward", "corrects")
    if user.is_superuser:
        return qs
    return qs.filter(ward__in=scoped_wards(user))


def get_round_for(user: Any, pk: int) -> Round:
    """The round if the user may see it: outside their area it does not exist for them (404); inside it, a role
    without ``review.view`` is refused (403)."""
    review_round: Round = get_in_area(user, Round.objects.select_related("ward", "corrects"), resource="review", pk=pk)
    return review_round


@dataclass(frozen=True)
class StandardStanding:
    """A household's standing under one standard, as the household page shows it: the class on the official
    list (``not_poor`` when the last approved round that reviewed it left it off), since when, the decision
    that said so, and its certificate if one was issued."""

    standard_id: str
    klass: str
    since: dt.date
    decision_number: str
    decision_date: dt.date
    round_id: int
    certificate_id: int | None


def household_standing(user: Any, household_id: int) -> list[StandardStanding]:
    """The household's standing under each standard, for a user who may see the review of its ward (none
    otherwise): its open rows of the official list, and for each standard of the last approved round that
    reviewed it without listing it, ``not_poor`` from that round's decision. A few queries, whatever the history."""
    if not can(user, "review", "view"):
        return []
    statuses = {
        s.standard_id: s
        for s in PovertyStatus.objects.current()
        .filter(household_id=household_id, ward__in=scoped_wards(user))
        .select_related("decision")
    }
    reviewed = (
        RoundHousehold.objects.filter(household_id=household_id, round__in=rounds_for(user))
        .filter(round__status=RoundStatus.APPROVED)
        .exclude(stage="removed")
        .select_related("round__decision")
        .order_by("-round__decision__date", "-round_id")
        .first()
    )
    decisions = [s.decision_id for s in statuses.values()]
    if reviewed is not None:
        decisions.append(reviewed.round.decision.pk)
    certificates = {
        (c.decision_id, c.standard_id): c.pk
        for c in Certificate.objects.filter(household_id=household_id, decision_id__in=decisions)
    }
    rows = [
        StandardStanding(
            s.standard_id,
            s.klass,
            s.valid_from,
            s.decision.number,
            s.decision.date,
            s.decision.round_id,
            certificates.get((s.decision_id, s.standard_id)),
        )
        for s in statuses.values()
    ]
    if reviewed is not None:
        decision = reviewed.round.decision
        rows += [
            StandardStanding(
                standard, vocab.NOT_POOR, decision.date, decision.number, decision.date, reviewed.round_id, None
            )
            for standard in reviewed.round.standards
            if standard not in statuses
        ]
    return sorted(rows, key=lambda r: r.standard_id)


def round_households(review_round: Round, *, include_removed: bool = True) -> QuerySet[RoundHousehold]:
    """The round's list with households, their surveys and assessments, in household-code order."""
    qs = (
        RoundHousehold.objects.filter(round=review_round)
        .select_related("household")
        .prefetch_related(
            "surveys",
            Prefetch("assessments", queryset=Assessment.objects.order_by("standard_id")),
        )
    )
    if not include_removed:
        qs = qs.exclude(stage="removed")
    return qs.order_by("household__code")


def filter_round_households(
    entries: QuerySet[RoundHousehold], *, stage: str = "", q: str = ""
) -> QuerySet[RoundHousehold]:
    """The round's list narrowed as the round page's filters say: a stage, and a household code or address
    (diacritics-insensitive) containing ``q``."""
    if stage:
        entries = entries.filter(stage=stage)
    q = (q or "").strip()
    if q:
        entries = entries.filter(Q(household__code__icontains=q) | Q(household__address_folded__contains=fold(q)))
    return entries


def get_round_household_for(user: Any, pk: int) -> RoundHousehold:
    """A household of a round, by the same rule as :func:`get_round_for`."""
    rh: RoundHousehold = get_in_area(
        user, RoundHousehold.objects.select_related("round", "household"), resource="review", ward="round__ward", pk=pk
    )
    return rh


def assessments_for(
    review_round: Round, standard_id: str | None = None, *, changed_only: bool = False
) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(round=review_round).select_related("household", "round_household")
    if standard_id:
        qs = qs.filter(standard_id=standard_id)
    if changed_only:
        qs = qs.filter(changed=True)
    return qs.order_by("household__code", "standard_id")


def posted_list(review_round: Round, standard_id: str) -> QuerySet[Assessment]:
    """The households the round's posted list (and its decision) shows under ``standard_id``: those classed
    in a listed class (poor, near-poor), and those leaving a list (a previous class, now none)."""
    return assessments_for(review_round, standard_id).filter(Q(klass__in=vocab.LISTED_CLASSES) | ~Q(previous_class=""))


def assessment_task(review_round: Round) -> Task | None:
    """The round's latest queued assessment (``review.tasks``), whatever its status, or ``None``."""
    from ansinh.review.tasks import KIND  # the task module imports the actions, which import these queries

    return Task.objects.filter(kind=KIND, args__round_id=review_round.pk).order_by("-created_at", "-pk").first()


def scoring_methods_used(review_round: Round, standard_id: str | None = None) -> dict[str, ScoringMethod]:
    """``income_basis`` → the scoring method the round's results (under ``standard_id``) were computed
    with; empty when every result uses the surveyed income."""
    qs = Assessment.objects.filter(round=review_round, income_basis__startswith="scoring:")
    if standard_id:
        qs = qs.filter(standard_id=standard_id)
    bases = set(qs.values_list("income_basis", flat=True).distinct())
    ids = {int(b.split(":", 1)[1]): b for b in bases if b.split(":", 1)[1].isdigit()}
    return {ids[m.pk]: m for m in ScoringMethod.objects.filter(pk__in=list(ids)).order_by("pk")}


def class_counts(review_round: Round) -> dict[str, dict[str, int]]:
    """standard → class → households, from the round's assessments; standards by id, classes poorest first
    (the order of ``vocab.POVERTY_CLASSES``), the same on every page load."""
    out: dict[str, dict[str, int]] = {}
    rows = Assessment.objects.filter(round=review_round).values_list("standard_id", "klass")
    frame = pl.DataFrame(list(rows), schema={"standard_id": pl.String, "class": pl.String}, orient="row")
    order = {klass: i for i, klass in enumerate(vocab.POVERTY_CLASSES)}
    counts = (
        frame.group_by("standard_id", "class")
        .len()
        .with_columns(pl.col("class").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("rank"))
    )
    for sid, klass, n, _rank in counts.sort("standard_id", "rank", "class").iter_rows():
        out.setdefault(sid, {})[klass] = n
    return out


# --- the officer's due list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """Something with a legal deadline: a regular review's decision, a complaint's answer, a periodic
    round's end. ``working_days_left`` is negative when overdue."""

    kind: str
    round: Round
    due_on: dt.date
    working_days_left: int
    overdue: bool
    complaint: Complaint | None = None


def due_list(user: Any, on: dt.date) -> list[DueItem]:
    """The user's open deadlines on ``on``, earliest first (counted on the working-day calendar)."""
    rounds = rounds_for(user).exclude(status=RoundStatus.APPROVED)
    items: list[tuple[str, Round, dt.date, Complaint | None]] = []
    for r in rounds:
        if r.kind == RoundKind.REGULAR and r.due_on:
            items.append(("regular_decision", r, r.due_on, None))
        elif r.kind == RoundKind.PERIODIC:
            items.append(("periodic_end", r, r.period_end, None))
    for c in Complaint.objects.filter(round__in=rounds, status=ComplaintStatus.OPEN).select_related("round"):
        items.append(("complaint_answer", c.round, c.due_on, c))
    if not items:
        return []
    dates = [d for _k, _r, d, _c in items]
    cal = calendar_for(min([*dates, on]), max([*dates, on]))
    result = [
        DueItem(
            kind=k, round=r, due_on=d, working_days_left=cal.working_days_between(on, d), overdue=d < on, complaint=c
        )
        for k, r, d, c in items
    ]
    return sorted(result, key=lambda item: (item.due_on, item.kind))


# --- flows between two dates ---------------------------------------------------------------------------

FLOW_COLUMNS = (
    "start_poor",
    "start_near_poor",
    "escaped_poverty",
    "escaped_near_poverty",
    "near_poor_to_poor",
    "newly_poor",
    "re_poor",
    "newly_near_poor",
    "moved_in_poor",
    "moved_in_near_poor",
    "moved_out_poor",
    "moved_out_near_poor",
    "end_poor",
    "end_near_poor",
)
# Each flow's sign in the identity of its class: start + in − out = end.
FLOW_SIGNS: dict[str, tuple[str, int]] = {
    "newly_poor": (vocab.POOR, 1),
    "re_poor": (vocab.POOR, 1),
    "moved_in_poor": (vocab.POOR, 1),
    "escaped_poverty": (vocab.POOR, -1),
    "moved_out_poor": (vocab.POOR, -1),
    "newly_near_poor": (vocab.NEAR_POOR, 1),
    "moved_in_near_poor": (vocab.NEAR_POOR, 1),
    "escaped_near_poverty": (vocab.NEAR_POOR, -1),
    "near_poor_to_poor": (vocab.NEAR_POOR, -1),
    "moved_out_near_poor": (vocab.NEAR_POOR, -1),
}
CITY = "city"
_STATUS_SCHEMA = {
    "household_id": pl.Int64,
    "ward_code": pl.String,
    "standard_id": pl.String,
    "class": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "end_reason": pl.String,
    "escaped_on": pl.Date,
}


def status_frame(standards: list[str] | None = None, until: dt.date | None = None) -> pl.DataFrame:
    """The official list as a frame (one row per status period), read in one query."""
    table = PovertyStatus._meta.db_table
    where: list[str] = []
    params: list[Any] = []
    if standards:
        where.append(f"standard_id IN ({', '.join(['%s'] * len(standards))})")
        params.extend(standards)
    if until:
        where.append("valid_from <= %s")
        params.append(until)
    sql = (
        f"SELECT household_id, ward_id, standard_id, class, valid_from, valid_to, end_reason, escaped_on "  # noqa: S608
        f"FROM {table}" + (" WHERE " + " AND ".join(where) if where else "")
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    frame = pl.DataFrame(rows, schema=list(_STATUS_SCHEMA), orient="row", infer_schema_length=None)
    casts = []
    for name, dtype in _STATUS_SCHEMA.items():
        if dtype == pl.Date and frame.schema[name] == pl.String:
            casts.append(pl.col(name).str.to_date("%Y-%m-%d"))
        else:
            casts.append(pl.col(name).cast(dtype))
    return frame.with_columns(casts)


def _valid_on(day: dt.date) -> pl.Expr:
    return (pl.col("valid_from") <= day) & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= day))


@dataclass
class FlowReport:
    """Flows per standard and ward (and the city, ``ward_code == "city"``), the identity check per row,
    and every household whose own movements do not balance."""

    start: dt.date
    end: dt.date
    table: pl.DataFrame
    mismatches: pl.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return bool(self.table["balanced"].all()) and self.mismatches.is_empty()


def flow_movements(
    statuses: pl.DataFrame, start: dt.date, end: dt.date, wards: list[str] | None = None
) -> pl.LazyFrame:
    """Every household's movements between ``start`` and ``end`` from a status frame: one row per
    (household_id, standard_id, ward_code, flow), where ``flow`` is a flow of :data:`FLOW_SIGNS` or a count
    (``start_<class>``, ``end_<class>``). :func:`compute_flows` counts them; the reports list the households
    behind each count with the same rows."""
    rows = statuses.lazy()
    s_rows = rows.filter(_valid_on(start)).select("household_id", "standard_id", "ward_code", "class", "end_reason")
    e_rows = rows.filter(_valid_on(end)).select("household_id", "standard_id", "ward_code", "class", "valid_from")
    key = ["household_id", "standard_id"]
    s1 = s_rows.unique(subset=key, keep="first", maintain_order=True).rename(
        {"ward_code": "start_ward", "class": "start_class", "end_reason": "start_end_reason"}
    )
    e1 = e_rows.unique(subset=key, keep="first", maintain_order=True).rename(
        {"ward_code": "end_ward", "class": "end_class", "valid_from": "end_from"}
    )
    # Fell back: escaped at some time before the status valid at the end began.
    escapes = rows.filter(pl.col("escaped_on").is_not_null()).select(*key, "escaped_on")
    t = s1.join(e1, on=key, how="full", coalesce=True)
    fell_back = (
        t.join(escapes, on=key, how="inner")
        .filter(pl.col("end_from").is_not_null() & (pl.col("escaped_on") < pl.col("end_from")))
        .select(key)
        .unique()
        .with_columns(pl.lit(value=True).alias("had_escaped"))
    )
    t = t.join(fell_back, on=key, how="left").with_columns(pl.col("had_escaped").fill_null(value=False))
    has_s, has_e = pl.col("start_class").is_not_null(), pl.col("end_class").is_not_null()
    same_ward = has_s & has_e & (pl.col("start_ward") == pl.col("end_ward"))
    moved = has_s & has_e & (pl.col("start_ward") != pl.col("end_ward"))
    left = has_s & ~has_e & pl.col("start_end_reason").is_in(["moved", "dissolved"])
    dropped = has_s & ~has_e & ~pl.col("start_end_reason").is_in(["moved", "dissolved"]).fill_null(value=False)
    entered = ~has_s & has_e
    sc, ec = pl.col("start_class"), pl.col("end_class")

    def part(cond: pl.Expr, ward: str, flow: pl.Expr) -> pl.LazyFrame:
        return t.filter(cond).select(*key, pl.col(ward).alias("ward_code"), flow.alias("flow"))

    new_poor = pl.when(pl.col("had_escaped")).then(pl.lit("re_poor")).otherwise(pl.lit("newly_poor"))
    flows = pl.concat(
        [
            # reclassified in the same ward
            part(same_ward & (sc == vocab.POOR) & (ec == vocab.NEAR_POOR), "start_ward", pl.lit("escaped_poverty")),
            part(same_ward & (sc == vocab.POOR) & (ec == vocab.NEAR_POOR), "end_ward", pl.lit("newly_near_poor")),
            part(same_ward & (sc == vocab.NEAR_POOR) & (ec == vocab.POOR), "start_ward", pl.lit("near_poor_to_poor")),
            part(same_ward & (sc == vocab.NEAR_POOR) & (ec == vocab.POOR), "end_ward", new_poor),
            # moved between wards (or left the registry)
            part(moved | left, "start_ward", pl.format("moved_out_{}", sc)),
            part(moved, "end_ward", pl.format("moved_in_{}", ec)),
            # left both lists
            part(
                dropped,
                "start_ward",
                pl.when(sc == vocab.POOR).then(pl.lit("escaped_poverty")).otherwise(pl.lit("escaped_near_poverty")),
            ),
            # entered a list
            part(entered, "end_ward", pl.when(ec == vocab.POOR).then(new_poor).otherwise(pl.lit("newly_near_poor"))),
        ]
    )
    counts = pl.concat(
        [
            s_rows.select(*key, "ward_code", pl.format("start_{}", pl.col("class")).alias("flow")),
            e_rows.select(*key, "ward_code", pl.format("end_{}", pl.col("class")).alias("flow")),
        ]
    )
    movements = pl.concat([counts, flows])
    if wards is not None:
        movements = movements.filter(pl.col("ward_code").is_in(wards))
    return movements


def compute_flows(statuses: pl.DataFrame, start: dt.date, end: dt.date, wards: list[str] | None = None) -> FlowReport:
    """Flows between ``start`` and ``end`` from a status frame (``status_frame``), pure Polars.

    A household counts in a ward's start (end) when a status is valid there on that date. Every
    household contributes movements; per ward, class and standard, start + in − out = end is checked,
    and per household the same identity over its own rows (so overlapping statuses show up by household).
    """
    key = ["household_id", "standard_id"]
    movements = flow_movements(statuses, start, end, wards)
    # The signed contribution of each movement to its class's identity (end counts with −1).
    sign_map = {f: s for f, (_c, s) in FLOW_SIGNS.items()} | {
        "start_poor": 1,
        "start_near_poor": 1,
        "end_poor": -1,
        "end_near_poor": -1,
    }
    class_map = {f: c for f, (c, _s) in FLOW_SIGNS.items()} | {
        "start_poor": vocab.POOR,
        "start_near_poor": vocab.NEAR_POOR,
        "end_poor": vocab.POOR,
        "end_near_poor": vocab.NEAR_POOR,
    }
    movements = movements.with_columns(
        pl.col("flow").replace_strict(sign_map, return_dtype=pl.Int64).alias("sign"),
        pl.col("flow").replace_strict(class_map, return_dtype=pl.String).alias("class"),
    )
    mismatches = (
        movements.group_by(*key, "ward_code", "class")
        .agg(pl.col("sign").sum().alias("difference"), pl.col("flow").sort().alias("movements"))
        .filter(pl.col("difference") != 0)
        .sort("standard_id", "ward_code", "household_id")
        .collect()
    )
    by_ward = (
        movements.group_by("standard_id", "ward_code")
        .agg([(pl.col("flow") == f).sum().cast(pl.Int64).alias(f) for f in FLOW_COLUMNS])
        .collect()
    )
    city = (
        by_ward.group_by("standard_id")
        .agg(pl.col(list(FLOW_COLUMNS)).sum())
        .with_columns(pl.lit(CITY).alias("ward_code"))
    )
    table = pl.concat([by_ward, city.select(by_ward.columns)]).sort(
        "standard_id", pl.col("ward_code") == CITY, "ward_code"
    )
    ins = {c: [f for f, (k, s) in FLOW_SIGNS.items() if k == c and s > 0] for c in vocab.LISTED_CLASSES}
    outs = {c: [f for f, (k, s) in FLOW_SIGNS.items() if k == c and s < 0] for c in vocab.LISTED_CLASSES}
    checks = [
        (pl.col(f"start_{c}") + pl.sum_horizontal(ins[c]) - pl.sum_horizontal(outs[c]) - pl.col(f"end_{c}")).alias(
            f"gap_{c}"
        )
        for c in vocab.LISTED_CLASSES
    ]
    table = table.with_columns(checks).with_columns(
        ((pl.col("gap_poor") == 0) & (pl.col("gap_near_poor") == 0)).alias("balanced")
    )
    return FlowReport(start=start, end=end, table=table, mismatches=mismatches)


def flows(user: Any, start: dt.date, end: dt.date, standards: list[str] | None = None) -> FlowReport:
    """The flows of the user's wards (and their total) between ``start`` and ``end``."""
    if not can(user, "review", "view"):
        raise Http404
    codes = ward_codes(user)
    return compute_flows(status_frame(standards, until=end), start, end, wards=codes)


def flows_between_rounds(user: Any, first: Round, second: Round) -> FlowReport:
    """Flows between the decision dates of two approved rounds."""
    for r in (first, second):
        get_round_for(user, r.pk)
        if r.status != RoundStatus.APPROVED:
            raise ValueError("both rounds must be approved")
    a, b = first.decision.date, second.decision.date
    standards = sorted(set(first.standards) | set(second.standards))
    return flows(user, a, b, standards)


def escape_support(on: dt.date, wards: list[str] | None = None) -> pl.DataFrame:
    """Households within the "newly escaped" support window on ``on``: household_id, standard_id, ward_code,
    escaped_on, support_until (exclusive), computed from the stored escape dates and the dated rule."""
    months = int(rules.rule("escape_support_months", on))
    frame = status_frame().filter(pl.col("escaped_on").is_not_null())
    if wards is not None:
        frame = frame.filter(pl.col("ward_code").is_in(wards))
    return (
        frame.select("household_id", "standard_id", "ward_code", "escaped_on")
        .with_columns(pl.col("escaped_on").dt.offset_by(f"{months}mo").alias("support_until"))
        .filter((pl.col("escaped_on") <= on) & (pl.lit(on) < pl.col("support_until")))
        .sort("household_id", "standard_id")
    )


# --- deprivations and the summary export ---------------------------------------------------------------


def dominant_deprivations(rounds: list[Round] | QuerySet[Round], standard_id: str, *, top: int = 3) -> pl.DataFrame:
    """Among poor households of the rounds, per ward: how many are deprived in each indicator, the share,
    and the rank (1 = most common). Columns: ward_code, indicator, deprived, poor, share, rank."""
    rows = list(
        Assessment.objects.filter(round__in=list(rounds), standard_id=standard_id, klass=vocab.POOR).values_list(
            "round__ward_id", "indicators"
        )
    )
    empty = pl.DataFrame(
        schema={
            "ward_code": pl.String,
            "indicator": pl.String,
            "deprived": pl.Int64,
            "poor": pl.Int64,
            "share": pl.Float64,
            "rank": pl.Int64,
        }
    )
    if not rows:
        return empty
    wide = pl.DataFrame([{"ward_code": ward, **indicators} for ward, indicators in rows])
    long = wide.unpivot(index="ward_code", variable_name="indicator", value_name="v")
    out = (
        long.group_by("ward_code", "indicator")
        .agg(pl.col("v").sum().alias("deprived"), pl.len().alias("poor"))
        .with_columns((pl.col("deprived") / pl.col("poor")).alias("share"))
        .with_columns(
            pl.col("deprived").rank("ordinal", descending=True).over("ward_code").cast(pl.Int64).alias("rank")
        )
        .filter(pl.col("rank") <= top)
        .sort("ward_code", "rank")
    )
    return out.select(empty.columns).cast({"deprived": pl.Int64, "poor": pl.Int64})


# --- the survey and the registry -------------------------------------------------------------------------


def _mapped(form: str, prefix: str) -> list[str]:
    definition = load_form(form)
    return [
        f.maps_to.split(".", 1)[1]
        for s in definition.sections
        for f in s.fields
        if f.maps_to and f.maps_to.startswith(prefix)
    ]


def registry_answers(form: str, household_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For each household, the answers of form ``form`` the registry already holds (two queries for any
    number of households): what a survey, on screen or in the offline workbook, opens with."""
    definition = load_form(form)
    household_fields = _mapped(form, "household.")
    member_fields = _mapped(form, "member.")
    households = {
        row["pk"]: row for row in Household.objects.filter(pk__in=household_ids).values("pk", *household_fields)
    }
    members: dict[int, dict[int, dict[str, Any]]] = {}
    if member_fields:
        for row in (
            Member.objects.active().filter(household_id__in=household_ids).values("pk", "household_id", *member_fields)
        ):
            members.setdefault(row["household_id"], {})[row["pk"]] = row
    return {pk: definition.registry_answers(households.get(pk, {}), members.get(pk, {})) for pk in household_ids}


@dataclass(frozen=True)
class RegistryChange:
    """One value a submitted survey would change in the registry: who (the household or a member), which
    field, the stored value and the surveyed one."""

    object_type: str  # "household" or "member"
    object_id: int
    name: str  # the member's name, or the household's code
    field: str
    old: Any
    new: Any


def survey_registry_changes(survey: Any) -> list[RegistryChange]:
    """What submitting ``survey`` would write to the registry, field by field: only the values that differ
    from what the registry holds now (the officer confirms these before anything is written)."""
    definition = load_form(survey.form)
    clean, _errors = definition.validate(survey.answers, partial=True)
    household_changes, member_changes = definition.registry_changes(clean)
    rh = survey.round_household
    household = Household.objects.get(pk=rh.household_id)
    out: list[RegistryChange] = []
    for name, new in household_changes.items():
        old = getattr(household, name)
        if not _same(old, new):
            out.append(RegistryChange("household", household.pk, household.code, name, old, new))
    members = Member.objects.filter(pk__in=list(member_changes), household_id=household.pk).order_by(
        "date_of_birth", "pk"
    )
    for member in members:
        for name, new in member_changes[member.pk].items():
            old = getattr(member, name)
            if not _same(old, new):
                out.append(RegistryChange("member", member.pk, member.full_name, name, old, new))
    return out


def changes_fingerprint(changes: list[RegistryChange]) -> str:
    """A short digest of a list of changes: the confirmation names the changes it confirms, so a registry
    edited meanwhile is noticed, never overwritten unseen."""
    import hashlib
    import json

    body = json.dumps(
        [[c.object_type, c.object_id, c.field, str(c.old), str(c.new)] for c in changes], ensure_ascii=False
    )
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def _same(old: Any, new: Any) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, int | float) and isinstance(new, int | float) and not isinstance(old, bool):
        return float(old) == float(new)
    return bool(old == new)


def assessment_of(review_round: Round, household_id: int, standard_id: str) -> Assessment:
    """One household's result in a round the user may see (404 when the round has none for it)."""
    found = (
        Assessment.objects.select_related("household")
        .filter(round=review_round, household_id=household_id, standard_id=standard_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def read_aloud(review_round: Round, household_id: int, standard_id: str, lang: str = "vi") -> str:
    """The full explanation of one household's result in the round, as an officer reads it out at the village
    meeting (``engine.explain``: income against the line, each lacking indicator with who or what caused it and
    the law, the class rule), from the registry as it stands, on the round's assessment date."""
    from ansinh.engine.explain import explain
    from ansinh.review.frames import ward_frames

    on = review_round.assessed_on
    households, members = ward_frames([review_round.ward_id], on, pl.DataFrame({"household_id": [household_id]}))
    code = Household.objects.filter(pk=household_id).values_list("code", flat=True).first() or ""
    households = households.with_columns(pl.lit(code).alias("code"), pl.lit(review_round.ward.name).alias("ward_name"))
    names = list(Member.objects.filter(household_id=household_id).values_list("pk", "full_name"))
    if "full_name" not in members.columns:  # the engine's frames leave names out; the explanation names people
        members = members.join(
            pl.DataFrame(names, schema={"member_id": pl.Int64, "full_name": pl.String}, orient="row"),
            on="member_id",
            how="left",
        )
    return explain(households, members, standard_id, on, household_id, lang=lang)
