"""The API's contract is committed and reviewed like code."""

from __future__ import annotations

from jinqi.api.schema import COMMITTED, openapi_text


def test_committed_openapi_document_is_current() -> None:
    """docs/api/openapi.json matches the API (after a change: `uv run jinqi openapi --write`)."""
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "The API changed: run `uv run jinqi openapi --write` and commit docs/api/openapi.json"
    )
