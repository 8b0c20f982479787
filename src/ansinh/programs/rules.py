"""The programmes' rules: ``rules/vn.yaml`` (national legal values, read by the one reader of legal data),
a province's layer ``rules/<NSO code>.yaml`` over it when the province has written one, and
``rules/programmes.yaml`` (which legal rows make each category's amount). No Django here: the engine and the
benchmark read the same rules.

>>> import datetime as dt
>>> legal_rules().value_at("social_assistance.base_level", dt.date(2024, 7, 1))
500000
>>> sorted(programmes())
['merit', 'social_assistance', 'social_pension']
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from ansinh.engine.benefits import Campaign, Programme, campaigns_from, programmes_from
from ansinh.lib.legal import LegalData, read

RULES_DIR = Path(__file__).with_name("rules")
NATIONAL = "VN"


def _yaml(name: str) -> object:
    return yaml.safe_load((RULES_DIR / name).read_text(encoding="utf-8"))


@cache
def legal_rules(jurisdiction: str = NATIONAL) -> LegalData:
    """The programme rules in force in ``jurisdiction`` (a province's file layered over the national one)."""
    national = read(_yaml("vn.yaml"), "programme rules", jurisdiction="")
    if jurisdiction == NATIONAL or not (RULES_DIR / f"{jurisdiction}.yaml").exists():
        return national
    return read(
        _yaml(f"{jurisdiction}.yaml"), f"programme rules {jurisdiction}", jurisdiction=jurisdiction, base=national
    )


@cache
def programmes() -> dict[str, Programme]:
    """Every programme's structure, by code."""
    tree = _yaml("programmes.yaml")
    assert isinstance(tree, dict)
    return programmes_from(tree)


@cache
def campaigns() -> dict[str, Campaign]:
    """Every one-off campaign (Tết gifts), by code."""
    tree = _yaml("campaigns.yaml")
    assert isinstance(tree, dict)
    return campaigns_from(tree)
