"""`jinqi inspections sample` and `jinqi inspections merge` as documented in
docs/inspections.md: files in, files out, refusals with a clear line and no file."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from jinqi.core.models import CalendarOverride
from jinqi.registry.uscc import generate_uscc

CODES = sorted(generate_uscc(random.Random(n)) for n in range(6))


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command("inspections", *args, stdout=out)
    return out.getvalue().strip()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def population_file(tmp_path: Path) -> Path:
    rng = random.Random(3)
    lines = ["uscc,credit_class"]
    sizes = {"A": 120, "B": 60, "C": 20, "D": 4}
    lines += [f"{generate_uscc(rng)},{cls}" for cls, n in sizes.items() for _ in range(n)]
    return write(tmp_path / "P.csv", "\n".join(lines) + "\n")


def test_sample_writes_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    """Same population and seed give the same file byte for byte: header, UTF-8, LF, exactly
    ceil(ratio × count) of each class (3 + 3 + 6 + 4), sorted by class then code."""
    population = population_file(tmp_path)
    ratios = "A=0.02,B=0.05,C=0.3,D=1"
    for name in ("S1.csv", "S2.csv"):
        run("sample", "--population", str(population), "--ratios", ratios, "--seed", "20250601",
            "--output", str(tmp_path / name))  # fmt: skip
    first = (tmp_path / "S1.csv").read_bytes()
    assert first == (tmp_path / "S2.csv").read_bytes()
    lines = first.decode().split("\n")
    assert lines[0] == "uscc,credit_class" and lines[-1] == "" and b"\r" not in first
    rows = [tuple(line.split(",")) for line in lines[1:-1]]
    assert [cls for _, cls in rows] == ["A"] * 3 + ["B"] * 3 + ["C"] * 6 + ["D"] * 4
    assert rows == sorted(rows, key=lambda row: (row[1], row[0]))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,class\n", "缺少列"),
        (f"uscc,credit_class\n{CODES[0]},A\n{CODES[0]},A\n", "重复出现"),
        (f"uscc,credit_class\n{CODES[0]},X\n", "未知的信用风险分类"),
        ("uscc,credit_class\n12345,A\n", "不是有效的统一社会信用代码"),
    ],
)
def test_sample_refuses_a_bad_population_and_writes_nothing(
    tmp_path: Path, content: str, message: str
) -> None:
    """A bad population file is refused with a Chinese message and no output file."""
    population = write(tmp_path / "P.csv", content)
    output = tmp_path / "S.csv"
    with pytest.raises(CommandError, match=message):
        run("sample", "--population", str(population), "--ratios", "A=0.02,B=0.05,C=0.3,D=1",
            "--seed", "1", "--output", str(output))  # fmt: skip
    assert not output.exists()


def test_sample_refusal_on_the_command_line_exits_non_zero(tmp_path: Path) -> None:
    """From the shell, decreasing ratios print one Chinese line and exit non-zero."""
    population = population_file(tmp_path)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jinqi.settings.test"}
    finished = subprocess.run(
        [sys.executable, "-m", "jinqi", "inspections", "sample", "--population", str(population),
         "--ratios", "A=0.5,B=0.05,C=0.3,D=1", "--seed", "1", "--output", str(tmp_path / "S.csv")],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert finished.returncode != 0
    assert "B类的比例不得低于A类" in finished.stderr
    assert not (tmp_path / "S.csv").exists()


TASKS_HEADER = "task_id,department,uscc,window_start,window_end,unannounced\n"


@pytest.mark.django_db
def test_merge_on_the_platform_calendar(tmp_path: Path) -> None:
    """National Day 2026 is skipped, the 调休 Saturday 2026-10-10 is a working day, and a day
    the lead office corrected to a day off is skipped too."""
    CalendarOverride.objects.create(day=dt.date(2026, 9, 30), is_working_day=False, note="")
    tasks = write(
        tmp_path / "T.csv",
        TASKS_HEADER
        + f"amr-1,amr,{CODES[0]},2026-09-28,2026-10-08,false\n"
        + f"env-1,env,{CODES[0]},2026-10-08,2026-10-20,false\n"
        + f"fire-1,fire,{CODES[0]},2026-10-01,2026-10-09,true\n"
        + f"amr-2,amr,{CODES[1]},2026-10-10,2026-10-11,false\n"
        + f"env-2,env,{CODES[1]},2026-09-26,2026-09-30,false\n",
    )
    output = tmp_path / "V.csv"
    run("merge", "--tasks", str(tasks), "--output", str(output))
    assert output.read_text(encoding="utf-8") == (
        "visit_id,uscc,date,task_ids\n"
        f"V0001,{CODES[0]},2026-10-08,amr-1;env-1\n"
        f"V0002,{CODES[0]},2026-10-09,fire-1\n"
        f"V0003,{CODES[1]},2026-09-29,env-2\n"
        f"V0004,{CODES[1]},2026-10-10,amr-2\n"
    )


@pytest.mark.django_db
def test_merge_reports_tasks_without_a_working_day_and_writes_nothing(tmp_path: Path) -> None:
    """Tasks whose window holds no working day are named; no file is written."""
    tasks = write(
        tmp_path / "T.csv",
        TASKS_HEADER
        + f"ok,amr,{CODES[0]},2026-09-28,2026-10-08,false\n"
        + f"holiday,env,{CODES[0]},2026-10-01,2026-10-07,false\n"
        + f"weekend,env,{CODES[1]},2026-11-07,2026-11-08,true\n",
    )
    output = tmp_path / "V.csv"
    with pytest.raises(CommandError, match="任务holiday、weekend的时间窗口内没有工作日"):
        run("merge", "--tasks", str(tasks), "--output", str(output))
    assert not output.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"a,amr,{CODES[0]},2026-06-01,2026-06-05,maybe\n", "只能填写true或false"),
        (f"a,amr,{CODES[0]},2026/06/01,2026-06-05,false\n", "日期须按"),
        (f"a,amr,{CODES[0]},2026-06-05,2026-06-01,false\n", "结束日期早于开始日期"),
        (
            f"a,amr,{CODES[0]},2026-06-01,2026-06-05,false\na,env,{CODES[0]},2026-06-01,2026-06-05,false\n",
            "重复出现",
        ),
        (",amr,x,2026-06-01,2026-06-05,false\n", "没有task_id"),
    ],
)
def test_merge_refuses_bad_lines(tmp_path: Path, row: str, message: str) -> None:
    """A bad line is refused by its number with a Chinese message; no file is written."""
    tasks = write(tmp_path / "T.csv", TASKS_HEADER + row)
    output = tmp_path / "V.csv"
    with pytest.raises(CommandError, match=message):
        run("merge", "--tasks", str(tasks), "--output", str(output))
    assert not output.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfeu\x00s\x00c\x00c\x00",  # UTF-16
        b"PK\x03\x04" + bytes(range(256)),  # a ZIP, whatever its name says
        b"uscc,credit_class\n\x00\x01,A\n",
    ],
    ids=["empty", "utf-16", "zip", "control-characters"],
)
def test_sample_refuses_what_is_not_a_population_file(tmp_path: Path, content: bytes) -> None:
    """A file that is not a UTF-8 CSV with the columns is refused by its content, whatever its
    name, and nothing is written."""
    population = tmp_path / "P.csv"
    population.write_bytes(content)
    output = tmp_path / "S.csv"
    with pytest.raises(CommandError):
        run("sample", "--population", str(population), "--ratios", "A=0.02",
            "--seed", "1", "--output", str(output))  # fmt: skip
    assert not output.exists()
