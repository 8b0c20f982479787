"""Paying a payroll: the approvals it needs by its total, the payment channels' files (layouts as data in
``data/payments.yaml``, written through ``lib.sheets``), the validation of a payment-results file, and the
size and draw of a verification sample. Frames in, frames out: the actions store what these return."""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import NormalDist
from typing import Any

import polars as pl
import yaml

from ansinh.lib.dates import parse_date_expr
from ansinh.lib.numbers import parse_number_expr
from ansinh.lib.sheets import csv_bytes, save_workbook
from ansinh.lib.text import fold, fold_expr

DATA = Path(__file__).with_name("data") / "payments.yaml"


@cache
def payment_data() -> dict[str, Any]:
    tree = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert isinstance(tree, dict)
    return tree


def approvals_needed(total: int) -> int:
    """The sign-offs a payroll of ``total`` VND needs (the approval-threshold rows of the data)."""
    rows = sorted(payment_data()["approvals"], key=lambda r: int(r["from_total"]))
    needed = 1
    for row in rows:
        if total >= int(row["from_total"]):
            needed = int(row["approvals"])
    return needed


@dataclass(frozen=True)
class Layout:
    code: str
    name: dict[str, str]
    format: str
    columns: tuple[dict[str, Any], ...]
    sheet: str = "Sheet1"


def layouts() -> dict[str, Layout]:
    return {
        code: Layout(
            code=code,
            name=dict(node["name"]),
            format=str(node["format"]),
            columns=tuple(node["columns"]),
            sheet=str(node.get("sheet", "Sheet1")),
        )
        for code, node in payment_data()["layouts"].items()
    }


def _ascii_upper(expr: pl.Expr) -> pl.Expr:
    return fold_expr(expr).str.to_uppercase()


def export_frame(lines: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """The payable lines as the layout's columns (text and numbers, headers as the layout says). ``lines``:
    ``line_id``, ``full_name``, ``date_of_birth``, ``id_number``, ``address``, ``ward_name``,
    ``category_label``, ``for_month``, ``amount``, ``description``."""
    values: dict[str, pl.Expr] = {
        "row_number": pl.int_range(1, pl.len() + 1),
        "line_id": pl.col("line_id"),
        "full_name": pl.col("full_name"),
        "full_name_ascii": _ascii_upper(pl.col("full_name")),
        "date_of_birth": pl.col("date_of_birth").dt.strftime("%d/%m/%Y"),
        "id_number": pl.col("id_number").fill_null(""),
        "address": pl.col("address"),
        "ward_name": pl.col("ward_name"),
        "category_label": pl.col("category_label"),
        "for_month": pl.col("for_month").dt.strftime("%m/%Y"),
        "amount": pl.col("amount"),
        "description": pl.col("description"),
        "blank": pl.lit(""),
    }
    exprs = []
    for column in layout.columns:
        value = column["value"]
        expr = pl.lit(str(column.get("const", ""))) if value == "const" else values[value]
        exprs.append(expr.alias(str(column["header"])))
    return lines.sort("line_id").select(exprs)


def write_export(frame: pl.DataFrame, layout: Layout, title: str) -> bytes:
    """The file of ``frame`` in the layout's format: an XLSX sheet with a title row, or a UTF-8 CSV."""
    if layout.format == "csv":
        return csv_bytes(frame)
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.sheet[:31]
    sheet.append([title])
    sheet.append(list(frame.columns))
    for row in frame.iter_rows():
        sheet.append(list(row))
    out = io.BytesIO()
    save_workbook(workbook, out)
    return out.getvalue()


# --- payment results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultIssue:
    row: int  # the file's row (the header is row 1)
    column: str
    value: str
    message_vi: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "vi": self.message_vi,
                "en": self.message_en}  # fmt: skip


def read_results(name: str, content: bytes) -> pl.DataFrame:
    """Every cell of a results file as text, with ``_row`` (the file's row number); XLSX or CSV, read as
    whole columns (no per-row Python for a CSV)."""
    if name.lower().endswith(".xlsx"):
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        rows = book.get_sheet_by_index(0).to_python()
        header_at = next((i for i, r in enumerate(rows) if payment_data()["results"]["line_id"] in map(str, r)), 0)
        header = [str(c).strip() for c in rows[header_at]]
        body = [[_cell(c) for c in r] for r in rows[header_at + 1 :] if any(str(c).strip() for c in r)]
        frame = pl.DataFrame(body, schema={h: pl.String for h in header}, orient="row")
        first_row = header_at + 2
    else:
        text = content.decode("utf-8-sig").encode()
        frame = pl.read_csv(io.BytesIO(text), infer_schema=False)
        frame = frame.rename({c: c.strip() for c in frame.columns})
        first_row = 2
    return frame.with_row_index("_row", offset=first_row).with_columns(pl.col("_row").cast(pl.Int64))


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    return "" if value is None else str(value)


def validate_results(
    raw: pl.DataFrame, payable: pl.DataFrame, existing: pl.DataFrame
) -> tuple[pl.DataFrame, list[ResultIssue]]:
    """The results of ``raw`` typed and checked against the payroll's ``payable`` lines (``line_id``,
    ``amount``) and the results already stored (``existing``: ``line_id``, ``outcome``, ``delivered``,
    ``paid_on``, ``reference``). Returns the typed rows that change something and the row errors: an
    unknown line, a line twice in the file, an unknown outcome, a number that is not one, negative, above
    what the line entitles or not matching the outcome, and a different result for a line that has one."""
    spec = payment_data()["results"]
    missing = [spec[k] for k in ("line_id", "outcome", "delivered") if spec[k] not in raw.columns]
    if missing:
        return pl.DataFrame(), [
            ResultIssue(1, h, "", f"Thiếu cột “{h}”.", f"The column “{h}” is missing.") for h in missing
        ]
    col = {k: pl.col(spec[k]).str.strip_chars() if spec[k] in raw.columns else pl.lit(None, pl.String)
           for k in ("line_id", "outcome", "delivered", "paid_on", "reference", "reason")}  # fmt: skip
    paid_words = [fold(w) for w in spec["paid_words"]]
    failed_words = [fold(w) for w in spec["failed_words"]]
    outcome = fold_expr(col["outcome"])
    delivered = parse_number_expr(col["delivered"].fill_null("0"), "vi")
    typed = raw.select(
        "_row",
        col["line_id"].alias("raw_line"),
        col["line_id"].cast(pl.Int64, strict=False).alias("line_id"),
        col["outcome"].alias("raw_outcome"),
        pl.when(outcome.is_in(paid_words)).then(pl.lit("paid"))
        .when(outcome.is_in(failed_words)).then(pl.lit("failed")).alias("outcome"),
        col["delivered"].fill_null("").alias("raw_delivered"),
        delivered.alias("delivered_f"),
        col["paid_on"].fill_null("").alias("raw_paid_on"),
        parse_date_expr(col["paid_on"]).alias("paid_on"),
        col["reference"].fill_null("").alias("reference"),
        col["reason"].fill_null("").alias("reason"),
    ).join(payable.rename({"amount": "entitled"}), on="line_id", how="left")  # fmt: skip
    typed = typed.join(existing.rename({c: f"old_{c}" for c in existing.columns if c != "line_id"}), on="line_id",
                       how="left")  # fmt: skip
    h = spec
    checks: list[tuple[pl.Expr, str, str, str, str]] = [
        (pl.col("line_id").is_null() | pl.col("entitled").is_null(), h["line_id"], "raw_line",
         "Không có dòng chi trả này trong bảng lương.", "There is no such payment line in this payroll."),
        (pl.col("line_id").is_not_null() & pl.col("line_id").is_duplicated(), h["line_id"], "raw_line",
         "Dòng chi trả này xuất hiện hơn một lần trong tệp.", "This payment line appears more than once."),
        (pl.col("outcome").is_null(), h["outcome"], "raw_outcome",
         "Kết quả phải là “Đã chi” hoặc “Không chi được”.", "The outcome must be “Đã chi” or “Không chi được”."),
        (pl.col("delivered_f").is_null() | (pl.col("delivered_f").round(0) != pl.col("delivered_f")),
         h["delivered"], "raw_delivered", "Số tiền phải là số nguyên.", "The amount must be a whole number."),
        (pl.col("delivered_f") < 0, h["delivered"], "raw_delivered",
         "Số tiền không được âm.", "The amount cannot be negative."),
        (pl.col("delivered_f") > pl.col("entitled"), h["delivered"], "raw_delivered",
         "Số tiền đã chi lớn hơn số tiền được hưởng của dòng này.",
         "The amount delivered is more than the line entitles."),
        ((pl.col("outcome") == "paid") & (pl.col("delivered_f") == 0), h["delivered"], "raw_delivered",
         "Đã chi thì số tiền phải lớn hơn 0.", "A paid line needs an amount above 0."),
        ((pl.col("outcome") == "failed") & (pl.col("delivered_f") > 0), h["delivered"], "raw_delivered",
         "Không chi được thì số tiền phải là 0.", "A line not paid has an amount of 0."),
        ((pl.col("raw_paid_on") != "") & pl.col("paid_on").is_null(), h["paid_on"], "raw_paid_on",
         "Ngày chi không đúng dạng ngày/tháng/năm.", "The date paid is not a date (dd/mm/yyyy)."),
        (pl.col("old_outcome").is_not_null()
         & ((pl.col("old_outcome") != pl.col("outcome")) | (pl.col("old_delivered") != pl.col("delivered_f"))),
         h["outcome"], "raw_outcome", "Dòng này đã có kết quả khác; kết quả đã nhập không sửa được.",
         "This line already has a different result; a recorded result cannot change."),
    ]  # fmt: skip
    issues: list[ResultIssue] = []
    for mask, header, shown, vi, en in checks:
        for row, value in typed.filter(mask.fill_null(False)).select("_row", shown).iter_rows():
            issues.append(ResultIssue(int(row), str(header), str(value or ""), vi, en))
    issues.sort(key=lambda i: (i.row, i.column))
    new = typed.filter(pl.col("old_outcome").is_null()).select(
        "line_id", "outcome", pl.col("delivered_f").cast(pl.Int64).alias("delivered"), "paid_on", "reference",
        "reason",
    )  # fmt: skip
    return new, issues


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- verification sample -----------------------------------------------------------------------------------


def sample_size(population: int, confidence: float, margin: float) -> int:
    """Cochran's sample size for a proportion (p = 0.5) at ``confidence`` and ``margin``, corrected for a
    finite ``population``: 95% and 5% give 385 of a large payroll, fewer of a small one."""
    if population <= 0:
        return 0
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n0 = z * z * 0.25 / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def draw_sample(line_ids: pl.Series, size: int, seed: int) -> list[int]:
    """``size`` of ``line_ids`` drawn at random from ``seed``: the same seed draws the same lines."""
    return sorted(line_ids.sort().sample(n=size, seed=seed, shuffle=False).to_list()) if size else []
