"""Scoring methods for form B: a points table per region and area with cut-offs (issue 5).

Where an administrator has loaded a method that applies to a round (its province or ``*``, the
household's area, the round's reference date within the method's validity), the household's income test
uses the form-B score against the method's cut-offs instead of the surveyed income. Without a method, or
for a household without a submitted form B, the surveyed income stays. No official points ship with the
code: they must be transcribed from Circular 07/2021 and marked verified (``docs/review.md``).

**Fields.** A method in a file carries the fields every legal number carries (``ansinh.lib.legal``):
``jurisdiction`` (a province code or ``*``; stored as ``ScoringMethod.region``), ``valid_from`` (and
``valid_to``), ``reference`` and ``verified``; its values are the points and cut-offs below.

**Points.** ``ScoringMethod.table`` maps a form-B field to its points (stored normalised):

* a boolean or choice field: ``{"points": {answer: points, "*": points for any other answer}}``
  (booleans answer ``"true"`` / ``"false"``);
* a number field: ``{"bands": [[lower, points], ...]}``, ascending; a value earns the points of the last band
  whose lower bound it reaches (below the first band: 0);
* a member field (the ``members`` section) also has ``"count"``: ``sum`` (default; every member's points
  added), ``max`` (the best member's points once: "at least one member …") or ``mean`` (the average over
  the members who answered).

An unanswered question earns 0. The score is the sum over the fields, rounded to 6 decimals.

**Cut-offs.** ``{"poor": p, "near_poor": n, "average_living": a}`` (the last optional; p ≤ n ≤ a). A
score at or below a cut-off counts as income at or below the matching line, and the class follows the
standard's rule exactly as the engine's ``household_stage`` does with income: at or below the poor cut-off
with at least the standard's deprivation cut-off → poor, with fewer → near-poor; under a standard whose
near-poor rule is an income band, a score above the poor and at or below the near-poor cut-off → near-poor;
then the average-living band (by the method's cut-off if it has one, else by the surveyed income, as the
engine does) and otherwise not poor.

>>> method = Method(id=7, name="example", area_type="urban", verified=False, reference="none",
...                 table={"has_tv": {"points": {"true": 10}}, "monthly_income": {"bands": [[0, 0], [2000000, 30]],
...                        "count": "sum"}}, cutoffs={"poor": 30, "near_poor": 40})
>>> answers = pl.DataFrame({"household_id": [1, 1, 1], "member_id": [None, 11, 12],
...                         "field": ["has_tv", "monthly_income", "monthly_income"],
...                         "answer": ["true", "2500000", "100"]})
>>> areas = pl.DataFrame({"household_id": [1], "area_type": ["urban"]})
>>> score(answers, areas, {"urban": method}).select("household_id", "score", "at_or_below_poor").row(0)
(1, 40.0, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from ansinh import vocab
from ansinh.engine import build_plan
from ansinh.engine.stages import class_tests
from ansinh.geo.models import Ward
from ansinh.lib import legal
from ansinh.review.explanations import CLASS_VI, indicator_order, standard_title
from ansinh.review.models import RoundHousehold, ScoringMethod, SurveyResponse
from ansinh.review.survey import load_form
from ansinh.standards import load_standard

SURVEYED = "surveyed_income"
AREA_TYPES = ("urban", "rural")
COUNTS = ("sum", "max", "mean")
CUTOFFS = (vocab.POOR, vocab.NEAR_POOR, vocab.AVERAGE_LIVING)
REQUIRED_CUTOFFS = (vocab.POOR, vocab.NEAR_POOR)
ANY = "*"
ANSWERS_SCHEMA = {"household_id": pl.Int64, "member_id": pl.Int64, "field": pl.String, "answer": pl.String}


def basis(method_id: int) -> str:
    """The ``Assessment.income_basis`` of a result computed with scoring method ``method_id``."""
    return f"scoring:{method_id}"


@dataclass(frozen=True)
class Method:
    """A scoring method as plain data (the engine side needs no model)."""

    id: int
    name: str
    area_type: str
    table: Mapping[str, Any]
    cutoffs: Mapping[str, float]
    verified: bool
    reference: str

    @classmethod
    def of(cls, model: Any) -> Method:
        return cls(
            id=model.pk,
            name=model.name,
            area_type=model.area_type,
            table=model.table,
            cutoffs=model.cutoffs,
            verified=model.verified,
            reference=model.reference,
        )


# --- the points table: checking and normalising what an administrator loads ----------------------------


class ScoringFileError(ValueError):
    """A scoring file or method that cannot be loaded; ``errors`` maps a field path to the reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _answer_key(value: Any) -> str:
    """YAML reads ``true``/``yes`` as booleans; answers are stored as ``"true"`` / ``"false"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _date(value: Any) -> dt.date | None:
    try:
        return legal.to_date(value, "scoring method")
    except legal.LegalDataError:
        return None


def _table(raw: Any, where: str, errors: dict[str, str]) -> dict[str, Any]:
    """The normalised points table, each problem recorded in ``errors`` under its path."""
    form = load_form("B")
    fields = {f.name: (section.repeat, f) for section in form.sections for f in section.fields}
    if not isinstance(raw, Mapping) or not raw:
        errors[where] = _("must map form-B fields to their points")
        return {}
    table: dict[str, Any] = {}
    for name, entry in raw.items():
        at = f"{where}.{name}"
        if name not in fields:
            errors[at] = _("is not a field of form B")
            continue
        member, field = fields[name]
        if not isinstance(entry, Mapping) or not entry:
            errors[at] = _("must give points per answer, or bands for a number")
            continue
        structured = "points" in entry or "bands" in entry
        out: dict[str, Any] = {}
        if field.type in ("integer", "number"):
            bands = entry.get("bands") if structured else None
            if not isinstance(bands, list) or not bands:
                errors[at] = _("a number field needs bands: a list of [lower bound, points]")
                continue
            if not all(isinstance(b, list | tuple) and len(b) == 2 and _number(b[0]) and _number(b[1]) for b in bands):
                errors[f"{at}.bands"] = _("each band is [lower bound, points], both numbers")
                continue
            lows = [b[0] for b in bands]
            if lows != sorted(lows) or len(set(lows)) != len(lows):
                errors[f"{at}.bands"] = _("lower bounds must rise from one band to the next")
                continue
            out["bands"] = [[b[0], b[1]] for b in bands]
        elif field.type in ("boolean", "choice"):
            points = entry.get("points") if structured else entry
            if not isinstance(points, Mapping) or not points:
                errors[at] = _("must map answers to points")
                continue
            allowed = {"true", "false"} if field.type == "boolean" else {c for c, _label in field.choices}
            clean: dict[str, Any] = {}
            for answer, value in points.items():
                key = _answer_key(answer)
                if key != ANY and key not in allowed:
                    errors[f"{at}.{key}"] = _("is not an answer of this field")
                elif not _number(value):
                    errors[f"{at}.{key}"] = _("points must be a number")
                else:
                    clean[key] = value
            out["points"] = clean
        else:
            errors[at] = _("a %(type)s field cannot be scored") % {"type": field.type}
            continue
        count = entry.get("count") if structured else None
        if count is not None and not member:
            errors[f"{at}.count"] = _("count applies to member fields only")
        elif count is not None and count not in COUNTS:
            errors[f"{at}.count"] = _("must be one of %(choices)s") % {"choices": ", ".join(COUNTS)}
        elif member:
            out["count"] = count or "sum"
        unknown = set(entry) - {"points", "bands", "count"} if structured else set()
        if unknown:
            errors[f"{at}.{sorted(unknown)[0]}"] = _("is not a key of a points entry")
        table[name] = out
    return table


def check_method(raw: Mapping[str, Any], where: str = "") -> tuple[dict[str, Any], dict[str, str]]:
    """A method as given in a file (or to the action): the keyword arguments of ``do_load_scoring_method``
    with a normalised table, and the errors by field path (empty when it can be loaded)."""
    prefix = f"{where}." if where else ""
    errors: dict[str, str] = {}
    if not isinstance(raw, Mapping):
        return {}, {where or "method": _("must be a mapping of the method's fields")}
    known = {
        "name",
        "jurisdiction",
        "region",
        "area_type",
        "valid_from",
        "valid_to",
        "reference",
        "verified",
        "cutoffs",
        "points",
        "table",
    }
    for key in sorted(set(raw) - known):
        errors[f"{prefix}{key}"] = _("is not a field of a scoring method")
    name = str(raw.get("name") or "").strip()
    if not name or len(name) > 120:
        errors[f"{prefix}name"] = _("is required (at most 120 characters)")
    # ``jurisdiction`` as every legal number names it (``ansinh.lib.legal``); ``region``, the name files written
    # before used, is still read.
    place = "region" if "region" in raw and "jurisdiction" not in raw else "jurisdiction"
    region = str(raw.get(place) or "").strip()
    if "region" in raw and "jurisdiction" in raw:
        errors[f"{prefix}region"] = _("give the jurisdiction only")
    if region != ANY and not (len(region) == 2 and region.isdigit()):
        errors[f"{prefix}{place}"] = _("must be a province code (two digits) or * for every province")
    area_type = raw.get("area_type")
    if area_type not in AREA_TYPES:
        errors[f"{prefix}area_type"] = _("must be urban or rural")
    valid_from = _date(raw.get("valid_from"))
    if valid_from is None:
        errors[f"{prefix}valid_from"] = _("must be a date (YYYY-MM-DD)")
    valid_to = None if raw.get("valid_to") is None else _date(raw.get("valid_to"))
    if raw.get("valid_to") is not None and valid_to is None:
        errors[f"{prefix}valid_to"] = _("must be a date (YYYY-MM-DD) or empty")
    elif valid_to is not None and valid_from is not None and valid_to < valid_from:
        errors[f"{prefix}valid_to"] = _("cannot be before valid_from")
    reference = str(raw.get("reference") or "").strip()
    if not reference or len(reference) > 255:
        errors[f"{prefix}reference"] = _("is required (at most 255 characters): the legal text the points come from")
    verified = raw.get("verified", False)
    if not isinstance(verified, bool):
        errors[f"{prefix}verified"] = _("must be true or false")
    cutoffs_raw = raw.get("cutoffs")
    cutoffs: dict[str, Any] = {}
    if not isinstance(cutoffs_raw, Mapping):
        errors[f"{prefix}cutoffs"] = _("must give poor and near_poor (and optionally average_living)")
    else:
        for key, value in cutoffs_raw.items():
            if key not in CUTOFFS:
                errors[f"{prefix}cutoffs.{key}"] = _("is not a cut-off (poor, near_poor, average_living)")
            elif not _number(value):
                errors[f"{prefix}cutoffs.{key}"] = _("must be a number")
            else:
                cutoffs[key] = value
        for key in REQUIRED_CUTOFFS:
            if key not in cutoffs_raw:
                errors[f"{prefix}cutoffs.{key}"] = _("is required")
        given = [cutoffs[k] for k in CUTOFFS if k in cutoffs]
        if given != sorted(given):
            errors[f"{prefix}cutoffs"] = _("must not fall from poor to near_poor to average_living")
    points = raw.get("points", raw.get("table"))
    table = _table(points, f"{prefix}points", errors)
    spec = {
        "name": name,
        "region": region,
        "area_type": area_type,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "reference": reference,
        "verified": verified,
        "cutoffs": cutoffs,
        "table": table,
    }
    return spec, errors


def read_scoring_file(path: Path | str) -> list[dict[str, Any]]:
    """The methods of a scoring file (``docs/scoring-example.yaml`` shows the format), every one checked;
    raises ``ScoringFileError`` with every problem by field path when any is wrong."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScoringFileError({"file": str(exc)}) from exc
    if not isinstance(raw, Mapping) or not isinstance(raw.get("methods"), list) or not raw["methods"]:
        raise ScoringFileError({"methods": _("the file must have a non-empty list named methods")})
    specs, errors = [], {}
    for i, entry in enumerate(raw["methods"]):
        spec, problems = check_method(entry, f"methods[{i}]")
        specs.append(spec)
        errors.update(problems)
    if errors:
        raise ScoringFileError(errors)
    return specs


def identical_method(spec: Mapping[str, Any]) -> Any:
    """A loaded method with exactly this content, if any (loading the same file twice changes nothing)."""
    candidates = ScoringMethod.objects.filter(
        name=spec["name"],
        region=spec["region"],
        area_type=spec["area_type"],
        valid_from=spec["valid_from"],
        valid_to=spec["valid_to"],
        reference=spec["reference"],
        verified=spec["verified"],
    )
    return next((m for m in candidates if m.table == spec["table"] and m.cutoffs == spec["cutoffs"]), None)


# --- which method applies ------------------------------------------------------------------------------


def methods_for(province: str, on: dt.date) -> dict[str, Method]:
    """The method for each area type in ``province`` on ``on``: a method for the province rather than one
    for every province (``*``), then the latest ``valid_from``, then the latest loaded."""
    rows = ScoringMethod.objects.filter(region__in=[province, ANY], valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    chosen: dict[str, Any] = {}
    for m in sorted(rows, key=lambda m: (m.region == province, m.valid_from, m.pk)):
        chosen[m.area_type] = m
    return {area: Method.of(m) for area, m in chosen.items()}


# --- the answers and the score -------------------------------------------------------------------------


_BOOL_TEXT = "CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END"


def answers_frame(round_id: int) -> pl.DataFrame:
    """The submitted form-B answers of a round, one row per answer: household_id, member_id (null for the
    household's own answers), field, answer (text; booleans ``true``/``false``). The JSON is taken apart
    by the database (``json_each`` / ``jsonb_each_text``), not row by row in Python."""
    s_table, rh_table = SurveyResponse._meta.db_table, RoundHousehold._meta.db_table
    base = f"FROM {s_table} s JOIN {rh_table} rh ON rh.id = s.round_household_id"
    where = "rh.round_id = %s AND s.form = 'B' AND s.status = 'submitted'"
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT rh.household_id, NULL::bigint, j.key, j.value {base} "
            f"CROSS JOIN LATERAL jsonb_each_text(s.answers -> 'household') j WHERE {where} AND j.value IS NOT NULL "
            f"UNION ALL SELECT rh.household_id, m.key::bigint, j.key, j.value {base} "
            f"CROSS JOIN LATERAL jsonb_each(s.answers -> 'members') m "
            f"CROSS JOIN LATERAL jsonb_each_text(m.value) j WHERE {where} AND j.value IS NOT NULL"
        )
    else:  # SQLite's JSON1
        sql = (
            f"SELECT rh.household_id, NULL, j.key, {_BOOL_TEXT} {base}, json_each(s.answers, '$.household') j "
            f"WHERE {where} AND j.type <> 'null' "
            f"UNION ALL SELECT rh.household_id, CAST(m.key AS INTEGER), j.key, {_BOOL_TEXT} {base}, "
            f"json_each(s.answers, '$.members') m, json_each(m.value) j WHERE {where} AND j.type <> 'null'"
        )
    with connection.cursor() as cur:
        cur.execute(sql, [round_id, round_id])
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=ANSWERS_SCHEMA, orient="row")


def _points_frames(methods: Sequence[Method]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The methods' tables as frames: exact answers (and ``*``), number bands, and each field's count."""
    answers: list[tuple[int, str, str, float]] = []
    bands: list[tuple[int, str, float, float]] = []
    counts: list[tuple[int, str, str]] = []
    for m in methods:
        for name, entry in m.table.items():
            answers.extend((m.id, name, str(a), float(p)) for a, p in (entry.get("points") or {}).items())
            bands.extend((m.id, name, float(lo), float(p)) for lo, p in (entry.get("bands") or []))
            counts.append((m.id, name, entry.get("count") or "sum"))
    return (
        pl.DataFrame(
            answers,
            schema={"method_id": pl.Int64, "field": pl.String, "answer": pl.String, "points": pl.Float64},
            orient="row",
        ),
        pl.DataFrame(
            bands,
            schema={"method_id": pl.Int64, "field": pl.String, "lower": pl.Float64, "band_points": pl.Float64},
            orient="row",
        ).sort("lower"),
        pl.DataFrame(counts, schema={"method_id": pl.Int64, "field": pl.String, "count": pl.String}, orient="row"),
    )


def score(answers: pl.DataFrame, areas: pl.DataFrame, methods: Mapping[str, Method]) -> pl.DataFrame:
    """Each household's form-B score under the method of its area, and whether it is at or below each
    cut-off. ``answers`` as from ``answers_frame``; ``areas``: household_id, area_type; ``methods``: area type
    → method. Households without an answer or without a method for their area are left out.

    Columns: household_id, method_id, score, poor_cutoff, near_poor_cutoff, average_living_cutoff (null if
    the method has none), at_or_below_poor, at_or_below_near_poor, at_or_below_average_living (null if
    no cut-off), method_name, method_verified, method_reference."""
    chosen = list(methods.values())
    meta = pl.DataFrame(
        {
            "area_type": list(methods),
            "method_id": [m.id for m in chosen],
            "poor_cutoff": [float(m.cutoffs[vocab.POOR]) for m in chosen],
            "near_poor_cutoff": [float(m.cutoffs[vocab.NEAR_POOR]) for m in chosen],
            "average_living_cutoff": [
                float(m.cutoffs[vocab.AVERAGE_LIVING]) if vocab.AVERAGE_LIVING in m.cutoffs else None for m in chosen
            ],
            "method_name": [m.name for m in chosen],
            "method_verified": [bool(m.verified) for m in chosen],
            "method_reference": [m.reference for m in chosen],
        },
        schema_overrides={"method_id": pl.Int64, "average_living_cutoff": pl.Float64, "area_type": pl.String},
    )
    households = (
        areas.select("household_id", "area_type")
        .join(answers.select("household_id").unique(), on="household_id", how="semi")
        .join(meta, on="area_type", how="inner")
    )
    exact, bands, counts = _points_frames(chosen)
    rows = answers.join(households.select("household_id", "method_id"), on="household_id", how="inner").join(
        counts, on=["method_id", "field"], how="inner"
    )  # only the fields the method scores
    other = exact.filter(pl.col("answer") == ANY).select("method_id", "field", pl.col("points").alias("other"))
    numbers = (
        rows.join(bands.select("method_id", "field").unique(), on=["method_id", "field"], how="semi")
        .with_columns(pl.col("answer").cast(pl.Float64, strict=False).alias("value"))
        .filter(pl.col("value").is_not_null())
        .sort("value")
        .join_asof(
            bands,
            left_on="value",
            right_on="lower",
            by=["method_id", "field"],
            strategy="backward",
            check_sortedness=False,
        )  # sorted just above; Polars cannot check it within groups
        .select("household_id", "member_id", "method_id", "field", "band_points")
    )
    rows = (
        rows.join(exact.filter(pl.col("answer") != ANY), on=["method_id", "field", "answer"], how="left")
        .join(other, on=["method_id", "field"], how="left")
        .join(numbers, on=["household_id", "member_id", "method_id", "field"], how="left", nulls_equal=True)
        .with_columns(pl.coalesce("points", "band_points", "other", pl.lit(0.0)).alias("points"))
    )
    per_field = (
        rows.group_by("household_id", "method_id", "field", "count")
        .agg(
            pl.col("points").sum().alias("sum"),
            pl.col("points").max().alias("max"),
            pl.col("points").mean().alias("mean"),
        )
        .select(
            "household_id",
            pl.when(pl.col("count") == "max")
            .then(pl.col("max"))
            .when(pl.col("count") == "mean")
            .then(pl.col("mean"))
            .otherwise(pl.col("sum"))
            .alias("points"),
        )
    )
    totals = per_field.group_by("household_id").agg(pl.col("points").sum().round(6).alias("score"))
    out = households.join(totals, on="household_id", how="left").with_columns(pl.col("score").fill_null(0.0))
    return out.select(
        "household_id",
        "method_id",
        "score",
        "poor_cutoff",
        "near_poor_cutoff",
        "average_living_cutoff",
        (pl.col("score") <= pl.col("poor_cutoff")).alias("at_or_below_poor"),
        (pl.col("score") <= pl.col("near_poor_cutoff")).alias("at_or_below_near_poor"),
        (pl.col("score") <= pl.col("average_living_cutoff")).alias("at_or_below_average_living"),
        "method_name",
        "method_verified",
        "method_reference",
    ).sort("household_id")


def round_scores(review_round: Any, households: pl.DataFrame) -> pl.DataFrame | None:
    """The scores of a round's households (``households``: the engine frame, with household_id and
    area_type) under the methods that apply to the round, or None when no method applies."""
    province = Ward.objects.filter(pk=review_round.ward_id).values_list("province_id", flat=True).first()
    methods = methods_for(str(province or ""), review_round.assessed_on)
    if not methods:
        return None
    answers = answers_frame(review_round.pk)
    if answers.is_empty():
        return None
    scores = score(answers, households, methods)
    return None if scores.is_empty() else scores


# --- the class that follows from the score ---------------------------------------------------------------


def _shown(column: str) -> pl.Expr:
    """A score or cut-off as text: whole numbers without decimals."""
    value = pl.col(column)
    return (
        pl.when(value == value.round(0))
        .then(value.round(0).cast(pl.Int64).cast(pl.String))
        .otherwise(value.round(2).cast(pl.String))
    )


def _compare(left: str, right: str) -> pl.Expr:
    return pl.when(pl.col(left) <= pl.col(right)).then(pl.lit("≤")).otherwise(pl.lit(">"))


def apply_scores(result: pl.DataFrame, scores: pl.DataFrame | None, standard_id: str, on: dt.date) -> pl.DataFrame:
    """The engine's result for one standard with the income test replaced by the score where a method
    applied (``scores`` from ``round_scores``): ``class`` and ``explanation`` rewritten for those households
    and ``income_basis`` set (``scoring:<method id>``, else ``surveyed_income``)."""
    if scores is None or scores.is_empty():
        return result.with_columns(pl.lit(SURVEYED).alias("income_basis"))
    std = load_standard(standard_id)
    plan = build_plan(std, on)
    added = [c for c in scores.columns if c != "household_id"]
    frame = result.join(scores, on="household_id", how="left", maintain_order="left")
    scored = pl.col("method_id").is_not_null()
    count = pl.col("deprivation_count")
    poor, near = class_tests(plan, pl.col("at_or_below_poor"), count, pl.col("at_or_below_near_poor"))
    # The average-living band: the method's cut-off when it has one, else the surveyed income as the engine
    # tested it (income at or below that line is the engine's poor, near-poor or average-living class).
    by_income = pl.col("class").is_in([vocab.POOR, vocab.NEAR_POOR, vocab.AVERAGE_LIVING])
    average = (
        pl.col("at_or_below_average_living").fill_null(by_income)
        if plan.average_living_line is not None
        else pl.lit(value=False)
    )
    klass = (
        pl.when(poor)
        .then(pl.lit(vocab.POOR))
        .when(near)
        .then(pl.lit(vocab.NEAR_POOR))
        .when(average)
        .then(pl.lit(vocab.AVERAGE_LIVING))
        .otherwise(pl.lit(vocab.NOT_POOR))
    )
    frame = frame.with_columns(klass.alias("_scored_class"))
    ind_cols = [c for c in result.columns if c.startswith("ind_")]
    labels = {f"ind_{name}": label for name, label in indicator_order(standard_id)}
    deprived = (
        pl.concat_str(
            [pl.when(pl.col(c) == 1).then(pl.lit(f"{labels.get(c, c[4:])}, ")).otherwise(pl.lit("")) for c in ind_cols]
        ).str.strip_suffix(", ")
        if ind_cols
        else pl.lit("")
    )
    near_clause = (
        pl.format("; {} điểm chuẩn hộ cận nghèo {}", _compare("score", "near_poor_cutoff"), _shown("near_poor_cutoff"))
        if plan.near_poor_line is not None
        else pl.lit("")
    )
    average_clause = pl.lit("")
    if plan.average_living_line is not None:
        average_clause = (
            pl.when(pl.col("_scored_class").is_in(vocab.LISTED_CLASSES))
            .then(pl.lit(""))
            .when(pl.col("average_living_cutoff").is_not_null())
            .then(
                pl.format(
                    " Điểm {} điểm chuẩn mức sống trung bình {}.",
                    _compare("score", "average_living_cutoff"),
                    _shown("average_living_cutoff"),
                )
            )
            .otherwise(
                pl.format(
                    " Mức sống trung bình xét theo thu nhập khảo sát: {} đồng/người/tháng {} {} đồng.",
                    pl.col("income_per_person").round(0).cast(pl.Int64),
                    pl.when(by_income).then(pl.lit("≤")).otherwise(pl.lit(">")),
                    pl.col("average_living_line").round(0).cast(pl.Int64),
                )
            )
        )
    explanation = pl.format(
        "{}: điểm Phiếu B {} {} điểm chuẩn hộ nghèo {}{} theo phương pháp chấm điểm «{}» ({}; căn cứ: {}); "
        "thiếu hụt {} chỉ số{}.{} Kết quả: {}.",
        pl.lit(standard_title(standard_id)),
        _shown("score"),
        _compare("score", "poor_cutoff"),
        _shown("poor_cutoff"),
        near_clause,
        pl.col("method_name"),
        pl.when(pl.col("method_verified"))
        .then(pl.lit("đã đối chiếu với văn bản chính thức"))
        .otherwise(pl.lit("CHƯA đối chiếu với văn bản chính thức")),
        pl.col("method_reference"),
        count,
        pl.when(count > 0).then(pl.format(" ({})", deprived)).otherwise(pl.lit("")),
        average_clause,
        pl.col("_scored_class").replace_strict(CLASS_VI, default=""),
    )
    return frame.with_columns(
        pl.when(scored).then(pl.col("_scored_class")).otherwise(pl.col("class")).alias("class"),
        pl.when(scored).then(explanation).otherwise(pl.col("explanation")).alias("explanation"),
        pl.when(scored)
        .then(pl.format("scoring:{}", pl.col("method_id")))
        .otherwise(pl.lit(SURVEYED))
        .alias("income_basis"),
    ).drop([*added, "_scored_class"])
