"""Poverty standards as law-as-code: dated YAML parameters with legal references, and their formulas.

>>> from ansinh.standards import load_standard, standards_for
>>> import datetime as dt
>>> [s.id for s in standards_for(dt.date(2025, 6, 30), "79")]
['vn_2022', 'hcm_2024']
>>> load_standard("vn_2022").value("income_line.urban", dt.date(2025, 6, 30))
2000000
"""

from ansinh.standards.loader import (
    NATIONAL,
    Indicator,
    Parameter,
    Standard,
    StandardError,
    Value,
    all_standards,
    load_standard,
    standards_for,
)

__all__ = [
    "NATIONAL",
    "Indicator",
    "Parameter",
    "Standard",
    "StandardError",
    "Value",
    "all_standards",
    "load_standard",
    "standards_for",
]
