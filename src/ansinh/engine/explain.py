"""Explain one household's assessment in Vietnamese or English, in words an officer can read out.

The household is assessed by the very expressions of the whole-population run, on a one-household frame;
the members who caused a deprivation are found by the same member-level flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import narwhals.stable.v2 as nw
import polars as pl

from ansinh import vocab
from ansinh.engine.assess import run_polars
from ansinh.engine.frames import Frame, FrameError, validate_frames
from ansinh.engine.plan import Line, Plan, build_plan, resolve
from ansinh.engine.stages import age_columns
from ansinh.lib.dates import format_date
from ansinh.lib.numbers import format_number
from ansinh.standards import Standard, Value
from ansinh.standards.formulas import AGE_YEARS

Lang = str

# What each formula tests, in words; {placeholders} are the indicator's parameters (last path segment).
REASON: dict[str, dict[Lang, str]] = {
    "employment": {
        "vi": "có người trong độ tuổi lao động thất nghiệp, làm việc không được trả công hoặc không có hợp đồng",
        "en": "a working-age member is unemployed, works without pay or without a labour contract",
    },
    "dependants": {
        "vi": "người phụ thuộc (trẻ dưới {child_age_below} tuổi, người từ {elderly_age_from} tuổi không có lương "
        "hưu, người khuyết tật nặng, người không có khả năng lao động) chiếm hơn {share_above:.0%} số nhân khẩu",
        "en": "dependants (children under {child_age_below}, people aged {elderly_age_from}+ without a pension, "
        "people with a severe disability or unable to work) are more than {share_above:.0%} of the members",
    },
    "nutrition": {
        "vi": "có trẻ dưới {child_age_below} tuổi suy dinh dưỡng (thấp còi hoặc nhẹ cân)",
        "en": "a child under {child_age_below} is malnourished (stunted or underweight)",
    },
    "health_insurance": {
        "vi": "có người từ {age_from} tuổi trở lên không có bảo hiểm y tế",
        "en": "a member aged {age_from} or older has no health insurance",
    },
    "adult_education": {
        "vi": "có người từ {age_from} đến {age_to} tuổi không đi học và chưa có bằng cấp theo độ tuổi "
        "(dưới {upper_band_from} tuổi: THCS; từ {upper_band_from} tuổi: THPT hoặc trình độ nghề)",
        "en": "a member aged {age_from} to {age_to} is not studying and lacks the qualification for their age "
        "(under {upper_band_from}: lower secondary; from {upper_band_from}: upper secondary or vocational)",
    },
    "school_attendance": {
        "vi": "có trẻ từ {age_from} đến dưới {age_below} tuổi không đi học",
        "en": "a child aged {age_from} to under {age_below} does not attend school",
    },
    "housing_quality": {
        "vi": "ít nhất {non_durable_from} trong 3 kết cấu chính (tường, khung, mái) không bền chắc",
        "en": "at least {non_durable_from} of the 3 main structures (walls, frame, roof) are not durable",
    },
    "floor_area": {
        "vi": "diện tích nhà ở bình quân dưới {per_person_below:g} m²/người",
        "en": "floor area below {per_person_below:g} m² per person",
    },
    "water": {"vi": "không tiếp cận nguồn nước sinh hoạt an toàn", "en": "no access to a safe water source"},
    "toilet": {"vi": "không có nhà tiêu hợp vệ sinh", "en": "no hygienic toilet"},
    "telecom": {
        "vi": "không thành viên nào sử dụng dịch vụ điện thoại hoặc internet",
        "en": "no member uses telephone or internet services",
    },
    "information_devices": {
        "vi": "không có tivi, radio, máy tính hoặc điện thoại kết nối internet",
        "en": "owns no TV, radio, computer or internet-capable phone",
    },
    "digital_services": {
        "vi": "không thành viên nào sử dụng internet hoặc dịch vụ số",
        "en": "no member uses internet or digital services",
    },
    "waste": {
        "vi": "rác thải sinh hoạt không được thu gom hoặc xử lý hợp vệ sinh",
        "en": "household waste is not collected or treated hygienically",
    },
    "social_insurance": {
        "vi": "có người trong độ tuổi lao động có việc làm, có thu nhập nhưng không tham gia bảo hiểm xã hội",
        "en": "a working-age member who works and earns an income has no social insurance",
    },
}

WORDS: dict[str, dict[Lang, str]] = {
    "household": {"vi": "Hộ", "en": "Household"},
    "ward": {"vi": "phường/xã", "en": "ward"},
    "standard": {"vi": "Chuẩn áp dụng", "en": "Standard"},
    "version": {"vi": "phiên bản tham số", "en": "parameter version"},
    "date": {"vi": "ngày đánh giá", "en": "assessed on"},
    "result": {"vi": "Kết quả", "en": "Result"},
    "income": {"vi": "Thu nhập bình quân", "en": "Income per person"},
    "total": {"vi": "tổng thu nhập hộ", "en": "household total"},
    "persons": {"vi": "người", "en": "members"},
    "per_month": {"vi": "đồng/người/tháng", "en": "VND per person per month"},
    "per_year": {"vi": "đồng/người/năm", "en": "VND per person per year"},
    "vnd_month": {"vi": "đồng/tháng", "en": "VND/month"},
    "line": {"vi": "chuẩn thu nhập", "en": "income line"},
    "near_line": {"vi": "ngưỡng cận nghèo", "en": "near-poor ceiling"},
    "avg_line": {"vi": "ngưỡng mức sống trung bình", "en": "average living ceiling"},
    "at_or_below": {"vi": "không vượt", "en": "at or below"},
    "above": {"vi": "cao hơn", "en": "above"},
    "deprived": {"vi": "Thiếu hụt {n}/{total} chỉ số", "en": "Lacks {n} of {total} indicators"},
    "cutoff": {"vi": "hộ nghèo cần thiếu hụt từ {k} chỉ số trở lên", "en": "poor requires {k} or more"},
    "none": {"vi": "Không thiếu hụt chỉ số nào.", "en": "No indicator is lacking."},
    "who": {"vi": "do", "en": "because of"},
    "years_old": {"vi": "tuổi", "en": "years"},
    "threshold": {"vi": "ngưỡng", "en": "threshold"},
    "basis": {"vi": "căn cứ", "en": "legal basis"},
    "urban": {"vi": "thành thị", "en": "urban"},
    "rural": {"vi": "nông thôn", "en": "rural"},
    "unverified": {"vi": "chưa xác minh", "en": "unverified"},
}

RULE: dict[str, dict[Lang, str]] = {
    vocab.POOR: {
        "vi": "Hộ nghèo: thu nhập không vượt chuẩn và thiếu hụt từ {k} chỉ số trở lên.",
        "en": "Poor: income at or below the line and {k} or more indicators lacking.",
    },
    "near_poor_split": {
        "vi": "Hộ cận nghèo: thu nhập không vượt chuẩn và thiếu hụt dưới {k} chỉ số.",
        "en": "Near-poor: income at or below the line and fewer than {k} indicators lacking.",
    },
    "near_poor_band": {
        "vi": "Hộ cận nghèo: thu nhập không vượt chuẩn và thiếu hụt dưới {k} chỉ số, hoặc thu nhập trên chuẩn "
        "đến ngưỡng cận nghèo.",
        "en": "Near-poor: income at or below the line with fewer than {k} indicators lacking, or above the line "
        "up to the near-poor ceiling.",
    },
    vocab.AVERAGE_LIVING: {
        "vi": "Hộ có mức sống trung bình: thu nhập trên chuẩn đến ngưỡng mức sống trung bình, không xét chỉ số.",
        "en": "Average living standard: income above the line up to the average-living ceiling, whatever the "
        "indicators.",
    },
    vocab.NOT_POOR: {
        "vi": "Thu nhập cao hơn các ngưỡng của chuẩn.",
        "en": "Income above every ceiling of the standard.",
    },
}


def _money(amount: float, lang: Lang) -> str:
    return format_number(amount, lang=lang)


def _label(column: str, value: object, lang: Lang) -> str:
    vocabulary = vocab.VOCABULARIES.get(column)
    if vocabulary is not None and isinstance(value, str) and value in vocabulary:
        return vocabulary[value][1 if lang == "vi" else 0]
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    return str(value)


def _line_text(line: Line, area: str, standard: Standard, lang: Lang) -> str:
    amount = line.amounts.get(area, line.amounts.get("*", 0))
    unit = WORDS["per_year" if line.months == 12 else "per_month"][lang]
    text = f"{_money(amount, lang)} {unit}"
    if line.months != 1:
        text += f" (= {_money(amount / line.months, lang)} {WORDS['per_month'][lang]})"
    leaf = line.name if "*" in line.amounts else f"{line.name}.{area}"
    parameter = standard.parameters[leaf]
    where = "" if "*" in line.amounts else f", {WORDS[area][lang]}"
    flag = "" if parameter.verified else f"; {WORDS['unverified'][lang]}"
    return f"{text}{where} [{parameter.reference}{flag}]"


def _format(template: str, params: Mapping[str, Value]) -> str:
    short = {path.rsplit(".", 1)[-1]: value for path, value in params.items()}
    try:
        return template.format(**short)
    except (KeyError, ValueError, IndexError):
        return template


def explain_plan(plan: Plan, households: pl.DataFrame, members: pl.DataFrame, lang: Lang = "vi") -> str:
    """Explain the first household of validated one-household frames under ``plan``."""
    if lang not in ("vi", "en"):
        raise ValueError("lang must be 'vi' or 'en'")
    row = run_polars(plan, households, members).row(0, named=True)
    flags = (
        nw.from_native(members.lazy())
        .with_columns(*age_columns(plan.on))
        .with_columns(*[flag.cast(nw.Int32).alias(name) for name, flag in plan.member_flags])
        .to_native()
        .collect()
    )
    standard = plan.standard
    area = str(row["area_type"])
    w = {k: v[lang] for k, v in WORDS.items()}
    lines = [
        f"{w['household']} {row['household_id']} ({w['ward']} {row['ward_code']}, {w[area]}). "
        f"{w['standard']}: {standard.title[lang]} [{standard.id}, {w['version']} {standard.version}], "
        f"{w['date']} {format_date(plan.on) if lang == 'vi' else plan.on.isoformat()}.",
        f"{w['result']}: {vocab.household_class(row['class'], lang).upper()}.",
    ]
    below = row["at_or_below_line"] == 1
    lines.append(
        f"{w['income']}: {_money(row['income_per_person'], lang)} {w['per_month']} "
        f"({w['total']} {_money(row['income_total'], lang)} {w['vnd_month']}, {row['members']} {w['persons']}), "
        f"{w['at_or_below' if below else 'above']} {w['line']} {_line_text(plan.line, area, standard, lang)}."
    )
    for line, key in ((plan.near_poor_line, "near_line"), (plan.average_living_line, "avg_line")):
        if line is not None and not below:
            lines.append(f"  {w[key]}: {_line_text(line, area, standard, lang)}.")
    deprived = [ip for ip in plan.indicators if row[f"ind_{ip.indicator.name}"] == 1]
    lines.append(
        w["deprived"].format(n=row["deprivation_count"], total=len(plan.indicators))
        + f" ({w['cutoff'].format(k=plan.cutoff)}):"
    )
    if not deprived:
        lines.append("  " + w["none"])
    for number, ip in enumerate(deprived, start=1):
        ind = ip.indicator
        reason = _format(REASON.get(ind.formula, {}).get(lang, ind.label[lang]), ip.params)
        dimension = standard.dimension_labels[ind.dimension][lang]
        text = f"  {number}. {ind.label[lang]} ({dimension}): {reason}"
        causes: list[str] = []
        if ip.deprivation.who is not None:
            who = flags.filter(pl.col(ip.deprivation.who) == 1)
            names = who.get_column("full_name") if "full_name" in who.columns else None
            for i, age in enumerate(who.get_column(AGE_YEARS).to_list()):
                name = names[i] if names is not None and names[i] else f"member {who['member_id'][i]}"
                causes.append(f"{name} ({age} {w['years_old']})")
        for column in ip.deprivation.attributes:
            if column in row:
                causes.append(f"{column} = {_label(column, row[column], lang)}")
            elif column in households.columns:
                causes.append(f"{column} = {_label(column, households[column][0], lang)}")
        if causes:
            text += f" — {w['who']} " + ", ".join(causes)
        thresholds = ", ".join(
            f"{path} = {_value_text(value, standard.parameters[path].unit, lang)}"
            + ("" if standard.parameters[path].verified else f" ({w['unverified']})")
            for path, value in ip.params.items()
        )
        if thresholds:
            text += f"; {w['threshold']}: {thresholds}"
        text += f"; {w['basis']}: {ind.reference}."
        lines.append(text)
    rule = row["class"]
    if rule == vocab.NEAR_POOR:
        rule = "near_poor_band" if plan.near_poor_line is not None else "near_poor_split"
    lines.append(RULE[rule][lang].format(k=plan.cutoff))
    return "\n".join(lines)


UNIT_VI = {"years": "tuổi", "months": "tháng", "m2/person": "m²/người"}


def _value_text(value: Value, unit: str, lang: Lang) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    if unit in ("count", "ratio", "flag", "choice", "codes"):
        return str(value)
    return f"{value} {UNIT_VI.get(unit, unit) if lang == 'vi' else unit}"


def explain(
    households: Frame,
    members: Frame,
    standard: Standard | str,
    on: dt.date,
    household_id: int,
    *,
    lang: Lang = "vi",
    overrides: Mapping[str, object] | None = None,
) -> str:
    """A readable account of one household's assessment: income against the line, each lacking indicator
    with the member or attribute that caused it, its threshold and legal reference, and the class rule."""
    plan = build_plan(resolve(standard, overrides), on)
    hh = _one(households, "household_id", household_id)
    mm = _one(members, "household_id", household_id)
    if hh.height == 0:
        raise FrameError([f"households: no household_id {household_id}"])
    hh, mm = validate_frames(hh, mm, on)
    return explain_plan(plan, hh, mm, lang)


def _one(frame: Frame, column: str, value: Any) -> pl.DataFrame:
    lazy = frame.lazy() if isinstance(frame, pl.DataFrame) else frame
    if column not in lazy.collect_schema().names():
        raise FrameError([f"missing column {column}"])
    return lazy.filter(pl.col(column).cast(pl.String).str.strip_chars() == str(value)).collect()
