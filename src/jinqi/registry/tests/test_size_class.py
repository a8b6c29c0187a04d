"""Size class per 统计上大中小微型企业划分办法（2017）: every threshold of every row (at the bound
and just below), the "all indicators" rule for large/medium/small, micro's "one indicator" rule,
the industries the 办法 leaves out, and the `jinqi registry` command line."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from jinqi.registry.enums import SizeClass
from jinqi.registry.management.commands.registry import Command
from jinqi.registry.size_class import (
    INDUSTRY_TABLE,
    SIZE_TABLE,
    AmbiguousIndustryError,
    IndustryNotCoveredError,
    InvalidFigureError,
    MissingFigureError,
    SizeClassError,
    UnknownIndustryError,
    industries,
    normalise_industry_code,
    size_class,
    size_row,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


# The 办法's 附表, written out again by hand (not read from SIZE_TABLE): row name, the lower
# bounds (large, medium, small) per indicator, and industries that must fall in the row.
EXPECTED: dict[str, tuple[dict[str, tuple[float, float, float]], tuple[str, ...]]] = {
    "农、林、牧、渔业": ({"revenue": (20000, 500, 50)}, ("A0111", "A0412", "A0541")),
    "工业": (
        {"employees": (1000, 300, 20), "revenue": (40000, 2000, 300)},
        ("B0610", "B1120", "C2614", "C3511", "C4390", "D4411", "D4620"),
    ),
    "建筑业": ({"revenue": (80000, 6000, 300), "assets": (80000, 5000, 300)}, ("E4710", "E5090")),
    "批发业": ({"employees": (200, 20, 5), "revenue": (40000, 5000, 1000)}, ("F5111", "F5193")),
    "零售业": ({"employees": (300, 50, 10), "revenue": (20000, 500, 100)}, ("F5211", "F5292")),
    "交通运输业": (
        {"employees": (1000, 300, 20), "revenue": (30000, 3000, 200)},
        ("G5411", "G5521", "G5611", "G5710", "G5810", "G5821", "G5910"),
    ),
    "仓储业": (
        {"employees": (200, 100, 20), "revenue": (30000, 1000, 100)},
        ("G5920", "G5930", "G5942", "G5951", "G5960", "G5990"),
    ),
    "邮政业": ({"employees": (1000, 300, 20), "revenue": (30000, 2000, 100)}, ("G6010", "G6020")),
    "住宿业": ({"employees": (300, 100, 10), "revenue": (10000, 2000, 100)}, ("H6110", "H6130")),
    "餐饮业": ({"employees": (300, 100, 10), "revenue": (10000, 2000, 100)}, ("H6210", "H6242")),
    "信息传输业": (
        {"employees": (2000, 100, 10), "revenue": (100000, 1000, 100)},
        ("I6311", "I6331", "I6421", "I6490"),
    ),
    "软件和信息技术服务业": (
        {"employees": (300, 100, 10), "revenue": (10000, 1000, 50)},
        ("I6511", "I6520", "I6599"),
    ),
    "房地产开发经营": ({"revenue": (200000, 1000, 100), "assets": (10000, 5000, 2000)}, ("K7010",)),
    "物业管理": ({"employees": (1000, 300, 100), "revenue": (5000, 1000, 500)}, ("K7020",)),
    "租赁和商务服务业": (
        {"employees": (300, 100, 10), "assets": (120000, 8000, 100)},
        ("L7111", "L7130", "L7224", "L7299"),
    ),
    "其他未列明行业": (
        {"employees": (300, 100, 10)},
        ("M7310", "M7520", "N7610", "N7820", "O8010", "O8290", "Q8521", "R8610", "R9090", "K7030"),
    ),
}

NOT_COVERED = ("G5311", "G5320", "J6621", "J6999", "K7040", "P8310", "Q8411", "S9100", "T9700")

SIZES = ("large", "medium", "small")
BELOW = {"employees": 1, "revenue": 0.01, "assets": 0.01}  # the smallest step down we test


def classify(code: str, **figures: float) -> str:
    """size_class with unused figures left out."""
    return size_class(
        code,
        employees=int(figures["employees"]) if "employees" in figures else None,
        revenue=figures.get("revenue"),
        assets=figures.get("assets"),
    )


def edge_cases() -> Iterator[tuple[str, str, dict[str, float], str]]:
    """(row, code, figures, expected class) at every bound and just below it, for every row."""
    for row, (bounds, codes) in EXPECTED.items():
        code = codes[0]
        for i, size in enumerate(SIZES):
            at = {indicator: values[i] for indicator, values in bounds.items()}
            yield row, code, at, size
            lower = SIZES[i + 1] if i + 1 < len(SIZES) else "micro"
            for indicator in bounds:
                below = dict(at, **{indicator: at[indicator] - BELOW[indicator]})
                yield row, code, below, lower


@pytest.mark.parametrize(
    ("row", "code", "figures", "expected"),
    list(edge_cases()),
    ids=lambda value: str(value) if isinstance(value, str) else None,
)
def test_every_threshold_at_the_bound_and_just_below(
    row: str, code: str, figures: dict[str, float], expected: str
) -> None:
    """At every lower bound the enterprise is in the class; one step below any indicator it
    drops one class (and below small it is micro)."""
    assert size_row(code).name == row
    assert classify(code, **figures) == expected


def test_the_table_has_the_rows_and_numbers_of_the_annex() -> None:
    """SIZE_TABLE holds exactly the 16 rows and bounds of the 附表, in its order."""
    assert [row.name for row in SIZE_TABLE] == list(EXPECTED)
    for row in SIZE_TABLE:
        bounds, _codes = EXPECTED[row.name]
        assert {t.indicator: (t.large, t.medium, t.small) for t in row.thresholds} == bounds


@pytest.mark.parametrize(
    ("row", "code"), [(row, code) for row, (_b, codes) in EXPECTED.items() for code in codes]
)
def test_industries_fall_in_their_row(row: str, code: str) -> None:
    """Sample classes of each row (all divisions of 工业, 装卸搬运 in 交通运输业…) map to it."""
    assert size_row(code).name == row


@pytest.mark.parametrize("code", NOT_COVERED)
def test_industries_outside_the_measures_are_refused(code: str) -> None:
    """铁路运输业, 金融业, 自有房地产经营 (K7040), 教育, 卫生, 公共管理 and 国际组织 are out."""
    with pytest.raises(IndustryNotCoveredError, match=f"industry {code} .* is not covered"):
        classify(code, employees=10, revenue=10, assets=10)


def test_every_class_of_gbt_4754_is_placed_or_known_to_be_outside() -> None:
    """Each of the 1,381 classes falls in exactly one row, except those the 办法 leaves out."""
    outside_prefixes = ("G53", "J", "K7040", "P", "Q84", "S", "T")
    classes = [c for c, i in industries().items() if i.level == "class"]
    assert len(classes) == 1381
    for code in classes:
        if code.startswith(outside_prefixes):
            with pytest.raises(IndustryNotCoveredError):
                size_row(code)
        else:
            size_row(code)
    named = [code for row in SIZE_TABLE for code in row.codes]
    assert len(named) == len(set(named))
    assert all(code in industries() for code in named)


def test_examples_from_the_brief() -> None:
    """工业: 1000 & 40000 large; 999 medium; 300/2000 medium; 20/300 small; 19 micro; and the
    C3511 example of the issue is medium."""
    assert classify("C3511", employees=1000, revenue=40000) == "large"
    assert classify("C3511", employees=999, revenue=40000) == "medium"
    assert classify("C3511", employees=300, revenue=2000) == "medium"
    assert classify("C3511", employees=20, revenue=300) == "small"
    assert classify("C3511", employees=19, revenue=300) == "micro"
    assert size_class("C3511", employees=350, revenue=2500, assets=8000) == "medium"


def test_large_medium_and_small_need_every_indicator() -> None:
    """One indicator short of a class drops the enterprise a class, however large the other."""
    assert classify("C3511", employees=1200, revenue=30000) == "medium"
    assert classify("C3511", employees=100, revenue=1_000_000) == "small"
    assert classify("E4710", revenue=100_000, assets=4999) == "small"
    assert classify("L7212", employees=5000, assets=7999) == "small"
    assert classify("K7010", revenue=500_000, assets=9999) == "medium"


def test_micro_needs_only_one_indicator() -> None:
    """Below the small bound on a single indicator is enough for micro."""
    assert classify("C3511", employees=19, revenue=1_000_000) == "micro"
    assert classify("C3511", employees=100_000, revenue=299) == "micro"
    assert classify("F5111", employees=4, revenue=100_000) == "micro"
    assert classify("K7020", employees=99, revenue=10_000) == "micro"
    assert classify("K7010", revenue=1_000_000, assets=1999) == "micro"
    assert classify("A0111", revenue=49.99) == "micro"
    assert classify("M7310", employees=0) == "micro"


def test_size_keys_are_the_registrys_size_classes() -> None:
    """The keys returned are the SizeClass choices of the profile vocabulary."""
    results = {classify("C3511", employees=e, revenue=r) for e, r in [(2000, 50000), (500, 5000)]}
    results |= {classify("C3511", employees=e, revenue=r) for e, r in [(50, 500), (1, 1)]}
    assert results == set(SizeClass.values)


def test_unused_figures_may_be_missing() -> None:
    """Figures the row does not use may be None; the others are ignored."""
    assert size_class("A0111", employees=None, revenue=600, assets=None) == "medium"
    assert size_class("L7111", employees=150, revenue=None, assets=9000) == "medium"
    assert size_class("M7310", employees=150, revenue=None, assets=None) == "medium"
    assert size_class("M7310", employees=150, revenue=1e9, assets=1e9) == "medium"


@pytest.mark.parametrize(
    ("code", "figures", "missing"),
    [
        ("C3511", {"employees": 350}, "revenue"),
        ("C3511", {"revenue": 2500}, "employees"),
        ("E4710", {"revenue": 2500}, "total assets"),
        ("L7111", {"employees": 20, "revenue": 1e6}, "total assets"),
        ("A0111", {"employees": 20}, "revenue"),
    ],
)
def test_a_needed_figure_missing_is_an_error(
    code: str, figures: dict[str, float], missing: str
) -> None:
    """A figure the row uses must be given; the message names it and the row."""
    with pytest.raises(MissingFigureError, match=f"^{missing} is needed to classify"):
        classify(code, **figures)


def test_negative_figures_are_an_error() -> None:
    """Negative employees, revenue or assets are refused."""
    with pytest.raises(InvalidFigureError, match="employees must not be negative, got -1"):
        classify("C3511", employees=-1, revenue=100)
    with pytest.raises(InvalidFigureError, match="revenue must not be negative"):
        classify("C3511", employees=1, revenue=-0.5)


@pytest.mark.parametrize("code", ["C9999", "C35111", "Z", "", "35111", "CC3511", "工业"])
def test_unknown_industry(code: str) -> None:
    """A code that is not in GB/T 4754-2017 is an UnknownIndustryError (a ValueError)."""
    with pytest.raises(UnknownIndustryError, match="not a GB/T 4754-2017 code"):
        classify(code, employees=1, revenue=1, assets=1)


def test_codes_are_accepted_in_lower_case_and_without_the_section_letter() -> None:
    """ "c3511", " C3511 " and "3511" all mean C3511."""
    assert normalise_industry_code("c3511") == "C3511"
    assert normalise_industry_code(" C3511 ") == "C3511"
    assert normalise_industry_code("3511") == "C3511"
    assert normalise_industry_code("26") == "C26"
    assert classify("3511", employees=350, revenue=2500) == "medium"


def test_broad_codes_are_placed_when_they_fall_in_one_row() -> None:
    """A section, division or group is accepted when every class below it is in one row."""
    assert size_row("C").name == "工业"
    assert size_row("C26").name == "工业"
    assert size_row("G591").name == "交通运输业"
    assert size_row("G594").name == "仓储业"
    assert size_row("H61").name == "住宿业"


@pytest.mark.parametrize("code", ["F", "G", "G59", "H", "I", "K70"])
def test_codes_spanning_several_rows_are_ambiguous(code: str) -> None:
    """G59 (装卸搬运 and 仓储), F (批发 and 零售) or K70 (开发经营, 物业…) need more detail."""
    with pytest.raises(AmbiguousIndustryError, match="too broad for the size table"):
        size_row(code)


@pytest.mark.parametrize("code", ["J", "Q", "G53", "S", "K704"])
def test_codes_partly_or_wholly_outside_are_refused(code: str) -> None:
    """A code whose classes are all outside the 办法, or in one row and outside it (Q: 卫生 and
    社会工作), is not covered."""
    with pytest.raises(IndustryNotCoveredError):
        size_row(code)


def test_errors_are_value_errors() -> None:
    """Every error of the module is a SizeClassError and a ValueError."""
    errors: list[type[Exception]] = [
        UnknownIndustryError,
        IndustryNotCoveredError,
        AmbiguousIndustryError,
        MissingFigureError,
        InvalidFigureError,
    ]
    assert all(issubclass(error, SizeClassError) for error in errors)
    assert issubclass(SizeClassError, ValueError)


# The GB/T 4754-2017 table (data/gbt4754-2017.csv) ---------------------------------------------


def test_industry_table_counts() -> None:
    """20 sections, 97 divisions, 473 groups and 1,381 classes (see data/README.md on 1,380)."""
    levels = Counter(industry.level for industry in industries().values())

    assert levels == {"section": 20, "division": 97, "group": 473, "class": 1381}


def test_industry_table_is_well_formed() -> None:
    """The level column matches the code, every code's parent is in the table, names are clean,
    and the sections hold the divisions GB/T 4754-2017 gives them."""
    with INDUSTRY_TABLE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [row["code"] for row in rows] == list(industries())
    for row in rows:
        code, name = row["code"], row["name"]
        assert row["level"] == industries()[code].level
        assert re.fullmatch(r"[A-T](\d{2}(\d(\d)?)?)?", code), code
        if len(code) > 1:
            assert code[: len(code) - (2 if len(code) == 3 else 1)] in industries(), code
        assert name == name.strip() and name, code
        assert not re.search(r"[()?\s]", name), name
    divisions: dict[str, list[int]] = {code: [] for code in industries() if len(code) == 1}
    for code in industries():
        if len(code) == 3:
            divisions[code[0]].append(int(code[1:]))
    spans = {s: (min(d), max(d)) for s, d in divisions.items()}
    assert spans == {
        "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
        "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
        "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
        "S": (91, 96), "T": (97, 97),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("C", "制造业"),
        ("C15", "酒、饮料和精制茶制造业"),
        ("C26", "化学原料和化学制品制造业"),
        ("C2614", "有机化学原料制造"),
        ("C35", "专用设备制造业"),
        ("C351", "采矿、冶金、建筑专用设备制造"),
        ("C3511", "矿山机械制造"),
        ("C339", "铸造及其他金属制品制造"),
        ("C395", "非专业视听设备制造"),
        ("C271", "化学药品原料药制造"),  # a group with a single class: same name
        ("C2710", "化学药品原料药制造"),
        ("A05", "农、林、牧、渔专业及辅助性活动"),
        ("G5910", "装卸搬运"),
        ("I65", "软件和信息技术服务业"),
        ("K7040", "房地产租赁经营"),
        ("L7289", "其他会议、会展及相关服务"),
        ("M75", "科技推广和应用服务业"),
        ("M7517", "三维（3D）打印技术推广服务"),
        ("R87", "广播、电视、电影和录音制作业"),
        ("T9700", "国际组织"),
    ],
)
def test_industry_names(code: str, name: str) -> None:
    """Spot checks of the official Chinese names, including the ones the sources disagreed on."""
    assert industries()[code].name == name


# The command line ------------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    """Run `registry …` and return what it wrote to stdout and to stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("registry", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_size_class_prints_the_key() -> None:
    """The issue's example prints `medium` and nothing else."""
    out, err = run(
        "size-class", "--industry", "C3511", "--employees", "350", "--revenue", "2500",
        "--assets", "8000",
    )  # fmt: skip

    assert out == "medium\n"
    assert err == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--industry", "C3511", "--employees", "1000", "--revenue", "40000"], "large"),
        (["--industry", "C3511", "--employees", "19", "--revenue", "40000"], "micro"),
        (["--industry", "A0111", "--revenue", "50"], "small"),
        (["--industry", "L7212", "--employees", "10", "--assets", "100"], "small"),
        (["--industry", "M7310", "--employees", "300"], "large"),
        (["--industry", "e4710", "--revenue", "6000", "--assets", "5000"], "medium"),
    ],
)
def test_cli_size_class_rows(args: list[str], expected: str) -> None:
    """Figures the row does not use may be left out on the command line."""
    assert run("size-class", *args) == (f"{expected}\n", "")


def test_cli_size_class_unknown_industry() -> None:
    """An unknown code is a CommandError naming it."""
    with pytest.raises(CommandError, match="unknown industry code “C9999”"):
        run("size-class", "--industry", "C9999", "--employees", "1", "--revenue", "1")


def test_cli_size_class_missing_figure_and_uncovered_industry() -> None:
    """A figure the row needs, or an industry outside the 办法, is a CommandError."""
    with pytest.raises(CommandError, match="revenue is needed to classify an enterprise in 工业"):
        run("size-class", "--industry", "C3511", "--employees", "350")
    with pytest.raises(CommandError, match="is not covered"):
        run("size-class", "--industry", "J6621", "--employees", "350")


VALID = "91110000600037341L"
DEMO = "91310116MA1JL0TT5P"


def test_cli_validate_uscc_all_valid() -> None:
    """One `CODE valid` line per code; the demo code's GB 11714 mismatch goes to stderr."""
    out, err = run("validate-uscc", VALID, DEMO)

    assert out == f"{VALID} valid\n{DEMO} valid\n"
    assert err == (
        f"{DEMO} warning: the organisation code's check character (position 17) should be 2 "
        "under GB 11714; some legally issued codes differ\n"
    )


def test_cli_validate_uscc_with_invalid_codes_fails_after_printing_every_line() -> None:
    """Every code gets its line (reasons joined with "; ") before the non-zero exit."""
    out, err = io.StringIO(), io.StringIO()
    bad_chars = "I" + VALID[1:8] + "O" + VALID[9:]
    with pytest.raises(CommandError, match="4 of 5 code"):
        call_command(
            "registry", "validate-uscc", VALID, "", DEMO.lower(), bad_chars, VALID[:17] + "X",
            stdout=out, stderr=err,
        )  # fmt: skip

    assert out.getvalue().splitlines() == [
        f"{VALID} valid",
        " invalid: empty",
        f"{DEMO.lower()} invalid: lower case is not allowed; the code in upper case is {DEMO}",
        f"{bad_chars} invalid: character “I” not allowed at position 1; "
        "character “O” not allowed at position 9",
        f"{VALID[:17]}X invalid: check digit expected L, got X",
    ]
    assert err.getvalue() == ""


def test_cli_exit_status_is_non_zero_with_an_invalid_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Run as `jinqi registry validate-uscc`, an invalid code exits with status 1."""
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["jinqi", "registry", "validate-uscc", VALID, "9131011"])

    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == f"{VALID} valid\n9131011 invalid: must be 18 characters, got 7\n"
    assert "1 of 2 code(s) invalid" in captured.err


def test_cli_exit_status_is_zero_when_all_valid(capsys: pytest.CaptureFixture[str]) -> None:
    """All valid: no SystemExit, one line."""
    Command().run_from_argv(["jinqi", "registry", "validate-uscc", VALID])

    assert capsys.readouterr().out == f"{VALID} valid\n"


def test_cli_codes_are_taken_as_given() -> None:
    """Surrounding spaces are kept, so the length is wrong."""
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("registry", "validate-uscc", f" {VALID}", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == f" {VALID} invalid: must be 18 characters, got 19\n"
