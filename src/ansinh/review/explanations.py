"""The explanation of an assessment, rebuilt from what the assessment stores, in Vietnamese or English.

A round stores hundreds of thousands of results; their explanation is not stored with each (it is most of
a row's bytes and of the cost of storing it) but rebuilt here when a page shows it, from the stored
standard, income per person, income line, deprived indicators and class. Results whose class comes from a
form-B scoring method keep the explanation written at assessment (the score is not stored elsewhere).

Numbers are written the reader's way (1.500.000 in Vietnamese); where the income and the line would look
the same once rounded, enough decimals are shown to tell them apart.

>>> print(explain(standard_id="vn_2022", income_per_person=1_200_000.0, income_line=1_500_000.0,
...               deprivation_count=1, deprived={"health_insurance": 1}, klass="near_poor"))
... # doctest: +NORMALIZE_WHITESPACE
Chuẩn nghèo đa chiều quốc gia giai đoạn 2022–2025 (kéo dài đến hết năm 2026): thu nhập bình quân
1.200.000 đồng/người/tháng, không vượt chuẩn 1.500.000 đồng; thiếu hụt 1 chỉ số (Bảo hiểm y tế).
Kết quả: hộ cận nghèo.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ansinh import vocab
from ansinh.lib.numbers import format_pair
from ansinh.standards import StandardError, load_standard

# The class as the explanation's last sentence names it ("Kết quả: hộ cận nghèo.").
CLASS_VI = {code: vocab.household_class(code).lower() for code in vocab.POVERTY_CLASSES}

WORDS = {
    "vi": {
        "income": "thu nhập bình quân",
        "per_month": "đồng/người/tháng",
        "at_or_below": "không vượt chuẩn",
        "above": "cao hơn chuẩn",
        "vnd": "đồng",
        "lacks": "thiếu hụt {n} chỉ số",
        "unknown": "chưa xác định (chưa có thông tin, cần khảo sát)",
        "result": "Kết quả",
    },
    "en": {
        "income": "income per person",
        "per_month": "VND per person per month",
        "at_or_below": "at or below the line of",
        "above": "above the line of",
        "vnd": "VND",
        "lacks": "lacks {n} indicator(s)",
        "unknown": "not known yet (to be surveyed)",
        "result": "Result",
    },
}


@functools.lru_cache(maxsize=64)
def indicator_order(standard_id: str, lang: str = "vi") -> tuple[tuple[str, str], ...]:
    """(name, label) of the standard's indicators, in the standard's order (empty if unknown)."""
    try:
        indicators = load_standard(standard_id).indicators
        return tuple((i.name, str(i.label.get(lang) or i.label.get("vi", i.name))) for i in indicators)
    except StandardError:
        return ()


@functools.lru_cache(maxsize=64)
def standard_title(standard_id: str, lang: str = "vi") -> str:
    """The standard's title in ``lang`` (its id if the standard is unknown)."""
    try:
        title = load_standard(standard_id).title
    except StandardError:
        return standard_id
    return str(title.get(lang) or title.get("vi") or standard_id)


def explain(
    *,
    standard_id: str,
    income_per_person: float,
    income_line: float,
    deprivation_count: int,
    deprived: Mapping[str, Any],
    klass: str,
    lang: str = "vi",
) -> str:
    """One result's explanation. ``deprived`` holds the indicators the household is deprived in (the stored
    ``Assessment.indicators``). Income at or below the line compares the stored per-person income and line,
    which are each one correctly rounded division, so the comparison is the engine's exact one."""
    lang = "en" if lang == "en" else "vi"
    w = WORDS[lang]
    known = indicator_order(standard_id, lang)
    names = [label for name, label in known if deprived.get(name)]
    names += [name.replace("_", " ") for name, value in sorted(deprived.items()) if value and name not in dict(known)]
    listed = f" ({', '.join(names)})" if deprivation_count > 0 else ""
    # An indicator stored as null: its input is not known (left blank), to be surveyed; not counted.
    unknown = [label for name, label in known if name in deprived and deprived[name] is None]
    pending = f"; {w['unknown']}: {', '.join(unknown)}" if unknown else ""
    compared = w["at_or_below"] if income_per_person <= income_line else w["above"]
    income, line = format_pair(income_per_person, income_line, lang)
    klass_text = vocab.household_class(klass, lang).lower() if klass in vocab.POVERTY_CLASSES else ""
    return (
        f"{standard_title(standard_id, lang)}: {w['income']} {income} {w['per_month']}, {compared} "
        f"{line} {w['vnd']}; {w['lacks'].format(n=deprivation_count)}{listed}{pending}. "
        f"{w['result']}: {klass_text}."
    )
