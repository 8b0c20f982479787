"""Registry values → cells of the import format (the inverse of ``parsing``), column-wise.

Codes become their Vietnamese labels, booleans Có/Không, dates dd/mm/yyyy, decimals take a comma;
whole numbers are written without separators. What this writes, the import reads back unchanged.
"""

from __future__ import annotations

import polars as pl

from ansinh.imports.columns import NO, YES, Column
from ansinh.lib.dates import format_date_expr


def format_column(col: Column, expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if col.kind == "code":
        assert col.vocabulary is not None
        labels = {code: vi for code, (_en, vi) in col.vocabulary.items()}
        return expr.replace_strict(labels, default=expr, return_dtype=pl.String)
    if col.kind == "bool":
        return pl.when(expr).then(pl.lit(YES)).when(~expr).then(pl.lit(NO))
    if col.kind == "date":
        return format_date_expr(expr)
    if col.kind == "float":
        whole = expr.round(0) == expr
        return (
            pl.when(whole)
            .then(expr.cast(pl.Int64).cast(pl.String))
            .otherwise(expr.cast(pl.String).str.replace(".", ",", literal=True))
        )
    if col.kind == "int":
        return expr.cast(pl.String)
    return pl.when(expr == "").then(None).otherwise(expr.cast(pl.String))


def format_frame(frame: pl.DataFrame, columns: tuple[Column, ...]) -> pl.DataFrame:
    return frame.select([format_column(c, pl.col(c.field), frame.schema[c.field]).alias(c.field) for c in columns])
