"""`jinqi plan import` and `jinqi registry import`, run as an operator runs them, answer a
hostile file with one clear line in Chinese and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jinqi.core.tests.archives import hostile_files

# The hostile files issue #12 names for the command line, by their kind in hostile_files().
KINDS = (
    "entity-expansion-xlsx",
    "zip-bomb",
    "executable-as-xlsx",
    "executable-as-csv",
    "not-parquet-as-parquet",
    "empty",
    "damaged-xlsx",
)
COMMANDS = {
    "plan": ["plan", "import", "--code", "hostile", "--title", "方案", "--year", "2022"],
    "registry": ["registry", "import", "--source", "market-regulation", "--no-progress"],
}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")  # a word; type labels (XLSX) are capitals
PATH = re.compile(r"[\w\[\]/.-]*[/.][\w\[\]/.-]*")  # a file's or a part's name, quoted as is


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database of the module's own and the environment to use it."""
    home = tmp_path_factory.mktemp("jinqi-home")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jinqi.settings.base",
        "JINQI_HOME": str(home),
        "DATABASE_URL": f"sqlite:///{home / 'jinqi.sqlite3'}",
    }
    subprocess.run(
        [sys.executable, "-m", "jinqi", "migrate", "-v", "0"],
        env=env,
        check=True,
        capture_output=True,
    )
    return env


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_file_gets_one_chinese_line_and_a_failure(
    environment: dict[str, str], tmp_path: Path, command: str, kind: str
) -> None:
    """The import exits non-zero and prints one line, in Chinese, without a traceback."""
    name, content = hostile_files()[kind]
    path = tmp_path / name
    path.write_bytes(content)
    action, *options = COMMANDS[command][1:]
    finished = subprocess.run(
        [sys.executable, "-m", "jinqi", COMMANDS[command][0], action, str(path), *options],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = finished.stdout + finished.stderr
    lines = output.splitlines()  # no banner of django-axes either (AXES_VERBOSE is off)
    assert finished.returncode != 0, output
    assert "Traceback" not in output
    assert len(lines) == 1, output
    assert CHINESE.search(lines[0]), lines[0]
    assert not ENGLISH_WORD.search(PATH.sub("", lines[0]).replace("Parquet", "")), lines[0]
