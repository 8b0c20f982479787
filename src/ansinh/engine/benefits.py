"""Programme benefits over frames: who is paid what in one month, each line with its components and the law
that makes it, and who qualifies for a programme. No Django: the programs app reads the enrolments and the
registry into frames, calls these functions once for a whole payroll, and stores what they return in bulk.

A programme's structure (its categories and which legal rows make each category's amount) is data
(``programs/rules/programmes.yaml``, read by :func:`programmes_from`); every number is a dated parameter read
through :class:`ansinh.lib.legal.LegalData` for the payroll month, so a month with no value in force is refused
with ``NoValue`` naming the parameter. The few dozen (category, age band) amounts of a month are resolved in
Python once (:func:`band_table`); everything per person is a Polars expression over the whole frame.

Frames in:

* ``enrolments``: ``enrolment_id`` (int), ``member_id`` (int), ``category`` (str), ``start_month`` (date, the
  first day of the first month paid), ``end_month`` (date or null, the first day of the last month paid);
* ``people``: ``member_id``, ``date_of_birth`` (date), ``date_of_death`` (date or null), ``ward_code`` (str).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import narwhals.stable.v2 as nw
import polars as pl

from ansinh import vocab
from ansinh.engine.assess import age_columns
from ansinh.lib.errors import DomainError
from ansinh.lib.legal import LegalData
from ansinh.lib.numbers import format_number
from ansinh.standards.formulas import AGE_YEARS

NO_AGE_LIMIT = 1000
AMOUNT_KINDS = ("scaled", "appendix", "flat")

PAID = "paid"
DIED = "died"  # the month is after the stop that follows a death
HIGHER_PAID = "higher_category_paid"  # another category of the same programme pays this person more


class BenefitError(DomainError):
    code: ClassVar[str] = "benefit_error"


class UnknownCategory(BenefitError):
    """An enrolment names a category its programme does not have."""

    code: ClassVar[str] = "benefit_unknown_category"
    wording: ClassVar[Any] = "Programme %(programme)s has no category %(category)r (%(count)s enrolments)."

    def __init__(self, programme: str, category: str, count: int) -> None:
        super().__init__(programme=programme, category=category, count=count)


class BadProgramme(BenefitError):
    code: ClassVar[str] = "benefit_bad_programme"
    wording: ClassVar[Any] = "Programme definition %(programme)s: %(problem)s"

    def __init__(self, programme: str, problem: str) -> None:
        super().__init__(programme=programme, problem=problem)


@dataclass(frozen=True)
class Band:
    """The legal rows that make a category's amount for one age band (the first band whose condition holds)."""

    rows: tuple[str, ...]
    age_below: str | None = None
    age_from: str | None = None
    age_outside: tuple[str, str] | None = None

    def intervals(self, rules: LegalData, on: dt.date) -> list[tuple[int, int]]:
        """The ages [low, high) this band covers on ``on``."""
        if self.age_outside is not None:
            low, high = (int(rules.value_at(p, on)) for p in self.age_outside)
            return [(0, low), (high, NO_AGE_LIMIT)]
        low = int(rules.value_at(self.age_from, on)) if self.age_from else 0
        high = int(rules.value_at(self.age_below, on)) if self.age_below else NO_AGE_LIMIT
        return [(low, high)]


@dataclass(frozen=True)
class Category:
    key: str
    name: Mapping[str, str]
    clause: str
    bands: tuple[Band, ...]
    ends_at_age: str | None = None  # the age parameter at which the category ends
    becomes: str | None = None  # the category that follows it (else the allowance stops)
    requires_poverty: bool = False
    disability: str | None = None  # the disability level the category is for


@dataclass(frozen=True)
class Programme:
    """One programme's structure: how each category's amount is made (``amount``: scaled, appendix or flat)."""

    code: str
    name: Mapping[str, str]
    legal_basis: str
    rules: str  # the prefix of the programme's parameters in the legal data
    amount: str
    base: str | None
    categories: Mapping[str, Category]

    def rule(self, name: str) -> str:
        return f"{self.rules}.{name}"


def programmes_from(tree: Mapping[str, Any]) -> dict[str, Programme]:
    """The programmes of a parsed ``programmes.yaml``."""
    found: dict[str, Programme] = {}
    for code, node in tree.items():
        if node.get("amount") not in AMOUNT_KINDS:
            raise BadProgramme(code, f"amount must be one of {', '.join(AMOUNT_KINDS)}")
        if node["amount"] == "scaled" and not node.get("base"):
            raise BadProgramme(code, "a scaled programme names its base level")
        categories = {}
        for key, cat in node["categories"].items():
            bands = tuple(
                Band(
                    rows=tuple(b["rows"]),
                    age_below=b.get("age_below"),
                    age_from=b.get("age_from"),
                    age_outside=tuple(b["age_outside"]) if b.get("age_outside") else None,
                )
                for b in cat["bands"]
            )
            if not bands or any(not b.rows for b in bands):
                raise BadProgramme(code, f"category {key} needs bands with rows")
            categories[key] = Category(
                key=key, name=dict(cat["name"]), clause=str(cat["clause"]), bands=bands,
                ends_at_age=cat.get("ends_at_age"), becomes=cat.get("becomes"),
                requires_poverty=bool(cat.get("requires_poverty", False)), disability=cat.get("disability"),
            )  # fmt: skip
        found[code] = Programme(
            code=code,
            name=dict(node["name"]),
            legal_basis=str(node["legal_basis"]),
            rules=str(node["rules"]),
            amount=str(node["amount"]),
            base=node.get("base"),
            categories=categories,
        )
    return found


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _document(reference: str) -> str:
    """The instrument a citation names ("Nghị định 20/2021/NĐ-CP" of "Nghị định 20/2021/NĐ-CP Điều 6 …")."""
    for marker in (" Điều ", " Phụ lục", " Khoản "):
        if marker in reference:
            return reference.split(marker, 1)[0]
    return reference


def cite(references: Iterable[str]) -> str:
    """Citations joined, each said once; a later article of the instrument just cited drops its name:
    ``cite(["Nghị định 20/2021/NĐ-CP Điều 4 khoản 2", "Nghị định 20/2021/NĐ-CP Điều 6 khoản 1 điểm e"])`` is
    "Nghị định 20/2021/NĐ-CP Điều 4 khoản 2; Điều 6 khoản 1 điểm e"."""
    said: list[str] = []
    previous = ""
    for reference in dict.fromkeys(references):
        document = _document(reference)
        said.append(reference[len(document) :].strip() if document == previous and reference != document else reference)
        previous = document
    return "; ".join(said)


def _coefficient_text(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "vi" else text


def band_table(programme: Programme, rules: LegalData, month: dt.date, categories: Iterable[str]) -> pl.DataFrame:
    """The amount of each (category, age band) of ``categories`` in ``month``, with its components,
    the references that make it and its explanation in Vietnamese and English: one row per age interval."""
    rows: list[dict[str, Any]] = []
    base = rules.lookup(programme.base, month) if programme.amount == "scaled" and programme.base else None
    for key in sorted(set(categories)):
        category = programme.categories[key]
        for index, band in enumerate(category.bands):
            found = [rules.lookup(path, month) for path in band.rows]
            references = [f.reference for f in found]
            verified = all(f.verified for f in found)
            if base is not None:
                coefficient = float(sum(f.value for f in found))
                amount = round(base.value * coefficient)
                references = [base.reference, *references]
                verified = verified and base.verified
                formula = {
                    lang: f"{format_number(base.value, lang=lang)} × {_coefficient_text(coefficient, lang)}"
                    for lang in ("vi", "en")
                }
            else:
                coefficient = None
                amount = round(sum(f.value for f in found))
                formula = {lang: " + ".join(format_number(f.value, lang=lang) for f in found) for lang in ("vi", "en")}
            cited = cite(references)
            for low, high in band.intervals(rules, month):
                rows.append(
                    {
                        "category": key,
                        "band": index,
                        "age_low": low,
                        "age_high": high,
                        "rows": "+".join(p.rsplit(".", 1)[-1] for p in band.rows),
                        "base": None if base is None else int(base.value),
                        "coefficient": coefficient,
                        "entitled": int(amount),
                        "references": cited,
                        "verified": verified,
                        "explanation_vi": f"{formula['vi']} ({cited})",
                        "explanation_en": f"{formula['en']} ({cited})",
                    }
                )
    return pl.DataFrame(rows, schema=BAND_SCHEMA)


BAND_SCHEMA: Mapping[str, Any] = {
    "category": pl.String,
    "band": pl.Int32,
    "age_low": pl.Int32,
    "age_high": pl.Int32,
    "rows": pl.String,
    "base": pl.Int64,
    "coefficient": pl.Float64,
    "entitled": pl.Int64,
    "references": pl.String,
    "verified": pl.Boolean,
    "explanation_vi": pl.String,
    "explanation_en": pl.String,
}

ENROLMENT_COLUMNS = ("enrolment_id", "member_id", "category", "start_month", "end_month")
LINE_COLUMNS = (
    "enrolment_id",
    "member_id",
    "ward_code",
    "category",
    "age",
    "rows",
    "base",
    "coefficient",
    "entitled",
    "amount",
    "status",
    "paid_category",
    "references",
    "verified",
    "explanation_vi",
    "explanation_en",
)


def _month_index(col: pl.Expr) -> pl.Expr:
    return col.dt.year().cast(pl.Int32) * 12 + col.dt.month().cast(pl.Int32) - 1


def month_lines(
    enrolments: pl.DataFrame, people: pl.DataFrame, programme: Programme, rules: LegalData, month: dt.date
) -> pl.DataFrame:
    """One line per enrolment in force in ``month`` (started, not ended): its category's amount for the
    person's age, and whether it is paid: ``status`` is ``paid``, ``died`` (the month is past the stop that
    follows a death) or ``higher_category_paid`` (when the programme pays one category per person, the
    person's highest amount is paid and ``paid_category`` names it). ``amount`` is what is paid (0 when not),
    ``entitled`` what the category gives. Refuses an unknown category and a month with no rule in force."""
    month = first_of_month(month)
    unknown = (
        enrolments.filter(~pl.col("category").is_in(list(programme.categories)))
        .group_by("category")
        .len()
        .sort("category")
    )
    if unknown.height:
        raise UnknownCategory(programme.code, str(unknown["category"][0]), int(unknown["len"][0]))
    age_day = month.replace(day=int(rules.value_at(programme.rule("age_on_day_of_month"), month)))
    stop_after = int(rules.value_at(programme.rule("stop_months_after_event"), month))
    one_per_person = bool(rules.value_at(programme.rule("one_category_at_highest"), month))
    month_no = month.year * 12 + month.month - 1

    active = enrolments.filter(
        (pl.col("start_month") <= month) & (pl.col("end_month").is_null() | (pl.col("end_month") >= month))
    )
    bands = band_table(programme, rules, month, active["category"].unique().to_list())
    joined = active.join(people, on="member_id", how="inner")
    aged = nw.from_native(joined).with_columns(age_columns(age_day)).to_native()
    matched = (
        aged.with_columns(pl.col(AGE_YEARS).cast(pl.Int32).alias("age"))
        .join(bands, on="category", how="inner")
        .filter((pl.col("age") >= pl.col("age_low")) & (pl.col("age") < pl.col("age_high")))
        .filter(pl.col("band") == pl.col("band").min().over("enrolment_id"))
    )
    died = pl.col("date_of_death").is_not_null() & (
        pl.lit(month_no) >= _month_index(pl.col("date_of_death")) + stop_after
    )
    lines = matched.with_columns(pl.when(died).then(pl.lit(DIED)).otherwise(pl.lit(PAID)).alias("status")).sort(
        ["member_id", "entitled", "category"], descending=[False, True, False]
    )
    if one_per_person:
        rank = pl.int_range(pl.len()).over(["member_id", "status"])
        lines = lines.with_columns(
            pl.when((pl.col("status") == PAID) & (rank > 0))
            .then(pl.lit(HIGHER_PAID))
            .otherwise("status")
            .alias("status")
        )
    paid_category = (
        pl.col("category")
        .filter(pl.col("status") == PAID)
        .first()
        .over("member_id")
        .fill_null("")
        .alias("paid_category")
    )
    return (
        lines.with_columns(
            paid_category,
            pl.when(pl.col("status") == PAID).then(pl.col("entitled")).otherwise(0).cast(pl.Int64).alias("amount"),
        )
        .select(LINE_COLUMNS)
        .sort(["member_id", "enrolment_id"])
    )


# Arrears and recoveries: components of a later month's payroll, each a line of its own kind for the month it
# is owed or taken back, explained like a regular line.

ARREARS = "arrears"
RECOVERY = "recovery"
RECOVERED = "recovery"  # the status of a recovery line (money to take back, not to pay)
COMPONENT_COLUMNS = (*LINE_COLUMNS, "kind", "for_month", "source_line_id")


def _month_text(col: pl.Expr) -> pl.Expr:
    return col.dt.strftime("%m/%Y")


def arrears_lines(
    enrolments: pl.DataFrame,
    people: pl.DataFrame,
    programme: Programme,
    rules: LegalData,
    month: dt.date,
    paid: pl.DataFrame,
) -> pl.DataFrame:
    """Arrears (truy lĩnh) owed in ``month``'s payroll for retroactive decisions: for each enrolment, every
    month from its first month paid up to the month of its decision (``decided_month``) and before ``month``,
    the amount that month's rules give, less what was already paid to the person for that month (``paid``:
    ``member_id``, ``for_month``, ``paid``). One line per enrolment and owed month, ``kind`` ``arrears``, each
    explained as "Truy lĩnh tháng 06/2024: 360.000 × 1,5 (…)". The months' amounts are resolved once per
    distinct month (a handful), every per-person step is an expression."""
    month = first_of_month(month)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    upper = pl.min_horizontal(
        pl.col("decided_month"), pl.lit(previous), pl.col("end_month").fill_null(pl.lit(previous))
    )
    owed = (
        enrolments.filter(pl.col("start_month") <= upper)
        .with_columns(pl.date_ranges(pl.col("start_month"), upper, "1mo").alias("for_month"))
        .explode("for_month")
        .join(paid, on=["member_id", "for_month"], how="anti")
    )
    if owed.is_empty():
        return pl.DataFrame(schema=component_schema())
    parts = []
    for for_month in sorted(owed["for_month"].unique().to_list()):
        subset = owed.filter(pl.col("for_month") == for_month).select(ENROLMENT_COLUMNS)
        found = month_lines(subset, people, programme, rules, for_month).filter(pl.col("status") == PAID)
        parts.append(found.with_columns(pl.lit(for_month, dtype=pl.Date).alias("for_month")))
    label_vi = pl.format("Truy lĩnh tháng {}: ", _month_text(pl.col("for_month")))
    label_en = pl.format("Arrears for {}: ", _month_text(pl.col("for_month")))
    return (
        pl.concat(parts)
        .with_columns(
            pl.lit(ARREARS).alias("kind"),
            pl.lit(None, dtype=pl.Int64).alias("source_line_id"),
            pl.concat_str([label_vi, pl.col("explanation_vi")]).alias("explanation_vi"),
            pl.concat_str([label_en, pl.col("explanation_en")]).alias("explanation_en"),
        )
        .select(COMPONENT_COLUMNS)
        .sort(["member_id", "for_month", "enrolment_id"])
    )


def recovery_lines(exported: pl.DataFrame, programme: Programme, rules: LegalData, month: dt.date) -> pl.DataFrame:
    """Recoveries (truy thu) in ``month``'s payroll: every payment already exported for a month from the stop
    that follows the person's death is taken back, one line per payment (``amount`` negative, ``kind`` and
    ``status`` ``recovery``, ``source_line_id`` the payment). ``exported``: ``line_id``, ``enrolment_id``,
    ``member_id``, ``ward_code``, ``category``, ``age``, ``for_month``, ``amount``, ``date_of_death``."""
    month = first_of_month(month)
    stop = rules.lookup(programme.rule("stop_months_after_event"), month)
    died = pl.col("date_of_death").is_not_null() & (
        _month_index(pl.col("for_month")) >= _month_index(pl.col("date_of_death")) + int(stop.value)
    )
    found = exported.filter(died & (pl.col("amount") > 0))
    death = pl.col("date_of_death").dt.strftime("%d/%m/%Y")
    return found.select(
        pl.col("enrolment_id"),
        "member_id",
        "ward_code",
        "category",
        pl.col("age").cast(pl.Int32),
        pl.lit("").alias("rows"),
        pl.lit(None, dtype=pl.Int64).alias("base"),
        pl.lit(None, dtype=pl.Float64).alias("coefficient"),
        pl.lit(0, dtype=pl.Int64).alias("entitled"),
        (-pl.col("amount")).cast(pl.Int64).alias("amount"),
        pl.lit(RECOVERED).alias("status"),
        pl.lit("").alias("paid_category"),
        pl.lit(stop.reference).alias("references"),
        pl.lit(stop.verified).alias("verified"),
        pl.format(
            "Truy thu khoản đã chi tháng {}: người hưởng mất ngày {}, dừng trợ cấp từ tháng thứ {} sau tháng mất ({})",
            _month_text(pl.col("for_month")), death, pl.lit(int(stop.value)), pl.lit(stop.reference),
        ).alias("explanation_vi"),
        pl.format(
            "Recovery of the payment for {}: the beneficiary died on {}; payment stops {} month(s) after the "
            "month of death ({})",
            _month_text(pl.col("for_month")), death, pl.lit(int(stop.value)), pl.lit(stop.reference),
        ).alias("explanation_en"),
        pl.lit(RECOVERY).alias("kind"),
        "for_month",
        pl.col("line_id").alias("source_line_id"),
    ).sort(["member_id", "for_month"])  # fmt: skip


def component_schema() -> pl.Schema:
    """The columns and types of every payroll line (a month's, an arrears', a recovery's)."""
    return pl.Schema({
        "enrolment_id": pl.Int64, "member_id": pl.Int64, "ward_code": pl.String, "category": pl.String,
        "age": pl.Int32, "rows": pl.String, "base": pl.Int64, "coefficient": pl.Float64, "entitled": pl.Int64,
        "amount": pl.Int64, "status": pl.String, "paid_category": pl.String, "references": pl.String,
        "verified": pl.Boolean, "explanation_vi": pl.String, "explanation_en": pl.String, "kind": pl.String,
        "for_month": pl.Date, "source_line_id": pl.Int64,
    })  # fmt: skip


# The officer's due list: registry events that call for a decision on an open enrolment.

DUE_COLUMNS = (
    "enrolment_id", "member_id", "ward_code", "programme", "category", "event", "event_date", "proposal",
    "new_category", "from_month", "reason_vi", "reason_en",
)  # fmt: skip


def _next_month(col: pl.Expr, months: int = 1) -> pl.Expr:
    return col.dt.truncate("1mo").dt.offset_by(f"{months}mo")


def due_changes(
    enrolments: pl.DataFrame, programmes: Mapping[str, Programme], rules: LegalData, on: dt.date
) -> pl.DataFrame:
    """Proposed changes to open enrolments from registry events, one row per (enrolment, event): a death or a
    move out of the area (stop), a birthday that ends the category (adjust to the next one, or stop), a new
    disability assessment of another level (adjust or stop), a household's escape from poverty (stop where the
    category needs it). ``enrolments``: ``enrolment_id``, ``member_id``, ``ward_code``, ``programme``,
    ``category``, ``decided_on``, ``date_of_birth``, ``date_of_death``, ``moved_out_on``, ``disability_level``,
    ``disability_assessed_on``, ``escaped_on``. Each proposal says why, in words, and from which month."""
    rows = []
    for code, programme in programmes.items():
        stop_after = int(rules.value_at(programme.rule("stop_months_after_event"), on))
        for key, category in programme.categories.items():
            rows.append({"programme": code, "category": key, "stop_after": stop_after,
                         "ends_at": int(rules.value_at(category.ends_at_age, on)) if category.ends_at_age else None,
                         "becomes": category.becomes, "requires_poverty": category.requires_poverty,
                         "disability": category.disability})  # fmt: skip
    table = pl.DataFrame(rows, schema={"programme": pl.String, "category": pl.String, "stop_after": pl.Int32,
                                       "ends_at": pl.Int32, "becomes": pl.String, "requires_poverty": pl.Boolean,
                                       "disability": pl.String})  # fmt: skip
    frame = enrolments.join(table, on=["programme", "category"], how="inner")
    level_category = {c.disability: k for p in programmes.values() for k, c in p.categories.items() if c.disability}
    birthday = pl.col("date_of_birth").dt.offset_by(pl.format("{}y", pl.col("ends_at")))
    day = pl.col("date_of_birth").dt.strftime("%d/%m/%Y")
    level_vi = {k: v[1].lower() for k, v in vocab.DISABILITY_LEVEL.items()}
    level_en = {k: v[0].lower() for k, v in vocab.DISABILITY_LEVEL.items()}

    def dated(col: str) -> pl.Expr:
        return pl.col(col).dt.strftime("%d/%m/%Y")

    events = [
        ("death", pl.col("date_of_death").is_not_null(), pl.col("date_of_death"), pl.lit("stop"),
         pl.lit(None, pl.String), pl.col("date_of_death"),
         pl.format("Người hưởng mất ngày {}", dated("date_of_death")),
         pl.format("The beneficiary died on {}", dated("date_of_death"))),
        ("move_out", pl.col("moved_out_on").is_not_null() & pl.col("date_of_death").is_null(),
         pl.col("moved_out_on"), pl.lit("stop"), pl.lit(None, pl.String), pl.col("moved_out_on"),
         pl.format("Chuyển khỏi địa bàn ngày {}", dated("moved_out_on")),
         pl.format("Moved out of the area on {}", dated("moved_out_on"))),
        ("birthday", pl.col("ends_at").is_not_null() & (birthday <= on), birthday,
         pl.when(pl.col("becomes").is_not_null()).then(pl.lit("adjust")).otherwise(pl.lit("stop")),
         pl.col("becomes"), birthday,
         pl.format("Sinh ngày {}, đủ {} tuổi ngày {}: hết diện này", day, pl.col("ends_at"), birthday.dt.strftime(
             "%d/%m/%Y")),
         pl.format("Born on {}, aged {} on {}: the category ends", day, pl.col("ends_at"),
                   birthday.dt.strftime("%d/%m/%Y"))),
        ("disability", pl.col("disability").is_not_null() & pl.col("disability_assessed_on").is_not_null()
         & (pl.col("disability_assessed_on") >= pl.col("decided_on"))
         & (pl.col("disability_level") != pl.col("disability")), pl.col("disability_assessed_on"),
         pl.when(pl.col("disability_level").is_in(list(level_category))).then(pl.lit("adjust"))
         .otherwise(pl.lit("stop")),
         pl.col("disability_level").replace_strict(level_category, default=None, return_dtype=pl.String),
         pl.col("disability_assessed_on"),
         pl.format("Xác định lại mức độ khuyết tật ngày {}: {}", dated("disability_assessed_on"),
                   pl.col("disability_level").replace_strict(level_vi, default=pl.col("disability_level"))),
         pl.format("Disability assessed again on {}: {}", dated("disability_assessed_on"),
                   pl.col("disability_level").replace_strict(level_en, default=pl.col("disability_level")))),
        ("escape", pl.col("requires_poverty") & pl.col("escaped_on").is_not_null()
         & (pl.col("escaped_on") >= pl.col("decided_on")), pl.col("escaped_on"), pl.lit("stop"),
         pl.lit(None, pl.String), pl.col("escaped_on"),
         pl.format("Hộ thoát nghèo ngày {}", dated("escaped_on")),
         pl.format("The household escaped poverty on {}", dated("escaped_on"))),
    ]  # fmt: skip
    parts = [
        frame.filter(when.fill_null(False)).select(
            "enrolment_id", "member_id", "ward_code", "programme", "category", pl.lit(event).alias("event"),
            event_date.alias("event_date"), proposal.alias("proposal"), new_category.alias("new_category"),
            _next_month(start, 0).dt.offset_by(pl.format("{}mo", pl.col("stop_after"))).alias("from_month"),
            vi.alias("reason_vi"), en.alias("reason_en"),
        )
        for event, when, event_date, proposal, new_category, start, vi, en in events
    ]  # fmt: skip
    return pl.concat(parts).sort(["event_date", "enrolment_id"]).select(DUE_COLUMNS)


# One-off campaigns (Tết gifts): groups over the enrolments in force in the campaign's month; one gift per
# person at the highest group; a report of everyone found in several groups.

GIFT = "gift"


@dataclass(frozen=True)
class CampaignGroup:
    key: str
    name: Mapping[str, str]
    priority: int
    amount: str  # the legal parameter of the gift
    members: Mapping[str, tuple[str, ...]]  # programme -> categories


@dataclass(frozen=True)
class Campaign:
    code: str
    name: Mapping[str, str]
    month: dt.date
    legal_basis: str
    one_per_person: str  # the legal parameter of the rule
    groups: tuple[CampaignGroup, ...]


def campaigns_from(tree: Mapping[str, Any]) -> dict[str, Campaign]:
    """The campaigns of a parsed ``campaigns.yaml``."""
    found = {}
    for code, node in tree.items():
        groups = tuple(
            CampaignGroup(key=key, name=dict(g["name"]), priority=int(g["priority"]), amount=str(g["amount"]),
                          members={p: tuple(c) for p, c in g["members"].items()})
            for key, g in node["groups"].items()
        )  # fmt: skip
        if not groups:
            raise BadProgramme(code, "a campaign needs groups")
        month = node["month"] if isinstance(node["month"], dt.date) else dt.date.fromisoformat(str(node["month"]))
        found[code] = Campaign(code=code, name=dict(node["name"]), month=month.replace(day=1),
                               legal_basis=str(node["legal_basis"]), one_per_person=str(node["one_per_person"]),
                               groups=groups)  # fmt: skip
    return found


def _group_memberships(enrolled: pl.DataFrame, campaign: Campaign, rules: LegalData) -> pl.DataFrame:
    """One row per (person, group) the person's enrolments put them in, with the group's amount."""
    rows = []
    for group in campaign.groups:
        amount = rules.lookup(group.amount, campaign.month)
        for programme, categories in group.members.items():
            for category in categories:
                rows.append({"programme": programme, "category": category, "group": group.key,
                             "group_vi": group.name["vi"], "group_en": group.name.get("en", group.name["vi"]),
                             "priority": group.priority, "entitled": int(amount.value),
                             "references": amount.reference, "verified": amount.verified,
                             "amount_vi": format_number(amount.value, lang="vi"),
                             "amount_en": format_number(amount.value, lang="en")})  # fmt: skip
    table = pl.DataFrame(rows)
    return (
        enrolled.join(table, on=["programme", "category"], how="inner")
        .sort(["member_id", "entitled", "priority", "enrolment_id"], descending=[False, True, False, False])
        .unique(["member_id", "group"], keep="first", maintain_order=True)
    )


def campaign_lines(enrolled: pl.DataFrame, people: pl.DataFrame, campaign: Campaign, rules: LegalData) -> pl.DataFrame:
    """One line per person and group of ``campaign``: the person's highest group is paid (``gift``), the
    others are listed as not paid (``higher_category_paid``, naming the paid group) when the campaign gives
    one gift per person. ``enrolled``: ``enrolment_id``, ``member_id``, ``programme``, ``category`` (the
    enrolments in force in the campaign's month); ``people``: ``member_id``, ``date_of_birth``,
    ``date_of_death``, ``ward_code``. A person who died before the campaign's month gets nothing."""
    one = bool(rules.value_at(campaign.one_per_person, campaign.month))
    member = _group_memberships(enrolled, campaign, rules).join(people, on="member_id", how="inner")
    member = member.filter(pl.col("date_of_death").is_null() | (pl.col("date_of_death") >= campaign.month))
    aged = nw.from_native(member).with_columns(age_columns(campaign.month)).to_native()
    rank = pl.int_range(pl.len()).over("member_id")
    paid = (rank == 0) | pl.lit(not one)
    lines = aged.with_columns(
        pl.col(AGE_YEARS).cast(pl.Int32).alias("age"),
        pl.when(paid).then(pl.lit(PAID)).otherwise(pl.lit(HIGHER_PAID)).alias("status"),
    )
    return lines.select(
        "enrolment_id", "member_id", "ward_code", pl.col("group").alias("category"), "age",
        pl.col("category").alias("rows"), pl.lit(None, dtype=pl.Int64).alias("base"),
        pl.lit(None, dtype=pl.Float64).alias("coefficient"), "entitled",
        pl.when(pl.col("status") == PAID).then(pl.col("entitled")).otherwise(0).cast(pl.Int64).alias("amount"),
        "status",
        pl.col("group").filter(pl.col("status") == PAID).first().over("member_id").fill_null("").alias(
            "paid_category"),
        "references", "verified",
        pl.format("Quà {}: {} đồng ({})", pl.col("group_vi"), pl.col("amount_vi"), pl.col("references")).alias(
            "explanation_vi"),
        pl.format("Gift, {}: {} VND ({})", pl.col("group_en"), pl.col("amount_en"), pl.col("references")).alias(
            "explanation_en"),
        pl.lit(GIFT).alias("kind"), pl.lit(campaign.month, dtype=pl.Date).alias("for_month"),
        pl.lit(None, dtype=pl.Int64).alias("source_line_id"),
    ).cast(component_schema()).sort(["member_id", "status", "category"])  # fmt: skip


def campaign_duplicates(lines: pl.DataFrame) -> pl.DataFrame:
    """Everyone a campaign's lines find in more than one group: ``member_id``, the groups (paid one first),
    the paid group and its amount."""
    return (
        lines.sort(["member_id", "amount"], descending=[False, True])
        .group_by("member_id", maintain_order=True)
        .agg(
            pl.col("category").alias("groups"),
            pl.col("paid_category").first().alias("paid_group"),
            pl.col("amount").sum().alias("amount"),
            pl.len().alias("count"),
        )
        .filter(pl.col("count") > 1)
        .drop("count")
    )


# Who qualifies: each candidate rule is an expression over a people frame with ``age``, ``pension_monthly``,
# ``poverty_class``, ``disability_level``; the thresholds are the programme's parameters on the date.

CANDIDATE_COLUMNS = ("member_id", "ward_code", "age", "programme", "category", "qualifies", "reason_vi", "reason_en")


def candidates(people: pl.DataFrame, rules: LegalData, on: dt.date) -> pl.DataFrame:
    """For each living person, the programme categories they qualify for on ``on`` and the ones they come
    close to, with the reason in words (the social pension by age, pension and poverty class; the disability
    and 80+ categories of the monthly social assistance). ``people`` needs ``member_id``, ``ward_code``,
    ``date_of_birth``, ``date_of_death``, ``pension_monthly`` (0 without a pension), ``poverty_class``
    (``poor``/``near_poor``/other or null) and ``disability_level``; optionally ``disability_assessed_on``
    (a disability qualifies only once assessed, on or before ``on``) and ``merit_category`` (a person with merit
    qualifies for the category of the same code)."""
    if "disability_assessed_on" not in people.columns:
        people = people.with_columns(pl.lit(on, dtype=pl.Date).alias("disability_assessed_on"))
    if "merit_category" not in people.columns:
        people = people.with_columns(pl.lit(None, dtype=pl.String).alias("merit_category"))
    aged = nw.from_native(people.filter(pl.col("date_of_death").is_null())).with_columns(age_columns(on)).to_native()
    frame = aged.with_columns(pl.col(AGE_YEARS).cast(pl.Int32).alias("age"))
    assessed = pl.col("disability_assessed_on").is_not_null() & (pl.col("disability_assessed_on") <= on)
    assessed_vi = (
        pl.when(assessed)
        .then(pl.format("xác định ngày {}", pl.col("disability_assessed_on").dt.strftime("%d/%m/%Y")))
        .otherwise(pl.lit("chưa có ngày xác định mức độ khuyết tật"))
    )
    assessed_en = (
        pl.when(assessed)
        .then(pl.format("assessed on {}", pl.col("disability_assessed_on").dt.strftime("%d/%m/%Y")))
        .otherwise(pl.lit("no date of assessment"))
    )
    merit_codes = list(vocab.MERIT_CATEGORY)
    pension_level = int(rules.value_at("social_pension.amount", on))
    age_from = int(rules.value_at("social_pension.age_from", on))
    poor_from = int(rules.value_at("social_pension.poor_age_from", on))
    old_from = int(rules.value_at("social_assistance.age.old_elderly_from", on))
    age, pension = pl.col("age"), pl.col("pension_monthly").fill_null(0)
    poor = pl.col("poverty_class").is_in([vocab.POOR, vocab.NEAR_POOR]).fill_null(False)
    below_pension = pension < pension_level
    pension_vi = pl.format("lương hưu {} đồng/tháng", pension)
    pension_en = pl.format("pension {} VND/month", pension)
    rules_out: list[tuple[str, str, pl.Expr, pl.Expr, pl.Expr, pl.Expr]] = [
        (
            "social_pension",
            "age_75_no_pension",
            age >= age_from,
            below_pension,
            pl.format(
                f"{{}} tuổi (từ đủ {age_from}), {{}} (dưới {pension_level:,} đồng)".replace(",", "."), age, pension_vi
            ),
            pl.format(f"aged {{}} (from {age_from}), {{}} (below {pension_level:,} VND)", age, pension_en),
        ),
        (
            "social_pension",
            "poor_70_75",
            (age >= poor_from) & (age < age_from),
            poor & below_pension,
            pl.format(
                f"{{}} tuổi (từ đủ {poor_from} đến dưới {age_from}), hộ {{}}, {{}}",
                age,
                pl.col("poverty_class").fill_null("—"),
                pension_vi,
            ),
            pl.format(
                f"aged {{}} ({poor_from} to under {age_from}), household {{}}, {{}}",
                age,
                pl.col("poverty_class").fill_null("—"),
                pension_en,
            ),
        ),
        (
            "social_assistance",
            "disability_severe",
            pl.col("disability_level") == "severe",
            assessed,
            pl.format("khuyết tật nặng, {} (Nghị định 20/2021/NĐ-CP Điều 5 khoản 6)", assessed_vi),
            pl.format("severe disability, {} (Decree 20/2021/NĐ-CP Art. 5 cl. 6)", assessed_en),
        ),
        (
            "social_assistance",
            "disability_extremely_severe",
            pl.col("disability_level") == "extremely_severe",
            assessed,
            pl.format("khuyết tật đặc biệt nặng, {} (Nghị định 20/2021/NĐ-CP Điều 5 khoản 6)", assessed_vi),
            pl.format("extremely severe disability, {} (Decree 20/2021/NĐ-CP Art. 5 cl. 6)", assessed_en),
        ),
        (
            "social_assistance",
            "elderly_80_no_pension",
            age >= old_from,
            pension == 0,
            pl.format(f"{{}} tuổi (từ đủ {old_from}), {{}}", age, pension_vi),
            pl.format(f"aged {{}} (from {old_from}), {{}}", age, pension_en),
        ),
    ]
    merit_vi = pl.col("merit_category").replace_strict(
        {k: v[1] for k, v in vocab.MERIT_CATEGORY.items()}, default=pl.col("merit_category")
    )
    merit_en = pl.col("merit_category").replace_strict(
        {k: v[0] for k, v in vocab.MERIT_CATEGORY.items()}, default=pl.col("merit_category")
    )
    rules_out += [
        (
            "merit",
            code,
            pl.col("merit_category") == code,
            pl.lit(True),
            pl.format("người có công: {} (Nghị định 77/2024/NĐ-CP Phụ lục I)", merit_vi),
            pl.format("person with merit: {} (Decree 77/2024/NĐ-CP Appendix I)", merit_en),
        )
        for code in merit_codes
    ]
    parts = [
        frame.filter(applies.fill_null(False)).select(
            "member_id",
            "ward_code",
            "age",
            pl.lit(programme).alias("programme"),
            pl.lit(category).alias("category"),
            condition.alias("qualifies"),
            vi.alias("reason_vi"),
            en.alias("reason_en"),
        )
        for programme, category, applies, condition, vi, en in rules_out
    ]
    return pl.concat(parts).sort(["member_id", "programme", "category"]).select(CANDIDATE_COLUMNS)
