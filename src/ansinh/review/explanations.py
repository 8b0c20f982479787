"""The Vietnamese explanation of an assessment, rebuilt from what the assessment stores.

A round stores hundreds of thousands of results; their explanation is not stored with each (it is most of
a row's bytes and of the cost of storing it) but rebuilt here when a page shows it, from the stored
standard, income per person, income line, deprived indicators and class. Results whose class comes from a
form-B scoring method keep the explanation written at assessment (the score is not stored elsewhere).

>>> print(explain(standard_id="vn_2022", income_per_person=1_200_000.0, income_line=1_500_000.0,
...               deprivation_count=1, deprived={"health_insurance": 1}, klass="near_poor"))
... # doctest: +NORMALIZE_WHITESPACE
vn_2022: thu nhập bình quân 1200000 đồng/người/tháng ≤ chuẩn 1500000 đồng; thiếu hụt 1 chỉ số
(Bảo hiểm y tế). Kết quả: hộ cận nghèo.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ansinh import vocab
from ansinh.standards import StandardError, load_standard

# The class as the explanation's last sentence names it ("Kết quả: hộ cận nghèo.").
CLASS_VI = {code: vocab.household_class(code).lower() for code in vocab.POVERTY_CLASSES}


@functools.lru_cache(maxsize=64)
def indicator_order(standard_id: str) -> tuple[tuple[str, str], ...]:
    """(name, Vietnamese label) of the standard's indicators, in the standard's order (empty if unknown)."""
    try:
        return tuple((i.name, str(i.label.get("vi", i.name))) for i in load_standard(standard_id).indicators)
    except StandardError:
        return ()


def explain(
    *,
    standard_id: str,
    income_per_person: float,
    income_line: float,
    deprivation_count: int,
    deprived: Mapping[str, Any],
    klass: str,
) -> str:
    """One result's explanation. ``deprived`` holds the indicators the household is deprived in (the stored
    ``Assessment.indicators``). Income at or below the line compares the stored per-person income and line,
    which are each one correctly rounded division, so the comparison is the engine's exact one."""
    known = indicator_order(standard_id)
    names = [label for name, label in known if deprived.get(name)]
    names += [name for name, value in sorted(deprived.items()) if value and name not in dict(known)]
    listed = f" ({', '.join(names)})" if deprivation_count > 0 else ""
    # An indicator stored as null: its input is not known (left blank), to be surveyed; not counted.
    unknown = [label for name, label in known if name in deprived and deprived[name] is None]
    pending = f"; chưa xác định (chưa có thông tin, cần khảo sát): {', '.join(unknown)}" if unknown else ""
    sign = "≤" if income_per_person <= income_line else ">"
    return (
        f"{standard_id}: thu nhập bình quân {round(income_per_person)} đồng/người/tháng {sign} chuẩn "
        f"{round(income_line)} đồng; thiếu hụt {deprivation_count} chỉ số{listed}{pending}. "
        f"Kết quả: {CLASS_VI.get(klass, '')}."
    )
