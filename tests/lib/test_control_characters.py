"""The control characters refused where text enters: the scalar and column forms agree on every code point."""

from __future__ import annotations

import polars as pl

from ansinh.lib.text import control_character, control_character_expr, visible_controls, visible_controls_expr

ALL = [chr(cp) for cp in range(0x250)]


def test_the_column_form_finds_what_the_scalar_form_finds():
    values = [f"a{c}b" for c in ALL]
    frame = pl.DataFrame({"v": values}).select(
        control_character_expr(pl.col("v")).alias("c"), visible_controls_expr(pl.col("v")).alias("shown")
    )
    assert frame["c"].to_list() == [control_character(v) for v in values]
    assert frame["shown"].to_list() == [visible_controls(v) for v in values]


def test_only_c0_del_and_c1_count_and_tab_and_line_breaks_do_not():
    refused = {c for c in ALL if control_character(c)}
    assert refused == {chr(cp) for cp in [*range(0x20), *range(0x7F, 0xA0)]} - {"\t", "\n", "\r"}
