"""``ansinh mpi``: Alkire–Foster measures of a deprivation file (no database needed).

    ansinh mpi --deprivations deps.parquet --weights weights.json --k 1/3 [--k 0.5] \\
        [--by ward_code] [--population-weight size] [--strata s --psu c] [--json]

The output keys are described in ``docs/af.md``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.engine.af import AFError, AFResult, AlkireFoster, FractionLike, change


def read_frame(path: str, numeric: list[str]) -> pl.LazyFrame:
    """A CSV or Parquet file as a lazy frame; in a CSV only ``numeric`` columns are read as numbers."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"file not found: {path}")
    suffix = file.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            lazy = pl.scan_parquet(file)
            lazy.collect_schema()
            return lazy
        if suffix in {".csv", ".txt"}:
            # Text everywhere else, so codes such as ward "00001" keep their leading zeros.
            lazy = pl.scan_csv(file, infer_schema=False)
            names = lazy.collect_schema().names()
            return lazy.with_columns(
                pl.col(c).str.strip_chars().cast(pl.Float64, strict=False) for c in numeric if c in names
            )
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from None
    raise CommandError(f"{path}: use a .csv or .parquet file")


def read_mapping(path: str, what: str) -> dict[str, Any]:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"file not found: {path}")
    try:
        data = json.loads(file.read_text(encoding="utf-8"), parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise CommandError(f"{path} must be a JSON object of {what}")
    return data


def read_weights(path: str) -> dict[str, FractionLike]:
    data = read_mapping(path, "indicator → weight")
    weights: dict[str, FractionLike] = {}
    for name, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise CommandError(f'weight of {name!r} must be a number or a fraction such as "1/3"')
        weights[name] = value
    return weights


def read_dimensions(path: str) -> dict[str, str]:
    data = read_mapping(path, "indicator → dimension")
    if not all(isinstance(v, str) for v in data.values()):
        raise CommandError(f"{path}: every dimension must be a name (text)")
    return {str(k): str(v) for k, v in data.items()}


class Command(BaseCommand):
    help = "Alkire–Foster multidimensional poverty measures (H, A, M0, headcounts, contributions) of a file."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--deprivations",
            required=True,
            metavar="FILE",
            help="CSV or Parquet: one 0/1 column per indicator, plus group/weight columns",
        )
        parser.add_argument("--weights", metavar="FILE", help="JSON object indicator → weight (normalised)")
        parser.add_argument(
            "--dimensions",
            metavar="FILE",
            help="JSON object indicator → dimension: equal nested weights (without --weights)",
        )
        parser.add_argument(
            "--k",
            action="append",
            required=True,
            metavar="K",
            help="poverty cut-off as a share of the total weight: 0.33 or 1/3; repeatable",
        )
        parser.add_argument("--by", metavar="COLUMN", help="subgroup decomposition by this column")
        parser.add_argument(
            "--population-weight", metavar="COLUMN", help="people represented by each row (e.g. household size)"
        )
        parser.add_argument("--strata", metavar="COLUMN", help="survey strata (needs --psu)")
        parser.add_argument("--psu", metavar="COLUMN", help="primary sampling units")
        parser.add_argument(
            "--baseline", metavar="FILE", help="deprivations of an earlier period: adds the change since then"
        )
        parser.add_argument("--years", type=float, metavar="N", help="years between --baseline and now")
        parser.add_argument("--json", action="store_true", help="print JSON (see docs/af.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["weights"] is None and options["dimensions"] is None:
            raise CommandError("give --weights FILE (or --dimensions FILE for equal nested weights)")
        if options["years"] is not None and options["baseline"] is None:
            raise CommandError("--years needs --baseline")
        weights = read_weights(options["weights"]) if options["weights"] else None
        dimensions = read_dimensions(options["dimensions"]) if options["dimensions"] else None
        ks: list[str] = options["k"]
        if len(set(ks)) != len(ks):
            raise CommandError("the same --k is given twice")
        indicators = list(weights or dimensions or {})
        numeric = [*indicators, *([options["population_weight"]] if options["population_weight"] else [])]
        keywords: dict[str, Any] = {
            "dimensions": None if weights else dimensions,
            "by": options["by"],
            "population_weight": options["population_weight"],
            "strata": options["strata"],
            "psu": options["psu"],
        }
        try:
            results = self._measure(options["deprivations"], numeric, weights, keywords, ks)
            baseline = (
                self._measure(options["baseline"], numeric, weights, keywords, ks) if options["baseline"] else None
            )
            output = self._output(ks, results, baseline, options["years"])
        except AFError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(self._text(ks, results))

    def _measure(
        self,
        path: str,
        numeric: list[str],
        weights: dict[str, FractionLike] | None,
        keywords: dict[str, Any],
        ks: list[str],
    ) -> list[AFResult]:
        af = AlkireFoster(read_frame(path, numeric), weights, **keywords)
        return [af.measure(k) for k in ks]

    def _output(
        self, ks: list[str], results: list[AFResult], baseline: list[AFResult] | None, years: float | None
    ) -> dict[str, Any]:
        entries = []
        for i, result in enumerate(results):
            entry = result.to_dict()
            entry["weights"] = {ind: str(w) for ind, w in result.weights.items()}
            if baseline is not None:
                entry["change"] = _jsonable(change(baseline[i], result, years))
            entries.append(entry)
        output = dict(entries[0])
        if len(ks) > 1:
            output["by_k"] = dict(zip(ks, entries, strict=True))
        return output

    def _text(self, ks: list[str], results: list[AFResult]) -> str:
        lines: list[str] = []
        for k, r in zip(ks, results, strict=True):
            lines.append(f"k = {k}   population {r.population:g} ({r.observations} rows)")
            for name in ("H", "A", "M0"):
                lines.append(f"  {name:<3} {getattr(r, name):.6f}  (se {r.se[name]:.6f})")
            lines.append(f"  {'indicator':<28} {'weight':>8} {'uncensored':>11} {'censored':>9} {'contrib':>8}")
            for ind in r.weights:
                lines.append(
                    f"  {ind:<28} {r.weights[ind]!s:>8} {r.uncensored_headcount[ind]:>11.4f} "
                    f"{r.censored_headcount[ind]:>9.4f} {100 * r.contribution[ind]:>7.2f}%"
                )
            if r.by is not None:
                lines.append(f"  {r.by:<28} {'share':>8} {'H':>8} {'A':>8} {'M0':>8} {'of M0':>8}")
                for value, g in r.groups.items():
                    lines.append(
                        f"  {value!s:<28} {g.population_share:>8.4f} {g.H:>8.4f} "
                        f"{g.A:>8.4f} {g.M0:>8.4f} {100 * g.share_of_M0:>7.2f}%"
                    )
        return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    return value
