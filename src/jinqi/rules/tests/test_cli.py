"""`python -m jinqi rules …` as people run it: counts and eligible pairs written exactly, bad
packs and data files refused with exit status 2 and nothing written, and no Django loaded."""

from __future__ import annotations

import datetime
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jinqi.rules import Vocabulary, cli, compile_rule, evaluate

ROWS: list[dict[str, Any]] = [
    {"employees": 12, "revenue": 3.5, "sector": "C", "hightech": True, "founded": "2019-05-01"},
    {"employees": None, "revenue": 0.5, "sector": "I", "hightech": None, "founded": None},
    {
        "employees": 250,
        "revenue": math.nan,
        "sector": "C",
        "hightech": False,
        "founded": "2024-02-29",
    },
    {"employees": 3, "revenue": 1.0, "sector": None, "hightech": True, "founded": "2010-01-01"},
    {"employees": 40, "revenue": 12.0, "sector": "金融", "hightech": True, "founded": "2021-07-15"},
]
PACK = [
    {"id": "small", "sql": "employees < 50", "title": "other keys are ignored"},
    {"id": "tech", "sql": "hightech AND revenue > 1"},
    {"id": "manufacturing", "sql": "sector = 'C'"},
    {"id": "none", "sql": "employees > 10000"},
    {"id": "新企业", "sql": "founded >= '2019-01-01' AND sector NOT IN ('I')"},
]


def write_profiles(path: Path) -> Path:
    table = pa.table(
        {
            "employees": pa.array([r["employees"] for r in ROWS], pa.int64()),
            "revenue": pa.array([r["revenue"] for r in ROWS], pa.float64()),
            "sector": pa.array([r["sector"] for r in ROWS]).dictionary_encode(),
            "hightech": pa.array([r["hightech"] for r in ROWS], pa.bool_()),
            "founded": pa.array(
                [r["founded"] and datetime.date.fromisoformat(r["founded"]) for r in ROWS],
                pa.date32(),
            ),
            "updated": pa.array([0] * len(ROWS), pa.timestamp("s")),  # not rule vocabulary
        }
    )
    pq.write_table(table, path, row_group_size=2)  # three row groups: three dictionaries
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(PACK, ensure_ascii=False), encoding="utf-8")
    return {
        "rules": rules,
        "data": write_profiles(tmp_path / "profiles.parquet"),
        "output": tmp_path / "counts.json",
        "pairs": tmp_path / "pairs.parquet",
    }


def run(
    *args: str | Path, language: str = "en", python: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANGUAGE": language, "LANG": "C.UTF-8"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *python, "-m", "jinqi", "rules", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def run_here(
    args: list[str | Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """The command's `main` in this process (faster than a process, for the many refusals)."""
    monkeypatch.setenv("LANGUAGE", "en")
    status = cli.main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def evaluate_command(files: dict[str, Path], *, pairs: bool = True) -> list[str | Path]:
    args: list[str | Path] = ["evaluate", "--rules", files["rules"], "--data", files["data"]]
    args += ["--output", files["output"]]
    return [*args, "--pairs", files["pairs"]] if pairs else args


def expected_decisions(data: Path) -> dict[str, list[bool | None]]:
    """Each rule's decision per row, from the Python executor."""
    vocabulary = Vocabulary.from_arrow_schema(pq.read_schema(data))
    return {
        item["id"]: [evaluate(compile_rule(item["sql"], vocabulary), row) for row in ROWS]
        for item in PACK
    }


def test_evaluate_writes_counts_and_pairs(files: dict[str, Path]) -> None:
    """COUNTS.json holds each rule's eligible and unknown counts in pack order, PAIRS.parquet
    the eligible (rule, row) pairs in pack order then row order."""
    result = run(*evaluate_command(files))
    assert result.returncode == 0, result.stderr
    assert "5 rules evaluated." in result.stderr
    counts = json.loads(files["output"].read_text(encoding="utf-8"))
    assert list(counts) == ["small", "tech", "manufacturing", "none", "新企业"]
    assert counts == {
        "small": {"eligible": 3, "unknown": 1},
        "tech": {"eligible": 2, "unknown": 0},
        "manufacturing": {"eligible": 2, "unknown": 1},
        "none": {"eligible": 0, "unknown": 1},
        "新企业": {"eligible": 3, "unknown": 0},
    }
    decisions = expected_decisions(files["data"])
    for rule_id, count in counts.items():
        assert count["eligible"] == decisions[rule_id].count(True)
        assert count["unknown"] == decisions[rule_id].count(None)

    pairs = pq.read_table(files["pairs"])
    assert pairs.schema.field("rule").type == pa.dictionary(pa.int32(), pa.string())
    assert pairs.schema.field("row").type == pa.int32()
    assert pairs.schema.names == ["rule", "row"]
    listed = list(
        zip(pairs.column("rule").to_pylist(), pairs.column("row").to_pylist(), strict=True)
    )
    assert listed == [
        ("small", 0),
        ("small", 3),
        ("small", 4),
        ("tech", 0),
        ("tech", 4),
        ("manufacturing", 0),
        ("manufacturing", 2),
        ("新企业", 0),
        ("新企业", 2),
        ("新企业", 4),
    ]
    expected = [
        (rule_id, row) for rule_id, rows in decisions.items() for row, d in enumerate(rows) if d
    ]
    assert listed == expected


def test_evaluate_without_pairs_writes_counts_only(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without --pairs only COUNTS.json is written."""
    status, _, stderr = run_here(evaluate_command(files, pairs=False), capsys, monkeypatch)
    assert status == 0, stderr
    assert json.loads(files["output"].read_text(encoding="utf-8"))["small"]["eligible"] == 3
    assert not files["pairs"].exists()


def test_duckdb_engine_writes_the_same_files(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--engine duckdb` writes COUNTS.json and PAIRS.parquet equal to the vectorised run's."""
    status, _, stderr = run_here(evaluate_command(files), capsys, monkeypatch)
    assert status == 0, stderr
    engine_files = {**files, "output": tmp_path / "e.json", "pairs": tmp_path / "e.parquet"}
    command = [*evaluate_command(engine_files), "--engine", "duckdb"]
    status, _, stderr = run_here(command, capsys, monkeypatch)
    assert status == 0, stderr
    assert engine_files["output"].read_text(encoding="utf-8") == files["output"].read_text(
        encoding="utf-8"
    )
    assert pq.read_table(engine_files["pairs"]).equals(pq.read_table(files["pairs"]))
    assert pq.read_table(files["pairs"]).num_rows == 10


def test_unknown_engine_is_a_usage_error(files: dict[str, Path]) -> None:
    """An engine the command does not know is refused with exit status 2, nothing written."""
    result = run(*evaluate_command(files), "--engine", "polars")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert not files["output"].exists()


@pytest.mark.parametrize(
    ("pack", "counts", "pairs"),
    [
        ([{"id": "all", "sql": "TRUE"}, {"id": "one", "sql": "1 = 1"}], [5, 5], 10),
        ([], [], 0),
    ],
)
def test_pack_that_reads_no_column(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pack: list[dict[str, str]],
    counts: list[int],
    pairs: int,
) -> None:
    """A pack that reads no column (or is empty) still counts every row of the data file."""
    files["rules"].write_text(json.dumps(pack), encoding="utf-8")
    status, _, stderr = run_here(evaluate_command(files), capsys, monkeypatch)
    assert status == 0, stderr
    written = json.loads(files["output"].read_text(encoding="utf-8"))
    assert [count["eligible"] for count in written.values()] == counts
    assert pq.read_table(files["pairs"]).num_rows == pairs


def test_check_validates_a_pack(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`check` compiles the pack against the data file's columns and says how many are valid."""
    command: list[str | Path] = ["check", "--rules", files["rules"], "--data", files["data"]]
    status, out, err = run_here(command, capsys, monkeypatch)
    assert status == 0, err
    assert out.strip() == "5 rules are valid."
    assert not files["output"].exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "The rule pack cannot be read:"),
        ("", "The rule pack cannot be read:"),
        (
            '{"id": "a", "sql": "TRUE"}',
            'The rule pack must be a list of {"id": …, "sql": …} objects.',
        ),
        (
            '[{"id": 1, "sql": "TRUE"}]',
            'The rule pack must be a list of {"id": …, "sql": …} objects.',
        ),
        ('[{"id": "a"}]', 'The rule pack must be a list of {"id": …, "sql": …} objects.'),
        ('[["a", "TRUE"]]', 'The rule pack must be a list of {"id": …, "sql": …} objects.'),
        (
            '[{"id": "a", "sql": "TRUE"}, {"id": "a", "sql": "FALSE"}]',
            "Rule ids must be unique.",
        ),
    ],
)
def test_bad_pack_is_refused_and_nothing_written(
    files: dict[str, Path],
    content: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pack not JSON, of the wrong shape or repeating an id: exit 2, the reason, no file."""
    files["rules"].write_text(content, encoding="utf-8")
    status, _, stderr = run_here(evaluate_command(files), capsys, monkeypatch)
    assert status == 2
    assert stderr.startswith(message), stderr
    assert not files["output"].exists() and not files["pairs"].exists()


def test_bad_pack_from_the_command_line(files: dict[str, Path]) -> None:
    """Run as a process, a bad pack ends with status 2 and the reason, without a traceback."""
    files["rules"].write_text("not json", encoding="utf-8")
    result = run(*evaluate_command(files))
    assert result.returncode == 2
    assert result.stderr.startswith("The rule pack cannot be read:"), result.stderr
    assert "Traceback" not in result.stderr
    assert not files["output"].exists() and not files["pairs"].exists()


def test_bad_rules_are_all_reported_and_nothing_written(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every bad rule is reported by id with its reason; exit 2 and no file written."""
    pack = [
        {"id": "ok", "sql": "employees > 1"},
        {"id": "unknown", "sql": "staff > 1"},
        {"id": "function", "sql": "sqrt(revenue) > 1"},
        {"id": "statement", "sql": "employees > 1; DROP TABLE x"},
        {"id": "timestamp", "sql": "updated IS NULL"},  # a column the rules cannot use
    ]
    files["rules"].write_text(json.dumps(pack), encoding="utf-8")
    status, _, stderr = run_here(evaluate_command(files), capsys, monkeypatch)
    assert status == 2
    assert stderr.splitlines() == [
        'unknown: Unknown field "staff". (column 1)',
        'function: Function "SQRT(revenue)" is not allowed; use ABS, LEAST, GREATEST or COALESCE.',
        'statement: A rule is one expression, not a statement or several: ";". (column 14)',
        'timestamp: Unknown field "updated". (column 1)',
    ]
    assert not files["output"].exists() and not files["pairs"].exists()


def test_messages_follow_the_language(files: dict[str, Path]) -> None:
    """Without an English locale the command speaks Chinese, as the project does."""
    files["rules"].write_text('[{"id": "x", "sql": "staff > 1"}]', encoding="utf-8")
    result = run(*evaluate_command(files), language="zh_Hans")
    assert result.returncode == 2
    assert "「staff」" in result.stderr
    assert "Unknown field" not in result.stderr


@pytest.mark.parametrize("kind", ["missing", "not parquet"])
def test_unreadable_data_file_is_refused(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    """A data file that is absent or not Parquet: exit 2, the reason, nothing written."""
    if kind == "missing":
        files["data"].unlink()
    else:
        files["data"].write_text("employees\n1\n", encoding="utf-8")
    status, _, stderr = run_here(evaluate_command(files), capsys, monkeypatch)
    assert status == 2
    assert stderr.startswith("The data file cannot be read:"), stderr
    assert not files["output"].exists() and not files["pairs"].exists()


def test_usage_errors_exit_2(files: dict[str, Path]) -> None:
    """A missing required option is a usage error (exit 2) from argparse."""
    result = run("evaluate", "--rules", files["rules"])
    assert result.returncode == 2
    assert "--data" in result.stderr


def test_the_command_does_not_import_django(files: dict[str, Path]) -> None:
    """`jinqi rules evaluate` runs without importing Django (or any module of the web apps)."""
    result = run(*evaluate_command(files), python=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "jinqi.rules.cli" in imported and "pyarrow" in imported
    top_level = {name.split(".")[0] for name in imported}
    assert not top_level & {"django", "ninja"}
    apps = {"core", "accounts", "plans", "registry", "notifications", "audit", "api", "web"}
    assert not {name.split(".")[1] for name in imported if name.startswith("jinqi.")} & apps


def test_sql_prints_each_rule_compiled_for_the_dialect(tmp_path: Path) -> None:
    """`jinqi rules sql` gives id → SQL in the asked dialect (Spark quotes with backticks)."""
    data = tmp_path / "p.parquet"
    pq.write_table(pa.table({"employees": pa.array([1, None], pa.int64())}), data)
    rules = tmp_path / "r.json"
    rules.write_text(json.dumps([{"id": "small", "sql": "employees <= 30"}]), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jinqi",
            "rules",
            "sql",
            "--rules",
            str(rules),
            "--data",
            str(data),
            "--dialect",
            "spark",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == {"small": "`employees` <= 30"}
