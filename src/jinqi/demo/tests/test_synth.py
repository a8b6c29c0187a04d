"""The synthetic population: deterministic, valid, consistent, and importable as it is."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from jinqi.accounts.departments_seed import PARKS, TOWNS
from jinqi.demo import synth
from jinqi.registry.importing import parse_header
from jinqi.registry.uscc import check_uscc

SAMPLE = 2_000


@pytest.fixture(scope="module")
def sample() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = synth.synth_table(count=SAMPLE, seed=11).to_pylist()
    return rows


def test_same_seed_writes_the_same_file(tmp_path: Path) -> None:
    """Two runs with one seed give byte-identical files; another seed gives other enterprises."""
    first, second, other = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.parquet"
    synth.synth_write(first, count=500, seed=3)
    synth.synth_write(second, count=500, seed=3)
    synth.synth_write(other, count=500, seed=4)
    assert first.read_bytes() == second.read_bytes()
    codes = pq.read_table(first).column("uscc").to_pylist()
    assert set(codes).isdisjoint(pq.read_table(other).column("uscc").to_pylist())


def test_command_writes_the_requested_count(tmp_path: Path) -> None:
    """`jinqi registry synth` writes a Parquet file of --count rows with the declared columns."""
    output = tmp_path / "population.parquet"
    call_command("registry", "synth", "--count", "120", "--seed", "5", "--output", str(output))
    table = pq.read_table(output)
    assert table.num_rows == 120
    assert table.column_names == synth.columns()


def test_codes_are_valid_unique_and_registered_in_jinshan(sample: list[dict[str, object]]) -> None:
    """Every code passes GB 32100 validation with Jinshan's region 310116, and none repeats."""
    codes = [str(row["uscc"]) for row in sample]
    assert len(set(codes)) == SAMPLE
    for code in codes:
        check = check_uscc(code)
        assert check.valid, (code, check.errors)
        assert not check.warnings, (code, check.warnings)
        assert code[2:8] == "310116"


def test_codes_and_names_stay_unique_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows generated in several blocks still never share a code or a name."""
    monkeypatch.setattr(synth, "BLOCK_ROWS", 700)
    table = synth.synth_table(count=3_000, seed=2)
    assert len(set(table.column("uscc").to_pylist())) == 3_000
    assert len(set(table.column("name").to_pylist())) == 3_000


def test_registration_columns_look_like_the_register(sample: list[dict[str, object]]) -> None:
    """Names are unique 上海…有限公司 names, phones mobile numbers, towns the district's units."""
    names = [str(row["name"]) for row in sample]
    assert len(set(names)) == SAMPLE
    assert all(re.fullmatch(r"上海\w{2,3}\w+有限公司", name) for name in names)
    assert all(re.fullmatch(r"1[3-9]\d{9}", str(row["contact_phone"])) for row in sample)
    units = {seed.code for seed in TOWNS + PARKS}
    assert {row["town"] for row in sample} == units
    assert all(str(row["registered_address"]).startswith("上海市金山区") for row in sample)
    assert all(re.fullmatch(r"[A-T]\d{4}", str(row["industry_code"])) for row in sample)


def test_industry_mix_is_manufacturing_and_chemical_heavy(sample: list[dict[str, object]]) -> None:
    """Chemicals (C26) are the largest manufacturing division and manufacturing a big share."""
    divisions = [str(row["industry_code"])[:3] for row in sample]
    manufacturing = sum(d.startswith("C") for d in divisions) / SAMPLE
    assert 0.35 < manufacturing < 0.65
    by_division = {d: divisions.count(d) for d in set(divisions) if d.startswith("C")}
    assert max(by_division, key=lambda d: by_division[d]) == "C26"


def test_yearly_figures_are_consistent(sample: list[dict[str, object]]) -> None:
    """Parts stay below wholes, staff counts below employees, and nothing precedes founding."""
    for row in sample:
        for year in synth.YEARS:

            def figure(key: str, row: dict[str, object] = row, year: int = year) -> float:
                value = row[f"{key}_{year}"]
                assert isinstance(value, int | float)
                return float(value)

            if row[f"revenue_{year}"] is None:
                assert all(row[f"{key}_{year}"] is None for key in synth.YEARLY_KEYS)
                continue
            assert row["established_on"].year <= year  # type: ignore[attr-defined]
            revenue = figure("revenue")
            for part in ("taxable_income", "rd_expense", "high_tech_revenue", "export_revenue",
                         "tax_paid"):  # fmt: skip
                assert 0 <= figure(part) <= revenue, (row["uscc"], part, year)
            assert figure("total_income") >= revenue
            assert figure("total_assets") >= 0
            assert 0 <= figure("tech_staff") <= figure("employees")
            assert 0 <= figure("insured_employees") <= figure("employees")
            assert 0 <= figure("layoff_rate_last_year") <= 1


def test_revenue_changes_plausibly_from_year_to_year(sample: list[dict[str, object]]) -> None:
    """Revenue grows or shrinks from one year to the next, rarely by more than a factor of three."""
    ratios = []
    for row in sample:
        for earlier, later in zip(synth.YEARS, synth.YEARS[1:], strict=False):
            before, after = row[f"revenue_{earlier}"], row[f"revenue_{later}"]
            if isinstance(before, float) and isinstance(after, float) and before > 1:
                ratios.append(after / before)
    assert ratios
    assert sum(0.33 < r < 3 for r in ratios) / len(ratios) > 0.98
    assert min(ratios) < 1 < max(ratios)


def test_money_is_skewed_and_status_facts_have_realistic_shares(
    sample: list[dict[str, object]],
) -> None:
    """A few enterprises hold most of the revenue; credit levels and certificates are shared out
    as in a real district."""
    revenues = sorted(
        float(r["revenue_2024"])  # type: ignore[arg-type]
        for r in sample
        if r["revenue_2024"] is not None
    )
    top = revenues[int(len(revenues) * 0.9) :]
    assert sum(top) > 0.5 * sum(revenues)
    levels = [row["tax_credit_level"] for row in sample]
    assert set(levels) == {"A", "B", "M", "C", "D"}
    assert levels.count("B") > SAMPLE * 0.4
    high_tech = [row for row in sample if row["is_high_tech"]]
    assert 0.01 * SAMPLE < len(high_tech) < 0.15 * SAMPLE
    assert all(int(row["core_ip_count"]) >= 1 for row in high_tech)  # type: ignore[call-overload]


def test_columns_are_what_the_importer_expects(sample: list[dict[str, object]]) -> None:
    """The importer accepts every column of a synthetic file and reads none as unknown."""
    assert list(sample[0]) == synth.columns()
    columns = parse_header(synth.columns())
    assert [c.header for c in columns] == synth.columns()


def test_schema_types_suit_the_vocabulary() -> None:
    """Counts are integers, money floats, flags booleans and dates dates in the Parquet schema."""
    schema = synth.synth_table(count=10, seed=1).schema
    assert schema.field("employees_2024").type == pa.int64()
    assert schema.field("revenue_2024").type == pa.float64()
    assert schema.field("is_high_tech").type == pa.bool_()
    assert schema.field("high_tech_certificate_until").type == pa.date32()
    assert schema.field("established_on").type == pa.date32()
