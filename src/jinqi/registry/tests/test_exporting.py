"""Bulk export of the materialised profiles."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from jinqi.registry.tests.factories import enterprise, facts

pytestmark = pytest.mark.django_db


def test_export_writes_every_profile_with_categorical_columns_as_dictionaries(
    tmp_path: Path,
) -> None:
    """The Parquet file has one row per enterprise, vocabulary columns, and no personal data."""
    firm = enterprise(legal_representative="王大明")
    facts(firm, "human-resources", dt.date(2026, 6, 30), employees_2025=12)
    enterprise()
    target = tmp_path / "profiles.parquet"
    call_command("registry", "export-profiles", "--output", str(target), stderr=io.StringIO())
    table = pq.read_table(target)
    assert table.num_rows == 2
    assert pa.types.is_dictionary(table.schema.field("town").type)
    rows = {r["uscc"]: r for r in table.to_pylist()}
    assert rows[firm.uscc]["employees"] == 12
    assert "legal_representative" not in table.column_names
    assert "王大明" not in str(table.to_pylist())
