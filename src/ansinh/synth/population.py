"""The synthetic city: households and members generated column by column with NumPy and Polars.

Deterministic: the same arguments give identical frames. Households are generated in chunks, each from
its own random stream ``(seed, chunk number)``, so a million households never need more than one chunk's
worth of temporary arrays; ``generate_chunks`` yields them one by one for writers that stream.
No per-row Python: every attribute is drawn for a whole chunk at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from ansinh import vocab
from ansinh.lib.text import fold_expr
from ansinh.synth import tables
from ansinh.synth.schema import HOUSEHOLD_SCHEMA, MEMBER_SCHEMA

# Ages are computed on this day unless the caller says otherwise (never the clock: same seed, same city).
AS_OF = datetime.date(2026, 1, 1)
CHUNK_HOUSEHOLDS = 50_000
# ID numbers: the last six digits are (A * k + B(prefix)) mod 10**6 for the k-th person of a prefix, a
# bijection on 0..999,999 (A is coprime with 10**6), so numbers never repeat within a prefix.
_ID_A = 388_697
_ID_SPACE = 1_000_000
_FIRST_REGISTRATION = datetime.date(2000, 1, 1)

Rows = Sequence[Sequence[float]] | Sequence[np.ndarray]
# Given names are drawn with Zipf-like weights over a fixed popularity order (the same for every seed).
_GIVEN_MALE_RANK = np.random.default_rng(1).permutation(len(tables.GIVEN_MALE))
_GIVEN_FEMALE_RANK = np.random.default_rng(2).permutation(len(tables.GIVEN_FEMALE))


def _zipf(k: int) -> np.ndarray:
    return np.asarray(1.0 / np.arange(1, k + 1) ** 0.6)


@dataclass(frozen=True)
class _Wards:
    codes: pl.Series  # ward code per ward index
    rural: np.ndarray  # bool per ward index


def _weights(rows: Rows) -> np.ndarray:
    w = np.asarray(rows, dtype=np.float64)
    if w.ndim == 1:
        w = w[None, :]
    return np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)


def _pick(rng: np.random.Generator, rows: Rows, group: np.ndarray | None = None, n: int | None = None) -> np.ndarray:
    """Index of a category per row, drawn from the weight row ``rows[group[i]]``."""
    cum = _weights(rows)
    size = len(group) if group is not None else int(n or 0)
    u = rng.random(size)
    if group is None or cum.shape[0] == 1:
        out = np.searchsorted(cum[0], u, side="right")
    else:
        out = np.empty(size, dtype=np.int64)
        for g in range(cum.shape[0]):  # one vectorised pass per weight row
            mask = group == g
            out[mask] = np.searchsorted(cum[g], u[mask], side="right")
    return np.asarray(np.minimum(out, cum.shape[1] - 1), dtype=np.int64)


def _take(values: Sequence[str], idx: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(pl.Series(idx, dtype=pl.Int64))


def _clip_normal(rng: np.random.Generator, mean: float, sd: float, lo: float, hi: float, n: int) -> np.ndarray:
    return np.clip(rng.normal(mean, sd, n), lo, hi)


def _lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    return np.asarray(median) * np.exp(rng.normal(0.0, sigma, n))


def _date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _chunk(
    rng: np.random.Generator,
    *,
    ward_index: np.ndarray,
    seq_in_ward: np.ndarray,
    wards: _Wards,
    first_household_id: int,
    first_member_id: int,
    as_of: datetime.date,
    birth_province: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    n = len(ward_index)
    rural = wards.rural[ward_index]
    area = rural.astype(np.int64)  # 0 urban, 1 rural
    # A small share of households is economically vulnerable: low income, poorer housing and services.
    vulnerable = rng.random(n) < np.where(rural, tables.VULNERABLE_RURAL, tables.VULNERABLE_URBAN)
    # Most of them also live in poor conditions (the poor); the others lack only income (the near-poor).
    deprived = vulnerable & (rng.random(n) < tables.VULNERABLE_DEPRIVED)
    cond = np.where(deprived, 2, area)  # weight rows: 0 urban, 1 rural, 2 deprived

    # --- household composition ---------------------------------------------------------------------
    size = _pick(rng, [tables.HOUSEHOLD_SIZE_URBAN, tables.HOUSEHOLD_SIZE_RURAL], area) + 1
    single = size == 1
    head_age = np.where(single, _clip_normal(rng, 55, 18, 20, 95, n), _clip_normal(rng, 46, 13, 20, 90, n))
    head_male = rng.random(n) < np.where(single, 0.45, 0.64)
    has_spouse = (size >= 2) & (rng.random(n) < np.where(size >= 3, 0.86, 0.66))
    head_old = head_age >= 55
    room = size - 1 - has_spouse
    n_parents = np.where(head_age < 60, _pick(rng, [(0.82, 0.12, 0.06)], n=n), 0)
    n_parents = np.minimum(n_parents, room)

    m = int(size.sum())
    hh = np.repeat(np.arange(n), size)
    starts = np.cumsum(size) - size
    pos = np.arange(m) - np.repeat(starts, size)
    h_age = head_age[hh]
    h_male = head_male[hh]
    spouse_here = has_spouse[hh]
    is_head = pos == 0
    is_spouse = spouse_here & (pos == 1)
    k = pos - 1 - spouse_here.astype(np.int64)  # index among the other members
    is_parent = (k >= 0) & (k < n_parents[hh])
    # relation codes for the other members, by whether the head is 55 or older
    rel_codes = ("child", "sibling", "other_relative", "non_relative", "grandchild", "child_in_law")
    other_rel = _pick(
        rng, [(0.90, 0.04, 0.03, 0.03, 0.0, 0.0), (0.55, 0.0, 0.03, 0.0, 0.32, 0.10)], head_old[hh].astype(np.int64)
    )
    rel_idx = np.select([is_head, is_spouse, is_parent], [6, 7, 8], default=other_rel)
    relation_values = (*rel_codes, "head", "spouse", "parent")
    relation = _take(relation_values, rel_idx)
    rel = {code: i for i, code in enumerate(relation_values)}

    # --- ages and sexes ---------------------------------------------------------------------------------
    u = rng.random(m)
    gap_child = _clip_normal(rng, 28, 6, 17, 45, m)
    age_child = h_age - gap_child
    age_child = np.where(age_child < 0, u * np.maximum(h_age - 18, 1), age_child)
    age_grand = h_age - _clip_normal(rng, 50, 7, 36, 75, m)
    age_grand = np.where(age_grand < 0, u * 10, age_grand)
    age = np.select(
        [
            is_head,
            is_spouse,
            is_parent,
            rel_idx == rel["child"],
            rel_idx == rel["grandchild"],
            rel_idx == rel["child_in_law"],
            rel_idx == rel["sibling"],
            rel_idx == rel["other_relative"],
        ],
        [
            h_age,
            np.maximum(h_age + np.where(h_male, -3.0, 3.0) + rng.normal(0, 3, m), 18),
            np.minimum(h_age + _clip_normal(rng, 27, 5, 18, 40, m), 100),
            age_child,
            age_grand,
            np.maximum(h_age - _clip_normal(rng, 26, 5, 16, 40, m), 18),
            np.maximum(h_age + rng.normal(0, 7, m), 15),
            u * 80,
        ],
        default=18 + u * 42,
    )
    as_of_day = np.datetime64(as_of, "D")
    days_old = np.floor((age + rng.random(m)) * 365.2425).astype(np.int64)
    days_old = np.clip(days_old, 0, 105 * 365)
    dob = as_of_day - days_old.astype("timedelta64[D]")
    by, bm, bd = _date_parts(dob)
    age_years = as_of.year - by - ((bm > as_of.month) | ((bm == as_of.month) & (bd > as_of.day)))

    n_par_here = n_parents[hh]
    male = np.select(
        [is_head, is_spouse, is_parent & (n_par_here == 2), rel_idx == rel["child_in_law"]],
        [h_male, ~h_male, k == 0, rng.random(m) < 0.2],
        default=rng.random(m) < np.where(is_parent, 0.35, 0.51),
    )

    # --- names ------------------------------------------------------------------------------------------
    surnames, surname_w = tables.SURNAMES
    own_surname = _pick(rng, [surname_w], n=m)
    head_surname = own_surname[starts][hh]
    spouse_surname = own_surname[np.minimum(starts + 1, m - 1)][hh]
    family_surname = np.where(h_male | ~spouse_here, head_surname, spouse_surname)
    surname_idx = np.select(
        [
            is_head,
            (is_parent & male) | (rel_idx == rel["sibling"]),
            np.isin(rel_idx, [rel["child"], rel["grandchild"]]),
        ],
        [own_surname, head_surname, family_surname],
        default=own_surname,
    )
    young = (by >= 1985).astype(np.int64)
    mm_vals, mm_old, mm_young = tables.MIDDLE_MALE
    mf_vals, mf_old, mf_young = tables.MIDDLE_FEMALE
    middle_m = _pick(rng, [mm_old, mm_young], young)
    middle_f = _pick(rng, [mf_old, mf_young], young)
    given_m = _GIVEN_MALE_RANK[_pick(rng, [_zipf(len(tables.GIVEN_MALE))], n=m)]
    given_f = _GIVEN_FEMALE_RANK[_pick(rng, [_zipf(len(tables.GIVEN_FEMALE))], n=m)]
    full_name = pl.select(
        pl.concat_str(
            [
                pl.lit(_take(surnames, surname_idx)),
                pl.when(pl.lit(pl.Series(male)))
                .then(pl.lit(_take(mm_vals, middle_m)))
                .otherwise(pl.lit(_take(mf_vals, middle_f))),
                pl.when(pl.lit(pl.Series(male)))
                .then(pl.lit(_take(tables.GIVEN_MALE, given_m)))
                .otherwise(pl.lit(_take(tables.GIVEN_FEMALE, given_f))),
            ],
            separator=" ",
        ).alias("full_name")
    ).to_series()

    # --- schooling and education ------------------------------------------------------------------------
    a = age_years
    rural_m = rural[hh]
    cond_m = cond[hh]
    vuln_m = vulnerable[hh]
    dep_m = deprived[hh]
    # (first age, last age, level code, attendance urban, rural)
    school_bands = [(3, 5, 0, 0.93, 0.88), (6, 10, 1, 0.995, 0.985), (11, 14, 2, 0.965, 0.93), (15, 17, 3, 0.82, 0.70)]
    p_attend = np.zeros(m)
    level = np.zeros(m, dtype=np.int64)
    for lo, hi, code, p_urban, p_rural in school_bands:  # four age bands, each a vectorised assignment
        band = (a >= lo) & (a <= hi)
        p_attend[band] = np.where(rural_m[band], p_rural, p_urban)
        level[band] = code
    p_attend = np.where(dep_m & (a >= 3) & (a <= 17), p_attend * 0.85, p_attend)
    u_school = rng.random(m)
    attending = u_school < p_attend
    # 15–17 year-olds who left general school: some are in vocational training
    voc_teen = (a >= 15) & (a <= 17) & ~attending & (rng.random(m) < 0.3)
    # 18–24: college or university, or vocational training
    p_higher = np.where(
        (a >= 18) & (a <= 22), np.where(rural_m, 0.22, 0.40), np.where((a >= 23) & (a <= 24), 0.08, 0.0)
    )
    p_higher = np.where(dep_m, p_higher * 0.3, p_higher)
    u_adult = rng.random(m)
    higher = (a >= 18) & (u_adult < p_higher)
    voc_adult = (a >= 18) & (a <= 24) & ~higher & (u_adult < p_higher + 0.07)
    level = np.where(voc_teen | voc_adult, 4, np.where(higher, 5, level))
    attending = attending | voc_teen | higher | voc_adult

    edu_idx = _pick(
        rng,
        tables.EDUCATION_ADULT,
        np.where(dep_m, 8, np.select([a < 30, a < 45, a < 60], [0, 1, 2], default=3) + 4 * rural_m),
    )
    edu = {code: i for i, code in enumerate(tables.EDUCATION_LEVELS)}
    edu_adult = np.where(
        (a < 22) & np.isin(edu_idx, [edu["college"], edu["university"]]), edu["upper_secondary"], edu_idx
    )
    dropout_u = rng.random(m)
    education = np.select(
        [
            a < 11,
            a <= 14,
            (a <= 17) & attending,
            a <= 17,
            higher | (voc_adult & (dropout_u < 0.6)),
            voc_adult,
        ],
        [
            edu["none"],
            np.where(attending | (dropout_u < 0.7), edu["primary"], edu["none"]),
            edu["lower_secondary"],
            np.select(
                [dropout_u < 0.5, dropout_u < 0.9], [edu["lower_secondary"], edu["primary"]], default=edu["none"]
            ),
            edu["upper_secondary"],
            edu["lower_secondary"],
        ],
        default=edu_adult,
    )

    # --- disability, health insurance, nutrition --------------------------------------------------------
    p_dis = np.select([a < 18, a < 60, a < 80], [0.012, 0.028, 0.085], default=0.2)
    disabled = rng.random(m) < np.where(dep_m, p_dis * 2, p_dis)
    dis_level = np.where(disabled, 1 + _pick(rng, [tables.DISABILITY_LEVEL_WEIGHTS], n=m), 0)
    severe = dis_level >= 2
    hh_uninsured = rng.random(n) < np.where(deprived, 0.25, 0.035)
    p_hi = np.select([a < 6, a < 18, a < 60, a < 80], [0.995, 0.97, 0.90, 0.95], default=0.985)
    p_hi = np.where(hh_uninsured[hh] & (a >= 6), p_hi * 0.25, p_hi)

    nutr_idx = _pick(rng, [(0.915, 0.035, 0.025, 0.025), (0.88, 0.06, 0.04, 0.02), (0.76, 0.13, 0.09, 0.02)], cond_m)

    # --- employment, contracts, social insurance, pensions, income ---------------------------------------
    emp_values = (
        "employed",
        "unpaid_family_worker",
        "unemployed",
        "homemaker",
        "retired",
        "unable_to_work",
        "student",
        "child",
        "self_employed",
    )
    emp = {code: i for i, code in enumerate(emp_values)}
    emp_group = np.select(
        [a <= 17, vuln_m & (a < 60), a < 60, a < 75],
        [0, 7, 1 + 2 * rural_m.astype(np.int64) + (~male).astype(np.int64), 5],
        default=6,
    )
    emp_idx = _pick(
        rng,
        [
            (0.50, 0.15, 0.15, 0.20, 0.0, 0.0),  # 15–17 out of school
            (0.90, 0.02, 0.035, 0.03, 0.005, 0.01),  # 18–59 urban men
            (0.78, 0.03, 0.03, 0.15, 0.005, 0.005),  # 18–59 urban women
            (0.86, 0.06, 0.04, 0.02, 0.005, 0.015),  # 18–59 rural men
            (0.72, 0.09, 0.03, 0.15, 0.005, 0.005),  # 18–59 rural women
            (0.40, 0.08, 0.02, 0.25, 0.20, 0.05),  # 60–74
            (0.12, 0.05, 0.0, 0.23, 0.35, 0.25),  # 75+
            (0.55, 0.12, 0.13, 0.12, 0.01, 0.07),  # 18–59 in vulnerable households
        ],
        emp_group,
    )
    employment = emp_idx
    p_pension = np.where(vuln_m, 0.03, np.where(rural_m, 0.18, 0.38))
    pension = (a >= 60) & (rng.random(m) < p_pension)
    employment = np.where(pension & (employment != emp["employed"]), emp["retired"], employment)
    employment = np.where(severe & (a >= 15) & (rng.random(m) < 0.75), emp["unable_to_work"], employment)
    employment = np.where(pension & (employment == emp["unable_to_work"]) & ~severe, emp["retired"], employment)
    employment = np.where(attending & (a >= 15), emp["student"], employment)
    employment = np.where(a < 15, emp["child"], employment)
    employed = employment == emp["employed"]
    unable = (employment == emp["unable_to_work"]) | (severe & (a < 15))
    contract = employed & (a >= 18) & (rng.random(m) < np.select([vuln_m, rural_m], [0.12, 0.32], default=0.56))
    social_ins = (contract & (rng.random(m) < 0.92)) | (employed & ~contract & (rng.random(m) < 0.06)) | pension
    p_hi = np.where(contract | social_ins | pension, np.maximum(p_hi, 0.995), p_hi)
    insured = rng.random(m) < p_hi

    hh_factor = np.exp(rng.normal(0.0, 0.3, n)) * np.where(vulnerable, 0.3, 1.0)
    mult = np.asarray((0.6, 0.7, 0.8, 1.0, 1.05, 1.1, 1.25, 1.7, 1.0))[education]
    median = np.where(rural_m, 6_000_000.0, 8_500_000.0) * mult * np.where(contract, 1.15, 1.0)
    median = median * np.where(a < 18, 0.45, 1.0) * hh_factor[hh]
    wage = np.where(employed, _lognormal(rng, median, 0.5, m), 0.0)
    odd_jobs = np.where(
        (employment == emp["unemployed"]) & (rng.random(m) < 0.3), _lognormal(rng, 1_200_000.0, 0.4, m), 0.0
    )
    pension_amount = np.where(pension, _lognormal(rng, 5_000_000.0, 0.35, m), 0.0)
    income = np.round((wage + odd_jobs + pension_amount) / 10_000).astype(np.int64) * 10_000

    other_has = rng.random(n) < np.select([vulnerable, rural], [0.4, 0.55], default=0.2)
    other_median = np.select([vulnerable, rural], [600_000.0, 2_500_000.0], default=2_000_000.0)
    other_income = np.where(other_has, _lognormal(rng, other_median, 0.6, n), 0.0)
    # Households outside the vulnerable group get by: savings, family support and informal work lift
    # their income per person to a floor that varies by household (a plausibility device, not a rule).
    floor_pp = np.maximum(
        _lognormal(
            rng,
            np.where(rural, tables.INCOME_FLOOR_RURAL[0], tables.INCOME_FLOOR_URBAN[0]),
            tables.INCOME_FLOOR_SIGMA,
            n,
        ),
        np.where(rural, tables.INCOME_FLOOR_RURAL[1], tables.INCOME_FLOOR_URBAN[1]),
    )
    earned = np.bincount(hh, weights=income, minlength=n)
    shortfall = np.maximum(floor_pp * size - earned - other_income, 0.0)
    other_income = np.where(vulnerable, other_income, other_income + shortfall)
    other_income = np.round(other_income / 10_000).astype(np.int64) * 10_000

    # --- ID numbers: birth province, century and sex, year, then a serial made unique later ---------------
    p_home = np.where(a < 18, 0.92, np.where(rural_m, 0.82, 0.62))
    elsewhere_codes, elsewhere_w = tables.BIRTH_PROVINCES_ELSEWHERE
    elsewhere = 1 + _pick(rng, [elsewhere_w], n=m)
    province = _take((birth_province, *elsewhere_codes), np.where(rng.random(m) < p_home, 0, elsewhere))
    century_sex = np.where(by >= 2000, 2, 0) + (~male).astype(np.int64)
    has_id = ~((a < 14) & (rng.random(m) < 0.08))

    # --- housing, water, sanitation, information -----------------------------------------------------------
    non_durable = rng.random(n) < np.select([deprived, rural], [0.45, 0.08], default=0.02)
    nd_parts = rng.random((3, n)) < 0.7
    nd_parts[2] |= ~(nd_parts[0] | nd_parts[1])  # a non-durable house has at least a non-durable roof
    wall_d, frame_d, roof_d = (~(non_durable & nd_parts[i]) for i in range(3))
    per_person = _lognormal(rng, np.select([deprived, rural], [7.5, 24.0], default=20.0), 0.45, n)
    floor_area = np.clip(np.round(per_person * size * 2) / 2, 6.0, 600.0)
    water = _take(tables.WATER_SOURCES, _pick(rng, tables.WATER, cond))
    toilet = _take(tables.TOILET_TYPES, _pick(rng, tables.TOILET, cond))
    waste = _take(tables.WASTE_HANDLINGS, _pick(rng, tables.WASTE, cond))

    def share(urban: float, rural_p: float, vuln: float) -> np.ndarray:
        return rng.random(n) < np.select([deprived, rural], [vuln, rural_p], default=urban)

    telecom = share(0.99, 0.975, 0.86)
    internet_phone = share(0.93, 0.84, 0.55) & telecom
    internet = share(0.90, 0.76, 0.45) | internet_phone
    tv = share(0.86, 0.88, 0.60)
    radio = share(0.06, 0.12, 0.07)
    computer = share(0.46, 0.20, 0.03)
    digital = internet & share(0.78, 0.58, 0.30)
    temporary = share(0.22, 0.10, 0.25)

    # --- registration date: after the older members came of age, before ``as_of`` -------------------------
    first_reg = np.datetime64(_FIRST_REGISTRATION, "D")
    span = (as_of_day - first_reg).astype(np.int64) - 30
    reg = first_reg + (rng.random(n) * span).astype(np.int64).astype("timedelta64[D]")
    # Children may be born after registration (their membership starts at birth); the others were adults.
    born_in = np.isin(rel_idx, [rel["child"], rel["grandchild"], rel["other_relative"]])
    adult_day = np.where(
        born_in, first_reg.astype(np.int64), (dob + np.timedelta64(18 * 365 + 5, "D")).astype(np.int64)
    )
    latest_adult = np.maximum.reduceat(adult_day, starts)
    reg = np.minimum(np.maximum(reg.astype(np.int64), latest_adult), (as_of_day - 1).astype(np.int64))

    # --- addresses ------------------------------------------------------------------------------------------
    house_no = (np.floor(np.exp(rng.uniform(0, np.log(400), n)))).astype(np.int64)
    alley = np.where(rng.random(n) < 0.35, rng.integers(1, 60, n), 0)
    street = rng.integers(0, len(tables.STREETS), n)
    quarter = rng.integers(1, 12, n)
    hamlet = rng.integers(0, len(tables.HAMLETS), n)
    numbered = pl.Series(house_no).cast(pl.String)
    numbered = pl.select(
        pl.when(pl.lit(pl.Series(alley)) > 0)
        .then(pl.concat_str([pl.lit(numbered), pl.lit("/"), pl.lit(pl.Series(alley)).cast(pl.String)]))
        .otherwise(pl.lit(numbered))
    ).to_series()
    address = pl.select(
        pl.when(pl.lit(pl.Series(rural)))
        .then(
            pl.concat_str(
                [
                    pl.lit("Số "),
                    pl.lit(numbered),
                    pl.lit(", tổ "),
                    pl.lit(pl.Series(quarter)).cast(pl.String),
                    pl.lit(", ấp "),
                    pl.lit(_take(tables.HAMLETS, hamlet)),
                ]
            )
        )
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("Số "),
                    pl.lit(numbered),
                    pl.lit(", đường "),
                    pl.lit(_take(tables.STREETS, street)),
                    pl.lit(", khu phố "),
                    pl.lit(pl.Series(quarter)).cast(pl.String),
                ]
            )
        )
    ).to_series()

    ethnicity_vals, eth_u, eth_r = tables.ETHNICITIES
    ethnicity = _pick(rng, [eth_u, eth_r], area)

    household_id = first_household_id + np.arange(n, dtype=np.int64)
    ward_code = wards.codes.gather(pl.Series(ward_index, dtype=pl.Int64))
    households = pl.DataFrame(
        {
            "household_id": household_id,
            "code": pl.select(
                pl.concat_str(
                    [pl.lit(ward_code), pl.lit("-"), pl.lit(pl.Series(seq_in_ward)).cast(pl.String).str.zfill(6)]
                )
            ).to_series(),
            "ward_code": ward_code,
            "area_type": _take(("urban", "rural"), area),
            "floor_area_m2": floor_area,
            "wall_durable": wall_d,
            "frame_durable": frame_d,
            "roof_durable": roof_d,
            "water_source": water,
            "toilet_type": toilet,
            "uses_telecom": telecom,
            "uses_internet": internet,
            "has_tv": tv,
            "has_radio": radio,
            "has_computer": computer,
            "has_internet_phone": internet_phone,
            # No draw of its own (the city stays the same for a seed): a household that uses telephone
            # services without an internet-capable phone has a basic one.
            "has_basic_phone": telecom & ~internet_phone,
            "uses_digital_services": digital,
            "waste_handling": waste,
            "other_income_monthly": other_income,
            "address": address,
            "residence_type": _take(("permanent", "temporary"), temporary.astype(np.int64)),
            "status": pl.repeat("active", n, eager=True),
            "registered_on": pl.Series(reg.astype("datetime64[D]")),
        }
    ).with_columns(fold_expr(pl.col("address")).alias("address_folded"))

    # Own-account work (drawn last, so the draws above stay as they were for a given seed): a share of the
    # adults who work without a labour contract work for themselves.
    own_account = employed & ~contract & (a >= 18) & (rng.random(m) < 0.45)
    employment = np.where(own_account, emp["self_employed"], employment)
    # Trainees at a vocational school are in vocational training, not at school.
    schooling = np.where(attending & (level == 4), 2, attending.astype(np.int64))
    # Benefit attributes (drawn after everything above, for the same reason): the date a disability was
    # assessed (within the last eight years, not before birth), the pension's amount, and a few people with
    # merit among the elderly (about HCMC's share: 36,787 people with merit and relatives in 2023).
    assessed_days = np.minimum((rng.random(m) * 8 * 365).astype(np.int64), (as_of_day - dob).astype(np.int64))
    assessed = np.where(dis_level > 0, (as_of_day - assessed_days.astype("timedelta64[D]")), np.datetime64("NaT"))
    pension_monthly = np.round(pension_amount / 1_000).astype(np.int64) * 1_000
    merit_draw = rng.random(m)
    merit_idx = np.where(
        (a >= 55) & (merit_draw < 0.025),
        np.where(~male & (a >= 85), 1, np.where(merit_draw < 0.004, 3, 2)),
        0,
    )

    members = pl.DataFrame(
        {
            "member_id": first_member_id + np.arange(m, dtype=np.int64),
            "household_id": household_id[hh],
            "full_name": full_name,
            "sex": _take(("F", "M"), male.astype(np.int64)),
            "date_of_birth": pl.Series(dob),
            "relation": relation,
            "ethnicity": _take(ethnicity_vals, ethnicity[hh]),
            "disability_level": _take(("none", *tables.DISABILITY_LEVELS), dis_level),
            "disability_assessed_on": pl.Series(assessed.astype("datetime64[D]")),
            "unable_to_work": unable,
            "has_health_insurance": insured,
            "schooling_status": _take(("not_attending", "attending", "training"), schooling),
            "school_level": _take(
                ("preschool", "primary", "lower_secondary", "upper_secondary", "vocational", "higher"), level
            ),
            "education_level": _take(tables.EDUCATION_LEVELS, education),
            "employment_status": _take(emp_values, employment),
            "has_labour_contract": contract,
            "has_social_insurance": social_ins,
            "receives_pension": pension,
            "pension_monthly": pension_monthly,
            "monthly_income": income,
            "nutrition_status": _take(("normal", "stunted", "underweight", "unknown"), nutr_idx),
            "merit_category": _take(("", *vocab.MERIT_CATEGORY), merit_idx),
            "_child": a < 16,
            "status": pl.repeat("active", m, eager=True),
            "legacy_id_number": pl.repeat("", m, eager=True),  # old 9-digit cards are not simulated
            "_id_prefix": pl.select(
                pl.concat_str(
                    [
                        pl.lit(province),
                        pl.lit(pl.Series(century_sex)).cast(pl.String),
                        pl.lit(pl.Series(by % 100)).cast(pl.String).str.zfill(2),
                    ]
                )
            ).to_series(),
            "_has_id": has_id,
        }
    ).with_columns(
        fold_expr(pl.col("full_name")).alias("name_folded"),
        pl.when(pl.col("schooling_status") != "not_attending").then(pl.col("school_level")).alias("school_level"),
        pl.when(pl.col("_child")).then(pl.col("nutrition_status")).alias("nutrition_status"),
        pl.col("merit_category").replace("", None),
    )
    return households.select(list(HOUSEHOLD_SCHEMA)), members


def _assign_id_numbers(members: pl.DataFrame, used: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fill ``id_number`` with unique serials per prefix, continuing after the counts in ``used``."""
    with_id = members.filter(pl.col("_has_id")).select("member_id", "_id_prefix")
    ranked = (
        with_id.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over("_id_prefix").alias("_k"))
        .join(used, on="_id_prefix", how="left")
        .with_columns((pl.col("_k") + pl.col("_used").fill_null(0)).alias("_k"))
    )
    if ranked.height and int(ranked["_k"].max()) >= _ID_SPACE:  # type: ignore[arg-type]
        raise ValueError("more than a million people share an ID prefix; the serial space is exhausted")
    prefix_int = pl.col("_id_prefix").cast(pl.Int64)
    ranked = ranked.select(
        "member_id",
        pl.concat_str(
            [
                pl.col("_id_prefix"),
                ((pl.col("_k") * _ID_A + prefix_int * 104_729 + 12_345) % _ID_SPACE).cast(pl.String).str.zfill(6),
            ]
        ).alias("id_number"),
    )
    counts = with_id.group_by("_id_prefix").agg(pl.len().cast(pl.Int64).alias("_used"))
    used = pl.concat([used, counts]).group_by("_id_prefix").agg(pl.col("_used").sum())
    out = members.join(ranked, on="member_id", how="left", maintain_order="left")
    return out.select(list(MEMBER_SCHEMA)), used


def generate_chunks(
    n_households: int,
    province_wards: Sequence[tuple[str, str]],
    seed: int,
    *,
    first_household_id: int = 1,
    first_member_id: int = 1,
    as_of: datetime.date = AS_OF,
    birth_province: str = "079",
    id_numbers_used: Mapping[str, int] | None = None,
    household_seq_used: Mapping[str, int] | None = None,
    chunk_size: int = CHUNK_HOUSEHOLDS,
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """Yield ``(households, members)`` frames of at most ``chunk_size`` households each.

    ``province_wards`` lists ``(ward_code, area_type)``; households are spread over the wards, with
    codes ``{ward_code}-{seq:06d}``. ``id_numbers_used`` maps a six-digit ID prefix (province,
    century-and-sex, year) to how many numbers with that prefix earlier seeds already issued, so a
    second seed into the same registry continues the serials instead of repeating them;
    ``household_seq_used`` likewise maps a ward code to the last household sequence number it uses.
    The output depends on every argument, ``chunk_size`` included.
    """
    if not province_wards:
        raise ValueError("no wards to spread the households over")
    codes = [str(c) for c, _ in province_wards]
    wards = _Wards(
        codes=pl.Series(codes, dtype=pl.String),
        rural=np.asarray([area == "rural" for _, area in province_wards], dtype=bool),
    )
    rng = np.random.default_rng([seed, 0])
    weights = np.exp(rng.normal(0.0, 0.3, len(codes)))
    counts = rng.multinomial(n_households, weights / weights.sum())
    ward_of = np.repeat(np.arange(len(codes)), counts)
    seq_used = household_seq_used or {}
    ward_start = np.cumsum(counts) - counts - np.asarray([seq_used.get(c, 0) for c in codes], dtype=np.int64)
    used = pl.DataFrame(
        {"_id_prefix": list((id_numbers_used or {}).keys()), "_used": list((id_numbers_used or {}).values())},
        schema={"_id_prefix": pl.String, "_used": pl.Int64},
    )
    next_member = first_member_id
    for number, lo in enumerate(range(0, n_households, chunk_size), start=1):
        hi = min(lo + chunk_size, n_households)
        ward_index = ward_of[lo:hi]
        households, members = _chunk(
            np.random.default_rng([seed, number]),
            ward_index=ward_index,
            seq_in_ward=np.arange(lo, hi) - ward_start[ward_index] + 1,
            wards=wards,
            first_household_id=first_household_id + lo,
            first_member_id=next_member,
            as_of=as_of,
            birth_province=birth_province,
        )
        members, used = _assign_id_numbers(members, used)
        next_member += members.height
        yield households, members


def generate(
    n_households: int,
    province_wards: Sequence[tuple[str, str]],
    seed: int,
    *,
    first_household_id: int = 1,
    first_member_id: int = 1,
    as_of: datetime.date = AS_OF,
    birth_province: str = "079",
    id_numbers_used: Mapping[str, int] | None = None,
    household_seq_used: Mapping[str, int] | None = None,
    chunk_size: int = CHUNK_HOUSEHOLDS,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The whole synthetic population as two frames; the options are those of ``generate_chunks``.

    >>> households, members = generate(10, [("26734", "urban"), ("26737", "rural")], seed=1)
    >>> households.height, members["household_id"].n_unique()
    (10, 10)
    """
    parts = list(
        generate_chunks(
            n_households,
            province_wards,
            seed,
            first_household_id=first_household_id,
            first_member_id=first_member_id,
            as_of=as_of,
            birth_province=birth_province,
            id_numbers_used=id_numbers_used,
            household_seq_used=household_seq_used,
            chunk_size=chunk_size,
        )
    )
    if not parts:
        parts = [(pl.DataFrame(schema=HOUSEHOLD_SCHEMA), pl.DataFrame(schema=MEMBER_SCHEMA))]
    return pl.concat([h for h, _ in parts]), pl.concat([m for _, m in parts])
