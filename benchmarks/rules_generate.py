"""Synthetic enterprises and a generated rule pack for the rules-engine benchmark.

    uv run python benchmarks/rules_generate.py --rows 3300000 --rules 500 --seed 1 --out DIR

writes DIR/profiles.parquet (one row per enterprise, the POLICIES.md vocabulary) and
DIR/rules.json (a list of {"id", "template", "sql", "expr"}; see rules_pack.py). Deterministic
for a given seed; the rows are drawn with NumPy in a few seconds.

The rules come from the templates of POLICIES.md (small-low-profit, high-tech with the tiered
R&D ratio, tech-sme, disability-fund, job-retention, rd-super-deduction) plus local variants
(town, industry and credit conditions). Thresholds are drawn from short grids, as real packs
reuse the same legal thresholds, so many comparisons are shared across rules.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from rules_pack import (
    Node,
    all_of,
    any_of,
    between,
    case,
    cmp,
    col,
    div,
    in_,
    is_not_null,
    not_,
    to_sql,
)

T = TypeVar("T")

# Jinshan's towns, streets and parks (codes are made up but shaped like the real ones).
TOWNS = [f"310116{n:03d}" for n in (1, 2, 3, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110)]
TOWNS += ["310116501", "310116502"]  # two industrial parks
TOWN_WEIGHTS = np.array([3, 2, 2, 8, 9, 6, 7, 5, 4, 5, 6, 4, 5, 12, 8], dtype=float)

# GB/T 4754-2017 sections and their divisions; weights lean to manufacturing and services.
SECTIONS: dict[str, tuple[range, float]] = {
    "A": (range(1, 6), 1.5),
    "B": (range(6, 13), 0.2),
    "C": (range(13, 44), 30.0),
    "D": (range(44, 47), 0.8),
    "E": (range(47, 51), 6.0),
    "F": (range(51, 53), 25.0),
    "G": (range(53, 61), 4.0),
    "H": (range(61, 63), 5.0),
    "I": (range(63, 66), 6.0),
    "J": (range(66, 70), 0.7),
    "K": (range(70, 71), 2.0),
    "L": (range(71, 73), 9.0),
    "M": (range(73, 76), 5.0),
    "N": (range(76, 80), 0.8),
    "O": (range(80, 83), 2.5),
    "P": (range(83, 84), 0.5),
    "Q": (range(84, 86), 0.3),
    "R": (range(86, 91), 1.2),
}
CREDIT_LEVELS = ["A", "B", "M", "C", "D"]
CREDIT_WEIGHTS = np.array([0.22, 0.45, 0.22, 0.08, 0.03])
SIZE_CLASSES = ["large", "medium", "small", "micro"]

# Share of NULLs (data not supplied yet) per column.
NULL_SHARE = {
    "revenue": 0.01,
    "taxable_income": 0.03,
    "total_assets": 0.01,
    "rd_expense_3y": 0.04,
    "rd_expense_domestic_3y": 0.05,
    "high_tech_revenue": 0.03,
    "tech_staff": 0.02,
    "innovation_score": 0.05,
    "layoff_rate_last_year": 0.03,
    "ui_contribution_months": 0.02,
    "in_supported_tech_field": 0.03,
    "tax_credit_level": 0.02,
    "town": 0.005,
}


def industry_codes() -> tuple[list[str], np.ndarray]:
    """Class codes like 'C2614' (section letter + division + group + class) and their weights."""
    codes: list[str] = []
    weights: list[float] = []
    for section, (divisions, weight) in SECTIONS.items():
        per_division = weight / len(divisions)
        for division in divisions:
            for group in (1, 2, 3, 4):
                for klass in (1, 2, 3):
                    codes.append(f"{section}{division:02d}{group}{klass}")
                    weights.append(per_division / (group * klass))
    w = np.array(weights)
    return codes, w / w.sum()


def dictionary(indices: np.ndarray, values: list[str], null: np.ndarray | None) -> pa.Array:
    mask = null if null is not None else None
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(np.int32), mask=mask), pa.array(values, pa.string())
    )


def money(values: np.ndarray) -> np.ndarray:
    """万元 with two decimals (100 yuan), as ledgers report them."""
    return np.round(values, 2)


def generate_profiles(rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    n = rows

    age = np.minimum(rng.geometric(0.12, n) - 1, 45).astype(np.int32)
    tech = rng.random(n) < 0.18  # technology-oriented firms
    employees = np.floor(rng.lognormal(2.0, 1.35, n)).astype(np.int64)
    employees[rng.random(n) < 0.04] = 0  # sole proprietors and shells: zero denominators
    employees[rng.random(n) < 0.01] = 300  # threshold values occur in real data
    employees = np.minimum(employees, 60000).astype(np.int32)

    productivity = rng.lognormal(np.log(35.0), 0.9, n)  # 万元 per employee
    revenue = money(np.maximum(employees, 0.3) * productivity * rng.lognormal(0, 0.3, n))
    revenue[(age == 0) & (rng.random(n) < 0.5)] = 0.0
    growth = np.clip(rng.normal(2.6, 0.35, n), 1.0, 3.5)
    revenue_3y = money(revenue * np.where(age >= 3, growth, np.minimum(age, 2) + 1.0))
    total_income = money(revenue * (1.0 + rng.exponential(0.04, n)))
    total_assets = money(revenue * rng.lognormal(np.log(0.9), 0.8, n))
    margin = rng.normal(0.06, 0.12, n)
    taxable_income = money(revenue * margin)
    taxable_income[taxable_income < 0] = 0.0  # losses are reported as zero taxable income

    rd_ratio = np.where(
        tech, rng.lognormal(np.log(0.045), 0.55, n), rng.lognormal(np.log(0.004), 1.2, n)
    )
    rd_ratio[~tech & (rng.random(n) < 0.6)] = 0.0
    rd_expense_3y = money(revenue_3y * rd_ratio)
    # Some firms budget R&D exactly at a legal threshold (the ratio boundary cases).
    at_threshold = tech & (rng.random(n) < 0.08)
    rd_expense_3y[at_threshold] = money(
        revenue_3y[at_threshold] * rng.choice([0.03, 0.04, 0.05], int(at_threshold.sum()))
    )
    domestic_share = np.where(rng.random(n) < 0.55, 1.0, rng.beta(6, 2, n))
    rd_expense_domestic_3y = money(rd_expense_3y * domestic_share)
    high_tech_share = np.where(tech, rng.beta(5, 2.5, n), rng.beta(0.3, 6, n))
    high_tech_revenue = money(total_income * high_tech_share)

    tech_staff = rng.binomial(employees, np.where(tech, 0.22, 0.04)).astype(np.int32)
    insured_employees = rng.binomial(employees, 0.9).astype(np.int32)
    ui_months = np.minimum(rng.geometric(0.02, n), age.astype(np.int64) * 12 + 11).astype(np.int32)
    core_ip = rng.poisson(np.where(tech, 3.0, 0.15)).astype(np.int32)
    innovation = np.round(np.clip(rng.normal(np.where(tech, 68, 45), 14), 0, 100), 1)
    laid_off = rng.random(n) < 0.25
    layoff_rate = np.where(laid_off, np.round(rng.beta(1.2, 12, n), 3), 0.0)

    industry_restricted = rng.random(n) < 0.01
    in_abnormal_list = rng.random(n) < 0.035
    in_serious_dishonesty_list = rng.random(n) < 0.006
    major_incident = rng.random(n) < 0.004
    supported_field = rng.random(n) < np.where(tech, 0.7, 0.04)
    is_high_tech = tech & (rng.random(n) < 0.25)

    town = rng.choice(len(TOWNS), n, p=TOWN_WEIGHTS / TOWN_WEIGHTS.sum())
    codes, code_weights = industry_codes()
    industry = rng.choice(len(codes), n, p=code_weights)
    code_array = np.array(codes)
    sections = sorted({c[0] for c in codes})
    divisions = sorted({c[1:3] for c in codes})
    section_of_code = np.array([sections.index(c[0]) for c in codes])
    division_of_code = np.array([divisions.index(c[1:3]) for c in codes])
    credit = rng.choice(len(CREDIT_LEVELS), n, p=CREDIT_WEIGHTS)
    # 国统字〔2017〕213号 industrial row, simplified to one table for every industry.
    size = np.full(n, 3)
    size[(employees >= 20) & (revenue >= 300)] = 2
    size[(employees >= 300) & (revenue >= 2000)] = 1
    size[(employees >= 1000) & (revenue >= 40000)] = 0
    del code_array

    def nulls(name: str) -> np.ndarray | None:
        share = NULL_SHARE.get(name)
        return rng.random(n) < share if share else None

    def num(name: str, values: np.ndarray, kind: pa.DataType) -> pa.Array:
        return pa.array(values, kind, mask=nulls(name))

    f64, i32 = pa.float64(), pa.int32()
    columns: dict[str, pa.Array] = {
        "employees": num("employees", employees, i32),
        "revenue": num("revenue", revenue, f64),
        "revenue_3y": num("revenue_3y", revenue_3y, f64),
        "total_income": num("total_income", total_income, f64),
        "total_assets": num("total_assets", total_assets, f64),
        "taxable_income": num("taxable_income", taxable_income, f64),
        "rd_expense_3y": num("rd_expense_3y", rd_expense_3y, f64),
        "rd_expense_domestic_3y": num("rd_expense_domestic_3y", rd_expense_domestic_3y, f64),
        "high_tech_revenue": num("high_tech_revenue", high_tech_revenue, f64),
        "tech_staff": num("tech_staff", tech_staff, i32),
        "insured_employees": num("insured_employees", insured_employees, i32),
        "ui_contribution_months": num("ui_contribution_months", ui_months, i32),
        "core_ip_count": num("core_ip_count", core_ip, i32),
        "age_years": num("age_years", age, i32),
        "innovation_score": num("innovation_score", innovation, f64),
        "layoff_rate_last_year": num("layoff_rate_last_year", layoff_rate, f64),
        "industry_restricted": num("industry_restricted", industry_restricted, pa.bool_()),
        "in_abnormal_list": num("in_abnormal_list", in_abnormal_list, pa.bool_()),
        "in_serious_dishonesty_list": num(
            "in_serious_dishonesty_list", in_serious_dishonesty_list, pa.bool_()
        ),
        "major_incident_last_year": num("major_incident_last_year", major_incident, pa.bool_()),
        "in_supported_tech_field": num("in_supported_tech_field", supported_field, pa.bool_()),
        "is_high_tech": num("is_high_tech", is_high_tech, pa.bool_()),
        "town": dictionary(town, TOWNS, nulls("town")),
        "industry_code": dictionary(industry, codes, None),
        "industry_section": dictionary(section_of_code[industry], sections, None),
        "industry_division": dictionary(division_of_code[industry], divisions, None),
        "tax_credit_level": dictionary(credit, CREDIT_LEVELS, nulls("tax_credit_level")),
        "size_class": dictionary(size, SIZE_CLASSES, None),
    }
    return pa.table(columns)


# -------------------------------------------------------------------------------------------
# Rule templates

# Town groupings used by local policies (single towns, the parks, the southern towns).
TOWN_GROUPS: list[list[str]] = (
    [[t] for t in TOWNS]
    + [TOWNS[-2:], TOWNS[3:8], TOWNS[8:13], TOWNS[:3]]
    + [[TOWNS[3], TOWNS[13]], [TOWNS[5], TOWNS[14]]]
)
CREDIT_GROUPS = [["A"], ["A", "B"], ["A", "B", "M"]]
# 研发费用加计扣除 exclusions: 烟草制品业 16, 批发和零售业 51-52, 住宿和餐饮业 61-62,
# 房地产业 70, 租赁和商务服务业 71-72, 娱乐业 90.
RD_EXCLUDED_DIVISIONS = ["16", "51", "52", "61", "62", "70", "71", "72", "90"]
# Jinshan's priority manufacturing: chemicals, pharmaceuticals, rubber and plastics, new
# materials, equipment, electronics.
PRIORITY_DIVISIONS = [
    ["26", "27", "29"],
    ["26", "28", "30"],
    ["34", "35", "39"],
    ["27", "39", "40"],
]


def sometimes(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def pick(rng: np.random.Generator, grid: Sequence[T]) -> T:
    return grid[int(rng.integers(len(grid)))]


def local_conditions(rng: np.random.Generator, p_town: float, p_credit: float) -> list[Node]:
    extra: list[Node] = []
    if sometimes(rng, p_town):
        extra.append(in_(col("town"), pick(rng, TOWN_GROUPS)))
    if sometimes(rng, p_credit):
        extra.append(in_(col("tax_credit_level"), pick(rng, CREDIT_GROUPS)))
    return extra


def small_low_profit(rng: np.random.Generator) -> Node:
    return all_of(
        not_(col("industry_restricted")),
        cmp("<=", col("taxable_income"), pick(rng, [100, 200, 300, 300, 500])),
        cmp("<=", col("employees"), pick(rng, [100, 200, 300, 300])),
        cmp("<=", col("total_assets"), pick(rng, [3000, 5000, 5000, 10000])),
        *local_conditions(rng, 0.9, 0.3),
    )


def high_tech(rng: np.random.Generator) -> Node:
    rd = div(col("rd_expense_3y"), col("revenue_3y"))
    low, mid, high = pick(rng, [(0.05, 0.04, 0.03), (0.05, 0.04, 0.03), (0.06, 0.05, 0.04)])
    small, large = pick(rng, [(5000, 20000), (5000, 20000), (3000, 20000)])
    # No ELSE: an enterprise without last year's revenue is unknown, not in the top tier.
    tiered = case(
        [
            (cmp("<=", col("revenue"), small), cmp(">=", rd, low)),
            (cmp("<=", col("revenue"), large), cmp(">=", rd, mid)),
            (cmp(">", col("revenue"), large), cmp(">=", rd, high)),
        ]
    )
    conditions = [
        cmp(">=", col("age_years"), pick(rng, [1, 1, 2])),
        cmp(">=", col("core_ip_count"), pick(rng, [1, 1, 2])),
        col("in_supported_tech_field"),
        cmp(">=", div(col("tech_staff"), col("employees")), pick(rng, [0.1, 0.1, 0.15])),
        tiered,
        cmp(">=", div(col("rd_expense_domestic_3y"), col("rd_expense_3y")), 0.6),
        cmp(">=", div(col("high_tech_revenue"), col("total_income")), pick(rng, [0.5, 0.6])),
        cmp(">", col("innovation_score"), pick(rng, [60, 70])),
        not_(col("major_incident_last_year")),
    ]
    if sometimes(rng, 0.5):  # the pre-screening variant drops the score and the field
        conditions = [c for c in conditions if c not in (conditions[2], conditions[7])]
    return all_of(*conditions, *local_conditions(rng, 0.3, 0.1))


def tech_sme(rng: np.random.Generator) -> Node:
    score = all_of(
        cmp(">=", col("innovation_score"), pick(rng, [50, 60, 60])),
        cmp(">", col("tech_staff"), 0),
    )
    qualifies = any_of(score, col("is_high_tech")) if sometimes(rng, 0.5) else score
    return all_of(
        cmp("<=", col("employees"), pick(rng, [300, 500, 500])),
        cmp("<=", col("revenue"), pick(rng, [10000, 20000, 20000])),
        cmp("<=", col("total_assets"), pick(rng, [10000, 20000, 20000])),
        not_(col("industry_restricted")),
        not_(col("major_incident_last_year")),
        not_(col("in_abnormal_list")),
        not_(col("in_serious_dishonesty_list")),
        qualifies,
        *local_conditions(rng, 0.6, 0.2),
    )


def disability_fund(rng: np.random.Generator) -> Node:
    conditions = [cmp("<=", col("employees"), pick(rng, [20, 30, 30, 50]))]
    if sometimes(rng, 0.5):
        conditions.append(in_(col("size_class"), pick(rng, [["small", "micro"], ["micro"]])))
    return all_of(*conditions, *local_conditions(rng, 0.95, 0.3))


def job_retention(rng: np.random.Generator) -> Node:
    layoff = col("layoff_rate_last_year")
    return all_of(
        cmp(">", col("insured_employees"), 0),
        cmp(">=", col("ui_contribution_months"), pick(rng, [6, 12, 12])),
        not_(col("in_serious_dishonesty_list")),
        any_of(
            cmp("<=", layoff, pick(rng, [0.05, 0.055, 0.055])),
            all_of(
                cmp("<=", col("insured_employees"), pick(rng, [20, 30, 30])),
                cmp("<=", layoff, pick(rng, [0.2, 0.2, 0.25])),
            ),
        ),
        *local_conditions(rng, 0.9, 0.2),
    )


def rd_super_deduction(rng: np.random.Generator) -> Node:
    conditions = [
        cmp(">", col("rd_expense_3y"), pick(rng, [0, 0, 10, 50])),
        in_(col("industry_division"), RD_EXCLUDED_DIVISIONS, negated=True),
    ]
    if sometimes(rng, 0.3):
        conditions.append(in_(col("tax_credit_level"), ["A", "B", "M"]))
    return all_of(*conditions, *local_conditions(rng, 0.7, 0.0))


def priority_industry(rng: np.random.Generator) -> Node:
    """Local support for priority manufacturing (BETWEEN, IN on divisions, IS NOT NULL)."""
    low = pick(rng, [500, 1000, 2000])
    high = pick(rng, [20000, 50000, 100000])
    conditions = [
        in_(col("industry_section"), ["C"]),
        in_(col("industry_division"), pick(rng, PRIORITY_DIVISIONS)),
        between(col("revenue"), low, high),
        is_not_null(col("taxable_income")),
        not_(col("in_abnormal_list")),
    ]
    if sometimes(rng, 0.5):
        conditions.append(cmp(">=", div(col("rd_expense_3y"), col("revenue_3y")), 0.03))
    return all_of(*conditions, *local_conditions(rng, 0.5, 0.5))


def startup(rng: np.random.Generator) -> Node:
    """Start-up rent and talent subsidies: young firms in a park or town."""
    return all_of(
        between(col("age_years"), 0, pick(rng, [2, 3, 5])),
        cmp(">=", col("employees"), pick(rng, [3, 5])),
        in_(col("industry_code"), ["C2614", "C2631", "C3911", "C3921", "I6511", "I6531"])
        if sometimes(rng, 0.3)
        else in_(col("industry_section"), pick(rng, [["C", "I", "M"], ["I", "M"]])),
        not_(col("in_abnormal_list")),
        *local_conditions(rng, 1.0, 0.0),
    )


TEMPLATES: dict[str, tuple[Callable[[np.random.Generator], Node], float]] = {
    "small-low-profit": (small_low_profit, 0.16),
    "high-tech": (high_tech, 0.12),
    "tech-sme": (tech_sme, 0.14),
    "disability-fund": (disability_fund, 0.12),
    "job-retention": (job_retention, 0.14),
    "rd-super-deduction": (rd_super_deduction, 0.10),
    "priority-industry": (priority_industry, 0.12),
    "startup": (startup, 0.10),
}


def generate_rules(count: int, seed: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed + 7919)  # independent of the rows' stream
    names = list(TEMPLATES)
    weights = np.array([TEMPLATES[name][1] for name in names])
    chosen = rng.choice(len(names), count, p=weights / weights.sum())
    rules: list[dict[str, object]] = []
    for number, index in enumerate(chosen, start=1):
        template = names[int(index)]
        expr = TEMPLATES[template][0](rng)
        rules.append(
            {
                "id": f"{template}-{number:04d}",
                "template": template,
                "sql": to_sql(expr),
                "expr": expr,
            }
        )
    return rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_300_000)
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20260630)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--row-group-size", type=int, default=1 << 20, help="Parquet rows per row group"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    table = generate_profiles(args.rows, args.seed)
    pq.write_table(table, args.out / "profiles.parquet", row_group_size=args.row_group_size)
    rules = generate_rules(args.rules, args.seed)
    (args.out / "rules.json").write_text(
        json.dumps(rules, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(
        f"{args.rows} rows, {len(rules)} rules in {time.perf_counter() - started:.1f} s "
        f"-> {args.out}"
    )


if __name__ == "__main__":
    main()
