"""A round's class counts come poorest first, standards by id, whatever order the rows are read in."""

from __future__ import annotations

import itertools
from typing import Any

from ansinh import vocab
from ansinh.review import queries


class _Rows:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows

    def values_list(self, *fields: str) -> list[tuple[str, str]]:
        return self.rows


def test_the_class_counts_keep_one_order(monkeypatch: Any) -> None:
    classes = list(vocab.POVERTY_CLASSES)
    rows = [(s, k) for s in ("vn_2022", "hcm_2025") for k in classes for _ in range(classes.index(k) + 1)]
    seen = []
    for shift in range(0, len(rows), 3):
        shuffled = rows[shift:] + rows[:shift]
        for order in (shuffled, list(reversed(shuffled))):
            monkeypatch.setattr(queries.Assessment.objects, "filter", lambda o=order, **_kw: _Rows(o))
            counts = queries.class_counts(None)  # type: ignore[arg-type]
            seen.append([(s, list(by_class.items())) for s, by_class in counts.items()])
    expected = [(s, [(k, classes.index(k) + 1) for k in classes]) for s in ("hcm_2025", "vn_2022")]
    assert all(s == expected for s in seen), next(s for s in seen if s != expected)
    assert len(list(itertools.chain(*seen))) > 2
