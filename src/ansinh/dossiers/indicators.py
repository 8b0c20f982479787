"""The Decision 766 indicators, computed from the same events as the period report, with their formulas shown.

Each indicator is data (``rules/indicators_766.yaml``): a group, a name, the counts summed above and below the
line, and its maximum points. The counts come from three set-based statements already used elsewhere: the period
report (``dossiers.reports.period_report``, which also counts the digitised dossiers: accepted in the period with
a file attached at receipt), the satisfaction ratings (``dossiers.reports.satisfaction``) and the PAKN report
(``feedback.feedback_report``). The score of an indicator is ``numerator / denominator × points``; an indicator
with an empty denominator has no score (shown as such, never as zero or full marks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ansinh.dossiers.feedback import feedback_report
from ansinh.dossiers.procedures import rules
from ansinh.dossiers.reports import period_report, satisfaction

# How each count is named on the page (the formula is written with these words).
COUNT_NAMES = {
    "early": "trước hạn",
    "on_time": "đúng hạn",
    "late": "quá hạn",
    "received_online": "tiếp nhận trực tuyến",
    "received_counter": "tiếp nhận trực tiếp",
    "received_post": "tiếp nhận qua bưu chính",
    "digitised": "hồ sơ có tệp số hóa",
    "satisfied": "đánh giá hài lòng, rất hài lòng",
    "ratings": "lượt đánh giá",
    "feedback_handled": "PAKN đã trả lời",
    "feedback_handled_on_time": "PAKN trả lời đúng hạn",
}


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    points: float

    @property
    def formula(self) -> str:
        def side(keys: tuple[str, ...]) -> str:
            words = " + ".join(f"«{COUNT_NAMES.get(k, k)}»" for k in keys)
            return f"({words})" if len(keys) > 1 else words

        return f"{side(self.numerator)} / {side(self.denominator)} × {self.points:g}"


@dataclass(frozen=True)
class Score:
    indicator: Indicator
    numerator: int
    denominator: int

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def points(self) -> float | None:
        return None if self.share is None else round(self.share * self.indicator.points, 2)


def indicators(on: dt.date) -> tuple[list[Indicator], str, bool]:
    """The indicators in force on ``on``, with their legal reference and whether they are verified."""
    found = rules().lookup("indicators_766", on)
    items = [
        Indicator(
            code=code,
            group=str(d["group"]),
            name=str(d["name"]),
            numerator=tuple(d["numerator"]),
            denominator=tuple(d["denominator"]),
            points=float(d["points"]),
        )
        for code, d in dict(found.value).items()
    ]
    return items, found.reference, found.verified


def counts(start: dt.date, end: dt.date, wards: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Every count the indicators may name, per ward and for all (``""``), from the same events."""
    table: dict[str, dict[str, int]] = {}
    for r in period_report(start, end, wards):
        table[r.unit] = {k: int(v) for k, v in r.as_dict().items() if isinstance(v, int)}
    for s in satisfaction(start, end, wards):
        table.setdefault(s.unit, {}).update(ratings=s.ratings, satisfied=s.satisfied)
    for f in feedback_report(start, end, wards):
        table.setdefault(f.unit, {}).update(feedback_handled=f.handled, feedback_handled_on_time=f.handled_on_time)
    return table


def scores(
    start: dt.date, end: dt.date, wards: list[str] | None = None
) -> tuple[list[Indicator], dict[str, list[Score]]]:
    """The indicators in force at ``start`` and each unit's scores (``""``: all the wards asked)."""
    items, _ref, _verified = indicators(start)
    table = counts(start, end, wards)
    out = {
        unit: [
            Score(i, sum(row.get(k, 0) for k in i.numerator), sum(row.get(k, 0) for k in i.denominator)) for i in items
        ]
        for unit, row in table.items()
    }
    return items, out
