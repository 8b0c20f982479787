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

from ansinh import registry_schema, vocab
from ansinh.engine.assess import run_polars
from ansinh.engine.frames import Frame, FrameError, validate_frames
from ansinh.engine.plan import Line, Plan, build_plan, resolve
from ansinh.engine.stages import age_columns
from ansinh.lib.citation import cite
from ansinh.lib.dates import format_date
from ansinh.lib.numbers import format_number, format_pair, separators
from ansinh.standards import Standard, Value
from ansinh.standards.formulas import AGE_YEARS

Lang = str

# What each formula tests, in words; {placeholders} are the indicator's parameters (last path segment).
REASON: dict[str, dict[Lang, str]] = {
    "employment": {
        "vi": "có người trong độ tuổi lao động (từ {from} đến {retirement_male} với nam, {retirement_female} "
        "với nữ) thất nghiệp, làm việc không được trả công hoặc không có hợp đồng",
        "en": "a working-age member (from {from} to {retirement_male} for men, {retirement_female} for women) is "
        "unemployed, works without pay or without a labour contract",
    },
    "dependants": {
        "vi": "người phụ thuộc (trẻ dưới {child_age_below} tuổi, người từ {elderly_age_from} tuổi không có lương "
        "hưu, người khuyết tật nặng, người không có khả năng lao động) chiếm hơn {share_above} số nhân khẩu",
        "en": "dependants (children under {child_age_below}, people aged {elderly_age_from}+ without a pension, "
        "people with a severe disability or unable to work) are more than {share_above} of the members",
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
        "vi": "diện tích nhà ở bình quân dưới {per_person_below}/người",
        "en": "floor area below {per_person_below} per person",
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
        "vi": "có người trong độ tuổi lao động (từ {from} đến {retirement_male} với nam, {retirement_female} "
        "với nữ) có việc làm, có thu nhập nhưng không tham gia bảo hiểm xã hội",
        "en": "a working-age member (from {from} to {retirement_male} for men, {retirement_female} for women) who "
        "works and earns an income has no social insurance",
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
    "unverified_thresholds": {"vi": "ngưỡng chưa xác minh", "en": "thresholds not yet verified"},
}
BOOLEAN_ATTRIBUTES = {a.name for a in (*registry_schema.HOUSEHOLD, *registry_schema.MEMBER) if a.kind == "bool"}

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


def _money(amount: float, lang: Lang, decimals: int = 0) -> str:
    return format_number(amount, decimals, lang=lang)


def _label(column: str, value: object, lang: Lang) -> str:
    vocabulary = vocab.VOCABULARIES.get(column)
    if vocabulary is not None and isinstance(value, str) and value in vocabulary:
        return vocabulary[value][1 if lang == "vi" else 0]
    if isinstance(value, bool) or column in BOOLEAN_ATTRIBUTES:
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if isinstance(value, float):
        return format_number(value, 0 if value.is_integer() else 1, lang=lang)
    if isinstance(value, int):
        return format_number(value, lang=lang)
    return str(value)


def _attribute(column: str, value: object, lang: Lang) -> str:
    """One household attribute that caused a deprivation, in words: "diện tích nhà ở 37,5 m²"."""
    if column == "members":
        return f"{value} {WORDS['persons'][lang]}"
    label = registry_schema.attribute_label(column, lang)
    text = _label(column, value, lang)
    if column == "floor_area_m2":
        return f"{label} {text} m²"
    return f"{label}: {text}"


def _line_text(line: Line, area: str, standard: Standard, lang: Lang, decimals: int = 0) -> str:
    amount = line.amounts.get(area, line.amounts.get("*", 0))
    unit = WORDS["per_year" if line.months == 12 else "per_month"][lang]
    text = f"{_money(amount, lang, decimals)} {unit}"
    if line.months != 1:
        text += f" (= {_money(amount / line.months, lang, decimals)} {WORDS['per_month'][lang]})"
    leaf = line.name if "*" in line.amounts else f"{line.name}.{area}"
    parameter = standard.parameters[leaf]
    where = "" if "*" in line.amounts else f", {WORDS[area][lang]}"
    flag = "" if parameter.verified else f"; {WORDS['unverified'][lang]}"
    return f"{text}{where} ({WORDS['basis'][lang]}: {cite(parameter.reference, lang)}{flag})"


def _format(template: str, params: Mapping[str, Value], units: Mapping[str, str], lang: Lang) -> str:
    short = {path.rsplit(".", 1)[-1]: _value_text(value, units.get(path, ""), lang) for path, value in params.items()}
    try:
        return template.format(**short)
    except (KeyError, ValueError, IndexError):
        return template


def _member_name(name: object, position: int, lang: Lang) -> str:
    if isinstance(name, str) and name.strip():
        return name.strip()
    return f"thành viên thứ {position}" if lang == "vi" else f"member no. {position}"


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
        .with_row_index("position", offset=1)
    )
    standard = plan.standard
    area = str(row["area_type"])
    w = {k: v[lang] for k, v in WORDS.items()}
    code = households["code"][0] if "code" in households.columns and households["code"][0] else row["household_id"]
    # The ward by its name when the frame carries one (the registry's pages do), else by its code.
    ward = (
        households["ward_name"][0]
        if "ward_name" in households.columns and households["ward_name"][0]
        else f"{w['ward']} {row['ward_code']}"
    )
    lines = [
        f"{w['household']} {code} ({ward}, {w[area]}). "
        f"{w['standard']}: {standard.title[lang]}, {w['date']} {format_date(plan.on)}.",
        f"{w['result']}: {vocab.household_class(row['class'], lang).upper()}.",
    ]
    below = row["at_or_below_line"] == 1
    line_amount = plan.line.amounts.get(area, plan.line.amounts.get("*", 0)) / plan.line.months
    income = format_pair(float(row["income_per_person"]), float(line_amount), lang)[0]
    decimals = len(income.split(separators(lang)[1])[1]) if separators(lang)[1] in income else 0
    lines.append(
        f"{w['income']}: {income} {w['per_month']} "
        f"({w['total']} {_money(row['income_total'], lang)} {w['vnd_month']}, {row['members']} {w['persons']}), "
        f"{w['at_or_below' if below else 'above']} {w['line']} "
        f"{_line_text(plan.line, area, standard, lang, decimals)}."
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
    units = {path: parameter.unit for path, parameter in standard.parameters.items()}
    for number, ip in enumerate(deprived, start=1):
        ind = ip.indicator
        reason = _format(REASON.get(ind.formula, {}).get(lang, ind.label[lang]), ip.params, units, lang)
        dimension = standard.dimension_labels[ind.dimension][lang]
        named = ind.label[lang] if dimension == ind.label[lang] else f"{ind.label[lang]} ({dimension})"
        text = f"  {number}. {named}: {reason}"
        causes: list[str] = []
        if ip.deprivation.who is not None:
            who = flags.filter(pl.col(ip.deprivation.who) == 1)
            names = who.get_column("full_name") if "full_name" in who.columns else None
            for i, age in enumerate(who.get_column(AGE_YEARS).to_list()):
                name = _member_name(names[i] if names is not None else None, who["position"][i], lang)
                causes.append(f"{name} ({age} {w['years_old']})")
        for column in ip.deprivation.attributes:
            if column in row:
                causes.append(_attribute(column, row[column], lang))
            elif column in households.columns:
                causes.append(_attribute(column, households[column][0], lang))
        if causes:
            text += f" — {w['who']} " + ", ".join(causes)
        if any(not standard.parameters[path].verified for path in ip.params):
            text += f"; {w['unverified_thresholds']}"
        text += f"; {w['basis']}: {cite(ind.reference, lang)}."
        lines.append(text)
    rule = row["class"]
    if rule == vocab.NEAR_POOR:
        rule = "near_poor_band" if plan.near_poor_line is not None else "near_poor_split"
    lines.append(RULE[rule][lang].format(k=plan.cutoff))
    return "\n".join(lines)


def _age(months: int, lang: Lang) -> str:
    """An age held in months as people say it: "60 tuổi 9 tháng", "15 tuổi"."""
    years, rest = divmod(int(months), 12)
    if lang == "vi":
        return f"{years} tuổi" + (f" {rest} tháng" if rest else "")
    return f"{years} years" + (f" {rest} months" if rest else "")


def _value_text(value: Value, unit: str, lang: Lang) -> str:
    """A parameter's value as the sentence around it needs it (the sentence says "tuổi" after years)."""
    if isinstance(value, tuple):
        return ", ".join(_code_label(code, lang) for code in value)
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if unit == "months" and isinstance(value, int | float):
        return _age(int(value), lang)
    if unit == "ratio" and isinstance(value, int | float):
        return f"{format_number(value * 100, 0 if float(value * 100).is_integer() else 1, lang=lang)}%"
    if unit == "m2/person" and isinstance(value, int | float):
        return f"{format_number(value, 0 if float(value).is_integer() else 1, lang=lang)} m²"
    if isinstance(value, int | float):
        return format_number(value, 0 if float(value).is_integer() else 1, lang=lang)
    return _code_label(str(value), lang)


def _code_label(code: str, lang: Lang) -> str:
    for vocabulary in vocab.VOCABULARIES.values():
        if code in vocabulary:
            return vocabulary[code][1 if lang == "vi" else 0]
    return code


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
