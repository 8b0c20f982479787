"""Safe statistics of cases: only cases whose survivor consented to statistical reporting, counted in a table whose
small cells are suppressed, with complementary suppression so that no total gives a hidden cell back.

The counts are one query and one Polars group-by over the user's area (``accounts.scope.scoped_wards``: the
statistics are aggregates of an area, not a case list; no case of another circle is ever shown, only counts of
at least the threshold). :func:`suppress` is pure and small: a table of a few dozen cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings
from django.utils import timezone

from ansinh import vocab
from ansinh.accounts.scope import scoped_wards
from ansinh.cases.models import Case, Consent, ConsentKind, Incident


def suppress(cells: list[list[int]], threshold: int) -> list[list[bool]]:
    """Which entries of a table with its margins to hide. ``cells`` is R×C; the result is (R+1)×(C+1), the last
    row and column being the totals. A count from 1 to ``threshold - 1`` is hidden (primary); then, while a row
    or a column (totals included) hides exactly one entry, the smallest other entry of that line is hidden too
    (complementary: a line's sum would otherwise give the hidden one back).

    >>> mask = suppress([[2, 10, 12], [9, 8, 11]], 5)
    >>> [[int(x) for x in row] for row in mask]
    [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]]
    """
    r, c = len(cells), len(cells[0]) if cells else 0
    grid = [[*row, sum(row)] for row in cells]
    grid.append([sum(grid[i][j] for i in range(r)) for j in range(c + 1)])
    hidden = [[0 < grid[i][j] < threshold for j in range(c + 1)] for i in range(r + 1)]
    lines = [[(i, j) for j in range(c + 1)] for i in range(r + 1)] + [
        [(i, j) for i in range(r + 1)] for j in range(c + 1)
    ]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[i][j] for i, j in line) != 1:
                continue
            # Prefer an inner cell (not the line's total), a non-zero one, the smallest.
            candidates = [p for p in line[:-1] if not hidden[p[0]][p[1]]] or [p for p in line if not hidden[p[0]][p[1]]]
            if not candidates:
                continue
            i, j = min(candidates, key=lambda p: (grid[p[0]][p[1]] == 0, grid[p[0]][p[1]]))
            hidden[i][j] = True
            changed = True
    return hidden


@dataclass(frozen=True)
class Table:
    rows: list[str]  # row labels
    columns: list[str]  # column labels
    cells: list[list[int | None]]  # None: suppressed; with the totals as the last row and column
    threshold: int
    excluded: int  # cases left out for want of consent to reporting


def consenting(cases: pl.DataFrame) -> pl.DataFrame:
    """Keep the cases whose latest reporting consent is given (one query)."""
    consents = pl.DataFrame(
        list(
            Consent.objects.filter(kind=ConsentKind.REPORTING, case_id__in=cases["case_id"].to_list())
            .order_by("at", "id")
            .values_list("case_id", "given")
        ),
        schema={"case_id": pl.Int64, "given": pl.Boolean},
        orient="row",
    )
    latest = consents.group_by("case_id", maintain_order=True).agg(pl.col("given").last())
    return cases.join(latest.filter(pl.col("given")), on="case_id", how="semi")


def age_band() -> pl.Expr:
    expr = pl.lit(None, dtype=pl.String)
    for code, (lo, hi) in reversed(vocab.CASE_AGE_BOUNDS.items()):
        expr = pl.when(pl.col("age").is_between(lo, hi)).then(pl.lit(code)).otherwise(expr)
    return expr.alias("age_band")


def case_frame(user: Any, since: dt.date | None = None) -> pl.DataFrame:
    """One row per case of the user's area: ward, kind, age band, sex and the first incident's type."""
    cases = Case.objects.filter(ward__in=scoped_wards(user))
    if since:
        cases = cases.filter(received_at__date__gte=since)
    frame = pl.DataFrame(
        list(cases.values_list("pk", "ward_id", "ward__name", "kind", "survivor_age", "survivor_sex")),
        schema={"case_id": pl.Int64, "ward": pl.String, "ward_name": pl.String, "kind": pl.String, "age": pl.Int64,
                "sex": pl.String},
        orient="row",
    )  # fmt: skip
    incidents = pl.DataFrame(
        list(Incident.objects.filter(case__in=cases).order_by("occurred_on", "id").values_list("case_id", "kind")),
        schema={"case_id": pl.Int64, "incident_type": pl.String},
        orient="row",
    ).unique("case_id", keep="first", maintain_order=True)
    return frame.join(incidents, on="case_id", how="left").with_columns(
        age_band(), pl.col("incident_type").fill_null("unknown")
    )


DIMENSIONS = {
    "ward": ("ward_name", None),
    "kind": ("kind", vocab.CASE_KIND),
    "incident_type": ("incident_type", vocab.INCIDENT_TYPE),
    "age_band": ("age_band", vocab.AGE_BAND),
    "sex": ("sex", vocab.SEX),
}


def table(user: Any, rows: str, columns: str, *, lang: str = "vi", since: dt.date | None = None) -> Table:
    """The count of consenting cases by ``rows`` × ``columns`` (keys of :data:`DIMENSIONS`), suppressed."""
    threshold = int(settings.CASES_SUPPRESSION_THRESHOLD)
    everything = case_frame(user, since)
    frame = consenting(everything)
    row_col, row_vocab = DIMENSIONS[rows]
    col_col, col_vocab = DIMENSIONS[columns]
    counts = frame.group_by(row_col, col_col).len()
    row_keys = (
        sorted(counts[row_col].unique().to_list())
        if row_vocab is None
        else [k for k in row_vocab if k in set(counts[row_col].to_list())]
    )
    col_keys = [k for k in (col_vocab or {}) if k in set(counts[col_col].to_list())] or sorted(
        counts[col_col].unique().to_list()
    )
    lookup = {(a, b): n for a, b, n in counts.iter_rows()}
    cells = [[int(lookup.get((a, b), 0)) for b in col_keys] for a in row_keys]
    mask = suppress(cells, threshold) if cells and col_keys else []
    full = [[*row, sum(row)] for row in cells]
    full.append([sum(full[i][j] for i in range(len(cells))) for j in range(len(col_keys) + 1)] if cells else [0])
    shown = [[None if mask and mask[i][j] else full[i][j] for j in range(len(full[i]))] for i in range(len(full))]

    def word(vocabulary: Any, key: str) -> str:
        if vocabulary is None or key not in vocabulary:
            return str(key)
        english, vietnamese = vocabulary[key]
        return str(english if lang == "en" else vietnamese)

    return Table(
        rows=[word(row_vocab, k) for k in row_keys],
        columns=[word(col_vocab, k) for k in col_keys],
        cells=shown,
        threshold=threshold,
        excluded=everything.height - frame.height,
    )


NATIONAL_COLUMNS = (
    "survivor_code", "incident_id", "caseworker_code", "ward_code", "case_kind", "incident_type", "incident_month",
    "location_type", "perpetrator_relation", "reported_before", "age_band", "sex",
)  # fmt: skip


def national_incidents(user: Any, since: dt.date | None = None) -> pl.DataFrame:
    """The de-identified incidents of consenting cases for national reporting: codes and age bands only (no
    name, ID number, date of birth or address; the month of the incident, not its day)."""
    cases = case_frame(user, since)
    kept = consenting(cases).select("case_id", "age_band")
    incidents = pl.DataFrame(
        list(
            Incident.objects.filter(case_id__in=kept["case_id"].to_list()).values_list(
                "case_id", "pk", "case__survivor_code", "case__owner_id", "case__ward_id", "case__kind", "kind",
                "occurred_on", "location_type", "perpetrator_relation", "reported_before", "case__survivor_sex",
            )
        ),
        schema={"case_id": pl.Int64, "incident": pl.Int64, "survivor_code": pl.String, "owner": pl.Int64,
                "ward_code": pl.String, "case_kind": pl.String, "incident_type": pl.String, "occurred_on": pl.Date,
                "location_type": pl.String, "perpetrator_relation": pl.String, "reported_before": pl.Boolean,
                "sex": pl.String},
        orient="row",
    )  # fmt: skip
    return (
        incidents.join(kept, on="case_id")
        .with_columns(
            pl.format("I-{}", pl.col("incident")).alias("incident_id"),
            pl.format("CW-{}", pl.col("owner")).alias("caseworker_code"),
            pl.col("occurred_on").dt.strftime("%Y-%m").alias("incident_month"),
            pl.when(pl.col("reported_before")).then(pl.lit("yes")).otherwise(pl.lit("no")).alias("reported_before"),
        )
        .select(NATIONAL_COLUMNS)
        .sort("incident_month", "incident_id")
    )


def today() -> dt.date:
    return timezone.localdate()
